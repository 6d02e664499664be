"""Where a notebook runs: headless (papermill, JupyterLab) or live (Voilà).

A notebook's ``parameters`` cell has ``mode: str = "auto"``. ``auto`` means
live inside a Voilà kernel (Voilà sets ``VOILA_PREHEAT`` in every kernel it
starts) and report otherwise; ``playbook run`` passes ``mode="report"``.

In live mode the page's query string names the engagement (``e=<id>``, resolved
inside the workspace that ``playbook serve`` exports as ``PLAYBOOK_WORKSPACE``)
and carries a token (see ``access.py``). Ids and tokens are checked for shape
before they touch the filesystem or the database.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

from playbook.core.engagement import Engagement, is_slug, load
from playbook.core.errors import UserError

MODES = ("auto", "report", "live")
WORKSPACE_ENV = "PLAYBOOK_WORKSPACE"


@dataclass
class Context:
    mode: str  # report | live
    engagement: Engagement
    respondent: str = ""
    query: dict[str, str] = field(default_factory=dict)
    consultant: bool = False

    @property
    def live(self) -> bool:
        return self.mode == "live"


def in_voila() -> bool:
    return "VOILA_PREHEAT" in os.environ


def query() -> dict[str, str]:
    """The Voilà page's query string (waiting for the request in a preheated kernel)."""
    if os.environ.get("VOILA_PREHEAT") == "True":
        _wait_for_request()
    parsed = parse_qs(os.environ.get("QUERY_STRING", ""), keep_blank_values=False)
    return {k: v[-1] for k, v in parsed.items() if v}


def _wait_for_request() -> None:
    """Block a preheated kernel until Voilà hands it a visitor; then take the request's environment.

    Does what ``voila.utils.wait_for_request`` does (the same environment variables
    and the same ``voila/query/<kernel id>`` socket) without importing ``voila``,
    which pulls in the whole Jupyter server and costs every kernel about 2 s of CPU.
    """
    import json
    import warnings

    from websockets.sync.client import connect

    env = os.environ
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    url = (f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
           f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}")
    try:
        with connect(url, open_timeout=5) as ws:
            info = ws.recv()
    except (OSError, TimeoutError) as exc:
        warnings.warn(f"could not get the request from {url}: {exc}", stacklevel=2)
        return
    for key, value in json.loads(info).items():
        os.environ[key] = value


def _workspace_engagement(eid: str) -> Engagement:
    """Engagement ``eid`` (a validated slug) inside the served workspace, or "not valid"."""
    root = Path(os.environ[WORKSPACE_ENV]).resolve()
    folder = root if (root / "engagement.yaml").is_file() else root / eid
    if (folder / "engagement.yaml").is_file() and folder.resolve().parent in (root, root.parent):
        try:
            eng = load(folder)
        except UserError:
            eng = None
        if eng is not None and eng.id == eid:
            return eng
    raise UserError("this link is not valid.")


def context(engagement_dir: str = "", mode: str = "auto", respondent: str = "",
            engagement: Engagement | None = None) -> Context:
    """Validate a notebook's parameters and find out what the page should show.

    Live pages served by ``playbook serve`` admit two kinds of visitor: a
    respondent with a personal token (``t``), who sees only their own form, and
    the consultant with the session's token (``c``), who sees the live views and
    may open anyone's form (``r``). Anything else is "this link is not valid".
    Away from a server, ``engagement`` (already loaded, from a run's snapshot)
    spares reading ``engagement_dir`` again.
    """
    if mode not in MODES:
        raise UserError(f"parameter 'mode' is {mode!r}; allowed: {', '.join(MODES)}.")
    if not isinstance(engagement_dir, str):
        raise UserError("parameter 'engagement_dir' must be a folder path (text).")
    if respondent and not is_slug(respondent):
        raise UserError(f"parameter 'respondent' is {respondent!r}; it must be a respondent id such as 'mkt-lead'.")
    live = mode == "live" or (mode == "auto" and in_voila())
    q: dict[str, str] = {}
    consultant = False
    if live and in_voila() and os.environ.get(WORKSPACE_ENV):
        q = query()
        eng, respondent, consultant = _admit(q)
    else:
        eng = engagement if engagement is not None else load(engagement_dir)
    if respondent and eng.respondent(respondent) is None:
        raise UserError(f"respondent '{respondent}' is not part of engagement '{eng.id}'.")
    return Context("live" if live else "report", eng, respondent, q, consultant)


def _admit(q: dict[str, str]) -> tuple[Engagement, str, bool]:
    """The engagement and visitor a link admits (``access.check`` decides); records the link's first opening."""
    from playbook.serve import access

    eid = q.get("e", "")
    if not is_slug(eid):
        raise UserError("this link is not valid.")
    eng = _workspace_engagement(eid)
    found = access.check(eng, q)
    if isinstance(found, access.Refusal):
        raise UserError(found.message)
    access.opened(eng, found.token_hash)
    return eng, found.respondent, found.consultant
