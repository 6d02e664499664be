"""Business hours between two times, for whole columns at once (METHOD §14).

Business hours are Monday to Friday, from the opening to the closing time of ``business_hours`` on the
engagement's clock, minus the ``holidays``. The business time between a start and an end is counted on the
local clock: a start outside business hours counts from the next opening, an end outside them stops at the
last closing, and a clock change at night moves nothing. (When business hours span the hour a clock jumps,
that day is counted as the clock shows it, not by the hour the jump removes or adds.)

For a start on day ``a`` at ``s`` seconds after midnight and an end on day ``b`` at ``e``, with ``L`` the
length of a business day and ``open(x) = clip(x - opening, 0, L)``::

    business(a, s, b, e) = L x (business days from a to b, a counted, b not)
                           - (a is a business day) x open(s) + (b is a business day) x open(e)

which numpy evaluates for every lead in one pass (``busday_count`` and ``is_busday`` with the holidays).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from playbook.core import clock


@dataclass(frozen=True)
class Calendar:
    """The engagement's business hours: opening and closing in seconds after midnight, and its holidays."""

    opens: int
    closes: int
    holidays: tuple[str, ...] = ()

    @classmethod
    def of(cls, settings: dict[str, Any]) -> Calendar:
        opening = clock.opening(settings["business_hours"])
        if opening is None:  # the settings check refuses this before any file is read
            raise ValueError(f"business_hours {settings['business_hours']!r}")
        return cls(opening[0], opening[1], tuple(sorted(settings.get("holidays") or ())))

    @property
    def day_seconds(self) -> int:
        return self.closes - self.opens

    def busdays(self) -> np.busdaycalendar:
        return np.busdaycalendar(weekmask="1111100", holidays=np.array(self.holidays, dtype="datetime64[D]"))


def seconds(start, end, cal: Calendar) -> np.ndarray:
    """Business seconds from ``start`` to ``end`` (local wall-clock times, ``datetime64``), element by element.

    Negative when ``end`` comes before ``start``. Both must be free of NaT (the caller picks the rows).
    """
    start = np.asarray(start, dtype="datetime64[s]")
    end = np.asarray(end, dtype="datetime64[s]")
    days = cal.busdays()
    a, b = start.astype("datetime64[D]"), end.astype("datetime64[D]")
    s = (start - a).astype(np.int64)
    e = (end - b).astype(np.int64)
    length = cal.day_seconds
    whole = np.busday_count(a, b, busdaycal=days).astype(np.int64) * length
    before = np.where(np.is_busday(a, busdaycal=days), np.clip(s - cal.opens, 0, length), 0)
    upto = np.where(np.is_busday(b, busdaycal=days), np.clip(e - cal.opens, 0, length), 0)
    return whole - before + upto


def hours(start, end, cal: Calendar) -> np.ndarray:
    """Business hours from ``start`` to ``end`` (see ``seconds``), as floats."""
    return seconds(start, end, cal) / 3600.0
