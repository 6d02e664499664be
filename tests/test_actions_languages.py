"""The credibility next steps in every shipped language (METHOD 2 and 15): the English ids, the language's words.

English (``playbook/data/actions.yaml``) is the source; each other language has one file,
``playbook/data/actions/<lang>.yaml``, keyed by the same item ids.
"""

from __future__ import annotations

import pytest

from playbook.core import formats, i18n
from playbook.parts.credibility import model as credibility
from playbook.parts.credibility import views
from tests.test_credibility import everyone, make_eng

OTHERS = [lang for lang in i18n.shipped() if lang != i18n.SOURCE]


def test_german_french_and_spanish_are_shipped():
    assert {"de", "fr", "es"} <= set(OTHERS)


@pytest.mark.parametrize("language", OTHERS)
def test_a_language_has_exactly_the_english_ids_and_its_own_words(language):
    english, mine = credibility.actions_in(i18n.SOURCE), credibility.actions_in(language)
    assert list(mine) == list(english) == credibility.cs_items()  # the same ids, in questionnaire order
    assert all(text.strip() and "\n" not in text for text in mine.values())
    assert [i for i in english if mine[i] == english[i]] == []  # every step written in the language


def test_the_active_language_picks_the_words_and_the_cache_keeps_languages_apart():
    english = credibility.actions()
    with formats.use({"locale": "de_DE"}):
        german = credibility.actions()
    with formats.use({"locale": "fr_FR"}):
        french = credibility.actions()
    assert credibility.actions() == english == credibility.actions_in("en")
    assert german == credibility.actions_in("de") != english
    assert french == credibility.actions_in("fr") != german
    assert german["CS2-2"].startswith("Mit der Vertriebsleitung")


def _focus_two_answers() -> list[dict]:
    answers = everyone(1, 4, "sales") + everyone(2, 4, "sales")
    return [{**a, "value": 2} if a["item"] == "CS2-2" else a for a in answers]


def test_german_report_shows_german_next_steps():
    with formats.use({"locale": "de_DE", "language": "de"}):
        result = credibility.evaluate(make_eng(), _focus_two_answers())
        shown = views.next_steps_shown(result)
    assert [s["item"] for s in result["next_steps"]] == ["CS2-2"]
    assert result["next_steps"][0]["action"] == credibility.actions_in("de")["CS2-2"]
    assert list(shown.columns) == ["Aussage", "Durchschnittliche Bewertung", "Nächster Schritt"]
    assert shown.iloc[0, 2] == credibility.actions_in("de")["CS2-2"]


def test_results_computed_in_english_are_shown_in_the_reader_language():
    result = credibility.evaluate(make_eng(), _focus_two_answers())
    assert result["next_steps"][0]["action"] == credibility.actions_in("en")["CS2-2"]
    with formats.use({"locale": "es_ES"}):
        shown = views.next_steps_shown(result)
    assert shown.iloc[0, 2] == credibility.actions_in("es")["CS2-2"]


def _broken(tmp_path, monkeypatch, text: str) -> None:
    folder = tmp_path / "actions"
    folder.mkdir()
    (folder / "de.yaml").write_text(text, "utf-8")
    real = credibility.actions_file
    monkeypatch.setattr(credibility, "actions_file",
                        lambda lang: folder / f"{lang}.yaml" if lang != i18n.SOURCE else real(lang))
    credibility.actions_in.cache_clear()


@pytest.fixture
def fresh_cache():
    credibility.actions_in.cache_clear()
    yield
    credibility.actions_in.cache_clear()


def test_a_language_file_missing_an_id_or_adding_one_is_refused(tmp_path, monkeypatch, fresh_cache):
    german = dict(credibility.actions_in("de"))
    del german["CS1-3"]
    german["CS9-9"] = "Etwas anderes tun."
    german["CS2-1"] = "   "
    body = "actions:\n" + "".join(f"  {k}: {v!r}\n" for k, v in german.items())
    _broken(tmp_path, monkeypatch, body)
    with pytest.raises(credibility.ActionsError) as err:
        credibility.actions_in("de")
    message = str(err.value)
    assert message.startswith("playbook/data/actions/de.yaml: ")
    assert "CS1-3 is missing" in message and "CS9-9 is not an item" in message and "CS2-1 has no text" in message


def test_a_language_file_without_actions_is_refused(tmp_path, monkeypatch, fresh_cache):
    _broken(tmp_path, monkeypatch, "steps: {}\n")
    with pytest.raises(credibility.ActionsError, match=r"de\.yaml: the file must hold 'actions:'"):
        credibility.actions_in("de")
    with pytest.raises(credibility.ActionsError, match=r"no next steps for language 'xx'"):
        credibility.actions_in("xx")
