"""What a client reads, checked the same way in the report (HTML and PDF), the deck and the interactive page.

- ``shown_changes``: every change written between two figures ("46% → 77%, up 31 points", "2.3 → 4.3, up 2.0")
  must be the difference of the figures as shown (METHOD 13).
- ``for_developers``: the words of the developer scan (``tests/browser.py`` DEVELOPER) and the codes a client
  must never read: ISO dates, timestamps and periods, hex colours, settings' keys, "item(s)".
"""

from __future__ import annotations

import re
from decimal import Decimal

from .browser import DEVELOPER

NUMBER = r"-?\d+(?:[.,]\d+)?"
# "46% → 77%, up 31 points", "46% → 77% (up 32 points)", "2.3 → 4.3, up 2.0", "4.0 → 3.0, down 1.0"
CHANGE = re.compile(rf"({NUMBER})(\s?%)?\s*→\s*({NUMBER})(\s?%)?[,(]?\s*\(?(up|down|no change)\s*({NUMBER})?")

# Codes a client never reads (besides the developer words): ISO dates, timestamps and periods, hex colours,
# settings' keys (snake_case), "item(s)"-style plurals.
CODES = re.compile(r"\b\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?|\b\d{4}-(Q[1-4]|\d{2})\b|#[0-9a-fA-F]{6}\b|"
                   r"\b[a-z]+(?:_[a-z]+)+\b|\w\(s\)")


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def shown_changes(text: str) -> list[str]:
    """Every shown change in ``text`` whose size is not the difference of its two figures; empty when all add up."""
    text = " ".join(text.split())  # a change may wrap over lines in a PDF's text
    wrong = []
    for m in CHANGE.finditer(text):
        before, after, direction, size = _number(m.group(1)), _number(m.group(3)), m.group(5), m.group(6)
        shown = after - before
        if direction == "no change":
            ok = shown == 0
        else:
            ok = size is not None and _number(size) == abs(shown) and (shown > 0) == (direction == "up")
        if not ok:
            wrong.append(m.group(0))
    return wrong


def for_developers(text: str) -> list[str]:
    """The developer words and codes in ``text`` (empty when it is written for a client)."""
    return [m.group(0) for m in DEVELOPER.finditer(text)] + [m.group(0) for m in CODES.finditer(text)]
