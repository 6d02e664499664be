"""Every chart of every part, drawn as clients see it (METHOD 13), on paper and on a phone.

The charts are the sample engagement's, drawn by ``charts.to_svg`` in both layouts (the report's and, inside
``charts.phone()``, a phone's) and laid out by a real Chromium, the browser the report's PDF is printed with:

- no text cut off at the drawing's edge, cut short ("…") or over other text or a legend's symbols;
- every text at least 9 pt where the report prints it (a chart wider than the printed column is scaled down)
  and at least 11 px on a 390 px screen;
- items named by their short statements, never by their ids; a title on every chart;
- a legend's swatches only for colours a mark draws; no text over a reference line;
- counts on integer ticks; the small cases where a chart's layout is at its tightest.
"""

from __future__ import annotations

import re

import pytest

from playbook.core.instruments import SHORT_MAX, items
from playbook.parts import PARTS, take_snapshot
from playbook.parts import charts as charts_mod
from playbook.parts.actions.views import by_status
from playbook.parts.charts import to_svg
from playbook.parts.kpis.views import status_counts

PRINT_COLUMN = 680  # px: the report's printed column on A4 (210 mm less 2 × 15 mm margins, at 96 px an inch)
PHONE_COLUMN = 358  # px: a 390 px screen less the report page's margins
PRINT_HEIGHT = 860  # px: a chart and its caption fit on one printed page (Letter: 245 mm, 926 px, of content)
ITEM_ID = re.compile(r"\b(MSE|SSE|SYM|CS[123])-\d+\b")

# In the page: every piece of text shown (each line of a multi-line title; not the axis labels the chart
# hides as too close to their neighbours) with its font size, every legend symbol with its colour, the
# colours the marks draw, and the reference lines the chart draws (rules among its marks, not its axes).
BOXES_JS = """
() => {
  const svg = document.querySelector('svg');
  const o = svg.getBoundingClientRect();
  const box = (el, kind) => {
    const r = el.getBoundingClientRect();
    return {kind, text: el.textContent, x0: r.left - o.left, x1: r.right - o.left,
            y0: r.top - o.top, y1: r.bottom - o.top,
            size: parseFloat(getComputedStyle(el.closest('text') || el).fontSize)};
  };
  const shown = el => el.getAttribute('opacity') !== '0' && getComputedStyle(el).visibility !== 'hidden';
  const texts = [...svg.querySelectorAll('text')].filter(shown).flatMap(t => {
    const spans = t.querySelectorAll('tspan');
    return spans.length ? [...spans].map(s => box(s, 'text')) : [box(t, 'text')];
  }).filter(b => b.text.trim() && b.x1 > b.x0);
  const symbols = [...svg.querySelectorAll('.role-legend-symbol path')].map(p => ({...box(p, 'symbol'),
      colour: (p.getAttribute('fill') !== 'none' && p.getAttribute('fill')) || p.getAttribute('stroke')}));
  const drawn = [];
  for (const p of svg.querySelectorAll('.role-mark path, .role-mark line')) {
    const r = p.getBoundingClientRect();
    const filled = p.tagName === 'path' && (p.getAttribute('fill') || 'none') !== 'none';
    if (filled ? (r.width < 0.5 || r.height < 0.5) : (r.width < 0.5 && r.height < 0.5)) continue;  // a bar of 0
    for (const a of ['fill', 'stroke']) { const c = p.getAttribute(a); if (c && c !== 'none') drawn.push(c); }
  }
  const rules = [...svg.querySelectorAll('.mark-rule.role-mark line')].map(l => box(l, 'rule'));
  return {width: o.width, height: o.height, boxes: texts.concat(symbols), drawn, rules};
}
"""


def problems(page, svg: str) -> list[str]:
    """What is cut off, cut short ("…"), overlapping, over a reference line, or in a legend without a mark of its
    colour, in ``svg`` as Chromium lays it out (empty when nothing is)."""
    page.set_content(f"<!doctype html><html><body style='margin:0'>{svg}</body></html>")
    drawn = page.evaluate(BOXES_JS)
    found = []
    for b in drawn["boxes"]:
        if b["text"].endswith("…"):
            found.append(f"cut short: {b['text']!r}")
        if b["x0"] < -0.5 or b["x1"] > drawn["width"] + 0.5 or b["y0"] < -0.5 or b["y1"] > drawn["height"] + 0.5:
            found.append(f"cut off: {b['text']!r}")
        if b["kind"] == "symbol" and b["colour"] not in drawn["drawn"]:
            found.append(f"a legend swatch ({b['colour']}) matches no mark drawn")
    boxes = drawn["boxes"]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a["kind"] == b["kind"] == "symbol":
                continue
            dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            dy = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
            if dx > 1 and dy > 1:
                found.append(f"overlapping: {a['text'] or a['kind']!r} and {b['text'] or b['kind']!r}")
    for rule in drawn["rules"]:
        x = (rule["x0"] + rule["x1"]) / 2
        for b in boxes:
            if b["kind"] == "text" and b["x0"] - 0.5 < x < b["x1"] + 0.5 and \
                    min(rule["y1"], b["y1"]) - max(rule["y0"], b["y0"]) > 1:
                found.append(f"text over a reference line: {b['text']!r}")
    return found


def text_sizes(page, svg: str, column: float) -> tuple[float, float]:
    """The drawing's width and its smallest text in px where a column ``column`` px wide shows it (a drawing
    wider than the column is scaled down to it, as the report's style does)."""
    page.set_content(f"<!doctype html><html><body style='margin:0'>{svg}</body></html>")
    drawn = page.evaluate(BOXES_JS)
    scale = min(1.0, column / drawn["width"])
    return drawn["width"], min(b["size"] for b in drawn["boxes"] if b["kind"] == "text") * scale


def _figures(results, phone: bool):
    if phone:
        with charts_mod.phone():
            return [(p.name, name, chart) for p in PARTS for name, (_, chart) in p.section(results)["figures"].items()]
    return [(p.name, name, chart) for p in PARTS for name, (_, chart) in p.section(results)["figures"].items()]


@pytest.fixture(scope="module")
def sample_results(tmp_path_factory):
    import shutil

    from playbook.core.engagement import load, sample_path
    from playbook.run.results import compute

    folder = tmp_path_factory.mktemp("charts") / "sample"
    shutil.copytree(sample_path(), folder)
    return compute(take_snapshot(load(folder)))


@pytest.fixture(scope="module")
def sample_figures(sample_results):
    """Every figure of every part on the sample engagement, laid out for the report: ``[(part, name, chart)]``."""
    return _figures(sample_results, phone=False)


@pytest.fixture(scope="module")
def phone_figures(sample_results):
    """The same figures laid out for a phone."""
    return _figures(sample_results, phone=True)


def test_the_sample_draws_every_part(sample_figures, phone_figures):
    assert {part for part, _, _ in sample_figures} == {p.name for p in PARTS}
    assert len(sample_figures) >= 14
    assert [(p, n) for p, n, _ in phone_figures] == [(p, n) for p, n, _ in sample_figures]


@pytest.mark.parametrize("layout", ["report", "phone"])
def test_no_chart_has_text_cut_off_overlapping_or_over_a_reference_line(sample_figures, phone_figures, page, layout):
    figures = sample_figures if layout == "report" else phone_figures
    found = {f"{part}.{name}": problems(page, to_svg(chart)) for part, name, chart in figures}
    assert {k: v for k, v in found.items() if v} == {}


def test_chart_text_is_9_pt_printed_and_11_px_on_a_phone(sample_figures, phone_figures, page):
    """9 pt is 12 CSS px in print. Charts are drawn no wider than the printed column, so nothing is scaled down,
    and no taller than a printed page, so none is left without its caption or leaves a page half empty."""
    small = {}
    for (part, name, chart), (_, _, phone) in zip(sample_figures, phone_figures, strict=True):
        svg = to_svg(chart)
        wide, smallest = text_sizes(page, svg, PRINT_COLUMN)
        tall = float(re.search(r'height="([\d.]+)"', svg).group(1))
        if wide > PRINT_COLUMN or smallest * 0.75 < 9 or tall > PRINT_HEIGHT:
            small[f"{part}.{name} (report)"] = (wide, tall, smallest * 0.75)
        wide, smallest = text_sizes(page, to_svg(phone), PHONE_COLUMN)
        if wide > PHONE_COLUMN or smallest < 11:
            small[f"{part}.{name} (phone)"] = (wide, smallest)
    assert small == {}


def test_every_chart_has_a_title_and_names_items_by_their_short_statements(sample_figures):
    for part, name, chart in sample_figures:
        assert charts_mod.title_text(chart).strip(), f"{part}.{name} has no title"
        svg = to_svg(chart)
        assert not ITEM_ID.search(re.sub(r"<[^>]+>", " ", svg)), f"{part}.{name} shows an item id"
    gap = next(chart for part, name, chart in sample_figures if (part, name) == ("credibility", "perception_gap"))
    assert items()["CS2-2"].short in to_svg(gap)


def test_every_item_has_a_short_statement_of_at_most_40_characters():
    assert SHORT_MAX == 40
    too_long = {i.id: i.short for i in items().values() if not i.short or len(i.short) > SHORT_MAX}
    assert too_long == {}
    assert len({i.short for i in items().values()}) == len(items())  # each names one item


def test_long_titles_wrap_between_words_only():
    words = "Perception gap per item (flagged from 1 point, dashed lines); 3 items left out: fewer than 3 answers"
    lines = charts_mod.lines(words, 420)
    assert len(lines) > 1 and " ".join(lines) == words
    assert all(charts_mod.text_width(line, charts_mod.TITLE_SIZE, bold=True) <= 420 for line in lines)
    assert charts_mod.lines("short", 420) == ["short"]


def test_a_row_name_longer_than_the_chart_wraps_and_every_row_has_room_for_it(page):
    alt = charts_mod.base()
    import pandas as pd

    names = ("Share of marketing-qualified leads that sales followed up within one working day of the hand-over",
             "Win rate")
    with charts_mod.phone():
        shape = charts_mod.Rows("name", names)
        chart = alt.Chart(pd.DataFrame({"name": names, "v": [0.4, 0.8]})).mark_bar(**shape.mark()).encode(
            **shape.encode(), x="v:Q").properties(width=charts_mod.width(), height=shape.height,
                                                   title=charts_mod.title("Long names"))
        assert shape.name_lines == 3
    assert problems(page, to_svg(chart)) == []


def test_the_axis_font_is_one_the_page_draws():
    # The font the renderer measures with is one the page draws: not a font only the renderer has.
    assert "DejaVu Sans" in charts_mod.FONT and charts_mod.FONT.index("DejaVu") < charts_mod.FONT.index("sans-serif")
    theme = charts_mod.theme()["config"]
    assert theme["axis"]["labelFontSize"] >= 12 and theme["legend"]["labelFontSize"] >= 12


def test_a_legend_lays_its_entries_in_as_many_columns_as_fit():
    assert charts_mod.legend(["Cost", "Revenue"], 420).to_dict()["columns"] == 2
    three = ["1 consistent execution", "2 part of the revenue lifecycle", "3 strategic partnership"]
    assert charts_mod.legend(three, 240).to_dict()["columns"] == 1
    assert charts_mod.legend(["a"], 10).to_dict()["columns"] == 1


def test_value_labels_move_off_reference_lines():
    rows = [{"v": 0.72, "label": "72%"}, {"v": 0.2, "label": "20%"}, {"v": 0.74, "label": "74%"}]
    placed = charts_mod.value_labels(rows, "v", "label", (0, 1), (0.75,), room=400)
    assert [(r["label_inside"], r["label_at"]) for r in placed[:2]] == [(True, 0.72), (False, 0.2)]
    short = charts_mod.value_labels([{"v": 0.02, "label": "2%"}], "v", "label", (0, 1), (0.03,), room=400)
    assert short[0]["label_at"] > 0.03  # no room inside the bar: past the line


def _tick_labels(svg: str) -> list[str]:
    """The labels of the chart's x axis, left to right."""
    after = svg.split('aria-label="X-axis', 1)[1]
    labels = re.search(r'class="mark-text role-axis-label"[^>]*>(.*?)</g>', after, re.S)
    return re.findall(r">([^<]+)</text>", labels.group(1))


@pytest.mark.parametrize("metrics", [1, 2, 3, 7, 30])
def test_metric_counts_are_on_integer_ticks(metrics):
    rows = ([{"designation": "managed", "status": "on_track"}] * metrics
            + [{"designation": "monitored", "status": "off_track"}])
    chart = status_counts({"to_date": rows})
    ticks = _tick_labels(to_svg(chart))
    assert ticks and len(ticks) == len(set(ticks)), ticks
    assert all(re.fullmatch(r"\d+", t) for t in ticks), ticks
    assert int(ticks[-1]) >= metrics


@pytest.mark.parametrize("late", [0, 1, 2])
def test_action_counts_are_on_integer_ticks(late):
    items_ = [{"status": "open", "overdue": i < late} for i in range(2)] + [{"status": "done", "overdue": False}]
    ticks = _tick_labels(to_svg(by_status({"items": items_})))
    assert ticks == ["0", "1", "2"], ticks


def test_a_long_message_in_place_of_a_chart_is_wrapped_and_kept_whole(page):
    message = ("The perception gap needs ratings from both sides (8 items left out: fewer than 3 answers, "
               "and the rest rated by one side only)")
    chart = charts_mod.empty(message)
    assert chart.to_dict()["description"] == message
    assert problems(page, to_svg(chart)) == []
