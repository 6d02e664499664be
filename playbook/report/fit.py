"""Text that fits its box: line estimates, font sizes chosen from the text's length, splits over slides.

PowerPoint shrinks text to fit a shape only when it opens the file (python-pptx cannot compute
it, and LibreOffice does not always apply it), so the deck decides every size itself: it
estimates how many lines a text takes in a box of a given width at a given size (wrapping at
spaces, breaking a word longer than a line), takes the largest size from a short list whose
lines fit the box, and otherwise continues on a next slide. Glyph widths are those of DejaVu
Sans, the font LibreOffice falls back to and wider than Calibri or Arial, so text estimated to
fit does fit in PowerPoint, LibreOffice and Keynote.
"""

from __future__ import annotations

from collections.abc import Sequence

# Advance widths of DejaVu Sans (the font LibreOffice falls back to, wider than Calibri or Arial), in em,
# rounded up; characters not listed count as 0.8 em, wide (CJK) ones as 1 em.
_WIDTHS = {
    **dict.fromkeys("ijl'", 0.28), **dict.fromkeys(" .,`", 0.32), **dict.fromkeys(";:|/", 0.34),
    "f": 0.36, "-": 0.37, "t": 0.4, "!": 0.4, **dict.fromkeys("()[]{}", 0.4), "r": 0.42,
    **dict.fromkeys("IJ", 0.3), **dict.fromkeys("sz\"", 0.53), "c": 0.55, "–": 0.5,
    **dict.fromkeys("kvxy", 0.6), **dict.fromkeys("aeo", 0.62), **dict.fromkeys("bdghnpqu", 0.64),
    **dict.fromkeys("0123456789$€£#+=<>~^_?*", 0.64), "L": 0.56, **dict.fromkeys("FTYP", 0.62),
    **dict.fromkeys("ES", 0.64), "K": 0.66, **dict.fromkeys("AV", 0.69), **dict.fromkeys("BRXZ", 0.7),
    "C": 0.7, "U": 0.74, **dict.fromkeys("HN", 0.76), **dict.fromkeys("DG", 0.78), **dict.fromkeys("OQ", 0.8),
    "&": 0.78, "w": 0.82, "M": 0.87, **dict.fromkeys("m%", 0.98), **dict.fromkeys("W@—…", 1.0),
}
BOLD = 1.14  # DejaVu Sans Bold is about this much wider
SLACK = 0.96  # use this share of a line's width: renderers differ a little in kerning and hinting
LINE = 1.2  # line height, in em
PARA_GAP = 0.5  # space after a paragraph, in em
INSET_W = 14.4  # a text frame's left and right insets together, in points (0.1 in each)
INSET_H = 7.2  # its top and bottom insets together (0.05 in each)


def _em(c: str) -> float:
    return _WIDTHS.get(c, 1.0 if ord(c) >= 0x2E80 else 0.8)


def width(text: str, size: float, bold: bool = False) -> float:
    """The points ``text`` takes on one line at ``size``."""
    return sum(_em(c) for c in text) * size * (BOLD if bold else 1.0)


def wrap(text: str, width_pt: float, size: float, bold: bool = False) -> list[str]:
    """``text`` broken into the lines it takes (at least one): at spaces, inside a word longer than a line."""
    room = max(size, (width_pt - INSET_W) * SLACK)
    out: list[str] = []
    line = ""
    for word in str(text).split():
        while width(word, size, bold) > room:  # a word longer than a line is broken where it reaches the edge
            if line:
                out.append(line)
                line = ""
            cut = 1
            while cut < len(word) and width(word[:cut + 1], size, bold) <= room:
                cut += 1
            out.append(word[:cut])
            word = word[cut:]
        candidate = f"{line} {word}" if line else word
        if line and width(candidate, size, bold) > room:
            out.append(line)
            line = word
        else:
            line = candidate
    if line or not out:
        out.append(line)
    return out


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
    while len(kept) > 1 and lines(kept + " …", width_pt, size, bold) > room:  # one word longer than the box
        kept = kept[:-1]
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
