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
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from jupyter_core.utils import ensure_async
from jupyter_server.auth.identity import User
from tornado import web
from voila.tornado.handler import TornadoVoilaHandler

from playbook.core.i18n import N_

# The page's secret, in one cookie per path of its kernel (a cookie name holds one path): Jupyter's kernel API
# (the kernel's model and channels) and Voilà's unload beacon.
COOKIES = {"api/kernels": "playbook-kernel", "voila/api/shutdown": "playbook-beacon"}
PER_LINK = 3  # report pages (kernels) one link may hold at once
GONE_AFTER = 45.0  # seconds a report page may have no socket before its kernel is stopped
SESSION_LINK = "the server's own consultant link"
WINDOWS = N_("This link is open in too many windows. Close one of them, then reload this page.")
FULL = N_("Many people are viewing this report right now. Please try again in a minute.")


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

    async def get(self, path=None):
        if self.playbook_page is None:  # the gate admits every visitor of this page; anything else is refused
            raise web.HTTPError(403)
        self.xsrf_token  # noqa: B018  (sets the _xsrf cookie the page's unload beacon sends back)
        await super().get(path)

    def on_connection_close(self) -> None:
        if self.playbook_page is not None:
            self.playbook_page.dropped = True
        super().on_connection_close()

    def on_finish(self) -> None:
        if self.playbook_page is not None:
            self.pages.ended(self.playbook_page)
        super().on_finish()
