"""The client's interactive report (notebooks/report.ipynb, playbook/serve/report_page/viewer.py).

A copy of the sample engagement is run once per module with the real ``playbook run``; the page's pure
parts are checked on that run, and the page itself through a real ``playbook serve`` in Chromium with the
viewer link ``playbook share`` prints.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from playbook import load
from playbook.core import formats
from playbook.core import snapshot as snapshots
from playbook.core.engagement import sample_path
from playbook.parts import PARTS
from playbook.parts import get as part
from playbook.parts.kpis import model as kpi_model
from playbook.report import document
from playbook.report.summary import story
from playbook.run import results as run_results
from playbook.serve.report_page import viewer
from playbook.serve.report_page.viewer import Choice, Drawn, Report

from .browser import (  # noqa: F401
    CHROMIUM_ARGS,
    DEVELOPER,
    ReportPage,
    kernel_message,
    kernels,
    kill_page_kernel,
    replies,
    served,
    server_log,
    widget_states,
    widget_update,
)
from .words import for_developers, shown_changes

SCRIPT = "<script>alert('script ran')</script>"
WHATIF = ("reps", "cost_per_rep", "prospecting_share", "program_cost")


# --- one real run of a copy of the sample, for the module ---------------------------------------------------------
@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("viewer")
    eng = base / "halvorsen-2026"
    shutil.copytree(sample_path(), eng)
    subprocess.run([sys.executable, "-m", "playbook", "run", str(eng), "--out", str(base / "out"), "--no-pdf",
                    "--no-deck"], check=True, capture_output=True)
    return eng, base / "out"


@pytest.fixture(scope="module")
def report(run) -> Report:
    found = viewer.find(load(run[0]))
    assert found is not None
    return found


def _page_html(rep: Report) -> str:
    """Everything the page writes before any control is touched."""
    eng = load(rep.out.parent / "halvorsen-2026")
    parts = [viewer.head_html(s) + viewer.static_html(s) for s in rep.sections]
    return viewer.cover_html(rep, eng) + viewer.summary_html(rep) + "".join(parts) + viewer.footer_html(rep)


def _text(markup: str) -> str:
    no_svg = re.sub(r"<svg.*?</svg>", " ", markup, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", " ", no_svg, flags=re.S)))


# --- the report from the latest run -----------------------------------------------------------------------------
def test_report_is_the_latest_runs_story_in_the_shared_reports_order_and_numbering(run, report):
    eng_dir, out = run
    assert report.out == out
    assert [s["part"] for s in report.sections] == [p.name for p in PARTS]
    shared = document.sections(report.results, out / "notebooks")
    for mine, theirs in zip(report.sections, shared, strict=True):
        assert mine["number"] == theirs["number"] and mine["title"] == theirs["title"]
        assert [b["label"] for b in mine["content"]["blocks"]] == [b["label"] for b in theirs["content"]["blocks"]]
    page = _page_html(report)
    assert "Halvorsen Freight Systems" in page and "Northbeam Advisory" in page
    from .test_summary import check_answer_first, summary_text

    with formats.use(report.results["settings"]):
        told = story(report.results)
    summary_block = page.split('id="pb-summary"', 1)[1].split('<nav class="contents">', 1)[0]
    check_answer_first(summary_text(summary_block), told)  # the page's summary: answer first, no code
    assert summary_block.count('href="#pb-part-actions"') == len(told.decisions) and 'id="pb-part-actions"' in page
    for point in told.findings:
        assert point.text in html.unescape(page)
    assert page.count("<svg") >= 15
    assert "2. Credibility stage" in page and "Figure 2.1." in page and "Table 5.1." in page
    assert document.intros()["credibility"].split(".")[0] in html.unescape(page)


def _without_plan(markup: str) -> str:
    """The page without the action plan, whose actions are owned by named people (that is the plan), nor the
    summary's decisions and its finding on the plan, which name the owners of those actions."""
    markup = re.sub(r'<ol class="decisions">.*?</ol>', "", markup, flags=re.S)
    markup = re.sub(r'<div class="point [^"]*part-actions">.*?</div>', "", markup, flags=re.S)
    return re.sub(r'<div class="pb-static[^"]*" id="pb-static-actions">.*', "", markup, flags=re.S)


def test_the_page_shows_no_individual_answer_comment_name_or_developer_word(run, report):
    eng = load(run[0])
    page = _page_html(report)
    text = _text(page)
    snap = report.snapshot()
    comments = {a["comment"] for a in snap.answers if a.get("comment")}
    assert comments, "the sample has comments to look for"
    assert [c for c in comments if c in text] == []
    names = [p.name for p in eng.respondents]
    assert any(n in text for n in names), "the action plan names the owners of actions"
    assert [n for n in names if n in _text(_without_plan(page))] == []
    assert DEVELOPER.findall(text) == []


def test_no_run_means_no_report(sample_copy):
    assert viewer.find(load(sample_copy)) is None


def test_client_text_is_escaped():
    rep = Report({"client": f"Acme {SCRIPT}", "period": "2026-Q4", "settings": {"firm_name": f"Firm {SCRIPT}"},
                  "generated_at": "2026-11-24T10:00:00+00:00"}, [])
    page = viewer.cover_html(rep, None) + viewer.footer_html(rep)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "November 24, 2026" in page  # the run's day, in the locale's long form


def test_a_reason_naming_a_file_is_not_shown():
    assert viewer.absent({"absent": "the engagement has no actions.csv"}) == ""
    assert viewer.absent({"absent": "no credibility-stage ratings were collected"}) != ""


# --- the controls: each redraws its part from the run's snapshot -------------------------------------------------
def test_credibility_view_switch(report):
    assert not viewer.changed(report, "credibility", Choice(report.wave, basis="sales"))
    sec = viewer.redraw(report, "credibility", Choice(report.wave, basis="marketing"))
    content = sec["content"]
    assert any("marketing's own eyes" in line for line in content["findings"])
    titles = {b["name"]: b["title"] for b in content["blocks"] if b["kind"] == "figure"}
    assert titles["levels"] == "Credibility levels: marketing view beside sales view"
    assert [b["label"] for b in content["blocks"]] == [b["label"] for b in report.section("credibility")["content"]
                                                      ["blocks"]]
    everyone = viewer.redraw(report, "credibility", Choice(report.wave, basis="all"))["content"]
    assert any("all raters' eyes" in line for line in everyone["findings"])


def test_wave_picker_redraws_the_parts_read_from_one_wave(report):
    assert [p.name for p in PARTS if viewer.by_wave(p.name)] == ["self_evaluation", "credibility", "knowledge",
                                                                 "movement"]
    assert report.waves == ["2026-Q2", "2026-Q4"] and report.wave == "2026-Q4"
    earlier = Choice("2026-Q2")
    assert viewer.changed(report, "self_evaluation", earlier) and not viewer.changed(report, "kpis", earlier)
    sec = viewer.redraw(report, "self_evaluation", earlier)
    expected = part("self_evaluation").section(run_results.compute(report.snapshot(), (part("self_evaluation"),),
                                                                   "2026-Q2"))
    assert sec["content"]["findings"] == [str(x) for x in expected["findings"]]
    assert sec["content"]["findings"] != report.section("self_evaluation")["content"]["findings"]


def test_kpi_filters_keep_one_owner_and_one_period(report):
    data = report.snapshot().data["kpis"]
    assert kpi_model.owners(data) == ["sales", "marketing", "shared"]
    assert kpi_model.in_period("2026-08", "2026-Q3") and kpi_model.in_period("2026-Q3", "2026-Q3")
    assert not kpi_model.in_period("2026-10", "2026-Q3") and not kpi_model.in_period("2026-Q3", "2026-08")
    chosen = kpi_model.select(data, "2026-Q3", "marketing")
    assert {m.owner for m in chosen.metrics.values()} == {"marketing"}
    assert {v.period for v in chosen.values} <= {"2026-07", "2026-08", "2026-09", "2026-Q3"}
    sec = viewer.redraw(report, "kpis", Choice(report.wave, kpi_owner="marketing"))
    assert viewer.note(report, "kpis", Choice(report.wave, "sales", "2026-Q3", "shared")) == (
        "The KPIs owned by sales and marketing jointly, in Q3 2026 only; the executive summary counts them all.")
    table = next(b for b in sec["content"]["blocks"] if b["name"] == "scorecard")["html"]
    owners = set(re.findall(r"<tr>\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>([^<]*)</td>", table))
    assert owners == {"marketing"}


def test_whatif_draws_again_only_the_charts_that_changed(report, monkeypatch):
    from playbook.parts import charts

    drawn, calls = Drawn(), []
    real = charts.to_svg
    monkeypatch.setattr(charts, "to_svg", lambda chart: calls.append(1) or real(chart))
    data = report.snapshot().data["economics"]["prospecting"]
    values = {k: (data["marketing"]["program_cost"] if k == "program_cost" else data[k]) for k in WHATIF}
    first = viewer.redraw(report, "economics", Choice(report.wave, whatif=tuple({**values, "program_cost": 5e6}
                                                                                .items())), drawn)
    # the plan's three charts, once for the report's width and once for a phone's; the measurement's sensitivity, the
    # attribution and the experiment are not drawn at all: they stand as the run drew them, in both layouts
    assert len(calls) == 6
    assert any("marketing spend $5M" in line for line in first["content"]["findings"])
    run_blocks = {b["name"]: b for b in report.section("economics")["content"]["blocks"] if b["kind"] == "figure"}
    for block in first["content"]["blocks"]:
        if block["kind"] == "figure":
            same = block["name"] in ("sensitivity", "attribution", "experiment")
            assert block["phone_svg"] and (block["svg"] == run_blocks[block["name"]]["svg"]) is same
            assert (block["phone_svg"] == run_blocks[block["name"]]["phone_svg"]) is same
    calls.clear()
    second = viewer.redraw(report, "economics", Choice(report.wave, whatif=tuple({**values, "reps": 30.0}.items())),
                           drawn)
    # back to the engagement's spend with more reps: cost and revenue per source, revenue per dollar (marketing's is
    # back) and the scenarios change; the measurement's sensitivity, the attribution and the experiment do not
    assert len(calls) == 6  # three charts, each in both layouts
    run_svg = {b["name"]: b.get("svg") for b in report.section("economics")["content"]["blocks"]}
    new_svg = {b["name"]: b.get("svg") for b in second["content"]["blocks"]}
    assert new_svg["cost_revenue"] != run_svg["cost_revenue"] and new_svg["sensitivity"] == run_svg["sensitivity"]
    assert [b["label"] for b in second["content"]["blocks"]] == [b["label"] for b in
                                                                 report.section("economics")["content"]["blocks"]]


def test_a_redrawn_parts_phone_layout_shows_what_was_chosen(report):
    """The phone layout of a part drawn again is of the same choice as the report's layout: the credibility view
    chosen, the funnel of the source chosen (it once showed the run's default view and source on a phone)."""
    def figure(name: str, choice: Choice, block: str) -> dict:
        sec = viewer.redraw(report, name, choice)
        return next(b for b in sec["content"]["blocks"] if b["name"] == block)

    levels = figure("credibility", Choice(report.wave, basis="all"), "levels")
    assert "all raters" in levels["svg"] and "all raters" in levels["phone_svg"]
    assert "sales view" not in levels["phone_svg"]
    sales = figure("leads", Choice(report.wave, lead_source="sales"), "funnel")
    marketing = figure("leads", Choice(report.wave, lead_source="marketing"), "funnel")
    found = "Leads sales found"
    assert found in sales["svg"] and found in sales["phone_svg"] and found not in marketing["phone_svg"]


def test_the_page_draws_a_phones_layout_once_the_reader_pauses(report):
    """In the page's kernel (an event loop): a what-if shows the report's layout of the new figures at once and
    their phone layout after a pause; a change made before the pause draws again and its phone layout follows."""
    import asyncio

    from playbook.serve.report_page import controls
    from playbook.serve.report_page.controls import Live

    live = Live(report)
    live.part("economics")
    data = report.snapshot().data["economics"]["prospecting"]
    values = {k: (data["marketing"]["program_cost"] if k == "program_cost" else data[k]) for k in WHATIF}

    def phones() -> int:
        return live.stages["economics"].value.count('class="chart phone"')

    async def visit() -> list[tuple[int, int]]:
        seen = []
        for spend in (300_000.0, 360_000.0):
            live.choose(whatif=tuple({**values, "program_cost": spend}.items()))
            seen.append((live.stages["economics"].value.count("<figure"), phones()))
        await asyncio.sleep(controls.PHONE_PAUSE * 2)
        seen.append((live.stages["economics"].value.count("<figure"), phones()))
        return seen

    (first, second, paused) = asyncio.run(visit())
    assert first == second == (6, 3)  # the plan's three figures without their phone layout yet
    assert paused == (6, 6) and "$360K" in live.stages["economics"].value and not live.phones
    live.choose(whatif=None)
    assert live.stages["economics"].value == ""  # the run's drawing again
    live.choose(whatif=tuple({**values, "program_cost": 420_000.0}.items()))
    assert phones() == 6  # no event loop: both layouts at once


def test_whatif_moves_marketing_revenue_with_spend_and_shows_the_change_to_the_current_plan(report):
    """METHOD 12: half the spend brings 0.5^0.8 of the program's opportunities, so of its modelled revenue."""
    res = report.results["prospecting"]
    data = report.snapshot().data["economics"]["prospecting"]
    values = {k: (data["marketing"]["program_cost"] if k == "program_cost" else data[k]) for k in WHATIF}
    choice = Choice(report.wave, whatif=tuple({**values, "program_cost": 240000.0}.items()))
    _, sec = viewer.part_results(report, "economics", choice)
    table = sec["tables"]["sources"][1]
    marketing = table[table["Source"] == "Marketing leads"].iloc[0]
    expected = res["marketing"]["revenue"] * 0.5 ** report.results["settings"]["spend_elasticity"]
    assert marketing["Revenue (modelled)"] == formats.money(expected, compact=True) == "$546K"
    assert marketing["Cost"] == "$240K"
    scenarios = sec["tables"]["scenarios"][1]
    assert list(scenarios["Scenario"]) == ["Current plan", "Marketing budget up a quarter", "Two more reps",
                                           "The values above"]
    above = scenarios.iloc[-1]
    assert (above["Cost against the current plan"], above["Revenue against the current plan"]) == ("-$240K", "-$410K")
    assert sec["findings"][0].startswith("With the values above (marketing spend $240K)")
    # a scenario kept on the page: in the table under its name, computed as the run computes scenarios
    kept = Choice(report.wave, kept=(("What-if 1", tuple({**values, "reps": 30.0}.items())),))
    res_kept, sec_kept = viewer.part_results(report, "economics", kept)
    assert list(sec_kept["tables"]["scenarios"][1]["Scenario"])[-1] == "What-if 1"
    from playbook.parts.economics import prospecting

    assert res_kept["prospecting"]["scenarios"][-1] == prospecting.scenario(
        data, {**values, "reps": 30.0}, "What-if 1", report.results["settings"]["spend_elasticity"])
    assert "scenarios kept on this page" in viewer.note(report, "economics", kept)


def test_a_whatif_value_that_cannot_be_used_is_one_message(report):
    from playbook.core.errors import UserError

    with pytest.raises(UserError):
        viewer.redraw(report, "economics", Choice(report.wave, whatif=(("reps", -3.0),)))


def test_planner_starts_from_the_engagements_experiment(report):
    v = viewer.planner_values(report.results)
    e = report.results["experiment"]
    assert len(v["reps"].split(", ")) == e["treatment"]["n"] + e["control"]["n"]
    assert v["control_mean"] == e["control"]["mean"]


def test_the_controls_start_from_the_runs_results_where_the_snapshot_would_start_them(report):
    """The page's what-if and KPI owners are drawn from results.json, without loading the run's snapshot, and show
    what controls made from the snapshot show."""
    import ipywidgets as w

    from playbook.parts.economics.whatif import whatif_controls
    from playbook.serve.report_page.controls import Live

    fresh = Report.from_run(report.out)  # as a visitor's kernel has it: nothing loaded yet
    live = Live(fresh)
    economics, kpis = live.part("economics"), live.part("kpis")
    assert fresh.snap is None
    data = report.snapshot().data
    with formats.use(report.settings):
        expected = {c.description: c.value for c in whatif_controls(data["economics"]["prospecting"]).values()}
    shown = {c.description: c.value for c in economics.children[0].children if "pb-rp-whatif" in c._dom_classes}
    assert shown == expected and len(shown) == len(WHATIF)
    owner = [c for c in kpis.children[0].children if isinstance(c, w.Dropdown)][1]
    assert {v for _, v in owner.options if v} == set(kpi_model.owners(data["kpis"]))
    assert viewer.whatif_start({**report.results, "prospecting": None}) is None
    assert viewer.kpi_owners({}) == []


def test_the_kpi_filters_start_on_every_period_and_every_owner_and_filter(report):
    import ipywidgets as w

    from playbook.serve.report_page.controls import Live

    live = Live(report)
    box = live.part("kpis")
    period, owner = [c for c in box.children[0].children if isinstance(c, w.Dropdown)]
    assert (period.label, owner.label) == ("To date (every period)", "Every owner")  # a choice shown, not a blank
    assert [label for label, _ in owner.options] == ["Every owner", "marketing", "sales", "sales and marketing jointly"]
    owner.value = "marketing"
    assert live.choice.kpi_owner == "marketing" and "owned by marketing" in live.stages["kpis"].value
    owner.value = ""
    assert live.choice.kpi_owner is None and live.stages["kpis"].value == ""  # the run's drawing again


def test_without_an_experiment_the_planner_says_what_it_needs_and_shows_no_made_up_figures(report):
    """Never a tool filled with sample data: no 24 made-up reps and $420,000 when no experiment was run. Without an
    experiment the planner starts from the team and the won revenue per rep the deal list records; with neither,
    there is nothing to plan from."""
    nothing = {"experiment": None, "prospecting": None, "attribution": None}
    assert viewer.planner_values({**report.results, **nothing}) is None
    team = viewer.planner_values({**report.results, "experiment": None})
    p, a = report.results["prospecting"], report.results["attribution"]
    assert len(team["reps"].split(", ")) == max(4, round(p["reps"]))
    assert team["control_mean"] == a["won_revenue"] / p["reps"]
    assert "420" not in viewer.NO_EXPERIMENT and "needs" in viewer.NO_EXPERIMENT
    assert not hasattr(viewer, "PLANNER") or "reps" not in viewer.PLANNER


def test_a_page_without_an_experiment_shows_one_sentence_in_place_of_the_planner(report):
    import dataclasses

    import ipywidgets as w

    from playbook.serve.report_page.controls import Live

    nothing = {"experiment": None, "prospecting": None, "attribution": None}
    without = dataclasses.replace(report, results={**report.results, **nothing})
    panel = Live(without).planner()
    assert isinstance(panel, w.HTML) and viewer.NO_EXPERIMENT.split(",")[0] in panel.value
    assert "rep-01" not in panel.value and "$" not in panel.value
    assert isinstance(Live(report).planner(), w.Box)  # the engagement's own experiment: the tool, from its figures


def test_kpi_captions_follow_the_chosen_period_and_owner(report):
    run = report.section("kpis")["content"]
    assert [b["title"] for b in run["blocks"] if b["kind"] == "figure"][0] == "Metrics by status to date"
    sec = viewer.redraw(report, "kpis", Choice(report.wave, kpi_period="2026-Q3", kpi_owner="marketing"))
    titles = [b["title"] for b in sec["content"]["blocks"]]
    assert "Metrics by status in Q3 2026 (owner: marketing)" in titles
    assert "KPI scorecard in Q3 2026 (owner: marketing)" in titles
    assert not any("to date" in t for t in titles)
    assert not any("to date" in line for line in sec["content"]["findings"])
    figure = next(b for b in sec["content"]["blocks"] if b["name"] == "status_counts")
    assert "in Q3 2026" in figure["svg"] and "in Q3 2026" in figure["phone_svg"]


def test_away_from_a_server_the_page_computes_the_report(sample_copy):
    from playbook import pages

    page = pages.report_start(str(sample_copy), "report")
    assert page.report is not None and page.report.out is None and page.live_report is None
    assert [s["number"] for s in page.report.sections] == list(range(1, len(PARTS) + 1))
    assert snapshots.FILE  # the computed report needs no run folder


# --- the page, served, in Chromium ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(run):
    eng, _ = run
    with served(eng) as (base, proc):
        share = subprocess.run([sys.executable, "-m", "playbook", "share", str(eng), "--public-url", base],
                               check=True, capture_output=True, text=True)
        yield eng, base, proc, share.stdout.strip().splitlines()[-1]


def _own_link(server) -> str:
    """A viewer link of the test's own: a link holds a few pages at once, and the pages earlier tests opened on the
    module's link may still be closing on a busy machine."""
    eng, base, _, _ = server
    share = subprocess.run([sys.executable, "-m", "playbook", "share", str(eng), "--public-url", base],
                           check=True, capture_output=True, text=True)
    return share.stdout.strip().splitlines()[-1]


def _reader_text(pg) -> str:
    """The page's text as shown, but for the name a download link gives the file it downloads (the planner's
    list of reps): naming what one gets there is for the reader."""
    return pg.evaluate("""() => { const hidden = [...document.querySelectorAll('a[download]')];
        hidden.forEach(a => a.dataset.text = a.textContent);
        hidden.forEach(a => a.textContent = a.textContent.replace(a.getAttribute('download'), 'the list'));
        const text = document.body.innerText;
        hidden.forEach(a => a.textContent = a.dataset.text);
        return text; }""")


def _open(pg, url: str) -> list[str]:
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.goto(url, wait_until="commit", timeout=180_000)
    pg.wait_for_selector("svg:visible", timeout=180_000)  # on a phone the first figure shown is its phone layout
    pg.wait_for_selector(".pb-rp-whatif input", timeout=180_000)  # Voilà's JavaScript has drawn the controls
    return requests


@pytest.mark.browser

def test_share_link_shows_the_clients_report_and_nothing_else(server, page):
    eng_dir, base, _, link = server
    assert "v=" in link and "/voila/render/report.ipynb" in link
    requests = _open(page, link)
    text = _reader_text(page)
    assert "Halvorsen Freight Systems" in text and "Northbeam Advisory" in text
    assert "Executive summary" in text and "2. Credibility stage" in text
    assert page.locator("#pb-report svg").count() >= 15
    assert DEVELOPER.findall(text) == []
    # Nobody's name but as the owner of an action in the plan.
    outside_plan = page.evaluate("""() => { const b = document.body.cloneNode(true);
        b.querySelector('#pb-static-actions').remove();
        b.querySelectorAll('.decisions, .point.part-actions').forEach(e => e.remove()); return b.textContent; }""")
    assert [p.name for p in load(eng_dir).respondents if p.name in outside_plan] == []
    assert "who has answered" not in text.lower()  # the consultant's tools are not a viewer's
    assert [u for u in requests if not u.startswith((base + "/", "data:", "blob:"))] == []
    assert len(requests) > 10  # Voilà's JavaScript and the widgets came, from this server
    assert for_developers(text) == [] and shown_changes(text) == []
    # The tab names the client and the report; the KPI filters open on every period and every owner.
    assert page.title() == "Halvorsen Freight Systems · Sales and marketing alignment · Q4 2026"
    chosen = page.evaluate("""() => ['.pb-rp-period', '.pb-rp-owner'].map(c => {
        const s = document.querySelector(c + ' select'); return [s.selectedIndex, s.options[s.selectedIndex].text]; })""")
    assert [(i, t.replace("\u00a0", " ")) for i, t in chosen] == [(0, "To date (every period)"), (0, "Every owner")]
    # Nothing below the footer but the page's own margin (no screen-high empty band).
    below = page.evaluate("""() => document.documentElement.scrollHeight
        - (document.querySelector('.doc-end').getBoundingClientRect().bottom + scrollY)""")
    assert below < 200


@pytest.mark.browser

def test_moving_a_whatif_control_redraws_the_economics_figures(server, page):
    _open(page, server[3])
    static = page.locator("#pb-static-economics")
    assert static.is_visible()
    spend = page.get_by_label("Marketing spend ($)")
    spend.fill("5000000")
    spend.press("Enter")
    page.wait_for_selector(".pb-rp-stage-economics svg", timeout=60_000)
    assert not static.is_visible()
    redrawn = page.inner_text(".pb-rp-stage-economics")
    assert "$5M" in redrawn and "Figure 6.1." in redrawn
    page.get_by_role("button", name="Back to the engagement's figures").click()
    page.wait_for_function("() => !document.querySelector('.pb-rp-stage-economics svg')", timeout=60_000)
    assert static.is_visible()


@pytest.mark.browser
def test_whatif_spend_moves_the_marketing_revenue_shown_as_method_12_says(server, run, page):
    """Half the marketing spend: the program's modelled revenue is 0.5 ^ spend_elasticity of the run's, shown where
    the run showed it; the values kept as a scenario join the scenario table with their difference to the plan."""
    import json

    results = json.loads((run[1] / "results.json").read_text(encoding="utf-8"))
    spent, earned = results["prospecting"]["marketing"]["cost"], results["prospecting"]["marketing"]["revenue"]
    expected = earned * 0.5 ** results["settings"]["spend_elasticity"]
    _open(page, server[3])

    def marketing_row(where: str) -> list[str]:
        row = page.locator(f"{where} table").first.locator("tr", has_text="Marketing leads")
        return row.locator("td").all_inner_texts()

    assert marketing_row("#pb-static-economics")[1:4:2] == [formats.money(spent, compact=True),
                                                            formats.money(earned, compact=True)]
    spend = page.get_by_label("Marketing spend ($)")
    spend.fill(str(spent / 2))
    spend.press("Enter")
    page.wait_for_selector(".pb-rp-stage-economics svg", timeout=60_000)
    assert marketing_row(".pb-rp-stage-economics")[1:4:2] == [formats.money(spent / 2, compact=True),
                                                              formats.money(expected, compact=True)]
    assert formats.money(expected, compact=True) != formats.money(earned, compact=True)
    shown = page.inner_text(".pb-rp-stage-economics")
    assert "With the values above (marketing spend $240K)" in shown and "the current plan costs" in shown
    page.get_by_role("button", name="Keep these values as a scenario").click()
    page.wait_for_function("() => document.querySelector('.pb-rp-stage-economics').innerText.includes('What-if 1')",
                           timeout=60_000)
    reps = page.get_by_label("Quota-carrying reps")
    reps.fill("30")
    reps.press("Enter")
    page.wait_for_function("() => document.querySelector('.pb-rp-stage-economics').innerText.includes('30 reps')",
                           timeout=60_000)
    table = page.locator(".pb-rp-stage-economics table", has_text="Cost against the current plan")
    names = table.locator("tbody tr td:first-child").all_inner_texts()
    assert names == ["Current plan", "Marketing budget up a quarter", "Two more reps", "What-if 1", "The values above"]
    kept = table.locator("tr", has_text="What-if 1").locator("td").all_inner_texts()
    assert kept[1] == "marketing spend $240K" and kept[5].startswith("-$")
    assert DEVELOPER.findall(page.inner_text(".pb-rp-stage-economics")) == []


@pytest.mark.browser
def test_the_sla_control_redraws_the_follow_up_and_the_source_control_the_funnel(server, page):
    _open(page, server[3])
    static = page.locator("#pb-static-leads")
    assert "Follow-up against the SLA of 8 business hours" in static.inner_html()
    readout = page.locator(".pb-rp-sla .widget-readout").first
    readout.click()
    readout.fill("24")
    readout.press("Enter")
    page.wait_for_selector(".pb-rp-stage-leads svg", timeout=60_000)
    assert not static.is_visible()
    stage = page.locator(".pb-rp-stage-leads")
    assert "Follow-up against an SLA of 24 business hours" in stage.inner_text()
    assert "SLA of 24 business hours, by source" in stage.inner_html()
    page.locator(".pb-rp-source select").select_option(label="Partners")
    page.wait_for_function("() => document.querySelector('.pb-rp-stage-leads').innerText"
                           ".includes(\"Why partners' leads were rejected or recycled\")", timeout=60_000)
    assert "Partners&#39; leads, from created to converted" in stage.inner_html() or \
        "Partners' leads, from created to converted" in stage.inner_html()
    assert DEVELOPER.findall(stage.inner_text()) == []


@pytest.mark.browser

def test_on_a_phone_the_page_does_not_scroll_sideways(server, browser):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        pg = ctx.new_page()
        _open(pg, server[3])
        pg.wait_for_timeout(500)
        assert pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        box = pg.locator(".pb-rp-whatif input").first.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390  # the controls are within reach
        width = pg.evaluate("document.querySelector('#pb-static-credibility figure .phone svg')"
                            ".getBoundingClientRect().width")
        assert width <= 390
        # Every chart shown is laid out for the phone: its text at least 11 px as drawn on the screen.
        small = pg.evaluate("""() => [...document.querySelectorAll('#pb-report figure svg')]
            .filter(svg => svg.getBoundingClientRect().width > 0)
            .map(svg => { const scale = svg.getBoundingClientRect().width / svg.width.baseVal.value;
                          const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize));
                          return Math.min(...sizes) * scale; })
            .filter(px => px < 11)""")
        assert small == []
    finally:
        ctx.close()


# What the page's kernel may hold once the page is drawn: none of what only the controls compute with (the run's
# snapshot loaded, with pandas and numpy; the charts, with altair and their renderer vl-convert), nor what the
# report page never needs (scipy, nbformat, the store, the workbook and deck writers).
LOADED = ("[m for m in ('pandas', 'numpy', 'scipy', 'altair', 'vl_convert', 'nbformat', 'sqlalchemy', 'openpyxl', "
          "'pptx') if m in __import__('sys').modules] + (['snapshot'] if page.report.snap is not None else [])")


@pytest.mark.browser
def test_the_served_page_draws_without_what_its_controls_compute_with_and_loads_it_on_first_use(server, page):
    """In the page's own kernel (a preheated one, as every visitor gets): nothing of the controls' libraries once
    the page is drawn; the planner works without any of them; the first what-if loads the snapshot, pandas, the
    charts and their renderer, and the figures are drawn again."""
    from .browser import ask_kernel, cpu_seconds, visitor_kernel

    _, _, proc, link = server
    before = cpu_seconds(proc)
    _open(page, link)
    kernel = visitor_kernel(proc, before)
    assert ask_kernel(kernel, "page.report.results['client']") == "'Halvorsen Freight Systems'"  # the page's kernel
    assert ask_kernel(kernel, LOADED) == "[]"
    planner = page.locator(".pb-rp-planner")
    plan = planner.inner_text()
    lift = page.get_by_label("Lift to detect (%)")
    lift.fill("50")
    lift.press("Enter")
    page.wait_for_function("t => document.querySelector('.pb-rp-planner').innerText !== t", arg=plan, timeout=60_000)
    assert "50%" in planner.inner_text()
    assert ask_kernel(kernel, LOADED) == "[]"  # the planner is plain Python
    spend = page.get_by_label("Marketing spend ($)")
    spend.fill("5000000")
    spend.press("Enter")
    page.wait_for_selector(".pb-rp-stage-economics svg", timeout=60_000)
    assert page.locator(".pb-rp-stage-economics svg").count() >= 3
    assert ask_kernel(kernel, LOADED) == "['pandas', 'numpy', 'altair', 'vl_convert', 'snapshot']"


@pytest.mark.browser

def test_the_consultant_sees_the_same_report_with_their_tools(server, page):
    eng_dir, base, proc, _ = server
    _open(page, f"{base}/voila/render/report.ipynb?e=halvorsen-2026&c={proc.consultant_token}")
    text = _reader_text(page)
    assert "Executive summary" in text and "For you: who has answered" in text
    assert DEVELOPER.findall(text) == []


# --- a dead kernel, and what a viewer can send ------------------------------------------------------------------
@pytest.mark.browser
def test_a_page_whose_kernel_died_says_so_and_reloads(server, page):
    _, _, proc, link = server
    _open(page, link)
    bar = kill_page_kernel(page, proc)
    assert bar.inner_text().splitlines()[0] == "This page lost its connection; reload to continue."
    assert page.evaluate("document.body.classList.contains('pb-lost')")  # the controls are greyed out
    page.get_by_role("button", name="Reload").click()
    page.wait_for_selector(".pb-rp-whatif input", timeout=180_000)
    assert page.locator(".pb-lost-bar").count() == 0


def test_what_a_viewer_sends_is_bounded_and_no_error_reaches_the_page(server):
    """A dropdown index that does not exist and 40,000 names in the planner: the kernel answers at once, the
    page gets a message in words or nothing, and the error goes to the server's log."""
    proc, link = server[2], _own_link(server)
    page = ReportPage(link)
    assert page.status == 200
    with page.socket(max_size=None) as sock:
        states = widget_states(sock)

        def widget(model: str, label: str) -> str:
            return next(cid for cid, st in states.items()
                        if st.get("_model_name") == model and label in (st.get("description") or ""))

        sent = []
        for cid, state in ((widget("DropdownModel", "Period"), {"index": 999}),
                           (widget("TextareaModel", "Reps"), {"value": ",".join(f"rep {i}" for i in range(40_000))})):
            widget_update(sock, cid, state)
            info = kernel_message(sock, "kernel_info_request", {})
            sent += replies(sock, 60, until=info) + replies(sock, 1)
            assert any(m["header"]["msg_type"] == "kernel_info_reply" for m in sent)
    kinds = {m["header"]["msg_type"] for m in sent}
    assert not kinds & {"error", "stream"}, kinds
    text = json.dumps(sent)
    assert "Traceback" not in text and "site-packages" not in text and "TraitError" not in text
    told = [m["content"]["data"]["state"]["value"] for m in sent if m["header"]["msg_type"] == "comm_msg"
            and "at most 5,000" in str((m["content"].get("data") or {}).get("state", {}).get("value", ""))]
    assert told and "40,000 names given" in told[0]
    assert "Invalid selection: index out of bounds" in server_log(proc)  # the error, for the consultant
    assert page.beacon() == 204


def test_a_page_keeps_a_bounded_number_of_scenarios(server):
    """Each kept scenario is a row computed at every redraw: a page scripted to keep more gets no more, and the
    button says why it no longer keeps."""
    from playbook.serve.report_page.controls import KEPT_MAX

    page = ReportPage(_own_link(server))
    assert page.status == 200
    with page.socket(max_size=None) as sock:
        states = widget_states(sock)
        reps = next(cid for cid, st in states.items() if st.get("_model_name") == "BoundedFloatTextModel"
                    and st.get("description") == "Quota-carrying reps")
        keep = next(cid for cid, st in states.items() if st.get("_model_name") == "ButtonModel"
                    and st.get("description") == "Keep these values as a scenario")
        stage = next(cid for cid, st in states.items() if "pb-rp-stage-economics" in st.get("_dom_classes", ()))
        latest: dict[str, dict] = {}
        for n in range(KEPT_MAX + 3):
            widget_update(sock, reps, {"value": 40.0 + n})
            kernel_message(sock, "comm_msg", {"comm_id": keep, "data": {"method": "custom",
                                                                          "content": {"event": "click"}}})
            info = kernel_message(sock, "kernel_info_request", {})
            for m in replies(sock, 120, until=info):
                data = m["content"].get("data") or {}
                if m["header"]["msg_type"] == "comm_msg" and data.get("method") in ("update", "echo_update"):
                    latest.setdefault(m["content"]["comm_id"], {}).update(data.get("state") or {})
    shown = latest[stage]["value"]
    assert f"What-if {KEPT_MAX}<" in shown and f"What-if {KEPT_MAX + 1}<" not in shown
    assert latest[keep]["disabled"] is True
    assert latest[keep]["description"] == f"{KEPT_MAX} scenarios kept, the most one page holds"
    assert page.beacon() == 204
