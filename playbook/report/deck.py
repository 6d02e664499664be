"""The client's deck: ``report.pptx``, built with python-pptx from the same run as the HTML report.

A deck a partner presents: every slide title is the slide's finding as a sentence, at most two lines. The
main deck (at most ``storyline.MAIN_MOST`` slides) is the title slide; the executive summary (the headline
as its title, the decisions and the findings per part, the terms below); one or two slides per part
assessed, each with the figure that shows its finding as a native PowerPoint chart (editable, in the
firm's colours; a picture where no native type fits) and the figure's "so what" beside it; the decisions
with their owners, dates, evidence and the actions that carry them; the open action plan. Then the
appendix: the other figures (each titled by what it shows), the whole plan, the scenarios and the revenue
table, and the settings and rules used.

Nothing is recomputed: the words are the executive summary's (``summary.story``) and the storyline's
(``storyline``), the charts are the parts' own (``views.report_section``, read by ``native``), pictures
the report's SVG. Every text is sized by ``playbook.report.fit``: long texts get a smaller size (never
below 10 pt), then continue on a next slide.

Branding: ``settings.firm_name`` on every slide's footer, ``settings.brand_colour``, the engagement's
``logo.png``/``logo.jpg``, and ``settings.deck_template`` (a .pptx whose masters and layouts the deck
uses: its title, title-and-content and blank layouts). ``brand`` reads and checks those files once,
before a run does any work.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from playbook.core import formats
from playbook.core.errors import UserError
from playbook.core.files import atomic
from playbook.core.i18n import _, ngettext, quote
from playbook.report import fit
from playbook.report.brand import Brand, brand
from playbook.report.document import long_date
from playbook.report.slide_kit import (
    CONTENT_BOTTOM,
    INDENT,
    INK,
    MUTED,
    SIDE,
    TONES,
    Deck,
    add_native_chart,
    align,
    chart_png,
    emu,
    pt,
    rgb,
)

__all__ = ["Brand", "brand", "build", "render"]


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
    lines = [_("Sales and marketing alignment · %(period)s", period=formats.period(r.get("period") or ""))]
    who = " · ".join(x for x in (r.get("consultant") or "", d.brand.firm) if x)
    lines += [who] if who else []
    lines.append(long_date(today))
    box = s.shapes.add_textbox(left, top, width, max(Inches(0.8), d.h - Inches(CONTENT_BOTTOM) - top))
    d.text(box, lines, (20, 18, 16, 14, 12), colour=MUTED)
    if d.builtin:
        d.rect(s, Inches(SIDE), Inches(1.6), Inches(0.1), top + box.height - Inches(1.6), d.brand.colour)


def _tone_bullets(box, tones: list[str]) -> None:
    """Each point's bullet in its tone's colour (alert, watch, good, info, not assessed)."""
    from pptx.oxml.ns import qn

    for p, tone in zip(box.text_frame.paragraphs, tones):
        clr = p._p.pPr.find(qn("a:buClr")) if p._p.pPr is not None else None
        if clr is not None:
            clr.find(qn("a:srgbClr")).set("val", TONES.get(tone, TONES["info"]).lstrip("#").upper())


def _heading(d: Deck, s, text: str, left: int, top: int, width: int) -> int:
    """A small heading in the firm's colour; returns its height."""
    box = s.shapes.add_textbox(left, top, width, emu(0.4))
    d.text(box, [text], (16, 14), bold=True, colour=d.brand.colour, trim=True)
    return emu(0.42)


def _terms_line(story) -> str:
    return " ".join(_("%(term)s: %(meaning)s", term=t, meaning=m) for t, m in story.terms)


def _summary_slide(d: Deck, story) -> None:
    """Slide 2: the headline as the title, the decisions on the left, the findings per part on the right, the terms
    they use below."""
    s, _layout = d.slide("content", story.headline)
    left, top, width, height = d.content_box(d.layouts["content"])
    terms = _terms_line(story)
    foot_h = emu(0) if not terms else min(int(height * 0.28), int(fit.height([terms], pt(width), 10) * 12700) + 1)
    body_h = height - foot_h - (emu(0.1) if terms else 0)
    gap = emu(0.35)
    left_w = int((width - gap) * 0.48) if story.decisions else 0
    right_x, right_w = (left + left_w + gap, width - left_w - gap) if story.decisions else (left, width)
    if story.decisions:
        head = _heading(d, s, ngettext("The decision to take", "The %(n)s decisions to take", len(story.decisions)),
                        left, top, left_w)
        box = s.shapes.add_textbox(left, top + head, left_w, body_h - head)
        paras, runs = [], []
        for n, dec in enumerate(story.decisions, start=1):
            evidence = _first_sentence(dec.evidence)
            paras += [f"{n}. {dec.what} — {_who(dec)}", evidence]
            runs += [[(f"{n}. {dec.what}", True), (f" — {_who(dec)}", False)], [(evidence, False)]]
        sizes = (16, 15, 14, 13, 12, 11)
        if fit.size_for(paras, pt(left_w), pt(body_h - head), sizes) is None:  # no room: the decisions slide has it
            paras, runs = paras[::2], runs[::2]
        d.text(box, paras, sizes, runs=runs, colour=INK)
        for k, p in enumerate(box.text_frame.paragraphs):  # the evidence under each decision, muted
            for r in p.runs if k % 2 and len(paras) > len(story.decisions) else ():
                r.font.color.rgb = rgb(MUTED)
    if story.findings:
        head = _heading(d, s, _("What we found"), right_x, top, right_w)
        box = s.shapes.add_textbox(right_x, top + head, right_w, body_h - head)
        texts = [p.topic for p in story.findings]
        d.text(box, texts, (16, 15, 14, 13, 12, 11), bullets=d.brand.colour, colour=INK)
        _tone_bullets(box, [p.tone for p in story.findings])
    if terms:
        box = s.shapes.add_textbox(left, top + height - foot_h, width, foot_h)
        runs = [sum(([(f"{t}: ", True), (f"{m} ", False)] for t, m in story.terms), [])]
        d.text(box, [terms], (11, 10), colour=MUTED, runs=runs)


def _first_sentence(text: str) -> str:
    """The evidence's first sentence (its figure); the decisions slide has the rest."""
    import re

    return re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", text.strip(), maxsplit=1)[0]


def _who(dec) -> str:
    if dec.planned:
        return _("%(owner)s, by %(day)s", owner=dec.owner, day=dec.due)
    return _("%(owner)s, by %(day)s (proposed)", owner=dec.owner, day=dec.due)


def _figure_of(part_sections: dict[str, Any], blocks: dict[str, Any], slide) -> tuple[Any, str]:
    """The slide's chart (the part's own Altair chart) and the report's SVG of it."""
    chart = ((part_sections.get(slide.part) or {}).get("figures") or {}).get(slide.figure, (None, None))[1]
    svg = (blocks.get(slide.part) or {}).get(slide.figure, "")
    return chart, svg


def _chart_slide(d: Deck, slide, chart, svg: str) -> None:
    """A finding as the title, its figure (native, else a picture) on the left, its so-what and points beside."""
    from playbook.report.native import native

    s, _layout = d.slide("content", slide.title)
    left, top, width, height = d.content_box(d.layouts["content"])
    gap = emu(0.35)
    chart_w = int((width - gap) * 0.62)
    text_x, text_w = left + chart_w + gap, width - chart_w - gap
    caption = s.shapes.add_textbox(left, top, chart_w, emu(0.4))
    d.text(caption, [slide.caption], (13, 12, 11, 10), colour=MUTED, trim=True)
    area = _chart_area(d)
    found = native(chart) if chart is not None else None
    if found is not None:
        add_native_chart(d, s, found, *area)
    elif svg or chart is not None:
        from playbook.parts.charts import to_svg

        picture = svg or to_svg(chart)
        d.picture(s, chart_png(picture, pt(area[2]) / 72, pt(area[3]) / 72), *area)
    points = list(slide.points)
    while points and fit.size_for([slide.so_what, *points], pt(text_w) - INDENT, pt(height), BESIDE) is None:
        points.pop()  # the so-what first: the points that do not fit are in the report and the appendix
    box = s.shapes.add_textbox(text_x, top, text_w, height)
    runs = [[(slide.so_what, True)]] + [[(p, False)] for p in points]
    d.text(box, [slide.so_what, *points], BESIDE, runs=runs, bullets=d.brand.colour, colour=INK)
    _tone_bullets(box, [slide.tone] + ["info"] * len(points))


BESIDE = (18, 16, 15, 14, 13, 12)  # the text beside a chart


def _chart_area(d: Deck) -> tuple[int, int, int, int]:
    """Where a chart slide's figure goes: left of the text beside it, under its caption."""
    left, top, width, height = d.content_box(d.layouts["content"])
    return left, top + emu(0.45), int((width - emu(0.35)) * 0.62), height - emu(0.45)


def _legible(d: Deck, chart, svg: str) -> bool:
    """Whether a figure can be shown on a slide: a native chart always; a picture (no native type fits) only when
    its smallest text prints at 10 pt or more (the twelve small KPI panels do not: they stay in the report)."""
    from playbook.parts.charts import to_svg
    from playbook.report.native import native
    from playbook.report.slide_kit import SMALLEST_PT, picture_text_pt

    if chart is None and not svg:
        return True
    if chart is not None and native(chart) is not None:
        return True
    _left, _top, width, height = _chart_area(d)
    return picture_text_pt(svg or to_svg(chart), pt(width) / 72, pt(height) / 72) >= SMALLEST_PT


def _decisions_slide(d: Deck, story) -> None:
    """The decisions side by side: what, who and by when, the evidence, the actions of the plan that carry it."""
    if not story.decisions:
        return
    n = len(story.decisions)
    s, _layout = d.slide("content", ngettext("One decision turns these findings into action",
                                             "%(n)s decisions turn these findings into action", n))
    left, top, width, height = d.content_box(d.layouts["content"])
    gap = emu(0.3)
    each = (width - gap * (n - 1)) // n
    cards = [_card(i, dec) for i, dec in enumerate(story.decisions)]
    room = (pt(each), pt(height - emu(0.15)))
    size = min(fit.size_for(paras, *room, DECISION_SIZES) or DECISION_SIZES[-1] for paras, _runs in cards)
    for i, (dec, (paras, runs)) in enumerate(zip(story.decisions, cards)):
        x = left + i * (each + gap)
        d.rect(s, x, top, each, emu(0.08), TONES.get(dec.tone, TONES["info"]))
        box = s.shapes.add_textbox(x, top + emu(0.15), each, height - emu(0.15))
        d.text(box, paras, (size,), runs=runs, colour=INK)
        _muted_after(box, 2)


DECISION_SIZES = (18, 16, 15, 14, 13, 12, 11)


def _card(i: int, dec) -> tuple[list[str], list]:
    """A decision's paragraphs (what, who and when, evidence, the actions that carry it) and their runs."""
    carried = ""
    if dec.steps:
        carried = _("In the action plan: %(steps)s", steps="; ".join(quote(_short(t)) for t in dec.steps[:2]))
        if len(dec.steps) > 2:
            carried += " " + ngettext("and %(n)s more action", "and %(n)s more actions", len(dec.steps) - 2)
    paras = [f"{i + 1}. {dec.what}", _who(dec), dec.evidence] + ([carried] if carried else [])
    runs = [[(paras[0], True)], [(paras[1], True)], [(dec.evidence, False)]] + ([[(carried, False)]] if carried
                                                                                else [])
    return paras, runs


def _muted_after(box, first: int) -> None:
    """Paragraphs from ``first`` on in the muted colour (the evidence under a decision)."""
    for p in list(box.text_frame.paragraphs)[first:]:
        for r in p.runs:
            r.font.color.rgb = rgb(MUTED)


def _short(text: str, limit: int = 70) -> str:
    from playbook.parts.actions.words import short

    return short(text, limit)


def _table_slides(d: Deck, title: str, columns: list[tuple[str, float]], rows: list[list[str]],
                  most_slides: int | None = None) -> int:
    """A table over as many slides as its rows need (the header on each), at most ``most_slides``; the font size
    from the texts' length; returns how many rows it showed."""
    from pptx.util import Pt

    if not rows:
        return 0
    left, top, width, height = d.content_box(d.layouts["content"])
    size = _table_size(rows)
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
    pages = pages[:most_slides] if most_slides else pages
    for n, page in enumerate(pages):
        part = _("%(title)s (%(n)s of %(total)s)", title=title, n=n + 1, total=len(pages))
        s, _layout = d.slide("content", part if len(pages) > 1 else title)
        total = head_h + sum(h for _, h in page)
        shape = s.shapes.add_table(len(page) + 1, len(columns), left, top, width, Pt(total))
        table = shape.table
        for j, w in enumerate(widths):
            table.columns[j].width = w
        _row(d, table, 0, [c for c, _ in columns], head_h, size, header=True)
        for i, (row, h) in enumerate(page, start=1):
            _row(d, table, i, row, h, size)
    return sum(len(page) for page in pages)


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


def _economics_tables(d: Deck, r: dict[str, Any]) -> None:
    """The economics part's tables (the scenarios, the revenue table) in the appendix, if the run has them."""
    from playbook.parts.economics.views import deck_tables

    for title, df in deck_tables(r).values():
        _frame_slides(d, title if title.startswith(_("Appendix")) else _("Appendix: %(title)s", title=title), df)


def _status(a: dict[str, Any]) -> str:
    text = {"open": _("open"), "in_progress": _("in progress"), "done": _("done"), "dropped": _("dropped")}.get(
        a.get("status"), str(a.get("status") or ""))
    return _("%(status)s, overdue", status=text) if a.get("overdue") else text


def _plan_rows(actions: list[dict[str, Any]], limit: int | None = None) -> list[list[str]]:
    return [[_short(a.get("action") or "", limit) if limit else str(a.get("action") or ""),
             str(a.get("owner_name") or a.get("owner") or "–"), formats.day(a.get("due"), "medium"), _status(a)]
            for a in actions]


def _plan_slide(d: Deck, r: dict[str, Any]) -> None:
    """The actions under way (open or in progress), overdue first, then by due day, on one slide: whole when they
    fit, else each cut at a word; the whole plan is in the appendix."""
    items = (r.get("actions") or {}).get("items") or []
    active = sorted((a for a in items if a.get("status") in ("open", "in_progress")),
                    key=lambda a: (not a.get("overdue"), a.get("due") or ""))
    if not active:
        return
    late = sum(1 for a in active if a.get("overdue"))
    title = (ngettext("%(n)s action is under way, %(late)s of them overdue",
                      "%(n)s actions are under way, %(late)s of them overdue", len(active), late=late) if late else
             ngettext("%(n)s action is under way, none overdue", "%(n)s actions are under way, none overdue",
                      len(active)))
    columns = [(_("Action"), 0.56), (_("Owner"), 0.18), (_("Due"), 0.13), (_("Status"), 0.13)]
    rows = _plan_rows(active)
    for limit in (90, 70, 55, 40):  # every action under way on the one slide: cut at a word, shorter and shorter
        if _slides_needed(d, columns, rows) == 1:
            break
        rows = _plan_rows(active, limit)
    shown = _table_slides(d, title, columns, rows, most_slides=1)
    if shown < len(rows):  # too many even so: the slide says how many it leaves to the appendix
        d.prs.slides[-1].shapes.title.text_frame.paragraphs[0].runs[0].text = ngettext(
            "%(n)s actions are under way; the first %(shown)s by due day, the rest in the appendix",
            "%(n)s actions are under way; the first %(shown)s by due day, the rest in the appendix", len(active),
            shown=shown)


def _slides_needed(d: Deck, columns: list[tuple[str, float]], rows: list[list[str]]) -> int:
    """How many slides ``_table_slides`` would take for these rows."""
    _left, _top, width, height = d.content_box(d.layouts["content"])
    size = _table_size(rows)
    widths_pt = [pt(int(width * share)) for _, share in columns]
    room = pt(height) - fit.rows_height([c for c, _ in columns], widths_pt, size, bold=True)
    count, used = 1, 0.0
    for row in rows:
        h = fit.rows_height(row, widths_pt, size)
        if used and used + h > room:
            count, used = count + 1, 0.0
        used += h
    return count


def _table_size(rows: list[list[str]]) -> int:
    longest = max(len(c) for row in rows for c in row)
    return 14 if longest <= 60 else (12 if longest <= 220 else 11)


def _divider(d: Deck) -> None:
    """The appendix starts here (the slides before it are the deck a partner presents)."""
    s, _layout = d.slide("content", _("Appendix: the detail behind the findings"))
    left, top, width, height = d.content_box(d.layouts["content"])
    box = s.shapes.add_textbox(left, top, width, emu(1.2))
    d.text(box, [_("The other figures of each part, the whole action plan, the scenarios and the revenue table, and "
                   "the settings and rules behind every number.")], (18, 16, 14), colour=MUTED)


def _appendix_plan(d: Deck, r: dict[str, Any]) -> None:
    items = (r.get("actions") or {}).get("items") or []
    if items:
        columns = [(_("Action"), 0.5), (_("Owner"), 0.18), (_("Due"), 0.14), (_("Status"), 0.18)]
        _table_slides(d, _("Appendix: the whole action plan"), columns, _plan_rows(items))


def _rules(d: Deck, r: dict[str, Any]) -> None:
    from playbook.core.settings import defaults
    from playbook.report.summary import rules

    rows = [[x["rule"], x["value"] + (" " + _("(set for this engagement)") if x["changed"] else "")]
            for x in rules(r.get("settings") or {}, defaults())]
    _table_slides(d, _("Appendix: the settings and rules used"), [(_("Rule"), 0.38), (_("Value"), 0.62)], rows)


def _figures(results: dict[str, Any], notebooks: Path) -> tuple[dict, dict, dict]:
    """Per assessed part: its section (the charts), the report's SVG by figure name, and its figures' (name, title)
    in report order."""
    from playbook.parts import get
    from playbook.report.document import sections

    part_sections, svgs, shown = {}, {}, {}
    for sec in sections(results, notebooks):
        if sec["content"] is None:
            continue
        part_sections[sec["part"]] = get(sec["part"]).section(results)
        svgs[sec["part"]] = {b.get("name"): b["svg"] for b in sec["content"]["blocks"] if b["kind"] == "figure"}
        shown[sec["part"]] = [(name, title) for name, (title, _chart) in part_sections[sec["part"]]["figures"].items()]
    return part_sections, svgs, shown


def render(results: dict[str, Any], notebooks: Path, b: Brand, snap=None, today: date | None = None):
    """The deck as a python-pptx Presentation."""
    from playbook.report import storyline
    from playbook.report.summary import story

    del snap  # every name the deck shows is in results.json already
    with formats.use(results.get("settings") or {}):  # amounts and numbers in the client's currency and locale
        d = Deck(b, str(results.get("client") or ""), formats.period(results.get("period") or ""))
        told = story(results)
        part_sections, svgs, shown = _figures(results, notebooks)
        has_plan = any(a.get("status") in ("open", "in_progress")
                       for a in (results.get("actions") or {}).get("items") or [])
        fixed = 2 + bool(told.decisions) + has_plan
        line = storyline.plan(results, told, shown, fixed)
        _title_slide(d, results, today or date.today())
        _summary_slide(d, told)
        for slide in line.main:
            _chart_slide(d, slide, *_figure_of(part_sections, svgs, slide))
        _decisions_slide(d, told)
        _plan_slide(d, results)
        _divider(d)
        for slide in line.appendix:  # a figure too fine to read on a slide is left to the report
            chart, svg = _figure_of(part_sections, svgs, slide)
            if _legible(d, chart, svg):
                _chart_slide(d, slide, chart, svg)
        _appendix_plan(d, results)
        _economics_tables(d, results)
        _rules(d, results)
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
