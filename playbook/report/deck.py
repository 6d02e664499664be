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

import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from playbook.core import formats
from playbook.core.errors import UserError
from playbook.core.files import atomic
from playbook.report import fit

LOGOS = ("logo.png", "logo.jpg", "logo.jpeg")
DEFAULT_COLOUR = "#1f3a5f"
TONES = {"alert": "#c8443a", "watch": "#c98a12", "good": "#2e8b57", "info": "#2f6db5", "none": "#a0a8b0"}
INK, MUTED, LINE = "#1f2933", "#5f6b76", "#dde3e8"
DPI = 200  # charts are rendered at this many pixels per inch of their size on the slide
MOST_BULLETS = 4
INDENT = 18  # a bullet's hanging indent, in points

# The built-in look: 16:9, and where things go (inches). The outer MARGIN stays empty on every slide,
# and so does the GUTTER between the content and the footer (the tests check both on rendered slides).
WIDE = (13.333, 7.5)
MARGIN = 0.3
SIDE = 0.5
TITLE_TOP, TITLE_H = 0.35, 0.9
CONTENT_TOP = 1.45
CONTENT_BOTTOM = 0.85  # from the slide's bottom edge
FOOTER_BOTTOM = 0.32  # the footer's lower edge, from the slide's bottom edge
FOOTER_H = 0.3
GUTTER = (CONTENT_BOTTOM, FOOTER_BOTTOM + FOOTER_H)  # the empty band, as distances from the bottom edge


@dataclass(frozen=True)
class Brand:
    """What makes the deck the firm's: read and checked once, before a run starts."""

    firm: str = ""
    colour: str = DEFAULT_COLOUR
    logo: bytes | None = None
    template: bytes | None = None
    template_name: str = ""


def _logo(folder: Path) -> bytes | None:
    for name in LOGOS:
        path = folder / name
        if not path.is_file():
            continue
        data = path.read_bytes()
        if not (data[:8] == b"\x89PNG\r\n\x1a\n" or data[:3] == b"\xff\xd8\xff") or not _readable(data):
            raise UserError(f"{path}: not a readable PNG or JPEG image; the logo must be a PNG (logo.png) or a "
                            "JPEG (logo.jpg) picture, or be removed from the engagement folder.")
        return data
    return None


def _readable(data: bytes) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            return img.format in ("PNG", "JPEG") and img.width > 0 and img.height > 0
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return False


def _template(folder: Path, name: str) -> bytes | None:
    if not name:
        return None
    path = folder / name
    allowed = ("settings.deck_template must name a PowerPoint file (.pptx, saved by PowerPoint, Keynote or "
               "LibreOffice) relative to the engagement folder, or be left empty for the playbook's own look")
    if path.suffix.lower() != ".pptx":
        raise UserError(f"{path}: not a .pptx file; {allowed}.")
    if not path.is_file():
        raise UserError(f"{path}: file not found; {allowed}.")
    data = path.read_bytes()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            ok = "ppt/presentation.xml" in z.namelist()
    except zipfile.BadZipFile:
        ok = False
    if ok:
        try:
            _open(data)
        except Exception:  # noqa: BLE001 - python-pptx raises many kinds for a damaged package
            ok = False
    if not ok:
        raise UserError(f"{path}: not a PowerPoint presentation (no ppt/presentation.xml inside); {allowed}.")
    return data


def brand(eng) -> Brand:
    """The engagement's branding, its files checked: a clear UserError for a bad logo or template."""
    s = eng.settings
    return Brand(firm=str(s.get("firm_name") or ""), colour=str(s.get("brand_colour") or DEFAULT_COLOUR),
                 logo=_logo(eng.path), template=_template(eng.path, str(s.get("deck_template") or "")),
                 template_name=str(s.get("deck_template") or ""))


def _open(data: bytes | None):
    from pptx import Presentation

    return Presentation(io.BytesIO(data)) if data else Presentation()


def _rgb(hex_colour: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _long_date(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


class Deck:
    """One presentation being built: its layouts by role, geometry and branding."""

    def __init__(self, b: Brand, client: str, period: str):
        from pptx.util import Inches

        self.brand, self.client, self.period = b, client, period
        self.prs = _open(b.template)
        self.builtin = b.template is None
        if self.builtin:
            self.prs.slide_width, self.prs.slide_height = Inches(WIDE[0]), Inches(WIDE[1])
        else:
            _drop_slides(self.prs)
        self.layouts = _roles(self.prs)
        self.w, self.h = self.prs.slide_width, self.prs.slide_height
        self.count = 0

    # -- geometry (EMU) --------------------------------------------------------------------
    def title_box(self, layout) -> tuple[int, int, int, int]:
        from pptx.util import Inches

        ph = _placeholder(layout, ("TITLE", "CENTER_TITLE"))
        if ph is not None and not self.builtin:
            return ph.left, ph.top, ph.width, ph.height
        logo = Inches(1.7) if self.brand.logo else 0
        return Inches(SIDE), Inches(TITLE_TOP), self.w - Inches(2 * SIDE) - logo, Inches(TITLE_H)

    def content_box(self, layout) -> tuple[int, int, int, int]:
        from pptx.util import Inches

        bottom = self.h - Inches(CONTENT_BOTTOM)
        ph = _placeholder(layout, ("BODY", "OBJECT"))
        if ph is not None and not self.builtin:
            return ph.left, ph.top, ph.width, min(ph.height, bottom - ph.top)
        _, top, _, height = self.title_box(layout)
        top = max(Inches(CONTENT_TOP), top + height + Inches(0.1))
        return Inches(SIDE), top, self.w - Inches(2 * SIDE), bottom - top

    # -- slides ------------------------------------------------------------------------------
    def slide(self, role: str, title: str):
        """A new slide of ``role`` (title or content) with its title set to fit, footer and logo."""
        layout = self.layouts[role]
        s = self.prs.slides.add_slide(layout)
        self.count += 1
        box = self.title_box(layout)
        title_ph = next((ph for ph in s.placeholders if ph.placeholder_format.type in _types("TITLE", "CENTER_TITLE")),
                        None)
        for ph in list(s.placeholders):  # the deck places its own content; empty placeholders would show prompts
            if title_ph is None or ph._element is not title_ph._element:
                ph._element.getparent().remove(ph._element)
        sizes = (40, 36, 32, 28, 24, 20) if role == "title" else (28, 24, 22, 20, 18, 16)
        if title_ph is None:
            title_ph = s.shapes.add_textbox(*box)
        else:
            title_ph.left, title_ph.top, title_ph.width, title_ph.height = box
        self.text(title_ph, [title], sizes, bold=True, colour=self.brand.colour if self.builtin else None,
                  align=_align("left") if self.builtin else None)
        if self.builtin and role == "content":
            self.rect(s, box[0], box[1] + box[3] + _emu(0.02), self.w - 2 * _emu(SIDE), _emu(0.04), self.brand.colour)
        self.footer(s)
        return s, layout

    def footer(self, s) -> None:
        from pptx.enum.text import PP_ALIGN

        top = self.h - _emu(FOOTER_BOTTOM + FOOTER_H)
        half = (self.w - 2 * _emu(SIDE)) // 2
        if self.brand.firm:
            box = s.shapes.add_textbox(_emu(SIDE), top, half, _emu(FOOTER_H))
            self.text(box, [self.brand.firm], (10, 9, 8), colour=MUTED, trim=True)
        box = s.shapes.add_textbox(_emu(SIDE) + half, top, half, _emu(FOOTER_H))
        self.text(box, [f"{self.client} · {self.period} · {self.count}"], (10, 9, 8), colour=MUTED,
                  align=PP_ALIGN.RIGHT, trim=True)
        if self.brand.logo:
            width = _emu(1.4)
            self.picture(s, self.brand.logo, self.w - _emu(SIDE) - width, _emu(TITLE_TOP), width, _emu(0.7),
                         align="right")

    def text(self, shape, paragraphs: list[str], sizes, bold: bool = False, colour: str | None = None,
             align=None, trim: bool = False, bullets: str | None = None, runs=None) -> float:
        """Fill ``shape`` with ``paragraphs`` at the largest of ``sizes`` that fits it; returns the size.

        ``runs`` gives per paragraph a list of (text, bold) runs instead; ``bullets`` a bullet colour.
        """
        from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
        from pptx.util import Pt

        width, height = _pt(shape.width), _pt(shape.height)
        indent = INDENT if bullets else 0
        size = fit.size_for(paragraphs, width - indent, height, sizes, bold) or sizes[-1]
        if trim or size == sizes[-1]:  # trimmed only when it would not fit even at the smallest size
            trimmed = [fit.trim(p, width - indent, height, size, bold) for p in paragraphs]
            runs = runs if trimmed == paragraphs else None
            paragraphs = trimmed
        tf = shape.text_frame
        tf.word_wrap = True
        tf.auto_size = MSO_AUTO_SIZE.NONE
        tf.vertical_anchor = MSO_ANCHOR.TOP if bullets or runs else tf.vertical_anchor
        tf.clear()
        for i, text in enumerate(paragraphs):
            p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            if align is not None:
                p.alignment = align
            if i < len(paragraphs) - 1:
                p.space_after = Pt(size * fit.PARA_GAP)
            parts = runs[i] if runs is not None else [(text, bold)]
            for piece, strong in parts:
                r = p.add_run()
                r.text = piece
                r.font.size = Pt(size)
                r.font.bold = strong
                if colour:
                    r.font.color.rgb = _rgb(colour)
            if bullets:
                _bullet(p, Pt(indent), bullets)
        return size

    def rect(self, s, left, top, width, height, colour: str):
        from pptx.enum.shapes import MSO_SHAPE

        shape = s.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, width, height)
        shape.fill.solid()
        shape.fill.fore_color.rgb = _rgb(colour)
        shape.line.fill.background()
        shape.shadow.inherit = False
        return shape

    def picture(self, s, png: bytes, left, top, width, height, align: str = "center"):
        """``png`` as large as fits the box, keeping its shape."""
        from PIL import Image

        with Image.open(io.BytesIO(png)) as img:
            px_w, px_h = img.size
        scale = min(width / px_w, height / px_h)
        w, h = int(px_w * scale), int(px_h * scale)
        x = left + (width - w if align == "right" else (width - w) // 2)
        return s.shapes.add_picture(io.BytesIO(png), x, top + (height - h) // 2, w, h)


def _align(where: str):
    from pptx.enum.text import PP_ALIGN

    return {"left": PP_ALIGN.LEFT, "right": PP_ALIGN.RIGHT}[where]


def _emu(inches: float) -> int:
    from pptx.util import Inches

    return Inches(inches)


def _pt(emu: int) -> float:
    return emu / 12700


def _types(*names: str) -> tuple:
    from pptx.enum.shapes import PP_PLACEHOLDER

    return tuple(getattr(PP_PLACEHOLDER, n) for n in names)


def _placeholder(layout, kinds: tuple[str, ...]):
    return next((ph for ph in layout.placeholders if ph.placeholder_format.type in _types(*kinds)), None)


def _roles(prs) -> dict[str, Any]:
    """The template's layouts by role: title, content (title and one body) and blank."""
    furniture = _types("DATE", "FOOTER", "SLIDE_NUMBER")

    def kinds(layout) -> list:
        return [ph.placeholder_format.type for ph in layout.placeholders if ph.placeholder_format.type not in furniture]

    layouts = list(prs.slide_layouts)
    title_types, body_types = _types("TITLE"), _types("BODY", "OBJECT")
    blank = next((lo for lo in layouts if not kinds(lo)), min(layouts, key=lambda lo: len(kinds(lo))))
    content = next((lo for lo in layouts if len(kinds(lo)) == 2 and kinds(lo)[0] in title_types
                    and kinds(lo)[1] in body_types), None)
    content = content or next((lo for lo in layouts if kinds(lo) == [title_types[0]]), blank)
    title = next((lo for lo in layouts if _types("CENTER_TITLE")[0] in kinds(lo)), content)
    return {"title": title, "content": content, "blank": blank}


def _drop_slides(prs) -> None:
    """Remove a template's own slides: the deck keeps its masters and layouts only."""
    ids = prs.slides._sldIdLst
    for sld in list(ids):
        prs.part.drop_rel(sld.rId)
        ids.remove(sld)


def _bullet(p, indent, colour: str) -> None:
    from pptx.oxml.ns import qn

    ppr = p._p.get_or_add_pPr()
    ppr.set("marL", str(int(indent)))
    ppr.set("indent", str(-int(indent)))
    for tag in ("a:buClr", "a:buFont", "a:buChar", "a:buNone"):
        for old in ppr.findall(qn(tag)):
            ppr.remove(old)
    clr = ppr.makeelement(qn("a:buClr"), {})
    srgb = clr.makeelement(qn("a:srgbClr"), {"val": colour.lstrip("#").upper()})
    clr.append(srgb)
    char = ppr.makeelement(qn("a:buChar"), {"char": "■"})
    # a:buClr and a:buChar come after the spacing elements and before a:defRPr / a:extLst
    after = ppr.find(qn("a:defRPr"))
    if after is None:
        after = ppr.find(qn("a:extLst"))
    if after is not None:
        after.addprevious(clr)
        after.addprevious(char)
    else:
        ppr.append(clr)
        ppr.append(char)


# -- charts ---------------------------------------------------------------------------------------

SVG_SIZE = re.compile(r'<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"')


def chart_png(svg: str, width_in: float, height_in: float) -> bytes:
    """The chart's SVG as a PNG crisp at the size it takes on the slide (about ``DPI`` pixels per inch)."""
    import vl_convert as vlc

    m = SVG_SIZE.search(svg[:2000])
    w, h = (float(m.group(1)), float(m.group(2))) if m else (800.0, 500.0)
    shown = min(width_in / w, height_in / h)  # inches per SVG unit on the slide
    scale = min(4.0, max(1.0, shown * DPI))
    return vlc.svg_to_png(svg, scale=scale)


# -- the slides -----------------------------------------------------------------------------------

def _title_slide(d: Deck, r: dict[str, Any], today: date) -> None:
    from pptx.util import Inches

    s, layout = d.slide("title", r.get("client") or "")
    left = Inches(SIDE + 0.3)
    width = d.w - left - Inches(SIDE)
    title = next((ph for ph in s.placeholders), None)
    if title is not None and d.builtin:
        title.left, title.top, title.width, title.height = left, Inches(1.6), width, Inches(2.6)
        d.text(title, [r.get("client") or ""], (40, 36, 32, 28, 24, 20), bold=True, colour=d.brand.colour,
               align=_align("left"))
    top = (title.top + title.height + Inches(0.2)) if title is not None else Inches(4.4)
    lines = [f"Sales and marketing alignment · {r.get('period') or ''}"]
    who = " · ".join(x for x in (r.get("consultant") or "", d.brand.firm) if x)
    lines += [who] if who else []
    lines.append(_long_date(today))
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
    tile_h = _emu(1.3) if tiles else 0
    sizes = (18, 16, 15, 14)
    indent = INDENT
    runs_of = dict(zip(texts, points))
    chunks = fit.pages(texts, _pt(width) - indent, _pt(height), sizes, 12, first_height_pt=_pt(height - tile_h))
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
    chunks = fit.pages(content["findings"], _pt(text_w) - indent, _pt(height), sizes, MOST_BULLETS)
    count = max(len(figures), len(chunks), 1)
    for i in range(count):
        title = f"{sec['number']}. {sec['title']}"
        s, _ = d.slide("content", title)
        if i < len(figures):
            fig = figures[i]
            caption = s.shapes.add_textbox(left, top, chart_w, Inches(0.4))
            d.text(caption, [f"{fig['label']}. {fig['title']}"], (14, 12, 11, 10), colour=MUTED, trim=True)
            box_h = height - Inches(0.45)
            png = chart_png(fig["svg"], _pt(chart_w) / 72, _pt(box_h) / 72)
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
    widths_pt = [_pt(w) for w in widths]
    head_h = fit.rows_height([c for c, _ in columns], widths_pt, size, bold=True)
    room = _pt(height) - head_h
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
                r.font.color.rgb = _rgb("#ffffff" if header else INK)
        cell.fill.solid()
        cell.fill.fore_color.rgb = _rgb(d.brand.colour if header else ("#ffffff" if i % 2 else "#f4f7fa"))


def _status(item: dict[str, Any]) -> str:
    text = str(item.get("status") or "").replace("_", " ")
    return f"{text} (overdue)" if item.get("overdue") else text


def _change(v) -> str:
    if v is None:
        return "–"
    return ("+" if v > 0 else "") + formats.number(v, 1)


def _plan_slides(d: Deck, r: dict[str, Any], snap) -> None:
    """The action plan when the run has one, else the credibility next steps."""
    actions = (r.get("actions") or {}).get("items") or []
    if actions:
        who = {p.id: p.name for p in snap.engagement.respondents} if snap is not None else {}
        rows = [[str(a.get("action") or a.get("item") or a.get("action_id") or ""),
                 str(a.get("item") or "–"), str(a.get("owner_name") or who.get(a.get("owner")) or a.get("owner") or "–"),
                 str(a.get("due") or "–"), _status(a), _change(a.get("item_change"))] for a in actions]
        _table_slides(d, "Action plan", [("Action", 0.44), ("Item", 0.1), ("Owner", 0.16), ("Due", 0.1),
                                         ("Status", 0.12), ("Change", 0.08)], rows)
        return
    steps = (r.get("credibility") or {}).get("next_steps") or []
    rows = [[str(x.get("item") or ""), formats.number(x.get("mean"), 1), str(x.get("action") or "")] for x in steps]
    focus = (r.get("credibility") or {}).get("focus")
    _table_slides(d, f"Next steps for level {focus}" if focus else "Next steps",
                  [("Item", 0.1), ("Mean rating", 0.14), ("What to do", 0.76)], rows)


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
        d = Deck(b, str(results.get("client") or ""), str(results.get("period") or ""))
        _title_slide(d, results, today or date.today())
        _summary_slides(d, results)
        for sec in sections(results, notebooks):
            if sec["content"] is not None:
                _part_slides(d, sec)
        _plan_slides(d, results, snap)
        _appendix(d, results)
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
