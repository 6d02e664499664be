"""Charts, the scorecard table and the report section of the shared KPIs (METHOD 3).

Everything here reads the ``kpis`` block of results.json. Sized for the report at
scale: the scorecard has one bar per metric; the goal-against-actual small multiples
show the managed metrics (at most ``max_metrics``) over their latest ``max_periods``
periods, so 60 metrics by 60 months stays a few hundred marks and a small SVG.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from playbook.core.formats import period, periods_short, share
from playbook.core.i18n import N_, _, ngettext, word
from playbook.parts.charts import (
    FONT_SIZE,
    PALETTE,
    Rows,
    base,
    colours,
    count_axis,
    empty,
    lines,
    money_axis,
    title,
    value_labels,
    value_text,
    width,
)
from playbook.parts.kpis.model import STATUSES
from playbook.parts.kpis.words import (
    DESIGNATIONS,
    INDICATORS,
    NOT_ASSESSED,
    UNIT_WORDS,
    caption,
    findings,
    fmt,
    label,
    owner,
    pct,
    scope,
)

SHOWN_MAX = 1.5  # attainment bars are cut at 150% so one outlier does not squash the rest
Y_FORMAT = {"percent": ".0%", "count": "~s", "ratio": ".1f", "days": "~r", "hours": "~r"}
UNIT_NAMES = {"percent": N_("percent"), "count": N_("count"), "ratio": N_("ratio"), "currency": N_("amount"),
              **UNIT_WORDS}


def _status_colours() -> dict[str, str]:
    """Status label -> its colour."""
    return {label(s): PALETTE[s] for s in STATUSES}


def _names(rows: list[dict]) -> list[str]:
    """One unique name per metric: its name, with its id added when two names repeat."""
    names = [r["name"] for r in rows]
    return [f"{r['name']} [{r['metric']}]" if names.count(r["name"]) > 1 else r["name"] for r in rows]


def _note(r: dict) -> str:
    if r["status"] == "no_data":
        return _("no data")
    if r["attainment"] is None:
        return _("goal met (zero base)") if r["status"] == "on_track" else _("goal missed (zero base)")
    return pct(r["attainment"])


def _group(r: dict) -> str:
    return f"{word(DESIGNATIONS, r['designation'])} · {word(INDICATORS, r['indicator'])}"


def scorecard_chart(result: dict[str, Any] | None):
    """Attainment per metric as bars in the status colours, grouped managed then monitored, leading then lagging;
    the goal (100%) and the watch threshold marked in every metric's row."""
    alt = base()
    import pandas as pd

    rows = [] if result is None else result["to_date"]
    if not rows:
        return empty(_("No shared KPIs defined."))
    names = _names(rows)
    data = [{"metric": n, "group": _group(r), "label": _note(r), "status": label(r["status"]),
             "shown": min(r["attainment"], SHOWN_MAX) if r["attainment"] is not None
             else (1.0 if r["status"] == "on_track" else 0.0)} for n, r in zip(names, rows)]
    watch = float(result["watch_threshold"])
    shape = Rows("metric", tuple(names), bar=11, gap=5, faceted=True)
    data = value_labels(data, "shown", "label", (0, SHOWN_MAX), (watch, 1.0))
    x = alt.X("shown:Q", title=_("attainment %(when)s (goal = 100%%)", when=scope(result)),
              scale=alt.Scale(domain=[0, SHOWN_MAX], nice=False), axis=alt.Axis(format="%"))
    bars = alt.Chart().mark_bar(**shape.mark()).encode(
        x=x, **shape.encode(), color=alt.Color("status:N", **colours([d["status"] for d in data if d["shown"] > 0],
                                                                     _status_colours())))
    groups = list(dict.fromkeys(d["group"] for d in data))
    heading = _("Attainment %(when)s per metric (goal 100%%, solid; on watch from %(watch)s, dashed)",
                when=caption(result), watch=share(watch))
    return (
        alt.layer(bars, shape.rule(1.0, strokeDash=[], color="#333"), shape.rule(watch, color=PALETTE["watch"]),
                  *value_text(alt, shape), data=pd.DataFrame(data))
        .properties(width=width(), height=alt.Step(shape.step))
        .facet(row=alt.Row("group:N", sort=groups, title=None,
                           header=alt.Header(labelOrient="top", labelAnchor="start", labelAngle=0, labelAlign="left",
                                             labelFontWeight="bold", labelPadding=4)), spacing=10)
        .resolve_scale(y="independent")
        .properties(title=title(heading))
    )


def status_counts(result: dict[str, Any] | None):
    """How many metrics are on track, on watch, off track or without data, managed and monitored."""
    alt = base()
    import pandas as pd

    rows = [] if result is None else result["to_date"]
    if not rows:
        return empty(_("No shared KPIs defined."))
    counted = [{"designation": _(DESIGNATIONS[d]), "status": label(s), "order": i,
                "metrics": sum(r["designation"] == d and r["status"] == s for r in rows)}
               for d in ("managed", "monitored") for i, s in enumerate(STATUSES)]
    counted = [c for c in counted if c["metrics"] > 0]
    shape = Rows("designation", tuple(dict.fromkeys(c["designation"] for c in counted)), bar=18)
    most = max(sum(c["metrics"] for c in counted if c["designation"] == d) for d in shape.order)
    return (
        alt.Chart(pd.DataFrame(counted))
        .mark_bar(**shape.mark())
        .encode(
            **shape.encode(),
            x=alt.X("metrics:Q", title=_("metrics"), axis=count_axis(most)),
            color=alt.Color("status:N", **colours([c["status"] for c in counted], _status_colours())),
            order=alt.Order("order:Q"),
        )
        .properties(width=width(), height=shape.height,
                    title=title(_("Metrics by status %(when)s", when=caption(result))))
    )


def _period_key(label: str) -> tuple:
    from playbook.parts.kpis.files import period_key

    try:
        return (0, *period_key(label))
    except ValueError:
        return (1, label)


PANEL_TITLE = FONT_SIZE  # font sizes of a panel's title (the metric) and subtitle
PANEL_SUBTITLE = FONT_SIZE
Y_AXIS = 58  # px a panel's value axis takes on its left


def _panel_titles(r: dict, room: int) -> tuple[list[str], list[str]]:
    """A panel's title (the metric's name) and subtitle, each wrapped to the panel's width."""
    better = _("lower is better") if r["direction"] == "lower" else _("higher is better")
    unit = word(UNIT_NAMES, r["unit"]) if r["unit"] in UNIT_NAMES else r["unit"]
    return (lines(r["name"], room, PANEL_TITLE),
            lines(_("%(unit)s, %(better)s; owner %(owner)s", unit=unit, better=better, owner=owner(r["owner"])), room,
                  PANEL_SUBTITLE, bold=False))


def _y_axis(alt, r: dict, points: list[dict]):
    values = [v for p in points for v in (p["goal"], p["actual"]) if v is not None]
    if r["unit"] == "currency":
        return money_axis(min(values, default=0), max(values, default=1), 4, title=None)
    return alt.Axis(format=Y_FORMAT[r["unit"]], title=None, tickCount=4), alt.Undefined


def _metric_panel(alt, pd, r: dict, points: list[dict], room: int, colour: dict[str, Any], name_lines: int = 1,
                  sub_lines: int = 1):
    """One metric's panel; its title and subtitle take ``name_lines`` and ``sub_lines`` lines (those of the
    longest in its row, so the plots of a row line up)."""
    df = pd.DataFrame({
        "period": periods_short([p["period"] for p in points]),
        "goal": [p["goal"] for p in points],
        "actual": [p["actual"] for p in points],
        "status": [label(p["status"]) for p in points],
    })
    order = list(df["period"])
    x = alt.X("period:O", sort=order, title=None, axis=alt.Axis(labelAngle=0, labelOverlap=True))
    axis, scale = _y_axis(alt, r, points)
    actual = alt.Chart(df).mark_bar().encode(
        x=x, y=alt.Y("actual:Q", axis=axis, scale=scale),
        color=alt.Color("status:N", **colour))
    goal = alt.Chart(df).mark_line(color=PALETTE["neutral"], strokeDash=[4, 3], point=False).encode(
        x=x, y=alt.Y("goal:Q", axis=axis, scale=scale))
    name, sub = _panel_titles(r, room + Y_AXIS)
    pad = "\u00a0"  # a blank line Vega keeps (it drops empty ones)
    heading = alt.TitleParams(name + [pad] * (name_lines - len(name)), subtitle=sub + [pad] * (sub_lines - len(sub)),
                              fontSize=PANEL_TITLE, subtitleFontSize=PANEL_SUBTITLE, lineHeight=PANEL_TITLE + 3,
                              subtitleLineHeight=PANEL_SUBTITLE + 3)
    return alt.layer(actual, goal).properties(width=room, height=90, title=heading)


def goal_vs_actual(result: dict[str, Any] | None, metrics: list[str] | None = None, max_metrics: int = 12,
                   max_periods: int = 24, columns: int | None = None):
    """Actual (bars, status colours) against goal (dashed line) per period, one small panel per metric.

    By default the managed metrics in scorecard order (all metrics when none is managed),
    at most ``max_metrics`` of them, each over its latest ``max_periods`` periods; two panels a row on paper,
    one on a phone.
    """
    alt = base()
    import pandas as pd

    rows = [] if result is None else result["to_date"]
    if metrics is not None:
        chosen = [r for r in rows if r["metric"] in metrics]
    else:
        chosen = [r for r in rows if r["designation"] == "managed"] or rows
    by_metric: dict[str, list[dict]] = {}
    for p in [] if result is None else result["periods"]:
        by_metric.setdefault(p["metric"], []).append(p)
    chosen = [r for r in chosen if by_metric.get(r["metric"])]
    if not chosen:
        return empty(_("No goals set yet."))
    columns = columns or (1 if width() < 400 else 2)
    room = (width() - (columns - 1) * 20) // columns - Y_AXIS
    shown = chosen[:max_metrics]
    titles = [_panel_titles(r, room + Y_AXIS) for r in shown]
    drawn = [label(p["status"]) for r in shown for p in by_metric[r["metric"]][-max_periods:] if p["actual"]]
    colour = colours(drawn, _status_colours())
    panels = []
    for i, r in enumerate(shown):
        row = titles[i - i % columns:i - i % columns + columns]
        panels.append(_metric_panel(alt, pd, r, by_metric[r["metric"]][-max_periods:], room, colour,
                                    max(len(n) for n, _s in row), max(len(s) for _n, s in row)))
    chart = alt.concat(*panels, columns=columns, spacing=20).resolve_scale(color="shared")
    left = len(chosen) - len(panels)
    longest = max(len(by_metric[r["metric"]]) for r in chosen)
    notes = []
    if left > 0:
        notes.append(ngettext("%(n)s more metric not shown", "%(n)s more metrics not shown", left))
    if longest > max_periods:
        notes.append(_("latest %(n)s periods", n=max_periods))
    periods = sorted({p["period"] for r in shown for p in by_metric[r["metric"]][-max_periods:]}, key=_period_key)
    span = (_("%(first)s to %(last)s", first=period(periods[0]), last=period(periods[-1])) if len(periods) > 1
            else period(periods[0]))
    heading = _("Goal (dashed) against actual, period by period, %(span)s", span=span)
    return chart.properties(title=title(heading, subtitle="; ".join(notes) or None))


def scorecard(result: dict[str, Any] | None):
    """To-date scorecard as a DataFrame: managed before monitored, leading before lagging (numbers unformatted)."""
    import pandas as pd

    cols = ["metric", "name", "owner", "designation", "indicator", "unit", "direction", "aggregation", "goal",
            "actual", "attainment", "status", "periods_with_actual", "periods", "through"]
    rows = [] if result is None else result["to_date"]
    df = pd.DataFrame(rows, columns=cols)
    rank = (df["designation"] != "managed").astype(int) * 2 + (df["indicator"] != "leading").astype(int)
    return df.assign(_rank=rank).sort_values("_rank", kind="stable").drop(columns="_rank").reset_index(drop=True)


def scorecard_table(result: dict[str, Any] | None):
    """The scorecard formatted for people (text cells), as the report and the notebook show it: a goal where lower
    is better reads "≤ 24.0 hours"; leading and lagging show in the attainment chart's groups."""
    import pandas as pd

    df = scorecard(result)

    def goal(value: float | None, unit: str, direction: str) -> str:
        shown = fmt(value, unit)
        return _("≤ %(goal)s", goal=shown) if direction == "lower" and value is not None else shown

    out = pd.DataFrame({
        _("Metric"): df["name"],
        _("Owner"): df["owner"].map(owner),
        _("Managed or monitored"): df["designation"].map(lambda v: _(DESIGNATIONS[v]) if v in DESIGNATIONS else v),
        _("Goal"): [goal(g, u, d) for g, u, d in zip(df["goal"], df["unit"], df["direction"], strict=True)],
        _("Actual"): [fmt(a, u) for a, u in zip(df["actual"], df["unit"], strict=True)],
        _("Attainment"): [pct(a) for a in df["attainment"]],
        _("Status"): df["status"].map(label),
        _("Periods with an actual"): [_("%(k)s of %(n)s", k=k, n=n)
                                       for k, n in zip(df["periods_with_actual"], df["periods"], strict=True)],
    })
    # A hint for whoever renders the table as HTML: which column holds a status, and its colours.
    out.attrs["status_column"] = _("Status")
    out.attrs["status_colours"] = _status_colours()
    return out


def _as_of(results: dict[str, Any]) -> date | None:
    try:
        return date.fromisoformat(str(results.get("generated_at") or "")[:10])
    except ValueError:
        return None


def report_section(results: dict[str, Any]) -> dict[str, Any]:
    """The KPI section: findings, figures ``{name: (title, chart)}`` and tables ``{name: (title, DataFrame)}``."""
    result = results.get("kpis")
    if result is None:
        return {"findings": [_(NOT_ASSESSED)], "figures": {}, "tables": {}}
    lines_ = findings(result, _as_of(results))
    if not result["to_date"]:
        return {"findings": lines_, "figures": {}, "tables": {}}
    when = caption(result)
    figures = {
        "status_counts": (_("Metrics by status %(when)s", when=when), status_counts(result)),
        "attainment": (_("Shared KPIs %(when)s: attainment against goal", when=when), scorecard_chart(result)),
        "goal_vs_actual": (_("Goal against actual by period"), goal_vs_actual(result)),
    }
    return {"findings": lines_, "figures": figures,
            "tables": {"scorecard": (_("KPI scorecard %(when)s", when=when), scorecard_table(result))}}
