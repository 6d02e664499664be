"""The client's deck: ``report.pptx``, built with python-pptx from the same run as the HTML report.

Nothing is recomputed: the slides take the executed notebooks' tagged outputs and
``results.json`` (``document.sections``), the executive summary and the rules appendix
(``summary.executive``, ``glance`` and ``rules``), and the run's snapshot for names.
Slides: a title slide; the executive summary; per assessed part (registry order) one slide
per chart with a few of its findings; the action plan (or the credibility next steps) as a
table; the thresholds used. Every text is sized by ``playbook.report.fit`` so nothing
overflows: long texts get a smaller size, then continue on a next slide.

Branding: ``settings.firm_name`` on every slide's footer, ``settings.brand_colour``, the
engagement's ``logo.png``/``logo.jpg``, and ``settings.deck_template`` (a .pptx whose masters
and layouts the deck uses: its title, title-and-content and blank layouts). ``brand`` reads
and checks those files once, before a run does any work.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from playbook.core import formats
from playbook.core.errors import UserError
from playbook.core.files import atomic
from playbook.report import fit
from playbook.report.brand import Brand, brand
from playbook.report.document import long_date
from playbook.report.slide_kit import (
    CONTENT_BOTTOM,
    INDENT,
    INK,
    MOST_BULLETS,
    MUTED,
    SIDE,
    TONES,
    Deck,
    align,
    chart_png,
    emu,
    pt,
    rgb,
)


def _title_slide(d: Deck, r: dict[str, Any], today: date) -> None:
    from pptx.util import Inches

    s, layout = d.slide("title", r.get("client") or "")
    left = Inches(SIDE + 0.3)
    width = d.w - left - Inches(SIDE)
    title = next((ph for ph in s.placeholders), None)
    if title is not None and d.builtin:
        title.left, title.top, title.width, title.height = left, Inches(1.6), width, Inches(2.6)
        d.text(title, [r.get("client") or ""], (40, 36, 32, 28, 24, 20), bold=True, colour=d.brand.colour,
               align=align("left"))
    top = (title.top + title.height + Inches(0.2)) if title is not None else Inches(4.4)
    lines = [f"Sales and marketing alignment · {formats.period(r.get('period') or '')}"]
    who = " · ".join(x for x in (r.get("consultant") or "", d.brand.firm) if x)
    lines += [who] if who else []
    lines.append(long_date(today))
    box = s.shapes.add_textbox(left, top, width, max(Inches(0.8), d.h - Inches(CONTENT_BOTTOM) - top))
    d.text(box, lines, (20, 18, 16, 14, 12), colour=MUTED)
    if d.builtin:
        d.rect(s, Inches(SIDE), Inches(1.6), Inches(0.1), top + box.height - Inches(1.6), d.brand.colour)


def _glance(d: Deck, s, tiles: list[dict[str, str]], box) -> int:
    """The headline numbers as a row of tiles at the top of ``box``; returns the height used."""
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches

    if not tiles:
        return 0
    left, top, width, _ = box
    gap = Inches(0.15)
    each = (width - gap * (len(tiles) - 1)) // len(tiles)
    height = Inches(1.15)
    for i, tile in enumerate(tiles):
        x = left + i * (each + gap)
        d.rect(s, x, top, each, Inches(0.06), TONES.get(tile.get("tone", "info"), TONES["info"]))
        value = s.shapes.add_textbox(x, top + Inches(0.08), each, Inches(0.55))
        d.text(value, [tile["value"]], (24, 20, 18, 16, 14), bold=True, colour=INK, align=PP_ALIGN.LEFT, trim=True)
        label = s.shapes.add_textbox(x, top + Inches(0.62), each, Inches(0.5))
        d.text(label, [tile["label"]], (11, 10, 9), colour=MUTED, trim=True)
    return height + Inches(0.15)


def _summary_slides(d: Deck, r: dict[str, Any]) -> None:
    from playbook.report.summary import executive, glance

    points = executive(r)
    texts = [f"{p.topic}: {p.text}" for p in points]
    layout = d.layouts["content"]
    left, top, width, height = d.content_box(layout)
    tiles = glance(r)
    tile_h = emu(1.3) if tiles else 0
    sizes = (18, 16, 15, 14)
    indent = INDENT
    runs_of = dict(zip(texts, points))
    chunks = fit.pages(texts, pt(width) - indent, pt(height), sizes, 12, first_height_pt=pt(height - tile_h))
    for n, (chunk, size) in enumerate(chunks):
        title = "Executive summary" + (f" ({n + 1} of {len(chunks)})" if len(chunks) > 1 else "")
        s, _ = d.slide("content", title)
        y = top
        if n == 0 and tiles:
            y += _glance(d, s, tiles, (left, top, width, height))
        box = s.shapes.add_textbox(left, y, width, top + height - y)
        runs = [[(f"{runs_of[t].topic}: ", True), (runs_of[t].text, False)] if t in runs_of else [(t, False)]
                for t in chunk]
        d.text(box, chunk, (size,), runs=runs, bullets=d.brand.colour)
        _tone_bullets(box, [runs_of[t].tone if t in runs_of else "info" for t in chunk])


def _tone_bullets(box, tones: list[str]) -> None:
    """Each summary point's bullet in its tone's colour (alert, watch, good, info, not assessed)."""
    from pptx.oxml.ns import qn

    for p, tone in zip(box.text_frame.paragraphs, tones):
        srgb = p._p.pPr.find(qn("a:buClr")).find(qn("a:srgbClr"))
        srgb.set("val", TONES.get(tone, TONES["info"]).lstrip("#").upper())


def _part_slides(d: Deck, sec: dict[str, Any]) -> None:
    """One slide per chart of the part, its findings spread over them (a few bullets each)."""
    from pptx.util import Inches

    content = sec["content"]
    figures = [b for b in content["blocks"] if b["kind"] == "figure" and b.get("svg")]
    left, top, width, height = d.content_box(d.layouts["content"])
    chart_w = int(width * 0.62) if figures else 0
    gap = Inches(0.3) if figures else 0
    text_w = width - chart_w - gap
    sizes = (18, 16, 15, 14, 13, 12)
    indent = INDENT
    chunks = fit.pages(content["findings"], pt(text_w) - indent, pt(height), sizes, MOST_BULLETS)
    count = max(len(figures), len(chunks), 1)
    for i in range(count):
        title = f"{sec['number']}. {sec['title']}"
        s, _ = d.slide("content", title)
        if i < len(figures):
            fig = figures[i]
            caption = s.shapes.add_textbox(left, top, chart_w, Inches(0.4))
            d.text(caption, [f"{fig['label']}. {fig['title']}"], (14, 12, 11, 10), colour=MUTED, trim=True)
            box_h = height - Inches(0.45)
            png = chart_png(fig["svg"], pt(chart_w) / 72, pt(box_h) / 72)
            d.picture(s, png, left, top + Inches(0.45), chart_w, box_h)
        if i < len(chunks):
            x, w = (left + chart_w + gap, text_w) if i < len(figures) else (left, width)
            box = s.shapes.add_textbox(x, top, w, height)
            d.text(box, chunks[i][0], (chunks[i][1],), bullets=d.brand.colour)


def _table_slides(d: Deck, title: str, columns: list[tuple[str, float]], rows: list[list[str]]) -> None:
    """A table over as many slides as its rows need (the header on each); the font size from the texts' length."""
    from pptx.util import Pt

    if not rows:
        return
    left, top, width, height = d.content_box(d.layouts["content"])
    longest = max(len(c) for row in rows for c in row)
    size = 14 if longest <= 60 else (12 if longest <= 220 else 11)
    widths = [int(width * share) for _, share in columns]
    widths_pt = [pt(w) for w in widths]
    head_h = fit.rows_height([c for c, _ in columns], widths_pt, size, bold=True)
    room = pt(height) - head_h
    pages: list[list[tuple[list[str], float]]] = [[]]
    used = 0.0
    for row in rows:
        row = [fit.trim(c, w, room, size) for c, w in zip(row, widths_pt)]
        h = fit.rows_height(row, widths_pt, size)
        if pages[-1] and used + h > room:
            pages.append([])
            used = 0.0
        pages[-1].append((row, h))
        used += h
    for n, page in enumerate(pages):
        s, _ = d.slide("content", title + (f" ({n + 1} of {len(pages)})" if len(pages) > 1 else ""))
        total = head_h + sum(h for _, h in page)
        shape = s.shapes.add_table(len(page) + 1, len(columns), left, top, width, Pt(total))
        table = shape.table
        for j, w in enumerate(widths):
            table.columns[j].width = w
        _row(d, table, 0, [c for c, _ in columns], head_h, size, header=True)
        for i, (row, h) in enumerate(page, start=1):
            _row(d, table, i, row, h, size)


def _row(d: Deck, table, i: int, cells: list[str], h: float, size: float, header: bool = False) -> None:
    from pptx.util import Inches, Pt

    table.rows[i].height = Pt(h)
    for j, text in enumerate(cells):
        cell = table.cell(i, j)
        cell.margin_left = cell.margin_right = Inches(0.1)
        cell.margin_top = cell.margin_bottom = Inches(0.05)
        tf = cell.text_frame
        tf.word_wrap = True
        tf.text = str(text)
        for p in tf.paragraphs:
            for r in p.runs:
                r.font.size = Pt(size)
                r.font.bold = header
                r.font.color.rgb = rgb("#ffffff" if header else INK)
        cell.fill.solid()
        cell.fill.fore_color.rgb = rgb(d.brand.colour if header else ("#ffffff" if i % 2 else "#f4f7fa"))


def _frame_slides(d: Deck, title: str, df) -> None:
    """A table of formatted text (a DataFrame) over as many slides as it needs; each column's share of the width as
    its texts ask, within reason."""
    columns = [str(c) for c in df.columns]
    rows = [[str(v) for v in rec] for rec in df.itertuples(index=False)]

    def need(i: int) -> float:  # points: no word broken (the header's in bold), a long text wrapped at ~200 pt
        cells = [r[i] for r in rows]
        word = max([fit.width(w, 14, bold=True) for w in columns[i].split()]
                   + [fit.width(w, 14) for t in cells for w in t.split()])
        return max(word, min(200.0, max(fit.width(t, 14) for t in cells))) + 16

    widths = [need(i) for i in range(len(columns))]
    _table_slides(d, title, [(c, w / sum(widths)) for c, w in zip(columns, widths)], rows)


def _economics_tables(d: Deck, r: dict[str, Any], name: str) -> None:
    """The economics part's table ``name`` (the scenarios, the revenue table) on slides of its own, if the run has it."""
    from playbook.parts.economics.views import deck_tables

    found = deck_tables(r).get(name)
    if found is not None:
        _frame_slides(d, *found)


def _plan_slides(d: Deck, r: dict[str, Any], snap) -> None:
    """The action plan when the run has one, else the credibility next steps: items by their short statements,
    due dates for people, a done action's change as "what moved" shows it (``actions.views.plan_rows``)."""
    from playbook.core.instruments import label
    from playbook.parts.actions.views import plan_rows
    from playbook.parts.actions.words import mean_ratings

    result = r.get("actions") or {}
    if result.get("items"):
        min_group = (r.get("settings") or {}).get("min_group_size")
        plan = plan_rows(result, min_group, mean_ratings(r))
        rows = [[p["Action"], p["Item"], p["Owner"], p["Due"],
                 f"{p['Status']} ({p['Overdue'].lower()})" if p["Overdue"] else p["Status"], p["Item moved"] or "–"]
                for p in plan]
        _table_slides(d, "Action plan", [("Action", 0.40), ("Item", 0.16), ("Owner", 0.14), ("Due", 0.1),
                                         ("Status", 0.12), ("Change", 0.08)], rows)
        return
    steps = (r.get("credibility") or {}).get("next_steps") or []
    rows = [[label(str(x.get("item") or "")), formats.number(x.get("mean"), 1), str(x.get("action") or "")]
            for x in steps]
    focus = (r.get("credibility") or {}).get("focus")
    _table_slides(d, f"Next steps for level {focus}" if focus else "Next steps",
                  [("Statement", 0.24), ("Mean rating", 0.12), ("What to do", 0.64)], rows)


def _appendix(d: Deck, r: dict[str, Any]) -> None:
    from playbook.core.settings import defaults
    from playbook.report.summary import rules

    rows = [[x["rule"], x["value"] + (" (changed for this engagement)" if x["changed"] else "")]
            for x in rules(r.get("settings") or {}, defaults())]
    _table_slides(d, "Appendix: the thresholds used", [("Rule", 0.38), ("Value", 0.62)], rows)


def render(results: dict[str, Any], notebooks: Path, b: Brand, snap=None, today: date | None = None):
    """The deck as a python-pptx Presentation."""
    from playbook.report.document import sections

    with formats.use(results.get("settings") or {}):  # amounts and numbers in the client's currency and locale
        d = Deck(b, str(results.get("client") or ""), formats.period(results.get("period") or ""))
        _title_slide(d, results, today or date.today())
        _summary_slides(d, results)
        for sec in sections(results, notebooks):
            if sec["content"] is not None:
                _part_slides(d, sec)
                if sec["part"] == "economics":
                    _economics_tables(d, results, "scenarios")
        _plan_slides(d, results, snap)
        _appendix(d, results)
        _economics_tables(d, results, "bridge")
    return d.prs


def build(out: Path, snap=None, b: Brand | None = None) -> Path:
    """Write ``out/report.pptx`` from ``out/results.json``, ``out/notebooks`` and the run's snapshot."""
    source = out / "results.json"
    try:
        results = json.loads(source.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"{source}: not a results.json written by 'playbook run' ({exc}); run it again.") from None
    if snap is None:
        from playbook.core import snapshot

        snap = snapshot.load(out / snapshot.FILE)
    if b is None:
        b = brand(snap.engagement)
    prs = render(results, out / "notebooks", b, snap)
    path = out / "report.pptx"
    with atomic(path) as tmp:
        prs.save(str(tmp))
    return path
