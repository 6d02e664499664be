"""Shared KPIs: goals against actuals, managed or monitored (METHOD 3).

Seed 002: grade sales and marketing on some of the same metrics, leading
indicators both can affect, with goals set against actual performance and each
metric designated managed (the team acts on it) or monitored (shown, not actioned).

Files (parsed and written by ``files``): ``kpis.csv`` defines the metrics,
``kpi_values.csv`` holds a goal and an actual per metric and period.

Scoring, per metric and period, and to date:

- attainment = actual / goal (higher is better) or goal / actual (lower is better);
  when that denominator is 0 attainment is undefined (None) and the status comes from
  comparing actual with goal directly (at or better than the goal is on track);
- status: ``on_track`` at attainment >= 1, ``watch`` at >= ``settings.kpi_watch``,
  ``off_track`` below, ``no_data`` without an actual. Comparisons allow 1e-9 of
  floating-point error, so 0.045 against 0.05 is exactly the 0.9 threshold;
- to date: goal and actual aggregated over the periods that have an actual, with the
  metric's aggregation (sum, mean, or last = the latest such period), then the same rules.

Periods sort chronologically; a quarter sorts right after its last month.
In results, percent values become fractions (60 in the file is 0.6), like every
share in results.json; numbers keep full precision (``words`` and ``views`` round
them as they write them for people).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from playbook.core.engagement import Engagement, sample_path
from playbook.core.errors import UserError
from playbook.core.files import read_text
from playbook.parts.kpis.files import (
    DEF_COLUMNS,
    DEF_OPTIONAL,
    DEFINITIONS,
    VALUE_COLUMNS,
    VALUES,
    KpiData,
    Metric,
    Value,
    csv_rows,
    parse_definitions,
    parse_values,
    period_key,
    write,
)

STATUSES = ("on_track", "watch", "off_track", "no_data")
LIBRARY = "kpi-library.csv"
EPS = 1e-9  # tolerance for floating-point error at the thresholds


def read(eng: Engagement) -> KpiData | None:
    """The engagement's validated KPI definitions and values; None when it has no ``kpis.csv``."""
    defs, vals = eng.file(DEFINITIONS), eng.file(VALUES)
    if defs is None:
        if vals is not None:
            raise UserError(f"{VALUES}: the engagement has KPI values but no {DEFINITIONS}; define the metrics in "
                            f"{DEFINITIONS} (columns {', '.join(DEF_COLUMNS)}) or remove {VALUES}.")
        return None
    metrics = parse_definitions(csv_rows(read_text(defs), DEFINITIONS, DEF_COLUMNS, DEF_OPTIONAL))
    values = parse_values(csv_rows(read_text(vals), VALUES, VALUE_COLUMNS), metrics) if vals else []
    return KpiData(metrics, values)


def library() -> dict[str, Metric]:
    """The starter library of shared metrics shipped in ``templates/kpi-library.csv``."""
    from playbook.core.resources import templates_dir

    path = templates_dir() / LIBRARY
    return parse_definitions(csv_rows(read_text(path), LIBRARY, DEF_COLUMNS, DEF_OPTIONAL), LIBRARY)


def save(eng: Engagement, data: KpiData, which: tuple[str, ...] = (DEFINITIONS, VALUES)) -> None:
    """Validate with the file rules, then write the files (both by default) atomically; never into the sample."""
    if eng.path.resolve() == sample_path().resolve():
        raise UserError(f"{eng.path}: the shipped sample engagement is read-only; create your own engagement with "
                        "'playbook new' and set up its KPIs there.")
    write(eng.path, data, which)


def attainment(goal: float | None, actual: float | None, direction: str) -> float | None:
    """actual / goal (higher is better) or goal / actual (lower); None without an actual or for a zero denominator."""
    if goal is None or actual is None:
        return None
    top, bottom = (actual, goal) if direction == "higher" else (goal, actual)
    return None if bottom == 0 else top / bottom


def status(goal: float | None, actual: float | None, direction: str, watch: float) -> str:
    if goal is None or actual is None:
        return "no_data"
    ratio = attainment(goal, actual, direction)
    if ratio is None:  # zero denominator: compare directly
        at_or_better = actual >= goal if direction == "higher" else actual <= goal
        return "on_track" if at_or_better else "off_track"
    if ratio >= 1.0 - EPS:
        return "on_track"
    if ratio >= watch - EPS:
        return "watch"
    return "off_track"


def aggregate(values: list[Value], how: str) -> tuple[float | None, float | None]:
    """To-date (goal, actual) over the periods that have an actual; (None, None) when none has."""
    given = sorted((v for v in values if v.actual is not None), key=lambda v: period_key(v.period))
    if not given:
        return None, None
    if how == "last":
        return given[-1].goal, given[-1].actual
    goal = math.fsum(v.goal for v in given)
    actual = math.fsum(v.actual for v in given if v.actual is not None)
    if how == "mean":
        return goal / len(given), actual / len(given)
    return goal, actual


def _in_results(x: float | None, unit: str) -> float | None:
    """A goal or actual as results.json keeps it: percent values as fractions (60 -> 0.6), at full precision."""
    if x is None:
        return None
    return x / 100 if unit == "percent" else x


def order(metrics: dict[str, Metric]) -> list[Metric]:
    """Managed before monitored, leading before lagging, then as defined."""
    ranked = enumerate(metrics.values())
    return [m for _, m in sorted(ranked, key=lambda p: (p[1].designation != "managed", p[1].indicator != "leading",
                                                        p[0]))]


def _counts(rows: list[dict]) -> dict[str, int]:
    c = Counter(r["status"] for r in rows)
    return {s: c.get(s, 0) for s in STATUSES}


def score(data: KpiData, watch: float) -> dict[str, Any]:
    """The ``kpis`` block of results.json for validated data and the watch threshold."""
    by_metric: dict[str, list[Value]] = {m: [] for m in data.metrics}
    for v in data.values:
        by_metric[v.metric].append(v)
    periods: list[dict] = []
    to_date: list[dict] = []
    for m in order(data.metrics):
        values = sorted(by_metric[m.metric], key=lambda v: period_key(v.period))
        for v in values:
            periods.append({
                "metric": m.metric, "period": v.period, "goal": _in_results(v.goal, m.unit),
                "actual": _in_results(v.actual, m.unit), "attainment": attainment(v.goal, v.actual, m.direction),
                "status": status(v.goal, v.actual, m.direction, watch),
            })
        goal, actual = aggregate(values, m.how)
        with_actual = [v.period for v in values if v.actual is not None]
        to_date.append({
            "metric": m.metric, "name": m.name, "unit": m.unit, "direction": m.direction, "owner": m.owner,
            "designation": m.designation, "indicator": m.indicator, "aggregation": m.how,
            "goal": _in_results(goal, m.unit), "actual": _in_results(actual, m.unit),
            "attainment": attainment(goal, actual, m.direction),
            "status": status(goal, actual, m.direction, watch),
            "periods": len(values), "periods_with_actual": len(with_actual),
            "through": with_actual[-1] if with_actual else None,
        })
    covered = sorted({v.period for v in data.values}, key=period_key)
    managed = [r for r in to_date if r["designation"] == "managed"]
    return {
        "watch_threshold": watch,
        "metric_count": len(to_date),
        "period_list": covered,
        "counts": _counts(to_date),
        "managed_counts": _counts(managed),
        "periods": periods,
        "to_date": to_date,
    }


def in_period(period: str, chosen: str) -> bool:
    """Whether a value of ``period`` belongs to ``chosen``: the same period, or a month of the chosen quarter."""
    if period == chosen:
        return True
    try:
        (year, month, is_quarter), (cy, cm, c_quarter) = period_key(period), period_key(chosen)
    except ValueError:
        return False
    return bool(c_quarter) and not is_quarter and year == cy and cm - 2 <= month <= cm


def owners(data: KpiData) -> list[str]:
    """The metrics' owners, in definition order, each once."""
    return list(dict.fromkeys(m.owner for m in data.metrics.values()))


def select(data: KpiData, period: str | None = None, owner: str | None = None) -> KpiData:
    """The metrics of ``owner`` (None: every owner) with their values of ``period`` only (None: every period;
    a quarter takes its months too), for the interactive report's filters. Metrics are kept without values
    (no data) so the scorecard still lists them."""
    metrics = {k: m for k, m in data.metrics.items() if owner is None or m.owner == owner}
    values = [v for v in data.values if v.metric in metrics and (period is None or in_period(v.period, period))]
    return KpiData(metrics, values)


def evaluate_snapshot(snap, wave: str | None = None) -> dict[str, Any]:
    """The ``kpis`` block of results.json from a run's snapshot; None when the engagement has no ``kpis.csv``.

    KPI goals and actuals carry their own periods, so the wave does not change them.
    """
    data = snap.data.get("kpis")
    return {"kpis": None if data is None else score(data, float(snap.engagement.settings["kpi_watch"]))}


def evaluate(eng: Engagement) -> dict[str, Any] | None:
    """``kpis`` of results.json (METHOD 6) read from the engagement's files, or None without ``kpis.csv``."""
    data = read(eng)
    return None if data is None else score(data, float(eng.settings["kpi_watch"]))
