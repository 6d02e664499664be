"""A wave's timing: its last day to answer, in the engagement's time zone, and the reminder due.

Plain rules on the engagement (``waves:`` and ``settings.reminders`` in engagement.yaml), read by the
respondent's form (a closed wave takes no new answers) and by the reminders (``outreach/reminders.py``).
A wave is *closed* from the day after its deadline; the reminder *due* is the latest whose day has come
(a reminder missed while nothing ran is replaced by the next one, never sent late beside it).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from playbook.core.engagement import Engagement


def zone(eng: Engagement) -> ZoneInfo:
    try:
        return ZoneInfo(str(eng.settings.get("timezone") or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def today(eng: Engagement, at: datetime | None = None) -> date:
    """The engagement's day at ``at`` (default now)."""
    return (at or datetime.now(UTC)).astimezone(zone(eng)).date()


def closed(eng: Engagement, wave: str | None = None, at: datetime | None = None) -> date | None:
    """The deadline of a wave that has closed (its last day is past), else None."""
    deadline = eng.wave(wave).deadline
    return deadline if deadline is not None and today(eng, at) > deadline else None


def due(eng: Engagement, wave: str | None = None, at: datetime | None = None) -> int | None:
    """The reminder due now (its days before the deadline), or None (no deadline, none due yet, or closed)."""
    deadline = eng.wave(wave).deadline
    if deadline is None:
        return None
    left = (deadline - today(eng, at)).days
    if left < 0:
        return None
    come = [d for d in eng.reminders(wave) if d >= left]
    return min(come) if come else None
