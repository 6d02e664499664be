"""The deck's building blocks: its geometry, the ``Deck`` being built, and charts as pictures.

Every text box is sized by ``playbook.report.fit`` so nothing overflows; ``playbook.report.deck``
puts the slides together from these pieces.
"""

from __future__ import annotations

import io
import math
import re
from typing import Any

from playbook.report import fit
from playbook.report.brand import Brand, open_presentation

TONES = {"alert": "#c8443a", "watch": "#c98a12", "good": "#2e8b57", "info": "#2f6db5", "none": "#a0a8b0"}
INK, MUTED, LINE = "#1f2933", "#5f6b76", "#dde3e8"
DPI = 200  # charts are rendered at this many pixels per inch of their size on the slide
MOST_BULLETS = 4
INDENT = 18  # a bullet's hanging indent, in points
TITLE_SIZES = (24, 22, 20, 18)  # a content slide's title: the largest at which it takes two lines at most
TITLE_LINES = 2
SMALLEST = 10  # points: no text on a slide is smaller

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
        if title_ph is None:
            title_ph = s.shapes.add_textbox(*box)
        else:
            title_ph.left, title_ph.top, title_ph.width, title_ph.height = box
        if role == "title":
            sizes: tuple[float, ...] = (40, 36, 32, 28, 24, 20)
        else:  # a slide's title is its finding, a sentence of at most two lines
            sizes = TITLE_SIZES
            size = next((z for z in sizes if fit.lines(title, pt(box[2]), z, True) <= TITLE_LINES), sizes[-1])
            sizes = (size,)
            title = fit.trim(title, pt(box[2]), TITLE_LINES * size * fit.LINE + fit.INSET_H, size, True)
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
            self.text(box, [self.brand.firm], (SMALLEST,), colour=MUTED, trim=True)
        box = s.shapes.add_textbox(emu(SIDE) + half, top, half, emu(FOOTER_H))
        self.text(box, [f"{self.client} · {self.period} · {self.count}"], (SMALLEST,), colour=MUTED,
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


FONT_SIZE = re.compile(r'font-size(?:="|:\s*)([\d.]+)px')
SMALLEST_PT = 10  # no text on a slide under this size, a picture's text included


def picture_text_pt(svg: str, width_in: float, height_in: float) -> float:
    """The size in points of the smallest text of a chart's SVG drawn within ``width_in`` x ``height_in`` inches
    (its aspect kept, as ``chart_png`` and the slide place it); infinite for a chart without text."""
    m = SVG_SIZE.search(svg[:2000])
    w, h = (float(m.group(1)), float(m.group(2))) if m else (800.0, 500.0)
    sizes = [float(x) for x in FONT_SIZE.findall(svg)]
    return min(sizes) * min(width_in / w, height_in / h) * 72 if sizes else math.inf


def chart_png(svg: str, width_in: float, height_in: float) -> bytes:
    """The chart's SVG as a PNG crisp at the size it takes on the slide (about ``DPI`` pixels per inch)."""
    import vl_convert as vlc

    m = SVG_SIZE.search(svg[:2000])
    w, h = (float(m.group(1)), float(m.group(2))) if m else (800.0, 500.0)
    shown = min(width_in / w, height_in / h)  # inches per SVG unit on the slide
    scale = min(4.0, max(1.0, shown * DPI))
    return vlc.svg_to_png(svg, scale=scale)


# -- the slides -----------------------------------------------------------------------------------


# -- native charts --------------------------------------------------------------------------------

CHART_FONT = 12  # points: every text of a native chart (labels, axis, legend), well above the deck's 10 pt floor
PLOT_PAD = 0.04  # the plot's margin inside the chart frame, as a share of its size


def _plot_box(n, width_pt: float, height_pt: float, size: float) -> tuple[float, float, float, float]:
    """Where the plot (bars or lines, without axis labels) sits inside the chart frame, as shares of its width and
    height: room below for a column or line chart's labels and the legend; on the left for a bar chart's category
    labels, as wide as they need (up to ``LABELS_MOST``) for each to fit its band in as few lines as its height
    allows (a renderer drops labels that would overlap)."""
    legend = 2.2 * size / height_pt if n.legend else 0.0
    if n.kind == "bar":
        top, plot_h = PLOT_PAD, 1 - 2 * PLOT_PAD - legend
        band = plot_h * height_pt / max(1, len(n.categories))
        most_lines = max(1, int(band // (size * 1.25)))
        need = max((_label_room(str(c), size, most_lines) for c in n.categories), default=0.0) + 10
        left = min(LABELS_MOST, max(0.12, need / width_pt))
        return left, top, 1 - left - 0.1, plot_h
    below = 2.6 * size / height_pt
    left = 0.1 if n.kind == "line" or not n.labelled else PLOT_PAD
    return left, 0.08, 1 - left - PLOT_PAD, 1 - 0.08 - below - legend


LABELS_MOST = 0.55  # the most of a bar chart's width its category labels take


def _label_room(text: str, size: float, lines: int) -> float:
    """The narrowest width (points) in which ``text`` takes at most ``lines`` lines at ``size``."""
    whole = fit.width(text, size) + fit.INSET_W + 2
    if lines <= 1:
        return whole
    low, high = max(fit.width(w, size) for w in text.split() or [text]) + fit.INSET_W + 2, whole
    while high - low > 2:
        mid = (low + high) / 2
        low, high = (low, mid) if fit.lines(text, mid, size) <= lines else (mid, high)
    return high


def _chart_size(n, height_pt: float) -> float:
    """The chart's text size: ``CHART_FONT``, a point smaller (never below ``SMALLEST``) when its bars are many."""
    if n.kind == "bar" and height_pt / max(1, len(n.categories)) < 3 * CHART_FONT:
        return max(SMALLEST, CHART_FONT - 1)
    return CHART_FONT


def _value_range(n) -> tuple[float, float]:
    """The value axis' range: the chart's own domain, else from zero (or the lowest value) to the highest, with
    room for the labels outside the bars."""
    values = [v for s in n.series for v in s.values if v is not None]
    if n.stacked:
        values += [sum(s.values[i] or 0 for s in n.series) for i in range(len(n.categories))]
    refs = [v for v, _ in n.references]
    low = n.low if n.low is not None else min([0.0, *values, *refs])
    high = n.high if n.high is not None else max([0.0, *values, *refs])
    if n.kind != "line" and n.labelled:  # a label beyond the longest bar
        span = (high - low) or 1.0
        high += 0.18 * span if high > 0 else 0
        low -= 0.18 * span if low < 0 else 0
    if n.low is None or n.high is None or n.interval:  # an axis a reader sees ends on round numbers
        step = nice_step((high - low) / 5)
        low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    return low, high if high > low else low + 1


def nice_step(raw: float) -> float:
    """1, 2 or 5 times a power of ten, the first at least ``raw``."""
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    return next(k * power for k in (1, 2, 5, 10) if k * power >= raw)


def _manual_layout(chart, box: tuple[float, float, float, float]) -> None:
    """Pin the plot's inner area (without its axis labels) where ``box`` says, so reference lines drawn over
    the chart fall where the values are, in PowerPoint and LibreOffice alike."""
    from pptx.oxml.ns import qn

    plot_area = chart._chartSpace.chart.plotArea
    for old in plot_area.findall(qn("c:layout")):
        plot_area.remove(old)
    layout = plot_area.makeelement(qn("c:layout"), {})
    manual = layout.makeelement(qn("c:manualLayout"), {})
    for tag, value in (("c:layoutTarget", "inner"), ("c:xMode", "edge"), ("c:yMode", "edge"), ("c:x", box[0]),
                       ("c:y", box[1]), ("c:w", box[2]), ("c:h", box[3])):
        el = manual.makeelement(qn(tag), {"val": f"{value:.4f}" if isinstance(value, float) else value})
        manual.append(el)
    layout.append(manual)
    plot_area.insert(0, layout)


def add_native_chart(deck: Deck, s, n, left: int, top: int, width: int, height: int):
    """``n`` (``native.Native``) as a native chart in the box, in its colours, every text at ``CHART_FONT`` (a
    point smaller with many categories, never below ``SMALLEST``)."""
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
    from pptx.util import Pt

    data = CategoryChartData(number_format=n.number_format)
    data.categories = [str(c) for c in n.categories]
    for series in n.series:
        data.add_series(series.name, series.values)
    kind = {"bar": (XL_CHART_TYPE.BAR_CLUSTERED, XL_CHART_TYPE.BAR_STACKED),
            "column": (XL_CHART_TYPE.COLUMN_CLUSTERED, XL_CHART_TYPE.COLUMN_STACKED),
            "line": (XL_CHART_TYPE.LINE_MARKERS, XL_CHART_TYPE.LINE_MARKERS)}[n.kind][int(n.stacked)]
    frame = s.shapes.add_chart(kind, left, top, width, height, data)
    chart = frame.chart
    points = _chart_size(n, pt(height))
    size = Pt(points)
    chart.has_title = False
    chart.font.size = size
    chart.font.color.rgb = rgb(INK)
    chart.has_legend = n.legend
    if n.legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = size
    plot = chart.plots[0]
    if n.kind != "line":
        plot.gap_width = 60 if len(n.categories) > 1 else 300
        plot.overlap = 100 if n.overlap or n.stacked else -8
    low, high = _value_range(n)
    value_axis, category_axis = chart.value_axis, chart.category_axis
    value_axis.minimum_scale, value_axis.maximum_scale = low, high
    if n.low is None or n.high is None or n.interval:
        value_axis.major_unit = nice_step((high - low) / 5)
    value_axis.has_major_gridlines = n.kind == "line"
    value_axis.visible = n.kind == "line" or not n.labelled
    value_axis.tick_labels.number_format = n.number_format
    value_axis.tick_labels.number_format_is_linked = False
    value_axis.tick_labels.font.size = size
    category_axis.tick_labels.font.size = size
    category_axis.has_major_gridlines = False
    category_axis.format.line.color.rgb = rgb(LINE)
    if low < 0:  # labels at the side, not at zero in the middle of the plot
        category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    if n.kind == "bar":
        category_axis.reverse_order = True  # the first category on top, as the report draws it
        _cross_at_max(value_axis)  # and the value axis below them
    _every_label(category_axis)
    box = _plot_box(n, pt(width), pt(height), points)
    per_unit = box[2] * pt(width) / ((high - low) or 1.0)  # points of bar length per unit of value
    for series, drawn in zip(n.series, plot.series):
        _paint(drawn, series, n, size, deck.brand.colour, per_unit)
    _manual_layout(chart, box)
    _transparent(chart)
    _reference_lines(s, n, (left, top, width, height), box, (low, high), frame)
    return frame


def _paint(drawn, series, n, size, fallback: str, per_unit: float = 0.0) -> None:
    """One series' colour, value labels (each on a white ground, above any reference line) and interval."""
    from pptx.enum.chart import XL_LABEL_POSITION
    from pptx.util import Pt

    colour = rgb(series.colour or fallback)
    if n.kind == "line":
        drawn.format.line.color.rgb = colour
        drawn.format.line.width = Pt(2.25)
        drawn.smooth = False
        drawn.marker.format.fill.solid()
        drawn.marker.format.fill.fore_color.rgb = colour
        drawn.marker.format.line.color.rgb = colour
    else:
        drawn.format.fill.solid()
        drawn.format.fill.fore_color.rgb = colour
    position = (XL_LABEL_POSITION.CENTER if n.stacked else XL_LABEL_POSITION.ABOVE if n.kind == "line"
                else XL_LABEL_POSITION.OUTSIDE_END)
    for j, (value, text) in enumerate(zip(series.values, series.labels or [])):
        if value is None or not text:
            continue
        if n.stacked and n.kind == "bar" and per_unit and abs(value) * per_unit < fit.width(str(text), size.pt) + 4:
            continue  # a segment too short for its label: the label would spill over its neighbours
        label = drawn.points[j].data_label
        label.text_frame.text = str(text)
        for run in label.text_frame.paragraphs[0].runs:
            run.font.size = size
            run.font.color.rgb = rgb("#ffffff" if n.stacked else INK)
        label.position = position
        if not n.stacked:
            _label_ground(label)
    if any(series.errors):
        _error_bars(drawn, series, INK)


def _label_ground(label) -> None:
    """A white ground behind a value label, so a reference line behind it never crosses its text."""
    from pptx.oxml.ns import qn

    dlbl = label._dLbl
    for old in dlbl.findall(qn("c:spPr")):
        dlbl.remove(old)
    sp = dlbl.makeelement(qn("c:spPr"), {})
    fill = sp.makeelement(qn("a:solidFill"), {})
    fill.append(fill.makeelement(qn("a:srgbClr"), {"val": "FFFFFF"}))
    sp.append(fill)
    after = next((dlbl.find(qn(t)) for t in ("c:txPr", "c:dLblPos", "c:showLegendKey") if dlbl.find(qn(t)) is not None),
                 None)
    if after is not None:
        after.addprevious(sp)
    else:
        dlbl.append(sp)


def _error_bars(drawn, series, colour: str) -> None:
    """Each point's interval (low, high) as the series' own error bars (custom plus and minus values)."""
    from pptx.oxml.ns import qn

    ser = drawn._element
    bars = ser.makeelement(qn("c:errBars"), {})
    for tag, value in (("c:errBarType", "both"), ("c:errValType", "cust"), ("c:noEndCap", "0")):
        bars.append(bars.makeelement(qn(tag), {"val": value}))
    for tag, pick in (("c:plus", lambda v, e: e[1] - v), ("c:minus", lambda v, e: v - e[0])):
        side = bars.makeelement(qn(tag), {})
        lit = side.makeelement(qn("c:numLit"), {})
        code = lit.makeelement(qn("c:formatCode"), {})
        code.text = "General"
        lit.append(code)
        lit.append(lit.makeelement(qn("c:ptCount"), {"val": str(len(series.values))}))
        for i, (v, e) in enumerate(zip(series.values, series.errors)):
            if v is None or e is None:
                continue
            pt_el = lit.makeelement(qn("c:pt"), {"idx": str(i)})
            val = pt_el.makeelement(qn("c:v"), {})
            val.text = repr(float(pick(v, e)))
            pt_el.append(val)
            lit.append(pt_el)
        side.append(lit)
        bars.append(side)
    sp = bars.makeelement(qn("c:spPr"), {})
    line = sp.makeelement(qn("a:ln"), {"w": "28575"})
    fill = line.makeelement(qn("a:solidFill"), {})
    fill.append(fill.makeelement(qn("a:srgbClr"), {"val": colour.lstrip("#").upper()}))
    line.append(fill)
    sp.append(line)
    bars.append(sp)
    ser.find(qn("c:cat")).addprevious(bars)


def _cross_at_max(axis) -> None:
    """``axis`` (the value axis) crosses the category axis at its last category: below the bars when they run top
    down (``c:crosses`` of an axis says where it meets the other one)."""
    from pptx.oxml.ns import qn

    crosses = axis._element.find(qn("c:crosses"))
    if crosses is not None:
        crosses.set("val", "max")


def _every_label(axis) -> None:
    """Every category labelled (LibreOffice skips labels it thinks crowded; a reader needs each one)."""
    from pptx.oxml.ns import qn

    ax = axis._element
    for tag in ("c:tickLblSkip", "c:tickMarkSkip"):
        for old in ax.findall(qn(tag)):
            ax.remove(old)
    skip = ax.makeelement(qn("c:tickLblSkip"), {"val": "1"})
    after = next((ax.find(qn(t)) for t in ("c:tickMarkSkip", "c:noMultiLvlLbl", "c:extLst")
                  if ax.find(qn(t)) is not None), None)
    if after is not None:
        after.addprevious(skip)
    else:
        ax.append(skip)


def _transparent(chart) -> None:
    """No fill behind the chart and its plot, so reference lines drawn behind it show through."""
    from pptx.oxml.ns import qn

    for parent in (chart._chartSpace, chart._chartSpace.chart.plotArea):
        sp = parent.find(qn("c:spPr"))
        if sp is None:
            sp = parent.makeelement(qn("c:spPr"), {})
            anchor = next((parent.find(qn(t)) for t in ("c:txPr", "c:externalData", "c:printSettings",
                                                         "c:userShapes", "c:extLst") if parent.find(qn(t)) is not None),
                          None)
            if anchor is not None:
                anchor.addprevious(sp)
            else:
                parent.append(sp)
        for child in list(sp):
            if child.tag in (qn("a:solidFill"), qn("a:noFill"), qn("a:gradFill"), qn("a:pattFill")):
                sp.remove(child)
        sp.insert(0, sp.makeelement(qn("a:noFill"), {}))


def _reference_lines(s, n, frame: tuple[int, int, int, int], box, span: tuple[float, float], chart) -> None:
    """A dashed line across the plot at each reference value (a threshold, a baseline, zero), behind the chart so
    that bars and value labels stay on top."""
    from pptx.enum.dml import MSO_LINE
    from pptx.enum.shapes import MSO_CONNECTOR
    from pptx.util import Pt

    left, top, width, height = frame
    x0, y0, w, h = left + box[0] * width, top + box[1] * height, box[2] * width, box[3] * height
    low, high = span
    for value, colour in n.references:
        if not low <= value <= high:
            continue
        at = (value - low) / (high - low)
        if n.kind == "bar":
            x = int(x0 + at * w)
            line = s.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, x, int(y0), x, int(y0 + h))
        else:
            y = int(y0 + h - at * h)
            line = s.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, int(x0), y, int(x0 + w), y)
        line.line.color.rgb = rgb(colour)
        line.line.width = Pt(1.5)
        line.line.dash_style = MSO_LINE.DASH
        chart._element.addprevious(line._element)  # drawn first: behind the chart
