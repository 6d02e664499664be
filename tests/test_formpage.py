"""The respondent's form page without a browser: its HTML and the server's side of its messages."""

from __future__ import annotations

import re
import time

import pytest

from playbook import load
from playbook.core.instruments import instruments
from playbook.core.responses import import_file
from playbook.core.store import Store
from playbook.serve.forms.handlers import Sessions
from playbook.serve.forms.page import FormPage, RateLimit
from playbook.serve.forms.questions import app_codes, app_model

PEOPLE = [{"id": "mk-1", "name": "Zoë <script>alert(1)</script>", "side": "marketing", "role": "member"},
          {"id": "sl-1", "name": "Sam", "side": "sales", "role": "leader"}]


@pytest.fixture
def eng(make_engagement):
    eng = load(make_engagement(rows=[("mk-1", "MSE-1", "yes", "we <b>do</b>")], respondents=PEOPLE,
                               client="Acme & <Co>"))
    import_file(eng)  # as 'playbook serve' does on start: a form only reads the store
    return eng


def whole_form(eng, who="mk-1"):
    """A page for a test that fills in a whole form at once, faster than a person could (no rate limit)."""
    return FormPage(app_model(eng, who), limit=RateLimit(10**6, 10**6))


def stored(eng, who="mk-1"):
    with Store(eng.path / "answers.sqlite") as s:
        return {r["item"]: r for r in s.current(respondent=who) if r["source"] == "form"}


def test_html_escapes_client_text_and_marks_what_is_required(eng):
    page = FormPage(app_model(eng, "mk-1"))
    html = page.html()
    assert "<script>alert" not in html and "Zoë &lt;script&gt;" in html
    assert "Acme &amp; &lt;Co&gt;" in html
    # the paper answer and its comment are shown as saved, the comment as text
    row = re.search(r"<div class='pb-row pb-item-MSE-1'.*?</textarea>", html).group(0)
    assert "data-value='yes' aria-checked='true' class='mod-active'" in row
    assert "we &lt;b&gt;do&lt;/b&gt;</textarea>" in row
    codes, required = app_codes("marketing")
    n_items = sum(len(instruments()[c].items) for c in codes)
    assert html.count("class='pb-row ") == n_items
    n_required = sum(len(instruments()[c].items) for c in required)
    assert html.count("data-required") == n_required
    # the peer view (the other department's list) is asked but optional
    assert "data-item='SSE-1'>" in html and "data-item='MSE-1' data-required>" in html


def test_answers_are_validated_and_saved_one_by_one(eng):
    page = FormPage(app_model(eng, "mk-1"))
    assert page.handle({"op": "hello"})["op"] == "ready"
    got = page.handle({"op": "answer", "item": "CS1-2", "value": "4", "comment": "  fine  ", "seq": 3})
    assert got["op"] == "saved" and got["seq"] == 3 and got["written"] and got["answered"] == 2
    assert stored(eng)["CS1-2"]["value"] == "4" and stored(eng)["CS1-2"]["comment"] == "fine"
    before = stored(eng)
    for bad, says in [({"item": "CS1-2", "value": "9"}, "CS1-2 takes a whole number from 1 to 5, or dont_know"),
                      ({"item": "MSE-2", "value": "maybe"}, "MSE-2 takes yes, no or dont_know"),
                      ({"item": "XX-1", "value": "yes"}, "'XX-1' is not a question of this form"),
                      ({"item": ["MSE-2"], "value": "yes"}, "must name its question"),
                      ({"item": "MSE-2", "value": "yes", "comment": {"x": 1}}, "a comment must be text")]:
        reply = page.handle({"op": "answer", **bad})
        assert reply["op"] == "error" and says in reply["text"], reply
    assert page.handle({"op": "drop table"})["text"].endswith("allowed: hello, answer, submit")
    assert page.handle("not a dict")["op"] == "error"
    assert stored(eng) == before
    long = page.handle({"op": "answer", "item": "MSE-3", "value": "no", "comment": "x" * 5000})
    assert long["op"] == "saved" and len(stored(eng)["MSE-3"]["comment"]) == 2000


def test_submit_lists_what_is_missing_then_records_the_submission(eng):
    page = whole_form(eng)
    reply = page.handle({"op": "submit"})
    assert reply["op"] == "missing" and "MSE-2" in reply["items"] and "MSE-1" not in reply["items"]
    missing = [q["text"] for q in reply["questions"]]
    assert f"{len(reply['items'])} required questions have no answer" in reply["text"]
    assert instruments()["MSE"].items[1].text in missing  # by their wording, never by an id
    assert not any(re.search(r"\b(MSE|SSE|SYM|CS\d)-\d", q) for q in [reply["text"], *missing])
    codes, required = app_codes("marketing")
    for code in required:
        for item in instruments()[code].items:
            page.handle({"op": "answer", "item": item.id, "value": "yes" if item.answer == "yesno" else 3})
    reply = page.handle({"op": "submit"})
    assert reply["op"] == "submitted" and "Thank you" in reply["text"]
    with Store(eng.path / "answers.sqlite") as s:
        assert s.submitted("mk-1", eng.period)
    # Opening the link again shows the submission.
    assert "You submitted your answers on" in FormPage(app_model(eng, "mk-1")).html()


def test_unknown_respondent_is_refused(eng):
    with pytest.raises(ValueError, match="unknown respondent"):
        app_model(eng, "nobody")


def test_opening_a_form_writes_nothing(make_engagement):
    eng = load(make_engagement(rows=[("mk-1", "MSE-1", "yes")], respondents=PEOPLE, name="fresh"))
    FormPage(app_model(eng, "mk-1")).html()
    assert not (eng.path / "answers.sqlite").exists()


def test_dont_know_is_a_choice_of_every_question(eng):
    html = FormPage(app_model(eng, "mk-1")).html()
    rows = re.findall(r"<div class='pb-row pb-item-([A-Z0-9-]+)'.*?</textarea>", html)
    assert len(rows) == html.count("class='pb-row ")
    for item_id in rows:
        row = re.search(rf"<div class='pb-row pb-item-{item_id}'.*?</textarea>", html).group(0)
        group = re.search(r"<div class='pb-answer[^>]*>(.*?)<span class='pb-saved'", row).group(1)
        # one radio group: the scale, then "don't know" last and marked apart; nothing chosen yet
        assert group.count("role='radio'") == (6 if item_id.startswith("CS") else 3)
        assert group.endswith("<button type='button' role='radio' data-value='dont_know' aria-checked='false' "
                              "class='pb-dk' title='For a statement you cannot judge: it counts as an answer.'>"
                              "Don&#x27;t know</button>")


@pytest.mark.parametrize(("item", "sent"), [("MSE-2", "dont_know"), ("CS2-4", "dont_know"), ("SYM-5", "Don't know"),
                                            ("CS1-1", "?")])
def test_dont_know_is_saved_counted_and_shown_again(eng, item, sent):
    page = FormPage(app_model(eng, "mk-1"))
    before = page.handle({"op": "hello"})
    got = page.handle({"op": "answer", "item": item, "value": sent, "comment": "cannot judge", "seq": 1})
    assert got["op"] == "saved" and got["written"] and got["answered"] == before["answered"] + 1
    assert got["required_answered"] == before["required_answered"] + 1
    assert stored(eng)[item]["value"] == "dont_know" and stored(eng)[item]["comment"] == "cannot judge"
    # Submit no longer lists it as missing.
    assert item not in page.handle({"op": "submit"})["items"]
    # Opening the link again shows "don't know" chosen, and nothing else of that question.
    html = FormPage(app_model(eng, "mk-1")).html()
    row = re.search(rf"<div class='pb-row pb-item-{item}'.*?</textarea>", html).group(0)
    assert "data-value='dont_know' aria-checked='true' class='pb-dk mod-active'" in row
    assert row.count("aria-checked='true'") == 1 and row.count("mod-active") == 1


def test_a_form_answered_with_dont_know_everywhere_can_be_submitted(eng):
    page = whole_form(eng)
    codes, required = app_codes("marketing")
    for code in required:
        for item in instruments()[code].items:
            assert page.handle({"op": "answer", "item": item.id, "value": "dont_know"})["op"] == "saved"
    reply = page.handle({"op": "submit"})
    assert reply["op"] == "submitted" and reply["required_answered"] == reply["required_asked"]
    assert {r["value"] for r in stored(eng).values()} == {"dont_know"}


def test_widget_form_offers_dont_know_saves_it_and_shows_it_again(eng):
    from playbook.serve.forms.widget import respondent_app

    form = respondent_app(eng, "mk-1")
    answered = form.model.counts()[0]
    for item in ("MSE-4", "CS3-2"):
        row = form.rows[item]
        assert row.answer.options[-1] == ("Don't know", "dont_know") and len(row.answer.options) in (3, 6)
        assert row.answer.tooltips[-1].startswith("For a statement you cannot judge")
        row.answer.value = "dont_know"
        assert stored(eng)[item]["value"] == "dont_know"
    assert form.model.counts()[0] == answered + 2 and form.progress.value == answered + 2
    assert "MSE-4" not in form.model.missing_text() and "CS3-2" not in form.model.missing_text()
    again = respondent_app(eng, "mk-1")
    assert again.rows["MSE-4"].answer.value == "dont_know" and again.rows["CS3-2"].answer.value == "dont_know"
    assert again.rows["CS3-2"].answer.label == "Don't know"
    assert "<style>" in again.widget.children[0].value  # "don't know" is set apart from the scale wherever it shows


def test_open_forms_are_kept_while_connected_and_forgotten_when_idle(eng):
    forms = Sessions(idle=60, per_link=2)
    a = forms.add(FormPage(app_model(eng, "mk-1")), "hash-a")
    b = forms.add(FormPage(app_model(eng, "mk-1")), "hash-b")
    a.sockets = 1
    assert forms.prune(now=time.monotonic() + 30) == 0 and len(forms) == 2
    assert forms.prune(now=time.monotonic() + 120) == 1  # b: nobody connected for two minutes
    assert forms.get(a.page.id) is a and forms.get(b.page.id) is None


def test_one_link_holds_a_few_open_forms_at_most(eng):
    forms = Sessions(per_link=2)
    first, second, third = (forms.add(FormPage(app_model(eng, "mk-1")), "same-link") for _ in range(3))
    assert forms.get(first.page.id) is None  # the oldest page of that link gave way
    assert forms.get(second.page.id) is second and forms.get(third.page.id) is third
    session = forms.add(FormPage(app_model(eng, "mk-1")), "")  # the server session's own link: not counted
    assert forms.get(session.page.id) is session and len(forms) == 3
