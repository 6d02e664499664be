"""KPI findings, scorecard tables, charts and the report section."""

from __future__ import annotations

from datetime import date

import pytest

from playbook.core.engagement import load, sample_path
from playbook.parts.charts import to_svg
from playbook.parts.kpis import model as kpis
from playbook.parts.kpis import views as charts
from playbook.parts.kpis import words
from playbook.parts.kpis.files import KpiData, Metric, Value


@pytest.fixture(scope="module")
def sample() -> dict:
    return kpis.evaluate(load(sample_path()))


def big(n_metrics: int = 60, n_periods: int = 60) -> dict:
    metrics, values = {}, []
    months = [f"{2022 + i // 12}-{i % 12 + 1:02d}" for i in range(n_periods)]
    for k in range(n_metrics):
        mid = f"m{k:02d}"
        metrics[mid] = Metric(mid, f"Metric {k}", ["count", "percent", "hours"][k % 3], ["higher", "lower"][k % 2],
                              "shared", ["managed", "monitored"][k % 2], ["leading", "lagging"][k % 3 == 0])
        values += [Value(mid, p, 100.0, None if i > n_periods - 3 else 80.0 + (k + i) % 30) for i, p in
                   enumerate(months)]
    return kpis.score(KpiData(metrics, values), 0.9)


def test_findings_list_managed_off_track_then_watch_with_owner_first(sample):
    lines = words.findings(sample)
    managed = [r for r in sample["to_date"] if r["designation"] == "managed"]
    off = [r for r in managed if r["status"] == "off_track"]
    watch = [r for r in managed if r["status"] == "watch"]
    head = lines[: len(off) + len(watch)]
    assert [line.split(":")[0] for line in head] == (
        [f"Off track (managed, owner {r['owner'] if r['owner'] != 'shared' else 'sales and marketing jointly'})"
         for r in off]
        + [f"On watch (managed, owner {r['owner'] if r['owner'] != 'shared' else 'sales and marketing jointly'})"
           for r in watch])
    assert all(r["name"] in line for r, line in zip(off + watch, head, strict=True))
    # the sample's lead follow-up time, where lower is better: worded as such, never as a share of its goal
    assert lines[0] == ("Off track (managed, owner sales): Lead follow-up time (hours to first sales touch) at "
                        "35.4 hours to date against a goal of at most 24.0 hours, 11.4 hours over (lower is better).")
    assert "Marketing-sourced pipeline at $2.4M to date against a goal of $3M, 80% of goal." in lines[1]
    assert any(line.startswith("Monitored, shown but not actioned") for line in lines)
    assert any("have no actual for their latest period, which has ended" in line for line in lines)


def test_a_period_still_under_way_is_not_reported_as_missing(sample):
    """In a Q4 report made on 3 December, December and Q4 have no actual yet: that is expected, not news."""
    lines = words.findings(sample, date(2026, 12, 3))
    assert not any("no actual" in line for line in lines)
    assert ("Dec 2026 and Q4 2026 are still under way, so the figures to date stop at each metric's latest period "
            "with an actual.") in lines
    ended = words.findings(sample, date(2027, 2, 1))
    assert any(line.startswith("12 metrics have no actual for their latest period, which has ended: ")
               for line in ended)


def test_findings_when_everything_managed_is_on_track():
    m = Metric("x", "X", "count", "higher", "sales", "managed", "leading")
    result = kpis.score(KpiData({"x": m}, [Value("x", "2026-07", 10, 12)]), 0.9)
    lines = words.findings(result)
    assert "Every managed metric with an actual is on track to date." in lines
    assert not any(line.startswith(("Off track", "On watch")) for line in lines)


def test_findings_with_no_metrics_defined():
    assert "No shared metric is defined yet" in words.findings(kpis.score(KpiData(), 0.9))[0]


def test_scorecard_table_formats_for_people(sample):
    table = charts.scorecard_table(sample)
    row = table[table["Metric"] == "Share of marketing leads with sales feedback"].iloc[0]
    assert (row["Goal"], row["Actual"], row["Attainment"], row["Status"]) == ("70.0%", "64.2%", "92%", "watch")
    hours = table.iloc[0]
    assert hours["Goal"] == "≤ 24.0 hours" and hours["Owner"] == "sales"  # lower is better: at most the goal
    assert hours["Managed or monitored"] == "managed"
    assert list(table.columns)[:3] == ["Metric", "Owner", "Managed or monitored"]


def test_report_section_without_kpis():
    section = charts.report_section({"engagement": "x", "kpis": None})
    assert section["figures"] == {} and section["tables"] == {}
    assert len(section["findings"]) == 1 and section["findings"][0].startswith("Not assessed: ")


def test_report_section_with_the_sample(sample):
    section = charts.report_section({"kpis": sample})
    assert section["findings"] == words.findings(sample)
    assert list(section["figures"]) == ["status_counts", "attainment", "goal_vs_actual"]
    for title, chart in section["figures"].values():
        svg = to_svg(chart)
        assert title and svg.startswith("<svg") and "<script" not in svg
    assert list(section["tables"]) == ["scorecard"]
    title, table = section["tables"]["scorecard"]
    assert len(table) == len(sample["to_date"])


def test_charts_render_for_empty_and_none():
    for chart in (charts.scorecard_chart(None), charts.status_counts(None), charts.goal_vs_actual(None),
                  charts.goal_vs_actual(kpis.score(KpiData(), 0.9))):
        assert to_svg(chart).startswith("<svg")


def test_scorecard_chart_colours_by_status(sample):
    spec = charts.scorecard_chart(sample).to_dict()
    scale = spec["spec"]["layer"][0]["encoding"]["color"]["scale"]
    assert scale["domain"] == ["on track", "watch", "off track"]  # only the statuses drawn: no "no data" swatch
    assert scale["range"] == ["#2e8b57", "#e0a526", "#c8443a"]


def test_goal_vs_actual_stays_small_at_scale():
    result = big()
    chart = charts.goal_vs_actual(result)
    spec = chart.to_dict()
    assert len(spec["concat"]) == 12  # managed metrics only, at most 12 panels
    note = " ".join(spec["title"]["subtitle"])
    assert "18 more metrics not shown" in note and "latest 24 periods" in note
    svg = to_svg(chart)
    assert len(svg) < 1_000_000
    only = charts.goal_vs_actual(result, metrics=["m01"], max_periods=60).to_dict()
    assert len(only["concat"]) == 1


def test_scorecard_chart_handles_sixty_metrics_and_duplicate_names():
    result = big(60, 6)
    result["to_date"][1]["name"] = result["to_date"][0]["name"]
    svg = to_svg(charts.scorecard_chart(result))
    assert svg.count("<svg") == 1 and len(svg) < 1_000_000
    labels = charts._names(result["to_date"])
    assert len(set(labels)) == 60
