"""Prospecting economics (METHOD 4): hand-computed cases, bad input, the economics section and the what-if."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest
import yaml

from playbook.core.engagement import Engagement, sample_path
from playbook.core.errors import UserError
from playbook.parts.economics import model as economics
from playbook.parts.economics import prospecting, views, words

BASE = {
    "reps": 20,
    "cost_per_rep": 150000,
    "prospecting_share": 0.30,
    "categories": [
        {"name": "Cold calling", "time_share": 0.5, "opportunities": 60, "win_rate": 0.15, "avg_deal": 40000},
        {"name": "Referral networking", "time_share": 0.5, "opportunities": 20, "win_rate": 0.4, "avg_deal": 50000},
    ],
    "marketing": {"program_cost": 400000, "opportunities": 80, "win_rate": 0.22, "avg_deal": 45000},
}


def data(**changes) -> dict:
    raw = copy.deepcopy(BASE)
    raw.update(changes)
    return prospecting.parse(yaml.safe_dump(raw))


def engagement(folder: Path) -> Engagement:
    return Engagement(path=folder, id="t", client="Client", consultant="", period="2026-Q4", respondents=[])


def test_hand_computed_economics():
    r = prospecting.evaluate_economics(data())
    # 20 reps x 150,000 x 0.30 = 900,000; each category gets half: 450,000
    assert r["prospecting_cost"] == 900000
    cold, referral = r["categories"]
    # cold calling: 60 x 0.15 x 40,000 = 360,000; 450,000 / 60 = 7,500 per opportunity; 360,000 / 450,000 = 0.8
    assert cold == pytest.approx({"name": "Cold calling", "cost": 450000, "opportunities": 60, "revenue": 360000,
                                  "cost_per_opportunity": 7500, "revenue_per_dollar": 0.8})
    # referral: 20 x 0.4 x 50,000 = 400,000; 450,000 / 20 = 22,500; 400,000 / 450,000 = 8/9, unrounded
    assert (referral["revenue"], referral["cost_per_opportunity"], referral["revenue_per_dollar"]) == pytest.approx(
        (400000, 22500, 8 / 9))
    # total 760,000; 760,000 / 900,000 = 0.8444...
    assert r["total_revenue"] == pytest.approx(760000) and r["revenue_per_dollar"] == pytest.approx(76 / 90)
    # marketing: 80 x 0.22 x 45,000 = 792,000; 400,000 / 80 = 5,000; 792,000 / 400,000 = 1.98
    assert r["marketing"] == pytest.approx({"cost": 400000, "opportunities": 80, "revenue": 792000,
                                            "cost_per_opportunity": 5000, "revenue_per_dollar": 1.98})
    assert r["baseline"]["name"] == "Cold calling" and r["baseline"]["basis"] == "cold_calling"
    assert r["baseline"]["marketing_beats_baseline"] is True  # 1.98 > 0.8
    # hire without a deal list (basis prospecting): 400,000 / 150,000 = 8/3 reps; 760,000 / 20 = 38,000 per rep;
    # at the default ramp of 0.5: 8/3 x 38,000 x 0.5 = 50,666.67
    assert r["hire_alternative"] == pytest.approx({"extra_reps": 8 / 3, "revenue_per_rep": 38000, "basis": "prospecting",
                                                   "ramp": 0.5, "revenue": 8 / 3 * 38000 * 0.5,
                                                   "marketing_beats_hiring": True})
    assert r["period"] == "the last 12 months" and "whatif" not in r


def test_sensitivity_exact_shares_and_values():
    r = prospecting.evaluate_economics(data())
    assert [s["prospecting_share"] for s in r["sensitivity"]] == [0.2, 0.25, 0.3, 0.35, 0.4]
    # 20 x 150,000 = 3,000,000 of rep cost; revenue stays 760,000
    assert [s["cost"] for s in r["sensitivity"]] == pytest.approx([600000, 750000, 900000, 1050000, 1200000])
    # 760/600, 760/750, 760/900, 760/1050, 760/1200, at full precision
    assert [s["revenue_per_dollar"] for s in r["sensitivity"]] == pytest.approx(
        [760 / 600, 760 / 750, 760 / 900, 760 / 1050, 760 / 1200])


def test_hiring_beats_weak_marketing_and_findings_say_so():
    weak = {"program_cost": 400000, "opportunities": 4, "win_rate": 0.1, "avg_deal": 45000}
    r = prospecting.evaluate_economics(data(marketing=weak))
    # marketing: 4 x 0.1 x 45,000 = 18,000 < 50,666.67 from 2.67 extra reps at half a tenured rep's 38,000
    assert r["marketing"]["revenue"] == pytest.approx(18000)
    assert r["hire_alternative"]["marketing_beats_hiring"] is False
    assert r["baseline"]["marketing_beats_baseline"] is False  # 18,000 / 400,000 = 0.045 < 0.8
    text = " ".join(words.prospecting_findings(r))
    assert "hiring would bring more than the marketing leads" in text
    assert "no more than cold calling" in text


def test_findings_name_the_verdict_and_better_sources():
    lines = words.prospecting_findings(prospecting.evaluate_economics(data()))
    assert any("the marketing leads bring more than hiring would" in s for s in lines)
    assert any(s.startswith("Best prospecting return: Referral networking") for s in lines)
    assert words.prospecting_findings(None) == ["Not assessed: prospecting economics, because no prospecting figures "
                                                "were provided."]


@pytest.mark.parametrize("name", ["COLD CALLING", "cold-calling", " Cold  calling "])
def test_baseline_matches_cold_calling_case_insensitively(name):
    cats = copy.deepcopy(BASE["categories"])
    cats[0]["name"] = name
    assert prospecting.evaluate_economics(data(categories=cats))["baseline"]["basis"] == "cold_calling"


def test_baseline_is_blended_without_cold_calling():
    cats = copy.deepcopy(BASE["categories"])
    cats[0]["name"] = "Social selling"
    base = prospecting.evaluate_economics(data(categories=cats))["baseline"]
    # all prospecting: 900,000 for 80 opportunities = 11,250; 760,000 / 900,000 = 0.8444...
    assert base["basis"] == "blended"
    assert (base["cost"], base["opportunities"], base["revenue"]) == pytest.approx((900000, 80, 760000))
    assert (base["cost_per_opportunity"], base["revenue_per_dollar"]) == pytest.approx((11250, 76 / 90))


def test_division_by_zero_gives_none_and_json_is_safe():
    cats = copy.deepcopy(BASE["categories"])
    cats[1]["opportunities"] = 0
    r = prospecting.evaluate_economics(data(reps=0, cost_per_rep=0, categories=cats))
    assert r["prospecting_cost"] == 0 and r["revenue_per_dollar"] is None
    assert r["categories"][1]["cost_per_opportunity"] is None
    assert r["hire_alternative"] == {"extra_reps": None, "revenue_per_rep": None, "basis": "prospecting",
                                     "ramp": 0.5, "revenue": None, "marketing_beats_hiring": None}
    assert all(s["revenue_per_dollar"] is None for s in r["sensitivity"])
    json.dumps(r, allow_nan=False)
    assert any("cannot be compared" in line for line in words.prospecting_findings(r))


def test_overrides_for_the_what_if_move_every_figure_of_the_plan():
    d = data()
    r = prospecting.evaluate_economics(d, {"reps": 10, "prospecting_share": 0.5, "program_cost": 300000,
                                           "cost_per_rep": 100000})
    # prospecting time 10 x 0.5 = 5 against 20 x 0.3 = 6: opportunities x 5/6, revenue 760,000 x 5/6 = 633,333.33;
    # cost 10 x 100,000 x 0.5 = 500,000; 633,333.33 / 500,000 = 1.2667
    assert r["prospecting_cost"] == pytest.approx(500000) and r["total_revenue"] == pytest.approx(760000 * 5 / 6)
    assert [c["opportunities"] for c in r["categories"]] == pytest.approx([60 * 5 / 6, 20 * 5 / 6])
    # marketing: 80 x (300/400)^0.8 opportunities, revenue x 0.22 x 45,000
    opps = 80 * 0.75 ** 0.8
    assert r["marketing"]["opportunities"] == pytest.approx(opps)
    assert r["marketing"]["revenue"] == pytest.approx(opps * 0.22 * 45000)
    # hire: 3 reps x (633,333.33 / 10) x 0.5
    assert r["hire_alternative"]["extra_reps"] == 3
    assert r["hire_alternative"]["revenue"] == pytest.approx(3 * 760000 * 5 / 6 / 10 * 0.5)
    # the measurement's sensitivity and the current plan do not move with the what-if
    assert r["sensitivity"] == prospecting.evaluate_economics(d)["sensitivity"]
    assert r["scenarios"][0] == prospecting.scenario(d)
    assert r["whatif"] == prospecting.scenario(d, {"reps": 10, "prospecting_share": 0.5, "program_cost": 300000,
                                                   "cost_per_rep": 100000}, "what-if")
    assert d["marketing"]["program_cost"] == 400000  # the data itself is untouched
    with pytest.raises(UserError, match=r"^what-if: prospecting_share is 1.5; it must be a number from 0 to 1\.$"):
        prospecting.evaluate_economics(d, {"prospecting_share": 1.5})
    with pytest.raises(UserError, match=r"^what-if: reps is True; it must be a number of 0 or more\.$"):
        prospecting.evaluate_economics(d, {"reps": True})
    with pytest.raises(UserError, match=r"^what-if: program_cost is -1; it must be a number of 0 or more\.$"):
        prospecting.evaluate_economics(d, {"program_cost": -1})
    with pytest.raises(UserError, match="what-if: 'win_rate' cannot be changed"):
        prospecting.evaluate_economics(d, {"win_rate": 0.5})


def _set(path: str, value):
    raw = copy.deepcopy(BASE)
    target, keys = raw, path.split(".")
    for k in keys[:-1]:
        target = target[int(k)] if k.isdigit() else target[k]
    if value is DELETE:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value
    return yaml.safe_dump(raw)


DELETE = object()
BAD = [
    (_set("reps", -1), "prospecting.yaml: reps is -1; it must be a number of 0 or more."),
    (_set("reps", "twenty"), "prospecting.yaml: reps is 'twenty'; it must be a number of 0 or more."),
    (_set("cost_per_rep", True), "prospecting.yaml: cost_per_rep is True; it must be a number of 0 or more."),
    (_set("prospecting_share", 1.2), "prospecting.yaml: prospecting_share is 1.2; it must be a number from 0 to 1."),
    (_set("categories.1.win_rate", 1.4), "prospecting.yaml: categories[2].win_rate is 1.4; it must be a number from "
                                         "0 to 1."),
    (_set("categories.0.opportunities", -3), "prospecting.yaml: categories[1].opportunities is -3; it must be a "
                                             "number of 0 or more."),
    (_set("categories.0.avg_deal", "40k"), "prospecting.yaml: categories[1].avg_deal is '40k'; it must be a number "
                                           "of 0 or more."),
    (_set("categories.0.time_share", 0.45), "prospecting.yaml: the categories' time_share values add up to 0.95; "
                                            "they must add up to 1 (within 0.001)."),
    (_set("categories.1.name", "cold calling"), "prospecting.yaml: categories[2].name 'cold calling' repeats "
                                                "categories[1]; category names must be unique."),
    (_set("categories.0.win_rate", DELETE), "prospecting.yaml: categories[1].win_rate is missing; it must be a "
                                            "number from 0 to 1."),
    (_set("categories.0.name", ""), "prospecting.yaml: categories[1].name is ''; it must be one line of text"),
    (_set("categories.0.winrate", 0.1), "prospecting.yaml: categories[1].winrate is not a known field; allowed "
                                        "fields are name, time_share, opportunities, win_rate, avg_deal."),
    (_set("categories", []), "prospecting.yaml: categories must be a non-empty list"),
    (_set("marketing", DELETE), "prospecting.yaml: marketing is missing; it must be a mapping with program_cost"),
    (_set("marketing.program_cost", -5), "prospecting.yaml: marketing.program_cost is -5; it must be a number of 0 "
                                         "or more."),
    (_set("marketing", [1, 2]), "prospecting.yaml: marketing must be a mapping with program_cost, opportunities"),
    (_set("reps", DELETE), "prospecting.yaml: reps is missing; it must be a number of 0 or more."),
    ("reps: .nan\n", "prospecting.yaml: reps is nan; it must be a number of 0 or more."),
    ("- a\n- b\n", "prospecting.yaml must be a mapping with period, reps, cost_per_rep"),
    # METHOD 12: the period and the scenarios, each problem with its key path
    (_set("period", "x" * 61), "prospecting.yaml: period is 'xxxx"),
    (_set("period", 2026), "prospecting.yaml: period is 2026; it must be one line of text of at most 60 characters"),
    (_set("scenarios", [{"name": "A", "reps": 22}, {"name": "B", "reps": -3}]),
     "prospecting.yaml: scenarios[2].reps is -3; it must be a number of 0 or more."),
    (_set("scenarios", [{"name": "A", "program_cost": "lots"}]),
     "prospecting.yaml: scenarios[1].program_cost is 'lots'; it must be a number of 0 or more."),
    (_set("scenarios", [{"name": "A", "prospecting_share": 1.5}]),
     "prospecting.yaml: scenarios[1].prospecting_share is 1.5; it must be a number from 0 to 1."),
    (_set("scenarios", [{"name": "A", "headcount": 30}]),
     "prospecting.yaml: scenarios[1].headcount is not a known field; allowed fields are name, reps, cost_per_rep, "
     "prospecting_share, program_cost."),
    (_set("scenarios", [{"reps": 30}]), "prospecting.yaml: scenarios[1].name is missing"),
    (_set("scenarios", [{"name": "More reps", "reps": 22}, {"name": "B", "reps": 23}, {"name": "more-reps"}]),
     "prospecting.yaml: scenarios[3].name 'more-reps' repeats scenarios[1]; scenario names must be unique."),
    (_set("scenarios", [{"name": "Current", "reps": 22}]),
     "prospecting.yaml: scenarios[1].name 'Current' is the name of the engagement's own plan"),
    (_set("scenarios", {"name": "A"}), "prospecting.yaml: scenarios must be a list of scenarios"),
    ("", "prospecting.yaml must be a mapping"),
    ("reps: [1, 2\n", "prospecting.yaml: not valid YAML at line 2"),
    # from the schema (playbook/data/prospecting.schema.json): unknown keys, shapes, .inf, the first problem in order
    (_set("region", "EMEA"), "prospecting.yaml: region is not a known field; allowed fields are period, reps, "
                             "cost_per_rep, prospecting_share, categories, marketing, scenarios."),
    (_set("marketing.budget", 1), "prospecting.yaml: marketing.budget is not a known field; allowed fields are "
                                  "program_cost, opportunities, win_rate, avg_deal."),
    (yaml.safe_dump({**BASE, "categories": [BASE["categories"][0], "x"]}),
     "prospecting.yaml: categories[2] is 'x'; it must be a mapping with name, time_share"),
    (_set("categories.0.name", DELETE), "prospecting.yaml: categories[1].name is missing; it must be one line of text"),
    ("reps: .inf\n", "prospecting.yaml: reps is inf; it must be a number of 0 or more."),
    ("marketing: 3\nreps: -1\n", "prospecting.yaml: reps is -1; it must be a number of 0 or more."),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_input_names_file_and_field(text, message):
    with pytest.raises(UserError) as exc:
        prospecting.parse(text)
    assert exc.value.message.startswith(message)


def test_time_shares_within_tolerance_are_accepted():
    assert prospecting.parse(_set("categories.0.time_share", 0.5009))["categories"][0]["time_share"] == 0.5009


def test_load_absent_bad_encoding_and_sample(tmp_path):
    eng = engagement(tmp_path)
    assert prospecting.load(eng) is None
    (tmp_path / "prospecting.yaml").write_bytes("reps: 20 # caf\xe9\n".encode("latin-1"))
    with pytest.raises(UserError, match=r"^prospecting.yaml: the file is not UTF-8 text"):
        prospecting.load(eng)
    shutil.copy(sample_path() / "prospecting.yaml", tmp_path / "prospecting.yaml")
    r = prospecting.evaluate_economics(prospecting.load(eng))
    # the sample's story: marketing beats cold calling and hiring, referral networking beats marketing
    assert r["baseline"]["marketing_beats_baseline"] and r["hire_alternative"]["marketing_beats_hiring"]
    best = max(r["categories"], key=lambda c: c["revenue_per_dollar"])
    assert best["name"] == "Referral networking" and best["revenue_per_dollar"] > r["marketing"]["revenue_per_dollar"]


def test_tables():
    r = prospecting.evaluate_economics(data())
    t = views.source_frame(r)
    assert list(t["source"]) == ["Cold calling", "Referral networking", "Marketing leads"]
    assert list(t.columns) == ["source", "cost", "opportunities", "revenue", "cost_per_opportunity",
                               "revenue_per_dollar"]
    assert list(views.sensitivity_frame(r)["prospecting_share"]) == [0.2, 0.25, 0.3, 0.35, 0.4]


def test_economics_evaluate_and_report_section_with_every_part_absent(tmp_path):
    eng = engagement(tmp_path)
    results = economics.evaluate(eng)
    assert results == {"prospecting": None, "attribution": None, "experiment": None}
    assert economics.read(eng) is None
    sec = views.report_section({"engagement": "t", **results})
    assert sec["figures"] == {} and sec["tables"] == {}
    assert sec["findings"] == [
        "Not assessed: prospecting economics, because no prospecting figures were provided.",
        "Not assessed: sourced and influenced revenue, because no deal list was provided.",
        "Not assessed: the lead experiment, because no experiment with two groups of reps was run.",
    ]


def test_report_section_with_one_part_present(tmp_path):
    shutil.copy(sample_path() / "prospecting.yaml", tmp_path / "prospecting.yaml")
    results = economics.evaluate(engagement(tmp_path))
    sec = views.report_section(results)
    assert {k: t for k, (t, _) in sec["figures"].items()} == {
        "cost_revenue": "Cost and modelled revenue per source, fiscal year 2026",
        "revenue_per_dollar": "Modelled revenue per dollar by source, fiscal year 2026",
        "scenarios": "Scenarios side by side, fiscal year 2026",
        "sensitivity": "How sure is the measurement: the share of rep time spent prospecting is an estimate"}
    assert list(sec["tables"]) == ["sources", "scenarios", "sensitivity", "bridge"]
    assert any(line.startswith("Not assessed: sourced and influenced revenue") for line in sec["findings"])
    assert list(sec["tables"]["sources"][1].columns) == ["Source", "Cost", "Opportunities", "Revenue (modelled)",
                                                         "Cost per opportunity", "Revenue per dollar"]


def test_validate_raises_on_a_bad_file(tmp_path):
    (tmp_path / "experiment.csv").write_text("rep,group,revenue\na,treatment,1\n", encoding="utf-8")
    with pytest.raises(UserError, match="experiment.csv"):
        economics.read(engagement(tmp_path))


def test_sample_engagement_charts_render_to_svg():
    from playbook.core.engagement import load
    from playbook.parts.charts import to_svg

    results = economics.evaluate(load())
    assert all(results[k] is not None for k in economics.KEYS)
    json.dumps(results, allow_nan=False)
    sec = views.report_section(results)
    assert list(sec["figures"]) == ["cost_revenue", "revenue_per_dollar", "scenarios", "sensitivity", "attribution",
                                    "experiment"]
    assert list(sec["tables"]) == ["sources", "scenarios", "sensitivity", "attribution", "bridge", "experiment"]
    for title, chart in sec["figures"].values():
        svg = to_svg(chart)
        assert svg.startswith("<svg") and "<script" not in svg, title


def test_chart_specs_are_aggregated():
    from playbook.parts.economics import views as charts

    r = prospecting.evaluate_economics(data())
    spec = charts.cost_revenue(r).to_dict()
    rows = sum(len(v) for v in spec["datasets"].values())
    assert rows == 6  # (2 categories + marketing) x (cost, revenue)
    assert charts.sensitivity(None).to_dict()["mark"]["type"] == "text"  # the "not assessed" placeholder


def test_whatif_panel_recomputes(tmp_path):
    from playbook.parts.economics import whatif

    eng = engagement(tmp_path)
    assert "Not assessed" in whatif.whatif_panel(eng).value
    shutil.copy(sample_path() / "prospecting.yaml", tmp_path / "prospecting.yaml")
    panel = whatif.whatif_panel(eng)
    _, reps, cost, share, spend, reset, out = panel.children
    assert "30% of their time" in out.value and out.value.count("<svg") == 3
    share.value = 0.5
    assert "50% of their time" in out.value and "With the values above (50% of rep time prospecting)" in out.value
    spend.value = 10000.0
    assert "$10K would pay for" in out.value
    reset.click()
    assert share.value == 0.3 and "30% of their time" in out.value and "With the values above" not in out.value


def test_read_once_then_evaluate_the_snapshot_without_files(tmp_path):
    from types import SimpleNamespace

    eng = engagement(tmp_path)
    assert economics.read(eng) is None
    assert economics.evaluate_snapshot(SimpleNamespace(engagement=eng, answers=[], data={"economics": None})) == {
        "prospecting": None, "attribution": None, "experiment": None}
    shutil.copy(sample_path() / "prospecting.yaml", tmp_path / "prospecting.yaml")
    data = economics.read(eng)
    assert data["deals"] is None and data["experiment"] is None and data["prospecting"]["reps"] > 0
    expected = economics.evaluate(eng)
    (tmp_path / "prospecting.yaml").unlink()  # evaluate_snapshot reads no file: only the snapshot
    blocks = economics.evaluate_snapshot(SimpleNamespace(engagement=eng, answers=[], data={"economics": data}))
    assert blocks == expected and blocks["attribution"] is None and blocks["prospecting"] is not None


def test_results_keep_full_precision():
    r = prospecting.evaluate_economics(data())
    assert r["revenue_per_dollar"] == 760000 / 900000  # not 0.8444
    assert r["hire_alternative"]["extra_reps"] == 400000 / 150000


# --- METHOD 12: what if the plan changes -------------------------------------------------------------------------
def test_prospecting_opportunities_scale_with_reps_times_share():
    d = data()
    # 20 reps x 0.30 = 6 units of prospecting time; 30 reps x 0.30 = 9: opportunities x 1.5
    p = prospecting.plan(d, {"reps": 30})
    assert [c["opportunities"] for c in p["categories"]] == [90, 30]
    row = prospecting.scenario(d, {"reps": 30}, "thirty")
    # revenue 760,000 x 1.5 = 1,140,000; cost 30 x 150,000 x 0.30 = 1,350,000; marketing unchanged
    assert row["prospecting_revenue"] == pytest.approx(1140000) and row["prospecting_cost"] == pytest.approx(1350000)
    assert (row["marketing_cost"], row["marketing_revenue"]) == pytest.approx((400000, 792000))
    assert row["total_cost"] == pytest.approx(1750000) and row["total_revenue"] == pytest.approx(1932000)
    assert row["revenue_per_dollar"] == pytest.approx(1932000 / 1750000)
    # 40 reps at 0.15: the same prospecting time, the same opportunities, half the share of a bigger team's cost
    same = prospecting.plan(d, {"reps": 40, "prospecting_share": 0.15})
    assert [c["opportunities"] for c in same["categories"]] == [60, 20]
    # a dearer rep costs more and sells the same
    dear = prospecting.scenario(d, {"cost_per_rep": 200000})
    assert dear["prospecting_revenue"] == pytest.approx(760000) and dear["prospecting_cost"] == pytest.approx(1200000)


def test_reps_times_share_zero_gives_no_prospecting_opportunities():
    d = data()
    assert [c["opportunities"] for c in prospecting.plan(d, {"reps": 0})["categories"]] == [0, 0]
    assert [c["opportunities"] for c in prospecting.plan(d, {"prospecting_share": 0})["categories"]] == [0, 0]
    # a plan with no prospecting time: giving the reps time brings no opportunities (0 when reps x share is 0) ...
    idle = data(prospecting_share=0)
    assert prospecting.scenario(idle, {"prospecting_share": 0.3})["prospecting_revenue"] == 0
    assert [c["opportunities"] for c in prospecting.plan(idle, {"prospecting_share": 0.1})["categories"]] == [0, 0]
    # ... but the plan as it is keeps its own figures, and so does a change that leaves its time at 0
    assert prospecting.scenario(idle)["prospecting_revenue"] == pytest.approx(760000)
    assert [c["opportunities"] for c in prospecting.plan(idle, {"reps": 40})["categories"]] == [60, 20]


@pytest.mark.parametrize("elasticity", [0.8, 1.0, 1.5, 0.01])
def test_marketing_opportunities_follow_spend_with_the_elasticity(elasticity):
    d = data()
    p = prospecting.plan(d, {"program_cost": 800000}, elasticity)
    assert p["marketing"]["opportunities"] == pytest.approx(80 * 2 ** elasticity)
    row = prospecting.scenario(d, {"program_cost": 800000}, elasticity=elasticity)
    assert row["marketing_revenue"] == pytest.approx(80 * 2 ** elasticity * 0.22 * 45000)
    assert row["marketing_cost"] == 800000 and row["prospecting_revenue"] == pytest.approx(760000)
    half = prospecting.plan(d, {"program_cost": 200000}, elasticity)
    assert half["marketing"]["opportunities"] == pytest.approx(80 * 0.5 ** elasticity)


def test_the_default_elasticity_is_the_setting_and_returns_diminish():
    from playbook.core.settings import defaults

    assert defaults()["spend_elasticity"] == 0.8
    d = data()
    # METHOD 12's default: doubling the spend gives 2^0.8 = 1.74 times the opportunities, not twice as many
    assert prospecting.plan(d, {"program_cost": 800000})["marketing"]["opportunities"] == pytest.approx(80 * 2 ** 0.8)
    doubled = prospecting.scenario(d, {"program_cost": 800000})
    assert doubled["marketing_revenue"] / doubled["marketing_cost"] < 792000 / 400000


def test_spend_zero_and_original_spend_zero():
    d = data()
    none = prospecting.scenario(d, {"program_cost": 0})
    assert none["marketing_cost"] == 0 and none["marketing_revenue"] == 0
    assert prospecting.plan(d, {"program_cost": 0})["marketing"]["opportunities"] == 0
    # a program that cost nothing keeps its opportunities whatever the new spend (unchanged when program_cost is 0)
    free = data(marketing={"program_cost": 0, "opportunities": 10, "win_rate": 0.5, "avg_deal": 1000})
    assert prospecting.plan(free, {"program_cost": 50000})["marketing"]["opportunities"] == 10
    r = prospecting.evaluate_economics(free)
    assert r["marketing"]["revenue_per_dollar"] is None and r["marketing"]["revenue"] == 5000
    assert r["hire_alternative"]["extra_reps"] == 0 and r["hire_alternative"]["revenue"] == 0
    assert r["hire_alternative"]["marketing_beats_hiring"] is True  # 5,000 > 0
    json.dumps(prospecting.evaluate_economics(free, {"program_cost": 0}), allow_nan=False)


def test_win_rates_and_deal_sizes_do_not_change():
    d = data()
    p = prospecting.plan(d, {"reps": 33, "program_cost": 123456, "prospecting_share": 0.41, "cost_per_rep": 99000})
    assert [(c["win_rate"], c["avg_deal"]) for c in p["categories"]] == [(0.15, 40000), (0.4, 50000)]
    assert (p["marketing"]["win_rate"], p["marketing"]["avg_deal"]) == (0.22, 45000)


def test_scenarios_start_with_the_current_plan_and_name_only_what_changes():
    d = data(scenarios=[{"name": "Bigger budget", "program_cost": 500000}, {"name": "Two more reps", "reps": 22}])
    assert d["scenarios"] == [{"name": "Bigger budget", "changes": {"program_cost": 500000}},
                              {"name": "Two more reps", "changes": {"reps": 22}}]
    r = prospecting.evaluate_economics(d)
    names = [s["name"] for s in r["scenarios"]]
    assert names == ["current", "Bigger budget", "Two more reps"]
    current, budget, reps = r["scenarios"]
    assert set(current) == {"name", "reps", "cost_per_rep", "prospecting_share", "program_cost", "prospecting_cost",
                            "prospecting_revenue", "marketing_cost", "marketing_revenue", "total_cost",
                            "total_revenue", "revenue_per_dollar"}
    # the current plan is the engagement's figures: 900,000 + 400,000 of cost; 760,000 + 792,000 of revenue
    assert (current["total_cost"], current["total_revenue"]) == pytest.approx((1300000, 1552000))
    assert current["prospecting_revenue"] == r["total_revenue"] and current["marketing_revenue"] == r["marketing"][
        "revenue"]
    # what a scenario does not name stays as it is
    assert (budget["reps"], budget["cost_per_rep"], budget["prospecting_share"]) == (20, 150000, 0.3)
    assert budget["marketing_revenue"] == pytest.approx(792000 * 1.25 ** 0.8)
    assert reps["program_cost"] == 400000 and reps["prospecting_revenue"] == pytest.approx(760000 * 1.1)
    # a scenario kept on the interactive page comes last, computed the same way
    kept = prospecting.evaluate_economics(d, kept=[("What-if 1", {"reps": 22})])["scenarios"][-1]
    assert kept == {**reps, "name": "What-if 1"}
    lines = words.scenario_sentences(r)
    assert lines[0].startswith("The current plan: reps' prospecting time and the marketing program together cost "
                               "$1.3M and bring $1.55M")
    assert lines[2] == ("Scenario “Two more reps” (22 reps): cost $1.39M (+$90K), modelled revenue $1.63M (+$80K), "
                        "$1.17 per dollar.")


def test_a_change_shown_is_the_difference_of_the_figures_shown():
    """METHOD 13: $1.55M -> $1.63M reads +$80K, whatever the unrounded difference (76,000)."""
    d = data(scenarios=[{"name": "Two more reps", "reps": 22}])
    table = views.scenario_table(prospecting.evaluate_economics(d))
    row = table.iloc[1]
    assert (row["Revenue (modelled)"], row["Revenue against the current plan"]) == ("$1.63M", "+$80K")
    assert table.iloc[0]["Revenue (modelled)"] == "$1.55M"
    assert views.scenario_table(prospecting.evaluate_economics(data())) is None  # nothing beside the current plan


def test_hire_alternative_on_the_deal_list_with_the_ramp():
    d = data()
    # 400,000 / 150,000 = 8/3 extra reps; a rep sold 1,200,000 / 20 = 60,000 on their own; ramp 0.25
    r = prospecting.evaluate_economics(d, recorded_sales=1200000, ramp=0.25)
    assert r["hire_alternative"] == pytest.approx({"extra_reps": 8 / 3, "revenue_per_rep": 60000, "basis": "deals",
                                                   "ramp": 0.25, "revenue": 8 / 3 * 60000 * 0.25,
                                                   "marketing_beats_hiring": True})
    strong = prospecting.evaluate_economics(d, recorded_sales=12_000_000, ramp=1.0)
    # 8/3 x 600,000 = 1.6M > 792,000: hiring wins, and the words say on what basis and ramp
    assert strong["hire_alternative"]["marketing_beats_hiring"] is False
    text = words.hire_sentence(strong)
    assert "recorded: won deals sourced by sales, per rep" in text and "about 100% of that" in text
    assert "hiring would bring more than the marketing leads" in text
    # in a what-if, a rep's own sales stay what the team recorded: 1,200,000 / the team's 20 reps
    more = prospecting.evaluate_economics(d, {"reps": 40}, recorded_sales=1200000)
    assert more["hire_alternative"]["revenue_per_rep"] == pytest.approx(60000)


def test_model_passes_settings_and_the_deal_list_to_the_one_computation(tmp_path):
    from types import SimpleNamespace

    eng = engagement(tmp_path)
    eng.settings = {"spend_elasticity": 1.0, "hire_ramp": 0.75}
    (tmp_path / "prospecting.yaml").write_text(yaml.safe_dump({**BASE, "scenarios": [
        {"name": "Double budget", "program_cost": 800000}]}), encoding="utf-8")
    (tmp_path / "deals.csv").write_text("deal_id,rep,amount,won,source,marketing_touches\n"
                                        "D1,a,1000000,yes,sales,0\nD2,b,300000,yes,marketing,2\n", encoding="utf-8")
    res = economics.evaluate(eng)
    p = res["prospecting"]
    assert p["scenarios"][1]["marketing_revenue"] == pytest.approx(792000 * 2)  # elasticity 1: in proportion
    assert p["hire_alternative"]["basis"] == "deals" and p["hire_alternative"]["ramp"] == 0.75
    assert p["hire_alternative"]["revenue"] == pytest.approx(8 / 3 * 1000000 / 20 * 0.75)
    assert res["attribution"]["by_source"] == {"marketing": 300000, "sales": 1000000, "partner": 0, "other": 0}
    assert res["attribution"]["won_revenue"] == 1300000 and res["attribution"]["period"] == "the last 12 months"
    # the interactive what-if: the same function, the run's deals
    snap = SimpleNamespace(engagement=eng, data={"economics": economics.read(eng)})
    live = economics.whatif(snap, res, {"program_cost": 800000})
    assert live["whatif"] == {**p["scenarios"][1], "name": "what-if"}
    assert live["hire_alternative"]["revenue_per_rep"] == p["hire_alternative"]["revenue_per_rep"]


def test_the_bridge_names_modelled_and_recorded_with_their_period_and_the_gap():
    results = {"prospecting": prospecting.evaluate_economics(data(period="fiscal year 2026")),
               "attribution": {"won_revenue": 2_000_000, "sourced_revenue": 600_000, "influenced_revenue": 900_000,
                               "sourced_share": 0.3, "influenced_share": 0.45, "deals": 40, "won_deals": 12,
                               "by_source": {"marketing": 600_000, "sales": 1_100_000, "partner": 200_000,
                                             "other": 100_000}, "period": "fiscal year 2026"}}
    table = views.bridge_table(results)
    assert list(table.columns) == ["Revenue", "Kind", "From", "Period", "Amount"]
    assert list(table["Kind"]) == ["Modelled"] * 3 + ["Recorded"] * 6
    assert set(table["Period"]) == {"fiscal year 2026"}
    assert list(table["Amount"]) == ["$760K", "$792K", "$1.6M", "$2M", "$600K", "$1.1M", "$200K", "$100K", "$900K"]
    # modelled marketing 792,000 against recorded marketing-sourced 600,000: 32 % apart, more than 10 %
    assert words.bridge_gap(results) == pytest.approx(0.32)
    sentence = words.bridge_sentence(results)
    assert sentence.startswith("The modelled marketing revenue ($792K) is 32% more than the marketing-sourced "
                               "revenue the deal list records for fiscal year 2026 ($600K).")
    close = {**results, "attribution": {**results["attribution"], "sourced_revenue": 750_000}}
    assert abs(words.bridge_gap(close)) <= 0.10 and words.bridge_sentence(close) == ""
    assert words.bridge_sentence({"prospecting": results["prospecting"]}) == ""
    assert views.bridge_table({"prospecting": None, "attribution": None}) is None


def _experiment(p: float, lift: float, significant: bool) -> dict:
    return {"lift": lift, "relative_lift": lift / 400000, "p_value": p, "significant": significant, "ci_low": -1.0,
            "ci_high": 1.0, "treatment": {"n": 12, "mean": 400000 + lift, "sd": 1.0},
            "control": {"n": 12, "mean": 400000, "sd": 80000}, "needed_per_group": 53, "needed_for_lift": 0.11}


def test_budget_moves_only_when_the_experiment_supports_it():
    p = prospecting.evaluate_economics(data())
    assert p["hire_alternative"]["marketing_beats_hiring"] is True
    text, tone = words.recommendation({"prospecting": p, "experiment": _experiment(0.137, 47000, False)})
    assert text.startswith("Not proven yet: test before moving budget.") and tone == "watch"
    assert "needs 53 reps per group; this one had 12" in text
    text, tone = words.recommendation({"prospecting": p, "experiment": _experiment(0.01, 47000, True)})
    assert text.startswith("Invest in marketing leads.") and tone == "good"
    text, tone = words.recommendation({"prospecting": p, "experiment": _experiment(0.01, -47000, True)})
    assert text.startswith("Not proven yet") and "sold less" in text and tone == "alert"
    text, tone = words.recommendation({"prospecting": p, "experiment": None})
    assert text.startswith("Marketing leads win on the modelled figures") and "No experiment" in text
    assert words.recommendation({"prospecting": None}) is None


def test_sensitivity_is_the_uncertainty_of_the_time_estimate_never_prospecting_more():
    r = prospecting.evaluate_economics(data())
    assert [s["revenue"] for s in r["sensitivity"]] == pytest.approx([760000] * 5)  # revenue does not move
    text = words.sensitivity_sentence(r)
    assert "is an estimate" in text and "only its cost depends on the estimate" in text
    chart = views.sensitivity(r).to_dict()
    words_on_chart = json.dumps(chart).lower()
    assert "how sure is the measurement" in words_on_chart and "true share" in words_on_chart
    assert "prospecting more" not in words_on_chart and "more prospecting" not in words_on_chart


# --- METHOD 12 through the command line: bad input refused, the scaffold's files -------------------------------
@pytest.mark.parametrize(("settings", "scenarios", "message"), [
    ({"spend_elasticity": 0}, None, "'settings.spend_elasticity' is 0; it must be a number greater than 0 and at "
                                    "most 1.5."),
    ({"spend_elasticity": 1.6}, None, "'settings.spend_elasticity' is 1.6; it must be a number greater than 0"),
    ({"spend_elasticity": "high"}, None, "'settings.spend_elasticity' is 'high'; it must be a number"),
    ({"hire_ramp": 0}, None, "'settings.hire_ramp' is 0; it must be a number greater than 0 and at most 1."),
    ({"hire_ramp": 1.2}, None, "'settings.hire_ramp' is 1.2; it must be a number greater than 0 and at most 1."),
    (None, [{"name": "A", "reps": 22}, {"name": "B", "reps": -3}],
     "prospecting.yaml: scenarios[2].reps is -3; it must be a number of 0 or more."),
    (None, [{"name": "A", "reps": "ten"}], "prospecting.yaml: scenarios[1].reps is 'ten'; it must be a number"),
    (None, [{"name": "A", "budget": 5}], "prospecting.yaml: scenarios[1].budget is not a known field"),
    (None, [{"name": "A", "reps": 22}, {"name": " a ", "reps": 23}],
     "prospecting.yaml: scenarios[2].name 'a' repeats scenarios[1]; scenario names must be unique."),
])
def test_a_bad_setting_or_scenario_stops_the_run_with_one_message_and_writes_nothing(tmp_path, settings, scenarios,
                                                                                       message):
    from click.testing import CliRunner

    from playbook.cli import main

    from .conftest import write_engagement

    folder = write_engagement(tmp_path / "eng", settings=settings)
    (folder / "prospecting.yaml").write_text(yaml.safe_dump({**BASE, **({"scenarios": scenarios} if scenarios
                                                                         else {})}), encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["run", str(folder), "--out", str(out), "--no-pdf", "--no-deck"])
    assert res.exit_code == 2, res.output
    assert message in res.output and "Traceback" not in res.output
    assert len([line for line in res.output.splitlines() if line.strip()]) == 1
    assert not out.exists() and not (folder / "answers.sqlite").exists()


def test_playbook_new_writes_every_economics_input_commented_and_not_assessed_until_filled_in(tmp_path):
    from click.testing import CliRunner

    from playbook.cli import main
    from playbook.core.engagement import load

    folder = tmp_path / "acme"
    assert CliRunner().invoke(main, ["new", str(folder), "--client", "Acme"]).exit_code == 0
    text = (folder / "prospecting.yaml").read_text(encoding="utf-8")
    assert all(line.startswith("#") for line in text.splitlines() if line.strip())
    for key in ("period:", "reps:", "cost_per_rep:", "prospecting_share:", "categories:", "marketing:", "scenarios:"):
        assert f"# {key}" in text
    assert "#   program_cost: 400000" in text
    assert text.count("{name:") == 5  # three example categories and two example scenarios
    assert (folder / "deals.csv").read_text().splitlines()[-1] == "deal_id,rep,amount,won,source,marketing_touches"
    assert (folder / "experiment.csv").read_text().splitlines()[-1] == "rep,group,revenue"
    eng = load(folder)
    assert economics.read(eng) is None  # nothing filled in: the part is not assessed
    # the consultant fills them in: uncomment the example plan, paste a deal and two groups under the headers
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("# period:"))
    end = next(i for i, line in enumerate(lines) if "Two more reps" in line)
    (folder / "prospecting.yaml").write_text("\n".join(line[2:] for line in lines[start:end + 1]) + "\n")
    with (folder / "deals.csv").open("a") as f:
        f.write("D-1,rep-01,48000,yes,sales,0\nD-2,rep-02,50000,maybe,marketing,2\n")
    with (folder / "experiment.csv").open("a") as f:
        f.write("rep-01,treatment,10\nrep-02,treatment,12\nrep-03,control,8\nrep-04,control,9\n")
    # the comment lines count as rows, so a message names the row the consultant sees in the file
    with pytest.raises(UserError, match=r"^deals.csv, row 10, column won: won 'maybe'"):
        economics.read(eng)
    (folder / "deals.csv").write_text((folder / "deals.csv").read_text().replace("maybe", "no"))
    res = economics.evaluate(eng)
    assert [s["name"] for s in res["prospecting"]["scenarios"]] == ["current", "Marketing budget up a quarter",
                                                                    "Two more reps"]
    assert res["prospecting"]["period"] == "fiscal year 2026" and res["attribution"]["won_revenue"] == 48000
    assert res["prospecting"]["hire_alternative"]["basis"] == "deals" and res["experiment"]["treatment"]["n"] == 2
