"""Knowledge gaps (METHOD 7): "don't know" shares per item, the flag's boundary, words, chart and table."""

from __future__ import annotations

from pathlib import Path

from playbook import parts
from playbook.core import settings as settings_mod
from playbook.core.engagement import Engagement, Respondent
from playbook.core.snapshot import Snapshot
from playbook.parts.charts import to_svg
from playbook.parts.knowledge import model, views, words
from playbook.run import results

PERIOD = "2026-Q4"
DK = "dont_know"


def eng(people: int = 10, **settings) -> Engagement:
    crowd = [Respondent(f"m{i}", f"M {i}", "marketing", "leader" if i == 0 else "member") for i in range(people)]
    crowd += [Respondent(f"s{i}", f"S {i}", "sales", "leader" if i == 0 else "member") for i in range(people)]
    return Engagement(path=Path("."), id="k-co", client="Kestrel Tiles", consultant="", period=PERIOD,
                      respondents=crowd, settings=settings_mod.resolve(settings))


def answer(rid: str, item: str, value, wave: str = PERIOD) -> dict:
    side = "marketing" if rid.startswith("m") else "sales"
    return {"respondent": rid, "item": item, "value": value, "comment": "", "wave": wave, "side": side,
            "role": "member", "name": rid}


def side_answers(side: str, item: str, dont_know: int, scored: int, value=4) -> list[dict]:
    p = side[0]
    return ([answer(f"{p}{i}", item, DK) for i in range(dont_know)]
            + [answer(f"{p}{dont_know + i}", item, value) for i in range(scored)])


def test_share_exactly_at_the_flag_is_a_gap_and_just_below_is_not():
    # 17 of 50 is 0.34, the default flag; 1 of 3 (0.333...) is just below it
    at = side_answers("sales", "CS3-3", 9, 16) + side_answers("marketing", "CS3-3", 8, 17)
    below = side_answers("sales", "CS3-4", 1, 2, value=3)
    gaps = model.evaluate(eng(30), at + below)["knowledge_gaps"]
    assert [g["item"] for g in gaps] == ["CS3-3"]
    assert gaps[0]["dont_know_share"] == 17 / 50
    assert model.evaluate(eng(30, dont_know_flag=1 / 3), at + below)["knowledge_gaps"][1]["item"] == "CS3-4"


def test_the_flag_is_reached_despite_float_noise():
    # 0.1 + 0.2 style noise: a flag of 0.3 with 3 of 10 answers is reached
    rows = side_answers("sales", "SYM-5", 3, 7, value="no")
    assert 3 / 10 < 0.1 + 0.2  # 0.30000000000000004
    gaps = model.evaluate(eng(dont_know_flag=0.1 + 0.2), rows)["knowledge_gaps"]
    assert [g["item"] for g in gaps] == ["SYM-5"]


def test_sides_sorting_and_full_precision():
    rows = side_answers("sales", "CS3-3", 3, 2) + side_answers("marketing", "CS3-3", 0, 3)  # 3 of 8
    rows += side_answers("sales", "MSE-4", 2, 1, value="no")  # 2 of 3: highest, listed first
    rows += side_answers("marketing", "SYM-1", 0, 5, value="yes")  # no don't know: not a gap
    gaps = model.evaluate(eng(), rows)["knowledge_gaps"]
    assert [g["item"] for g in gaps] == ["MSE-4", "CS3-3"]
    assert gaps[0]["dont_know_share"] == 2 / 3 and gaps[0]["sides"] == {"marketing": None, "sales": 2 / 3}
    assert gaps[1]["dont_know_share"] == 3 / 8
    assert gaps[1]["sides"] == {"marketing": 0.0, "sales": 3 / 5}
    assert gaps[1]["counts"]["sales"] == {"answers": 5, "dont_know": 3}


def test_no_gap_is_an_empty_list_and_no_answers_is_none():
    rows = side_answers("sales", "CS1-1", 0, 3)
    assert model.evaluate(eng(), rows) == {"knowledge_gaps": []}
    assert model.evaluate(eng(), []) == {"knowledge_gaps": None}
    snap = Snapshot(eng(), side_answers("sales", "CS1-1", 2, 1) + [answer("s5", "CS1-2", DK, wave="2026-Q2")])
    assert [g["item"] for g in model.evaluate_snapshot(snap)["knowledge_gaps"]] == ["CS1-1"]
    assert [g["item"] for g in model.evaluate_snapshot(snap, "2026-Q2")["knowledge_gaps"]] == ["CS1-2"]
    assert model.read(eng()) is None


def test_a_gap_in_words_the_consultant_can_read_out():
    rows = side_answers("sales", "CS3-3", 3, 2) + side_answers("marketing", "CS3-3", 0, 3)
    res = {"knowledge_gaps": model.evaluate(eng(), rows)["knowledge_gaps"], "settings": {"dont_know_flag": 0.34}}
    lines = words.findings(res)
    assert ("Sales cannot judge whether marketing and sales plan the year together: 3 of 5 sales answers were "
            "“don't know” (“The year is planned together”).") in lines
    assert lines[0].startswith("1 statement drew “don't know” from 34% or more of its answers")
    assert not [line for line in lines if "(s)" in line or "CS3-3" in line]  # words, not codes


def test_both_sides_and_clauses():
    rows = side_answers("sales", "MSE-3", 1, 1, value="no") + side_answers("marketing", "MSE-3", 2, 1, value="no")
    gap = model.evaluate(eng(), rows)["knowledge_gaps"][0]
    line = words.gap_sentence(gap, 0.34)
    assert line == ("Neither side can judge whether, when marketing brings sales a new idea, sales turns it down "
                    "straight away: 2 of 3 marketing answers and 1 of 2 sales answers were “don't know” "
                    "(“Sales rejects marketing's new ideas”).")
    assert words.whether("CS3-6") == "whether marketing and sales are measured on some of the same KPIs"


def test_findings_without_gaps_and_not_assessed():
    assert words.findings({"knowledge_gaps": [], "settings": {"dont_know_flag": 0.5}}) == [
        "No statement drew “don't know” from 50% or more of its answers: both sides could judge what they were "
        "asked."]
    assert words.findings({"knowledge_gaps": None})[0].startswith("Not assessed")


def test_report_section_chart_and_table():
    rows = side_answers("sales", "CS3-3", 3, 2) + side_answers("marketing", "CS3-3", 1, 4)
    rows += side_answers("sales", "SYM-7", 2, 2, value="yes")
    res = results.compute(Snapshot(eng(), rows), (parts.get("knowledge"),))
    sec = views.report_section(res)
    assert list(sec["figures"]) == ["knowledge_gaps"] and list(sec["tables"]) == ["knowledge_gaps"]
    assert to_svg(sec["figures"]["knowledge_gaps"][1]).lstrip().startswith("<svg")
    _, table = sec["tables"]["knowledge_gaps"]
    assert list(table.columns) == ["Statement", "Don't know (all)", "Marketing side", "Sales side"]
    # 2 of 4 before 4 of 10: highest share first; named by their short statements
    assert list(table["Statement"]) == ["Return poor or not measurable", "The year is planned together"]
    sym = table.iloc[0]
    assert sym["Marketing side"] == "no answers" and sym["Sales side"].endswith("(2 of 4)")
    assert views.report_section({"knowledge_gaps": []})["figures"] == {}


def test_registered_after_credibility_in_the_self_evaluation_notebook():
    names = [p.name for p in parts.PARTS]
    assert names.index("knowledge") == names.index("credibility") + 1
    part = parts.get("knowledge")
    assert part.notebook == "self_evaluation.ipynb" and part.keys == ("knowledge_gaps",)
    assert part.assessed(Snapshot(eng(), side_answers("sales", "CS1-1", 1, 0)))
    assert not part.assessed(Snapshot(eng(), []))


def test_executive_summary_point_only_when_there_is_a_gap():
    from playbook.report import summary

    rows = side_answers("sales", "CS3-3", 3, 1) + side_answers("marketing", "CS3-3", 0, 3)
    res = {"knowledge_gaps": model.evaluate(eng(), rows)["knowledge_gaps"], "settings": {"dont_know_flag": 0.34}}
    point = next(p for p in summary.executive(res) if p.part == "knowledge")
    assert point.tone == "watch" and point.topic == f"Sales cannot judge “{summary.statement('CS3-3')}”"
    assert point.text.startswith("3 of 4 sales answers were “don't know”.") and "CS3-3" not in point.text
    assert not [p for p in summary.executive({"knowledge_gaps": [], "settings": {}}) if p.part == "knowledge"]
