import pytest

from playbook import load
from playbook.core.responses import current_answers
from playbook.parts.self_evaluation.model import evaluate, findings

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
    gaps = {g["item"]: g for g in run(make_engagement, rows)["self_evaluation"]["perception_gap"]}
    assert (gaps["MSE-1"]["self_yes_share"], gaps["MSE-1"]["peer_yes_share"], gaps["MSE-1"]["difference"]) == (0.5, 1.0, 0.5)
    assert gaps["SSE-2"]["difference"] == 1.0
    assert gaps["SSE-2"]["about"] == "sales"


def test_no_peer_answers_gives_no_difference(make_engagement):
    res = run(make_engagement, yes_no("mkt-lead", "MSE", {1, 2}, 6))
    g = res["self_evaluation"]["perception_gap"][0]
    assert g["self_yes_share"] == 1.0 and g["peer_yes_share"] is None and g["difference"] is None


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
    assert sym["shares"]["SYM-2"] == pytest.approx(2 / 3, abs=1e-4)
    assert sym["shares"]["SYM-5"] == 0.5
    assert sym["shares"]["SYM-1"] == 0.0
