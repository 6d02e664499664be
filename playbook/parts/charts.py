"""Altair charts that render with no network.

Every chart is rendered to SVG by vl-convert, inside this process: in a
notebook (papermill or Voilà) it is displayed as an SVG image, and the report
embeds the same SVG. Nothing is loaded from a CDN. One module per part:
``charts.self_evaluation``, ``charts.credibility``, ``charts.kpis``,
``charts.prospecting``.
"""

from __future__ import annotations

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
TITLE_SIZE = 14
LABEL_SIZE = 11
# Wider than the average character of the widest font above (DejaVu Sans: ~0.50 em, bold ~0.58 em), so a
# title wrapped by this estimate fits whichever of them the page draws.
EM_PER_CHAR = {False: 0.56, True: 0.62}


AXIS_LABEL_LIMIT = 300  # px: a category label up to this wide is shown whole (longer ones end in "…")
LEGEND_LABEL_LIMIT = 300
EMPTY_WIDTH = 420
LEGEND_GAP = 18  # px between legend entries in a row


def theme() -> dict[str, Any]:
    """The look of every chart; numbers in the active currency and locale (``formats.use``), read at render time.

    With ``config.locale.number`` set, d3 formats follow the client's locale: ``$`` in ``"$,.0f"`` or ``"$.2f"``
    is the client's currency, ``","`` its grouping. Compact amounts on an axis use ``formats.money_axis_label()``.
    """
    from playbook.core import formats

    return {
        "config": {
            "locale": {"number": formats.d3_locale()},
            "font": FONT,
            "view": {"stroke": None},
            "axis": {"labelFontSize": LABEL_SIZE, "titleFontSize": 12, "gridColor": "#e6e6e6",
                     "labelLimit": AXIS_LABEL_LIMIT, "labelSeparation": 6},
            "legend": {"labelFontSize": LABEL_SIZE, "titleFontSize": 12, "orient": "bottom",
                       "labelLimit": LEGEND_LABEL_LIMIT, "columnPadding": LEGEND_GAP, "rowPadding": 6},
            "header": {"labelLimit": AXIS_LABEL_LIMIT},
            "title": {"fontSize": TITLE_SIZE, "anchor": "start", "limit": 0},
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
    """The chart as a standalone SVG string (no scripts, no network)."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart.to_dict(), vl_version=_vl_version())


def _vl_version() -> str:
    import altair as alt

    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return "v" + major_minor.replace(".", "_")


def empty(message: str):
    """A small placeholder chart that says why there is nothing to plot."""
    alt = base()
    import pandas as pd

    shown = lines(message, EMPTY_WIDTH, 13, bold=False)
    return (
        alt.Chart(pd.DataFrame({"text": ["\n".join(shown)]}))
        .mark_text(fontSize=13, color=PALETTE["no_data"], lineBreak="\n", lineHeight=17)
        .encode(text="text:N")
        .properties(width=EMPTY_WIDTH, height=max(60, 17 * len(shown) + 26), description=message)
    )


def text_width(text: str, size: float = LABEL_SIZE, bold: bool = False) -> float:
    """A generous estimate of ``text``'s width in px at ``size`` (see ``EM_PER_CHAR``)."""
    return len(text) * size * EM_PER_CHAR[bold]


def lines(text: str, width: float, size: float = TITLE_SIZE, bold: bool = True) -> list[str]:
    """``text`` broken between words into lines no wider than ``width`` px (the words are kept as they are)."""
    import textwrap

    return textwrap.wrap(text, max(10, int(width // (size * EM_PER_CHAR[bold])))) or [text]


def title(text: str, width: float, subtitle: str | None = None, labels=(), **kw):
    """A chart title wrapped to ``width`` px (the plotted width): Vega never wraps a title, it runs past the chart.

    ``labels`` are the labels of the axis on the left, whose room the title may use too. The title is a list
    of lines; a subtitle, if any, is wrapped the same way.
    """
    alt = base()
    width += max((text_width(str(label)) + 12 for label in labels), default=0)
    size = kw.get("fontSize", TITLE_SIZE)
    kw.setdefault("lineHeight", size + 4)
    if subtitle is not None:
        sub = kw.get("subtitleFontSize", 11)
        kw.setdefault("subtitleLineHeight", sub + 3)
        kw["subtitle"] = lines(subtitle, width, sub, bold=False)
    return alt.TitleParams(lines(text, width, size), **kw)


def title_text(chart) -> str:
    """A chart's title as one line of text (its lines joined), from the chart or its ``to_dict()``."""
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    found = spec.get("title", "")
    text = found.get("text", "") if isinstance(found, dict) else found
    return " ".join(text) if isinstance(text, list) else str(text)


def legend(labels: list[str], width: float, **kw):
    """A legend whose entries, laid in rows, fit in ``width`` px: as many columns as fit, never overlapping."""
    alt = base()
    entry = max(text_width(str(label)) for label in labels) + 16 + LEGEND_GAP  # symbol, label, gap
    columns = max(1, min(len(labels), int(width // entry)))
    return alt.Legend(columns=columns, **kw)


def count_axis(most: float, **kw):
    """An axis of counts: integer ticks only (0 1 2 ..., never "0 1 1 2 2"), ``most`` the largest count drawn."""
    alt = base()
    kw.setdefault("format", "d")
    kw.setdefault("tickMinStep", 1)
    if most <= 12:
        kw.setdefault("values", list(range(0, int(most) + 1)))
    return alt.Axis(**kw)
