"""``playbook serve``: Voilà over the package's notebooks for a workspace.

The workspace (one engagement folder, or a folder of them) reaches the kernels
through the ``PLAYBOOK_WORKSPACE`` environment variable; pages pick the
engagement and respondent from the link (see ``live.py``). Sources are stripped
and tracebacks hidden: clients see pages, never code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from playbook.core.engagement import load, workspace_engagements
from playbook.core.errors import UserError
from playbook.core.resources import notebooks_dir, templates_dir
from playbook.core.responses import FILE as RESPONSES
from playbook.core.responses import check_store, import_file, writable
from playbook.outreach import links
from playbook.outreach.urls import PUBLIC_URL_ENV, Address
from playbook.outreach.urls import address as local_address
from playbook.serve.live import KEY_ENV, VISITOR_HEADER, WORKSPACE_ENV

# Respondents' forms are drawn by the server itself (forms/handlers.py): no kernel. The
# interactive report (viewers and consultants) gets kernels started ahead of its visitors.
REPORT = "report.ipynb"
POOL_REPORT = 2
# A report page's kernel (Python, pandas, Altair and its chart renderer, the widgets, one engagement) takes
# some 200 to 260 MiB (benchmarks/bench_viewer.py).
KERNEL_MEMORY = 260 * 2**20
MIN_KERNELS = 4


def default_max_kernels() -> int:
    """The kernel cap for this machine: available memory / 260 MiB, at least 4."""
    try:
        available = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # not on this system
        return MIN_KERNELS
    return max(MIN_KERNELS, available // KERNEL_MEMORY)


def check_limits(max_kernels: int, preheat: int) -> None:
    if max_kernels < 1:
        raise UserError(f"--max-kernels {max_kernels} must be 1 or more.")
    if not 0 <= preheat < max_kernels:
        raise UserError(f"--preheat {preheat} must be from 0 to one less than --max-kernels ({max_kernels}): "
                        "the preheated kernels count towards the cap.")


def server_hosts(host: str, public_url: str | None = None) -> list[str]:
    """The host names the server answers to: its own, the loopback names, and the public address's."""
    names = {"127.0.0.1", "localhost", "::1"}
    if host not in ("0.0.0.0", "::", ""):
        names.add(host.strip("[]").lower())
    if public_url and urlsplit(public_url).hostname:
        names.add(urlsplit(public_url).hostname)
    return sorted(names)


# A kernel whose page is closed (no browser connected) and idle this long is stopped.
IDLE_TIMEOUT = 900


def voila_config(config_dir: Path, idle_timeout: int = IDLE_TIMEOUT, preheat: int = POOL_REPORT,
                 max_kernels: int = 0, hosts: list[str] | None = None) -> Path:
    """Write the server's voila.json: stripped sources, hidden tracebacks, ``preheat`` report kernels started ahead.

    Kernels of closed pages are culled after ``idle_timeout`` seconds without a
    connected page (Voilà never culls the preheated pool), and forms nobody is
    connected to are forgotten after as long. An open page keeps its kernel however
    long its visitor takes. Every request meets the gate first (``gate.Gate``,
    Jupyter Server's identity provider): links, ``hosts``, the cap of ``max_kernels``
    live kernels (0: none), the forms, the query socket; every page's kernel socket
    honours only the widgets' comms (``gate.KernelChannel``).
    """
    pools = {"default": {"pool_size": 0}}
    if (notebooks_dir() / REPORT).is_file():
        pools[REPORT] = {"pool_size": preheat}
    config = {
        "Voila": {"identity_provider_class": "playbook.serve.gate.Gate",
                  "kernel_websocket_connection_class": "playbook.serve.gate.KernelChannel"},
        "Gate": {"hosts": list(hosts or []), "max_kernels": max_kernels, "form_idle": idle_timeout},
        "VoilaConfiguration": {
            "template": "playbook",
            "theme": "light",
            "strip_sources": True,
            "show_tracebacks": False,
            "preheat_kernel": True,
            # The gate's word on who the visitor is reaches the kernel as HTTP_X_PLAYBOOK_VISITOR.
            "http_header_envs": [VISITOR_HEADER],
            "allow_template_override": "NO",
            "allow_theme_override": "NO",
            # Pages need only the widget manager; every other lab extension is a script to fetch.
            "extension_denylist": ["jupyterlab_pygments", "@voila-dashboards/jupyterlab-preview"],
        },
        # Under load (many respondents arriving at once on a small machine) a kernel may take
        # longer than nbclient's default 4 s to send a cell's output; never drop the form.
        "VoilaExecutor": {"iopub_timeout": 120},
        "MappingKernelManager": {
            "cull_idle_timeout": idle_timeout,
            "cull_interval": max(1, min(60, idle_timeout // 2)),
            "cull_connected": False,
        },
        "VoilaKernelManager": {
            "kernel_pools_config": pools,
        },
    }
    path = Path(config_dir) / "voila.json"
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return path


def voila_command(port: int, host: str, config_dir: Path, base_url: str = "/") -> list[str]:
    """Voilà (``playbook.serve.app``) on ``host:port``, its pages under the path ``base_url``."""
    return [
        sys.executable, "-m", "playbook.serve.app", str(notebooks_dir()),
        "--no-browser", f"--port={port}", f"--Voila.ip={host}", f"--Voila.base_url={base_url}",
        f"--Voila.config_file_paths={config_dir}", "--Voila.log_level=WARN",
    ]


def environment(path: Path, public_url: str | None = None) -> tuple[dict[str, str], str]:
    """The server's environment (inherited by its kernels) and the session's consultant token.

    ``public_url`` (``--public-url``) declares a reverse proxy: its X-Forwarded-* headers are honoured.
    """
    token = links.new_token()
    jupyter_path = str(templates_dir() / "jupyter")
    env = dict(os.environ)
    env.update({
        WORKSPACE_ENV: str(Path(path).resolve()),
        links.CONSULTANT_ENV: links.digest(token),
        KEY_ENV: links.new_token(),  # signs the gate's word to the kernels; proves a kernel on the query socket
        "JUPYTER_PATH": os.pathsep.join(p for p in (jupyter_path, os.environ.get("JUPYTER_PATH", "")) if p),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    })
    env.pop(PUBLIC_URL_ENV, None)
    if public_url:
        env[PUBLIC_URL_ENV] = public_url
    return env, token


def serve(path: Path, port: int = 8866, host: str = "127.0.0.1", echo: Callable[[str], None] = print,
          idle_timeout: int = IDLE_TIMEOUT, address: Address | None = None, max_kernels: int | None = None,
          preheat: int = POOL_REPORT) -> int:
    """Serve ``path``; ``address`` (``urls.address``) gives the path prefix and the public address of links.

    ``max_kernels`` caps the live kernels (default: from the available memory); ``preheat``
    kernels for the interactive report wait started.
    """
    max_kernels = default_max_kernels() if max_kernels is None else max_kernels
    check_limits(max_kernels, preheat)
    engagements = [load(p) for p in workspace_engagements(path)]
    for eng in engagements:  # forms must be able to save: the store made if missing, else one message, no server
        check_store(eng)
    _deadline_notes(engagements, echo)
    for eng in engagements:  # answers collected on paper reach the store before any page opens
        if eng.file(RESPONSES) and writable(eng):
            added, _ = import_file(eng)
            if added:
                echo(f"Imported {added} answer(s) from {eng.id}/{RESPONSES}.")
    where = address or local_address(host, port)
    env, token = environment(path, where.public_url if where.proxied else None)
    # Preheated kernels reach the server's query socket at this address (Voilà's default is 127.0.0.1,
    # which a server listening on one other address does not answer).
    env["VOILA_APP_IP"] = "127.0.0.1" if host in ("0.0.0.0", "::", "") else (f"[{host}]" if ":" in host else host)
    base = where.public_url
    echo(f"Serving {len(engagements)} engagement(s) on {base} (Ctrl-C to stop).")
    if host not in ("127.0.0.1", "localhost", "::1"):
        echo(f"note: listening on {host}: anyone who can reach this machine can open the pages; links still "
             "need a valid token.")
    echo("Consultant links (valid until this server stops; do not share them):")
    for eng in engagements:
        echo(f"  {eng.client} ({eng.id})")
        for title, nb in CONSULTANT_VIEWS:
            if (notebooks_dir() / nb).is_file():
                echo(f"    {title:<22} {links.link(base, eng, token, nb, key='c')}")
    echo("Respondent links: playbook invite ENGAGEMENT RESPONDENT (or --all); consultant links that last across "
         "restarts: playbook invite ENGAGEMENT --consultant NAME; who has answered: playbook status ENGAGEMENT.")
    clock = reminder_clock(path, engagements, where, echo)
    with tempfile.TemporaryDirectory(prefix="playbook-serve-") as config_dir:
        voila_config(Path(config_dir), idle_timeout, preheat, max_kernels,
                     server_hosts(host, where.public_url if where.proxied else None))
        env["IPYTHONDIR"] = str(quiet_kernels(Path(config_dir)))
        try:
            return subprocess.call(voila_command(port, host, Path(config_dir), where.base_url), env=env)
        except KeyboardInterrupt:
            return 0
        finally:
            if clock is not None:
                clock.stop()


def _deadline_notes(engagements: list, echo: Callable[[str], None]) -> None:
    """A deadline before its wave's first answer is a note at start (likely a wrong date), never a refusal."""
    from playbook.outreach.reminders import deadline_notes

    for eng in engagements:
        for note in deadline_notes(eng):
            echo(f"note: {eng.id}: {note}")


def quiet_kernels(config_dir: Path) -> Path:
    """An IPython folder for the server's kernels whose config logs only errors: every kernel would otherwise
    warn that it talks to the server over TCP on 127.0.0.1 without encryption, a line a consultant cannot act
    on (the server and its kernels share one machine). Its history database stays in the server's temp folder."""
    folder = config_dir / "ipython"
    profile = folder / "profile_default"
    profile.mkdir(parents=True, exist_ok=True)
    (profile / "ipython_kernel_config.json").write_text(json.dumps({"IPKernelApp": {"log_level": "ERROR"}}),
                                                       encoding="utf-8")
    return folder


def reminder_clock(path: Path, engagements: list, where: Address, echo: Callable[[str], None]):
    """Start sending due reminders from this server (``outreach/schedule.py``) when any engagement can mail them;
    one line says so, or why not. None when nothing is started."""
    from playbook.outreach.schedule import ReminderClock

    mailing = [e for e in engagements if e.firm is not None and e.firm.mail is not None]
    if not mailing:
        return None
    if not where.proxied:
        echo(f"Reminders are not mailed by this server: its links ({where.public_url}) open only on this machine; "
             "start it with --public-url, or set public_url in firm.yaml.")
        return None
    echo(f"Reminders are mailed through {mailing[0].firm.mail.host} when due (waves with a deadline; who was sent "
         "what: playbook status ENGAGEMENT).")
    clock = ReminderClock(path, where.public_url, echo)
    clock.start()
    return clock


# What a consultant's link opens: the client's report with the consultant's own tools (who has answered,
# the KPI setup sheet, the action plan, each respondent's form), and the questionnaire as respondents see it.
CONSULTANT_VIEWS = (
    ("report and your tools", REPORT),
    ("the questionnaire", "respond.ipynb"),
)
