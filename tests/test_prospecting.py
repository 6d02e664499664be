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
    # hire: 400,000 / 150,000 = 8/3 reps; 760,000 / 20 = 38,000 per rep; 8/3 x 38,000 = 101,333.33...
    assert r["hire_alternative"] == pytest.approx({"extra_reps": 8 / 3, "revenue_per_rep": 38000,
                                                   "revenue": 8 / 3 * 38000, "marketing_beats_hiring": True})


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
    # marketing: 4 x 0.1 x 45,000 = 18,000 < 101,333.33 from 2.67 extra reps
    assert r["marketing"]["revenue"] == pytest.approx(18000)
    assert r["hire_alternative"]["marketing_beats_hiring"] is False
    assert r["baseline"]["marketing_beats_baseline"] is False  # 18,000 / 400,000 = 0.045 < 0.8
    text = " ".join(words.prospecting_findings(r))
    assert "hiring more reps would bring more revenue than the marketing leads" in text
    assert "do not beat cold calling" in text


def test_findings_name_the_verdict_and_better_sources():
    lines = words.prospecting_findings(prospecting.evaluate_economics(data()))
    assert any("marketing leads beat hiring more reps" in s for s in lines)
    assert any(s.startswith("Best prospecting return: Referral networking") for s in lines)
    assert words.prospecting_findings(None) == ["Not assessed: prospecting economics, because the engagement has "
                                                "no prospecting.yaml."]


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
    assert r["hire_alternative"] == {"extra_reps": None, "revenue_per_rep": None, "revenue": None,
                                     "marketing_beats_hiring": None}
    assert all(s["revenue_per_dollar"] is None for s in r["sensitivity"])
    json.dumps(r, allow_nan=False)
    assert "cannot be compared" in words.prospecting_findings(r)[-1]


def test_overrides_for_the_what_if():
    d = data()
    r = prospecting.evaluate_economics(d, {"reps": 10, "prospecting_share": 0.5, "program_cost": 300000,
                                           "cost_per_rep": 100000})
    # 10 x 100,000 x 0.5 = 500,000; revenue unchanged 760,000; 760 / 500 = 1.52
    assert r["prospecting_cost"] == pytest.approx(500000) and r["revenue_per_dollar"] == pytest.approx(1.52)
    # marketing 792,000 / 300,000 = 2.64; hire: 3 reps x 76,000 = 228,000
    assert r["marketing"]["revenue_per_dollar"] == pytest.approx(2.64)
    assert r["hire_alternative"]["extra_reps"] == 3 and r["hire_alternative"]["revenue"] == pytest.approx(228000)
    assert d["marketing"]["program_cost"] == 400000  # the data itself is untouched
    with pytest.raises(UserError, match=r"^what-if: prospecting_share is 1.5; it must be a number from 0 to 1\.$"):
        prospecting.evaluate_economics(d, {"prospecting_share": 1.5})
    with pytest.raises(UserError, match=r"^what-if: reps is True; it must be a number of 0 or more\.$"):
        prospecting.evaluate_economics(d, {"reps": True})
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
    (_set("categories.0.winrate", 0.1), "prospecting.yaml: categories[1].winrate is not a known field (did you mean "
                                        "'win_rate'?); allowed fields are name, time_share, opportunities, "
                                        "win_rate, avg_deal."),
    (_set("categories", []), "prospecting.yaml: categories must be a non-empty list"),
    (_set("marketing", DELETE), "prospecting.yaml: marketing is missing; it must be a mapping with program_cost"),
    (_set("marketing.program_cost", -5), "prospecting.yaml: marketing.program_cost is -5; it must be a number of 0 "
                                         "or more."),
    (_set("marketing", [1, 2]), "prospecting.yaml: marketing must be a mapping with program_cost, opportunities"),
    (_set("reps", DELETE), "prospecting.yaml: reps is missing; it must be a number of 0 or more."),
    ("reps: .nan\n", "prospecting.yaml: reps is nan; it must be a number of 0 or more."),
    ("- a\n- b\n", "prospecting.yaml must be a mapping with categories, marketing, reps"),
    ("", "prospecting.yaml must be a mapping"),
    ("reps: [1, 2\n", "prospecting.yaml: not valid YAML at line 2"),
    # from the schema (playbook/data/prospecting.schema.json): unknown keys, shapes, .inf, the first problem in order
    (_set("region", "EMEA"), "prospecting.yaml: region is not a known field; allowed fields are reps, cost_per_rep, "
                             "prospecting_share, categories, marketing."),
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
        "Not assessed: prospecting economics, because the engagement has no prospecting.yaml.",
        "Not assessed: sourced and influenced revenue, because the engagement has no deals.csv.",
        "Not assessed: the lead experiment, because the engagement has no experiment.csv.",
    ]


def test_report_section_with_one_part_present(tmp_path):
    shutil.copy(sample_path() / "prospecting.yaml", tmp_path / "prospecting.yaml")
    results = economics.evaluate(engagement(tmp_path))
    sec = views.report_section(results)
    assert {k: t for k, (t, _) in sec["figures"].items()} == {
        "cost_revenue": "Cost and revenue per source", "revenue_per_dollar": "Revenue per dollar by source",
        "sensitivity": "Sensitivity to prospecting time"}
    assert list(sec["tables"]) == ["sources", "sensitivity"]
    assert sec["findings"][-2].startswith("Not assessed: sourced and influenced revenue")
    assert list(sec["tables"]["sources"][1].columns) == ["Source", "Cost", "Opportunities", "Revenue",
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
    assert list(sec["figures"]) == ["cost_revenue", "revenue_per_dollar", "sensitivity", "attribution", "experiment"]
    assert list(sec["tables"]) == ["sources", "sensitivity", "attribution", "experiment"]
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
    assert "50% of their time" in out.value
    spend.value = 10000.0
    assert "$10K would pay for" in out.value
    reset.click()
    assert share.value == 0.3 and "30% of their time" in out.value


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
