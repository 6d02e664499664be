"""Charts, the scorecard table and the report section of the shared KPIs (METHOD 3).

Everything here reads the ``kpis`` block of results.json. Sized for the report at
scale: the scorecard has one bar per metric; the goal-against-actual small multiples
show the managed metrics (at most ``max_metrics``) over their latest ``max_periods``
periods, so 60 metrics by 60 months stays a few hundred marks and a small SVG.
"""

from __future__ import annotations

from typing import Any

from playbook.core.formats import money_axis_label, share
from playbook.parts.charts import PALETTE, base, count_axis, empty, legend
from playbook.parts.charts import lines as wrapped
from playbook.parts.kpis.model import STATUSES
from playbook.parts.kpis.words import LABELS, NOT_ASSESSED, findings, fmt, pct

SHOWN_MAX = 1.5  # attainment bars are cut at 150% so one outlier does not squash the rest
Y_FORMAT = {"percent": ".0%", "count": "~s", "ratio": ".1f", "days": "~r", "hours": "~r"}


def _status_scale(alt):
    return alt.Scale(domain=[LABELS[s] for s in STATUSES], range=[PALETTE[s] for s in STATUSES])


def _labels(rows: list[dict]) -> list[str]:
    """One unique y label per metric: its name, with the id added when two names repeat."""
    names = [r["name"] for r in rows]
    return [f"{r['name']} [{r['metric']}]" if names.count(r["name"]) > 1 else r["name"] for r in rows]


def _note(r: dict) -> str:
    if r["status"] == "no_data":
        return "no data"
    if r["attainment"] is None:
        return "goal met (zero base)" if r["status"] == "on_track" else "goal missed (zero base)"
    return share(r["attainment"])


def scorecard_chart(result: dict[str, Any] | None):
    """To-date attainment per metric as bars in the status colours, managed metrics on top."""
    alt = base()
    import pandas as pd

    rows = [] if result is None else result["to_date"]
    if not rows:
        return empty("No shared KPIs defined.")
    df = pd.DataFrame({
        "metric": _labels(rows),
        "group": [f"{r['designation']} · {r['indicator']}" for r in rows],
        "shown": [min(r["attainment"], SHOWN_MAX) if r["attainment"] is not None
                  else (1.0 if r["status"] == "on_track" else 0.0) for r in rows],
        "status": [LABELS[r["status"]] for r in rows],
        "note": [_note(r) for r in rows],
        "owner": [r["owner"] for r in rows],
    })
    groups = list(dict.fromkeys(df["group"]))
    x = alt.X("shown:Q", title="attainment to date (goal = 100%)", scale=alt.Scale(domain=[0, SHOWN_MAX], nice=False),
              axis=alt.Axis(format="%"))
    y = alt.Y("metric:N", sort=list(df["metric"]), title=None)  # names up to the theme's labelLimit, whole
    bars = alt.Chart().mark_bar(height={"band": 0.7}).encode(
        x=x, y=y, color=alt.Color("status:N", scale=_status_scale(alt), title="status",
                                  legend=legend([LABELS[s] for s in STATUSES], 360)))
    text = alt.Chart().mark_text(align="left", dx=4, fontSize=10).encode(x=x, y=y, text="note:N")
    goal = alt.Chart().mark_rule(color=PALETTE["neutral"]).encode(x=alt.datum(1.0))
    watch = alt.Chart().mark_rule(color=PALETTE["watch"], strokeDash=[4, 3]).encode(
        x=alt.datum(float(result["watch_threshold"])))
    return (
        alt.layer(bars, goal, watch, text, data=df)
        .properties(width=360, height=alt.Step(18))
        .facet(row=alt.Row("group:N", sort=groups, title=None, header=alt.Header(labelAngle=0, labelAlign="left",
                                                                                   labelFontWeight="bold")))
        .resolve_scale(y="independent")
    )


def status_counts(result: dict[str, Any] | None):
    """How many metrics are on track, on watch, off track or without data, managed and monitored."""
    alt = base()
    import pandas as pd

    rows = [] if result is None else result["to_date"]
    if not rows:
        return empty("No shared KPIs defined.")
    counted = pd.DataFrame([
        {"designation": d, "status": LABELS[s], "order": i,
         "metrics": sum(r["designation"] == d and r["status"] == s for r in rows)}
        for d in ("managed", "monitored") for i, s in enumerate(STATUSES)
    ])
    counted = counted[counted["metrics"] > 0]
    return (
        alt.Chart(counted)
        .mark_bar()
        .encode(
            x=alt.X("metrics:Q", title="metrics", axis=count_axis(counted.groupby("designation")["metrics"].sum().max())),
            y=alt.Y("designation:N", sort=["managed", "monitored"], title=None),
            color=alt.Color("status:N", scale=_status_scale(alt), title="status",
                            legend=legend([LABELS[s] for s in STATUSES], 360)),
            order=alt.Order("order:Q"),
        )
        .properties(width=360, height=alt.Step(26))
    )


PANEL_WIDTH = 200
PANEL_TITLE = 11  # font sizes of a panel's title (the metric) and subtitle
PANEL_SUBTITLE = 9


def _panel_titles(r: dict, width: int) -> tuple[list[str], list[str]]:
    """A panel's title (the metric's name) and subtitle, each wrapped to the panel's width."""
    better = "lower is better" if r["direction"] == "lower" else "higher is better"
    return (wrapped(r["name"], width, PANEL_TITLE),
            wrapped(f"{r['unit']}, {better}; owner {r['owner']}", width, PANEL_SUBTITLE, bold=False))


def _metric_panel(alt, pd, r: dict, points: list[dict], width: int, name_lines: int = 1, sub_lines: int = 1):
    """One metric's panel; its title and subtitle take ``name_lines`` and ``sub_lines`` lines (those of the
    longest in its row, so the plots of a row line up)."""
    df = pd.DataFrame({
        "period": [p["period"] for p in points],
        "goal": [p["goal"] for p in points],
        "actual": [p["actual"] for p in points],
        "status": [LABELS[p["status"]] for p in points],
    })
    order = list(df["period"])
    x = alt.X("period:O", sort=order, title=None,
              axis=alt.Axis(labelAngle=-90, labelOverlap=True, labelFontSize=9))
    y_axis = (alt.Axis(labelExpr=money_axis_label(), title=None, tickCount=4) if r["unit"] == "currency"
              else alt.Axis(format=Y_FORMAT[r["unit"]], title=None, tickCount=4))
    actual = alt.Chart(df).mark_bar().encode(
        x=x, y=alt.Y("actual:Q", axis=y_axis),
        color=alt.Color("status:N", scale=_status_scale(alt), title="status",
                        legend=legend([LABELS[s] for s in STATUSES], 3 * width)))
    goal = alt.Chart(df).mark_line(color=PALETTE["neutral"], strokeDash=[4, 3], point=False).encode(
        x=x, y=alt.Y("goal:Q", axis=y_axis))
    name, sub = _panel_titles(r, width)
    pad = "\u00a0"  # a blank line Vega keeps (it drops empty ones)
    title = alt.TitleParams(name + [pad] * (name_lines - len(name)), subtitle=sub + [pad] * (sub_lines - len(sub)),
                            fontSize=PANEL_TITLE, subtitleFontSize=PANEL_SUBTITLE, lineHeight=PANEL_TITLE + 3,
                            subtitleLineHeight=PANEL_SUBTITLE + 3)
    return alt.layer(actual, goal).properties(width=width, height=110, title=title)


def goal_vs_actual(result: dict[str, Any] | None, metrics: list[str] | None = None, max_metrics: int = 12,
                   max_periods: int = 24, columns: int = 3):
    """Actual (bars, status colours) against goal (dashed line) per period, one small panel per metric.

    By default the managed metrics in scorecard order (all metrics when none is managed),
    at most ``max_metrics`` of them, each over its latest ``max_periods`` periods.
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
        return empty("No goals set yet.")
    shown = chosen[:max_metrics]
    titles = [_panel_titles(r, PANEL_WIDTH) for r in shown]
    panels = []
    for i, r in enumerate(shown):
        row = titles[i - i % columns:i - i % columns + columns]
        panels.append(_metric_panel(alt, pd, r, by_metric[r["metric"]][-max_periods:], PANEL_WIDTH,
                                    max(len(n) for n, _ in row), max(len(s) for _, s in row)))
    chart = alt.concat(*panels, columns=columns).resolve_scale(color="shared")
    left = len(chosen) - len(panels)
    longest = max(len(by_metric[r["metric"]]) for r in chosen)
    notes = []
    if left > 0:
        notes.append(f"{left} more metrics not shown")
    if longest > max_periods:
        notes.append(f"latest {max_periods} periods")
    if notes:
        chart = chart.properties(title=alt.TitleParams("; ".join(notes), fontSize=10, color=PALETTE["all"]))
    return chart


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
    """The scorecard formatted for people (text cells), as the report and the notebook show it."""
    import pandas as pd

    df = scorecard(result)
    out = pd.DataFrame({
        "Metric": df["name"],
        "Owner": df["owner"],
        "Designation": df["designation"],
        "Indicator": df["indicator"],
        "Better": df["direction"].map({"higher": "higher", "lower": "lower"}),
        "Goal": [fmt(g, u) for g, u in zip(df["goal"], df["unit"], strict=True)],
        "Actual": [fmt(a, u) for a, u in zip(df["actual"], df["unit"], strict=True)],
        "Attainment": [pct(a) for a in df["attainment"]],
        "Status": df["status"].map(LABELS),
        "Periods with actual": [f"{k} of {n}" for k, n in zip(df["periods_with_actual"], df["periods"], strict=True)],
    })
    # A hint for whoever renders the table as HTML: which column holds a status, and its colours.
    out.attrs["status_column"] = "Status"
    out.attrs["status_colours"] = _status_colours()
    return out


def _status_colours() -> dict[str, str]:
    """Status label -> its colour."""
    return {LABELS[s]: PALETTE[s] for s in STATUSES}


def report_section(results: dict[str, Any]) -> dict[str, Any]:
    """The KPI section: findings, figures ``{name: (title, chart)}`` and tables ``{name: (title, DataFrame)}``."""
    result = results.get("kpis")
    if result is None:
        return {"findings": [NOT_ASSESSED], "figures": {}, "tables": {}}
    lines = findings(result)
    if not result["to_date"]:
        return {"findings": lines, "figures": {}, "tables": {}}
    figures = {
        "status_counts": ("Metrics by status, to date", status_counts(result)),
        "attainment": ("Shared KPIs to date: attainment against goal", scorecard_chart(result)),
        "goal_vs_actual": ("Goal against actual by period", goal_vs_actual(result)),
    }
    return {"findings": lines, "figures": figures, "tables": {"scorecard": ("KPI scorecard, to date",
                                                                            scorecard_table(result))}}
