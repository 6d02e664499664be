"""The deck's building blocks: its geometry, the ``Deck`` being built, and charts as pictures.

Every text box is sized by ``playbook.report.fit`` so nothing overflows; ``playbook.report.deck``
puts the slides together from these pieces.
"""

from __future__ import annotations

import io
import re
from typing import Any

from playbook.report import fit
from playbook.report.brand import Brand, open_presentation

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


def rgb(hex_colour: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_colour.lstrip("#").upper())


class Deck:
    """One presentation being built: its layouts by role, geometry and branding."""

    def __init__(self, b: Brand, client: str, period: str):
        from pptx.util import Inches

        self.brand, self.client, self.period = b, client, period
        self.prs = open_presentation(b.template)
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
                  align=align("left") if self.builtin else None)
        if self.builtin and role == "content":
            self.rect(s, box[0], box[1] + box[3] + emu(0.02), self.w - 2 * emu(SIDE), emu(0.04), self.brand.colour)
        self.footer(s)
        return s, layout

    def footer(self, s) -> None:
        from pptx.enum.text import PP_ALIGN

        top = self.h - emu(FOOTER_BOTTOM + FOOTER_H)
        half = (self.w - 2 * emu(SIDE)) // 2
        if self.brand.firm:
            box = s.shapes.add_textbox(emu(SIDE), top, half, emu(FOOTER_H))
            self.text(box, [self.brand.firm], (10, 9, 8), colour=MUTED, trim=True)
        box = s.shapes.add_textbox(emu(SIDE) + half, top, half, emu(FOOTER_H))
        self.text(box, [f"{self.client} · {self.period} · {self.count}"], (10, 9, 8), colour=MUTED,
                  align=PP_ALIGN.RIGHT, trim=True)
        if self.brand.logo:
            width = emu(1.4)
            self.picture(s, self.brand.logo, self.w - emu(SIDE) - width, emu(TITLE_TOP), width, emu(0.7),
                         align="right")

    def text(self, shape, paragraphs: list[str], sizes, bold: bool = False, colour: str | None = None,
             align=None, trim: bool = False, bullets: str | None = None, runs=None) -> float:
        """Fill ``shape`` with ``paragraphs`` at the largest of ``sizes`` that fits it; returns the size.

        ``runs`` gives per paragraph a list of (text, bold) runs instead; ``bullets`` a bullet colour.
        """
        from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
        from pptx.util import Pt

        width, height = pt(shape.width), pt(shape.height)
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
                    r.font.color.rgb = rgb(colour)
            if bullets:
                _bullet(p, Pt(indent), bullets)
        return size

    def rect(self, s, left, top, width, height, colour: str):
        from pptx.enum.shapes import MSO_SHAPE

        shape = s.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, width, height)
        shape.fill.solid()
        shape.fill.fore_color.rgb = rgb(colour)
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


def align(where: str):
    from pptx.enum.text import PP_ALIGN

    return {"left": PP_ALIGN.LEFT, "right": PP_ALIGN.RIGHT}[where]


def emu(inches: float) -> int:
    from pptx.util import Inches

    return Inches(inches)


def pt(emu: int) -> float:
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
