"""Where a notebook runs: headless (papermill, JupyterLab) or live (Voilà).

A notebook's ``parameters`` cell has ``mode: str = "auto"``. ``auto`` means
live inside a Voilà kernel (Voilà sets ``VOILA_PREHEAT`` in every kernel it
starts) and report otherwise; ``playbook run`` passes ``mode="report"``.

In live mode the kernel never sees a token: the server's gate (``gate.py``)
checked the link before any kernel was started or taken from the pool, took the
token out of the request, and told the kernel who the visitor is in one request
header signed with the session's key (``PLAYBOOK_GATE_KEY``, which only the
server and its kernels hold). The engagement is resolved inside the workspace
that ``playbook serve`` exports as ``PLAYBOOK_WORKSPACE``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

from playbook.core.engagement import Engagement, is_slug, load
from playbook.core.errors import UserError

MODES = ("auto", "report", "live")
WORKSPACE_ENV = "PLAYBOOK_WORKSPACE"
KEY_ENV = "PLAYBOOK_GATE_KEY"  # a secret of this server session, inherited by its kernels
VISITOR_HEADER = "X-Playbook-Visitor"  # set by the gate; Voilà hands it to the kernel (http_header_envs)
VISITOR_ENV = "HTTP_X_PLAYBOOK_VISITOR"
KERNEL_HEADER = "X-Playbook-Kernel"  # a kernel's proof on Voilà's query socket
RECONNECT_FOR = 60.0  # seconds a preheated kernel keeps trying to reach the server before it gives up


@dataclass
class Context:
    mode: str  # report | live
    engagement: Engagement
    respondent: str = ""
    query: dict[str, str] = field(default_factory=dict)
    consultant: bool = False
    token_hash: str = ""  # the stored link's hash ("" for the session's consultant link), to re-check it
    viewer: bool = False  # a client's viewer link (``playbook share``): the report only, read-only

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
    The kernel proves to the gate's socket that it is this server's kernel for its
    own id. It never waits forever: pings find a dead connection, and a kernel that
    cannot reach the server for ``RECONNECT_FOR`` seconds gives up (its page then
    says the link is not valid); one that never comes for its visitor is stopped by
    the server.
    """
    import warnings

    from websockets.exceptions import WebSocketException
    from websockets.sync.client import connect

    env = os.environ
    kid = env.get("VOILA_KERNEL_ID", "")
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    url = (f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
           f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{kid}")
    headers = {KERNEL_HEADER: kernel_proof(kid)} if env.get(KEY_ENV) else {}
    failing_since = None
    while True:
        try:
            with connect(url, open_timeout=5, additional_headers=headers, ping_interval=20, ping_timeout=20) as ws:
                failing_since = None
                info = ws.recv()
            break
        except (OSError, TimeoutError, WebSocketException) as exc:
            failing_since = failing_since or time.monotonic()
            if time.monotonic() - failing_since > RECONNECT_FOR:
                warnings.warn(f"could not get the request from {url}: {exc}", stacklevel=2)
                return
            time.sleep(1)
    for key, value in json.loads(info).items():
        os.environ[key] = value


# -- the visitor, as the gate signed it -----------------------------------------------------------
def _mac(text: str) -> str:
    key = os.environ.get(KEY_ENV, "")
    if not key:
        raise RuntimeError(f"{KEY_ENV} is not set: 'playbook serve' shares it with the gate and the kernels.")
    return hmac.new(key.encode("ascii"), text.encode("utf-8"), hashlib.sha256).hexdigest()


def kernel_proof(kernel_id: str) -> str:
    """What a kernel shows Voilà's query socket: the session's key, bound to its own kernel id."""
    return _mac(f"kernel:{kernel_id}")


def sign_visitor(engagement: str, kind: str, respondent: str = "", name: str = "", token_hash: str = "") -> str:
    """The gate's word on who a visitor is (engagement id, kind, respondent, name, stored link's hash), signed."""
    body = json.dumps({"e": engagement, "kind": kind, "r": respondent, "name": name, "h": token_hash},
                      separators=(",", ":"), sort_keys=True)
    text = base64.urlsafe_b64encode(body.encode("utf-8")).decode("ascii")
    return f"{text}.{_mac(text)}"


def read_visitor(value: str) -> dict | None:
    """The visitor the gate admitted (a dict with e, kind, r, name, h), or None when unsigned or altered."""
    text, _, mac = (value or "").partition(".")
    if not text or not os.environ.get(KEY_ENV) or not hmac.compare_digest(mac, _mac(text)):
        return None
    try:
        found = json.loads(base64.urlsafe_b64decode(text.encode("ascii")))
    except ValueError:
        return None
    if not isinstance(found, dict) or not all(isinstance(found.get(k), str) for k in ("e", "kind", "r", "h")):
        return None
    return found


def workspace_engagement(eid: str) -> Engagement:
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

    Live pages served by ``playbook serve`` show what the gate admitted: a
    respondent, who sees only their own form, a consultant, who sees the live
    views and may open anyone's form (``r``), or a viewer (``viewer``), who sees
    the client's report and nothing else. A page the gate did not sign for
    is "this link is not valid".
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
    kind, token_hash = "", ""
    if live and in_voila() and os.environ.get(WORKSPACE_ENV):
        q = query()
        eng, respondent, kind, token_hash = _admitted()
    else:
        eng = engagement if engagement is not None else load(engagement_dir)
    if respondent and eng.respondent(respondent) is None:
        raise UserError(f"respondent '{respondent}' is not part of engagement '{eng.id}'.")
    return Context("live" if live else "report", eng, respondent, q, kind == "consultant", token_hash,
                   viewer=kind == "viewer")


def _admitted() -> tuple[Engagement, str, str, str]:
    """Engagement, respondent, the visitor's kind (respondent, consultant or viewer) and the link's hash, as the
    gate signed them for this page."""
    found = read_visitor(os.environ.get(VISITOR_ENV, ""))
    if found is None or not is_slug(found["e"]) or (found["r"] and not is_slug(found["r"])):
        raise UserError("this link is not valid.")
    return workspace_engagement(found["e"]), found["r"], found["kind"], found["h"]
