"""METHOD 15 end to end: the sample engagement run in German, French and Spanish.

The report, the deck's text and a respondent's form page must hold none of the English report's headings and at
most a handful of English function words. The client's own data stays as the client wrote it (the sample's KPI
names, actions, deals and lead reasons are English): every string of the engagement's files is taken out of the
text before it is read, and what is left is the playbook's own words.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

import bs4
import pytest
import yaml

from playbook import load
from playbook.core import formats
from playbook.serve.forms.handlers import _document
from playbook.serve.forms.page import FormPage
from playbook.serve.forms.questions import app_model

from .conftest import sample_path

LANGUAGES = {"de": "de_DE", "fr": "fr_FR", "es": "es_ES"}
# English words that carry no content; a word that is also a word of the language is not counted there ("in" is
# German, "on" French).
FUNCTION_WORDS = ("the", "and", "of", "to", "your", "you", "is", "are", "for", "with", "by", "on", "in", "this",
                  "what", "how", "which", "than")
ALSO_NATIVE = {"de": {"in"}, "fr": {"on"}, "es": set()}
HANDFUL = 5
LABELS = {"de": {"Abbildung", "Tabelle"}, "fr": {"Figure", "Tableau"}, "es": {"Figura", "Tabla"}}
ENGLISH_QUOTES = {"de": "”", "fr": "“”", "es": "“”"}  # German closes with “: „so“
# What a heading is in the report: its own headings, figure captions and table heads.
HEADINGS = "h1, h2, h3, h4, caption, th, figcaption, .pb-kicker"


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    """One run of a folder holding the sample four times: English as shipped, and in each shipped language."""
    base = tmp_path_factory.mktemp("languages")
    folder = base / "engagements"
    for lang in ("en", *LANGUAGES):
        eng = folder / lang
        shutil.copytree(sample_path(), eng)
        text = (eng / "engagement.yaml").read_text(encoding="utf-8")
        text = re.sub(r"^id: .*$", f"id: {lang}", text, count=1, flags=re.M)
        if lang != "en":
            text = text.replace("settings:\n", f"settings:\n  locale: {LANGUAGES[lang]}\n  currency: EUR\n", 1)
        (eng / "engagement.yaml").write_text(text, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "playbook", "run", str(folder), "--out", str(base / "out"), "--jobs", "2",
                    "--no-pdf"], check=True, capture_output=True, text=True)
    return {lang: base / "out" / lang for lang in ("en", *LANGUAGES)} | {"engagements": folder}


def client_strings(eng: Path) -> list[str]:
    """Every text of the engagement's own files (names, KPIs, actions, deals, reasons, comments), longest first."""
    found: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, str) and len(value.strip()) >= 3:
            found.add(value.strip())
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for path in eng.rglob("*"):
        if path.suffix in (".yaml", ".yml"):
            walk(yaml.safe_load(path.read_text(encoding="utf-8")))
        elif path.suffix == ".csv":
            walk(list(csv.reader(path.read_text(encoding="utf-8").splitlines())))
    return sorted(found, key=len, reverse=True)


def own_words(lines: list[str], client: list[str]) -> list[str]:
    """The lines with the client's texts taken out, also where a text is shortened ("…") or wrapped over lines."""
    everything = "\n".join(client)

    def theirs(piece: str) -> bool:
        piece = piece.strip().rstrip("…").strip()
        return bool(piece) and piece in everything

    kept = []
    for line in lines:
        if theirs(line.strip(" ,.;:()–-")):  # a piece of a wrapped or shortened label
            continue
        # a client text shortened inside quotes or brackets: “Add a lead-outcome field…”, (Give every marketer…)
        line = re.sub(r"[“„\"«(]\s?([^”“\"»()]+?)\s?[”“\"»)]", lambda m: " " if theirs(m.group(1)) else m.group(0), line)
        line = re.sub(r"(?<=: )([^:;“„\"«()]+?…)", lambda m: " " if theirs(m.group(1)) else m.group(0), line)
        for text in client:
            if len(text) >= 8 or " " in text:
                line = line.replace(text, " ")
        if line.strip(" …,.;:()–-"):
            kept.append(line)
    return kept


def english(lines: list[str], lang: str) -> list[str]:
    words = [w for w in FUNCTION_WORDS if w not in ALSO_NATIVE[lang]]
    pattern = re.compile(r"\b(" + "|".join(words) + r")\b", re.IGNORECASE)
    return [f"{m.group(0)} ← {line.strip()[:120]}" for line in lines for m in pattern.finditer(line)]


def html_lines(html: str) -> list[str]:
    soup = bs4.BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style"]):
        tag.decompose()
    return [line.strip() for line in soup.get_text("\n").splitlines() if line.strip()]


def deck_lines(path: Path) -> list[str]:
    """Every text of the deck: boxes, tables, native charts' titles, categories and series, speaker notes."""
    from pptx import Presentation

    out: list[str] = []
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out += [p.text for p in shape.text_frame.paragraphs]
            if getattr(shape, "has_table", False):
                out += [cell.text for row in shape.table.rows for cell in row.cells]
            if getattr(shape, "has_chart", False):
                chart = shape.chart
                out += [chart.chart_title.text_frame.text] if chart.has_title else []
                for plot in chart.plots:
                    out += [str(c) for c in plot.categories] + [s.name or "" for s in plot.series]
        if slide.has_notes_slide:
            out += slide.notes_slide.notes_text_frame.text.splitlines()
    return [line.strip() for line in out if line and line.strip()]


def label_words(report: Path) -> set[str]:
    """What the report calls its figures and tables: "Figure" of "Figure 2.1."."""
    soup = bs4.BeautifulSoup(report.read_text(encoding="utf-8"), "lxml")
    labels = [el.get_text() for el in soup.select("figcaption .label")]
    labels += [h.get_text() for h in soup.select("h3") if re.match(r"^\w+ \d+\.\d+\.", h.get_text())]
    return {label.split()[0] for label in labels}


def deck_titles(path: Path) -> set[str]:
    """The slides' titles, without their continuation marks ("(1 of 2)")."""
    from pptx import Presentation

    return {re.sub(r" \(\d+ of \d+\)$", "", slide.shapes.title.text.strip())
            for slide in Presentation(str(path)).slides if slide.shapes.title is not None}


def english_headings(runs) -> set[str]:
    soup = bs4.BeautifulSoup((runs["en"] / "report.html").read_text(encoding="utf-8"), "lxml")
    client = set(client_strings(runs["engagements"] / "en"))
    texts = {" ".join(el.get_text(" ").split()) for el in soup.select(HEADINGS)}
    # A heading of one word may be the same word in another language (KPI, Marketing); names and figures are not
    # the playbook's words.
    return {t for t in texts if len(t.split()) >= 2 and t not in client and re.search(r"[a-z]{3}", t)}


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_report_speaks_the_engagements_language(runs, lang):
    html = (runs[lang] / "report.html").read_text(encoding="utf-8")
    client = client_strings(runs["engagements"] / lang)
    lines = own_words(html_lines(html), client)
    text = "\n".join(lines)
    headings = english_headings(runs)
    assert len(headings) > 40  # (the English report's own headings were found)
    assert sorted(h for h in headings if h in text) == []
    found = english(lines, lang)
    assert len(found) <= HANDFUL, found
    assert f'<html lang="{lang}"' in html
    assert label_words(runs["en"] / "report.html") == {"Figure", "Table"}
    assert label_words(runs[lang] / "report.html") == LABELS[lang]
    assert not any(mark in text for mark in ENGLISH_QUOTES[lang]), [ln for ln in lines if "”" in ln][:3]


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_deck_speaks_the_engagements_language(runs, lang):
    client = client_strings(runs["engagements"] / lang)
    lines = own_words(deck_lines(runs[lang] / "report.pptx"), client)
    text = "\n".join(lines)
    assert sorted(h for h in english_headings(runs) if h in text) == []
    titles = {title for title in deck_titles(runs["en"] / "report.pptx") if len(title.split()) >= 2}
    titles -= set(client_strings(runs["engagements"] / "en"))
    assert len(titles) > 10 and sorted(t for t in titles if t in text) == []
    found = english(lines, lang)
    assert len(found) <= HANDFUL, found


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_respondents_form_speaks_the_engagements_language(runs, lang):
    eng = load(runs["engagements"] / lang)
    english_eng = load(runs["engagements"] / "en")
    pages = {}
    for which, e in (("en", english_eng), (lang, eng)):
        page = FormPage(app_model(e, "sls-rep-1"))
        pages[which] = html_lines(_document(e, page.html(), "/socket", "nonce"))
    client = client_strings(runs["engagements"] / lang)
    lines = own_words(pages[lang], client)
    english_own = {line for line in own_words(pages["en"], client) if re.search(r"[A-Za-z]{2}", line)}
    assert len(english_own) > 20
    assert sorted(set(lines) & english_own) == []  # no line of the English form's own words
    found = english(lines, lang)
    assert len(found) <= HANDFUL, found


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGUAGES)
def test_chart_axes_and_text_write_amounts_alike(runs, lang):
    """Compact amounts: the charts' axes take the text's form (1,2 Mio. € in the sentence, the same on the axis),
    the locale's percent and minus signs, never the charting library's own (600k €, 2,5M €, 95%)."""
    soup = bs4.BeautifulSoup((runs[lang] / "report.html").read_text(encoding="utf-8"), "lxml")
    axes = [t.get_text() for svg in soup.select("svg") for t in svg.select("text")]
    prose = [p.get_text(" ") for p in soup.select("p, li, td")]
    assert any("€" in t for t in axes) and any("€" in t for t in prose)
    amounts = re.compile(r"-?\d[\d.,\s\u202f\xa0]*(?:Mio\.|M|k|K|mil|Md)?[\s\xa0\u202f]?€")
    with formats.use({"locale": LANGUAGES[lang], "currency": "EUR"}):
        millions = formats.money(1_200_000, compact=True).split("1,2", 1)[1]  # "\xa0Mio.\xa0€", "\xa0M€"...
    for text in axes:
        for amount in amounts.findall(text):
            assert not re.search(r"\d(k|M|K)\s?€", amount), (text, amount)  # the library's "600k €", "2,5M €"
    for text in axes + prose:
        assert not re.search(r"\d%", text), text  # 95 % with the locale's space
    assert any(millions in t for t in axes) and any(millions in t for t in prose)
