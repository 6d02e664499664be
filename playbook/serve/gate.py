"""The gate: every request to ``playbook serve`` meets it before Voilà does anything with it.

Voilà 0.5 refuses its ``prelaunch_hook`` together with preheated kernels, so the
check sits where Jupyter Server asks "who is this visitor?": the server's
identity provider (``Voila.identity_provider_class``), whose ``get_user`` runs in
the ``prepare`` of every Jupyter handler, the page renderer included, before the
handler's ``get``; no kernel is started or taken from the pool until it returns.
For a page (``/voila/render/<notebook>``) the gate

- takes the secrets out of the request (``t``, ``c``) and the template and theme
  overrides, so no log line, no kernel environment and no later refill kernel
  (Voilà copies the triggering URL into it) ever carries a token;
- checks the link once (``links.check``): a link that is not valid is answered
  here with the "not valid" page (403), too many of them from one address with a
  friendly "try again in a minute" (429), too many live kernels with the same (503);
- tells the kernel who the visitor is in one signed request header, which Voilà
  passes to the kernel (``VoilaConfiguration.http_header_envs``); a copy sent by a
  browser is dropped first.

A valid link is checked first and admitted whatever its address has tried (a
256-bit token needs no lockout); links that are not valid are limited per address
(behind a declared proxy, the address ``proxy.py`` takes from X-Forwarded-For).
A report page (a kernel) is admitted by ``kernels.Pages``: per link, under the cap,
one place kept for a consultant.

For every request it refuses a ``Host`` that is not the server's own (DNS
rebinding), a websocket whose ``Origin`` is another site, and the folder listings
(``/``, ``/voila/tree``, ``/voila/api/contents``). A kernel's paths
(``api/kernels/<id>``, its channels, the unload beacon's ``voila/api/shutdown/<id>``)
open only with the secret cookie of the page the kernel was handed to
(``kernels.Pages.holding``); a kernel id alone opens nothing. Its own handlers
(``get_handlers``, placed by Voilà before its page routes) draw the forms and the
report page and guard Voilà's ``voila/query/<kernel id>`` socket: only the server's
own kernels, each for its own id, may wait there, and a kernel that never comes for
its visitor is replaced. Kernels of report pages that are gone are stopped within a
minute.
"""

from __future__ import annotations

import hmac
import json
import re
import time
from collections import defaultdict, deque
from contextlib import nullcontext
from urllib.parse import parse_qsl, urlencode, urlsplit

from jupyter_server.auth.identity import IdentityProvider, User
from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from tornado import web
from tornado.httputil import parse_qs_bytes, split_host_and_port
from tornado.ioloop import PeriodicCallback
from traitlets import Float, Integer, List, Unicode
from voila.request_info_handler import RequestInfoSocketHandler

from playbook.core import formats, i18n
from playbook.core.engagement import is_slug
from playbook.core.errors import UserError
from playbook.core.i18n import N_, _
from playbook.core.resources import notebooks_dir
from playbook.outreach import links
from playbook.serve import kernels
from playbook.serve.forms import handlers
from playbook.serve.live import KERNEL_HEADER, VISITOR_HEADER, kernel_proof, sign_visitor, workspace_engagement

DROPPED = frozenset({"t", "c", "v", "template", "theme"})
BUSY = N_("Many people are answering right now. Please try again in a minute.")
NOT_FOUND = N_("There is nothing to see here. Please open the link you were sent.")
# The refusal page's title, by status (templates/jupyter/voila/templates/playbook/<status>.html).
TITLES = {403: N_("This link is not valid"), 404: N_("This link is not valid"),
          429: N_("Please try again in a minute"), 503: N_("Please try again in a minute")}
ANONYMOUS = User(username="visitor", name="visitor")
KERNEL_ID = r"\w+-\w+-\w+-\w+-\w+"
# A kernel's own paths: Jupyter's kernel API (the model, the channels) and Voilà's unload beacon.
KERNEL_PATH = re.compile(rf"^(api/kernels|voila/api/shutdown)/({KERNEL_ID})(?:/[a-z]*)?$")


# -- the request ------------------------------------------------------------------------------
def strip_request(request) -> dict[str, str]:
    """Take secrets and overrides out of a tornado request; return the whole query as it came (last value wins)."""
    pairs = parse_qsl(request.query, keep_blank_values=True)
    if any(k in DROPPED for k, _ in pairs):
        kept = urlencode([(k, v) for k, v in pairs if k not in DROPPED])
        request.query = kept
        request.uri = request.path + (f"?{kept}" if kept else "")
        request.query_arguments = parse_qs_bytes(kept, keep_blank_values=True)
        for name in DROPPED:
            request.arguments.pop(name, None)
    if VISITOR_HEADER in request.headers:
        del request.headers[VISITOR_HEADER]
    return dict(pairs)


def host_name(netloc: str) -> str:
    name = split_host_and_port(netloc.strip().lower())[0]
    return name[1:-1] if name.startswith("[") and name.endswith("]") else name


class Refused(web.HTTPError):
    """A refusal for a visitor: the page (templates/jupyter/voila/templates/playbook/<status>.html) shows
    ``playbook_message`` under ``playbook_title``, in the language ``playbook_lang``; the server's log keeps
    ``log`` (English, as every line of the log)."""

    def __init__(self, status: int, text: str, log: str) -> None:
        super().__init__(status, "%s", log)
        self.playbook_message = text
        self.playbook_title = _(TITLES[status]) if status in TITLES else ""
        self.playbook_lang = i18n.active()


def _refuse(status: int, text: str, eng=None, log: str = "") -> web.HTTPError:
    """A refusal worded in ``eng``'s language, else the language active now (the visitor's browser's). ``text``: a
    message of the catalogs (translated here) or words translated already; ``log``: the log's words (``text``)."""
    with formats.use(eng.settings) if eng is not None else nullcontext():
        return Refused(status, _(text), log or text)


def browser_language(header: str | None) -> str:
    """The shipped language the visitor's browser prefers most (``Accept-Language``), else English."""
    wanted = []
    for n, part in enumerate((header or "").split(",")):
        tag, _sep, params = part.strip().partition(";")
        try:
            q = float(params.strip()[2:]) if params.strip().startswith("q=") else 1.0
        except ValueError:
            q = 0.0
        wanted.append((-q, n, tag.strip().replace("_", "-").split("-")[0].lower()))
    return next((lang for q, _n, lang in sorted(wanted) if q < 0 and lang in i18n.shipped()), i18n.SOURCE)


def _live_kernels(km) -> set[str]:
    return set(km.list_kernel_ids()) | set(getattr(km, "_pending_kernels", {}))


class Gate(IdentityProvider):
    """Jupyter Server's identity provider for ``playbook serve``: who a request comes from, or a refusal."""

    hosts = List(Unicode(), config=True, help="Host names the server answers to (Host and websocket Origin).")
    max_kernels = Integer(0, config=True, help="Kernels (the preheated pool included) past which report pages "
                                               "are asked to come back in a minute; 0: no cap.")
    preheated = Integer(0, config=True, help="Report kernels Voilà keeps started ahead (they count towards the cap).")
    kernels_per_link = Integer(kernels.PER_LINK, config=True, help="Report pages (kernels) one link may hold.")
    gone_after = Float(kernels.GONE_AFTER, config=True,
                       help="Seconds a report page may have no connection before its kernel is stopped.")
    invalid_per_minute = Integer(20, config=True, help="Links that are not valid one address may try in a minute.")
    stuck_after = Float(60.0, config=True, help="Seconds a kernel handed a visitor may take to come for them.")
    form_idle = Float(900.0, config=True, help="Seconds an open form nobody is connected to is kept.")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._watchdog: PeriodicCallback | None = None
        self.forms = handlers.Sessions(idle=self.form_idle)
        slots = max(1, self.max_kernels - self.preheated) if self.max_kernels else 0
        self.pages = kernels.Pages(slots, self.kernels_per_link)

    @property
    def _server_url(self) -> str:
        return getattr(self.parent, "server_url", None) or getattr(self.parent, "base_url", "/") or "/"

    # -- Jupyter Server's extension points ---------------------------------------------------
    def get_handlers(self) -> list:
        """No login pages; respondents' forms (no kernel); the report page, which binds its kernel to the page;
        Voilà's query socket for this server's own kernels only."""
        app = self.parent
        report = links.REPORT.replace(".", r"\.")
        return [*handlers.handlers(self._server_url, self.forms, app.voila_configuration),
                (f"{self._server_url}voila/render/({report})", kernels.ReportPageHandler,
                 {"pages": self.pages, "template_paths": app.template_paths, "config": app.config,
                  "voila_configuration": app.voila_configuration}),
                (f"{self._server_url}voila/query/(?P<kernel_id>{KERNEL_ID})", KernelQuerySocket)]

    def get_user(self, handler: web.RequestHandler) -> User:
        # A refusal before the engagement is known speaks the visitor's browser's language (if shipped).
        with i18n.speaking(browser_language(handler.request.headers.get("Accept-Language"))):
            try:
                return self._visitor(handler)
            except web.HTTPError:
                handler.current_user = None  # the refusal page is drawn for nobody
                raise

    def _visitor(self, handler: web.RequestHandler) -> User:
        request = handler.request
        query = strip_request(request)
        if self.hosts and host_name(request.host) not in self.hosts:
            self.log.warning("Refused a request for host %r (not this server's)", request.host[:100])
            raise _refuse(403, links.refusal(None).message, log="a link for another host")
        if request.headers.get("Upgrade", "").lower() == "websocket" and not self._origin_ok(request):
            raise web.HTTPError(403)  # (one log line: the request's own)
        self._start_watchdog(handler)
        path = request.path[len(self._server_url):] if request.path.startswith(self._server_url) else request.path
        if path in ("", "voila", "voila/") or path.startswith(("voila/tree", "voila/api/contents")):
            raise _refuse(404, NOT_FOUND)
        if path.startswith("voila/render/"):
            return self._admit(handler, path[len("voila/render/"):], query)
        if path.startswith(("api/", "voila/api/")):
            return self._kernel_visitor(handler, path)
        return ANONYMOUS

    def _kernel_visitor(self, handler: web.RequestHandler, path: str) -> User:
        """A request on a kernel's own paths: only with the secret of the page the kernel was handed to."""
        found = KERNEL_PATH.match(path)
        page = None
        if found:
            page = self.pages.holding(found.group(2), handler.get_cookie(kernels.COOKIES[found.group(1)]))
        if page is None:  # (the request's log line says so: 403, or 404 for a path no kernel has)
            raise web.HTTPError(403 if found else 404)
        return page.user

    def _origin_ok(self, request) -> bool:
        origin = request.headers.get("Origin")
        if origin is None:  # not a browser: the kernels' own sockets, scripts
            return True
        netloc = urlsplit(origin.lower()).netloc
        return netloc == request.host.lower() and (not self.hosts or host_name(netloc) in self.hosts)

    # -- admission ---------------------------------------------------------------------------
    def _admit(self, handler: web.RequestHandler, notebook: str, query: dict[str, str]) -> User:
        """A page's visitor. The link is checked first: a valid one is admitted whatever its address has tried;
        refused ones are counted per address, and past ``invalid_per_minute`` that address waits a minute."""
        ip = handler.request.remote_ip or ""
        found, eng = self._check(notebook, query)
        if isinstance(found, links.Refusal):
            if self._too_many(ip):
                raise _refuse(429, BUSY)
            self._failed(ip)
            raise _refuse(403, found.message, eng, log=f"a link that is {found.reason}")
        links.opened(eng, found.token_hash)
        who = found.respondent if found.kind == links.RESPONDENT else f"{found.kind} {found.name}".strip()
        user = User(username=f"{found.kind}:{found.respondent}", name=who or "consultant")
        if notebook == handlers.PAGE:  # drawn by the server itself: no kernel to count or to tell
            handler.playbook_visitor = (eng, found)
            return user
        if not isinstance(handler, kernels.ReportPageHandler):  # (never: the report page has its own route)
            raise _refuse(404, NOT_FOUND)
        try:
            handler.playbook_page = self.pages.admit(found.token_hash, found.consultant, user)
            handler.playbook_page.language = i18n.language_for(eng.settings)
        except kernels.Full as full:
            self.log.warning("A report page was refused: %s", "too many windows of one link" if full.status == 429
                             else f"{len(self.pages)} report pages open (the cap)")
            raise _refuse(full.status, full.text, eng) from None
        handler.request.headers[VISITOR_HEADER] = sign_visitor(eng.id, found.kind, found.respondent, found.name,
                                                               found.token_hash)
        return user

    def _check(self, notebook: str, query: dict[str, str]):
        eid = query.get("e", "")
        if notebook not in links.PAGES or not (notebooks_dir() / notebook).is_file() or not is_slug(eid):
            return links.refusal(None), None
        try:
            eng = workspace_engagement(eid)
        except UserError:
            return links.refusal(None), None
        return links.check(eng, query, page=notebook), eng

    def _too_many(self, ip: str) -> bool:
        seen = self._failures.get(ip)
        if not seen:
            return False
        while seen and seen[0] < time.monotonic() - 60:
            seen.popleft()
        return len(seen) >= self.invalid_per_minute

    def _failed(self, ip: str) -> None:
        if len(self._failures) > 10_000:  # many addresses: forget those quiet for a minute
            for key in [k for k, v in self._failures.items() if not v or v[-1] < time.monotonic() - 60]:
                del self._failures[key]
        self._failures[ip].append(time.monotonic())

    # -- kernels that never come for their visitor -------------------------------------------
    def _start_watchdog(self, handler: web.RequestHandler) -> None:
        if self._watchdog is None:
            km = handler.kernel_manager
            self._watchdog = PeriodicCallback(lambda: self._tidy(km), 5000)
            self._watchdog.start()

    async def _tidy(self, km) -> None:
        self.forms.prune()
        await replace_stuck(km, self.stuck_after, self.log)
        for kid in self.pages.gone(_live_kernels(km), self.gone_after):
            await _stop(km, kid, self.log, "Stopped the kernel of a report page that is gone")


_handed: dict[str, float] = {}  # kernel id -> when Voilà left its visitor waiting for it (not yet connected)


async def replace_stuck(km, stuck_after: float, log) -> None:
    """Stop a kernel handed a visitor that has not come for them in ``stuck_after`` seconds.

    Voilà keeps a visitor's request for a kernel that is not connected to the query
    socket (``RequestInfoSocketHandler._cache``); a kernel that has not taken it by
    then never will. Stopping it ends the waiting page (the visitor reloads and gets
    a fresh kernel); the pool was refilled when the kernel was handed out.
    """
    cache = RequestInfoSocketHandler._cache
    now = time.monotonic()
    for kid in list(_handed):
        if kid not in cache:
            _handed.pop(kid, None)
    for kid in list(cache):
        since = _handed.setdefault(kid, now)
        if now - since < stuck_after:
            continue
        cache.pop(kid, None)
        _handed.pop(kid, None)
        await _stop(km, kid, log, f"Stopped a kernel that did not come for its visitor in {stuck_after:.0f} s")


async def _stop(km, kid: str, log, why: str) -> None:
    """Stop kernel ``kid`` if it is still there; one log line (which never names a kernel)."""
    if kid not in km:
        return
    log.warning(why)
    try:
        await km.shutdown_kernel(kid, now=True)
    except Exception:  # already gone
        log.warning("A kernel could not be stopped", exc_info=True)


class KernelQuerySocket(RequestInfoSocketHandler):
    """Voilà's ``voila/query/<kernel id>`` socket, for this server's own kernels only.

    A kernel shows ``kernel_proof(its id)`` (it inherits the session's key); anyone
    else, or a kernel asking for another's id, is refused before the socket opens.
    A second socket for the same id replaces the first, and closing one removes only
    that one (Voilà's own ``on_close`` may remove another kernel's waiter).
    """

    def prepare(self):
        kid = self.path_kwargs.get("kernel_id", "")
        proof = self.request.headers.get(KERNEL_HEADER, "")
        km = self.settings.get("kernel_manager")
        known = km is not None and (kid in km or kid in getattr(km, "_pending_kernels", {}))
        if not (known and hmac.compare_digest(proof, kernel_proof(kid))):
            raise web.HTTPError(403)

    def open(self, kernel_id: str) -> None:
        old = RequestInfoSocketHandler._waiters.get(kernel_id)
        super().open(kernel_id)
        if kernel_id in RequestInfoSocketHandler._cache:  # delivered now: the visitor is no longer waiting
            RequestInfoSocketHandler._cache.pop(kernel_id, None)
            _handed.pop(kernel_id, None)
        if old is not None and old is not self:
            old.close()

    def on_close(self) -> None:
        waiters = RequestInfoSocketHandler._waiters
        for kid, waiter in list(waiters.items()):
            if waiter is self:
                del waiters[kid]


class KernelChannel(ZMQChannelsWebsocketConnection):
    """A page's websocket to its kernel: counted for its page (``kernels.Pages.socket``); only the comm
    targets of the pages are honoured.

    Voilà already lets through nothing but comm messages, kernel info and shutdown (no
    code is ever executed for a browser); here a request to open a comm with any target
    the pages do not use (another library's, a made-up one) is dropped before the kernel
    sees it.
    """

    comm_targets = List(Unicode(), default_value=["jupyter.widget", "jupyter.widget.control"], config=True,
                        help="Comm targets a page may open in its kernel (the widgets').")

    _counted = False

    def _pages(self) -> kernels.Pages | None:
        return getattr(getattr(self.websocket_handler, "identity_provider", None), "pages", None)

    def connect(self):
        pages = self._pages()
        if pages is not None and not self._counted:
            self._counted = True
            pages.socket(self.kernel_id, +1)
        return super().connect()

    def disconnect(self):
        pages = self._pages()
        if pages is not None and self._counted:
            self._counted = False
            pages.socket(self.kernel_id, -1)
        return super().disconnect()

    def handle_outgoing_message(self, stream, outgoing_msg) -> None:
        """Messages to the page; an error or printed output of the kernel (a traceback, a warning naming the
        server's files) is for the server's log, never for the visitor."""
        kind, content = _outgoing(self.session, outgoing_msg)
        if kind in HIDDEN_OUTPUT:
            self.log.warning("A report page's kernel reported this (not shown to its visitor):\n%s",
                             _plain(content))
            return
        super().handle_outgoing_message(stream, outgoing_msg)

    def handle_incoming_message(self, incoming_msg) -> None:
        target = _comm_open_target(incoming_msg, self.subprotocol == "v1.kernel.websocket.jupyter.org")
        if target is not None and target not in self.comm_targets:
            self.log.warning("Dropped a request to open a comm with target %r", target[:100])
            return
        super().handle_incoming_message(incoming_msg)


# Kernel messages a page never needs (its cells ran on the server; the browser runs no code): an error's
# traceback and printed output, which may name the server's files.
HIDDEN_OUTPUT = frozenset({"error", "stream"})
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _outgoing(session, msg_list) -> tuple[str, dict]:
    """The type and content of a message from the kernel ("" and {} when unreadable)."""
    try:
        _, parts = session.feed_identities(msg_list)
        header = session.unpack(parts[1])
        if header.get("msg_type") not in HIDDEN_OUTPUT:
            return header.get("msg_type", ""), {}
        return header["msg_type"], session.unpack(parts[4])
    except (ValueError, TypeError, IndexError, KeyError, AttributeError):
        return "", {}


def _plain(content: dict) -> str:
    """An error or a stream's text, without terminal colours, for the log."""
    if "traceback" in content:
        text = "\n".join(content.get("traceback") or [f"{content.get('ename')}: {content.get('evalue')}"])
    else:
        text = str(content.get("text", ""))
    return _ANSI.sub("", text).strip()[:20_000]


def _comm_open_target(ws_msg, v1: bool) -> str | None:
    """The target of a comm_open message from a page (an unreadable one counts as target ""); None otherwise."""
    try:
        if v1:
            _, parts = deserialize_msg_from_ws_v1(ws_msg)
            header, content = json.loads(parts[0]), (lambda: json.loads(parts[3]))
        else:
            msg = json.loads(ws_msg)
            header, content = msg.get("header") or {}, (lambda: msg.get("content") or {})
        if header.get("msg_type") != "comm_open":
            return None
        target = content().get("target_name")
        return target if isinstance(target, str) else ""
    except (ValueError, TypeError, IndexError, AttributeError):
        return ""
