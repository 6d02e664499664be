"""HTML pieces from templates, with every value escaped.

The pages, forms and live views build their HTML from the small templates in
``templates/html`` through ``render``. The environment escapes every value a
template prints, so client text (names, comments, KPI names, the client's and
the firm's names) can never become markup, without anyone remembering to
escape it. Markup that is already safe (a rendered piece, a macro's output, an
SVG chart) is passed in with ``|safe`` in the template.

Templates are written one element per line for reading; line breaks and the
indentation at the start of a line are dropped when a template is loaded, so the
output is as compact as hand-written HTML (a space between inline buttons would
show). Every template tag stays on one line.

Imports no pandas, altair or ipywidgets: the respondent's form page uses it.
"""

from __future__ import annotations

import html
import math
import re
from functools import cache
from typing import Any

import jinja2
from jinja2.ext import Extension
from markupsafe import Markup

from playbook.core import i18n
from playbook.core.resources import templates_dir


class _Compact(Extension):
    """Drops line breaks and leading indentation from template source."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return "".join(line.lstrip() for line in source.splitlines())


def _escaped(value: Any) -> Any:
    """Every printed value escaped the way ``html.escape`` does (so ' becomes &#x27;, as it always has)."""
    return value if hasattr(value, "__html__") else Markup(html.escape(str(value), quote=True))


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir() / "html")), autoescape=True,
                             finalize=_escaped, extensions=[_Compact], undefined=jinja2.StrictUndefined)
    i18n.install(env)  # _("...") in the active language (core/i18n.py)
    env.filters["unbroken"] = unbroken
    return env


def render(template_name: str, **context: Any) -> str:
    """The template ``templates/html/<template_name>`` rendered with ``context``, every value escaped."""
    return environment().get_template(template_name).render(**context)


def macro(template_name: str, name: str, *args: Any, **kwargs: Any) -> str:
    """One macro of a template file, called with these arguments (its output, as a plain string)."""
    return str(getattr(environment().get_template(template_name).module, name)(*args, **kwargs))


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def rows_html(columns: list[str], rows: list[tuple]) -> str:
    """Plain rows under ``columns`` as the same HTML table as ``table_html`` (no frame needed)."""
    return render("table.html.j2", columns=[str(c) for c in columns],
                  rows=[[(_cell(v), None, _kind(_cell(v))) for v in r] for r in rows])


# A word with a hyphen, a slash or a bracket in it: browsers may break a line there ("A-\n004", "2026-\n09").
BREAKABLE_WORD = re.compile(r"\S*[-‐/–—(\[]\S*")


def unbroken(text: Any) -> Markup:
    """``text`` escaped, each word that holds a hyphen, slash or bracket kept whole on one line (a nowrap span), so a
    line in a table cell breaks between words only."""
    escaped = html.escape(str(text), quote=True)
    return Markup(BREAKABLE_WORD.sub(lambda m: f'<span class="nw">{m.group(0)}</span>', escaped))


def table_html(df: Any) -> str:
    """A DataFrame as an HTML table; a status column is coloured when the frame says so.

    A frame may carry ``attrs["status_column"]`` and ``attrs["status_colours"]``
    (label -> colour); the colour goes into an inline style on that cell. A short cell is marked ``nb`` (the
    report's style keeps it on one line) and a sentence ``long`` (it gets a column wide enough to read); text
    wraps between words only. The
    frame is read as plain lists (columns and rows), so this needs no pandas.
    """
    columns = [str(c) for c in df.columns]
    col = df.attrs.get("status_column")
    colours = df.attrs.get("status_colours") or {}
    status = columns.index(col) if col in columns else -1
    rows = [[(_cell(v), colours.get(str(v)) if i == status else None, _kind(_cell(v))) for i, v in enumerate(rec)]
            for rec in df.itertuples(index=False)]
    return render("table.html.j2", columns=columns, rows=rows)


SHORT_CELL = 24  # characters: a cell this short (a figure, a date, an id, a status) is never broken over lines


LONG_CELL = 60  # characters: a cell this long (a sentence) gets room to wrap into a few lines, not a narrow column


def _kind(text: str) -> str:
    """A cell's class: ``nb`` when it is kept on one line (a short word or two, "on track"; or a figure, a date, an
    id: "Sep 30, 2026", "A-004"), ``long`` when it is a sentence that needs a wide column, else none (a name may
    wrap between its words)."""
    if len(text) <= 12 or (len(text) <= SHORT_CELL and text.count(" ") <= 3 and any(c.isdigit() for c in text)):
        return "nb"
    return "long" if len(text) >= LONG_CELL else ""


def logo_uri(eng) -> str:
    """The engagement's logo.png or logo.jpg (else the firm's) as a data URI (at most 512 KiB; no SVG, it could
    hold script)."""
    import base64

    from playbook.core.firm import logo_path

    path = logo_path(eng)
    if path is not None and path.stat().st_size <= 512 * 1024:
        data = path.read_bytes()
        for magic, mime in ((b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg")):
            if data.startswith(magic):
                return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")
    return ""
