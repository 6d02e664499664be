"""The glue that keeps notebooks thin: one call per cell.

A notebook starts with ``ctx = pages.start(...)`` and then calls ``form``,
``section``, ``findings``, ``figure`` and ``table``. Each call knows whether it
runs headless or live and whether it shows a respondent's form or the
analysis, and does nothing where it does not apply, so the same notebook works
under papermill, in JupyterLab and in Voilà.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from playbook.core import formats
from playbook.core.errors import UserError
from playbook.core.html import logo_uri, render, table_html
from playbook.core.i18n import N_, _
from playbook.serve.live import Context, context, in_voila

# Money such as "$1.2M ... $160K" must never be typeset as maths by MathJax (JupyterLab, nbconvert).
NO_MATH = "tex2jax_ignore mathjax_ignore"
INVALID = N_("This link is not valid. Please check the address you were sent, or ask your consultant for a new link.")


@dataclass
class Page:
    ctx: Context | None
    wave: str = ""
    error: str = ""
    _snap: Any = field(default=None, repr=False)
    report: Any = field(default=None, repr=False)  # the client's report (``viewer.Report``) on its page
    live_report: Any = field(default=None, repr=False)  # its controls (``controls.Live``), live pages only
    answers_now: bool = False  # a consultant's report page showing the answers as they stand now, not the run

    def snapshot(self):
        """The run's snapshot (the ``snapshot`` parameter), else the engagement read now, without writing."""
        if self._snap is None:
            from playbook.parts import take_snapshot

            self._snap = take_snapshot(self.ctx.engagement)
        return self._snap

    @property
    def form_mode(self) -> bool:
        return bool(self.ctx and self.ctx.live and self.ctx.respondent)

    @property
    def analysis(self) -> bool:
        return self.ctx is not None and not self.form_mode


def _display(obj, meta: dict | None = None, raw: bool = False) -> None:
    from IPython.display import display

    # The metadata lets the report pick this output out of the executed notebook.
    display(obj, metadata={"playbook": meta} if meta else None, raw=raw)


def _html(text: str, meta: dict | None = None) -> None:
    from IPython.display import HTML

    _display(HTML(text), meta)


def _preload(what: str) -> None:
    """In a preheated Voilà kernel (the report page's: the server's only pool), pay for imports before the visitor."""
    import os

    if what == "report" and os.environ.get("VOILA_PREHEAT") == "True":
        _preload_report()


def start(engagement_dir: str = "", mode: str = "auto", respondent: str = "", wave: str = "",
          preload: str = "analysis", snapshot: str = "") -> Page:
    """Validate the notebook's parameters. Live pages show a plain message instead of failing.

    ``preload="report"``: a preheated kernel imports what the report page needs
    before it waits for its visitor. ``snapshot`` is the path of a run's snapshot
    (``playbook run`` passes it); without it the page reads the engagement itself.
    """
    if not isinstance(snapshot, str):
        raise UserError("parameter 'snapshot' must be the path of a run's snapshot (text).")
    _preload(preload)
    snap = None
    if snapshot and not in_voila():  # a run: the engagement comes from its snapshot, read once by the run
        snap = _run_snapshot(snapshot)
    try:
        ctx = context(engagement_dir, mode, respondent, snap.engagement if snap else None)
    except UserError as exc:
        if mode == "report" or not in_voila():
            raise  # headless: papermill reports the one clear message
        _html(render("message.html.j2", tag="div", cls="pb-invalid", text=_(INVALID)))
        return Page(None, error=exc.message)
    formats.use(ctx.engagement.settings)  # every number on this page in the client's currency and locale
    return Page(ctx, wave or ctx.engagement.period, _snap=snap)


_LOADED: dict[tuple, Any] = {}  # the last run snapshot this kernel loaded, by (path, size, mtime, inode)


def _run_snapshot(path: str):
    """The run's snapshot, loaded once per kernel: ``playbook run`` executes its next notebook in the same
    kernel (``run.runner``), and unpickling a large engagement's answers costs close to a second. Notebooks
    read the snapshot and never change it; a rewritten file (another size, time or inode) is loaded again."""
    import os

    from playbook.core import snapshot as snapshots

    try:
        st = os.stat(path)
        key = (os.path.realpath(path), st.st_size, st.st_mtime_ns, st.st_ino)
    except OSError:
        return snapshots.load(path)  # its clear message
    if key not in _LOADED:
        _LOADED.clear()
        _LOADED[key] = snapshots.load(path)
    return _LOADED[key]


def form(page: Page, *codes: str):
    """The respondent's form for these instruments (live pages with a respondent only)."""
    if not page.form_mode:
        return None
    from playbook.serve.forms.widget import respondent_form

    f = respondent_form(page.ctx.engagement, page.ctx.respondent, list(codes), page.wave)
    _display(f.widget)


def banner(page: Page) -> None:
    """Client, firm and logo on top of a live page."""
    if page.ctx is None or not page.ctx.live:
        return
    eng = page.ctx.engagement
    firm = eng.settings.get("firm_name", "")
    logo = logo_uri(eng)
    _html(render("banner.html.j2", logo=logo, firm=firm, client=eng.client))


def respondent_app(page: Page) -> None:
    """Everything one respondent is asked, with progress and Submit (live); the questionnaire (headless)."""
    if page.ctx is None:
        return
    # Personal links are drawn by the server itself (serve/forms/handlers.py); this is JupyterLab's live form.
    if page.form_mode:
        from playbook.serve.forms.widget import respondent_app as app

        _display(app(page.ctx.engagement, page.ctx.respondent, page.wave).widget)
    elif not page.ctx.live:
        from playbook.serve.forms.questions import questionnaire_html

        _html(questionnaire_html(page.ctx.engagement, page.wave))


def section(page: Page, part: str) -> dict[str, Any] | None:
    """Compute one part from the snapshot and return its findings, figures and tables (None on form pages)."""
    if not page.analysis:
        return None
    from playbook import parts
    from playbook.run import outputs, results

    the_part = parts.get(part)
    # A part's views may read another part's results (the plan shows its items' ratings as "what moved" does).
    reads = tuple(parts.get(name) for name in getattr(the_part.module("views"), "READS", ()))
    res = results.compute(page.snapshot(), (the_part, *reads), page.wave)
    if not page.ctx.live:
        # The part's results.json blocks ride along in the executed notebook (invisible: empty
        # text/plain), so `playbook run` takes its numbers from the very run the report shows.
        _display({outputs.RESULTS_MIME: results.blocks(the_part, res), "text/plain": ""},
                 {"kind": "results", "part": part}, raw=True)
    sec = {**the_part.section(res), "part": part}
    if not page.ctx.live:  # the run's notebook: the report also needs each figure laid out for a phone
        sec["_results"] = res
    return sec


def _phone_figures(sec: dict[str, Any]) -> dict[str, Any]:
    """The section's figures laid out for a phone (``charts.phone``), built once from the section's results."""
    if "_phone" not in sec:
        from playbook import parts
        from playbook.parts import charts

        with charts.phone():
            sec["_phone"] = parts.get(sec["part"]).section(sec["_results"])["figures"] if "_results" in sec else {}
    return sec["_phone"]


def heading(page: Page, title: str) -> None:
    if page.analysis:
        with formats.use(page.ctx.engagement.settings):
            wave = formats.period(page.wave)
        _html(render("heading.html.j2", title=title, client=page.ctx.engagement.client, wave=wave))


def findings(sec: dict[str, Any] | None) -> None:
    if sec:
        _html(render("findings.html.j2", lines=sec["findings"], classes=NO_MATH),
              {"kind": "findings", "part": sec.get("part"), "lines": list(sec["findings"])})


def figure(sec: dict[str, Any] | None, name: str) -> None:
    """Show the section's figure ``name`` as SVG (renders with no network); nothing when it has none. The figure
    laid out for a phone rides along in the output's metadata, for the report and its page."""
    if sec and name in sec["figures"]:
        from IPython.display import SVG

        from playbook.parts.charts import to_svg

        title, chart = sec["figures"][name]
        meta = {"kind": "figure", "part": sec.get("part"), "name": name, "title": title}
        phone = _phone_figures(sec).get(name)
        if phone is not None:  # the report shows it below 640 px (METHOD 13: 11 px text on a phone)
            meta["phone_svg"] = to_svg(phone[1])
        _display(SVG(to_svg(chart)), meta)


def table(sec: dict[str, Any] | None, name: str) -> None:
    """Show the section's table ``name``; nothing when it has none."""
    if sec and name in sec["tables"]:
        title, df = sec["tables"][name]
        body = table_html(df)
        _html(render("titled_table.html.j2", title=title, table=body, classes=NO_MATH),
              {"kind": "table", "part": sec.get("part"), "name": name, "title": title, "html": body})


def widget(page: Page, factory, *args) -> Any:
    """A live consultant widget (``factory(engagement, *args)``), only on live analysis pages."""
    if page.analysis and page.ctx.live:
        wdg = factory(page.ctx.engagement, *args)
        _display(wdg)
        return wdg
    return None


# -- the client's interactive report (notebooks/report.ipynb) --------------------------------------------------
def _preload_report() -> None:
    """What the report's page draws with, imported before the visitor arrives: its controls' widgets, its
    templates, the parts' registry and the page's words.

    What a control needs once used (the run's snapshot with pandas, the parts' views with altair, the chart
    renderer) loads on that first use, in the visitor's kernel: a page that is only read stays near 70 MiB
    where warming those too held about 260 MiB per kernel, pooled or open; the first change pays about a
    second and a half for it, later changes nothing more.
    """
    import ipywidgets  # noqa: F401

    from playbook.parts.economics import whatif  # noqa: F401  (the what-if's and the planner's inputs)
    from playbook.report import document
    from playbook.serve.report_page import controls, viewer  # noqa: F401

    document.intros()
    viewer.style_html()  # the page's template, compiled


def report_start(engagement_dir: str = "", mode: str = "auto", respondent: str = "", wave: str = "",
                 snapshot: str = "") -> Page:
    """The client's report: the engagement's latest run, for the visitor the link admits.

    Live, the page shows the latest run's results (a plain message when there is none yet) and only to a
    viewer or a consultant. Away from a server it shows the latest run too, else computes everything now.
    """
    from playbook.serve.report_page import viewer

    live = mode != "report" and in_voila()
    if live:  # the same for every visitor: a preheated page has it before anyone arrives
        _html(viewer.style_html())
    page = start(engagement_dir, mode, respondent, wave, preload="report", snapshot=snapshot)
    if page.ctx is None:
        return page
    ctx = page.ctx
    if ctx.live and ctx.respondent and not ctx.consultant:  # a respondent's link opens their form, not this
        _html(render("message.html.j2", tag="div", cls="pb-invalid", text=_(INVALID)))
        return Page(None, error="a respondent's link")
    if page._snap is not None:
        page.report = viewer.Report.computed(page._snap)
    elif ctx.live and ctx.consultant and ctx.query.get("answers") == "now":  # the consultant's "as they stand now"
        page.report = viewer.Report.computed(page.snapshot())
        page.answers_now = True
    else:
        page.report = viewer.find(ctx.engagement)
        if page.report is None and not ctx.live:
            page.report = viewer.Report.computed(page.snapshot())
    if page.report is None:
        text = viewer.NOT_READY_CONSULTANT if ctx.consultant else viewer.NOT_READY
        _html(render("message.html.j2", tag="div", cls="pb-invalid", text=_(text)))
    elif ctx.live:
        from playbook.serve.report_page.controls import Live

        page.live_report = Live(page.report, consultant=bool(page.ctx and page.ctx.consultant))
    return page


def _viewer(ctx: Context) -> bool:
    return bool(getattr(ctx, "viewer", False))


def report_cover(page: Page) -> None:
    """The firm's and the client's names, the period and the day of the figures."""
    if page.report is not None:
        from playbook.serve.report_page import viewer

        _html(viewer.cover_html(page.report, page.ctx.engagement, logo_uri(page.ctx.engagement) if page.ctx.live else ""))


INTRO_LEAD = N_("What we found, and what to do next.")
INTRO = N_("This page tells the story of the assessment: first the executive summary, then each part in turn, with "
           "its findings, charts and tables, exactly as in the written report. Where a part has choices beside it, "
           "try them: look at the answers of an earlier wave, see the credibility stage through the eyes of sales, "
           "of marketing or of everyone, narrow the shared KPIs to one period or one owner, change the number of "
           "reps, their cost, their time spent prospecting or the marketing spend, plan a test of marketing leads, "
           "try another follow-up time for leads or look at the funnel of another source of leads. The charts of "
           "that part are drawn again at once; nothing you choose here changes the figures anyone else sees.")


def report_intro(page: Page) -> None:
    """How to read the interactive page, in the client's language (live report pages only; the notebook's own
    note above says the same to its readers in JupyterLab, and the page leaves it out)."""
    if page.report is None or page.ctx is None or not page.ctx.live:
        return
    from markupsafe import Markup

    _html(Markup("<div class='pb-intro-note'><p><strong>{}</strong> {}</p></div>").format(_(INTRO_LEAD), _(INTRO)))


def consultant_tools(page: Page) -> None:
    """The consultant's own tools on the report's page (nothing for anyone else).

    On top: which answers the page shows (the latest analysis, as the client's link, or the answers as they
    stand now, refreshed on demand) and a respondent's form to open. Below, folded so the page reads as the
    client reads it: who has answered, the KPI setup sheet and the action plan.
    """
    if page.ctx is None or not page.ctx.live or not page.ctx.consultant or _viewer(page.ctx):
        return
    import ipywidgets as w

    from playbook.outreach import status, words
    from playbook.parts.actions import live as plan_live
    from playbook.parts.kpis import setup as kpi_setup
    from playbook.run import latest

    eng = page.ctx.engagement
    run = latest.find(eng)
    run_day = formats.day(date.fromtimestamp((run / "results.json").stat().st_mtime)) if run else ""
    now = page.answers_now
    _html(render("consultant_bar.html.j2", now=now, run_day=run_day,
                 count=len(page.snapshot().wave_answers(page.wave)) if now else 0,
                 people=[(p.id, p.name, words.side(p.side)) for p in eng.respondents]))
    wave = page.report.wave if page.report is not None else page.wave
    tools = w.Accordion(children=[status.live_view(eng, wave), kpi_setup.setup_sheet(eng), plan_live.plan_view(eng)],
                        titles=(_("For you: who has answered"), _("For you: the KPI setup sheet"),
                                _("For you: the action plan")), selected_index=None)
    tools.add_class("pb-consultant-tools")
    _display(tools)


def report_summary(page: Page) -> None:
    """The executive summary, with the headline numbers and the parts below."""
    if page.report is not None:
        from playbook.serve.report_page import viewer

        _html(viewer.summary_html(page.report))


def report_waves(page: Page) -> None:
    """The wave picker (live pages of engagements with two waves or more)."""
    if page.live_report is not None:
        picker = page.live_report.waves()
        if picker is not None:
            _display(picker)


def report_part(page: Page, part: str) -> None:
    """One part as the shared report shows it (number, title, findings, figures, tables), with its controls."""
    if page.report is None:
        return
    from playbook.serve.report_page import viewer

    sec = page.report.section(part)
    _html(viewer.head_html(sec, page.report))
    if page.live_report is not None:
        controls = page.live_report.part(part)
        if controls is not None:
            _display(controls)
    _html(viewer.static_html(sec, page.report))
    if part == "economics" and page.live_report is not None:
        planner = page.live_report.planner()
        if planner is not None:
            _display(planner)


def report_end(page: Page) -> None:
    if page.report is not None:
        from playbook.serve.report_page import viewer

        _html(viewer.footer_html(page.report))
