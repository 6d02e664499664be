"""Every chart of every part, drawn as clients see it: no text cut off at the drawing's edge, no text over
other text or over a legend's symbols, titles wrapped to the chart, counts on integer ticks.

The charts are the sample engagement's, drawn by ``charts.to_svg`` and laid out by a real Chromium, the
browser the report's PDF is printed with; plus the small cases where a chart's layout is at its tightest.
"""

from __future__ import annotations

import re

import pytest

from playbook.parts import PARTS, take_snapshot
from playbook.parts import charts as charts_mod
from playbook.parts.actions.views import by_status
from playbook.parts.charts import to_svg
from playbook.parts.kpis.views import status_counts

# In the page: every piece of text shown (each line of a multi-line title; not the axis labels the chart
# hides as too close to their neighbours) and every legend symbol, as boxes relative to the drawing.
BOXES_JS = """
() => {
  const svg = document.querySelector('svg');
  const o = svg.getBoundingClientRect();
  const box = (el, kind) => {
    const r = el.getBoundingClientRect();
    return {kind, text: el.textContent, x0: r.left - o.left, x1: r.right - o.left,
            y0: r.top - o.top, y1: r.bottom - o.top};
  };
  const shown = el => el.getAttribute('opacity') !== '0' && getComputedStyle(el).visibility !== 'hidden';
  const texts = [...svg.querySelectorAll('text')].filter(shown).flatMap(t => {
    const spans = t.querySelectorAll('tspan');
    return spans.length ? [...spans].map(s => box(s, 'text')) : [box(t, 'text')];
  }).filter(b => b.text.trim() && b.x1 > b.x0);
  const symbols = [...svg.querySelectorAll('.role-legend-symbol path')].map(p => box(p, 'symbol'));
  return {width: o.width, height: o.height, boxes: texts.concat(symbols)};
}
"""


def problems(page, svg: str) -> list[str]:
    """What is cut off, cut short ("…") or overlapping in ``svg`` as Chromium lays it out (empty when nothing is)."""
    page.set_content(f"<!doctype html><html><body style='margin:0'>{svg}</body></html>")
    drawn = page.evaluate(BOXES_JS)
    found = []
    for b in drawn["boxes"]:
        if b["text"].endswith("…"):
            found.append(f"cut short: {b['text']!r}")
        if b["x0"] < -0.5 or b["x1"] > drawn["width"] + 0.5 or b["y0"] < -0.5 or b["y1"] > drawn["height"] + 0.5:
            found.append(f"cut off: {b['text']!r}")
    boxes = drawn["boxes"]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a["kind"] == b["kind"] == "symbol":
                continue
            dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            dy = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
            if dx > 1 and dy > 1:
                found.append(f"overlapping: {a['text'] or a['kind']!r} and {b['text'] or b['kind']!r}")
    return found


@pytest.fixture(scope="module")
def sample_figures(tmp_path_factory):
    """Every figure of every part on the sample engagement: ``[(part, name, chart)]``."""
    import shutil

    from playbook.core.engagement import load, sample_path
    from playbook.run.results import compute

    folder = tmp_path_factory.mktemp("charts") / "sample"
    shutil.copytree(sample_path(), folder)
    results = compute(take_snapshot(load(folder)))
    return [(p.name, name, chart) for p in PARTS for name, (_, chart) in p.section(results)["figures"].items()]


def test_the_sample_draws_every_part(sample_figures):
    assert {part for part, _, _ in sample_figures} == {p.name for p in PARTS}
    assert len(sample_figures) >= 14


def test_no_chart_has_text_cut_off_or_overlapping(sample_figures, page):
    found = {f"{part}.{name}": problems(page, to_svg(chart)) for part, name, chart in sample_figures}
    assert {k: v for k, v in found.items() if v} == {}


def test_long_titles_wrap_between_words_only():
    words = "Perception gap per item (flagged from 1 point, dashed lines); 3 items left out: fewer than 3 answers"
    lines = charts_mod.lines(words, 420)
    assert len(lines) > 1 and " ".join(lines) == words
    assert all(charts_mod.text_width(line, charts_mod.TITLE_SIZE, bold=True) <= 420 for line in lines)
    assert charts_mod.lines("short", 420) == ["short"]


def test_axis_and_legend_labels_have_room_for_the_longest_label():
    theme = charts_mod.theme()["config"]
    longest = max(["2 part of the revenue lifecycle", "Trade shows and events", "marketing rates higher"],
                  key=len)
    assert theme["axis"]["labelLimit"] >= charts_mod.text_width(longest)
    assert theme["legend"]["labelLimit"] >= charts_mod.text_width(longest)
    # The font the renderer measures with is one the page draws: not a font only the renderer has.
    assert "DejaVu Sans" in charts_mod.FONT and charts_mod.FONT.index("DejaVu") < charts_mod.FONT.index("sans-serif")


def test_a_legend_lays_its_entries_in_as_many_columns_as_fit():
    assert charts_mod.legend(["Cost", "Revenue"], 420).to_dict()["columns"] == 2
    three = ["1 consistent execution", "2 part of the revenue lifecycle", "3 strategic partnership"]
    assert charts_mod.legend(three, 240).to_dict()["columns"] == 1
    assert charts_mod.legend(["a"], 10).to_dict()["columns"] == 1


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
    items = [{"status": "open", "overdue": i < late} for i in range(2)] + [{"status": "done", "overdue": False}]
    ticks = _tick_labels(to_svg(by_status({"items": items})))
    assert ticks == ["0", "1", "2"], ticks


def test_a_long_message_in_place_of_a_chart_is_wrapped_and_kept_whole(page):
    message = ("The perception gap needs ratings from both sides (8 items left out: fewer than 3 answers, "
               "and the rest rated by one side only)")
    chart = charts_mod.empty(message)
    assert chart.to_dict()["description"] == message
    assert problems(page, to_svg(chart)) == []
