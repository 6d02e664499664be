import pytest

from playbook import load
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
    assert any("very differently" in line and "Marketing over-promises help to sales" in line for line in findings(res))


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
    assert list(gaps["Difference"])[:2] == ["0 points", "-100 points"]  # differences of shares are in points
    assert list(gaps["Statement"])[:2] == ["Marketing over-promises help to sales", "Marketing puts own work before sales"]
    assert report_section({"self_evaluation": None}) == {
        "findings": ["Not assessed: no self-evaluation answers."], "figures": {}, "tables": {}}


# --- "don't know" (METHOD 7) ------------------------------------------------------------

def test_dont_know_is_answered_but_in_no_share(make_engagement):
    rows = [("mkt-lead", "MSE-1", "yes"), ("mkt-1", "MSE-1", "don't know"),  # self view: 1 scored, 1 don't know
            ("sls-lead", "MSE-1", "no"), ("sls-1", "MSE-1", "?")]
    res = run(make_engagement, rows, settings={"min_group_size": 1})
    g = res["self_evaluation"]["perception_gap"][0]
    assert (g["self_yes_share"], g["peer_yes_share"], g["difference"]) == (1.0, 0.0, -1.0)
    assert g["self_n"] == 1 and g["peer_n"] == 1  # scored answers only
    assert g["dont_know_share"] == 0.5 and g["suppressed"] is False
    assert res["self_evaluation"]["perception_gap"][1]["dont_know_share"] is None  # nobody answered MSE-2


def test_a_leaders_dont_know_is_not_a_yes_but_is_answered(make_engagement):
    rows = [("mkt-lead", "MSE-1", "yes"), ("mkt-lead", "MSE-2", "dont_know")]
    rows += [("mkt-lead", f"MSE-{i}", "no") for i in range(3, 7)]
    rows += [("sls-lead", f"SSE-{i}", "Don't Know") for i in range(1, 4)]
    se = run(make_engagement, rows)["self_evaluation"]
    m, s = se["marketing"], se["sales"]
    assert m["yes_count"] == 1 and m["credibility_gap"] is False  # a don't know does not make a second yes
    assert m["answered"] == 6 and m["unanswered"] == [] and m["dont_know_items"] == ["MSE-2"]
    assert s["yes_count"] == 0 and s["answered"] == 3 and s["meet_marketing_peer"] is False
    assert s["dont_know_items"] == ["SSE-1", "SSE-2", "SSE-3"]


def test_symptoms_leave_dont_know_out_of_shares_and_count(make_engagement):
    rows = [("sls-1", "SYM-2", "yes"), ("mkt-1", "SYM-2", "dont_know"), ("sls-lead", "SYM-2", "no"),
            ("sls-1", "SYM-3", "dont_know"), ("mkt-1", "SYM-3", "dont_know")]
    sym = run(make_engagement, rows)["symptoms"]
    assert sym["count"] == 1 and sym["present"] == ["SYM-2"]
    assert sym["shares"]["SYM-2"] == 0.5 and sym["shares"]["SYM-3"] is None  # pooled: never withheld
    assert sym["dont_know_shares"]["SYM-2"] == 1 / 3 and sym["dont_know_shares"]["SYM-3"] == 1.0
    assert sym["dont_know_shares"]["SYM-1"] is None
    assert sym["respondents"] == 3  # a don't know is an answer
