"""KPI goal-vs-actual (METHOD 3): files, scoring at each boundary, findings, tables, the snapshot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from playbook.core.engagement import load, sample_path
from playbook.core.errors import UserError
from playbook.parts.kpis import model as kpis
from playbook.parts.kpis import views, words
from playbook.parts.kpis.files import KpiData, Metric, Value, period_key

HEADER = "metric,name,unit,direction,owner,designation,indicator,aggregation\n"
DEFS = HEADER + (
    "follow-up,Lead follow-up time,hours,lower,sales,managed,leading,\n"
    "feedback,Leads with feedback,percent,higher,sales,managed,leading,\n"
    "pipeline,Marketing-sourced pipeline,currency,higher,marketing,managed,leading,\n"
    "coverage,Pipeline coverage,ratio,higher,shared,managed,leading,last\n"
    "win-rate,Win rate,percent,higher,sales,monitored,lagging,\n"
    "bookings,Bookings against quota,currency,higher,sales,managed,lagging,\n"
)
VALUES = "metric,period,goal,actual\n"


def kpi_engagement(make_engagement, defs: str | None = DEFS, values: str | None = VALUES, **kw) -> Path:
    folder = make_engagement(**kw)
    if defs is not None:
        (folder / "kpis.csv").write_text(defs, encoding="utf-8")
    if values is not None:
        (folder / "kpi_values.csv").write_text(values, encoding="utf-8")
    return folder


def one(direction: str = "higher", unit: str = "count", aggregation: str = "") -> Metric:
    return Metric("m", "M", unit, direction, "shared", "managed", "leading", aggregation)


def scored(values: list[tuple[str, float, float | None]], watch: float = 0.9, **metric) -> dict:
    m = one(**metric)
    data = KpiData({"m": m}, [Value("m", p, g, a) for p, g, a in values])
    return kpis.score(data, watch)


# --- status and attainment at each boundary ---------------------------------------

@pytest.mark.parametrize("goal, actual, direction, expected, ratio", [
    (100, 100, "higher", "on_track", 1.0),       # exactly 1.0
    (100, 90, "higher", "watch", 0.9),           # exactly the watch threshold
    (100, 89.99, "higher", "off_track", 0.8999),  # just below
    (0.05, 0.045, "higher", "watch", 0.9),       # 0.045 / 0.05 is 0.8999999999999999 in floats
    (0.045, 0.05, "lower", "watch", 0.9),
    (0.3, 0.1 + 0.2, "lower", "on_track", 1.0),   # 0.3 / 0.30000000000000004 is 0.9999999999999998
    (100, 99.999999, "higher", "watch", 0.99999999),  # below goal, and results say so (no rounding)
    (24, 24, "lower", "on_track", 1.0),
    (9, 10, "lower", "watch", 0.9),              # lower is better: goal / actual
    (24, 30, "lower", "off_track", 0.8),
    (24, 12, "lower", "on_track", 2.0),
    (0, 5, "higher", "on_track", None),          # goal 0: undefined, actual >= goal
    (0, 0, "higher", "on_track", None),
    (10, 0, "higher", "off_track", 0.0),         # actual 0 is a real value, not missing
    (10, 0, "lower", "on_track", None),          # lower, actual 0: undefined, 0 <= goal
    (0, 0, "lower", "on_track", None),
    (0, 3, "lower", "off_track", 0.0),
    (10, None, "higher", "no_data", None),
])
def test_status_boundaries(goal, actual, direction, expected, ratio):
    row = scored([("2026-07", goal, actual)], direction=direction)["periods"][0]
    assert row["status"] == expected
    assert row["attainment"] == (None if ratio is None else pytest.approx(ratio))


def test_direct_comparison_when_denominator_is_zero():
    assert kpis.attainment(0, 5, "higher") is None
    assert kpis.status(0, 5, "higher", 0.9) == "on_track"
    assert kpis.attainment(5, 0, "lower") is None
    assert kpis.status(5, 0, "lower", 0.9) == "on_track"
    assert kpis.status(-1, 0, "lower", 0.9) == "off_track"  # direct comparison: 0 is worse than -1


def test_watch_threshold_comes_from_settings(make_engagement):
    folder = kpi_engagement(make_engagement, values=VALUES + "pipeline,2026-07,100,85\n", settings={"kpi_watch": 0.8})
    row = kpis.evaluate(load(folder))["periods"][0]
    assert row["status"] == "watch" and row["attainment"] == pytest.approx(0.85)
    assert kpis.evaluate(load(folder))["watch_threshold"] == 0.8
    assert scored([("2026-07", 100, 85)], watch=0.9)["periods"][0]["status"] == "off_track"


# --- to date ---------------------------------------------------------------------

def test_to_date_sum_for_counts_skips_periods_without_actual():
    r = scored([("2026-07", 10, 8), ("2026-08", 10, 12), ("2026-09", 10, None)])["to_date"][0]
    assert (r["aggregation"], r["goal"], r["actual"], r["attainment"], r["status"]) == ("sum", 20, 20, 1.0, "on_track")
    assert (r["periods"], r["periods_with_actual"], r["through"]) == (3, 2, "2026-08")


def test_to_date_sum_absorbs_float_error():
    r = scored([("2026-07", 0.1, 0.3), ("2026-08", 0.2, 0.0)], unit="currency")["to_date"][0]
    assert r["status"] == "on_track" and r["attainment"] == pytest.approx(1.0)


def test_to_date_mean_is_default_for_percent_and_values_become_fractions():
    r = scored([("2026-07", 60, 50), ("2026-08", 80, 70), ("2026-09", 90, None)], unit="percent")["to_date"][0]
    assert r["aggregation"] == "mean"
    assert (r["goal"], r["actual"], r["attainment"]) == pytest.approx((0.7, 0.6, 6 / 7)) and r["status"] == "off_track"


@pytest.mark.parametrize("unit, default", [("count", "sum"), ("currency", "sum"), ("percent", "mean"),
                                           ("ratio", "mean"), ("days", "mean"), ("hours", "mean")])
def test_default_aggregation_per_unit(unit, default):
    assert one(unit=unit).how == default
    assert one(unit=unit, aggregation="last").how == "last"


def test_to_date_last_takes_the_latest_period_with_an_actual_not_the_last_row():
    rows = [("2026-09", 3, 3.3), ("2026-07", 3, 2.1), ("2026-08", 3, 2.4), ("2026-10", 3, None)]
    r = scored(rows, unit="ratio", aggregation="last")["to_date"][0]
    assert (r["goal"], r["actual"], r["through"], r["status"]) == (3, 3.3, "2026-09", "on_track")


def test_to_date_lower_is_better_mean():
    r = scored([("2026-07", 24, 40), ("2026-08", 24, 20)], unit="hours", direction="lower")["to_date"][0]
    assert (r["goal"], r["actual"], r["attainment"], r["status"]) == (24, 30, 0.8, "off_track")


def test_to_date_without_any_actual_is_no_data():
    r = scored([("2026-07", 10, None)])["to_date"][0]
    assert (r["goal"], r["actual"], r["attainment"], r["status"]) == (None, None, None, "no_data")


def test_periods_sort_chronologically_with_a_quarter_after_its_months():
    ps = ["2027-01", "2026-Q4", "2026-12", "2026-10", "2026-Q3", "2026-09"]
    assert sorted(ps, key=period_key) == ["2026-09", "2026-Q3", "2026-10", "2026-12", "2026-Q4", "2027-01"]


# --- engagement files ----------------------------------------------------------------

def test_no_kpis_file_means_not_assessed(make_engagement):
    folder = kpi_engagement(make_engagement, defs=None, values=None)
    assert kpis.read(load(folder)) is None and kpis.evaluate(load(folder)) is None
    assert words.findings(None)[0].startswith("Not assessed")


def test_values_without_definitions_is_an_error(make_engagement):
    folder = kpi_engagement(make_engagement, defs=None, values=VALUES + "x,2026-07,1,1\n")
    with pytest.raises(UserError, match=r"kpi_values\.csv: .*no kpis\.csv"):
        kpis.read(load(folder))


def test_definitions_without_values_are_all_no_data(make_engagement):
    result = kpis.evaluate(load(kpi_engagement(make_engagement, values=None)))
    assert result["periods"] == []
    assert result["counts"] == {"on_track": 0, "watch": 0, "off_track": 0, "no_data": 6}
    assert all(r["status"] == "no_data" for r in result["to_date"])


def test_order_is_managed_first_then_leading_before_lagging(make_engagement):
    result = kpis.evaluate(load(kpi_engagement(make_engagement)))
    assert [r["metric"] for r in result["to_date"]] == [
        "follow-up", "feedback", "pipeline", "coverage", "bookings", "win-rate"]
    table = views.scorecard(result)
    assert list(table["metric"]) == [r["metric"] for r in result["to_date"]]
    assert list(table["designation"]) == ["managed"] * 5 + ["monitored"]


def test_sample_results_are_json_safe_and_worth_discussing():
    result = kpis.evaluate(load(sample_path()))
    text = json.dumps(result, allow_nan=False)
    assert "NaN" not in text
    managed = {r["metric"]: r["status"] for r in result["to_date"] if r["designation"] == "managed"}
    assert "off_track" in managed.values() and "watch" in managed.values()
    for row in result["periods"] + result["to_date"]:
        for key in ("goal", "actual", "attainment"):
            v = row[key]
            assert v is None or (isinstance(v, float) and v >= 0)
    assert sum(result["counts"].values()) == result["metric_count"] == len(result["to_date"])


# --- bad input: file, row, column and value named -----------------------------------

BAD_DEFS = [
    ("x,X,litres,higher,sales,managed,leading,", "row 2, column 'unit'", "'litres'"),
    ("x,X,count,up,sales,managed,leading,", "row 2, column 'direction'", "'up'"),
    ("x,X,count,higher,finance,managed,leading,", "row 2, column 'owner'", "'finance'"),
    ("x,X,count,higher,sales,watched,leading,", "row 2, column 'designation'", "'watched'"),
    ("x,X,count,higher,sales,managed,early,", "row 2, column 'indicator'", "'early'"),
    ("x,X,count,higher,sales,managed,leading,median", "row 2, column 'aggregation'", "'median'"),
    ("Win Rate,X,count,higher,sales,managed,leading,", "row 2, column 'metric'", "'Win Rate'"),
    ("x,,count,higher,sales,managed,leading,", "row 2, column 'name'", "'x'"),
    ("x,X,count,higher,sales,managed,leading,\nx,Y,count,higher,sales,managed,leading,",
     "row 3, column 'metric'", "defined twice (first at row 2)"),
]


@pytest.mark.parametrize("line, where, what", BAD_DEFS)
def test_bad_definitions_are_named(make_engagement, line, where, what):
    folder = kpi_engagement(make_engagement, defs=HEADER + line + "\n", values=None)
    with pytest.raises(UserError) as exc:
        kpis.read(load(folder))
    assert exc.value.message.startswith(f"kpis.csv, {where}: ")
    assert what in exc.value.message


BAD_VALUES = [
    ("ghost,2026-07,1,1", "row 2, column 'metric'", "'ghost' is not defined in kpis.csv"),
    ("pipeline,2026-13,1,1", "row 2, column 'period'", "'2026-13'"),
    ("pipeline,2026-Q5,1,1", "row 2, column 'period'", "'2026-Q5'"),
    ("pipeline,July 2026,1,1", "row 2, column 'period'", "YYYY-MM"),
    ("pipeline,2026-07,lots,1", "row 2, column 'goal'", "'lots' is not a number"),
    ("pipeline,2026-07,100,1.2.3", "row 2, column 'actual'", "'1.2.3' is not a number"),
    ("pipeline,2026-07,\"1,000\",1", "row 2, column 'goal'", "'1,000' is not a number"),
    ("pipeline,2026-07,80%,1", "row 2, column 'goal'", "'80%' is not a number"),
    ("pipeline,2026-07,nan,1", "row 2, column 'goal'", "'nan' is not a number"),
    ("pipeline,2026-07,-5,1", "row 2, column 'goal'", "0 or more"),
    ("pipeline,2026-07,,1", "row 2, column 'goal'", "is empty"),
    ("pipeline,2026-07,1,1\npipeline,2026-07,2,2", "row 3, column 'period'", "twice (also at row 2)"),
    ("pipeline,2026-07,1,1\n\npipeline,2026-Q3,2,2", "row 4, column 'period'", "mixes months and quarters"),
]


@pytest.mark.parametrize("line, where, what", BAD_VALUES)
def test_bad_values_are_named(make_engagement, line, where, what):
    folder = kpi_engagement(make_engagement, values=VALUES + line + "\n")
    with pytest.raises(UserError) as exc:
        kpis.read(load(folder))
    assert exc.value.message.startswith(f"kpi_values.csv, {where}: ")
    assert what in exc.value.message


@pytest.mark.parametrize("defs, message", [
    ("", "kpis.csv: the file is empty"),
    ("metric,name,unit,direction,owner,designation\n", "kpis.csv: column 'indicator' is missing"),
    (HEADER.strip() + ",notes\n", "kpis.csv: column 'notes' is not known"),
    (HEADER + "x,X,count,higher,sales,managed,leading,,extra\n", "kpis.csv, row 2: the row has 9 cells"),
])
def test_bad_definition_files(make_engagement, defs, message):
    with pytest.raises(UserError, match=message.replace("(", r"\(")):
        kpis.read(load(kpi_engagement(make_engagement, defs=defs, values=None)))


def test_values_missing_a_column_and_non_utf8(make_engagement):
    folder = kpi_engagement(make_engagement, values="metric,period,goal\n")
    with pytest.raises(UserError, match="kpi_values.csv: column 'actual' is missing"):
        kpis.read(load(folder))
    (folder / "kpi_values.csv").write_bytes(VALUES.encode() + "pipeline,2026-07,1,\xe9\n".encode("latin-1"))
    with pytest.raises(UserError, match="kpi_values.csv: the file is not UTF-8"):
        kpis.read(load(folder))


def test_input_is_forgiving_where_it_is_harmless(make_engagement):
    defs = "Metric, Name ,UNIT,direction,owner,designation,indicator\nx,X,Count,HIGHER,Sales,Managed,Leading\n"
    folder = kpi_engagement(make_engagement, defs=defs, values=VALUES + "x,2026-q3,10, \n\n")
    data = kpis.read(load(folder))
    assert data.metrics["x"].unit == "count" and data.metrics["x"].how == "sum"
    assert data.values == [Value("x", "2026-Q3", 10.0, None)]


# --- writing --------------------------------------------------------------------------

def test_save_validates_and_writes_both_files(make_engagement):
    eng = load(kpi_engagement(make_engagement, values=VALUES + "pipeline,2026-07,100,\n"))
    data = kpis.read(eng)
    data.values.append(Value("pipeline", "2026-08", 100.0, 95.5))
    kpis.save(eng, data)
    assert (eng.path / "kpi_values.csv").read_text() == VALUES + "pipeline,2026-07,100,\npipeline,2026-08,100,95.5\n"
    assert not [p for p in eng.path.iterdir() if p.name.endswith(".tmp")]


def test_save_writes_nothing_when_invalid(make_engagement):
    eng = load(kpi_engagement(make_engagement, values=VALUES + "pipeline,2026-07,100,\n"))
    before = {p.name: p.read_bytes() for p in eng.path.iterdir()}
    data = kpis.read(eng)
    data.values.append(Value("ghost", "2026-08", 1.0, None))
    with pytest.raises(UserError, match="'ghost' is not defined"):
        kpis.save(eng, data)
    assert {p.name: p.read_bytes() for p in eng.path.iterdir()} == before


def test_the_sample_is_never_written():
    eng = load(sample_path())
    with pytest.raises(UserError, match="read-only"):
        kpis.save(eng, kpis.read(eng))


def test_starter_library_covers_the_method():
    lib = kpis.library()
    assert len(lib) >= 12
    for column in ("owner", "designation", "indicator"):
        assert {getattr(m, column) for m in lib.values()} >= set(
            {"owner": ["marketing", "sales", "shared"], "designation": ["managed", "monitored"],
             "indicator": ["leading", "lagging"]}[column])
    assert lib["lead-follow-up-hours"].direction == "lower" and lib["lead-follow-up-hours"].unit == "hours"
    for mid in ("leads-with-feedback", "marketing-sourced-pipeline", "mql-to-sql", "pipeline-coverage", "win-rate",
                "sales-cycle-days", "bookings"):
        assert mid in lib


def test_engagement_template_loads_with_goals_and_no_actuals(tmp_path):
    from shutil import copytree

    from playbook.core.resources import templates_dir

    folder = tmp_path / "new"
    copytree(templates_dir() / "engagement", folder)
    (folder / "engagement.yaml").write_text("id: t\nclient: T\nperiod: 2026-Q4\nrespondents:\n"
                                            "  - {id: a, name: A, side: sales, role: leader}\n")
    result = kpis.evaluate(load(folder))
    assert result["periods"] and all(p["status"] == "no_data" and p["goal"] is not None for p in result["periods"])


def test_results_keep_full_precision():
    r = scored([("2026-07", 3, 1)])["to_date"][0]
    assert r["attainment"] == 1 / 3  # not 0.3333
    r = scored([("2026-07", 60, 50), ("2026-08", 80, 71)], unit="percent")["to_date"][0]
    assert r["actual"] == 60.5 / 100


def test_read_once_then_evaluate_the_snapshot_without_files(make_engagement):
    from types import SimpleNamespace

    folder = kpi_engagement(make_engagement, values=VALUES + "pipeline,2026-07,100,85\n", settings={"kpi_watch": 0.8})
    eng = load(folder)
    data = kpis.read(eng)
    expected = kpis.evaluate(eng)
    for name in ("kpis.csv", "kpi_values.csv"):
        (folder / name).unlink()  # evaluate_snapshot reads no file: only the snapshot
    blocks = kpis.evaluate_snapshot(SimpleNamespace(engagement=eng, answers=[], data={"kpis": data}))
    assert blocks == {"kpis": expected} and blocks["kpis"]["watch_threshold"] == 0.8
    assert kpis.read(eng) is None
    assert kpis.evaluate_snapshot(SimpleNamespace(engagement=eng, answers=[], data={"kpis": None})) == {"kpis": None}
