"""A report chart as a native PowerPoint chart: its data, kind, colours and labels, read from the chart itself.

The parts draw their charts once, with Altair (``views.report_section``); the report shows them as SVG. The
deck shows the same charts as native PowerPoint charts (editable, in the firm's colours), so it reads each
chart's Vega-Lite spec, the one source of both: the rows it plots, which field is the category and which the
value, what splits it into series (an offset, a colour with several bars a category, a facet), the colours
of its scales, the value labels its text layer prints, its axis range and its reference lines (rules at a
fixed value). ``native`` returns None for what no native chart type fits (an interval, small multiples
side by side, a scatter); the deck shows those as pictures.

A bar chart with one bar a category coloured by a field (reported / not reported, on track / off track) is
split into one series per colour with full overlap, so PowerPoint's own legend names the colours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DISCRETE = ("nominal", "ordinal")
FACETS_AS_SERIES = 3  # panels with the same categories, at most this many: drawn as series of one chart
OTHER_COLOURS = ("#2f6db5", "#d9822b", "#6b6b6b", "#2e8b57", "#c8443a", "#e0a526")


@dataclass
class Series:
    name: str
    values: list[float | None]
    colour: str | None = None
    labels: list[str | None] = field(default_factory=list)  # a value label per category ("" or None: none)
    errors: list[tuple[float, float] | None] = field(default_factory=list)  # an interval (low, high) per category


@dataclass
class Native:
    """What a native chart needs: ``kind`` bar (horizontal), column or line; ``stacked`` bars; ``overlap``
    series that never share a category (a colour split); the value axis' range and Excel number format;
    ``references`` (value, colour) lines across the plot; ``legend`` whether the series need one."""

    kind: str
    categories: list[str]
    series: list[Series]
    number_format: str = "General"
    low: float | None = None
    high: float | None = None
    stacked: bool = False
    overlap: bool = False
    legend: bool = False
    references: list[tuple[float, str]] = field(default_factory=list)
    axis_title: str = ""
    interval: bool = False  # an estimate with its interval: the value axis stays, to read the interval's ends

    @property
    def labelled(self) -> bool:
        """Whether every drawn value carries a label (then the value axis is left out, as consultants do)."""
        return not self.interval and all(lab for s in self.series for v, lab in zip(s.values, s.labels or [None] * len(s.values))
                   if v is not None) and any(s.labels for s in self.series)


def hex_colour(value: Any, default: str = "#4a5a6a") -> str:
    """A CSS colour as ``#rrggbb`` (``#333`` grows to ``#333333``); anything else becomes ``default``."""
    text = str(value or "").strip().lower()
    if len(text) == 4 and text.startswith("#"):
        text = "#" + "".join(c * 2 for c in text[1:])
    ok = len(text) == 7 and text.startswith("#") and all(c in "0123456789abcdef" for c in text[1:])
    return text if ok else default


class _Unsupported(Exception):
    pass


# --- reading the spec ----------------------------------------------------------------------------------------------

def _units(spec: dict[str, Any], data: Any = None, facet: dict | None = None) -> list[tuple[dict, Any, dict | None]]:
    """Every single-mark view of ``spec`` with the data it draws and the facet above it."""
    if any(k in spec for k in ("concat", "hconcat", "vconcat", "repeat")):
        raise _Unsupported("several charts side by side")
    data = spec.get("data", data)
    if "facet" in spec:
        return _units(spec["spec"], data, spec["facet"])
    if "layer" in spec:
        return [u for layer in spec["layer"] for u in _units(layer, data, facet)]
    return [(spec, data, facet)]


def _rows(data: Any, datasets: dict[str, list]) -> list[dict[str, Any]]:
    if isinstance(data, dict) and "name" in data:
        return list(datasets.get(data["name"]) or [])
    if isinstance(data, dict) and "values" in data:
        return list(data["values"])
    return []


def _mark(unit: dict) -> str:
    mark = unit.get("mark")
    return mark if isinstance(mark, str) else (mark or {}).get("type", "")


def _order(enc: dict, rows: list[dict], name: str, value: str | None) -> list[str]:
    """The categories in the order the chart shows them."""
    seen = list(dict.fromkeys(str(r[name]) for r in rows if r.get(name) is not None))
    sort = enc.get("sort")
    domain = (enc.get("scale") or {}).get("domain")
    if isinstance(domain, list):
        return [str(x) for x in domain if str(x) in seen] + [x for x in seen if x not in map(str, domain)]
    if isinstance(sort, list):
        return [str(x) for x in sort if str(x) in seen] + [x for x in seen if x not in map(str, sort)]
    if sort in ("ascending", "descending"):
        return sorted(seen, reverse=sort == "descending")
    if isinstance(sort, str) and sort.lstrip("-") in ("x", "y") and value:
        total = {c: sum(float(r.get(value) or 0) for r in rows if str(r.get(name)) == c) for c in seen}
        return sorted(seen, key=lambda c: total[c], reverse=sort.startswith("-"))
    return seen


def _colours(enc: dict, values: list[str]) -> dict[str, str]:
    """Each value's colour from the colour scale (domain to range, in order); a value it leaves out gets one of
    the other colours, never one already used."""
    scale = (enc or {}).get("scale") or {}
    domain = scale.get("domain") or (enc.get("sort") if isinstance(enc.get("sort"), list) else None) or values
    palette = scale.get("range") if isinstance(scale.get("range"), list) and scale.get("range") else list(OTHER_COLOURS)
    out = {str(d): hex_colour(palette[i % len(palette)]) for i, d in enumerate(domain)}
    spare = [c for c in OTHER_COLOURS if c not in out.values()] or list(OTHER_COLOURS)
    for i, v in enumerate(x for x in values if x not in out):
        out[v] = spare[i % len(spare)]
    return out


def _digits(fmt: str) -> int:
    """The decimals a d3 format asks for (``.2f``: 2, ``.0%``: 0)."""
    if "." not in fmt:
        return 0
    tail = fmt.split(".", 1)[1]
    return int(tail[0]) if tail[:1].isdigit() else 0


def _number_format(fmt: str, high: float | None = None) -> str:
    """A d3 format as an Excel number format (for the value axis); amounts without cents compact as the locale
    writes them (``"$"#,##0,"K"``), scaled for the largest value ``high``."""
    digits = _digits(fmt)
    places = "." + "0" * digits if digits else ""
    if "%" in fmt:
        return f"0{places}%"
    if "$" in fmt and digits:
        from playbook.core.formats import currency_affixes

        before, after = currency_affixes()
        return (f'"{before}"' if before else "") + f"#,##0{places}" + (f'" {after.strip()}"' if after.strip() else "")
    if "$" in fmt:
        return money_format(high or 0.0)
    if fmt.rstrip("f").endswith(("d", ",", "0")) or fmt in ("d", ",d"):
        return f"#,##0{places}"
    return "General"


def money_format(high: float) -> str:
    """Compact amounts as an Excel number format, as ``formats.money(compact=True)`` writes them in the active
    locale: millions (``"$"#,##0.0,,"M"``) or thousands (``"$"#,##0,"K"``) by the largest value, else whole."""
    import re

    from playbook.core import formats

    for scale, commas, places in ((1e6, ",,", ".0"), (1e3, ",", "")):
        if abs(high) < scale:
            continue
        sample = formats.money(scale * 10, compact=True)  # "$10M", "10 Mio. €", "$10K", "10.000 €"
        found = re.search(r"\d[\d.,\u00a0\u202f ]*\d|\d", sample)
        if found and re.sub(r"\D", "", found.group()) == "10":
            before, after = sample[:found.start()], sample[found.end():]
            prefix, suffix = formats.currency_affixes()  # zero is written whole: "$0", "0 €"
            zero = (f'"{prefix}"' if prefix else "") + "0" + (f'"{suffix}"' if suffix.strip() else "")
            return (f"[=0]{zero};" + (f'"{before}"' if before else "") + f"#,##0{places}{commas}"
                    + (f'"{after}"' if after else ""))
    before, after = formats.currency_affixes()
    return (f'"{before}"' if before else "") + "#,##0" + (f'"{after}"' if after.strip() else "")


def _axis_format(enc: dict) -> str:
    """The d3 format of a channel's axis; compact amounts drawn by a label expression read as ``$~s``."""
    axis = enc.get("axis") or {}
    fmt = axis.get("format") or ""
    if not fmt and "~s" in str(axis.get("labelExpr") or ""):
        return "$~s"
    return str(fmt)


def _label(value: Any, enc: dict | None, axis_format: str) -> str:
    """A value label as the report would write it (the text layer's format, else the axis')."""
    from playbook.core import formats

    if value is None:
        return ""
    if isinstance(value, str):
        return value
    fmt = ((enc or {}).get("format") or axis_format or "")
    if "%" in fmt:
        return formats.share(value, digits=_digits(fmt), signed="+" in fmt)
    if "$" in fmt:
        return formats.money(value, cents=True) if _digits(fmt) and "~s" not in fmt else formats.money(
            value, compact=True)
    if "+" in fmt:
        return formats.number(value, 1, signed=True)
    return formats.number(value, 0 if float(value).is_integer() else 1)


def _references(units: list[tuple[dict, Any, dict | None]], value_axis: str, datasets: dict) -> list[tuple]:
    """Rules at a fixed value across the plot (a threshold, a baseline, zero)."""
    out = []
    for unit, data, _facet in units:
        if _mark(unit) != "rule":
            continue
        enc = (unit.get("encoding") or {}).get(value_axis) or {}
        colour = hex_colour((unit.get("mark") or {}).get("color") if isinstance(unit.get("mark"), dict) else None)
        if "datum" in enc and isinstance(enc["datum"], (int, float)):
            out.append((float(enc["datum"]), colour))
        elif enc.get("field"):
            for r in _rows(data, datasets):
                if isinstance(r.get(enc["field"]), (int, float)):
                    out.append((float(r[enc["field"]]), colour))
    return list(dict.fromkeys(out))


def _text_labels(units, category: str, rows: list[dict]) -> tuple[str | None, dict | None]:
    """The field a text layer prints over the bars (and its encoding), when it prints the same rows."""
    for unit, _data, _facet in units:
        enc = unit.get("encoding") or {}
        text = enc.get("text") or {}
        if _mark(unit) == "text" and text.get("field") and (enc.get("y") or enc.get("x") or {}).get("field"):
            if rows and text["field"] in rows[0]:
                return text["field"], text
    return None, None


def native(chart: Any) -> Native | None:
    """``chart`` (an Altair chart or its ``to_dict()``) as a native chart, or None when no native type fits."""
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    try:
        return _native(spec)
    except (_Unsupported, KeyError, TypeError, ValueError):
        return None


def _axes(enc: dict) -> tuple[str, str, str]:
    """(orientation kind, category channel, value channel) of a bar or line."""
    x, y = enc.get("x") or {}, enc.get("y") or {}
    if x.get("type") == "quantitative" and y.get("type") in DISCRETE:
        return "bar", "y", "x"
    if y.get("type") == "quantitative" and x.get("type") in DISCRETE + ("quantitative", "temporal"):
        return "column", "x", "y"
    raise _Unsupported("no category axis")


def _interval(spec: dict[str, Any], units: list, datasets: dict) -> Native:
    """An estimate with its interval (an error bar and a point): one bar per category to the estimate, the interval
    as the bar's error bars."""
    bar = next(u for u in units if _mark(u[0]) == "errorbar")
    point = next(u for u in units if _mark(u[0]) == "point")
    enc_bar, enc_point = bar[0].get("encoding") or {}, point[0].get("encoding") or {}
    _kind, cat_ch, val_ch = _axes(enc_point)
    cat = enc_point[cat_ch]["field"]
    value, low, high = enc_point[val_ch]["field"], enc_bar[val_ch]["field"], (enc_bar.get(val_ch + "2") or {})["field"]
    rows = _rows(point[1], datasets) or _rows(bar[1], datasets)
    categories = _order(enc_point[cat_ch], rows, cat, None)
    by = _by(rows, cat, categories)
    fmt = _tooltip_format(enc_point, value) or _axis_format(enc_bar[val_ch])
    mark = point[0].get("mark") if isinstance(point[0].get("mark"), dict) else {}
    series = Series(str(enc_point[val_ch].get("title") or value), [_value(r, value) for r in by],
                    hex_colour(mark.get("color"), OTHER_COLOURS[0]), [_label(_value(r, value), None, fmt) for r in by],
                    [(float(r[low]), float(r[high])) if r and r.get(low) is not None and r.get(high) is not None
                     else None for r in by])
    spans = [x for e in series.errors if e for x in e] + [v for v in series.values if v is not None]
    pad = 0.12 * ((max(spans) - min(spans)) or 1.0)
    high = max(spans) + pad
    number_format = _number_format(fmt, high)
    if number_format == "General" and "labelExpr" in (enc_bar[val_ch].get("axis") or {}):
        # an axis of amounts labelled as the text writes them (charts.money_axis): compact amounts here too
        from playbook.core.formats import money

        number_format = money_format(max(abs(x) for x in spans))
        series.labels = [money(v, compact=True) if v is not None else "" for v in series.values]
    shown = [c if c not in ("", "None") else " " for c in categories]  # an unnamed row: no "None" on the axis
    return Native(kind="bar", categories=shown, series=[series], number_format=number_format,
                  low=min(0.0, min(spans) - pad), high=high, references=_references(units, val_ch, datasets),
                  interval=True)


def _main(spec: dict[str, Any], units: list) -> tuple[dict, list[dict], dict | None]:
    """The one bar or line layer (its encoding, its rows, the facet above it); refuses what a native chart cannot
    show the same way."""
    main = [u for u in units if _mark(u[0]) in ("bar", "line")]
    others = [u for u in units if _mark(u[0]) not in ("bar", "line", "rule", "text")]
    if len(main) != 1 or others:
        raise _Unsupported("not one bar or line layer")
    unit, data, facet = main[0]
    enc = unit.get("encoding") or {}
    if unit.get("transform") or spec.get("transform") or any("aggregate" in (enc.get(k) or {}) for k in ("x", "y")):
        raise _Unsupported("a transform or an aggregate")
    rows = _rows(data, spec.get("datasets") or {})
    if not rows:
        raise _Unsupported("no rows")
    return unit, rows, facet


def _split_field(enc: dict, facet: dict | None, line: bool, per_category: int) -> str | None:
    """What splits the values into series: an offset, a colour (on a line, or with several bars a category, or
    one coloured bar each), else a facet with several values a category."""
    offset = (enc.get("yOffset") or enc.get("xOffset") or {}).get("field")
    colour = (enc.get("color") or {}).get("field")
    facet_field = next((f.get("field") for f in (facet or {}).values() if isinstance(f, dict)), None)
    if offset:
        return offset
    if facet_field and per_category > 1 and per_category <= FACETS_AS_SERIES:
        return facet_field  # a few panels side by side (two views of the same levels): one series each
    if colour:
        return colour
    if facet_field and per_category > 1:
        return facet_field
    if per_category > 1:
        raise _Unsupported("more than one value a category (another dimension)")
    return None


def _native(spec: dict[str, Any]) -> Native:
    datasets = spec.get("datasets") or {}
    units = _units(spec)
    marks = {_mark(u[0]) for u in units}
    if {"errorbar", "point"} <= marks and not marks & {"bar", "line"}:
        return _interval(spec, units, datasets)
    unit, rows, facet = _main(spec, units)
    enc = unit.get("encoding") or {}
    kind, cat_ch, val_ch = _axes(enc)
    line = _mark(unit) == "line"
    cat, val = enc[cat_ch]["field"], enc[val_ch]["field"]
    axis_format = _axis_format(enc[val_ch])
    if enc[cat_ch].get("type") == "quantitative":  # a line over a number (a share of time): its values as categories
        cat_format = _axis_format(enc[cat_ch])
        rows = [{**r, cat: _label(r.get(cat), None, cat_format)} for r in sorted(rows, key=lambda r: r[cat])]
    categories = _order(enc[cat_ch], rows, cat, val)
    colour_enc = enc.get("color") or {}
    per_category = max(sum(1 for r in rows if str(r.get(cat)) == c) for c in categories)
    label_field, label_enc = _text_labels(units, cat, rows)
    value_format = _tooltip_format(enc, val) or axis_format

    def label_of(r: dict | None) -> str | None:
        if r is None or _value(r, val) is None:
            return None
        if label_field:
            return _label(r.get(label_field), label_enc, axis_format)
        return _label(_value(r, val), None, value_format)

    split = _split_field(enc, facet, line, per_category)
    if split is None:
        mark = unit.get("mark") if isinstance(unit.get("mark"), dict) else {}
        by = _by(rows, cat, categories)
        series = [Series(str(enc[val_ch].get("title") or val), [_value(r, val) for r in by],
                         hex_colour(mark.get("color"), OTHER_COLOURS[0]), [label_of(r) for r in by])]
    else:
        series = _series(enc, facet, rows, cat, val, split, categories, label_of)
    offset = (enc.get("yOffset") or enc.get("xOffset") or {}).get("field")
    one_each = per_category == 1
    scale = enc[val_ch].get("scale") or {}
    domain = scale.get("domain") if isinstance(scale.get("domain"), list) else None
    low, high = (float(domain[0]), float(domain[1])) if domain and len(domain) == 2 else (None, None)
    top = max((v for x in series for v in x.values if v is not None), default=0.0)
    return Native(kind="line" if line else kind, categories=categories, series=series,
                  number_format=_number_format(value_format, high if high is not None else top), low=low, high=high,
                  stacked=bool(split) and not offset and not line and not one_each and split == colour_enc.get("field"),
                  overlap=bool(split) and one_each and not line,
                  legend=len(series) > 1 and colour_enc.get("legend", {}) is not None,
                  references=_references(units, val_ch, datasets),
                  axis_title=str(enc[val_ch].get("title") or "") if enc[val_ch].get("title") else "")


def _series(enc: dict, facet: dict | None, rows: list[dict], cat: str, val: str, split: str, categories: list[str],
            label_of) -> list[Series]:
    """One series per value of ``split``, in the chart's order and colours."""
    colour_enc = enc.get("color") or {}
    offset_enc = enc.get("yOffset") or enc.get("xOffset") or {}
    if split == offset_enc.get("field"):
        order_enc = offset_enc
    elif split == colour_enc.get("field"):
        order_enc = colour_enc
    else:
        order_enc = (facet or {}).get("row") or (facet or {}).get("column") or {}
    groups = _order(order_enc, rows, split, None)
    palette = _colours(colour_enc, groups) if split == colour_enc.get("field") else {
        g: OTHER_COLOURS[i % len(OTHER_COLOURS)] for i, g in enumerate(groups)}
    table = {(str(r.get(cat)), str(r.get(split))): r for r in rows}
    if len(table) < len(rows):
        raise _Unsupported("more than one value a category and series (another dimension)")
    return [Series(g, [_value(table.get((c, g)), val) for c in categories], palette.get(g),
                   [label_of(table.get((c, g))) for c in categories]) for g in groups]


def _tooltip_format(enc: dict, name: str) -> str:
    """The format the chart's tooltip gives the value field (how the report writes that value), if any."""
    tips = enc.get("tooltip") or []
    for tip in tips if isinstance(tips, list) else [tips]:
        if isinstance(tip, dict) and tip.get("field") == name and tip.get("format"):
            return str(tip["format"])
    return ""


def _by(rows: list[dict], cat: str, categories: list[str]) -> list[dict | None]:
    first = {}
    for r in rows:
        first.setdefault(str(r.get(cat)), r)
    return [first.get(c) for c in categories]


def _value(r: dict | None, field_name: str) -> float | None:
    if r is None or r.get(field_name) is None:
        return None
    v = float(r[field_name])
    return None if v != v else v
