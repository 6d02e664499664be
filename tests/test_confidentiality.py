"""Confidentiality (METHOD 8): a side's figure per item needs min_group_size scored answers; pooled figures stay."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook.core import settings as settings_mod
from playbook.core.engagement import Engagement, Respondent
from playbook.core.instruments import items, level_items
from playbook.parts.charts import to_svg
from playbook.parts.credibility import model as credibility
from playbook.parts.credibility import views as cred_views
from playbook.parts.self_evaluation import model as self_evaluation
from playbook.parts.self_evaluation import views as se_views
from playbook.report.document import individual

PERIOD = "2026-Q4"
PEOPLE = ([Respondent("m0", "Nell Arden", "marketing", "leader")]
          + [Respondent(f"m{i}", f"Marketer {i}", "marketing", "member") for i in range(1, 5)]
          + [Respondent("s0", "Rufus Hale", "sales", "leader")]
          + [Respondent(f"s{i}", f"Seller {i}", "sales", "member") for i in range(1, 5)])
BY_ID = {p.id: p for p in PEOPLE}


def eng(**settings) -> Engagement:
    return Engagement(path=Path("."), id="conf-co", client="Larchmont Glass", consultant="", period=PERIOD,
                      respondents=PEOPLE, settings=settings_mod.resolve(settings))


def answer(rid: str, item: str, value, comment: str = "") -> dict:
    p = BY_ID[rid]
    return {"respondent": rid, "item": item, "value": value, "comment": comment, "wave": PERIOD, "side": p.side,
            "role": p.role, "name": p.name}


def group(prefix: str, item: str, values: list) -> list[dict]:
    return [answer(f"{prefix}{i}", item, v) for i, v in enumerate(values)]


# --- self-evaluation: the self and peer yes-shares ---------------------------------------

@pytest.mark.parametrize("values, shown", [
    (["yes", "no", "no"], True),  # exactly min_group_size scored answers
    (["yes", "no"], False),  # one fewer
    (["yes", "no", "dont_know"], False),  # a don't know does not count toward the group
    (["yes", "no", "dont_know", "no"], True),
])
def test_self_view_share_needs_min_group_size_scored_answers(values, shown):
    answers = group("m", "MSE-1", values) + group("s", "MSE-1", ["yes"] * 4)
    g = self_evaluation.evaluate(eng(), answers)["self_evaluation"]["perception_gap"][0]
    scored = [v for v in values if v != "dont_know"]
    if shown:
        assert g["self_yes_share"] == scored.count("yes") / len(scored)
        assert g["difference"] == 1.0 - g["self_yes_share"] and g["suppressed"] is False
    else:
        assert g["self_yes_share"] is None and g["difference"] is None and g["suppressed"] is True
    assert g["peer_yes_share"] == 1.0  # the other side's figure stands on its own four answers
    assert g["dont_know_share"] == values.count("dont_know") / (len(values) + 4)


def test_suppressed_self_evaluation_in_table_chart_and_words():
    answers = group("m", "MSE-1", ["no", "no"]) + group("s", "MSE-1", ["yes"] * 3)  # a 100-point gap, withheld
    answers += group("m", "MSE-2", ["no"] * 3) + group("s", "MSE-2", ["yes"] * 3)  # shown
    res = self_evaluation.evaluate(eng(), answers)
    sec = se_views.report_section(res)
    table = sec["tables"]["perception_gap"][1].set_index("Statement")
    mse1, mse2, mse3 = (items()[i].short for i in ("MSE-1", "MSE-2", "MSE-3"))
    assert table.loc[mse1, "Own view (yes)"] == "fewer than 3 answers"
    assert table.loc[mse1, "Other side (yes)"] == "100%" and table.loc[mse1, "Difference"] == "–"
    assert table.loc[mse2, "Own view (yes)"] == "0%"
    assert table.loc[mse3, "Other side (yes)"] == "–"  # nobody answered: nothing withheld
    chart = sec["figures"]["perception_gap"][1]
    assert "1 figure left out: fewer than 3 answers" in " ".join(chart.to_dict()["title"]["subtitle"])
    assert to_svg(chart).lstrip().startswith("<svg")
    text = " ".join(sec["findings"])
    assert "very differently" in text and mse2 in text and mse1 not in text.split("very differently")[1][:80]
    assert "not compared side by side" in text and "fewer than 3 answers" in text


def test_leaders_flags_and_symptoms_are_pooled_and_never_withheld():
    answers = [answer("m0", "MSE-1", "yes"), answer("m0", "MSE-2", "yes"), answer("s0", "SSE-1", "yes")]
    answers += [answer("s1", "SYM-4", "yes")]
    res = self_evaluation.evaluate(eng(), answers)
    assert res["self_evaluation"]["marketing"]["credibility_gap"] is True
    assert res["self_evaluation"]["sales"]["meet_marketing_peer"] is True
    assert res["symptoms"]["shares"]["SYM-4"] == 1.0 and res["symptoms"]["count"] == 1


# --- credibility: the marketing and sales means ---------------------------------------------

@pytest.mark.parametrize("values, shown", [([5, 5, 5], True), ([5, 5], False), ([5, 5, "dont_know"], False)])
def test_side_mean_needs_min_group_size_scored_ratings(values, shown):
    answers = group("m", "CS1-1", values) + group("s", "CS1-1", [2, 2, 2, 2])
    res = credibility.evaluate(eng(), answers)
    g = res["perception_gap"][0]
    assert g["sales_mean"] == 2.0
    if shown:
        assert g["marketing_mean"] == 5.0 and g["gap"] == 3.0 and g["flagged"] is True and g["suppressed"] is False
    else:  # a three-point gap, never flagged while withheld
        assert g["marketing_mean"] is None and g["gap"] is None and g["flagged"] is False and g["suppressed"] is True


def test_withheld_means_in_results_tables_and_chart_but_pooled_levels_stay():
    answers = [answer("s0", i, 2) for i in level_items(1)] + group("m", "CS1-1", [5, 5, 5])
    res = credibility.evaluate(eng(), answers)  # one sales rater: the stage is still computed from them
    assert res["basis"] == "sales" and res["level_scores"]["1"] == 0.25 and res["stage"] == 0
    assert res["views"]["sales"]["level_scores"]["1"] == 0.25
    assert res["item_scores"]["CS1-1"] is None  # one person's rating per item is not shown
    steps = {s["item"]: s for s in res["next_steps"]}
    assert steps["CS1-1"]["mean"] is None and steps["CS1-1"]["suppressed"] is True
    assert all(g["gap"] is None for g in res["perception_gap"])
    sec = cred_views.report_section({"credibility": res})
    gaps = sec["tables"]["perception_gap"][1].set_index("Statement")
    cs11, cs21 = items()["CS1-1"].short, items()["CS2-1"].short
    assert gaps.loc[cs11, "Marketing mean"] == "5.0" and gaps.loc[cs11, "Sales mean"] == "fewer than 3 answers"
    assert gaps.loc[cs21, "Sales mean"] == "–"
    assert set(sec["tables"]["next_steps"][1]["Mean rating"]) == {"fewer than 3 answers"}
    chart = sec["figures"]["perception_gap"][1]
    assert "8 statements left out: fewer than 3 answers" in str(chart.to_dict())
    text = " ".join(sec["findings"])
    assert "2.0" not in text and "8 statements are not compared" in text
    assert "8 statements are below the threshold" in text  # withheld, not unrated


def test_min_group_size_comes_from_settings():
    answers = group("m", "CS1-1", [5]) + group("s", "CS1-1", [3])
    g = credibility.evaluate(eng(min_group_size=1), answers)["perception_gap"][0]
    assert g["gap"] == 2.0 and g["flagged"] is True and g["suppressed"] is False


def test_live_view_follows_the_same_rules(monkeypatch):
    from playbook.parts.credibility import live

    answers = [answer("s0", i, 2) for i in level_items(1)] + group("m", "CS1-1", [5, 5, 5])
    monkeypatch.setattr(live, "current_answers", lambda e, wave=None: answers)
    view = live.live_view(eng())._playbook_view
    assert "fewer than 3 answers" in view.steps.value
    assert "not compared" in view.summary.value
    view.toggle.value = "marketing"
    assert view.result["perception_gap"][0]["sales_mean"] is None


# --- comments and individual answers -----------------------------------------------------------

def test_individual_answers_name_leaders_only():
    answers = [answer("m2", "MSE-1", "yes", "we overpromise"), answer("m0", "MSE-1", "no", "fine by me"),
               answer("s3", "SYM-2", "dont_know")]
    people = individual(eng(), answers)
    assert [(p["name"], p["side"], p["role"]) for p in people] == [
        ("Nell Arden", "Marketing", "Head of marketing"), (None, "Marketing", "Marketing team"),
        (None, "Sales", "Sales team")]  # side and role in words (the report shows them as they are)
    assert people[1]["answers"] == [{"item": "MSE-1", "value": "yes", "comment": "we overpromise"}]
    assert "Marketer 2" not in repr(people) and "m2" not in repr(people)
