"""Altair charts that render with no network, sized to be read on paper, on a screen and on a phone.

Every chart is rendered to SVG by vl-convert, inside this process: in a notebook (papermill or Voilà)
it is displayed as an SVG image, and the report embeds the same SVG. Nothing is loaded from a CDN.

How a chart reads (METHOD 13, tests/test_charts.py):

- Every text is ``FONT_SIZE`` px (titles larger): 9 pt where the report prints the chart at its own size,
  and the widest layout (``PRINT_WIDTH``) fits the report's printed column, so nothing is scaled down.
- Two layouts: the report's (``PRINT_WIDTH``) and a phone's (``PHONE_WIDTH``, inside ``with phone():``),
  which the pages and the report show below 640 px; a chart function reads ``width()`` and lays itself out
  for it, so the same text size holds on a 390 px screen.
- Horizontal bars name their rows with the items' short statements *above* the bars (``Rows``), so the
  whole width is the plot's in both layouts and a row's name is never cut.
- A title on every chart (``title``); legends list only what is drawn (``legend``); a reference line (a
  threshold, a goal) is drawn within each row's bars, never through a row's name, and value labels move
  off it (``value_labels``).
- Amount axes are labelled by ``formats.money_ticks`` (``money_axis``), the compact rule of the text and
  the tables; the d3 locale (``theme``) gives every other axis the locale's separators and minus sign.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

# Colours used by every part (status colours are shared with the report's CSS).
PALETTE = {
    "marketing": "#2f6db5",
    "sales": "#d9822b",
    "all": "#6b6b6b",
    "on_track": "#2e8b57",
    "watch": "#e0a526",
    "off_track": "#c8443a",
    "no_data": "#a8a8a8",
    "established": "#2e8b57",
    "not_established": "#c8443a",
    "neutral": "#4a5a6a",
}
# The renderer measures text with the first of these fonts it finds (and, not finding one, with a font of
# its own that the page does not have), so DejaVu Sans, on every Linux machine and drawn wider than
# Helvetica or Arial, comes before the generic family: labels are placed for the font the page draws.
FONT = "Helvetica, Arial, 'DejaVu Sans', sans-serif"
FONT_SIZE = 12  # px: 9 pt printed at 1:1 (a CSS px is 0.75 pt), and above 11 px on a phone
TITLE_SIZE = 14
LABEL_SIZE = FONT_SIZE
LINE = FONT_SIZE + 3  # px of one line of chart text
# Wider than the average character of the widest font above (DejaVu Sans: ~0.50 em, bold ~0.58 em), so a
# title wrapped by this estimate fits whichever of them the page draws.
EM_PER_CHAR = {False: 0.56, True: 0.62}

PRINT_WIDTH = 640  # px: the report's printed column is 680 px wide (A4 less its margins); charts never wider
PHONE_WIDTH = 330  # px: a 390 px screen less the page's margins
PRINT_MAX = 680  # px: the printed column; a chart wider than this would be scaled down in the PDF
AXIS_LABEL_LIMIT = 300  # px: a label of a left axis (a line chart's values) up to this wide is shown whole
LEGEND_LABEL_LIMIT = 300
LEGEND_GAP = 18  # px between legend entries in a row
BAR = 14  # px: the height of one bar

_WIDTH: ContextVar[int] = ContextVar("playbook_chart_width", default=PRINT_WIDTH)


def width() -> int:
    """The width a chart is laid out for: the report's (``PRINT_WIDTH``) or, inside ``phone()``, a phone's."""
    return _WIDTH.get()


def is_phone() -> bool:
    return width() < PRINT_WIDTH


@contextmanager
def phone() -> Iterator[None]:
    """Charts built inside the block are laid out for a phone's screen (``PHONE_WIDTH``)."""
    token = _WIDTH.set(PHONE_WIDTH)
    try:
        yield
    finally:
        _WIDTH.reset(token)


def theme() -> dict[str, Any]:
    """The look of every chart; numbers in the active currency and locale (``formats.use``), read at render time.

    With ``config.locale.number`` set, d3 formats follow the client's locale: ``$`` in ``"$,.0f"`` or ``"$.2f"``
    is the client's currency, ``","`` its grouping, and a negative number its minus sign.
    """
    from playbook.core import formats

    return {
        "config": {
            "locale": {"number": formats.d3_locale()},
            "font": FONT,
            "view": {"stroke": None},
            "axis": {"labelFontSize": FONT_SIZE, "titleFontSize": FONT_SIZE, "titleFontWeight": "normal",
                     "gridColor": "#e6e6e6", "labelLimit": AXIS_LABEL_LIMIT, "labelSeparation": 6,
                     "titleColor": "#333", "labelColor": "#333"},
            "legend": {"labelFontSize": FONT_SIZE, "titleFontSize": FONT_SIZE, "orient": "bottom",
                       "labelLimit": LEGEND_LABEL_LIMIT, "columnPadding": LEGEND_GAP, "rowPadding": 6},
            "header": {"labelLimit": AXIS_LABEL_LIMIT, "labelFontSize": FONT_SIZE, "titleFontSize": FONT_SIZE},
            "title": {"fontSize": TITLE_SIZE, "subtitleFontSize": FONT_SIZE, "anchor": "start", "limit": 0,
                      "subtitleColor": "#555"},
            "text": {"fontSize": FONT_SIZE},
        }
    }


_REGISTERED = False  # whether the playbook theme is registered with Altair (in this process)


def base():
    """Altair, configured for offline SVG rendering (imported lazily: it costs ~0.5 s)."""
    import altair as alt

    global _REGISTERED
    if not _REGISTERED:  # theme.names() reads every package's entry points: 10-40 ms, once is enough
        if "playbook" not in alt.theme.names():
            alt.theme.register("playbook", enable=True)(theme)
        _REGISTERED = True
    if alt.theme.active != "playbook":
        alt.theme.enable("playbook")
    alt.renderers.enable("svg")
    alt.data_transformers.disable_max_rows()
    return alt


def to_svg(chart) -> str:
    """The chart as a standalone SVG string (no scripts, no network). ``chart`` may also be its Vega-Lite
    specification as a dict, already made (``chart.to_dict()``): it is then drawn as it is, not made again."""
    import vl_convert as vlc

    spec = chart if isinstance(chart, dict) else chart.to_dict()
    return vlc.vegalite_to_svg(spec, vl_version=_vl_version())


def _vl_version() -> str:
    import altair as alt

    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return "v" + major_minor.replace(".", "_")


def empty(message: str):
    """A small placeholder chart that says why there is nothing to plot."""
    alt = base()
    import pandas as pd

    shown = lines(message, width(), 13, bold=False)
    return (
        alt.Chart(pd.DataFrame({"text": ["\n".join(shown)]}))
        .mark_text(fontSize=13, color=PALETTE["all"], lineBreak="\n", lineHeight=17)
        .encode(text="text:N")
        .properties(width=width(), height=max(60, 17 * len(shown) + 26), description=message)
    )


def text_width(text: str, size: float = FONT_SIZE, bold: bool = False) -> float:
    """A generous estimate of ``text``'s width in px at ``size`` (see ``EM_PER_CHAR``)."""
    return len(text) * size * EM_PER_CHAR[bold]


def lines(text: str, width: float, size: float = TITLE_SIZE, bold: bool = True) -> list[str]:
    """``text`` broken between words into lines no wider than ``width`` px (the words are kept as they are)."""
    import textwrap

    return textwrap.wrap(text, max(10, int(width // (size * EM_PER_CHAR[bold])))) or [text]


def title(text: str, room: float | None = None, subtitle: str | None = None, labels=(), **kw):
    """A chart's title wrapped to ``room`` px (default: the layout's ``width()``): Vega never wraps a title.

    ``labels`` are the labels of an axis on the chart's left, whose room the title may use too. The title is a
    list of lines; a subtitle, if any, is wrapped the same way.
    """
    alt = base()
    room = width() if room is None else room
    room += max((text_width(str(label)) + 12 for label in labels), default=0)
    size = kw.get("fontSize", TITLE_SIZE)
    kw.setdefault("lineHeight", size + 4)
    if subtitle is not None:
        sub = kw.get("subtitleFontSize", FONT_SIZE)
        kw.setdefault("subtitleLineHeight", sub + 3)
        kw["subtitle"] = lines(subtitle, room, sub, bold=False)
    return alt.TitleParams(lines(text, room, size), **kw)


def axis_title(text: str, room: float | None = None) -> list[str]:
    """An axis title wrapped to ``room`` px (default: the layout's width): Vega widens a chart to fit a long one."""
    return lines(text, width() - 20 if room is None else room, FONT_SIZE, bold=False)


def title_text(chart) -> str:
    """A chart's title as one line of text (its lines joined), from the chart or its ``to_dict()``."""
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    found = spec.get("title", "")
    text = found.get("text", "") if isinstance(found, dict) else found
    return " ".join(text) if isinstance(text, list) else str(text)


def legend(labels: list[str], room: float | None = None, **kw):
    """A legend for ``labels`` (only what the chart draws), its entries in as many columns as fit in ``room``."""
    alt = base()
    room = width() if room is None else room
    entry = max((text_width(str(label)) for label in labels), default=0) + 16 + LEGEND_GAP  # symbol, label, gap
    columns = max(1, min(len(labels), int(room // entry)))
    kw.setdefault("title", None)
    return alt.Legend(columns=columns, **kw)


def colours(present: list[str], every: dict[str, str], **legend_kw):
    """A colour encoding's scale and legend for the categories drawn (``present``, in the order of ``every``)."""
    alt = base()
    domain = [k for k in every if k in set(present)]
    return {"scale": alt.Scale(domain=domain, range=[every[k] for k in domain]),
            "legend": legend(domain, **legend_kw) if domain else None}


def count_axis(most: float, **kw):
    """An axis of counts: integer ticks only (0 1 2 ..., never "0 1 1 2 2"), ``most`` the largest count drawn."""
    alt = base()
    kw.setdefault("format", "d")
    kw.setdefault("tickMinStep", 1)
    if most <= 12:
        kw.setdefault("values", list(range(0, int(most) + 1)))
    return alt.Axis(**kw)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 times a power of ten apart) from at or below ``low`` to at or above
    ``high``, about ``count`` of them; ``[0, 1]`` when there is nothing to span."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high - low <= 0:
        return [0.0, 1.0]
    raw = (high - low) / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw - 1e-12)
    start, stop = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [round(i * step, 10) for i in range(start, stop + 1)]


def labelled(values: list[float], labels: list[str]) -> str:
    """A Vega label expression giving each tick value its label (labels made in Python by ``formats``)."""
    import json

    step = min((abs(b - a) for a, b in zip(values, values[1:])), default=1.0) or 1.0
    expr = "''"
    for v, text in reversed(list(zip(values, labels))):
        expr = f"abs(datum.value - ({v!r})) < {step / 1000!r} ? {json.dumps(text)} : {expr}"
    return expr


def money_axis(low: float, high: float, count: int = 5, **kw) -> tuple[Any, Any]:
    """An axis and scale of amounts from ``low`` to ``high``: round ticks labelled as the text writes amounts
    (``formats.money_ticks``: ``$200K``, ``$1.2M``, never ``$200k``)."""
    from playbook.core.formats import money_ticks

    alt = base()
    ticks = nice_ticks(low, high, count)
    axis = alt.Axis(values=ticks, labelExpr=labelled(ticks, money_ticks(ticks)), **kw)
    return axis, alt.Scale(domain=[ticks[0], ticks[-1]], nice=False)


@dataclass(frozen=True)
class Rows:
    """Horizontal bars, each row named above its bar(s): the layout of every bar chart by category.

    ``order`` are the rows' names (the short statements, top to bottom); ``groups`` the bars side by side in
    a row (drawn by the field ``group``), none for one bar a row. The y encoding puts each name on the left
    edge above its bars, so the plot has the whole width; a name wider than the chart is wrapped between words
    (every row then has room for as many lines as the longest name takes).
    """

    field: str
    order: tuple[str, ...]
    group: str | None = None
    groups: tuple[str, ...] = ()
    bar: int = BAR
    gap: int = 10  # px below a row's bars
    faceted: bool = False  # in a facet, each panel's rows are its own (no fixed domain; height by step)

    def wrapped(self, name: str) -> list[str]:
        return lines(str(name), width(), FONT_SIZE, bold=False)

    @property
    def name_lines(self) -> int:
        return max((len(self.wrapped(n)) for n in self.order), default=1)

    @property
    def top(self) -> int:
        """px from a row's top to its first bar (below the name's lines)."""
        return LINE * self.name_lines + 3

    @property
    def bars(self) -> int:
        """px of a row's bars."""
        return self.bar * max(1, len(self.groups))

    @property
    def step(self) -> int:
        return self.top + self.bars + self.gap

    @property
    def height(self) -> int:
        return self.step * len(self.order)

    def _label_expr(self) -> str | None:
        import json

        if self.name_lines == 1:
            return None
        expr = "datum.label"
        for name in reversed(self.order):
            expr = f"datum.label == {json.dumps(str(name))} ? {json.dumps(self.wrapped(name))} : {expr}"
        return expr

    def y(self):
        alt = base()
        extra = {"labelExpr": expr} if (expr := self._label_expr()) else {}
        shown = alt.Axis(labelAlign="left", labelBaseline="top", labelPadding=0, ticks=False, domain=False,
                         grid=False, labelOffset=1 - self.step / 2, labelLimit=width(), labelColor="#222",
                         labelSeparation=0, labelOverlap=False, labelLineHeight=LINE, **extra)
        domain = {} if self.faceted else {"domain": list(self.order)}
        return alt.Y(f"{self.field}:N", title=None, sort=list(self.order), axis=shown,
                     scale=alt.Scale(paddingInner=0, paddingOuter=0, **domain))

    def offset(self):
        """The yOffset channel of grouped bars (None for one bar a row)."""
        if not self.groups:
            return None
        alt = base()
        return alt.YOffset(f"{self.group}:N", sort=list(self.groups),
                           scale=alt.Scale(domain=list(self.groups), range=[self.top, self.top + self.bars],
                                           paddingInner=0.12, paddingOuter=0))

    def encode(self) -> dict[str, Any]:
        """``y`` (and ``yOffset``) for a layer's ``encode``."""
        found = {"y": self.y()}
        if self.groups:
            found["yOffset"] = self.offset()
        return found

    def mark(self) -> dict[str, Any]:
        """The bar mark's placement in its row (one bar a row: its height and offset below the name)."""
        if self.groups:
            return {}
        return {"height": self.bar, "yOffset": self.top + self.bar / 2 - self.step / 2}

    def text_mark(self) -> dict[str, Any]:
        """A value label's vertical placement: on its bar's middle line."""
        if self.groups:
            return {"baseline": "middle"}
        return {"baseline": "middle", "yOffset": self.top + self.bar / 2 - self.step / 2}

    def rule(self, value: float, **mark):
        """A reference line at ``value`` drawn within each row's bars, never through a row's name (a layer of
        the chart's data: one line per data row, in that row's band)."""
        alt = base()
        mark.setdefault("color", PALETTE["neutral"])
        mark.setdefault("strokeDash", [4, 3])
        return alt.Chart().mark_rule(
            yOffset=self.top - 2, y2Offset=self.top + self.bars + 2 - self.step / 2, **mark,
        ).encode(x=alt.datum(value), y=alt.Y(f"{self.field}:N", sort=list(self.order), bandPosition=0),
                 y2=alt.Y2(f"{self.field}:N"))


def value_labels(rows: list[dict[str, Any]], value: str, text: str, domain: tuple[float, float],
                 rules: tuple[float, ...] = (), room: float | None = None) -> list[dict[str, Any]]:
    """Where each bar's value label goes, so that no label lies over a reference line or past the plot.

    Each row gets ``label_at`` (the x of the label's anchor) and ``label_inside`` (True: right-aligned inside
    the bar's end, in white). A label goes after the bar's end; where a reference line (``rules``) crosses it
    there, inside the bar when the bar is long enough and no line crosses it there, else past the line.
    """
    room = width() if room is None else room
    low, high = domain
    span = (high - low) or 1.0

    def px(v: float) -> float:
        return (min(max(v, low), high) - low) / span * room

    lines_px = [px(r) for r in rules]

    def clear(start: float, stop: float) -> bool:
        return all(not (start - 3 <= x <= stop + 3) for x in lines_px)

    out = []
    for row in rows:
        v = row[value] if row[value] is not None else 0.0
        wide = text_width(str(row[text])) * 1.25 + 2  # digits and "%" are wider than the average letter
        end = px(v)
        if clear(end + 4, end + 4 + wide) and end + 4 + wide <= room:
            out.append({**row, "label_at": v, "label_inside": False})
        elif end - 4 - wide >= 0 and clear(end - 4 - wide, end - 4):
            out.append({**row, "label_at": v, "label_inside": True})
        else:
            past = max((x for x in lines_px if x >= end - 3), default=end)
            at = low + (past + 3) / room * span
            out.append({**row, "label_at": min(at, high), "label_inside": False})
    return out


def value_text(alt, rows: Rows, x_title: Any = None, **enc):
    """The two text layers of ``value_labels``: outside a bar (dark) and inside its end (white)."""
    outside = alt.Chart().transform_filter("!datum.label_inside").mark_text(
        align="left", dx=4, color="#222", **rows.text_mark()).encode(
        x=alt.X("label_at:Q", title=x_title), text="label:N", **rows.encode(), **enc)
    inside = alt.Chart().transform_filter("datum.label_inside").mark_text(
        align="right", dx=-4, color="white", **rows.text_mark()).encode(
        x=alt.X("label_at:Q", title=x_title), text="label:N", **rows.encode(), **enc)
    return [outside, inside]
