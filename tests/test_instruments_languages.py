"""The instruments in every shipped language (METHOD 1, 13 and 15): the same ids, the words of the language.

English (``playbook/data/instruments.yaml``) holds the structure and the source words; each other language
has one file of words, ``playbook/data/instruments/<lang>.yaml``, keyed by the same ids.
"""

from __future__ import annotations

import re
import shutil

import pytest
import yaml

from playbook import load
from playbook.core import formats, i18n
from playbook.core.instruments import (
    SHORT_MAX,
    WordingError,
    instruments,
    items,
    label,
    read_wording,
    wording,
    wording_file,
    wording_languages,
)
from playbook.core.responses import import_file
from playbook.parts.credibility.model import level_name
from playbook.serve.forms.page import FormPage
from playbook.serve.forms.questions import app_model, questionnaire_html

OTHERS = [lang for lang in wording_languages() if lang != i18n.SOURCE]
PARTS = ("titles", "intros", "items", "short")


@pytest.fixture
def german(tmp_path, monkeypatch):
    """German is a shipped language during the test: the real catalogs when German has one, else a copy of
    them beside an empty German catalog (the catalogs are written on another branch; this stays a no-op
    once ``playbook/locale/de`` is there)."""
    if "de" in i18n.shipped():
        yield
        return
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    root = tmp_path / "locale"
    shutil.copytree(str(i18n.catalog_dir()), root)
    (root / "de" / "LC_MESSAGES").mkdir(parents=True)
    with open(root / "de" / "LC_MESSAGES" / "playbook.po", "wb") as f:
        write_po(f, Catalog(locale="de"))
    monkeypatch.setattr(i18n, "catalog_dir", lambda: root)
    i18n.shipped.cache_clear()
    i18n.translations.cache_clear()
    yield
    i18n.shipped.cache_clear()
    i18n.translations.cache_clear()


def test_german_french_and_spanish_have_the_instruments_words():
    assert {"de", "fr", "es"} <= set(OTHERS)


def test_every_shipped_language_has_the_instruments_words():
    assert set(i18n.shipped()) <= set(wording_languages())


@pytest.mark.parametrize("language", OTHERS)
def test_a_language_has_exactly_the_english_ids_and_every_text(language):
    english, mine = wording(i18n.SOURCE), wording(language)
    for part in PARTS:
        assert list(getattr(mine, part)) == list(getattr(english, part)), part  # the same ids, the same order
        empty = [key for key, text in getattr(mine, part).items() if not text.strip()]
        assert empty == [], part
    assert set(english.items) == set(items())
    too_long = {i: s for i, s in mine.short.items() if len(s) > SHORT_MAX}
    assert too_long == {}
    assert len(set(mine.short.values())) == len(mine.short)  # each label names one item


@pytest.mark.parametrize("language", OTHERS)
def test_a_language_is_written_in_its_own_words_not_copied_from_english(language):
    english, mine = wording(i18n.SOURCE), wording(language)
    for part in PARTS:
        copied = [key for key, text in getattr(mine, part).items() if text == getattr(english, part)[key]]
        assert copied == [], part


@pytest.mark.parametrize("language", OTHERS)
def test_a_credibility_level_is_named_after_the_colon_of_its_title(language):
    """Charts and findings name a level by the words after the title's colon (``Ebene 1: verlässliche
    Umsetzung`` -> ``verlässliche Umsetzung``)."""
    for code in ("CS1", "CS2", "CS3"):
        number, _colon, name = wording(language).titles[code].partition(":")
        assert code[-1] in number and name.strip(), code


@pytest.mark.parametrize("language", OTHERS)
def test_the_wording_file_holds_only_words(language):
    """Structure (answer type, about, level) is kept once, in the English file."""
    raw = yaml.safe_load(wording_file(language).read_text("utf-8"))
    assert set(raw) == {"instruments"}
    for code, spec in raw["instruments"].items():
        assert set(spec) == {"title", "intro", "items", "short"}, code


def test_items_labels_titles_and_intros_follow_the_active_language(german):
    assert items()["MSE-1"].text.startswith("Marketing commits")
    with formats.use({"locale": "de_DE", "currency": "EUR"}):
        assert i18n.active() == "de"
        assert label("CS1-3") == "Marketing ist mit beim Kunden vor Ort"
        assert items()["CS1-3"].label == items()["CS1-3"].short == label("CS1-3")
        assert items()["MSE-1"].text == "Das Marketing sagt dem Vertrieb mehr Unterstützung zu, als es am Ende leistet."
        assert instruments()["CS1"].title == "Ebene 1: verlässliche Umsetzung"
        assert "Bewerten Sie" in instruments()["CS1"].intro
        assert level_name(2) == "fester Teil der Umsatzentstehung"
        assert label("XYZ-9") == "XYZ-9"  # not an item: as it is
    with formats.use({"locale": "de_DE", "language": "en"}):
        assert label("CS1-3") == "Marketers spend time in the field"
    assert label("CS1-3") == "Marketers spend time in the field"  # the block ended


def test_a_chart_names_items_in_the_active_language(german):
    from playbook.parts.self_evaluation.views import symptoms

    result = {"symptoms": {"shares": {"SYM-2": 0.6, "SYM-3": 0.2}, "present": ["SYM-2"], "count": 1, "severity": "low"}}
    with formats.use({"locale": "de_DE"}):
        spec = symptoms(result).to_dict()
    rows = [row for data in spec["datasets"].values() for row in data]
    assert {row["item"] for row in rows} == {"Klagen über die Qualität der Leads", "Klagen über zu wenige Leads"}


@pytest.fixture
def german_form(german, make_engagement):
    people = [{"id": "mk-1", "name": "Mara", "side": "marketing", "role": "leader"},
              {"id": "sl-1", "name": "Sven", "side": "sales", "role": "leader"}]
    eng = load(make_engagement(rows=[("mk-1", "MSE-1", "yes")], respondents=people,
                               settings={"locale": "de_DE", "currency": "EUR"}))
    import_file(eng)
    return eng


def test_the_form_asks_in_german_and_names_no_item_id(german_form):
    model = app_model(german_form, "mk-1")  # built outside the engagement's language: the page still asks in German
    page = FormPage(model).html()
    german, english = wording("de"), wording("en")
    shown = [item_id for item_id in model.questions if german.items[item_id] in page]
    assert shown == list(model.questions)
    assert [i for i in model.questions if english.items[i] in page] == []
    assert german.titles["CS1"] in page and german.intros["CS1"] in page
    visible = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S))
    assert not re.search(r"\b(MSE|SSE|SYM|CS[123])-\d\b", visible)
    with formats.use(german_form.settings):
        missing = model.missing_questions()
    assert missing and all(q["text"] == german.items[q["item"]] for q in missing)


def test_the_questionnaire_preview_is_in_the_engagements_language(german_form):
    html = questionnaire_html(german_form)
    assert wording("de").items["CS2-4"] in html and wording("en").items["CS2-4"] not in html


def _broken(tmp_path, edit) -> object:
    raw = yaml.safe_load(wording_file("de").read_text("utf-8"))
    edit(raw["instruments"])
    path = tmp_path / "de.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_a_language_file_missing_an_id_is_refused_naming_the_file_and_the_id(tmp_path):
    path = _broken(tmp_path, lambda spec: spec["CS2"]["short"].pop("CS2-4"))
    with pytest.raises(WordingError) as err:
        read_wording(path, "de")
    assert err.value.message == f"{path}: CS2 short: CS2-4 is missing."  # the file, the id, nothing else


def test_an_unknown_id_an_empty_text_and_a_long_label_are_refused(tmp_path):
    def edit(spec):
        spec["SYM"]["items"]["SYM-9"] = "Ein Anzeichen zu viel."
        spec["MSE"]["items"]["MSE-2"] = " "
        spec["CS3"]["short"]["CS3-6"] = "Eine Kurzbezeichnung, die viel zu lang geraten ist"
        del spec["SSE"]

    with pytest.raises(WordingError) as err:
        read_wording(_broken(tmp_path, edit), "de")
    message = err.value.message
    for part in ("SYM-9 is not an item of SYM", "MSE items: MSE-2 has no text", "CS3-6 has 50 characters",
                 "instrument SSE is missing"):
        assert part in message


def test_an_active_language_without_a_wording_file_is_refused_never_shown_in_english():
    with pytest.raises(WordingError) as err:
        wording("it")
    assert "playbook/data/instruments/it.yaml" in err.value.message and "de, es, fr" in err.value.message
