"""The shared report: real run outputs, opened in a real Chromium with no network, printed to PDF.

Each run output is built once per module (papermill and Chromium are slow); tests
that change an output work on a copy.
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from playbook import load
from playbook.cli import main
from playbook.core import formats
from playbook.core.engagement import sample_path
from playbook.core.settings import defaults
from playbook.parts import PARTS
from playbook.report import document as report
from playbook.report import pdf, summary
from playbook.run.pipeline import run

from .conftest import RESPONDENTS, system_tool, write_engagement, yes_no
from .words import for_developers, shown_changes

SCRIPT = "<script>alert('script ran')</script>"
IMG = "<img src=x onerror=\"alert('img ran')\">"
CLIENT = f"Acme {SCRIPT} & Sons"
PART_HEADINGS = ("1. Self-evaluations and symptoms", "2. Credibility stage", "3. Knowledge gaps",
                 "4. What moved since the last wave", "5. Shared KPIs", "6. Prospecting economics", "7. Lead follow-up",
                 "8. The action plan",
                 "Appendix A. Method")


# --- run outputs, one per module ---------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_run(tmp_path_factory) -> Path:
    """The shipped sample engagement, run end to end with the PDF (A4, the default)."""
    base = tmp_path_factory.mktemp("sample")
    shutil.copytree(sample_path(), base / "halvorsen")
    run(base / "halvorsen", base / "out")
    return base / "out"


def _hostile(folder: Path) -> Path:
    people = [dict(p) for p in RESPONDENTS]
    people[0]["name"] = f"Mara {IMG}"
    people[2]["name"] = f"Bea {SCRIPT}"
    rows = yes_no("mkt-lead", "MSE", {1, 2}, 6) + yes_no("sls-lead", "SSE", {1}, 3)
    rows += yes_no("sls-1", "SYM", {2, 5}, 8)
    rows += [(who, f"CS{lvl}-{i}", str(3 + (i % 2))) for who in ("sls-lead", "mkt-lead")
             for lvl, n in ((1, 8), (2, 6), (3, 6)) for i in range(1, n + 1)]
    rows[0] = (*rows[0], f"comment {IMG} {SCRIPT}")
    write_engagement(folder, people, rows, {"paper_size": "Letter", "show_individual_answers": True,
                                            "firm_name": f"Firm {IMG}"},
                     client=CLIENT, consultant=f"Cy {IMG}")
    with (folder / "kpis.csv").open("w", newline="") as f:
        csv.writer(f).writerows([("metric", "name", "unit", "direction", "owner", "designation", "indicator"),
                                 ("win-rate", f"Win {IMG} rate", "percent", "higher", "sales", "managed", "lagging")])
    (folder / "kpi_values.csv").write_text("metric,period,goal,actual\nwin-rate,2026-10,30,20\n")
    prospecting = {"reps": 10, "cost_per_rep": 100000, "prospecting_share": 0.3,
                   "categories": [{"name": f"Cold {SCRIPT} calling", "time_share": 1.0, "opportunities": 20,
                                   "win_rate": 0.2, "avg_deal": 30000}],
                   "marketing": {"program_cost": 200000, "opportunities": 40, "win_rate": 0.2, "avg_deal": 30000}}
    (folder / "prospecting.yaml").write_text(yaml.safe_dump(prospecting))
    with (folder / "leads.csv").open("w", newline="") as f:
        csv.writer(f).writerows([("lead_id", "created", "source", "first_touch", "status", "reason"),
                                 ("L1", "2026-11-02 09:00", "marketing", "2026-11-02 10:00", "rejected",
                                  f"Lost {SCRIPT} to {IMG}")])
    return folder


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory) -> Path:
    """Client text holding markup everywhere it can go; Letter paper; individual answers shown."""
    base = tmp_path_factory.mktemp("hostile")
    run(_hostile(base / "eng"), base / "out")
    return base / "out"


@pytest.fixture(scope="module")
def partial_run(tmp_path_factory) -> Path:
    """Only responses.csv with self-evaluation rows: the other parts are not assessed."""
    base = tmp_path_factory.mktemp("partial")
    rows = yes_no("mkt-lead", "MSE", {1}, 6) + yes_no("sls-lead", "SSE", set(), 3) + yes_no("sls-1", "MSE", {3}, 6)
    write_engagement(base / "eng", rows=rows)
    run(base / "eng", base / "out", make_pdf=False)
    return base / "out"


def _sections(html: str) -> dict[str, str]:
    """The HTML of each part's section, by part id."""
    out = {}
    for chunk in html.split('<section class="part" id="')[1:]:
        part, body = chunk.split('"', 1)
        out[part] = body.split("</section>", 1)[0]
    return out


# --- the HTML in a real Chromium with the network refused ---------------------------------------

def _open_offline(browser, html_path: Path):  # noqa: F811
    url = html_path.resolve().as_uri()
    ctx = browser.new_context()
    page = ctx.new_page()
    seen = {"requests": [], "dialogs": [], "errors": []}
    page.on("request", lambda req: seen["requests"].append(req.url))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
    page.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
    page.goto(url, wait_until="load")
    return ctx, page, seen, url


FIGURES_JS = """() => Array.from(document.querySelectorAll('figure')).map(f => {
  const svg = f.querySelector('svg');
  if (!svg) return null;
  const box = svg.getBoundingClientRect();
  return {w: box.width, h: box.height, marks: svg.querySelectorAll('path, rect, line, text').length};
})"""


@pytest.mark.browser
def test_every_chart_renders_with_the_network_refused(sample_run, browser):  # noqa: F811
    ctx, page, seen, url = _open_offline(browser, sample_run / "report.html")
    try:
        figures = page.evaluate(FIGURES_JS)
        assert len(figures) >= 4  # self-evaluation and credibility at least
        assert all(f is not None and f["w"] > 50 and f["h"] > 20 and f["marks"] > 0 for f in figures), figures
        assert page.locator("section.part").count() == len(PARTS)
        assert page.locator("h1").inner_text() == "Halvorsen Freight Systems"
    finally:
        ctx.close()
    assert [u for u in seen["requests"] if u != url] == []
    assert not [u for u in seen["requests"] if u.startswith(("http:", "https:"))]
    assert seen["errors"] == [] and seen["dialogs"] == []


@pytest.mark.browser
def test_client_text_is_shown_as_text_and_runs_nothing(hostile_run, browser):  # noqa: F811
    html = (hostile_run / "report.html").read_text()
    assert "<script" not in html.lower() and "<img" not in html.lower()
    ctx, page, seen, url = _open_offline(browser, hostile_run / "report.html")
    try:
        assert page.evaluate("document.querySelectorAll('script, img, iframe, object, embed, link').length") == 0
        assert page.locator("h1").inner_text() == CLIENT
        text = page.inner_text("body")
        for shown in (f"Mara {IMG}", f"Bea {SCRIPT}", f"comment {IMG} {SCRIPT}", f"Cy {IMG}", f"Firm {IMG}",
                      f"Win {IMG} rate", f"Cold {SCRIPT} calling", f"Lost {SCRIPT} to {IMG}"):
            assert shown in text, shown
        assert page.title().startswith(CLIENT)
    finally:
        ctx.close()
    assert seen["dialogs"] == []
    assert [u for u in seen["requests"] if u != url] == []


# --- the PDF ------------------------------------------------------------------------------------

def _pages(pdf: Path, folder: Path) -> list[tuple[int, int]]:
    """Render every page with pdftoppm at 30 dpi; the (width, height) of each PNG."""
    folder.mkdir()
    subprocess.run([system_tool("pdftoppm", "poppler-utils"), "-r", "30", "-png", str(pdf), str(folder / "page")], check=True)
    sizes = []
    for png in sorted(folder.glob("page-*.png")):
        head = png.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        sizes.append(struct.unpack(">II", head[16:24]))
    return sizes


def test_pdf_pages_render_and_paper_size_follows_settings(sample_run, hostile_run, tmp_path):
    a4 = _pages(sample_run / "report.pdf", tmp_path / "a4")
    letter = _pages(hostile_run / "report.pdf", tmp_path / "letter")
    assert len(a4) > 1 and len(letter) > 1
    assert set(a4) == {(248, 351)}  # 210 x 297 mm at 30 dpi
    assert set(letter) == {(255, 330)}  # 8.5 x 11 in at 30 dpi


def test_pdf_has_the_cover_vector_charts_and_a_page_per_part(sample_run):
    text = subprocess.run([system_tool("pdftotext", "poppler-utils"), "-layout", str(sample_run / "report.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    pages = [p.strip() for p in text.split("\f") if p.strip()]
    cover = pages[0]
    for shown in ("Halvorsen Freight Systems", "Dana Whitlock", "Q4 2026", "Sales and marketing alignment"):
        assert shown in cover
    # the contents on one page with the summary
    assert pages[1].startswith("Contents") and "Executive summary" in pages[1] and "8. The action plan" in pages[1]
    for heading in PART_HEADINGS:  # every part starts a page
        assert any(p.startswith(heading) for p in pages), heading
    listing = subprocess.run([system_tool("pdfimages", "poppler-utils"), "-list", str(sample_run / "report.pdf")],
                             capture_output=True, text=True, check=True).stdout.splitlines()
    assert listing[2:] == []  # no raster images: the charts stay vectors, crisp at any zoom


def test_pdf_without_chromium_writes_html_and_says_how_to_install(partial_run, tmp_path, monkeypatch):
    out = tmp_path / "out"
    shutil.copytree(partial_run, out)
    (out / "report.pdf").write_text("stale")
    (out / "report.html").unlink()
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert pdf.chromium() is None
    res = CliRunner().invoke(main, ["report", str(partial_run.parent / "eng"), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "apt-get install chromium" in res.output
    assert (out / "report.html").is_file()
    assert not (out / "report.pdf").exists()  # a stale PDF would contradict the new HTML


# --- parts without input, rebuilding ------------------------------------------------------------

def test_parts_without_input_say_not_assessed(partial_run):
    results = json.loads((partial_run / "results.json").read_text())
    assert results["self_evaluation"] is not None
    assert results["credibility"] is None and results["kpis"] is None and results["prospecting"] is None
    html = (partial_run / "report.html").read_text()
    parts = _sections(html)
    assert "<figure>" in parts["self_evaluation"] and "Not assessed" not in parts["self_evaluation"]
    for part in ("credibility", "kpis", "economics"):
        assert "Not assessed" in parts[part] and "<svg" not in parts[part] and "<table" not in parts[part], part
    summary_html = html.split('<section class="summary"', 1)[1].split("</section>", 1)[0]
    missing = summary_html.split('class="not-assessed-note">', 1)[1].split("</p>", 1)[0]
    for title in ("Credibility stage", "Shared KPIs", "Prospecting economics", "The action plan"):
        assert title in missing  # one sentence names the parts not assessed
    assert "Self-evaluations" not in missing and 'class="headline"' in summary_html
    assert "Individual answers are not included" in html  # show_individual_answers defaults to false


def test_movement_section_and_summary_follow_the_waves(sample_run, partial_run):
    """The sample has credibility ratings in 2026-Q2 and 2026-Q4; the partial run has one wave only."""
    results = json.loads((sample_run / "results.json").read_text())
    assert [w["wave"] for w in results["waves"]] == ["2026-Q2", "2026-Q4"]
    moved = results["movement"]
    assert (moved["from"], moved["to"]) == ("2026-Q2", "2026-Q4")
    assert moved["stage_change"] == results["waves"][1]["stage"] - results["waves"][0]["stage"]
    html = (sample_run / "report.html").read_text()
    section = _sections(html)["movement"]
    assert "What moved since Q2 2026" in section and "Not assessed" not in section
    assert section.count("<figure>") == 1 and section.count("<table") == 2
    summary_html = html.split('<section class="summary"', 1)[1].split("</section>", 1)[0]
    assert "Since Q2 2026, the stage rose from 0 to 1" in summary_html
    assert "the next step towards the target, stage 3" in summary_html.split('class="headline">', 1)[1]

    partial = json.loads((partial_run / "results.json").read_text())
    assert partial["movement"] is None and len(partial["waves"]) == 1
    html = (partial_run / "report.html").read_text()
    section = _sections(html)["movement"]
    assert "There is nothing to compare yet: this is the first wave." in section and "<figure>" not in section
    assert "This is the first wave: nothing to compare yet" in html.split('<section class="summary"', 1)[1]


def test_report_summary_answers_first_with_owned_dated_decisions_and_no_code(sample_run):
    """Issue 21 point 9's summary check on the report as written: headline, at most three decisions with owner and
    date, no item id, action id or test statistic; each decision links to the plan that carries it."""
    from .test_summary import check_answer_first, summary_text

    results = json.loads((sample_run / "results.json").read_text())
    page = (sample_run / "report.html").read_text()
    block = page.split('<section class="summary"', 1)[1].split("</section>", 1)[0]
    with formats.use(results["settings"]):
        check_answer_first(summary_text(block), summary.story(results))
    assert block.count('href="#actions"') == 3 and 'id="actions"' in page


def test_leads_section_sets_what_people_say_beside_the_record(sample_run, partial_run):
    """METHOD 14 through a real run of the sample: results, the section in words and pictures, the summary."""
    import html as markup

    results = json.loads((sample_run / "results.json").read_text())
    leads = results["leads"]
    assert [r["verdict"] for r in leads["perception"]] == ["not_borne_out", "unseen", "confirmed"]
    assert set(leads["sources"]) == {"marketing", "sales", "partner", "other", "all"}
    text = markup.unescape((sample_run / "report.html").read_text())
    section = _sections(text)["leads"]
    assert "Sales complains about lead quality (57% say so), but accepted 75% of the marketing leads it decided on: " \
           "the record does not bear this out." in section
    assert section.count("<figure>") == 2 and section.count("<table") == 3
    for shown in ("Marketing's leads, from created to converted", "Follow-up against the SLA of 8 business hours",
                  "What people say, against what the CRM records", "A problem nobody names", "Central Time (Chicago)"):
        assert shown in section, shown
    assert "HFS-L" not in section and "leads.csv" not in section  # no ids, no file names
    assert "America/Chicago" not in section and "08:00-" not in section  # the zone and the hours in words
    summary_html = text.split('<section class="summary"', 1)[1].split("</section>", 1)[0]
    point = summary_html.split("The CRM's record bears out 1 of 3 complaints about leads.</dt> <dd>", 1)[1]
    point = point.split("</dd>", 1)[0]
    assert point.startswith("Sales gives little or uneven feedback") and "a problem nobody names" in point
    assert json.loads((partial_run / "results.json").read_text())["leads"] is None
    assert "Not assessed" in _sections((partial_run / "report.html").read_text())["leads"]


def test_every_setting_is_in_the_appendix_in_plain_words(sample_run, hostile_run):
    """Each setting by what it does and its value in words: no key, no hex code, no file name (issue 21, point 6)."""
    for out in (sample_run, hostile_run):
        appendix = (out / "report.html").read_text().split('id="appendix"', 1)[1]
        words = html.unescape(re.sub(r"<[^>]+>", "", appendix))  # (a word with a hyphen sits in a nowrap span)
        for key in defaults():
            assert summary.SETTINGS[key][0] in words, key  # "A new rep's first year"
            assert key not in appendix or key in ("language", "locale", "currency", "holidays", "timezone"), key  # plain words too
        text = re.sub(r"<[^>]+>", " ", appendix)
        assert "#1f3a5f" not in text and "engagement.yaml" not in text and "playbook's own" not in text
        assert "Firm colour in the deck</td><td><span class=\"swatch\"" in appendix and "navy" in appendix
    rows = re.findall(r"<tr><td>([^<]*)</td><td>.*?</td>\s*<td>([^<]*)</td></tr>",
                      (hostile_run / "report.html").read_text(), re.S)
    assert ("Paper size of the PDF", "yes") in rows and ("Target stage", "no, the firm's default") in rows
    assert "Appendix D. Individual answers" in (hostile_run / "report.html").read_text()
    questions = (sample_run / "report.html").read_text().split("Appendix C. The questions", 1)[1]
    assert '<td class="id">CS2-2</td><td>Answers for a share of pipeline</td>' in questions  # ids to cross-reference


def test_report_is_rebuilt_from_results_when_notebooks_are_missing(partial_run, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(partial_run, out)
    shutil.rmtree(out / "notebooks")
    report.build(out)  # from the snapshot the run left beside results.json
    parts = _sections((out / "report.html").read_text())
    assert parts["self_evaluation"].count("<figure>") >= 1 and "<svg" in parts["self_evaluation"]


def test_report_command_rebuilds_and_refuses_a_folder_without_results(partial_run, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(partial_run, out)
    (out / "report.html").unlink()
    eng = partial_run.parent / "eng"
    res = CliRunner().invoke(main, ["report", str(eng), "--out", str(out), "--no-pdf"])
    assert res.exit_code == 0, res.output
    assert "Testco Ltd" in (out / "report.html").read_text()
    res = CliRunner().invoke(main, ["report", str(eng), "--out", str(tmp_path / "nothing"), "--no-pdf"])
    assert res.exit_code == 2
    assert "no results.json" in res.output and "Traceback" not in res.output
    (out / "results.json").write_text("{not json")
    res = CliRunner().invoke(main, ["report", str(eng), "--out", str(out), "--no-pdf"])
    assert res.exit_code == 2 and "not a results.json" in res.output and "Traceback" not in res.output


# --- the words, without a run -------------------------------------------------------------------

def test_summary_says_not_assessed_for_every_missing_part():
    story = summary.story({"settings": {}})
    assert not story.findings and not story.decisions
    from playbook.parts import PARTS

    assert all(p.title in story.not_assessed for p in PARTS)


def test_rules_list_every_setting_and_mark_overrides():
    settings = {**defaults(), "stage_threshold": 0.8, "future_setting": 3}
    rows = summary.rules(settings, defaults())
    keyed = {r["setting"]: r for r in rows if r["setting"]}
    assert set(keyed) == set(settings)
    assert keyed["stage_threshold"]["changed"] and "80%" in keyed["stage_threshold"]["value"]
    assert not keyed["kpi_watch"]["changed"]
    assert any(r["setting"] == "" for r in rows)  # the method's fixed rules follow


def test_css_strings_and_svg_cleaning_refuse_active_content():
    assert report.css_string('a"b\\c</style>') == "a\\22 b\\5c c\\3c \\2f style\\3e "
    assert report._clean_svg("<svg><script>alert(1)</script></svg>") == ""
    assert report._clean_svg('<svg><image href="https://example.com/x.png"/></svg>') == ""
    assert report._clean_svg('<?xml version="1.0"?><svg width="1"></svg>') == '<svg width="1"></svg>'


def test_report_appendix_comes_from_the_run_not_from_todays_store(partial_run, tmp_path):
    """Answers saved after the run change nothing in a rebuilt report: sections and appendix share one snapshot."""
    from playbook.core.store import Store

    out, eng_dir = tmp_path / "out", tmp_path / "eng"
    shutil.copytree(partial_run, out)
    shutil.copytree(partial_run.parent / "eng", eng_dir)
    before = (out / "report.html").read_text().split('id="appendix"', 1)[1]
    eng = load(eng_dir)
    with Store(eng.store_path) as store:
        for r in eng.respondents:
            store.save(r.id, "CS1-1", 5, eng.period)
    res = CliRunner().invoke(main, ["report", str(eng_dir), "--out", str(out), "--no-pdf"])
    assert res.exit_code == 0, res.output
    after = (out / "report.html").read_text().split('id="appendix"', 1)[1]
    assert "credibility ratings" not in after and after.count("<tr") == before.count("<tr")


def test_report_command_refuses_a_run_of_another_engagement(partial_run, sample_copy, tmp_path):
    res = CliRunner().invoke(main, ["report", str(sample_copy), "--out", str(partial_run), "--no-pdf"])
    assert res.exit_code == 2 and "not 'halvorsen" in res.output and "Traceback" not in res.output


# --- what a client reads: numbers that add up, pages that are full, words for people ---------------------------

def _pdf_text(pdf_path: Path) -> list[str]:
    text = subprocess.run([system_tool("pdftotext", "poppler-utils"), "-layout", str(pdf_path), "-"],
                          capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def _fill(pdf_path: Path, folder: Path) -> list[float]:
    """How far down each page's content area (inside the margins, above the footer) ink reaches, 0 to 1."""
    from PIL import Image

    folder.mkdir()
    subprocess.run([system_tool("pdftoppm", "poppler-utils"), "-r", "30", "-gray", "-png", str(pdf_path),
                    str(folder / "page")], check=True)
    fills = []
    for png in sorted(folder.glob("page-*.png")):
        image = Image.open(png).convert("L")
        width, height = image.size
        top, bottom = int(height * 16 / 297), int(height * (1 - 18 / 297))
        pixels = image.load()
        inked = [y for y in range(top, bottom) if any(pixels[x, y] < 200 for x in range(width))]
        fills.append((max(inked) - top) / (bottom - top) if inked else 0.0)
    return fills


STARTS = re.compile(r"\s*(\d+\. \S|Appendix [A-D]\.)")  # a part's or an appendix's heading opens the page


@pytest.mark.parametrize("which", ["sample", "hostile"])
def test_no_pdf_page_is_more_than_half_empty_unless_the_next_starts_a_part(sample_run, hostile_run, tmp_path, which):
    out = sample_run if which == "sample" else hostile_run
    fills = _fill(out / "report.pdf", tmp_path / "pages")
    pages = _pdf_text(out / "report.pdf")
    assert len(fills) == len(pages)
    empty = [(n + 1, round(fill, 2)) for n, fill in enumerate(fills[:-1])
             if n > 0 and fill < 0.5 and not STARTS.match(pages[n + 1])]  # the cover is not a page of text
    assert empty == []


def test_the_pdf_is_written_for_people_and_its_changes_add_up(sample_run, hostile_run):
    """No developer words, keys, codes or ISO dates in the PDF's text; every shown change is the difference of
    the two figures it joins (issue 21: "46% → 77% (up 32 points)" must not happen)."""
    for out in (sample_run, hostile_run):
        text = "\n".join(_pdf_text(out / "report.pdf"))
        assert for_developers(text) == []
        assert "results.json" not in text and "item(s)" not in text and "rater(s)" not in text
        assert shown_changes(text) == []
    text = "\n".join(_pdf_text(sample_run / "report.pdf"))
    assert "46% → 77%, up 31 points" in " ".join(text.split())  # level 1, consistent execution
    assert "67.8%" not in text and "12 of 12 metrics" not in text  # lower is better; Q4 still under way
    assert not re.search(r"\$\d+k\b", text)  # compact money as the text writes it: $200K, never $200k


TOKENS_JS = r"""(column) => {
  document.body.style.width = column + 'px';
  const broken = [], wide = [];
  for (const table of document.querySelectorAll('table')) {
    if (table.getBoundingClientRect().width > column + 1) wide.push(table.rows[0].innerText.slice(0, 60));
    for (const cell of table.querySelectorAll('td, th')) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const re = /\S+/g;
        let m;
        while ((m = re.exec(node.data))) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
          if (tops.size > 1) broken.push(m[0]);
        }
      }
      if (cell.classList.contains('nb')) {
        const range = document.createRange();
        range.selectNodeContents(cell);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(cell.innerText);
      }
    }
  }
  return {broken, wide};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("which", ["sample", "hostile"])
def test_table_cells_never_break_inside_a_word_id_or_date(sample_run, hostile_run, browser, which):  # noqa: F811
    """Laid out as printed (the report's column on A4 or Letter paper): cells wrap between words only, short cells
    (a date, an id, a status) stay on one line, and no table is wider than the column."""
    out = sample_run if which == "sample" else hostile_run
    ctx, page, seen, url = _open_offline(browser, out / "report.html")
    try:
        page.emulate_media(media="print")
        found = page.evaluate(TOKENS_JS, 680 if which == "sample" else 702)
    finally:
        ctx.close()
    assert found == {"broken": [], "wide": []}
