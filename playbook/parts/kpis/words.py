"""Shared KPIs in plain words, tables and the report section (METHOD 3).

Everything here reads the ``kpis`` block of results.json (``kpis.score``), so the
notebook and the report show the same numbers. Managed metrics that are off track
or on watch come first, with their owner; monitored metrics are shown, not actioned.
"""

from __future__ import annotations

from typing import Any

STATUSES = ("on_track", "watch", "off_track", "no_data")
LABELS = {"on_track": "on track", "watch": "watch", "off_track": "off track", "no_data": "no data"}
NOT_ASSESSED = ("Not assessed: the engagement has no kpis.csv, so no shared KPIs were graded "
                "(start from the starter library with 'playbook kpis export' or the KPI setup sheet).")
HEADS = {"off_track": "Off track", "watch": "On watch"}
OWNERS = {"marketing": "marketing", "sales": "sales", "shared": "sales and marketing jointly"}
UNIT_WORDS = {"days": "days", "hours": "hours"}


def fmt(value: float | None, unit: str) -> str:
    """A goal or actual for people: percent values are fractions in results and shown as %."""
    if value is None:
        return "–"
    if unit == "percent":
        return f"{value * 100:.1f}%"
    if unit == "ratio":
        return f"{value:.2f}×"
    if unit in UNIT_WORDS:
        return f"{value:,.1f} {UNIT_WORDS[unit]}"
    if unit == "currency":
        from playbook.core.formats import money

        return money(value)
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}" if unit == "currency" else f"{value:,.1f}"


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def _against(r: dict) -> str:
    unit = r["unit"]
    when = f"in {r['through']}" if r["aggregation"] == "last" else "to date"
    text = f"{fmt(r['actual'], unit)} against a goal of {fmt(r['goal'], unit)} {when}"
    if r["direction"] == "lower":
        text += ", lower is better"
    if r["attainment"] is not None:
        text += f"; {pct(r['attainment'])} of goal"
    return text


def findings(result: dict[str, Any] | None) -> list[str]:
    """The KPI findings in plain words: managed metrics off track or on watch first, with their owner."""
    if result is None:
        return [NOT_ASSESSED]
    rows = result["to_date"]
    if not rows:
        return ["kpis.csv defines no metrics yet; pick shared metrics from the starter library."]
    lines = []
    managed = [r for r in rows if r["designation"] == "managed"]
    for st in ("off_track", "watch"):
        for r in (r for r in managed if r["status"] == st):
            lines.append(f"{HEADS[st]}, managed, owner {OWNERS[r['owner']]}: {r['name']} at "
                         f"{_against(r)}.")
    c = result["counts"]
    lines.append(f"{len(rows)} shared metrics ({len(managed)} managed): {c['on_track']} on track, {c['watch']} on "
                 f"watch, {c['off_track']} off track, {c['no_data']} without an actual yet.")
    if managed and all(r["status"] == "on_track" for r in managed):
        lines.append("Every managed metric is on track to date.")
    flagged = [f"{r['name']} ({LABELS[r['status']]})" for r in rows
               if r["designation"] == "monitored" and r["status"] in ("off_track", "watch")]
    if flagged:
        lines.append(f"Monitored, shown but not actioned: {', '.join(flagged)}.")
    empty = [r["name"] for r in rows if r["status"] == "no_data"]
    if empty:
        names = ", ".join(empty[:8]) + (f" and {len(empty) - 8} more" if len(empty) > 8 else "")
        lines.append(f"No actual yet for {names}.")
    lines.extend(_latest(result))
    return lines


def _latest(result: dict[str, Any]) -> list[str]:
    """A note when metrics still miss the actual of their latest period."""
    last: dict[str, dict] = {}
    for p in result["periods"]:  # chronological within each metric
        last[p["metric"]] = p
    missing = [p for p in last.values() if p["actual"] is None]
    if not missing:
        return []
    when = sorted({p["period"] for p in missing})
    return [f"{len(missing)} of {len(last)} metrics have no actual yet for their latest period "
            f"({', '.join(when[:4])}{', ...' if len(when) > 4 else ''}); to-date figures use only periods with an actual."]


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
    out.attrs["status_colours"] = {LABELS[s]: colour for s, colour in _colours().items()}
    return out


def _colours() -> dict[str, str]:
    from playbook.parts.charts import PALETTE

    return {s: PALETTE[s] for s in STATUSES}


def styled_scorecard(result: dict[str, Any] | None):
    """The formatted scorecard with the status cells in the status colours (a pandas Styler, escaped)."""
    colours = {LABELS[s]: c for s, c in _colours().items()}

    def paint(cell: str) -> str:
        colour = colours.get(cell)
        return f"background-color: {colour}; color: white; font-weight: bold" if colour else ""

    table = scorecard_table(result)
    return table.style.map(paint, subset=["Status"]).hide(axis="index").format(escape="html")


def report_section(results: dict[str, Any]) -> dict[str, list]:
    """The report's KPI section: findings, figures ``(title, chart)`` and tables ``(title, DataFrame)``."""
    result = results.get("kpis")
    if result is None:
        return {"findings": [NOT_ASSESSED], "figures": [], "tables": []}
    lines = findings(result)
    if not result["to_date"]:
        return {"findings": lines, "figures": [], "tables": []}
    from playbook.parts.kpis import views as charts

    figures = [
        ("Metrics by status, to date", charts.status_counts(result)),
        ("Shared KPIs to date: attainment against goal", charts.scorecard_chart(result)),
        ("Goal against actual by period", charts.goal_vs_actual(result)),
    ]
    return {"findings": lines, "figures": figures, "tables": [("KPI scorecard, to date", scorecard_table(result))]}
