"""The KPI setup sheet (widgets, no kernel): choose, set goals, enter actuals, save with the file rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook.core.engagement import load, sample_path
from playbook.parts.kpis import model as kpis
from playbook.parts.kpis.files import KpiData
from playbook.parts.kpis.setup import default_periods, setup_sheet


@pytest.fixture
def halvorsen(sample_copy) -> Path:
    return sample_copy


def files(folder: Path) -> dict[str, bytes]:
    return {n: (folder / n).read_bytes() for n in ("kpis.csv", "kpi_values.csv") if (folder / n).exists()}


def test_new_engagement_starts_from_the_library(make_engagement):
    eng = load(make_engagement())
    sheet = setup_sheet(eng)
    assert sheet.chosen() == [] and len(sheet.ticks) == len(kpis.library())
    assert sheet.period_list() == ["2026-10", "2026-11", "2026-12"]  # the months of 2026-Q4
    sheet.ticks["win-rate"].value = True
    sheet.designations["win-rate"].value = "managed"
    sheet.ticks["lead-follow-up-hours"].value = True
    for p, goal, actual in (("2026-10", "25", "21.5"), ("2026-11", "25", ""), ("2026-12", "", "")):
        sheet.cells[("win-rate", p)][0].value = goal
        sheet.cells[("win-rate", p)][1].value = actual
    sheet.cells[("lead-follow-up-hours", "2026-10")][0].value = "24"
    sheet.save_button.click()
    assert "Saved 2 metrics and 3 goals" in sheet.message.value
    result = kpis.evaluate(load(eng.path))
    rows = {r["metric"]: r for r in result["to_date"]}
    assert rows["win-rate"]["designation"] == "managed" and rows["win-rate"]["status"] == "off_track"
    assert (eng.path / "kpi_values.csv").read_text() == (
        "metric,period,goal,actual\nlead-follow-up-hours,2026-10,24,\nwin-rate,2026-10,25,21.5\nwin-rate,2026-11,25,\n")


def test_existing_files_are_shown_and_saved_unchanged(halvorsen):
    before = files(halvorsen)
    sheet = setup_sheet(load(halvorsen))
    assert len(sheet.chosen()) == 12
    assert sheet.cells[("pipeline-coverage", "2026-07")][1].value == "2.6"
    assert sheet.save() is True
    assert files(halvorsen) == before


@pytest.mark.parametrize("edit, message", [
    (lambda s: setattr(s.cells[("bookings", "2026-12")][1], "value", "lots"),
     "KPI setup sheet, metric bookings, period 2026-12, column &#x27;actual&#x27;"),
    (lambda s: setattr(s.cells[("bookings", "2026-12")][0], "value", ""),
     "period 2026-12, column &#x27;goal&#x27;: the goal of &#x27;bookings&#x27; for 2026-12 is empty"),
    (lambda s: setattr(s.periods, "value", "2026-07, July"), "box &#x27;Periods&#x27;: &#x27;JULY&#x27;"),
])
def test_a_mistake_is_one_message_and_nothing_is_written(halvorsen, edit, message):
    before = files(halvorsen)
    sheet = setup_sheet(load(halvorsen))
    sheet.cells[("bookings", "2026-12")][1].value = "2500000"
    edit(sheet)
    assert sheet.save() is False
    assert sheet.message.value.count("<p") == 1 and "Not saved: " in sheet.message.value
    assert message in sheet.message.value
    assert files(halvorsen) == before


def test_client_text_is_escaped(make_engagement):
    eng = load(make_engagement(client="<script>alert(1)</script> & Co"))
    sheet = setup_sheet(eng)
    header = sheet.children[0].value
    assert "&lt;script&gt;" in header and "<script>" not in header


def test_broken_files_are_reported_and_the_sheet_still_opens(make_engagement):
    folder = make_engagement()
    (folder / "kpis.csv").write_text("metric,name\n")
    sheet = setup_sheet(load(folder))
    assert "could not be read" in sheet.message.value and "column &#x27;unit&#x27;" in sheet.message.value
    assert sheet.chosen() == []


def test_the_sample_cannot_be_overwritten():
    sheet = setup_sheet(load(sample_path()))
    assert sheet.save() is False and "read-only" in sheet.message.value


def test_default_periods_for_a_non_quarter_period(make_engagement):
    eng = load(make_engagement(period="Spring review"))
    assert default_periods(eng, KpiData()) == []


def test_every_box_has_a_name_for_screen_readers(make_engagement):
    sheet = setup_sheet(load(make_engagement()))
    sheet.ticks["win-rate"].value = True
    goal, actual = sheet.cells[("win-rate", "2026-10")]
    assert (goal.description, actual.description) == ("Win rate, goal, 2026-10", "Win rate, actual, 2026-10")


# --- In Chromium, on the consultant's report page (the sheet is among their tools there) ------------------------
@pytest.fixture(scope="module")
def live(tmp_path_factory):
    import shutil
    import subprocess
    import sys

    from playbook.core.engagement import sample_path

    from .browser import served

    base = tmp_path_factory.mktemp("kpi-setup")
    root = base / "halvorsen-2026"
    shutil.copytree(sample_path(), root)
    subprocess.run([sys.executable, "-m", "playbook", "run", str(root), "--out", str(base / "out"), "--no-pdf",
                    "--no-deck"], check=True, capture_output=True)
    with served(root) as (url, proc):
        assert proc.consultant_token, "serve printed no consultant link"
        yield root, f"{url}/voila/render/report.ipynb?e=halvorsen-2026&c={proc.consultant_token}"


def open_sheet(browser, live, width: int):
    """A page of ``width`` px with the consultant's KPI setup sheet unfolded, every box of its grid drawn and its
    styles applied."""
    root, url = live
    sheet = setup_sheet(load(root))
    boxes = 2 * len(sheet.chosen()) * len(sheet.period_list())
    phone = {"is_mobile": True, "has_touch": True} if width < 600 else {}
    ctx = browser.new_context(viewport={"width": width, "height": 900}, **phone)
    page = ctx.new_page()
    page.goto(url, timeout=180_000)
    page.get_by_text("For you: the KPI setup sheet").click(timeout=180_000)
    page.wait_for_function(
        """n => { const g = document.querySelector('.pb-kpi-setup .pb-kpi-grid');
                  return g && g.querySelectorAll('input').length === n && getComputedStyle(g).overflowX === 'auto'
                    && g.getBoundingClientRect().width > 0; }""",
        arg=boxes, timeout=180_000)
    return ctx, page, sheet


# What lies outside the page's width: the document's own width; every control of the sheet outside the period
# grid that does not lie wholly within the window (a box the page clips is out of reach, too); and any box that
# scrolls sideways other than the grid: the sheet's own boxes, or the page's boxes that hold the sheet.
WIDTHS = """() => {
  const sheet = document.querySelector('.pb-kpi-setup'), grid = sheet.querySelector('.pb-kpi-grid');
  const out = [...sheet.querySelectorAll('input, select, button, .widget-label, .widget-label-basic')]
    .filter(e => !grid.contains(e) && e.getClientRects().length)
    .filter(e => { const r = e.getBoundingClientRect(); return r.left < 0 || r.right > innerWidth; })
    .map(e => e.outerHTML.slice(0, 80));
  const sideways = [...document.querySelectorAll('body *')]
    .filter(e => e.contains(sheet) || (sheet.contains(e) && !grid.contains(e) && e !== grid))
    .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth + 1)
    .map(e => e.tagName + '.' + e.className);
  return {inner: innerWidth, page: document.documentElement.scrollWidth, body: document.body.scrollWidth,
          sheet: sheet.getBoundingClientRect().right, grid: grid.getBoundingClientRect().right, out, sideways};
}"""

# For every box of the grid: the name, "Goal"/"Actual" and period shown beside it and above it (the labels
# whose rows and column hold its middle), against the box's own accessible name "<metric>, goal, <period>".
LABELS = """() => {
  const grid = document.querySelector('.pb-kpi-setup .pb-kpi-grid');
  const at = (sel, x, y) => [...grid.querySelectorAll(sel)].filter(e => { const r = e.getBoundingClientRect();
    return (x === null || (r.left <= x && x <= r.right)) && (y === null || (r.top <= y && y <= r.bottom)); })
    .map(e => e.innerText.trim());
  return [...grid.querySelectorAll('.pb-kpi-cell input')].map(i => {
    const r = i.getBoundingClientRect(), x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
    return {own: document.querySelector(`label[for="${i.id}"]`).textContent,
            shown: [at('.pb-kpi-name', null, y).join('|'), at('.pb-kpi-kind', null, y).join('|').toLowerCase(),
                    at('.pb-kpi-period', x, null).join('|')].join(', ')};
  }).filter(b => b.own !== b.shown);
}"""

# Scrolled to its far right, the grid still shows each metric's name and "Goal"/"Actual" at its left edge, and
# the last period's boxes are in the window and not covered.
SCROLLED = """() => {
  const grid = document.querySelector('.pb-kpi-setup .pb-kpi-grid');
  grid.scrollLeft = grid.scrollWidth;
  const g = grid.getBoundingClientRect();
  const seen = e => { const r = e.getBoundingClientRect();
    return e.contains(document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2)); };
  const labels = [...grid.querySelectorAll('.pb-kpi-name, .pb-kpi-kind')];
  const periods = [...grid.querySelectorAll('.pb-kpi-period')], last = periods[periods.length - 1];
  const lastBoxes = [...grid.querySelectorAll('.pb-kpi-cell input')].filter(i =>
    document.querySelector(`label[for="${i.id}"]`).textContent.endsWith(', ' + last.innerText.trim()));
  return {scrolled: grid.scrollLeft,
          labelsAtLeft: labels.every(e => Math.abs(e.getBoundingClientRect().left - g.left) < 2 + 250),
          labelsSeen: labels.filter(e => !seen(e)).map(e => e.innerText),
          lastBoxes: lastBoxes.length,
          lastOut: lastBoxes.filter(i => i.getBoundingClientRect().right > Math.min(g.right, innerWidth) || !seen(i))
            .map(i => i.id)};
}"""


@pytest.mark.browser
def test_sheet_fits_a_laptop_screen_with_every_row_labelled(live, browser):
    root = live[0]
    ctx, page, sheet = open_sheet(browser, live, 1280)
    try:
        page.locator(".pb-kpi-grid").scroll_into_view_if_needed()
        w = page.evaluate(WIDTHS)
        assert w["sheet"] <= w["inner"] and w["grid"] <= w["inner"], w
        assert w["page"] <= w["inner"] and w["body"] <= w["inner"] and w["out"] == [] and w["sideways"] == [], w
        names = page.locator(".pb-kpi-name").all_inner_texts()
        assert names == [sheet.catalogue[m].name for m in sheet.chosen()]
        assert page.locator(".pb-kpi-kind").all_inner_texts() == ["Goal", "Actual"] * len(names)
        assert page.evaluate(LABELS) == []
        # Eight periods do not fit beside the labels: the grid scrolls inside its box, the labels stay put.
        s = page.evaluate(SCROLLED)
        assert s["scrolled"] > 0 and s["labelsSeen"] == [] and s["lastBoxes"] == 2 * len(names), s
        assert s["lastOut"] == [], s
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        # And it still saves what is typed into a labelled box.
        page.get_by_label("Bookings against quota, actual, 2026-12").fill("2500000")
        page.get_by_role("button", name="Save").click()
        page.get_by_text("Saved 12 metrics").wait_for(timeout=60_000)
        rows = (root / "kpi_values.csv").read_text().splitlines()
        assert [r for r in rows if r.startswith("bookings,2026-12,")][0].endswith(",2500000")
    finally:
        ctx.close()


@pytest.mark.browser
def test_sheet_on_a_phone_does_not_scroll_the_page_sideways(live, browser):
    ctx, page, sheet = open_sheet(browser, live, 390)
    try:
        page.locator(".pb-kpi-grid").scroll_into_view_if_needed()
        w = page.evaluate(WIDTHS)
        assert w["page"] <= w["inner"] and w["body"] <= w["inner"] and w["sheet"] <= w["inner"], w
        assert w["grid"] <= w["inner"] and w["out"] == [] and w["sideways"] == [], w
        assert page.evaluate(LABELS) == []
        s = page.evaluate(SCROLLED)
        assert s["scrolled"] > 0 and s["labelsSeen"] == [] and s["lastOut"] == [], s
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    finally:
        ctx.close()
