"""Who has answered: one line per respondent and the response rate per side.

``playbook status DIR`` prints the table, ``--csv`` writes it, and the consultant's
live view (``notebooks/status.ipynb``) shows it and refreshes itself. Everything is
read from the answer store, without writing: the links issued (only their hashes
are stored) and when each was first opened, the mails sent (invited when, reminded
when and how often, the last failure with the mail server's reason), the answers of
the wave and the submissions. "Answered n of N" counts a respondent's own required questions for
the wave (``forms.app_codes``); "don't know" is an answer.

The command line and its CSV stay English (METHOD 15); the live view on the report page speaks the
engagement's language: its own column heads, the states in words, the roles as the forms name them, and
moments in the locale's form in the engagement's time zone (``page_cells``, ``frame``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from playbook.core import formats, i18n
from playbook.core.engagement import SIDES, Engagement
from playbook.core.files import private_csv
from playbook.core.i18n import N_, _, ngettext
from playbook.core.instruments import instruments
from playbook.core.store import open_store
from playbook.outreach import links, words

NOT_YET = N_("not yet")
REFRESH_SECONDS = 30
REFRESH_HOURS = 8  # the timer stops after a working day; the button keeps working
HEADER = ("id", "name", "side", "role", "link issued", "invited", "reminded", "opened", "answered", "submitted",
          "last failure")
# The live view's column heads (the page reads names and roles in words, not the ids and codes of the CLI).
PAGE_HEADER = (N_("Name"), N_("Role"), N_("Link"), N_("Invited"), N_("Reminded"), N_("Opened"), N_("Answered"),
               N_("Submitted"), N_("Last failure"))
CSV_HEADER = ("id", "name", "side", "role", "link_issued", "live_links", "invited_at", "reminders", "reminded_at",
              "opened", "answered", "required", "submitted_at", "failed_at", "failure")


@dataclass
class Row:
    id: str
    name: str
    side: str
    role: str
    links: int = 0  # respondent links ever issued
    live: int = 0  # of which still open a page (not revoked, not expired)
    opened: str | None = None  # first time any of their links was opened (ISO, UTC)
    answered: int = 0  # their required questions of the wave with an answer (don't know included)
    required: int = 0
    answered_any: bool = False  # any answer at all in the wave
    submitted_at: str | None = None
    email: str = ""
    invited_at: str | None = None  # the invitation mail's last successful send
    reminders: int = 0  # reminder mails sent
    reminded_at: str | None = None  # the latest of them
    failed_at: str | None = None  # the last mail that failed (and was not sent since), with the reason
    failure: str = ""

    # Each state in words, its moments written by ``stamp`` (``when`` for the command line, ``moment_in(zone)`` for
    # the page); the words are the active language's (the command line makes English active).
    @property
    def invited_text(self) -> str:
        return self.invited(when)

    @property
    def reminded_text(self) -> str:
        return self.reminded(when)

    @property
    def failure_text(self) -> str:
        return self.failed(when)

    def invited(self, stamp: Callable[[str | None], str]) -> str:
        if self.invited_at:
            return stamp(self.invited_at)
        return _(NOT_YET) if self.email else _("no address")

    def reminded(self, stamp: Callable[[str | None], str]) -> str:
        if not self.reminders:
            return _("no")
        return ngettext("%(n)sx, last %(when)s", "%(n)sx, last %(when)s", self.reminders, when=stamp(self.reminded_at))

    def failed(self, stamp: Callable[[str | None], str]) -> str:
        return _("%(when)s: %(reason)s", when=stamp(self.failed_at), reason=self.failure) if self.failed_at else ""

    @property
    def link_text(self) -> str:
        if not self.links:
            return _("no")
        return ngettext("yes, %(n)s live", "yes, %(n)s live", self.live) if self.live else _("yes, none live")

    @property
    def answered_text(self) -> str:
        return _("%(answered)s of %(required)s", answered=self.answered, required=self.required)


@dataclass
class SideRate:
    side: str
    respondents: int
    submitted: int
    answered_any: int


@dataclass
class Table:
    wave: str
    rows: list[Row]
    rates: list[SideRate] = field(default_factory=list)


def required_items(side: str) -> list[str]:
    """The item ids a respondent of ``side`` must answer (their own department's self-evaluation, symptoms, CS1-3)."""
    from playbook.serve.forms.questions import app_codes

    codes, required = app_codes(side)
    return [item.id for code in codes if code in required for item in instruments()[code].items]


def _read(eng: Engagement, wave: str) -> tuple[list[dict], dict[str, set[str]], dict[str, str], list[dict]]:
    with open_store(eng, read_only=True) as store:
        return store.tokens(), store.answered(wave), store.submissions(wave), store.mailings(wave)


def _mails(row: Row, mine: list[dict]) -> None:
    """Fill in what was mailed to one respondent (their rows of ``Store.mailings``)."""
    invited = [m["sent_at"] for m in mine if m["kind"] == "invitation" and m["sent_at"]]
    reminded = sorted(m["sent_at"] for m in mine if m["kind"] == "reminder" and m["sent_at"])
    failed = max((m for m in mine if m["failed_at"]), key=lambda m: m["failed_at"], default=None)
    row.invited_at = max(invited) if invited else None
    row.reminders, row.reminded_at = len(reminded), (reminded[-1] if reminded else None)
    if failed is not None:
        row.failed_at, row.failure = failed["failed_at"], failed["error"]


def table(eng: Engagement, wave: str | None = None, at: datetime | None = None) -> Table:
    """The status of every respondent of ``eng`` for ``wave`` (default: the engagement's period)."""
    wave = wave or eng.period
    at = at or datetime.now(UTC)
    tokens, by_person, submitted, mails = _read(eng, wave)
    issued: dict[str, list[dict]] = {}  # each respondent's links and mails, grouped once (not scanned per person)
    for t in tokens:
        if t["kind"] == links.RESPONDENT:
            issued.setdefault(t["respondent"], []).append(t)
    mailed: dict[str, list[dict]] = {}
    for m in mails:
        mailed.setdefault(m["respondent"], []).append(m)
    required = {side: required_items(side) for side in SIDES}
    rows = []
    for p in eng.respondents:
        mine = issued.get(p.id, [])
        opened = sorted(t["first_opened_at"] for t in mine if t["first_opened_at"])
        items = by_person.get(p.id, set())
        rows.append(Row(p.id, p.name, p.side, p.role, links=len(mine), live=sum(links.live(t, at) for t in mine),
                        opened=opened[0] if opened else None,
                        answered=sum(i in items for i in required[p.side]), required=len(required[p.side]),
                        answered_any=bool(items), submitted_at=submitted.get(p.id), email=p.email))
        _mails(rows[-1], mailed.get(p.id, []))
    rates = [SideRate(side, len(mine), sum(bool(r.submitted_at) for r in mine), sum(r.answered_any for r in mine))
             for side in SIDES if (mine := [r for r in rows if r.side == side])]
    return Table(wave, rows, rates)


def when(stamp: str | None) -> str:
    """A stored UTC time for the command line and its CSV: ``2026-05-04 09:12 UTC``, or "not yet"."""
    if not stamp:
        return _(NOT_YET)
    return datetime.fromisoformat(stamp).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def moment_in(zone: str | None) -> Callable[[str | None], str]:
    """Stored UTC times for the page: in the locale's form in time zone ``zone`` ("03.12.2026, 10:25"), or "not yet"."""
    return lambda stamp: formats.moment(stamp, zone) if stamp else _(NOT_YET)


def cells(row: Row) -> tuple[str, ...]:
    """One respondent's line for the command line (ids and codes, as the consultant types them)."""
    return (row.id, row.name, row.side, row.role, row.link_text, row.invited_text, row.reminded_text,
            when(row.opened), row.answered_text, when(row.submitted_at), row.failure_text)


def page_cells(row: Row, zone: str | None = None) -> tuple[str, ...]:
    """One respondent's line for the page, in the active language (``PAGE_HEADER``)."""
    stamp = moment_in(zone)
    return (row.name, words.role_of(row.side, row.role), row.link_text, row.invited(stamp), row.reminded(stamp),
            stamp(row.opened), row.answered_text, stamp(row.submitted_at), row.failed(stamp))


def rate_lines(t: Table) -> list[str]:
    """The response rate per side, in words (numbers and words in the engagement's: call ``formats.use`` first)."""
    return [_("%(side)s: %(submitted)s of %(respondents)s submitted (%(share)s), %(answered)s of %(respondents)s "
              "answered something (%(answered_share)s).", side=words.side(r.side), submitted=r.submitted,
              respondents=r.respondents, share=formats.share(r.submitted / r.respondents), answered=r.answered_any,
              answered_share=formats.share(r.answered_any / r.respondents)) for r in t.rates]


def lines(eng: Engagement, t: Table) -> list[str]:
    """The table as aligned text for a terminal, then the response rate per side: in English whatever the
    engagement's language (the consultant's command line, METHOD 15), numbers in its locale."""
    with i18n.speaking(i18n.SOURCE):
        grid = [HEADER, *(cells(r) for r in t.rows)]
        rates = rate_lines(t)
    widths = [max(len(row[i]) for row in grid) for i in range(len(HEADER))]
    text = ["  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in grid]
    text.insert(1, "  ".join("-" * w for w in widths))
    return [f"{eng.client} ({eng.id}), wave {t.wave}: {len(t.rows)} respondent(s)", "", *text, "", *rates]


def write_csv(t: Table, target: Path) -> None:
    """The same table as a CSV for the owner only (mode 0600), written atomically; English, as the command line."""
    with i18n.speaking(i18n.SOURCE):
        rows = [(r.id, r.name, r.side, r.role, "yes" if r.links else "no", r.live, when(r.invited_at), r.reminders,
                 when(r.reminded_at), when(r.opened), r.answered, r.required, when(r.submitted_at),
                 when(r.failed_at) if r.failed_at else "", r.failure) for r in t.rows]
    private_csv(target, CSV_HEADER, rows)


def frame(t: Table, zone: str | None = None) -> Any:
    """The table as a DataFrame for the live view, in the active language (``formats.use(eng.settings)`` first);
    moments in time zone ``zone`` (the engagement's ``timezone``)."""
    import pandas as pd

    return pd.DataFrame([page_cells(r, zone) for r in t.rows], columns=[_(h) for h in PAGE_HEADER])


class StatusView:
    """The consultant's live table: the same as ``playbook status``, read again every 30 s or on the button.

    A refresh that finds nothing new sends nothing to the page, so the kernel of a
    closed page still counts as idle and is stopped like any other; the timer
    itself stops after ``REFRESH_HOURS`` (the button keeps working).
    """

    def __init__(self, eng: Engagement, wave: str = "", interval: float = REFRESH_SECONDS):
        import ipywidgets as w

        self.eng, self.wave, self.interval = eng, wave or eng.period, interval
        with formats.use(eng.settings):
            self.button = w.Button(description=_("Refresh"), icon="refresh", layout=w.Layout(width="auto"))
        self.button.add_class("pb-status-refresh")
        self.note = w.HTML()
        self.note.add_class("pb-status-note")
        self.rates = w.HTML()
        self.rates.add_class("pb-status-rates")
        self.table = w.HTML()
        self.table.add_class("pb-status-table")
        self.button.on_click(lambda _: self.refresh())
        self.widget = w.VBox([w.HBox([self.button, self.note]), self.rates, self.table])
        self.widget.add_class("pb-status-live")
        self.task: asyncio.Task | None = None
        self.refresh()

    def refresh(self) -> Table:
        """Read the store again; the page changes only when something did."""
        from playbook.core.html import render, table_html

        t = table(self.eng, self.wave)
        with formats.use(self.eng.settings):  # (a click or the timer runs outside the page's cells)
            rates = render("findings.html.j2", lines=rate_lines(t), classes="")
            body = render("titled_table.html.j2", title=_("Who has answered, %(wave)s", wave=words.period(t.wave)),
                          table=table_html(frame(t, self.eng.settings.get("timezone"))), classes="")
            if (rates, body) != (self.rates.value, self.table.value):
                self.rates.value, self.table.value = rates, body
                self.note.value = render("message.html.j2", tag="span", cls="pb-note", text=self._note())
        return t

    def _note(self) -> str:
        seen = formats.time_of_day(datetime.now(UTC), self.eng.settings.get("timezone"))
        return ngettext("Last change seen at %(time)s; the table refreshes itself every second.",
                        "Last change seen at %(time)s; the table refreshes itself every %(n)s seconds.",
                        max(1, round(self.interval)), time=seen)

    async def _every(self, rounds: int) -> None:
        for _round in range(rounds):
            await asyncio.sleep(self.interval)
            with contextlib.suppress(Exception):  # a failed read (store busy) waits for the next turn
                self.refresh()

    def start(self) -> bool:
        """Refresh on a timer in the kernel's running event loop; False where there is none (headless)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        if self.task is None or self.task.done():
            self.task = loop.create_task(self._every(int(REFRESH_HOURS * 3600 / self.interval)))
        return True


def live_view(eng: Engagement, wave: str = "") -> Any:
    """The widget ``pages.widget`` shows on the status page."""
    view = StatusView(eng, wave)
    view.start()
    return view.widget
