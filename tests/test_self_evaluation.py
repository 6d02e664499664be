import pytest

from playbook import load
from playbook.core.formats import share
from playbook.core.responses import current_answers
from playbook.core.snapshot import Snapshot
from playbook.parts.charts import to_svg
from playbook.parts.self_evaluation.model import evaluate, evaluate_snapshot, read
from playbook.parts.self_evaluation.views import report_section
from playbook.parts.self_evaluation.words import findings

from .conftest import yes_no


def run(make_engagement, rows, **kw):
    eng = load(make_engagement(rows=rows, **kw))
    return evaluate(eng, current_answers(eng))


@pytest.mark.parametrize("yes, gap", [(set(), False), ({1}, False), ({1, 4}, True), ({1, 2, 3, 4, 5, 6}, True)])
def test_credibility_gap_needs_more_than_one_marketing_leader_yes(make_engagement, yes, gap):
    res = run(make_engagement, yes_no("mkt-lead", "MSE", yes, 6))
    m = res["self_evaluation"]["marketing"]
    assert m["yes_count"] == len(yes)
    assert m["credibility_gap"] is gap


@pytest.mark.parametrize("yes, meet", [(set(), False), ({3}, True), ({1, 2, 3}, True)])
def test_one_sales_leader_yes_means_meet(make_engagement, yes, meet):
    res = run(make_engagement, yes_no("sls-lead", "SSE", yes, 3))
    assert res["self_evaluation"]["sales"]["meet_marketing_peer"] is meet


def test_only_the_leaders_self_view_counts_for_flags(make_engagement):
    rows = yes_no("mkt-1", "MSE", {1, 2, 3}, 6) + yes_no("sls-1", "MSE", {1, 2, 3, 4}, 6)
    rows += yes_no("mkt-lead", "MSE", {2}, 6) + yes_no("mkt-lead", "SSE", {1, 2, 3}, 3)
    rows += yes_no("sls-lead", "SSE", set(), 3)
    res = run(make_engagement, rows)
    assert res["self_evaluation"]["marketing"]["credibility_gap"] is False
    assert res["self_evaluation"]["sales"]["meet_marketing_peer"] is False


def test_mixed_case_answers_count(make_engagement):
    rows = [("mkt-lead", "MSE-1", "YES"), ("mkt-lead", "MSE-2", "Yes"), ("mkt-lead", "MSE-3", "nO")]
    res = run(make_engagement, rows)
    assert res["self_evaluation"]["marketing"]["yes_count"] == 2


def test_unanswered_items_are_listed_and_flags_unknown_without_answers(make_engagement):
    res = run(make_engagement, [("mkt-lead", "MSE-1", "yes"), ("sls-1", "SYM-2", "yes")])
    m, s = res["self_evaluation"]["marketing"], res["self_evaluation"]["sales"]
    assert m["answered"] == 1 and m["unanswered"] == ["MSE-2", "MSE-3", "MSE-4", "MSE-5", "MSE-6"]
    assert m["credibility_gap"] is False
    assert s["meet_marketing_peer"] is None
    assert "has not answered the sales self-evaluation" in " ".join(findings(res))


def test_perception_gap_is_peer_minus_self(make_engagement):
    rows = [("mkt-lead", "MSE-1", "no"), ("mkt-1", "MSE-1", "yes"),  # self view: 1 of 2
            ("sls-lead", "MSE-1", "yes"), ("sls-1", "MSE-1", "yes"),  # peer view: 2 of 2
            ("sls-lead", "SSE-2", "no"), ("mkt-lead", "SSE-2", "yes")]
    res = run(make_engagement, rows, settings={"min_group_size": 1})
    gaps = {g["item"]: g for g in res["self_evaluation"]["perception_gap"]}
    g = gaps["MSE-1"]
    assert (g["self_yes_share"], g["peer_yes_share"], g["difference"]) == pytest.approx((0.5, 1.0, 0.5))
    assert gaps["SSE-2"]["difference"] == 1.0
    assert gaps["SSE-2"]["about"] == "sales"


def test_no_peer_answers_gives_no_difference(make_engagement):
    res = run(make_engagement, yes_no("mkt-lead", "MSE", {1, 2}, 6), settings={"min_group_size": 1})
    g = res["self_evaluation"]["perception_gap"][0]
    assert g["self_yes_share"] == 1.0 and g["peer_yes_share"] is None and g["difference"] is None
    assert g["suppressed"] is False  # no peer answer at all: nothing withheld


@pytest.mark.parametrize("count, band", [(0, "low"), (1, "low"), (2, "moderate"), (4, "moderate"), (5, "severe"), (8, "severe")])
def test_symptom_bands(make_engagement, count, band):
    rows = yes_no("sls-1", "SYM", set(range(1, count + 1)), 8)
    sym = run(make_engagement, rows)["symptoms"]
    assert sym["count"] == count and sym["severity"] == band


def test_symptom_bands_follow_settings(make_engagement):
    rows = yes_no("sls-1", "SYM", {1, 2}, 8)
    sym = run(make_engagement, rows, settings={"symptoms_low_max": 2})["symptoms"]
    assert sym["severity"] == "low"


def test_symptom_shares_and_present(make_engagement):
    rows = yes_no("sls-1", "SYM", {2}, 8) + yes_no("mkt-1", "SYM", {2, 5}, 8) + [("sls-lead", "SYM-2", "no")]
    sym = run(make_engagement, rows)["symptoms"]
    assert sym["present"] == ["SYM-2", "SYM-5"]
    assert sym["shares"]["SYM-2"] == 2 / 3  # full precision in results
    assert sym["shares"]["SYM-5"] == 0.5
    assert sym["shares"]["SYM-1"] == 0.0


def test_a_fifty_point_gap_is_wide_despite_float_noise(make_engagement):
    # self view 1 of 5 yes, peer view 7 of 10 yes: 7/10 - 1/5 is 0.49999999999999994 in floats
    rows = [("mkt-lead", "MSE-1", "yes")] + [(f"m{i}", "MSE-1", "no") for i in range(4)]
    rows += [(f"s{i}", "MSE-1", "yes" if i < 7 else "no") for i in range(10)]
    people = [{"id": "mkt-lead", "name": "Mara Quill", "side": "marketing", "role": "leader"}]
    people += [{"id": f"m{i}", "name": f"M {i}", "side": "marketing", "role": "member"} for i in range(4)]
    people += [{"id": f"s{i}", "name": f"S {i}", "side": "sales", "role": "member"} for i in range(10)]
    res = run(make_engagement, rows, respondents=people)
    difference = res["self_evaluation"]["perception_gap"][0]["difference"]
    assert difference < 0.5 and difference == pytest.approx(0.5)
    assert any("very differently" in line and "MSE-1" in line for line in findings(res))


def test_evaluate_snapshot_takes_the_wave_and_is_none_without_answers(make_engagement):
    eng = load(make_engagement(rows=yes_no("mkt-lead", "MSE", {1, 2}, 6)))
    snap = Snapshot(eng, current_answers(eng))
    assert read(eng) is None
    assert evaluate_snapshot(snap) == evaluate(eng, current_answers(eng))
    assert evaluate_snapshot(snap, "2025-Q1") == {"self_evaluation": None, "symptoms": None}
    cs_only = [{**a, "item": "CS1-1", "value": 4} for a in snap.answers[:1]]
    assert evaluate_snapshot(Snapshot(eng, cs_only)) == {"self_evaluation": None, "symptoms": None}


def test_report_section_by_name(make_engagement):
    rows = yes_no("mkt-lead", "MSE", {1, 2}, 6) + yes_no("sls-1", "MSE", {1}, 6) + yes_no("sls-1", "SYM", {2}, 8)
    sec = report_section(run(make_engagement, rows, settings={"min_group_size": 1}))
    assert list(sec["figures"]) == ["perception_gap", "symptoms"]
    assert list(sec["tables"]) == ["perception_gap", "symptoms"]
    assert all(to_svg(chart).lstrip().startswith("<svg") for _, chart in sec["figures"].values())
    title, gaps = sec["tables"]["perception_gap"]
    assert title == "Self-evaluation statements: each side's view"
    assert list(gaps["Difference"])[:2] == [share(0.0, signed=True), "-100%"]
    assert report_section({"self_evaluation": None}) == {
        "findings": ["Not assessed: no self-evaluation answers."], "figures": {}, "tables": {}}
