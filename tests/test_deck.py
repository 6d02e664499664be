"""The client's deck (report.pptx): opened with python-pptx, and rendered by LibreOffice Impress to check
that every slide shows something and nothing runs over its edges.

Each run is built once per module; the LibreOffice conversion runs once, for every deck of the module.
"""

from __future__ import annotations

import copy
import html
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu

from playbook.cli import main
from playbook.core import formats
from playbook.core.engagement import load, sample_path
from playbook.parts import PARTS
from playbook.report import brand, deck, fit, slide_kit, storyline
from playbook.report.document import sections
from playbook.report.summary import story
from playbook.run.pipeline import run

from .conftest import system_tool, write_engagement, yes_no

COLOUR = "#7a1f5c"
FIRM = "Quarry Lane Partners"
CLIENT_MAX = 200  # engagement.schema.json: client, one line of at most 200 characters
KPI_NAME_MAX = 120  # kpis.csv: a metric's name, 1 to 120 characters
ACTION_MAX = 400  # actions.csv: an action's text, 1 to 400 characters
A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _logo(path: Path) -> None:
    img = Image.new("RGB", (240, 80), "#ffffff")
    img.paste(Image.new("RGB", (200, 50), COLOUR), (20, 15))
    img.save(path, "PNG")


def _settings(folder: Path, **values) -> None:
    config = folder / "engagement.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["settings"] = {**(data.get("settings") or {}), **values}
    config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def _partial(folder: Path) -> Path:
    rows = yes_no("mkt-lead", "MSE", {1, 2}, 6) + yes_no("sls-lead", "SSE", {1}, 3) + yes_no("sls-1", "SYM", {2}, 8)
    return write_engagement(folder, rows=rows)


# --- run outputs, one per module ---------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_run(tmp_path_factory) -> Path:
    """The sample engagement with a logo, the firm's name and colour, run end to end (no PDF)."""
    base = tmp_path_factory.mktemp("sample")
    eng = base / "halvorsen"
    shutil.copytree(sample_path(), eng)
    _logo(eng / "logo.png")
    _settings(eng, firm_name=FIRM, brand_colour=COLOUR)
    run(eng, base / "out", make_pdf=False)
    return base / "out"


@pytest.fixture(scope="module")
def partial_run(tmp_path_factory) -> Path:
    """Only self-evaluation and symptom answers, run with --no-deck; the deck rebuilt by 'playbook report'."""
    base = tmp_path_factory.mktemp("partial")
    eng = _partial(base / "eng")
    done = CliRunner().invoke(main, ["run", str(eng), "--out", str(base / "out"), "--no-pdf", "--no-deck"])
    assert done.exit_code == 0, done.output
    assert not (base / "out" / "report.pptx").exists() and "Deck:" not in done.output
    done = CliRunner().invoke(main, ["report", str(eng), "--out", str(base / "out"), "--no-pdf"])
    assert done.exit_code == 0, done.output
    assert (base / "out" / "report.pptx").is_file()
    return base / "out"


def _long_results(sample: Path) -> dict:
    """The sample's results with every client text at the longest the validators allow."""
    r = copy.deepcopy(json.loads((sample / "results.json").read_text()))
    words = "Longname Holdings International Group of Regional Freight and Logistics Subsidiaries "
    r["client"] = (words * 5)[:CLIENT_MAX].strip() + "X"
    r["consultant"] = ("Alexandra Konstantinopoulou-Vanderbilt " * 6)[:200]
    r["period"] = "2026-Q4 second half of the fiscal year ab"[:40]
    r["settings"]["firm_name"] = ("Northbeam Advisory and Partners Consulting Group " * 3)[:120]
    for i, row in enumerate(r["kpis"]["to_date"]):
        row["name"] = (f"Metric {i} share of marketing qualified leads accepted by sales within two working days "
                       "of hand-over, by region and segment")[:KPI_NAME_MAX].ljust(KPI_NAME_MAX, "x")
    for row in r["kpis"]["periods"]:
        row["name"] = next(x["name"] for x in r["kpis"]["to_date"] if x["metric"] == row["metric"])
    step = ("Agree with the sales leader, in writing and before the next quarterly business review, which share of "
            "pipeline opportunities marketing answers for, how an opportunity counts as accepted, who records it, "
            "and where both teams see the figure every week; then report it beside sales' own pipeline numbers "
            "in every forecast call until the target stage is reached.")
    items = [{"action_id": f"A-{i:02d}", "source": "credibility", "item": "CS2-2", "item_name": "CS2-2",
              "action": step[:ACTION_MAX].ljust(ACTION_MAX, "."), "owner": "mkt-lead",
              "owner_name": "Mara " + "Q" * 195, "due": "2026-12-31", "status": "in_progress",
              "overdue": i % 2 == 0, "item_change": None, "note": ""} for i in range(14)]
    r["actions"] = {"as_of": "2026-11-30", "open": 0, "in_progress": len(items), "done": 0, "dropped": 0,
                    "overdue": [a["action_id"] for a in items if a["overdue"]], "items": items}
    return r


@pytest.fixture(scope="module")
def long_deck(sample_run, tmp_path_factory) -> tuple[Path, dict]:
    """A deck from results at the validators' caps, its parts rebuilt from those results (no notebooks)."""
    base = tmp_path_factory.mktemp("long")
    r = _long_results(sample_run)
    (base / "notebooks").mkdir()
    prs = deck.render(r, base / "notebooks", deck.Brand(firm=r["settings"]["firm_name"], colour=COLOUR))
    prs.save(str(base / "long.pptx"))
    return base / "long.pptx", r


@pytest.fixture(scope="module")
def template_deck(partial_run, tmp_path_factory) -> Path:
    """The partial run's deck made with a firm template (4:3, its own slide to drop, renamed layouts)."""
    base = tmp_path_factory.mktemp("template")
    tpl = Presentation()
    tpl.slides.add_slide(tpl.slide_layouts[1]).shapes.title.text = "FIRM TEMPLATE SAMPLE SLIDE"
    for layout in tpl.slide_layouts:
        layout.name = f"Firm {layout.name}"
    eng = _partial(base / "eng")
    tpl.save(str(eng / "firm.pptx"))
    _settings(eng, deck_template="firm.pptx")
    out = base / "out"
    shutil.copytree(partial_run, out)
    done = CliRunner().invoke(main, ["report", str(eng), "--out", str(out), "--no-pdf"])
    assert done.exit_code == 0, done.output
    return out / "report.pptx"


@pytest.fixture(scope="module")
def rendered(sample_run, partial_run, long_deck, template_deck, tmp_path_factory) -> dict[str, list[Image.Image]]:
    """Every deck of the module as slide images: one LibreOffice conversion, then pdftoppm per deck."""
    soffice = system_tool("soffice", "libreoffice-impress")
    pdftoppm = system_tool("pdftoppm", "poppler-utils")
    base = tmp_path_factory.mktemp("impress")
    decks = {"sample": sample_run / "report.pptx", "partial": partial_run / "report.pptx", "long": long_deck[0],
             "template": template_deck}
    for name, path in decks.items():
        shutil.copy(path, base / f"{name}.pptx")
    profile = (base / "profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
                    str(base), *(str(base / f"{n}.pptx") for n in decks)], check=True, capture_output=True,
                   timeout=300)
    out = {}
    for name in decks:
        subprocess.run([pdftoppm, "-r", "40", "-png", str(base / f"{name}.pdf"), str(base / name)], check=True)
        out[name] = [Image.open(p).convert("L") for p in sorted(base.glob(f"{name}-*.png"))]
    return out


# --- helpers ------------------------------------------------------------------------------------

def _texts(slide) -> str:
    out = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            out.append(shape.text_frame.text)
        if shape.has_table:
            out.extend(c.text for row in shape.table.rows for c in row.cells)
    return "\n".join(out)


def _title(slide) -> str:
    return slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""


def _pictures(slide) -> list:
    return [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


def _charts(slide) -> list:
    """Pictures below the title row (the logo sits in it)."""
    return [p for p in _pictures(slide) if p.top >= Emu(int(914400 * slide_kit.CONTENT_TOP * 0.9))]


def _bullets(slide) -> list:
    return [p for sh in slide.shapes if sh.has_text_frame for p in sh.text_frame.paragraphs
            if p._p.pPr is not None and p._p.pPr.find(f"{{{A}}}buChar") is not None]


def _line(results, notebooks: Path) -> storyline.Storyline:
    """The deck's storyline for these results, as ``deck.render`` lays it out."""
    with formats.use(results.get("settings") or {}):
        _sections, _svgs, shown = deck._figures(results, notebooks)
        told = story(results)
        has_plan = any(a.get("status") in ("open", "in_progress") for a in (results.get("actions") or {}).get("items")
                       or [])
        return storyline.plan(results, told, shown, 2 + bool(told.decisions) + has_plan)


def _main_deck(prs) -> list:
    """The slides before the appendix's divider."""
    slides = list(prs.slides)
    end = next(i for i, s in enumerate(slides) if _title(s).startswith("Appendix"))
    return slides[:end]


def _part_slides(prs, results, notebooks: Path = Path("/nonexistent")) -> dict[str, list]:
    """Per part, the chart slides that show its figures (main deck and appendix), matched by their titles."""
    line = _line(results, notebooks)
    by_title: dict[str, list] = {}
    for s in prs.slides:
        by_title.setdefault(_title(s).rstrip("…").strip(), []).append(s)
    out: dict[str, list] = {p.name: [] for p in PARTS}
    for chart in line.main + line.appendix:
        out[chart.part] += [s for t, found in by_title.items() for s in found if chart.title.startswith(t)]
    return out


def _sizes(prs) -> list[float]:
    """Every explicit text size on the deck's slides (text boxes, tables, native charts' XML), in points."""
    import re

    sizes = []
    for s in prs.slides:
        for shape in s.shapes:
            frames = [shape.text_frame] if shape.has_text_frame else []
            frames += [c.text_frame for row in shape.table.rows for c in row.cells] if shape.has_table else []
            sizes += [r.font.size.pt for f in frames for p in f.paragraphs for r in p.runs if r.font.size]
            if shape.has_chart:
                xml = shape.chart.part.blob.decode("utf-8")
                sizes += [int(v) / 100 for v in re.findall(r'\bsz="(\d+)"', xml)]
    return sizes


def _assessed(results) -> list[str]:
    return [p.name for p in PARTS if any(results.get(k) is not None for k in p.keys)]


# --- the deck, opened with python-pptx ----------------------------------------------------------

def _runs(sample_run, partial_run):
    for out in (sample_run, partial_run):
        yield json.loads((out / "results.json").read_text()), Presentation(str(out / "report.pptx")), out


def test_deck_tells_the_story_in_at_most_fifteen_slides_with_action_titles_then_an_appendix(sample_run, partial_run):
    """Issue 21 point 4: slide 2's title is the headline, every chart slide's title is its finding as a sentence of
    at most two lines (never the section's name), at most 15 slides before the appendix."""
    counts = []
    for results, prs, out in _runs(sample_run, partial_run):
        line = _line(results, out / "notebooks")
        main_deck = _main_deck(prs)
        counts.append(len(prs.slides))
        assert len(main_deck) <= storyline.MAIN_MOST and _title(prs.slides[-1]).startswith("Appendix")
        assert _title(prs.slides[0]) == results["client"]
        with formats.use(results["settings"]):
            told = story(results)
        titles = [_title(s) for s in main_deck]
        assert titles[1] == told.headline
        assert titles[2:2 + len(line.main)] == [c.title for c in line.main]  # the parts' findings, in report order
        names = {n for sec in sections(results, out / "notebooks") for n in (sec["title"],
                                                                              f"{sec['number']}. {sec['title']}")}
        for s in list(prs.slides)[1:]:
            title = s.shapes.title
            assert not any(_title(s).startswith(n) for n in names), _title(s)
            size = title.text_frame.paragraphs[0].runs[0].font.size.pt
            assert fit.lines(_title(s), title.width / 12700, size, True) <= slide_kit.TITLE_LINES
        by_part = _part_slides(prs, results, out / "notebooks")
        shown = {p for p, slides in by_part.items() if slides}
        assert shown <= set(_assessed(results))  # nothing for a part not assessed
        if out == sample_run:  # the sample: every part assessed has its slide
            assert shown == set(_assessed(results)), set(_assessed(results)) - shown
        else:  # the partial run: a part with nothing to show (no gap, a first wave) needs no slide
            assert shown == {"self_evaluation"}
    assert counts[1] < counts[0]


def test_chart_slides_show_native_charts_beside_their_finding_and_so_what(sample_run):
    """Bar and line charts are PowerPoint charts (editable, in the marks' colours); a picture only where no native
    type fits, crisp; the figure's so-what and a few points beside it."""
    from pptx.enum.chart import XL_CHART_TYPE

    results = json.loads((sample_run / "results.json").read_text())
    prs = Presentation(str(sample_run / "report.pptx"))
    line = _line(results, sample_run / "notebooks")
    by_title = {_title(s): s for s in prs.slides}
    natives, left_out = 0, []
    for chart in line.main + line.appendix:
        slide = next((s for t, s in by_title.items() if chart.title.startswith(t.rstrip("…").strip())), None)
        if slide is None:  # a picture whose text would print under 10 pt stays in the report
            left_out.append(chart)
            continue
        drawn = [sh for sh in slide.shapes if sh.has_chart]
        pictures = _charts(slide)
        assert len(drawn) + len(pictures) == 1, chart.title
        for c in pictures:
            with Image.open(io.BytesIO(c.image.blob)) as img:
                assert img.width / (c.width / 914400) >= 150, chart.title
        natives += len(drawn)
        assert chart.so_what in _texts(slide) and len(_bullets(slide)) <= slide_kit.MOST_BULLETS
    assert [c.figure for c in left_out] == ["goal_vs_actual"] and all(c in line.appendix for c in left_out)
    kinds = {sh.chart.chart_type for s in prs.slides for sh in s.shapes if sh.has_chart}
    assert natives >= 12 and {XL_CHART_TYPE.BAR_CLUSTERED, XL_CHART_TYPE.BAR_STACKED} <= kinds
    assert kinds & {XL_CHART_TYPE.LINE, XL_CHART_TYPE.LINE_MARKERS}
    bars = [sh.chart for s in _main_deck(prs) for sh in s.shapes if sh.has_chart]
    assert len(bars) >= len(line.main) - 2  # the main deck's figures are native but for the faceted ones


def test_no_text_on_any_slide_is_under_ten_points(sample_run, partial_run, long_deck, template_deck):
    for path in (sample_run / "report.pptx", partial_run / "report.pptx", long_deck[0], template_deck):
        sizes = _sizes(Presentation(str(path)))
        assert sizes and min(sizes) >= slide_kit.SMALLEST == 10, (path.name, min(sizes))


def test_summary_and_decision_slides_say_what_the_html_summary_says(sample_run):
    from .test_summary import check_answer_first

    results = json.loads((sample_run / "results.json").read_text())
    prs = Presentation(str(sample_run / "report.pptx"))
    with formats.use(results["settings"]):
        told = story(results)
    decided = next(s for s in prs.slides if _title(s).endswith("decisions turn these findings into action"))
    text = _texts(prs.slides[1]) + "\n" + _texts(decided)
    check_answer_first(text.replace("\n", " "), told)
    summary_slide = _texts(prs.slides[1])
    for d in told.decisions:
        assert d.what in summary_slide and d.owner in summary_slide and d.due in summary_slide
        assert deck._first_sentence(d.evidence) in summary_slide  # its evidence figure, in words
    for p in told.findings:
        assert p.topic in summary_slide
    for t, _m in told.terms:
        assert f"{t}: " in summary_slide
    page = html.unescape((sample_run / "report.html").read_text(encoding="utf-8"))
    for p in told.findings:
        assert p.topic in page and p.text in page
    assert "In the action plan:" in _texts(decided)  # each decision names the actions that carry it


def _table_rows(markup: str, heading: str) -> list[list[str]]:
    """The body rows of the report's table titled ``heading``, as cell texts."""
    import re

    block = markup.split(heading, 1)[1].split("</table>", 1)[0]
    return [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", block.split("<tbody>", 1)[1], re.S)]


def test_economics_figures_are_the_same_in_results_the_report_and_the_deck(sample_run):
    """METHOD 12 through a real run of the sample: the scenarios and the revenue table carry results.json's figures
    (formatted for people) into the report and the deck; the verdict waits for the experiment."""
    from playbook.core.formats import money, money_change

    results = json.loads((sample_run / "results.json").read_text())
    p, a, e = results["prospecting"], results["attribution"], results["experiment"]
    page = (sample_run / "report.html").read_text(encoding="utf-8")
    prs = Presentation(str(sample_run / "report.pptx"))
    slides = {_title(s): _texts(s) for s in prs.slides}
    # the scenarios: the current plan first, then the file's, with their cost, revenue and change to the plan
    assert [x["name"] for x in p["scenarios"]] == ["current", "Marketing budget up a quarter", "Two more reps"]
    current = p["scenarios"][0]
    assert (current["total_cost"], current["total_revenue"]) == (p["prospecting_cost"] + p["marketing"]["cost"],
                                                                 p["total_revenue"] + p["marketing"]["revenue"])
    rows = _table_rows(page, "Scenarios against the current plan, fiscal year 2026")
    deck_rows = slides["Appendix: Scenarios against the current plan, fiscal year 2026"]
    for row, x in zip(rows, p["scenarios"], strict=True):
        cost, revenue = money(x["total_cost"], compact=True, digits=2), money(x["total_revenue"], compact=True,
                                                                               digits=2)
        assert row[2:4] == [cost, revenue] and cost in deck_rows and revenue in deck_rows
        if x is not current:
            change = money_change(current["total_revenue"], x["total_revenue"], digits=2)
            assert row[6] == change and change in deck_rows
    # the revenue table: modelled and recorded, with the period, in the report and the deck's appendix
    bridge = {r[0]: r for r in _table_rows(page, "Revenue: modelled and recorded, where each comes from")}
    appendix = "\n".join(t for title, t in slides.items() if title.startswith("Appendix: revenue"))
    expected = {"Marketing lead program": ("Modelled", p["marketing"]["revenue"]),
                "All won deals": ("Recorded", a["won_revenue"]),
                "Sourced by marketing": ("Recorded", a["by_source"]["marketing"]),
                "Sourced by sales": ("Recorded", a["by_source"]["sales"])}
    for name, (kind, amount) in expected.items():
        assert bridge[name][1] == kind and bridge[name][3] == p["period"] == a["period"] == "fiscal year 2026"
        assert bridge[name][4] == money(amount, compact=True) and money(amount, compact=True) in appendix
    assert a["by_source"]["marketing"] == a["sourced_revenue"] and sum(a["by_source"].values()) == a["won_revenue"]
    # the hire alternative on the deal list, its basis and ramp beside the verdict; the verdict waits for the test
    assert p["hire_alternative"]["basis"] == "deals" and p["hire_alternative"]["ramp"] == 0.5
    assert p["hire_alternative"]["revenue_per_rep"] == a["by_source"]["sales"] / p["reps"]
    section = html.unescape(page.split('id="economics"', 1)[1].split("</section>", 1)[0])
    assert "(recorded: won deals sourced by sales, per rep)" in section and "about 50% of that" in section
    assert not e["significant"] and e["needed_per_group"] > e["control"]["n"]
    verdict = f"needs {e['needed_per_group']} reps per group"
    for text in (html.unescape(page.split('id="economics"', 1)[0]), section):
        assert "Not proven yet: test before moving budget." in text and verdict in text
        assert "Invest in marketing leads" not in text
    shown = "\n".join(f"{title}\n{t}" for title, t in slides.items())
    assert "Not proven yet: test before moving budget." in shown and "Invest in marketing leads" not in shown
    assert f"a test that can needs {e['needed_per_group']} reps a group" in shown
    assert "per period" not in section


def test_title_plan_and_appendix_come_from_the_run(sample_run):
    results = json.loads((sample_run / "results.json").read_text())
    prs = Presentation(str(sample_run / "report.pptx"))
    cover = _texts(prs.slides[0])
    for value in (results["client"], "Q4 2026", results["consultant"], FIRM):  # the period as people write it
        assert value in cover
    steps = results["credibility"]["next_steps"]
    plan = [s for s in prs.slides if _title(s).startswith("Appendix: the whole action plan")]
    assert plan and all(any(sh.has_table for sh in s.shapes) for s in plan)
    shown = "\n".join(_texts(s) for s in plan)
    assert steps and all(a["action"] in shown for a in results["actions"]["items"])
    active = [a for a in results["actions"]["items"] if a["status"] in ("open", "in_progress")]
    under_way = next(s for s in _main_deck(prs) if _title(s).startswith(f"{len(active)} actions are under way"))
    assert len(next(sh for sh in under_way.shapes if sh.has_table).table.rows) == len(active) + 1
    appendix = "\n".join(_texts(s) for s in prs.slides if _title(s).startswith("Appendix"))
    assert "Credibility level established" in appendix and "Lead experiment" in appendix


def test_every_slide_is_branded(sample_run):
    prs = Presentation(str(sample_run / "report.pptx"))
    logo = (sample_run.parent / "halvorsen" / "logo.png").read_bytes()
    for n, s in enumerate(prs.slides, start=1):
        footer = [sh.text_frame.text for sh in s.shapes if sh.has_text_frame and sh.top > prs.slide_height * 0.85]
        assert FIRM in footer and any(t.endswith(f"· {n}") for t in footer), n
        assert any(p.image.blob == logo for p in _pictures(s)), n
        run = s.shapes.title.text_frame.paragraphs[0].runs[0]
        assert str(run.font.color.rgb) == COLOUR.lstrip("#").upper()
    headers = [sh.table.cell(0, 0).fill.fore_color.rgb for s in prs.slides for sh in s.shapes if sh.has_table]
    assert headers and all(str(c) == COLOUR.lstrip("#").upper() for c in headers)


def test_a_firm_template_gives_its_layouts_and_size_and_loses_its_slides(template_deck, partial_run):
    prs = Presentation(str(template_deck))
    own = Presentation(str(partial_run / "report.pptx"))
    assert (prs.slide_width, prs.slide_height) == (Emu(9144000), Emu(6858000))  # the template's 4:3
    assert len(prs.slides) >= len(own.slides)  # a narrower slide may need more of them
    assert all(s.slide_layout.name.startswith("Firm ") for s in prs.slides)
    assert prs.slides[0].slide_layout.name == "Firm Title Slide"
    assert {s.slide_layout.name for s in list(prs.slides)[1:]} == {"Firm Title and Content"}
    assert not any("FIRM TEMPLATE SAMPLE SLIDE" in _texts(s) for s in prs.slides)
    with zipfile.ZipFile(template_deck) as z:  # the dropped slide is gone from the package too
        assert len([n for n in z.namelist() if n.startswith("ppt/slides/slide")]) == len(prs.slides)


def _inside(prs, shape) -> bool:
    return (shape.left >= 0 and shape.top >= 0 and shape.left + shape.width <= prs.slide_width
            and shape.top + shape.height <= prs.slide_height)


def test_longest_texts_fit_shrink_or_continue_on_a_next_slide(long_deck):
    path, r = long_deck
    prs = Presentation(str(path))
    assert _title(prs.slides[0]) == r["client"]  # 200 characters, shown whole
    cover = _texts(prs.slides[0])
    assert r["consultant"] in cover
    for s in prs.slides:
        for shape in s.shapes:
            assert _inside(prs, shape)
            if not shape.has_text_frame or not shape.text_frame.text.strip():
                continue
            paras = [p for p in shape.text_frame.paragraphs]
            size = max(r.font.size.pt for p in paras for r in p.runs if r.font.size)
            indent = slide_kit.INDENT if any(p._p.pPr is not None and p._p.pPr.get("marL") for p in paras) else 0
            need = fit.height([p.text for p in paras], shape.width / 12700 - indent, size,
                              bold=all(r.font.bold for p in paras for r in p.runs))
            assert need <= shape.height / 12700 + 0.5, (_title(s), shape.text_frame.text[:60], need)
    plan = [s for s in prs.slides if _title(s).startswith("Appendix: the whole action plan")]
    assert len(plan) >= 2 and _title(plan[0]).endswith(f"(1 of {len(plan)})")  # rows continue on next slides
    cells = [row.cells[0].text for s in plan for sh in s.shapes if sh.has_table for row in list(sh.table.rows)[1:]]
    assert cells == [a["action"] for a in r["actions"]["items"]]  # every action, whole, once
    for s in plan:
        table = next(sh for sh in s.shapes if sh.has_table)
        assert table.top + sum(row.height for row in table.table.rows) <= prs.slide_height - Emu(
            int(914400 * slide_kit.CONTENT_BOTTOM))
    decided = "\n".join(_texts(s) for s in prs.slides if _title(s).endswith("decisions turn these findings into action"))
    with formats.use(r["settings"]):
        off = [d for d in story(r).decisions if d.what.startswith("Bring ")]
    assert off and all(d.what in decided for d in off)  # long KPI names, whole
    kpi_slides = _part_slides(prs, r, path.parent / "notebooks")["kpis"]
    assert kpi_slides and any(r["kpis"]["to_date"][0]["name"][:60] in _texts(s) for s in kpi_slides)


# --- the deck, rendered by LibreOffice Impress ------------------------------------------------------

def _ink(img: Image.Image, box: tuple[int, int, int, int]) -> int:
    """Pixels darker than near-white inside ``box``."""
    hist = img.crop(box).histogram()
    return sum(hist[:235])


def _check_slides(images: list[Image.Image], name: str, gutter: bool) -> None:
    for n, img in enumerate(images, start=1):
        w, h = img.size
        per_in = w / slide_kit.WIDE[0] if abs(w / h - 16 / 9) < 0.02 else w / 10.0
        band = int(per_in * 0.2)
        assert _ink(img, (0, 0, w, h)) > 0.01 * w * h, f"{name} slide {n} is blank"
        for edge in ((0, 0, w, band), (0, h - band, w, h), (0, 0, band, h), (w - band, 0, w, h)):
            assert _ink(img, edge) == 0, f"{name} slide {n}: something is drawn in the outer margin {edge}"
        if gutter:  # between the content and the footer
            top, bottom = h - int(per_in * (slide_kit.GUTTER[0] - 0.03)), h - int(per_in * (slide_kit.GUTTER[1] + 0.03))
            assert _ink(img, (band, top, w - band, bottom)) == 0, f"{name} slide {n}: content runs into the footer"


def test_impress_renders_every_slide_with_content_and_nothing_over_the_edges(rendered, sample_run, long_deck,
                                                                             partial_run):
    counts = {"sample": len(Presentation(str(sample_run / "report.pptx")).slides),
              "partial": len(Presentation(str(partial_run / "report.pptx")).slides),
              "long": len(Presentation(str(long_deck[0])).slides)}
    for name, images in rendered.items():
        if name in counts:
            assert len(images) == counts[name], name
        _check_slides(images, name, gutter=name != "template")


# --- bad input: one message, exit 2, nothing written ----------------------------------------------

def _refused(eng: Path, tmp_path: Path, *words: str) -> str:
    out = tmp_path / "out"
    done = CliRunner().invoke(main, ["run", str(eng), "--out", str(out), "--no-pdf"])
    assert done.exit_code == 2, done.output
    message = done.output.strip()
    assert message.startswith("error:") and len(message.splitlines()) == 1
    for word in words:
        assert word in message
    assert not out.exists() and not (eng / "answers.sqlite").exists()
    return message


@pytest.mark.parametrize("name, content, words", [
    ("missing.pptx", None, ("missing.pptx", "file not found", ".pptx")),
    ("notes.txt", b"hello", ("settings.deck_template", "notes.txt", ".pptx")),
    ("fake.pptx", b"just text, not a zip", ("fake.pptx", "not a PowerPoint presentation", ".pptx")),
    ("zip.pptx", "zip", ("zip.pptx", "ppt/presentation.xml")),
    ("folder.pptx", "dir", ("folder.pptx", ".pptx")),
])
def test_a_bad_deck_template_is_refused_before_any_work(tmp_path, name, content, words):
    eng = _partial(tmp_path / "eng")
    target = eng / name
    if content == "zip":
        with zipfile.ZipFile(target, "w") as z:
            z.writestr("word/document.xml", "<w/>")
    elif content == "dir":
        target.mkdir()
    elif content is not None:
        target.write_bytes(content)
    _settings(eng, deck_template=name)
    _refused(eng, tmp_path, *words)


@pytest.mark.parametrize("name, make", [
    ("logo.png", lambda p: p.write_text("<svg onload=alert(1)></svg>")),
    ("logo.png", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)),  # a PNG header, then nothing
    ("logo.jpg", lambda p: p.write_bytes(b"\xff\xd8\xff\xe0" + b"junk" * 10)),
    ("logo.jpg", lambda p: Image.new("RGB", (8, 8)).save(p, "GIF")),  # a GIF named .jpg
])
def test_a_logo_that_is_not_a_readable_png_or_jpeg_is_refused(tmp_path, name, make):
    eng = _partial(tmp_path / "eng")
    make(eng / name)
    _refused(eng, tmp_path, name, "PNG", "JPEG")


def test_report_command_refuses_a_bad_template_and_leaves_the_run_alone(partial_run, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(partial_run, out)
    eng = _partial(tmp_path / "eng")
    _settings(eng, deck_template="nowhere/firm.pptx")
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    done = CliRunner().invoke(main, ["report", str(eng), "--out", str(out), "--no-pdf"])
    assert done.exit_code == 2 and "nowhere/firm.pptx" in done.output
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before


def test_brand_reads_a_good_logo_and_template_and_accepts_none(tmp_path):
    eng_dir = _partial(tmp_path / "eng")
    b = deck.brand(load(eng_dir))
    assert b.logo is None and b.template is None and b.colour == brand.DEFAULT_COLOUR and b.firm
    Image.new("RGB", (30, 10), "red").save(eng_dir / "logo.jpg", "JPEG")
    Presentation().save(str(eng_dir / "t.pptx"))
    _settings(eng_dir, deck_template="t.pptx", brand_colour="#00AA11")
    b = deck.brand(load(eng_dir))
    assert b.logo == (eng_dir / "logo.jpg").read_bytes() and b.template and b.colour == "#00AA11"


def test_fit_shrinks_then_splits_then_trims():
    short, long = "A short line.", "word " * 300
    assert fit.size_for([short], 300, 40, (18, 14, 12)) == 18
    assert fit.size_for([long], 300, 40, (18, 14, 12)) is None
    runs = fit.pages([long, short, short], 400, 300, (18, 14, 12), 4)
    assert runs[0][0][0].endswith("…") and len(runs[0][0][0]) < len(long)  # too long for any box: trimmed
    assert [p for run, _ in runs for p in run][1:] == [short, short]
    assert len({size for _, size in runs}) == 1
    many = fit.pages([short] * 10, 400, 300, (18, 14, 12), 4)
    assert [len(run) for run, _ in many] == [4, 4, 2]
    assert fit.trim("x" * 500, 200, 40, 12).endswith("…")
    assert fit.lines("y" * 100, 100, 12) > 1  # a word longer than the line breaks


def test_the_deck_is_written_for_people_and_its_changes_add_up(sample_run, partial_run):
    """The developer-words scan (tests/words.py) over every slide's text, and every shown change is the difference
    of the two figures it joins (issue 21, points 2 and 6)."""
    from .words import for_developers, shown_changes

    for out in (sample_run, partial_run):
        prs = Presentation(str(out / "report.pptx"))
        text = "\n".join(_texts(s) for s in prs.slides)
        assert for_developers(text) == [], out.name
        assert shown_changes(text) == [], out.name
        assert "item(s)" not in text and "rater(s)" not in text


def test_without_chromium_the_assembly_says_so_once_and_prints_nothing(sample_run, tmp_path, monkeypatch):
    """The consultant's first hour: no "Printing report.pdf with headless Chromium" followed by "no Chromium"."""
    from playbook.report import pdf
    from playbook.run.pipeline import assemble

    out = tmp_path / "again"
    shutil.copytree(sample_run, out)
    (out / "report.pdf").write_bytes(b"%PDF-1.4 an older report")
    monkeypatch.setattr(pdf, "chromium", lambda: None)
    said: list[str] = []
    summary = assemble(sample_run.parent / "halvorsen", out, said.append, make_pdf=True, make_deck=False)
    assert not any("Chromium" in line for line in said), said
    assert summary.notes == [pdf.CHROMIUM_HELP] and summary.pdf is None
    assert not (out / "report.pdf").exists()  # an older PDF never contradicts the new report


def test_a_picture_whose_text_would_print_under_10_pt_is_left_to_the_report():
    """Issue 21 point 4: nothing under 10 pt on a slide, a picture's text included (its smallest font at the size
    the slide gives it)."""
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="300"><text font-size="12px">a</text></svg>'
    assert slide_kit.picture_text_pt(svg.format(w=400), 8.0, 6.0) == pytest.approx(12 * 8.0 / 400 * 72)  # 17.3 pt
    assert slide_kit.picture_text_pt(svg.format(w=2400), 8.0, 6.0) < slide_kit.SMALLEST_PT  # 2.9 pt
    assert slide_kit.picture_text_pt('<svg width="10" height="10"></svg>', 1, 1) == float("inf")
    d = slide_kit.Deck(brand.Brand(), "Client", "Q4 2026")
    assert deck._legible(d, None, svg.format(w=400)) and not deck._legible(d, None, svg.format(w=2400))
