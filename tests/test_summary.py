"""The executive summary, answer first (issue 21 points 1 and 7): a headline, the terms it needs, at most three
decisions with an owner from the action plan and a date, the evidence in words, then the findings per part; no
item id, action id or test statistic. Computed from the sample's snapshot (no notebooks); the report, the deck
and the interactive page render this same story (tests/test_report.py, test_deck.py, test_viewer.py)."""

from __future__ import annotations

import copy
import html
import re
from datetime import date, timedelta

import pytest

from playbook.core.engagement import load
from playbook.core.formats import day
from playbook.parts import take_snapshot
from playbook.report import summary
from playbook.run.results import compute

AS_OF = "2026-11-20"
# What a client must never read in the summary: item ids (CS2-2, MSE-1, SYM-3), action ids, test statistics.
CODES = re.compile(r"\b[A-Z]{2,3}\d?-\d|\bA-\d{3}\b|\bp\s*[=<>]|p-value|t-test", re.I)


def summary_text(markup: str) -> str:
    """The words a reader sees in a summary's HTML."""
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def check_answer_first(text: str, story: summary.Story) -> None:
    """The summary check of issue 21 point 9, on the words shown (report, page or deck)."""
    assert story.headline and story.headline in text
    assert 1 <= len(story.decisions) <= 3
    for d in story.decisions:
        assert d.what in text and d.owner in text and d.due in text and d.evidence in text
    found = CODES.findall(text)
    assert not found, found


@pytest.fixture(scope="module")
def sample_results(tmp_path_factory) -> dict:
    import shutil

    from playbook.core.engagement import sample_path

    eng = tmp_path_factory.mktemp("summary") / "halvorsen"
    shutil.copytree(sample_path(), eng)
    snap = take_snapshot(load(eng))
    snap.taken_at = f"{AS_OF}T09:00:00+00:00"
    return compute(snap)


def test_the_sample_summary_opens_with_a_headline_then_three_owned_and_dated_decisions(sample_results):
    r = sample_results
    story = summary.story(r)
    c = r["credibility"]
    # the headline: where the client stands and what is between it and its target
    assert f"stage {c['stage']} of 3" in story.headline and f"target, stage {c['target_stage']}" in story.headline
    assert "." not in story.headline.rstrip(".")  # one sentence
    # the decisions: the focus level first, each owned by a person of the plan and dated by its actions
    plan = {a["action_id"]: a for a in r["actions"]["items"]}
    people = {a["owner_name"] for a in plan.values()}
    assert len(story.decisions) == 3
    assert story.decisions[0].what == summary._(summary.GOALS[c["focus"]])
    for d in story.decisions:
        assert d.planned and d.owner in people and d.actions, d
        carried = [plan[x] for x in d.actions]
        assert all(a["status"] in ("open", "in_progress") for a in carried)
        assert d.due == day(max(a["due"] for a in carried))  # by when: the last of its actions
        assert d.steps == tuple(a["action"] for a in carried)
        assert d.evidence and not CODES.search(d.evidence)
    # the terms a reader needs, defined once, in the order they first appear
    assert [t for t, _m in story.terms] == ["Stage", "Focus", "Managed KPIs"]
    # one finding per part assessed, none for a part that was not
    assert [p.part for p in story.findings] == ["self_evaluation", "credibility", "knowledge", "movement", "kpis",
                                                "economics", "leads", "actions"]
    assert not story.not_assessed


def test_the_summary_html_defines_terms_before_the_decisions_and_shows_no_code(sample_results):
    story = summary.story(sample_results)
    markup = summary.story_html(sample_results)
    text = summary_text(markup)
    check_answer_first(text, story)
    order = [markup.index(x) for x in ('class="headline"', 'class="terms"', 'class="decisions"', 'class="points"')]
    assert order == sorted(order)
    for d in story.decisions:  # the decision points at the actions of the plan that carry it, with a link
        assert d.steps[0] in text
    assert markup.count('<a href="#actions">') == len(story.decisions)
    page = summary.story_html(sample_results, plan="#pb-part-actions")  # the interactive page's anchor
    assert page.count('<a href="#pb-part-actions">') == len(story.decisions)
    for p in story.findings:
        assert p.topic in text and p.text in text


def test_a_decision_no_action_carries_is_owned_by_its_side_and_its_day_is_proposed(sample_results):
    r = copy.deepcopy(sample_results)
    r["actions"]["items"] = [a for a in r["actions"]["items"] if a.get("source") != "kpi"]
    kpi = next(d for d in summary.decisions(r) if d.what.startswith("Bring "))
    assert not kpi.planned and not kpi.actions and kpi.owner in ("Marketing", "Sales", "Marketing and sales")
    assert kpi.due == day(date.fromisoformat(r["actions"]["as_of"]) + timedelta(days=summary.PROPOSED_DAYS))
    assert "(proposed)" in summary_text(summary.story_html(r))


@pytest.mark.parametrize(("stage", "target", "words"), [
    (1, 2, "becoming part of the revenue lifecycle is what stands between marketing and its target, stage 2"),
    (1, 3, "becoming part of the revenue lifecycle is the next step towards the target, stage 3"),
    (0, 3, "Sales does not yet trust marketing to deliver what it promises (stage 0 of 3)"),
    (2, 2, "(stage 2 of 3), the target: the work now is to hold it"),
    (3, 2, "(stage 3 of 3), beyond the target of stage 2: the work now is to hold it"),
])
def test_the_headline_says_where_the_client_stands_against_its_target(stage, target, words):
    block = {"stage": stage, "basis": "sales", "target_stage": target, "gap_to_target": max(0, target - stage)}
    assert words in summary.headline({"credibility": block})
    # without the block's keys the headline falls back on the setting
    fallback = summary.headline({"credibility": {"stage": stage, "basis": "sales"}, "settings": {"target_stage": target}})
    assert words in fallback


def test_without_credibility_ratings_the_headline_says_so_and_nothing_assessed_is_named():
    assert "credibility stage was not assessed" in summary.headline({"kpis": {"to_date": []}})
    empty = summary.story({"settings": {}})
    assert empty.headline.startswith("Nothing has been assessed yet") and not empty.decisions and not empty.findings
    assert "Credibility stage" in empty.not_assessed and "Shared KPIs" in empty.not_assessed


def test_partial_blocks_give_words_without_dashes_or_empty_figures():
    results = {
        "self_evaluation": {"marketing": {"credibility_gap": None}, "sales": {}},
        "credibility": {"stage": 0, "focus": 1, "basis": "all", "warnings": ["Building on sand: level 3 scores high."]},
        "kpis": {"to_date": [{"metric": "m", "designation": "managed", "status": "no_data"}]},
        "prospecting": {"hire_alternative": {"extra_reps": 2.5, "revenue": 10.0, "marketing_beats_hiring": False}},
        "attribution": {"sourced_share": None},
        "experiment": {"lift": -1200.0, "relative_lift": None, "p_value": None, "ci_low": None},
    }
    story = summary.story(results)
    text = summary_text(summary.story_html(results))
    assert "marketing's own ratings" in story.headline and "Building on sand: level 3 scores high." in text
    assert "Hiring beats the marketing lead program" in text and "less each" in text
    for d in story.decisions:
        assert "–" not in d.evidence and "()" not in d.evidence and " ;" not in d.evidence, d.evidence
