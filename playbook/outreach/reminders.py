"""Reminders: who the reminder due (``core/waves.py``) goes to, and sending it.

A wave's ``deadline`` (``waves:`` in engagement.yaml) is its last day to answer, in the engagement's time
zone (``settings.timezone`` when there is one, else UTC); from the next day on the wave is *closed*: links
still open, the form says so and takes no new answers, until the consultant moves the deadline.

Reminders go ``settings.reminders`` days before the deadline (default 7 and 2; a wave may give its own
``reminders``), to everyone with a mail address who has not submitted the wave. The reminder *due* is the
latest whose day has come (a server that was down when the 7-day one was due sends only the 2-day one
later, never both); nobody is reminded within a day of their invitation. ``playbook remind DIR --send``
sends it, and so does a running ``playbook serve`` by itself (``outreach/schedule.py``); the store's
unique row per respondent, wave and reminder makes it once, whoever sends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from playbook.core.engagement import Engagement, Respondent
from playbook.core.firm import Mail
from playbook.core.store import open_store
from playbook.core.waves import due, today
from playbook.outreach import letters, sending

QUIET_AFTER_INVITATION = timedelta(days=1)


@dataclass
class Plan:
    """The reminder due for a wave and who is to get it."""

    wave: str
    days: int | None
    deadline: date | None
    people: list[Respondent]
    answered: dict[str, tuple[int, int]]


def plan(eng: Engagement, wave: str | None = None, at: datetime | None = None) -> Plan:
    """Who would be reminded now: not submitted the wave, not invited in the last day (with or without address)."""
    from playbook.outreach import status

    wave = wave or eng.period
    at = at or datetime.now(UTC)
    days = due(eng, wave, at)
    if days is None:
        return Plan(wave, None, eng.wave(wave).deadline, [], {})
    table = status.table(eng, wave, at)
    recent = (at - QUIET_AFTER_INVITATION).isoformat(timespec="microseconds")
    with open_store(eng, read_only=True) as store:
        invited = {m["respondent"]: m["sent_at"] for m in store.mailings(wave) if m["kind"] == letters.INVITATION}
    rows = {r.id: r for r in table.rows}
    people = [p for p in eng.respondents
              if not rows[p.id].submitted_at and not ((invited.get(p.id) or "") > recent)]
    return Plan(wave, days, eng.wave(wave).deadline, people,
                {r.id: (r.answered, r.required) for r in table.rows})


def send_due(eng: Engagement, base_url: str, mail: Mail, wave: str | None = None, at: datetime | None = None,
             retry_after: timedelta = timedelta(0)) -> tuple[Plan, sending.Outcome]:
    """Send the reminder due now to everyone it is for (once per person: the store decides)."""
    p = plan(eng, wave, at)
    if p.days is None or not p.people:
        return p, sending.Outcome()
    outcome = sending.deliver(eng, p.people, base_url, mail, letters.REMINDER, p.wave, p.deadline, days=p.days,
                              answered=lambda rid: p.answered.get(rid, (0, 0)), retry_after=retry_after)
    return p, outcome


def when_text(p: Plan) -> str:
    """The reminder in words for the command line: "the reminder 2 days before the deadline (2026-12-18)"."""
    if p.days == 0:
        return f"the reminder on the deadline day ({p.deadline})"
    return f"the reminder {p.days} day(s) before the deadline ({p.deadline})"


def deadline_notes(eng: Engagement, at: datetime | None = None) -> list[str]:
    """A warning (never an error) for each wave whose deadline is before its first answer: likely a wrong date,
    and its form takes no answers."""
    out = []
    now_day = today(eng, at)
    with open_store(eng, read_only=True) as store:
        for wave, w in eng.waves.items():
            if w.deadline is None or w.deadline >= now_day:
                continue
            stamps = [a["recorded_at"] for a in store.current(wave=wave)]
            first = min(stamps) if stamps else None
            if first is None or today(eng, datetime.fromisoformat(first)) > w.deadline:
                out.append(f"wave {wave} closed on {w.deadline}, before its first answer"
                           f"{f' ({first[:10]})' if first else ''}: is the deadline right? Its form takes no answers "
                           "after the deadline; move it in engagement.yaml (waves:) to reopen.")
    return out
