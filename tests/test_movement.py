"""Waves and movement (METHOD 9): one wave vs two, small groups, "don't know", symptoms, the target stage."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook.core import settings as settings_mod
from playbook.core.engagement import Engagement, Respondent
from playbook.core.instruments import DONT_KNOW, items, level_items
from playbook.core.snapshot import Snapshot
from playbook.parts import BY_NAME, PARTS
from playbook.parts.charts import to_svg
from playbook.parts.movement import model, views, words
from playbook.report import summary

Q2, Q3, Q4 = "2026-Q2", "2026-Q3", "2026-Q4"
PEOPLE = [
    Respondent("mkt-lead", "Mara Voss", "marketing", "leader"),
    Respondent("mkt-ops", "Ike Tran", "marketing", "member"),
    Respondent("mkt-web", "Lou Park", "marketing", "member"),
    Respondent("sls-lead", "Sam Ortiz", "sales", "leader"),
    Respondent("sls-rep", "Kit Moreau", "sales", "member"),
    Respondent("sls-rep-2", "Ada Nwosu", "sales", "member"),
]
SIDE = {p.id: p.side for p in PEOPLE}
SALES = [p.id for p in PEOPLE if p.side == "sales"]
MARKETING = [p.id for p in PEOPLE if p.side == "marketing"]


def make_eng(**overrides) -> Engagement:
    return Engagement(path=Path("."), id="test-co", client="Harbor & Pine", consultant="", period=Q4,
                      respondents=PEOPLE, settings=settings_mod.resolve(overrides))


def ans(rid: str, item: str, value, wave: str) -> dict:
    return {"respondent": rid, "item": item, "value": value, "comment": "", "wave": wave, "side": SIDE[rid],
            "role": "member", "name": rid, "source": "file", "recorded_at": ""}


def rate_all(who: list[str], level: int, value, wave: str) -> list[dict]:
    return [ans(r, item, value, wave) for r in who for item in level_items(level)]


def stage_one(wave: str) -> list[dict]:
    """Level 1 established by sales (4 of 5), levels 2 and 3 not (2 of 5)."""
    return rate_all(SALES, 1, 4, wave) + rate_all(SALES, 2, 2, wave) + rate_all(SALES, 3, 2, wave)


def stage_zero(wave: str) -> list[dict]:
    return rate_all(SALES, 1, 3, wave) + rate_all(SALES, 2, 2, wave) + rate_all(SALES, 3, 2, wave)


def evaluate(answers: list[dict], wave: str | None = None, **settings) -> dict:
    return model.evaluate_snapshot(Snapshot(make_eng(**settings), answers), wave)


def item(moved: dict, item_id: str) -> dict:
    return next(i for i in moved["items"] if i["item"] == item_id)


# --- one wave, two waves ----------------------------------------------------------------

def test_no_answers_is_not_assessed():
    assert evaluate([]) == {"waves": None, "movement": None}
    assert words.findings(None, None) == [words.NOT_ASSESSED]


def test_one_wave_has_its_figures_and_nothing_to_compare():
    res = evaluate(stage_one(Q4))
    assert res["movement"] is None
    assert [(w["wave"], w["stage"], w["symptoms_count"]) for w in res["waves"]] == [(Q4, 1, None)]
    assert res["waves"][0]["level_scores"] == {"1": 0.75, "2": 0.25, "3": 0.25}
    sec = views.report_section(res)
    assert sec["findings"] == ["There is nothing to compare yet: this is the first wave."]
    assert sec["figures"] == {} and list(sec["tables"]) == ["waves"]


def test_two_waves_give_the_stage_level_and_item_changes():
    res = evaluate(stage_zero(Q2) + stage_one(Q4))
    moved = res["movement"]
    assert [w["wave"] for w in res["waves"]] == [Q2, Q4]
    assert (moved["from"], moved["to"], moved["stage_change"]) == (Q2, Q4, 1)
    assert moved["level_changes"] == {"1": pytest.approx(0.25), "2": 0.0, "3": 0.0}
    assert item(moved, "CS1-1") == {**item(moved, "CS1-1"), "from": 3.0, "to": 4.0, "change": 1.0}
    assert item(moved, "CS2-1")["change"] == 0.0
    cs = [i for i in moved["items"] if i["measure"] == model.MEAN]
    se = [i for i in moved["items"] if i["measure"] == model.YES_SHARE]
    assert len(cs) == 20 and len(se) == 9  # every credibility and every self-evaluation item
    assert all(i["change"] is None for i in se)  # not asked in either wave


def test_a_wave_without_ratings_has_no_stage_and_its_changes_are_none():
    sym = [ans(r, "SYM-1", "yes", Q2) for r in SALES]
    res = evaluate(sym + stage_one(Q4))
    q2 = res["waves"][0]
    assert (q2["stage"], q2["level_scores"], q2["symptoms_count"]) == (None, None, 1)
    moved = res["movement"]
    assert moved["stage_change"] is None and moved["level_changes"] == {"1": None, "2": None, "3": None}
    assert "cannot be compared, because Q2 2026 has no credibility ratings" in words.findings(res["waves"], moved)[0]


def test_stage_falls_and_the_lost_level_is_named():
    res = evaluate(stage_one(Q2) + stage_zero(Q4))
    lines = words.findings(res["waves"], res["movement"])
    assert res["movement"]["stage_change"] == -1
    assert lines[0] == ("What moved since Q2 2026: the stage fell from 1 to 0 in Q4 2026; consistent execution is "
                        "no longer established.")
    assert "level 1, consistent execution, 75% → 50%, down 25 points" in lines[1]


def test_movement_is_between_the_two_latest_waves_up_to_the_pages_wave():
    answers = stage_zero(Q2) + stage_one(Q3) + stage_zero(Q4)
    latest = evaluate(answers)["movement"]
    assert (latest["from"], latest["to"], latest["stage_change"]) == (Q3, Q4, -1)
    earlier = evaluate(answers, Q3)
    assert [w["wave"] for w in earlier["waves"]] == [Q2, Q3]
    assert (earlier["movement"]["from"], earlier["movement"]["to"], earlier["movement"]["stage_change"]) == (Q2, Q3, 1)
    assert evaluate(answers, Q2)["movement"] is None


def test_each_wave_uses_the_method_basis():
    """Sales raters when there are any; marketing's own ratings only when sales gave none."""
    res = evaluate(rate_all(MARKETING, 1, 5, Q2) + rate_all(MARKETING, 1, 5, Q4) + rate_all(SALES, 1, 2, Q4))
    assert [(w["basis"], w["stage"]) for w in res["waves"]] == [("all", 1), ("sales", 0)]
    assert res["movement"]["stage_change"] == -1
    assert item(res["movement"], "CS1-1")["from"] is None  # items are compared on the sales side only


# --- METHOD 7 and 8: "don't know" and small groups ----------------------------------------

def test_item_from_fewer_than_min_group_size_scored_answers_has_no_change():
    base = stage_zero(Q2) + stage_one(Q4)
    two_raters = [a for a in base if not (a["item"] == "CS1-1" and a["respondent"] == "sls-rep-2")]
    moved = evaluate(two_raters)["movement"]
    one_fewer = item(moved, "CS1-1")
    assert one_fewer["from"] is None and one_fewer["to"] is None and one_fewer["change"] is None
    assert (one_fewer["n_from"], one_fewer["n_to"]) == (2, 2)
    assert item(evaluate(base)["movement"], "CS1-1")["change"] == 1.0  # exactly min_group_size: shown
    lines = words.findings(evaluate(two_raters)["waves"], moved)
    assert ("1 statement cannot be compared because fewer than 3 people answered it in one of the waves: "
            "“Delivers sales support as promised”.") in lines
    # the setting decides: with a minimum of 2 the same answers are shown
    assert item(evaluate(two_raters, min_group_size=2)["movement"], "CS1-1")["change"] == 1.0


def test_dont_know_counts_in_no_mean_and_not_toward_the_group_size():
    base = stage_zero(Q2) + stage_one(Q4)
    unsure = [ans("sls-rep-2", "CS1-1", DONT_KNOW, Q4) if a["item"] == "CS1-1" and a["respondent"] == "sls-rep-2"
              and a["wave"] == Q4 else a for a in base]
    moved = evaluate(unsure)["movement"]
    assert item(moved, "CS1-1")["to"] is None and item(moved, "CS1-1")["n_to"] == 2
    extra = unsure + [ans("mkt-ops", "CS1-1", 1, Q4)]  # a marketing rating does not make up the sales group
    assert item(evaluate(extra)["movement"], "CS1-1")["to"] is None
    fourth = [a for a in base if a["wave"] == Q4] + [ans("mkt-lead", "CS1-2", DONT_KNOW, Q4)]
    fourth += [a for a in base if a["wave"] == Q2]
    assert item(evaluate(fourth)["movement"], "CS1-2")["to"] == 4.0  # dont_know pulls no mean down


def test_self_evaluation_yes_share_change_leaves_dont_know_out():
    people = [p.id for p in PEOPLE]
    q2 = [ans(r, "MSE-1", "yes" if r in ("mkt-lead", "sls-lead") else "no", Q2) for r in people[:4]]  # 2 of 4
    q4 = [ans(r, "MSE-1", "yes" if r == "mkt-lead" else "no", Q4) for r in people[:3]]  # 1 of 3
    q4 += [ans(r, "MSE-1", DONT_KNOW, Q4) for r in people[3:]]  # three people cannot judge
    moved = evaluate(q2 + q4)["movement"]
    mse = item(moved, "MSE-1")
    assert mse["measure"] == model.YES_SHARE
    assert (mse["from"], mse["to"]) == (0.5, pytest.approx(1 / 3)) and mse["change"] == pytest.approx(-1 / 6)
    assert (mse["n_from"], mse["n_to"]) == (4, 3)
    lines = words.findings(evaluate(q2 + q4)["waves"], moved)
    assert any(line.startswith("Self-evaluation statements agreed with less often: “Marketing over-promises help")
               and "50% → 33%, down 17 points" in line
               for line in lines), lines
    q4_small = q4[:2] + [ans("mkt-web", "MSE-1", DONT_KNOW, Q4)]
    assert item(evaluate(q2 + q4_small)["movement"], "MSE-1")["change"] is None


# --- symptoms --------------------------------------------------------------------------------

def test_a_symptom_that_appeared_and_one_that_went_away():
    q2 = [ans("sls-rep", "SYM-2", "yes", Q2), ans("sls-rep", "SYM-5", "no", Q2), ans("mkt-ops", "SYM-4", "no", Q2)]
    q4 = [ans("sls-rep", "SYM-2", "no", Q4), ans("sls-rep", "SYM-5", "yes", Q4), ans("mkt-ops", "SYM-4", DONT_KNOW, Q4)]
    res = evaluate(stage_one(Q2) + q2 + stage_one(Q4) + q4)
    moved = res["movement"]
    assert moved["symptoms_new"] == ["SYM-5"] and moved["symptoms_gone"] == ["SYM-2"]
    assert [w["symptoms_count"] for w in res["waves"]] == [1, 1]
    lines = words.findings(res["waves"], moved)
    assert f"Symptoms that appeared: “{items()['SYM-5'].short}”." in lines
    assert f"Symptoms that went away: “{items()['SYM-2'].short}”." in lines
    assert "the stage stayed at 1" in lines[0]


def test_symptoms_not_asked_in_one_wave_are_not_compared():
    res = evaluate(stage_one(Q2) + stage_one(Q4) + [ans("sls-rep", "SYM-2", "yes", Q4)])
    moved = res["movement"]
    assert moved["symptoms_compared"] is False and moved["symptoms_new"] == [] and moved["symptoms_gone"] == []
    assert "Symptoms cannot be compared: no one was asked about them in Q2 2026." in words.findings(res["waves"], moved)
    only_dont_know = evaluate(stage_one(Q2) + [ans("sls-rep", "SYM-2", DONT_KNOW, Q2)] + stage_one(Q4)
                              + [ans("sls-rep", "SYM-2", "yes", Q4)])
    assert only_dont_know["waves"][0]["symptoms_count"] == 0  # asked, and a dont_know is never a yes
    assert only_dont_know["movement"]["symptoms_new"] == ["SYM-2"]


# --- words, views and the registry ---------------------------------------------------------

def test_top_three_movers_each_way_with_their_statement():
    q2 = rate_all(SALES, 1, 3, Q2)
    q4 = [ans(a["respondent"], a["item"], {"CS1-1": 5, "CS1-2": 4, "CS1-3": 4, "CS1-4": 4, "CS1-5": 2,
                                               "CS1-6": 1, "CS1-7": 2, "CS1-8": 2}[a["item"]], Q4) for a in q2]
    res = evaluate(q2 + q4)
    up, down = model.movers(res["movement"], model.MEAN)
    assert [i["item"] for i in up] == ["CS1-1", "CS1-2", "CS1-3"]  # ties keep the questionnaire order
    assert [i["item"] for i in down] == ["CS1-6", "CS1-5", "CS1-7"]
    lines = words.findings(res["waves"], res["movement"])
    rose = next(line for line in lines if line.startswith("Ratings that rose most"))
    assert f"\u201c{items()['CS1-1'].short}\u201d: 3.0 → 5.0, up 2.0" in rose
    assert items()["CS1-4"].short not in rose
    fell = next(line for line in lines if line.startswith("Ratings that fell most"))
    assert items()["CS1-6"].short in fell and "3.0 → 1.0, down 2.0" in fell
    sec = views.report_section({"settings": {"stage_threshold": 0.75}, **res})
    assert list(sec["figures"]) == ["levels"] and list(sec["tables"]) == ["items", "waves"]
    table = sec["tables"]["items"][1]
    assert list(table["Statement"]) == [items()[i].short for i in ("CS1-1", "CS1-2", "CS1-3", "CS1-6", "CS1-5", "CS1-7")]
    assert list(table["Change"])[:1] == ["+2.0"]
    svg = to_svg(sec["figures"]["levels"][1])
    assert "<svg" in svg and "Q2 2026" in svg and "Q4 2026" in svg


def test_waves_table_says_what_is_missing():
    res = evaluate([ans("sls-rep", "SYM-2", "yes", Q2)] + stage_one(Q4))
    table = views.report_section(res)["tables"]["waves"][1]
    assert table.to_dict("records") == [
        {"Wave": "Q2 2026", "Stage": "–", "Level 1": "–", "Level 2": "–", "Level 3": "–", "Symptoms reported (of 8)": "1"},
        {"Wave": "Q4 2026", "Stage": "1", "Level 1": "75%", "Level 2": "25%", "Level 3": "25%",
         "Symptoms reported (of 8)": "–"},
    ]


def test_registry_places_movement_after_credibility_and_assesses_any_wave():
    names = [p.name for p in PARTS]
    assert names.index("credibility") < names.index("movement") < names.index("kpis")  # beside its page's part
    part = BY_NAME["movement"]
    assert part.keys == ("waves", "movement") and part.notebook == "credibility_stage.ipynb"
    assert part.assessed(Snapshot(make_eng(), [ans("sls-rep", "SYM-2", "yes", Q2)]))  # not the period's wave
    assert not part.assessed(Snapshot(make_eng(), []))
    assert model.read(make_eng()) is None


# --- the executive summary --------------------------------------------------------------------

def _moved(results: dict) -> summary.Point | None:
    return next((p for p in summary.executive({"client": "Harbor & Pine", **results}) if p.part == "movement"), None)


def test_summary_says_what_moved_and_each_change_is_the_difference_of_the_shown_shares():
    first = _moved({"credibility": None, "waves": [{"wave": Q4}], "movement": None})
    assert first.topic == "This is the first wave: nothing to compare yet" and first.tone == "info"
    res = evaluate(stage_zero(Q2) + [ans("sls-rep", "SYM-2", "yes", Q2)] + stage_one(Q4)
                   + [ans("sls-rep", "SYM-2", "no", Q4), ans("sls-rep", "SYM-3", "yes", Q4)])
    moved = _moved(res)
    assert moved.topic == "Since Q2 2026, the stage rose from 0 to 1" and moved.tone == "good"
    assert moved.text.endswith("1 symptom appeared and 1 went away.")
    import re

    changes = re.findall(r"(\d+)% → (\d+)% \((?:(up|down) (\d+) points?|no change)\)", moved.text)
    assert len(changes) == 3
    for old, new, way, n in changes:  # METHOD 13: the change a reader sees adds up
        assert (int(new) - int(old)) == ({"up": 1, "down": -1}.get(way, 0) * int(n or 0))
    assert _moved({}) is None  # no waves: the part is named among those not assessed
