"""Shared KPIs in plain words (METHOD 3).

Everything here reads the ``kpis`` block of results.json (``model.score``), so the
notebook and the report show the same numbers, rounded only as they are written.
Managed metrics that are off track or on watch come first, with their owner;
monitored metrics are shown, not actioned.
"""

from __future__ import annotations

from typing import Any

from playbook.core.formats import money, number, share

LABELS = {"on_track": "on track", "watch": "watch", "off_track": "off track", "no_data": "no data"}
NOT_ASSESSED = ("Not assessed: the engagement has no kpis.csv, so no shared KPIs were graded "
                "(start from the starter library with 'playbook kpis export' or the KPI setup sheet).")
HEADS = {"off_track": "Off track", "watch": "On watch"}
OWNERS = {"marketing": "marketing", "sales": "sales", "shared": "sales and marketing jointly"}
UNIT_WORDS = {"days": "days", "hours": "hours"}


def fmt(value: float | None, unit: str) -> str:
    """A goal or actual for people, in the client's locale: percent values are fractions in results, shown as %."""
    if value is None:
        return "–"
    if unit == "percent":
        return share(value, digits=1)
    if unit == "ratio":
        return f"{number(value, 2)}×"
    if unit in UNIT_WORDS:
        return f"{number(value, 1)} {UNIT_WORDS[unit]}"
    if unit == "currency":
        return money(value, compact=True)
    return number(value, 0 if float(value).is_integer() else 1)


def pct(value: float | None) -> str:
    return share(value, digits=1)


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

