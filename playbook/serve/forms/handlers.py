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
  the store with every saved answer.
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

from playbook.core.html import logo_uri, render
from playbook.core.resources import templates_dir
from playbook.outreach import links
from playbook.serve.forms.page import FormPage, link_live

PAGE = "respond.ipynb"
PAGE_ID = r"[A-Za-z0-9_-]{16,64}"
MESSAGE_MAX = 16 * 1024  # an answer with a 2,000-character comment is some 8 KB
PER_LINK = 4  # open pages one link may hold; a fifth drops the oldest
RELOAD = "This page was open a long time without being used. It is reloading to show your saved answers."
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

    def handle(self, data: Any) -> dict[str, Any]:
        with self.lock:  # one message at a time per form, whichever socket it came on
            return self.page.handle(data)


class Sessions:
    """The forms open on this server, by page id; ``idle``: seconds a form nobody is connected to is kept."""

    def __init__(self, idle: float = 900.0, per_link: int = PER_LINK):
        self.idle, self.per_link = idle, per_link
        self._open: OrderedDict[str, Session] = OrderedDict()

    def __len__(self) -> int:
        return len(self._open)

    def add(self, page: FormPage, token_hash: str) -> Session:
        mine = [k for k, s in self._open.items() if s.token_hash == token_hash] if token_hash else []
        for key in mine[: max(0, len(mine) - self.per_link + 1)]:  # the oldest pages of this link
            del self._open[key]
        self._open[page.id] = session = Session(page, token_hash)
        return session

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
        return len(gone)


def open_form(eng, found: links.Visitor) -> FormPage:
    """The form of the respondent the gate admitted (``found``), re-checking its stored link on every save."""
    from playbook.serve.forms.questions import app_model

    token_hash = found.token_hash
    admitted = (lambda: link_live(eng, token_hash)) if token_hash else None  # the session's own link: no row
    return FormPage(app_model(eng, found.respondent), admitted)


def _banner(eng) -> str:
    return render("banner.html.j2", logo=logo_uri(eng), firm=eng.settings.get("firm_name", ""), client=eng.client)


def _document(eng, body: str, socket: str, nonce: str) -> str:
    """The form's whole page, in the engagement's language."""
    from playbook.core import formats, i18n
    from playbook.core.i18n import _

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
            page = await IOLoop.current().run_in_executor(_workers, open_form, eng, found)
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
