"""Respondents' forms, served by the server itself: a personal link costs no kernel.

A form needs no analysis: it shows a person's questions with their saved answers
and writes each answer to the store. So the server draws it and keeps it, and a
respondent costs a few kilobytes and a few milliseconds instead of a Python
process (some 55 MiB and half a second of CPU): a hundred people opening their
links in the same minute get their forms at once.

- ``FormPageHandler`` answers ``voila/render/respond.ipynb`` (the path of every
  personal link ever sent), ahead of Voilà's own page handler. The gate
  (``gate.Gate``) has checked the link when it runs and left its word on the
  handler (``handler.playbook_visitor``): the link is checked once, in one place.
  The page is the form (``FormPage.html``), the playbook's stylesheet and one small
  script, under a Content-Security-Policy that lets nothing else in.
- ``FormSocket`` is that page's one websocket, ``playbook/form/<page id>``: the
  messages of ``page.py``'s protocol, answered by the page's ``FormPage`` in a
  worker thread, so a slow disk or database never holds up another respondent.
  The page id is a random secret of that page (holding it is holding the form,
  as with the link itself), and every save re-checks the link.
- ``Sessions`` keeps the open forms. A form nobody is connected to is forgotten
  after the idle timeout (``playbook serve --idle-timeout``); a page reconnecting
  after that, or after a restart, is told to reload, which draws it again from
  the store with every saved answer. Limits count per link, not per page: one
  link holds at most ``PER_LINK`` open forms (a newer one closes the oldest, whose
  page says why) and its pages share one save rate (``page.RateLimit``).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.base.websocket import WebSocketMixin
from markupsafe import Markup
from tornado import web
from tornado.ioloop import IOLoop
from tornado.websocket import WebSocketClosedError, WebSocketHandler
from voila.handler import BaseVoilaHandler

from playbook.core import formats, i18n
from playbook.core.html import logo_uri, render
from playbook.core.i18n import N_, _
from playbook.core.resources import templates_dir
from playbook.outreach import links
from playbook.serve.forms.page import RELOAD, FormPage, RateLimit, link_live

PAGE = "respond.ipynb"
PAGE_ID = r"[A-Za-z0-9_-]{16,64}"
MESSAGE_MAX = 16 * 1024  # an answer with a 2,000-character comment is some 8 KB
PER_LINK = 4  # open pages one link may hold; a fifth closes the oldest
TOO_MANY = N_("This link is open in too many windows, so this one was closed and nothing more is saved here. "
              "Use the newest window, or close the others and reload this one.")
SESSION_LINK = "the server's own consultant link"  # the key of the one link with no stored hash
_STATIC = ("jupyter", "voila", "templates", "playbook", "static")
_workers = ThreadPoolExecutor(max_workers=4, thread_name_prefix="playbook-form")


@cache
def _static(name: str) -> Markup:
    """The playbook's stylesheet or the form's script (the package's own files), to put inline."""
    return Markup(templates_dir().joinpath(*_STATIC, name).read_text(encoding="utf-8"))


@dataclass
class Session:
    page: FormPage
    token_hash: str
    seen: float = field(default_factory=time.monotonic)
    sockets: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    closed: bool = False  # given way to newer pages of its link

    def too_many(self) -> str:
        """Why this page was closed for newer ones, in its engagement's language."""
        with formats.use(self.page.model.eng.settings):
            return _(TOO_MANY)

    def handle(self, data: Any) -> dict[str, Any]:
        if self.closed:
            return {"op": "closed", "text": self.too_many()}
        with self.lock:  # one message at a time per form, whichever socket it came on
            return self.page.handle(data)


class Sessions:
    """The forms open on this server, by page id; ``idle``: seconds a form nobody is connected to is kept."""

    def __init__(self, idle: float = 900.0, per_link: int = PER_LINK):
        self.idle, self.per_link = idle, per_link
        self._open: OrderedDict[str, Session] = OrderedDict()
        self._limits: dict[str, RateLimit] = {}
        self._closed: OrderedDict[str, tuple[float, str]] = OrderedDict()  # page ids that gave way: when, and why

    def __len__(self) -> int:
        return len(self._open)

    def limit(self, token_hash: str) -> RateLimit:
        """The save rate one link's pages share (the server's own consultant link counts as one link)."""
        key = token_hash or SESSION_LINK
        if key not in self._limits:
            self._limits[key] = RateLimit()
        return self._limits[key]

    def add(self, page: FormPage, token_hash: str) -> Session:
        """Keep ``page`` open; the oldest pages of its link past ``per_link`` are closed."""
        mine = [k for k, s in self._open.items() if s.token_hash == token_hash]
        for key in mine[: max(0, len(mine) - self.per_link + 1)]:
            old = self._open.pop(key)
            old.closed = True
            self._closed[key] = (time.monotonic(), old.too_many())
        while len(self._closed) > 10_000:
            self._closed.popitem(last=False)
        self._open[page.id] = session = Session(page, token_hash)
        return session

    def gave_way(self, page_id: str) -> str | None:
        """Why ``page_id`` was closed for newer pages of its link (its page must not reload itself), or None."""
        closed = self._closed.get(page_id)
        return closed[1] if closed else None

    def get(self, page_id: str) -> Session | None:
        session = self._open.get(page_id)
        if session is not None:
            session.seen = time.monotonic()
        return session

    def prune(self, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        gone = [k for k, s in self._open.items() if not s.sockets and now - s.seen > self.idle]
        for key in gone:
            del self._open[key]
        for key in [k for k, (at, _why) in self._closed.items() if now - at > self.idle]:
            del self._closed[key]
        kept = {s.token_hash or SESSION_LINK for s in self._open.values()}
        for key in [k for k, limit in self._limits.items() if k not in kept and limit.quiet()]:
            del self._limits[key]
        return len(gone)


def open_form(eng, found: links.Visitor, limit: RateLimit | None = None) -> FormPage:
    """The form of the respondent the gate admitted (``found``), re-checking its stored link on every save;
    ``limit``: the save rate its link's pages share."""
    from playbook.serve.forms.questions import app_model

    token_hash = found.token_hash
    admitted = (lambda: link_live(eng, token_hash)) if token_hash else None  # the session's own link: no row
    return FormPage(app_model(eng, found.respondent), admitted, limit)


def _banner(eng) -> str:
    return render("banner.html.j2", logo=logo_uri(eng), firm=eng.settings.get("firm_name", ""), client=eng.client)


def _document(eng, body: str, socket: str, nonce: str) -> str:
    """The form's whole page, in the engagement's language."""
    with formats.use(eng.settings):
        return render("formdoc.html.j2", title=_("%(client)s: your answers", client=eng.client), lang=i18n.active(),
                      banner=Markup(_banner(eng)), body=Markup(body), socket=socket, nonce=nonce,
                      style=_static("playbook.css"), script=_static("playbook-form.js") if socket else "")


class FormPageHandler(BaseVoilaHandler):
    """A respondent's form, drawn by the server for the visitor the gate admitted.

    Voilà's base handler draws refusals with the playbook template's pages, as for every other page.
    """

    def initialize(self, sessions: Sessions, **kwargs) -> None:
        super().initialize(**kwargs)
        self.sessions = sessions

    @property
    def nonce(self) -> str:
        """The page's one script may run; nothing else (tornado asks for the headers before ``initialize``)."""
        if not hasattr(self, "_nonce"):
            self._nonce = secrets.token_urlsafe(16)
        return self._nonce

    @property
    def content_security_policy(self) -> str:
        nonce = self.nonce
        return (f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; img-src data:; "
                "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'")

    def check_xsrf_cookie(self) -> None:  # GET only; nothing here acts on a cookie
        return

    async def get(self) -> None:
        visitor = getattr(self, "playbook_visitor", None)
        if visitor is None:  # the gate admits every visitor of this page; anything else is refused
            raise web.HTTPError(403)
        eng, found = visitor
        self.set_header("Cache-Control", "no-store")
        self.set_header("Referrer-Policy", "no-referrer")  # the link's token never leaves in a Referer
        if not found.respondent:
            from playbook.serve.forms.questions import questionnaire_html

            body, socket = questionnaire_html(eng), ""  # a consultant's link without a respondent: a preview
        else:
            page = await IOLoop.current().run_in_executor(_workers, open_form, eng, found,
                                                          self.sessions.limit(found.token_hash))
            body, socket = page.html(), ""
            if not page.closed:  # a closed wave's form only shows what was saved: nothing to connect to
                self.sessions.add(page, found.token_hash)
                socket = f"{self.base_url}playbook/form/{page.id}"
        self.finish(_document(eng, body, socket, self.nonce))


class FormSocket(WebSocketMixin, WebSocketHandler, JupyterHandler):
    """One form page's connection: ``page.py`` messages in, replies out, one at a time."""

    session: Session | None = None

    def initialize(self, sessions: Sessions) -> None:
        self.sessions = sessions

    def set_default_headers(self) -> None:  # JupyterHandler's page headers mean nothing to a websocket
        return

    @property
    def max_message_size(self) -> int:
        return MESSAGE_MAX

    async def open(self, page_id: str) -> None:
        super().open()  # the keep-alive pings
        why = self.sessions.gave_way(page_id)
        if why:  # newer pages of its link closed it: reloading would close another
            self._send({"op": "closed", "text": why})
            self.close()
            return
        self.session = self.sessions.get(page_id)
        if self.session is None:  # forgotten (idle, or the server restarted): the page draws itself again
            self._send({"op": "reload", "text": RELOAD})
            self.close()
            return
        self.session.sockets += 1
        self._send(await self._answer({"op": "hello"}))

    async def on_message(self, message: str | bytes) -> None:
        if self.session is None:
            return
        try:
            data = json.loads(message)
        except ValueError:
            data = None
        self._send(await self._answer(data))  # tornado delivers the next message when this one is answered

    async def _answer(self, data: Any) -> dict[str, Any]:
        self.session.seen = time.monotonic()
        return await IOLoop.current().run_in_executor(_workers, self.session.handle, data)

    def _send(self, reply: dict[str, Any]) -> None:
        try:
            self.write_message(json.dumps(reply))
        except WebSocketClosedError:  # the page went away while its answer was being saved: it is saved
            pass

    def on_close(self) -> None:
        if self.session is not None:
            self.session.sockets -= 1
            self.session.seen = time.monotonic()
            self.session = None


def handlers(base_url: str, sessions: Sessions, voila_configuration) -> list[tuple]:
    """The form's routes, to be placed before Voilà's page handler."""
    page = PAGE.replace(".", r"\.")
    return [
        (f"{base_url}voila/render/{page}", FormPageHandler,
         {"sessions": sessions, "voila_configuration": voila_configuration}),
        (f"{base_url}playbook/form/(?P<page_id>{PAGE_ID})", FormSocket, {"sessions": sessions}),
    ]
