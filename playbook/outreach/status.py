"""Who has answered: one line per respondent and the response rate per side.

``playbook status DIR`` prints the table, ``--csv`` writes it, and the consultant's
live view (``notebooks/status.ipynb``) shows it and refreshes itself. Everything is
read from the answer store, without writing: the links issued (only their hashes
are stored) and when each was first opened, the mails sent (invited when, reminded
when and how often, the last failure with the mail server's reason), the answers of
the wave and the submissions. "Answered n of N" counts a respondent's own required questions for
the wave (``forms.app_codes``); "don't know" is an answer.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from playbook.core import formats
from playbook.core.engagement import SIDES, Engagement
from playbook.core.files import private_csv
from playbook.core.instruments import instruments
from playbook.core.store import open_store
from playbook.outreach import links

NOT_YET = "not yet"
REFRESH_SECONDS = 30
REFRESH_HOURS = 8  # the timer stops after a working day; the button keeps working
HEADER = ("id", "name", "side", "role", "link issued", "invited", "reminded", "opened", "answered", "submitted",
          "last failure")
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

    @property
    def invited_text(self) -> str:
        if self.invited_at:
            return when(self.invited_at)
        return NOT_YET if self.email else "no address"

    @property
    def reminded_text(self) -> str:
        if not self.reminders:
            return "no"
        return f"{self.reminders}x, last {when(self.reminded_at)}"

    @property
    def failure_text(self) -> str:
        return f"{when(self.failed_at)}: {self.failure}" if self.failed_at else ""

    @property
    def link_text(self) -> str:
        if not self.links:
            return "no"
        return f"yes, {self.live} live" if self.live else "yes, none live"

    @property
    def answered_text(self) -> str:
        return f"{self.answered} of {self.required}"


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


def _read(eng: Engagement, wave: str) -> tuple[list[dict], list[dict], dict[str, str], list[dict]]:
    with open_store(eng, read_only=True) as store:
        return store.tokens(), store.current(wave=wave), store.submissions(wave), store.mailings(wave)


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
    tokens, answers, submitted, mails = _read(eng, wave)
    by_person: dict[str, set[str]] = {}
    for a in answers:
        by_person.setdefault(a["respondent"], set()).add(a["item"])
    required = {side: required_items(side) for side in SIDES}
    rows = []
    for p in eng.respondents:
        mine = [t for t in tokens if t["kind"] == links.RESPONDENT and t["respondent"] == p.id]
        opened = sorted(t["first_opened_at"] for t in mine if t["first_opened_at"])
        items = by_person.get(p.id, set())
        rows.append(Row(p.id, p.name, p.side, p.role, links=len(mine), live=sum(links.live(t, at) for t in mine),
                        opened=opened[0] if opened else None,
                        answered=sum(i in items for i in required[p.side]), required=len(required[p.side]),
                        answered_any=bool(items), submitted_at=submitted.get(p.id), email=p.email))
        _mails(rows[-1], [m for m in mails if m["respondent"] == p.id])
    rates = [SideRate(side, len(mine), sum(bool(r.submitted_at) for r in mine), sum(r.answered_any for r in mine))
             for side in SIDES if (mine := [r for r in rows if r.side == side])]
    return Table(wave, rows, rates)


def when(stamp: str | None) -> str:
    """A stored UTC time for people: ``2026-05-04 09:12 UTC``, or "not yet"."""
    if not stamp:
        return NOT_YET
    return datetime.fromisoformat(stamp).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def cells(row: Row) -> tuple[str, ...]:
    return (row.id, row.name, row.side, row.role, row.link_text, row.invited_text, row.reminded_text,
            when(row.opened), row.answered_text, when(row.submitted_at), row.failure_text)


def rate_lines(t: Table) -> list[str]:
    """The response rate per side, in words (numbers in the engagement's locale: call ``formats.use`` first)."""
    return [f"{r.side.capitalize()}: {r.submitted} of {r.respondents} submitted ({formats.share(r.submitted / r.respondents)}), "
            f"{r.answered_any} of {r.respondents} answered something "
            f"({formats.share(r.answered_any / r.respondents)})." for r in t.rates]


def lines(eng: Engagement, t: Table) -> list[str]:
    """The table as aligned text for a terminal, then the response rate per side."""
    grid = [HEADER, *(cells(r) for r in t.rows)]
    widths = [max(len(row[i]) for row in grid) for i in range(len(HEADER))]
    text = ["  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in grid]
    text.insert(1, "  ".join("-" * w for w in widths))
    return [f"{eng.client} ({eng.id}), wave {t.wave}: {len(t.rows)} respondent(s)", "", *text, "", *rate_lines(t)]


def write_csv(t: Table, target: Path) -> None:
    """The same table as a CSV for the owner only (mode 0600), written atomically."""
    rows = [(r.id, r.name, r.side, r.role, "yes" if r.links else "no", r.live, when(r.invited_at), r.reminders,
             when(r.reminded_at), when(r.opened), r.answered, r.required, when(r.submitted_at),
             when(r.failed_at) if r.failed_at else "", r.failure) for r in t.rows]
    private_csv(target, CSV_HEADER, rows)


def frame(t: Table) -> Any:
    """The table as a DataFrame (for the live view)."""
    import pandas as pd

    return pd.DataFrame([cells(r) for r in t.rows], columns=list(HEADER))


class StatusView:
    """The consultant's live table: the same as ``playbook status``, read again every 30 s or on the button.

    A refresh that finds nothing new sends nothing to the page, so the kernel of a
    closed page still counts as idle and is stopped like any other; the timer
    itself stops after ``REFRESH_HOURS`` (the button keeps working).
    """

    def __init__(self, eng: Engagement, wave: str = "", interval: float = REFRESH_SECONDS):
        import ipywidgets as w

        self.eng, self.wave, self.interval = eng, wave or eng.period, interval
        self.button = w.Button(description="Refresh", icon="refresh")
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
        rates = render("findings.html.j2", lines=rate_lines(t), classes="")
        body = render("titled_table.html.j2", title=f"Who has answered, wave {t.wave}", table=table_html(frame(t)),
                      classes="")
        if (rates, body) != (self.rates.value, self.table.value):
            self.rates.value, self.table.value = rates, body
            self.note.value = render("message.html.j2", tag="span", cls="pb-note",
                                     text=f"Last change seen at {datetime.now().strftime('%H:%M')}; the table "
                                          f"refreshes itself every {self.interval:g} seconds.")
        return t

    async def _every(self, rounds: int) -> None:
        for _ in range(rounds):
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
