"""Text that fits its box: line estimates, font sizes chosen from the text's length, splits over slides.

PowerPoint shrinks text to fit a shape only when it opens the file (python-pptx cannot compute
it, and LibreOffice does not always apply it), so the deck decides every size itself: it
estimates how many lines a text takes in a box of a given width at a given size (wrapping at
spaces, breaking a word longer than a line), takes the largest size from a short list whose
lines fit the box, and otherwise continues on a next slide. The glyph width is deliberately
generous (DejaVu Sans, the font LibreOffice falls back to, is wider than Calibri), so text
estimated to fit does fit in PowerPoint, LibreOffice and Keynote.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

CHAR_EM = 0.58  # average glyph width, in em, of running text (a little over DejaVu Sans' average)
BOLD_EM = 0.64
LINE = 1.2  # line height, in em
PARA_GAP = 0.5  # space after a paragraph, in em
INSET_W = 14.4  # a text frame's left and right insets together, in points (0.1 in each)
INSET_H = 7.2  # its top and bottom insets together (0.05 in each)


def per_line(width_pt: float, size: float, bold: bool = False) -> int:
    """How many characters fit on one line ``width_pt`` wide at ``size`` points."""
    return max(1, int((width_pt - INSET_W) / ((BOLD_EM if bold else CHAR_EM) * size)))


def wrap(text: str, width_pt: float, size: float, bold: bool = False) -> list[str]:
    """``text`` broken into the lines it takes (at least one)."""
    return textwrap.wrap(str(text), per_line(width_pt, size, bold), break_long_words=True,
                         break_on_hyphens=False) or [""]


def lines(text: str, width_pt: float, size: float, bold: bool = False) -> int:
    return len(wrap(text, width_pt, size, bold))


def height(paragraphs: Sequence[str], width_pt: float, size: float, bold: bool = False,
           gap: float = PARA_GAP) -> float:
    """The points ``paragraphs`` take in a box ``width_pt`` wide at ``size`` (insets included)."""
    count = sum(lines(p, width_pt, size, bold) for p in paragraphs)
    return count * size * LINE + max(0, len(paragraphs) - 1) * gap * size + INSET_H


def size_for(paragraphs: Sequence[str], width_pt: float, height_pt: float, sizes: Sequence[float],
             bold: bool = False, gap: float = PARA_GAP) -> float | None:
    """The largest of ``sizes`` (largest first) at which ``paragraphs`` fit the box; None when none does."""
    for size in sizes:
        if height(paragraphs, width_pt, size, bold, gap) <= height_pt:
            return size
    return None


def trim(text: str, width_pt: float, height_pt: float, size: float, bold: bool = False) -> str:
    """``text`` cut at a word, with an ellipsis, so that it fits the box at ``size`` (unchanged when it fits)."""
    text = str(text)
    room = max(1, int((height_pt - INSET_H) // (size * LINE)))
    if len(wrap(text, width_pt, size, bold)) <= room:
        return text
    words = text.split()
    n = len(words)
    while n > 1 and lines(" ".join(words[:n]) + " …", width_pt, size, bold) > room:
        n -= 1
    kept = " ".join(words[:n])
    if lines(kept + " …", width_pt, size, bold) > room:  # one word longer than the box: cut inside it
        kept = kept[:max(1, room * per_line(width_pt, size, bold) - 2)]
    return kept.rstrip() + " …"


def pages(paragraphs: Sequence[str], width_pt: float, height_pt: float, sizes: Sequence[float],
          most: int, first_height_pt: float | None = None) -> list[tuple[list[str], float]]:
    """``paragraphs`` split into runs that each fit one box, in order: [(paragraphs, size)].

    Each run takes as many paragraphs as fit (at most ``most``) at the smallest size; it is then
    set in the largest size at which every run still fits. A paragraph too long for an empty box at the
    smallest size is trimmed to fit. ``first_height_pt`` is the first box's height when it differs.
    """
    smallest = sizes[-1]
    out: list[tuple[list[str], float]] = []
    rest = [str(p) for p in paragraphs]
    while rest:
        room = first_height_pt if (first_height_pt is not None and not out) else height_pt
        run: list[str] = []
        while rest and len(run) < most and height(run + [rest[0]], width_pt, smallest) <= room:
            run.append(rest.pop(0))
        if not run:
            run.append(trim(rest.pop(0), width_pt, room, smallest))
        out.append((run, size_for(run, width_pt, room, sizes) or smallest))
    size = min((s for _, s in out), default=smallest)  # one size on every slide of the run
    return [(run, size) for run, _ in out]


def rows_height(cells: Sequence[str], widths_pt: Sequence[float], size: float, bold: bool = False) -> float:
    """A table row's height: its tallest cell (cell insets as a text frame's)."""
    return max(lines(c, w, size, bold) for c, w in zip(cells, widths_pt)) * size * LINE + INSET_H
