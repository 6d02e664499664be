"""The glue that keeps notebooks thin: one call per cell.

A notebook starts with ``ctx = pages.start(...)`` and then calls ``form``,
``section``, ``findings``, ``figure`` and ``table``. Each call knows whether it
runs headless or live and whether it shows a respondent's form or the
analysis, and does nothing where it does not apply, so the same notebook works
under papermill, in JupyterLab and in Voilà.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from .errors import UserError
from .live import Context, context

INVALID = "This link is not valid. Please check the address you were sent, or ask your consultant for a new link."


@dataclass
class Page:
    ctx: Context | None
    wave: str = ""
    error: str = ""

    @property
    def form_mode(self) -> bool:
        return bool(self.ctx and self.ctx.live and self.ctx.respondent)

    @property
    def analysis(self) -> bool:
        return self.ctx is not None and not self.form_mode


def _display(obj, meta: dict | None = None) -> None:
    from IPython.display import display

    # The metadata lets the report pick this output out of the executed notebook.
    display(obj, metadata={"playbook": meta} if meta else None)


def _html(text: str, meta: dict | None = None) -> None:
    from IPython.display import HTML

    _display(HTML(text), meta)


def start(engagement_dir: str = "", mode: str = "auto", respondent: str = "", wave: str = "") -> Page:
    """Validate the notebook's parameters. Live pages show a plain message instead of failing."""
    try:
        ctx = context(engagement_dir, mode, respondent)
    except UserError as exc:
        if mode == "report" or not _live_hint():
            raise  # headless: papermill reports the one clear message
        _html(f"<div class='pb-invalid'>{html.escape(INVALID)}</div>")
        return Page(None, error=exc.message)
    return Page(ctx, wave or ctx.engagement.period)


def _live_hint() -> bool:
    from .live import in_voila

    return in_voila()


def form(page: Page, *codes: str):
    """The respondent's form for these instruments (live pages with a respondent only)."""
    if not page.form_mode:
        return None
    from .forms import respondent_form

    f = respondent_form(page.ctx.engagement, page.ctx.respondent, list(codes), page.wave)
    _display(f.widget)
    return f


def section(page: Page, part: str) -> dict[str, Any] | None:
    """Compute one part and return its findings, figures and tables (None on form pages)."""
    if not page.analysis:
        return None
    from . import results

    res = results.compute(page.ctx.engagement, (part,), page.wave)
    return {**results.section(part, res), "part": part}


def heading(page: Page, title: str) -> None:
    if page.analysis:
        eng = page.ctx.engagement
        _html(f"<h2>{html.escape(title)}</h2><p>{html.escape(eng.client)} · {html.escape(page.wave)}</p>")


def findings(sec: dict[str, Any] | None) -> None:
    if sec:
        items = "".join(f"<li>{html.escape(line)}</li>" for line in sec["findings"])
        _html(f"<ul class='pb-findings'>{items}</ul>",
              {"kind": "findings", "part": sec.get("part"), "lines": list(sec["findings"])})


def figure(sec: dict[str, Any] | None, index: int = 0) -> None:
    """Show a figure of the section as SVG (renders with no network)."""
    if sec and index < len(sec["figures"]):
        from IPython.display import SVG

        from .charts import to_svg

        title, chart = sec["figures"][index]
        _display(SVG(to_svg(chart)), {"kind": "figure", "part": sec.get("part"), "title": title})


def figures(sec: dict[str, Any] | None) -> None:
    for i in range(len(sec["figures"]) if sec else 0):
        figure(sec, i)


def table(sec: dict[str, Any] | None, index: int = 0) -> None:
    if sec and index < len(sec["tables"]):
        title, df = sec["tables"][index]
        body = df.to_html(index=False, escape=True, classes="pb-table", border=0)
        _html(f"<h4>{html.escape(title)}</h4>" + body,
              {"kind": "table", "part": sec.get("part"), "title": title, "html": body})


def tables(sec: dict[str, Any] | None) -> None:
    for i in range(len(sec["tables"]) if sec else 0):
        table(sec, i)


def widget(page: Page, factory, *args) -> Any:
    """A live consultant widget (``factory(engagement, *args)``), only on live analysis pages."""
    if page.analysis and page.ctx.live:
        wdg = factory(page.ctx.engagement, *args)
        _display(wdg)
        return wdg
    return None
