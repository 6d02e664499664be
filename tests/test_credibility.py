"""Credibility stage (METHOD 2): scoring boundaries, waves, words, charts and the sample."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

import playbook
from playbook.core import settings as settings_mod
from playbook.core.engagement import Engagement, Respondent
from playbook.core.errors import UserError
from playbook.core.formats import number
from playbook.core.instruments import level_items
from playbook.core.responses import current_answers
from playbook.core.snapshot import Snapshot
from playbook.parts import take_snapshot
from playbook.parts.charts import to_svg
from playbook.parts.credibility import model as credibility
from playbook.parts.credibility import views as charts
from playbook.parts.credibility import words

PERIOD = "2026-Q4"
PEOPLE = [
    Respondent("mkt-lead", "Mara Voss", "marketing", "leader"),
    Respondent("mkt-ops", "Ike Tran", "marketing", "member"),
    Respondent("mkt-web", "Lou Park", "marketing", "member"),
    Respondent("sls-lead", "Sam Ortiz", "sales", "leader"),
    Respondent("sls-rep", "Kit Moreau", "sales", "member"),
    Respondent("sls-rep-2", "Ada Nwosu", "sales", "member"),
]
SIDE = {p.id: p.side for p in PEOPLE}


def make_eng(tmp_path: Path | None = None, **overrides) -> Engagement:
    return Engagement(path=tmp_path or Path("."), id="test-co", client="Test Co", consultant="", period=PERIOD,
                      respondents=PEOPLE, settings=settings_mod.resolve(overrides))


def rate(rid: str, item: str, value: int, wave: str = PERIOD) -> dict:
    return {"respondent": rid, "item": item, "value": value, "comment": "", "wave": wave, "side": SIDE[rid],
            "role": "member", "name": rid}


def rate_level(rid: str, level: int, value: int, wave: str = PERIOD) -> list[dict]:
    return [rate(rid, item, value, wave) for item in level_items(level)]


def everyone(level: int, value: int, side: str | None = None, wave: str = PERIOD) -> list[dict]:
    return [a for p in PEOPLE if side in (None, p.side) for a in rate_level(p.id, level, value, wave)]


# --- thresholds -------------------------------------------------------------------

def test_score_exactly_at_threshold_is_established():
    res = credibility.evaluate(make_eng(), everyone(1, 4, "sales"))
    assert res["level_scores"]["1"] == 0.75
    assert res["established"]["1"] is True
    assert res["stage"] == 1 and res["focus"] == 2


def test_threshold_reached_despite_float_noise():
    # item means 13/3, 11/3 and six 4s: the level mean is 4.0 in exact arithmetic
    answers = everyone(1, 4, "sales")
    answers = [a for a in answers if a["item"] not in ("CS1-1", "CS1-2")]
    answers += [rate("sls-lead", "CS1-1", 5), rate("sls-rep", "CS1-1", 4), rate("sls-rep-2", "CS1-1", 4)]
    answers += [rate("sls-lead", "CS1-2", 4), rate("sls-rep", "CS1-2", 4), rate("sls-rep-2", "CS1-2", 3)]
    res = credibility.evaluate(make_eng(), answers)
    assert res["established"]["1"] is True
    assert res["item_scores"]["CS1-1"] == pytest.approx(13 / 3)


def test_score_just_below_threshold_is_not_established():
    answers = everyone(1, 4, "sales")
    answers[0] = {**answers[0], "value": 3}  # one rater one point lower on one item
    res = credibility.evaluate(make_eng(), answers)
    assert res["level_scores"]["1"] < 0.75
    assert res["established"]["1"] is False
    assert res["stage"] == 0 and res["focus"] == 1


def test_threshold_comes_from_settings():
    answers = everyone(1, 4, "sales")
    answers[0] = {**answers[0], "value": 3}
    assert credibility.evaluate(make_eng(stage_threshold=0.7), answers)["stage"] == 1
    assert credibility.evaluate(make_eng(stage_threshold=0.8), everyone(1, 4, "sales"))["stage"] == 0
    assert credibility.evaluate(make_eng(stage_threshold=1), everyone(1, 5, "sales"))["established"]["1"] is True


# --- levels, basis and stages -----------------------------------------------------

def test_level_with_no_ratings_is_insufficient_data():
    res = credibility.evaluate(make_eng(), everyone(1, 5, "sales") + everyone(3, 5, "sales"))
    assert res["level_scores"]["2"] is None
    assert res["established"]["2"] is False
    assert res["level_status"]["2"] == "insufficient data"
    assert res["stage"] == 1 and res["focus"] == 2
    assert [s["item"] for s in res["next_steps"]] == level_items(2)
    assert all(s["mean"] is None for s in res["next_steps"])


def test_unanswered_items_are_left_out():
    answers = [rate("sls-lead", "CS1-1", 5), rate("sls-lead", "CS1-2", 4)]
    res = credibility.evaluate(make_eng(), answers)
    assert res["level_scores"]["1"] == pytest.approx((4.5 - 1) / 4)
    assert res["item_scores"]["CS1-3"] is None


def test_no_sales_raters_falls_back_to_all_with_warning():
    res = credibility.evaluate(make_eng(), everyone(1, 5, "marketing"))
    assert res["basis"] == "all"
    assert res["stage"] == 1
    assert any("self-assessed only" in w for w in res["warnings"])
    assert res["raters"] == {"sales": 0, "marketing": 3, "counted": 3}


def test_sales_basis_ignores_marketing_ratings():
    answers = everyone(1, 5, "marketing") + everyone(1, 2, "sales")
    res = credibility.evaluate(make_eng(), answers)
    assert res["basis"] == "sales" and res["stage"] == 0
    assert not any("self-assessed only" in w for w in res["warnings"])
    assert res["views"]["marketing"]["stage"] == 1


def test_stage_zero():
    res = credibility.evaluate(make_eng(), [a for lv in (1, 2, 3) for a in everyone(lv, 2, "sales")])
    assert res["stage"] == 0 and res["focus"] == 1
    assert res["level_scores"] == {"1": 0.25, "2": 0.25, "3": 0.25}
    assert [s["item"] for s in res["next_steps"]] == level_items(1)
    assert words.findings(res)[0].startswith("Stage 0 of 3")


def test_stage_three():
    res = credibility.evaluate(make_eng(), [a for lv in (1, 2, 3) for a in everyone(lv, 5, "sales")])
    assert res["stage"] == 3 and res["focus"] is None
    assert res["next_steps"] == [] and res["warnings"] == []
    assert words.findings(res)[0].startswith("Stage 3 of 3")


def test_building_on_sand_warning():
    answers = everyone(1, 2, "sales") + everyone(2, 5, "sales") + everyone(3, 5, "sales")
    res = credibility.evaluate(make_eng(), answers)
    assert res["stage"] == 0 and res["focus"] == 1
    text = " ".join(res["warnings"])
    assert "level 2 scores high but level 1 is not established" in text
    assert "level 3 scores high but level 1 is not established" in text


def test_no_warning_for_the_focus_level_itself():
    answers = everyone(1, 5, "sales") + everyone(2, 3, "sales") + everyone(3, 5, "sales")
    res = credibility.evaluate(make_eng(), answers)
    assert res["stage"] == 1
    assert res["warnings"] == ["Building on sand: level 3 scores high but level 2 is not established, and stages "
                               "are earned in order."]


def test_forced_view_without_raters_is_insufficient_data():
    res = credibility.evaluate(make_eng(), everyone(1, 5, "marketing"), basis="sales")
    assert res["basis"] == "sales"
    assert res["level_scores"] == {"1": None, "2": None, "3": None}
    assert res["stage"] == 0 and res["focus"] == 1
    assert "insufficient data" in res["warnings"][0]


def test_forced_marketing_view_is_self_assessed():
    answers = everyone(1, 5, "marketing") + everyone(1, 2, "sales")
    res = credibility.evaluate(make_eng(), answers, basis="marketing")
    assert res["basis"] == "marketing" and res["stage"] == 1
    assert any("self-assessed only" in w for w in res["warnings"])


def test_unknown_basis_is_a_user_error():
    with pytest.raises(UserError, match="basis"):
        credibility.evaluate(make_eng(), [], basis="finance")


# --- perception gap and next steps -------------------------------------------------

def test_perception_gap_flag_exactly_at_the_flag_value():
    answers = [rate("mkt-lead", "CS1-1", 5), rate("mkt-ops", "CS1-1", 4), rate("mkt-web", "CS1-1", 4),
               rate("sls-lead", "CS1-1", 3), rate("sls-rep", "CS1-1", 4), rate("sls-rep-2", "CS1-1", 3),
               rate("mkt-lead", "CS1-2", 4), rate("sls-lead", "CS1-2", 5),
               rate("mkt-lead", "CS1-3", 4), rate("sls-lead", "CS1-3", 3), rate("sls-rep", "CS1-3", 4),
               rate("mkt-lead", "CS1-4", 5)]
    gaps = {g["item"]: g for g in credibility.evaluate(make_eng(min_group_size=1), answers)["perception_gap"]}
    assert gaps["CS1-1"]["gap"] == pytest.approx(1.0) and gaps["CS1-1"]["flagged"] is True  # 13/3 - 10/3
    assert gaps["CS1-1"]["marketing_mean"] == pytest.approx(13 / 3)  # full precision in results
    assert gaps["CS1-2"]["gap"] == pytest.approx(-1.0) and gaps["CS1-2"]["flagged"] is True
    assert gaps["CS1-3"]["gap"] == pytest.approx(0.5) and gaps["CS1-3"]["flagged"] is False
    assert gaps["CS1-4"] == {"item": "CS1-4", "marketing_mean": 5.0, "sales_mean": None, "gap": None,
                             "flagged": False, "marketing_n": 1, "sales_n": 0, "dont_know_share": 0.0,
                             "suppressed": False}
    assert len(gaps) == 20
    loose = credibility.evaluate(make_eng(perception_gap_flag=0.5, min_group_size=1), answers)["perception_gap"]
    assert {g["item"] for g in loose if g["flagged"]} == {"CS1-1", "CS1-2", "CS1-3"}


def test_next_steps_for_the_focus_level():
    answers = everyone(1, 4, "sales") + everyone(2, 4, "sales")
    answers = [a for a in answers if a["item"] != "CS2-6"]  # unrated: still a next step
    answers = [{**a, "value": 3} if a["item"] == "CS2-2" else a for a in answers]
    answers = [{**a, "value": 2} if a["item"] == "CS2-1" and a["respondent"] == "sls-lead" else a for a in answers]
    res = credibility.evaluate(make_eng(), answers)
    assert res["stage"] == 1 and res["focus"] == 2
    steps = {s["item"]: s for s in res["next_steps"]}
    assert list(steps) == ["CS2-1", "CS2-2", "CS2-6"]
    assert steps["CS2-2"]["mean"] == 3.0 and steps["CS2-6"]["mean"] is None
    assert steps["CS2-2"]["action"] == credibility.actions()["CS2-2"]


def test_every_cs_item_has_an_action():
    actions = credibility.actions()
    assert set(actions) == set(credibility.cs_items())
    assert all(len(text) > 40 and "\n" not in text for text in actions.values())


# --- waves ------------------------------------------------------------------------

def test_by_wave_with_two_waves():
    answers = everyone(1, 3, "sales", wave="2026-Q2") + everyone(1, 5, "sales") + everyone(2, 4, "sales")
    answers.append({**rate("mkt-lead", "MSE-1", 1), "value": "yes"})  # not a CS answer: ignored
    waves = credibility.by_wave(make_eng(), answers)
    assert [w["wave"] for w in waves] == ["2026-Q2", "2026-Q4"]
    assert [w["stage"] for w in waves] == [0, 2]
    assert waves[0]["level_scores"] == {"1": 0.5, "2": None, "3": None}
    assert waves[1]["focus"] == 3
    assert list(charts._waves_shown(waves)["Stage"]) == ["0", "2"]


def test_evaluate_picks_the_period_wave_from_mixed_answers():
    answers = everyone(1, 5, "sales", wave="2026-Q2") + everyone(1, 2, "sales")
    res = credibility.evaluate(make_eng(), answers)
    assert res["wave"] == PERIOD and res["stage"] == 0
    assert credibility.evaluate(make_eng(), answers, wave="2026-Q2")["stage"] == 1


# --- the run's snapshot -------------------------------------------------------------

def test_evaluate_snapshot_is_the_wave_plus_every_wave():
    answers = everyone(1, 3, "sales", wave="2026-Q2") + everyone(1, 5, "sales") + everyone(2, 4, "sales")
    snap = Snapshot(make_eng(), answers)
    block = credibility.evaluate_snapshot(snap)["credibility"]
    assert block["wave"] == PERIOD and block["stage"] == 2
    assert [(w["wave"], w["stage"]) for w in block["waves"]] == [("2026-Q2", 0), (PERIOD, 2)]
    earlier = credibility.evaluate_snapshot(snap, "2026-Q2")["credibility"]
    assert earlier["wave"] == "2026-Q2" and earlier["stage"] == 0 and len(earlier["waves"]) == 2


def test_evaluate_snapshot_without_ratings_is_none():
    yes = {**rate("mkt-lead", "MSE-1", 1), "value": "yes"}
    assert credibility.evaluate_snapshot(Snapshot(make_eng(), [yes])) == {"credibility": None}
    assert credibility.read(make_eng()) is None


def test_evaluate_snapshot_for_a_wave_without_ratings():
    snap = Snapshot(make_eng(), everyone(1, 5, "sales", wave="2026-Q2"))
    block = credibility.evaluate_snapshot(snap)["credibility"]  # ratings in another wave: assessed, no data now
    assert block["wave"] == PERIOD and block["level_status"]["1"] == "insufficient data"
    assert [w["wave"] for w in block["waves"]] == ["2026-Q2"]


def test_results_keep_full_precision_and_words_round():
    answers = [rate("sls-lead", "CS1-1", 5), rate("sls-rep", "CS1-1", 4), rate("sls-rep-2", "CS1-1", 4)]
    res = credibility.evaluate(make_eng(), answers)
    assert res["item_scores"]["CS1-1"] == 13 / 3
    assert res["level_scores"]["1"] == (13 / 3 - 1) / 4
    assert words.percent(res["level_scores"]["1"]) == "83%"
    assert number(13 / 3, 1) == "4.3"
    assert number(3.75, 1) == "3.8" and number(4.25 - 3.2, 1, signed=True) == "+1.1"
    assert number(None, 1) == "–" and words.percent(None) == "insufficient data"


# --- output shape, words, report, charts ----------------------------------------------

def test_result_has_method_keys_and_is_json_safe():
    res = credibility.evaluate(make_eng(), everyone(1, 4) + everyone(2, 3, "sales"))
    for key in ("basis", "stage", "focus", "level_scores", "established", "warnings", "next_steps",
                "perception_gap"):
        assert key in res
    json.dumps(res, allow_nan=False)
    assert set(res["next_steps"][0]) >= {"item", "action"}
    assert set(res["perception_gap"][0]) >= {"item", "marketing_mean", "sales_mean", "gap", "flagged"}


def test_report_section_when_not_assessed():
    sec = charts.report_section({"credibility": None})
    assert sec["findings"][0].startswith("Not assessed")
    assert sec["figures"] == {} and sec["tables"] == {}


def test_charts_convert_to_svg():
    answers = everyone(1, 4) + everyone(2, 3, "sales") + everyone(2, 5, "marketing")
    res = credibility.evaluate(make_eng(), answers)
    waves = credibility.by_wave(make_eng(), answers + everyone(1, 2, "sales", wave="2026-Q2"))
    for chart in (charts.levels(res), charts.levels(res, views=("all",)), charts.perception_gap(res),
                  charts.waves(waves, 0.75)):
        assert to_svg(chart).lstrip().startswith("<svg")


def test_charts_with_nothing_to_plot():
    res = credibility.evaluate(make_eng(), [])
    assert res["level_status"] == {"1": "insufficient data", "2": "insufficient data", "3": "insufficient data"}
    for chart in (charts.levels(res), charts.perception_gap(res), charts.waves([], 0.75)):
        assert to_svg(chart).lstrip().startswith("<svg")


# --- the shipped sample and input files ---------------------------------------------

@pytest.fixture(scope="module")
def sample():
    eng = playbook.load()
    all_answers = current_answers(eng)
    answers = [a for a in all_answers if a["wave"] == eng.period]
    res = credibility.evaluate(eng, answers)
    res["waves"] = credibility.by_wave(eng, all_answers)
    return eng, res


def test_sample_engagement_stage_and_focus(sample):
    _, res = sample
    assert res["basis"] == "sales" and res["stage"] == 1 and res["focus"] == 2
    assert res["views"]["marketing"]["stage"] == 2  # marketing sees itself one level further
    assert [s["item"] for s in res["next_steps"]] == ["CS2-1", "CS2-2", "CS2-3", "CS2-4", "CS2-6"]
    flagged = {g["item"]: g["gap"] for g in res["perception_gap"] if g["flagged"]}
    assert {"CS2-2", "CS2-3"} <= set(flagged)
    # three of the four sales raters answered "don't know" on joint planning: too few to show their mean
    cs33 = next(g for g in res["perception_gap"] if g["item"] == "CS3-3")
    assert cs33["suppressed"] and cs33["sales_mean"] is None and cs33["gap"] is None and not cs33["flagged"]
    assert flagged["CS2-6"] < 0  # sales thinks it closes the loop; marketing disagrees
    assert [(w["wave"], w["stage"]) for w in res["waves"]] == [("2026-Q2", 0), ("2026-Q4", 1)]


def test_sample_report_section(sample):
    _, res = sample
    sec = charts.report_section({"credibility": res})
    assert sec["findings"][0].startswith("Stage 1 of 3")
    assert any("Q2 2026" in line for line in sec["findings"])  # periods as people write them
    assert list(sec["figures"]) == ["levels", "perception_gap", "waves"]
    for _, chart in sec["figures"].values():
        assert to_svg(chart).lstrip().startswith("<svg")
    assert list(sec["tables"]) == ["levels", "next_steps", "perception_gap", "waves"]
    assert sec["tables"]["next_steps"][0] == "Next steps for level 2"
    assert sec["tables"]["waves"][0] == "Stage per wave"


def test_equal_gaps_keep_the_items_order(sample):
    eng, _ = sample
    eng = dataclasses.replace(eng, settings={**eng.settings, "min_group_size": 1})  # two marketing raters in Q2
    earlier = credibility.evaluate_snapshot(Snapshot(eng, current_answers(eng)), "2026-Q2")["credibility"]
    gaps = {g["item"]: g["gap"] for g in earlier["perception_gap"]}
    assert gaps["CS1-3"] == pytest.approx(gaps["CS2-2"])  # 5/3 both, up to float noise
    assert any("the widest: “The year is planned together” (+2.3); “Sales accepts its opportunities” (+2.0); "
               "“Marketers spend time in the field” (+1.7)." in line for line in words.findings(earlier))


def test_live_view_switches_between_views(sample):
    from playbook.parts.credibility import live as credibility_live

    eng, _ = sample
    widget = credibility_live.live_view(eng)
    view = widget._playbook_view
    assert view.result["basis"] == "sales" and view.result["stage"] == 1
    assert "<svg" in view.charts.value
    view.toggle.value = "marketing"
    assert view.result["basis"] == "marketing" and view.result["stage"] == 2
    assert "self-assessed only" in view.summary.value
    view.toggle.value = "all"
    assert view.result["basis"] == "all"


ENGAGEMENT_YAML = """id: test-co
client: Test Co
period: 2026-Q4
respondents:
  - {id: sls-lead, name: Sam Ortiz, side: sales, role: leader}
"""


@pytest.mark.parametrize("answer", ["7", "0", "four", "4.5"])
def test_bad_rating_in_responses_csv(tmp_path, answer):
    (tmp_path / "engagement.yaml").write_text(ENGAGEMENT_YAML, encoding="utf-8")
    (tmp_path / "responses.csv").write_text(f"respondent,item,answer\nsls-lead,CS1-1,4\nsls-lead,CS1-2,{answer}\n",
                                            encoding="utf-8")
    eng = playbook.load(tmp_path)
    with pytest.raises(UserError) as err:
        take_snapshot(eng)
    msg = err.value.message
    assert "responses.csv, row 3" in msg and "CS1-2" in msg and repr(answer) in msg and "1 to 5" in msg


def test_item_of_no_level_in_responses_csv(tmp_path):
    (tmp_path / "engagement.yaml").write_text(ENGAGEMENT_YAML, encoding="utf-8")
    (tmp_path / "responses.csv").write_text("respondent,item,answer\nsls-lead,CS4-1,4\n", encoding="utf-8")
    with pytest.raises(UserError, match="row 2.*'CS4-1' is unknown"):
        take_snapshot(playbook.load(tmp_path))


@pytest.mark.parametrize("setting", ["stage_threshold: 0", "stage_threshold: 1.5", "perception_gap_flag: -0.5"])
def test_bad_settings_are_refused(tmp_path, setting):
    (tmp_path / "engagement.yaml").write_text(ENGAGEMENT_YAML + f"settings:\n  {setting}\n", encoding="utf-8")
    with pytest.raises(UserError, match=f"settings.{setting.split(':')[0]}"):
        playbook.load(tmp_path)


@pytest.mark.notebook
def test_notebook_headless_on_the_sample(tmp_path):
    import nbformat
    import papermill as pm

    nb = Path(__file__).parent.parent / "notebooks" / "credibility_stage.ipynb"
    out = tmp_path / nb.name
    pm.execute_notebook(str(nb), str(out), parameters={"mode": "report"}, cwd=str(tmp_path), progress_bar=False,
                        kernel_name="python3")
    outputs = [o for c in nbformat.read(str(out), as_version=4).cells for o in c.get("outputs", [])]
    tagged = [o["metadata"]["playbook"] for o in outputs if o.get("metadata", {}).get("playbook")]
    tagged = [t for t in tagged if t.get("part") == "credibility"]  # the page also shows what moved
    assert [t["title"] for t in tagged if t["kind"] == "figure"] == [
        "Credibility levels: sales view beside marketing view", "Perception gap per statement", "Level scores per wave"]
    assert "Next steps for level 2" in [t["title"] for t in tagged if t["kind"] == "table"]
    lines = next(t["lines"] for t in tagged if t["kind"] == "findings")
    assert lines[0].startswith("Stage 1 of 3") and "level 2" in lines[0]
    svgs = [o["data"]["image/svg+xml"] for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert len(svgs) >= 3 and all("http" not in s.replace("http://www.w3.org", "") for s in svgs)


# --- "don't know" (METHOD 7) and the target stage (METHOD 9) --------------------------------

def dont_know(rid: str, item: str, wave: str = PERIOD) -> dict:
    return {**rate(rid, item, 1, wave), "value": "dont_know"}


def test_dont_know_is_left_out_of_item_and_level_scores():
    answers = everyone(1, 4, "sales") + [dont_know("sls-rep", "CS2-1"), rate("sls-lead", "CS2-1", 5)]
    answers = [a for a in answers if not (a["item"] == "CS1-1" and a["respondent"] == "sls-rep")]
    answers.append(dont_know("sls-rep", "CS1-1"))
    res = credibility.evaluate(make_eng(min_group_size=1), answers)
    assert res["item_scores"]["CS1-1"] == 4.0 and res["level_scores"]["1"] == 0.75
    assert res["item_scores"]["CS2-1"] == 5.0 and res["level_scores"]["2"] == 1.0
    assert res["dont_know_shares"]["CS1-1"] == 1 / 3 and res["dont_know_shares"]["CS1-2"] == 0.0
    assert res["dont_know_shares"]["CS3-1"] is None
    gaps = {g["item"]: g for g in res["perception_gap"]}
    assert gaps["CS2-1"]["dont_know_share"] == 0.5 and gaps["CS2-1"]["sales_n"] == 1
    assert credibility.ratings([dont_know("sls-rep", "CS1-1")]) == []  # explicit: is_scored


def test_raters_who_only_said_dont_know_are_not_raters():
    answers = everyone(1, 5, "marketing") + [dont_know("sls-lead", i) for i in level_items(1)]
    res = credibility.evaluate(make_eng(), answers)
    assert res["raters"] == {"sales": 0, "marketing": 3, "counted": 3}
    assert res["basis"] == "all" and any("self-assessed only" in w for w in res["warnings"])


def test_next_steps_carry_the_dont_know_share():
    answers = everyone(1, 5, "sales") + [rate("sls-lead", "CS2-1", 2), dont_know("sls-rep", "CS2-1"),
                                          dont_know("sls-rep", "CS2-2")]
    res = credibility.evaluate(make_eng(min_group_size=1), answers)
    steps = {s["item"]: s for s in res["next_steps"]}
    assert steps["CS2-1"]["dont_know_share"] == 0.5 and steps["CS2-1"]["mean"] == 2.0
    assert steps["CS2-2"]["dont_know_share"] == 1.0 and steps["CS2-2"]["mean"] is None  # unrated: all don't know
    assert steps["CS2-3"]["dont_know_share"] is None and steps["CS2-3"]["suppressed"] is False


@pytest.mark.parametrize("target, levels, gap", [(3, (1,), 2), (1, (1,), 0), (2, (1, 2, 3), 0), (3, (), 3),
                                                 (2, (1,), 1)])
def test_target_stage_and_gap_to_target(target, levels, gap):
    answers = [a for lv in levels for a in everyone(lv, 5, "sales")]
    res = credibility.evaluate(make_eng(target_stage=target), answers)
    assert res["target_stage"] == target and res["gap_to_target"] == gap
    line = words.target_sentence(res)
    assert line == (f"The target of stage {target} is reached." if gap == 0 else line)
    if gap:
        assert f"{gap} level" in line and f"level {res['stage'] + 1}" in line
