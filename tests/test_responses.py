import re

import pytest

from playbook import UserError, load
from playbook.core.responses import current_answers, parse


def bad(make_engagement, text: bytes | str):
    folder = make_engagement(rows=[])
    path = folder / "responses.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    eng = load(folder)
    with pytest.raises(UserError) as err:
        parse(eng, path)
    return err.value.message


def test_answers_are_case_insensitive(make_engagement):
    eng = load(make_engagement(rows=[("mkt-lead", "mse-1", "Yes"), ("sls-lead", "SSE-1", "NO"),
                                     ("sls-1", "CS1-1", " 4 "), ("sls-1", "CS1-2", "3.0")]))
    got = {(a["respondent"], a["item"]): a["value"] for a in current_answers(eng)}
    assert got == {("mkt-lead", "MSE-1"): "yes", ("sls-lead", "SSE-1"): "no", ("sls-1", "CS1-1"): 4,
                   ("sls-1", "CS1-2"): 3}


@pytest.mark.parametrize(
    "text, expected",
    [
        (b"", "responses.csv: the file is empty"),
        ("respondent,item\nmkt-lead,MSE-1\n", "column answer is missing"),
        ("respondent,item,answer\nnobody,MSE-1,yes\n", "row 2: respondent 'nobody' is not in engagement.yaml"),
        ("respondent,item,answer\nmkt-lead,MSE-9,yes\n", "row 2 (respondent mkt-lead): item 'MSE-9' is unknown"),
        ("respondent,item,answer\nmkt-lead,MSE-1,yes\nmkt-lead,MSE-2,maybe\n",
         "row 3 (respondent mkt-lead, item MSE-2): answer 'maybe' is not allowed; the answer must be yes, no or dont_know"),
        ("respondent,item,answer\nsls-1,CS1-1,7\n", "answer '7' is not allowed; the answer must be a whole number from 1 to 5"),
        ("respondent,item,answer\nsls-1,CS2-3,four\n", "answer 'four' is not allowed"),
        ("respondent,item,answer\nsls-1,CS2-3,3.5\n", "a whole number from 1 to 5"),
        (b"respondent,item,answer,comment\nmkt-lead,MSE-1,yes,caf\xe9\n", "not UTF-8"),
    ],
)
def test_bad_responses(make_engagement, text, expected):
    assert expected in bad(make_engagement, text)


def test_blank_lines_are_skipped_and_wave_column_is_optional(make_engagement):
    folder = make_engagement(rows=[])
    (folder / "responses.csv").write_text(
        "respondent,item,answer,comment,wave\nmkt-lead,MSE-1,yes,,2026-Q2\n,,,,\nmkt-lead,MSE-1,no,,\n", "utf-8")
    eng = load(folder)
    waves = {a["wave"]: a["value"] for a in current_answers(eng)}
    assert waves == {"2026-Q2": "yes", "2026-Q4": "no"}


@pytest.mark.parametrize("spelling", ["dont_know", "DONT_KNOW", "don't know", "Don\u2019t know", "?", " ? "])
def test_dont_know_is_an_answer_to_every_item(make_engagement, spelling):
    folder = make_engagement(rows=[("mkt-lead", "MSE-1", spelling), ("sls-1", "CS1-1", spelling)])
    rows = parse(load(folder), folder / "responses.csv")
    assert [r[2] for r in rows] == ["dont_know", "dont_know"]


@pytest.mark.parametrize("spelling", ["dunno", "dont know", "don't_know", "??", "n/a"])
def test_other_spellings_of_dont_know_are_refused(make_engagement, spelling):
    folder = make_engagement(rows=[("sls-1", "CS1-1", spelling)])
    with pytest.raises(UserError, match=re.escape(f"answer {spelling!r} is not allowed; the answer must be a whole "
                                                  "number from 1 to 5, or dont_know")):
        parse(load(folder), folder / "responses.csv")
