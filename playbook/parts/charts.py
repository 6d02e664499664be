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
FONT = "Helvetica, Arial, sans-serif"


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
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#e6e6e6"},
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom"},
            "title": {"fontSize": 14, "anchor": "start"},
        }
    }


def base():
    """Altair, configured for offline SVG rendering (imported lazily: it costs ~0.5 s)."""
    import altair as alt

    if "playbook" not in alt.theme.names():
        alt.theme.register("playbook", enable=True)(theme)
    elif alt.theme.active != "playbook":
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

    return (
        alt.Chart(pd.DataFrame({"text": [message]}))
        .mark_text(fontSize=13, color=PALETTE["no_data"])
        .encode(text="text:N")
        .properties(width=420, height=60)
    )
