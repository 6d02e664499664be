"""``playbook serve``: Voilà over the package's notebooks for a workspace.

The workspace (one engagement folder, or a folder of them) reaches the kernels
through the ``PLAYBOOK_WORKSPACE`` environment variable; pages pick the
engagement and respondent from the link (see ``live.py``). Sources are stripped
and tracebacks hidden: clients see pages, never code.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from .engagement import load
from .errors import UserError
from .live import WORKSPACE_ENV
from .resources import notebooks_dir


def workspace_engagements(path: Path) -> list[Path]:
    path = Path(path)
    if not path.is_dir():
        raise UserError(f"{path}: no such folder; give an engagement folder or a folder of engagements.")
    if (path / "engagement.yaml").is_file():
        load(path)
        return [path.resolve()]
    found = sorted(p.resolve() for p in path.iterdir() if (p / "engagement.yaml").is_file())
    if not found:
        raise UserError(f"{path}: holds no engagement.yaml, directly or one level down.")
    for p in found:
        eng = load(p)
        if eng.id != p.name:
            raise UserError(f"{p / 'engagement.yaml'}: id '{eng.id}' must match its folder name '{p.name}' "
                            "inside a workspace, so links can find it.")
    return found


def voila_command(port: int, host: str, pool_size: int = 1) -> list[str]:
    return [
        sys.executable, "-m", "voila", str(notebooks_dir()),
        "--no-browser", f"--port={port}", f"--Voila.ip={host}",
        "--strip_sources=True", "--show_tracebacks=False",
        "--VoilaConfiguration.file_allowlist=[]",
        "--preheat_kernel=True", f"--pool_size={pool_size}",
        "--Voila.log_level=WARN",
    ]


def serve(path: Path, port: int = 8866, host: str = "127.0.0.1", echo: Callable[[str], None] = print) -> int:
    engagements = workspace_engagements(path)
    env = dict(os.environ, **{WORKSPACE_ENV: str(Path(path).resolve())})
    base = f"http://{host}:{port}/voila/render"
    echo(f"Serving {len(engagements)} engagement(s) on http://{host}:{port}/ (Ctrl-C to stop)")
    for p in engagements:
        eng = load(p)
        echo(f"  {eng.client}: consultant views {base}/self_evaluation.ipynb?e={eng.id}")
    try:
        return subprocess.call(voila_command(port, host), env=env)
    except KeyboardInterrupt:
        return 0
