"""``playbook new``: a complete, commented engagement folder from ``templates/engagement``."""

from __future__ import annotations

import re
import shutil
import tempfile
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

from playbook.core import settings
from playbook.core.engagement import is_slug, load
from playbook.core.errors import UserError
from playbook.core.resources import templates_dir

DEADLINE_DAYS = 21  # a new engagement's first deadline: three weeks from today, to be changed


def _slug(name: str) -> str:
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9]+", "-", name.lower())).strip("-")[:64]


def _quarter(today: date) -> str:
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def _settings_block(firm_settings: dict | None = None) -> str:
    """The commented defaults file, every setting commented out with what it accepts (from the schema); a setting
    the firm's profile gives shows the firm's value."""
    import json

    text = resources.files("playbook").joinpath("data/defaults.yaml").read_text("utf-8")
    allowed = {key: rule["x-allowed"] for key, rule in settings.declared().items()}
    firm_settings = firm_settings or {}
    lines = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("#"):
            lines.append("  " + line)
            continue
        key = line.split(":", 1)[0].strip()
        if key in firm_settings:
            line = f"{key}: {json.dumps(firm_settings[key], ensure_ascii=False)}"
            lines.append(f"  # {line:<36} # from your firm's profile (firm.yaml); {allowed[key]}")
        else:
            lines.append(f"  # {line:<36} # {allowed[key]}")
    return "\n".join(lines)


def scaffold(directory: Path, client: str, eid: str | None = None, consultant: str = "",
             period: str | None = None) -> Path:
    from jinja2 import Environment, StrictUndefined

    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise UserError(f"{directory}: the folder exists and is not empty; choose a new folder.")
    if not client.strip() or "\n" in client or len(client) > 200:
        raise UserError("--client must be the client's name: one line of at most 200 characters.")
    eid = eid if eid is not None else _slug(directory.resolve().name)
    if not is_slug(eid):
        raise UserError(f"--id {eid!r} is not allowed; use lowercase letters, digits and hyphens (e.g. 'acme-2026').")
    from playbook.core.firm import for_folder

    firm = for_folder(directory)  # the firm's profile beside the new folder (or PLAYBOOK_FIRM), checked first
    src = templates_dir() / "engagement"
    parent = directory.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=parent))
    try:
        for item in src.iterdir():
            if item.name.endswith(".j2") or item.name.startswith("."):
                continue
            (shutil.copytree if item.is_dir() else shutil.copy2)(item, staging / item.name)
        template = Environment(undefined=StrictUndefined, keep_trailing_newline=True).from_string(
            (src / "engagement.yaml.j2").read_text("utf-8"))
        (staging / "engagement.yaml").write_text(template.render(
            eid=eid, client=client.strip(), consultant=consultant.strip(), period=period or _quarter(date.today()),
            deadline=(date.today() + timedelta(days=DEADLINE_DAYS)).isoformat(),
            settings_block=_settings_block(firm.layered() if firm is not None else None)), encoding="utf-8")
        library = templates_dir() / "kpi-library.csv"
        if library.is_file():
            shutil.copy2(library, staging / "kpi-library.csv")
        load(staging)  # what we scaffold must load as is
        if directory.exists():
            directory.rmdir()
        staging.rename(directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return directory.resolve()
