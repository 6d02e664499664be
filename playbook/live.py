"""Where a notebook runs: headless (papermill, JupyterLab) or live (Voilà).

A notebook's ``parameters`` cell has ``mode: str = "auto"``. ``auto`` means
live inside a Voilà kernel (Voilà sets ``VOILA_PREHEAT`` in every kernel it
starts) and report otherwise; ``playbook run`` passes ``mode="report"``.

In live mode the page's query string may name the engagement (``?e=<id>``,
resolved inside the workspace that ``playbook serve`` exports as
``PLAYBOOK_WORKSPACE``) and the respondent (``?r=<id>``). Both are checked to be
slugs before they touch the filesystem; nothing else from the query is used.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

from .engagement import Engagement, is_slug, load
from .errors import UserError

MODES = ("auto", "report", "live")
WORKSPACE_ENV = "PLAYBOOK_WORKSPACE"


@dataclass
class Context:
    mode: str  # report | live
    engagement: Engagement
    respondent: str = ""
    query: dict[str, str] = field(default_factory=dict)

    @property
    def live(self) -> bool:
        return self.mode == "live"


def in_voila() -> bool:
    return "VOILA_PREHEAT" in os.environ


def query() -> dict[str, str]:
    """The Voilà page's query string (waiting for the request in a preheated kernel)."""
    if os.environ.get("VOILA_PREHEAT") == "True":
        from voila.utils import wait_for_request

        wait_for_request()
    parsed = parse_qs(os.environ.get("QUERY_STRING", ""), keep_blank_values=False)
    return {k: v[-1] for k, v in parsed.items() if v}


def _workspace_engagement(eid: str) -> Path:
    root = Path(os.environ.get(WORKSPACE_ENV, "")).resolve()
    if not os.environ.get(WORKSPACE_ENV):
        raise UserError("this page is not served by 'playbook serve'; no workspace is known.")
    if (root / "engagement.yaml").is_file():
        candidates = [root]
    else:
        candidates = [root / eid]
    for c in candidates:
        if (c / "engagement.yaml").is_file():
            return c
    raise UserError(f"engagement '{eid}' is not in this workspace.")


def context(engagement_dir: str = "", mode: str = "auto", respondent: str = "") -> Context:
    """Validate a notebook's parameters and find out what the page should show."""
    if mode not in MODES:
        raise UserError(f"parameter 'mode' is {mode!r}; allowed: {', '.join(MODES)}.")
    if not isinstance(engagement_dir, str):
        raise UserError("parameter 'engagement_dir' must be a folder path (text).")
    if respondent and not is_slug(respondent):
        raise UserError(f"parameter 'respondent' is {respondent!r}; it must be a respondent id such as 'mkt-lead'.")
    live = mode == "live" or (mode == "auto" and in_voila())
    q: dict[str, str] = {}
    if live and in_voila():
        q = query()
        eid = q.get("e", "")
        if eid:
            if not is_slug(eid):
                raise UserError("this link is not valid.")
            engagement_dir = str(_workspace_engagement(eid))
        elif not engagement_dir and os.environ.get(WORKSPACE_ENV):
            ws = Path(os.environ[WORKSPACE_ENV])
            if (ws / "engagement.yaml").is_file():
                engagement_dir = str(ws)
        rid = q.get("r", "")
        if rid:
            if not is_slug(rid):
                raise UserError("this link is not valid.")
            respondent = rid
    eng = load(engagement_dir)
    if respondent and eng.respondent(respondent) is None:
        raise UserError(f"respondent '{respondent}' is not part of engagement '{eng.id}'.")
    return Context("live" if live else "report", eng, respondent, q)
