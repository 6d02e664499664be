"""The engagement's clock (METHOD §14): its time zone, business hours, holidays and the timestamps of a CRM export.

Settings and file rows are checked here with the standard library only (``zoneinfo``), so loading an
engagement stays light; the leads part does the same arithmetic on whole columns with numpy.

- ``timezone`` is an IANA name (``Europe/Berlin``, ``America/Chicago``, ``UTC``).
- ``business_hours`` is ``HH:MM-HH:MM`` on the 24-hour clock, opening before closing (``24:00`` may close).
- A timestamp is ``YYYY-MM-DD HH:MM[:SS]``; a ``T`` may stand for the space; an offset (``+01:00``, ``-05:00``)
  or ``Z`` may follow. Without one it is a time on the engagement's clock.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The pattern of one timestamp (for a single value here, for whole columns in the leads part).
STAMP_PATTERN = r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?"
STAMP = re.compile(STAMP_PATTERN)
STAMP_FORMAT = "YYYY-MM-DD HH:MM[:SS], optionally followed by an offset such as +01:00 or Z"
HOURS = re.compile(r"(\d{2}):(\d{2})-(\d{2}):(\d{2})")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DAY_SECONDS = 24 * 3600


@cache
def zone(name: str) -> ZoneInfo | None:
    """The time zone called ``name``; None when there is no such zone (``Europe/Berln``, ``../etc``)."""
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def opening(text: str) -> tuple[int, int] | None:
    """``09:00-17:00`` as seconds after midnight ``(32400, 61200)``; None when it is not a valid opening."""
    m = HOURS.fullmatch(str(text).strip())
    if not m:
        return None
    oh, om, ch, cm = (int(g) for g in m.groups())
    if oh > 23 or om > 59 or cm > 59 or ch > 24 or (ch == 24 and cm):
        return None
    start, end = oh * 3600 + om * 60, ch * 3600 + cm * 60
    return (start, end) if start < end else None


def day(text: str) -> date | None:
    """``2026-12-24`` as a date; None when it is not a real date written so."""
    if not DATE.fullmatch(str(text).strip()):
        return None
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        return None


def offset(text: str | None) -> timezone | None:
    """``+01:00`` or ``Z`` as a fixed offset; None for none; ValueError for an offset no clock has."""
    if not text:
        return None
    if text == "Z":
        return UTC
    hours, minutes = int(text[1:3]), int(text[4:6])
    if hours > 23 or minutes > 59:
        raise ValueError(text)
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(delta if text[0] == "+" else -delta)


def stamp(text: str, tz: ZoneInfo) -> datetime | None:
    """A timestamp as an aware datetime (an offset given wins, else the time is on ``tz``'s clock); None when
    ``text`` is not a timestamp or not a real date and time."""
    m = STAMP.fullmatch(str(text).strip())
    if not m:
        return None
    y, mo, d, h, mi, s, off = m.groups()
    try:
        fixed = offset(off)
        return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0), tzinfo=fixed or tz)
    except ValueError:
        return None
