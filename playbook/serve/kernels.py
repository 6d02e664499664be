"""The interactive report's kernels: whose each one is, how many each link may hold, when they stop.

A report page (``report.ipynb``: viewers and consultants) costs a kernel, some 260 MiB.
The gate (``gate.Gate``) admits its visitor; from then on the page is a ``Page`` here:

- **Shared out fairly.** ``Pages.admit`` counts pages being started as well as those
  with a kernel, so the cap never overshoots: at most ``slots`` pages (the cap less the
  preheated pool, which Voilà keeps full), the last one kept for a consultant (a
  consultant is let in when viewers are turned away), and at most ``per_link`` pages
  per link (one link opened forty times takes three kernels, not forty).
- **Bound to its page.** When Voilà hands the page its kernel (``ReportPageHandler``,
  routed ahead of Voilà's page handler), the page gets a secret in a cookie scoped to
  that kernel's paths (``api/kernels/<id>`` and the unload beacon's
  ``voila/api/shutdown/<id>``; HttpOnly, SameSite=Strict). The gate opens those paths
  only with the secret (``Pages.holding``): a kernel id alone opens nothing. The page
  also gets Jupyter's ``_xsrf`` cookie, which its unload beacon sends back, so a
  closed page's kernel stops at once.
- **Stopped when the page is gone.** ``Pages.gone`` names the kernels of pages with no
  socket for ``GONE_AFTER`` seconds since their request ended or their last socket
  closed, and those whose request was dropped before the page arrived: the gate stops
  them within a minute, long before Voilà's idle cull.
- **In the engagement's language.** Voilà renders the page's head before the visitor is known (a
  preheated kernel's page is drawn ahead), so ``ReportPageHandler`` rewrites it on the way out
  (``Speaking``): ``<html lang>`` becomes the engagement's language and carries the words the page's
  script shows when the kernel is gone; a cell that failed (``templates/.../index.html.j2`` writes a
  marker in place of Voilà's English error) says so in that language; an error page drawn for the
  page (``write_error``) does too.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from jupyter_core.utils import ensure_async
from jupyter_server.auth.identity import User
from tornado import web
from voila.tornado.handler import TornadoVoilaHandler

from playbook.core import i18n
from playbook.core.i18n import N_, _

# The page's secret, in one cookie per path of its kernel (a cookie name holds one path): Jupyter's kernel API
# (the kernel's model and channels) and Voilà's unload beacon.
COOKIES = {"api/kernels": "playbook-kernel", "voila/api/shutdown": "playbook-beacon"}
PER_LINK = 3  # report pages (kernels) one link may hold at once
GONE_AFTER = 45.0  # seconds a report page may have no socket before its kernel is stopped
SESSION_LINK = "the server's own consultant link"
WINDOWS = N_("This link is open in too many windows. Close one of them, then reload this page.")
FULL = N_("Many people are viewing this report right now. Please try again in a minute.")
# What the page says when its kernel is gone (the page's script shows it: static/playbook-report.js).
LOST = N_("This page lost its connection; reload to continue.")
RELOAD = N_("Reload")
# A cell of the page that failed (in place of Voilà's error, which is for developers), and an error page.
FAILED = N_("Part of this report could not be shown. Please reload the page; if this happens again, let your "
            "consultant know.")
BROKEN_TITLE = N_("This page could not be shown")
BROKEN = N_("This page could not be shown just now. Please reload it in a minute; if this happens again, let your "
            "consultant know.")
FAILED_MARK = "<!--pb-cell-failed-->"  # written by the report template where a cell failed
HTML_TAG = re.compile(r"<html\b[^>]*>", re.IGNORECASE)


class Full(Exception):
    """A report page that cannot be admitted now; ``status`` and ``text`` for the refusal page."""

    def __init__(self, status: int, text: str):
        super().__init__(text)
        self.status, self.text = status, text


@dataclass(eq=False)
class Page:
    """One admitted report page: its link, its visitor, its kernel once Voilà has handed it one."""

    link: str
    consultant: bool
    user: User
    language: str = i18n.SOURCE  # the engagement's (METHOD 15)
    kernel: str | None = None
    secret_hash: str = ""
    request_open: bool = True
    dropped: bool = False
    sockets: int = 0
    quiet_since: float = field(default_factory=time.monotonic)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


class Pages:
    """The report pages this server holds. ``slots``: pages at once (0: no cap); ``per_link``: per link."""

    def __init__(self, slots: int = 0, per_link: int = PER_LINK, clock: Callable[[], float] = time.monotonic):
        self.slots, self.per_link, self.clock = slots, per_link, clock
        self._pages: list[Page] = []

    def __len__(self) -> int:
        return len(self._pages)

    def admit(self, link: str, consultant: bool, user: User) -> Page:
        """A page for a visitor of ``link`` (a stored link's hash; "" for the session's consultant link), or Full."""
        link = link or SESSION_LINK
        if sum(p.link == link for p in self._pages) >= self.per_link:
            raise Full(429, WINDOWS)
        reserved = 1 if self.slots >= 2 and not consultant else 0  # the last page is kept for a consultant
        if self.slots and len(self._pages) >= self.slots - reserved:
            raise Full(503, FULL)
        page = Page(link, consultant, user)
        self._pages.append(page)
        return page

    def bind(self, page: Page, kernel: str) -> str:
        """Record ``page``'s kernel; the page's new secret (its cookie), of which only the hash is kept."""
        secret = secrets.token_urlsafe(32)
        page.kernel, page.secret_hash = kernel, _hash(secret)
        return secret

    def holding(self, kernel: str, secret: str | None) -> Page | None:
        """The page that holds ``kernel``, when ``secret`` is that page's; else None."""
        for page in self._pages:
            if page.kernel == kernel and secret and hmac.compare_digest(page.secret_hash, _hash(secret)):
                return page
        return None

    def socket(self, kernel: str, change: int) -> None:
        """A socket of ``kernel``'s page opened (+1) or closed (-1)."""
        for page in self._pages:
            if page.kernel == kernel:
                page.sockets = max(0, page.sockets + change)
                page.quiet_since = self.clock()

    def ended(self, page: Page, dropped: bool = False) -> None:
        """``page``'s request is over (``dropped``: the visitor left before it arrived)."""
        page.request_open = False
        page.dropped = page.dropped or dropped
        page.quiet_since = self.clock()
        if page.kernel is None and page in self._pages:  # no kernel was ever handed to it
            self._pages.remove(page)

    def gone(self, live: Iterable[str], after: float = GONE_AFTER) -> list[str]:
        """Forget pages whose kernel stopped; the kernels of pages gone (to stop), forgotten too."""
        live = set(live)
        now = self.clock()
        stop = []
        for page in list(self._pages):
            if page.kernel is not None and page.kernel not in live:
                self._pages.remove(page)
            elif page.kernel is not None and not page.request_open and not page.sockets and (
                    page.dropped or now - page.quiet_since > after):
                self._pages.remove(page)
                stop.append(page.kernel)
        return stop


class Speaking:
    """The report page's HTML on its way to the visitor, in ``language``: the ``<html>`` tag (``lang`` and the
    words of the page's script, escaped) and each failed cell's sentence. Called with each piece Voilà streams;
    the tag may come split over pieces, so what comes before it is held back until it is complete (at most
    ``HOLD`` characters)."""

    HOLD = 20_000

    def __init__(self, language: str):
        with i18n.speaking(language):
            self.language = i18n.active()
            attrs = {"lang": self.language, "data-pb-lost": _(LOST), "data-pb-reload": _(RELOAD)}
            self.failed = html.escape(_(FAILED))
        self.tag = "<html " + " ".join(f'{k}="{html.escape(v)}"' for k, v in attrs.items()) + ">"
        self._held: str | None = ""  # None once the tag is written
        self._tail = ""  # the end of the last piece, when it may be the start of a marker

    def __call__(self, piece: str) -> str:
        if self._held is not None:
            self._held += piece
            found = HTML_TAG.search(self._held)
            if found is None and len(self._held) < self.HOLD:
                return ""
            piece, self._held = self._held, None
            if found is not None:
                piece = piece[:found.start()] + self.tag + piece[found.end():]
        text = (self._tail + piece).replace(FAILED_MARK, self.failed)
        keep = next((k for k in range(min(len(FAILED_MARK) - 1, len(text)), 0, -1)
                     if FAILED_MARK.startswith(text[-k:])), 0)
        self._tail = text[len(text) - keep:]
        return text[:len(text) - keep]

    def rest(self) -> str:
        """What is still held back at the end (a page without an ``<html>`` tag, a last piece's end)."""
        held, tail, self._held, self._tail = self._held or "", self._tail, None, ""
        return held + tail


class PageError(web.HTTPError):
    """An error page for a report page's visitor (``error.html``, as the gate's refusals), in ``language``."""

    def __init__(self, status: int, language: str) -> None:
        super().__init__(status)
        with i18n.speaking(language):
            self.playbook_lang = i18n.active()
            self.playbook_title, self.playbook_message = _(BROKEN_TITLE), _(BROKEN)


class _Noting:
    """The server's kernel manager as a report page's handler sees it: it tells the page which kernel it got."""

    def __init__(self, km, got: Callable[[str], None]):
        self._km, self._got = km, got

    def __getattr__(self, name: str):
        return getattr(self._km, name)

    def __contains__(self, kernel_id: str) -> bool:
        return kernel_id in self._km

    async def get_rendered_notebook(self, *args, **kwargs):
        found = await self._km.get_rendered_notebook(*args, **kwargs)
        self._got(found[2])
        return found

    async def start_kernel(self, *args, **kwargs):
        kernel_id = await ensure_async(self._km.start_kernel(*args, **kwargs))
        self._got(kernel_id)
        return kernel_id


class ReportPageHandler(TornadoVoilaHandler):
    """Voilà's page handler for the report page, which binds the kernel Voilà hands out to the admitted page."""

    playbook_page: Page | None = None

    def initialize(self, pages: Pages, **kwargs) -> None:
        super().initialize(**kwargs)
        self.pages = pages

    @property
    def kernel_manager(self):
        return _Noting(self.settings["kernel_manager"], self._got_kernel)

    def _got_kernel(self, kernel_id: str) -> None:
        page = self.playbook_page
        if page is None:  # (never: get refuses first)
            return
        secret = self.pages.bind(page, kernel_id)
        for where, name in COOKIES.items():
            self.set_cookie(name, secret, path=f"{self.base_url}{where}/{kernel_id}", httponly=True,
                            samesite="Strict", secure=self.request.protocol == "https")

    @web.authenticated
    async def get(self, path=None):
        if self.playbook_page is None:  # the gate admits every visitor of this page; anything else is refused
            raise web.HTTPError(403)
        self.xsrf_token  # noqa: B018  (sets the _xsrf cookie the page's unload beacon sends back)
        speaking = Speaking(self.playbook_page.language)
        async for piece in self.get_generator(path=path):  # (TornadoVoilaHandler.get, each piece rewritten)
            piece = speaking(piece)
            if piece:
                self.write(piece)
                self.flush()
        self.write(speaking.rest())

    def write_error(self, status_code: int, **kwargs) -> None:
        """An error before the page was sent: the playbook's error page in the engagement's language (a refusal
        keeps its own words); the error itself is in the server's log."""
        exc = (kwargs.get("exc_info") or (None, None, None))[1]
        if not hasattr(exc, "playbook_message"):
            page_error = PageError(status_code, self.playbook_page.language if self.playbook_page else i18n.SOURCE)
            kwargs["exc_info"] = (PageError, page_error, None)
        super().write_error(status_code, **kwargs)

    def on_connection_close(self) -> None:
        if self.playbook_page is not None:
            self.playbook_page.dropped = True
        super().on_connection_close()

    def on_finish(self) -> None:
        if self.playbook_page is not None:
            self.pages.ended(self.playbook_page)
        super().on_finish()
