"""HTML pieces from templates: every piece of client text comes out escaped, the markup stays as it was."""

from __future__ import annotations

import types

import pandas as pd
import pytest
from markupsafe import escape

from playbook import load, pages
from playbook.core.html import macro, render, table_html
from playbook.outreach import words
from playbook.serve.forms.page import FormPage
from playbook.serve.forms.questions import app_model, questionnaire_html
from playbook.serve.forms.widget import respondent_app

HOSTILE = "<script>alert(1)</script>\"'&"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#x27;&amp;"
PEOPLE = [{"id": "mk-1", "name": "Zoë " + HOSTILE, "side": "marketing", "role": "member"},
          {"id": "sl-1", "name": "Sam", "side": "sales", "role": "leader"}]


def safe(html: str, times: int = 1) -> str:
    """``html`` holds the hostile text only escaped, at least ``times`` times (a value inside a translated message
    is escaped by Jinja's gettext, markupsafe's spelling: &#34; and &#39;)."""
    assert "<script" not in html and "alert(1)</" not in html
    assert html.count(ESCAPED) + html.count(str(escape(HOSTILE))) >= times, html
    return html


@pytest.fixture
def eng(make_engagement):
    return load(make_engagement(rows=[("mk-1", "MSE-1", "yes", "comment " + HOSTILE)], respondents=PEOPLE,
                                client="Acme " + HOSTILE, settings={"firm_name": "Firm " + HOSTILE}))


@pytest.fixture
def shown(monkeypatch):
    """What the page functions show, as HTML text."""
    out: list[str] = []
    monkeypatch.setattr(pages, "_html", lambda text, meta=None: out.append(text))
    return out


def page_of(eng, live: bool) -> pages.Page:
    ctx = types.SimpleNamespace(engagement=eng, live=live, respondent="", mode="live" if live else "report")
    return pages.Page(ctx, "2026-Q1 " + HOSTILE)


def test_findings_heading_banner_and_questionnaire(eng, shown):
    pages.findings({"findings": ["first " + HOSTILE, "second"], "part": "kpis"})
    assert safe(shown[-1]).startswith(f"<ul class='pb-findings {pages.NO_MATH}'><li>first ")
    assert shown[-1].endswith("<li>second</li></ul>")
    pages.heading(page_of(eng, live=False), "Title " + HOSTILE)
    assert safe(shown[-1], 3) == f"<h2>Title {ESCAPED}</h2><p>Acme {ESCAPED} · 2026-Q1 {ESCAPED}</p>"
    pages.banner(page_of(eng, live=True))
    assert safe(shown[-1], 2) == (f"<div class='pb-banner'><div><div class='pb-firm'>Firm {ESCAPED}</div>"
                                  f"<div class='pb-client'>Acme {ESCAPED}</div></div></div>")
    questions = questionnaire_html(eng, "2026-Q1 " + HOSTILE)
    assert safe(questions, 2).startswith(f"<h2>Questionnaire · Acme {ESCAPED} · 2026-Q1 {ESCAPED}</h2><p>")
    assert "<h3>Marketing self-evaluation</h3><table class='pb-table'><tr><td class='pb-id'>MSE-1</td><td>" in questions


def test_invalid_link_message():
    text = render("message.html.j2", tag="div", cls="pb-invalid", text=pages.INVALID + HOSTILE)
    assert safe(text).startswith("<div class='pb-invalid'>This link is not valid.") and text.endswith("</div>")
    styled = render("message.html.j2", tag="p", cls="", style="color:#c8443a", text=HOSTILE)
    assert styled == f"<p style='color:#c8443a'>{ESCAPED}</p>"


def test_table_with_and_without_a_coloured_status():
    df = pd.DataFrame({"Metric " + HOSTILE: ["m " + HOSTILE, "n"], "Status": ["on track", HOSTILE],
                       "Periods": [1, None]})
    plain = table_html(df)
    # a word with a slash or a bracket is kept whole on one line (a nowrap span): still escaped
    assert safe(plain, 3).startswith(f"<table class='pb-table'><thead><tr><th>Metric <span class=\"nw\">{ESCAPED}"
                                     "</span></th>")
    assert "style=" not in plain and "<td class='nb'></td></tr></tbody></table>" in plain  # nothing for no value
    df.attrs = {"status_column": "Status", "status_colours": {"on track": "#2e8b57", HOSTILE: "red'><b>"}}
    coloured = table_html(df)
    # a short cell (a status, a date, an id) stays on one line
    assert "<td class='nb' style='background:#2e8b57;color:#fff;font-weight:600'>on track</td>" in coloured
    assert (f"<td style='background:red&#x27;&gt;&lt;b&gt;;color:#fff;font-weight:600'><span class=\"nw\">"
            f"{ESCAPED}</span></td>") in coloured
    titled = render("titled_table.html.j2", title=HOSTILE, table=coloured, classes=pages.NO_MATH)
    assert titled == f"<div class='{pages.NO_MATH}'><h4>{ESCAPED}</h4>{coloured}</div>"
    assert render("titled_table.html.j2", title="T", table="<table></table>", classes="") == \
        "<h4>T</h4><table></table>"


def test_form_pieces_and_page(eng):
    model = app_model(eng, "mk-1")
    assert safe(model.who_html(), 2) == (f"<div class='pb-who'><b>Zoë {ESCAPED}</b> · Marketing team · "
                                         f"Acme {ESCAPED} · {words.period(model.wave)}</div>")
    inst, questions = model.sections[0]
    head = model.section_head_html(inst)
    assert head.startswith("<h3>Marketing self-evaluation (about your department)</h3><p class='pb-intro'>")
    assert head.endswith(".</p>")
    ratings = next(i for i, _ in model.sections if i.answer == "rating")
    assert model.section_head_html(ratings).endswith(
        "<br><small>1 = strongly disagree · 3 = neither · 5 = strongly agree</small></p>")
    q = questions[0]
    q.item = types.SimpleNamespace(id="X-1", text=HOSTILE, answer="yesno")
    assert safe(model.statement_html(q)) == (f"<div class='pb-statement' id='pb-q-X-1'>"
                                             f"{ESCAPED}<span class='pb-required' title='required'>*</span></div>")
    html = safe(FormPage(app_model(eng, "mk-1")).html(), 2)
    assert html.startswith("<div class='pb-form pb-lite' data-words='{")
    assert f"'><div class='pb-who'><b>Zoë {ESCAPED}</b>" in html
    assert html.endswith("<noscript><p class='pb-error'>This form needs JavaScript to save your answers.</p>"
                         "</noscript></div>")
    assert "<div class='pb-message' aria-live='polite'></div>" in html
    assert "\n" not in html  # templates' line breaks never reach the page (spaces between buttons would show)


def test_the_form_page_of_a_submitted_form_says_so(eng):
    model = app_model(eng, "mk-1")
    model.submitted_at = "2026-11-02T10:00:00"
    html = FormPage(model).html()
    assert "<div class='pb-message' aria-live='polite'><span class='pb-done'>You submitted your answers on " \
           "Nov 2, 2026, 10:00\u202fAM UTC. You can still change them with the same link.</span></div>" in html


def test_widget_form_messages(eng):
    form = respondent_app(eng, "mk-1")
    safe(form.widget.children[0].value, 2)
    assert form.widget.children[0].value.endswith("</div><div class='pb-intro'>Answers marked * are required. "
                                                   "Each answer is saved as soon as you give it; you can close "
                                                   "this page and come back with the same link.</div>")
    assert form.submit() is False and form.message.value.startswith("<span class='pb-missing'>Not submitted yet: ")
    assert form.status.value.startswith("<span class='pb-progress'>") and form.status.value.endswith("</span>")
    row = form.rows["MSE-2"]
    row.answer.value = "yes"
    row.comment.value = "x"
    form.model.questions.pop("MSE-2")  # the next save fails: its message is shown as text
    row.comment.value = HOSTILE
    assert form.status.value == "<span class='pb-error'>Not saved: &#x27;MSE-2&#x27; is not a question of this form</span>"


def test_macro_output_is_plain_text():
    got = macro("form.html.j2", "who", types.SimpleNamespace(name=HOSTILE), HOSTILE, "c", "w")
    assert type(got) is str and safe(got)


def test_live_view_pieces():
    from playbook.parts.credibility.live import _list

    assert safe(_list([HOSTILE])) == f"<ul class='pb-findings'><li>{ESCAPED}</li></ul>"
    assert render("figures.html.j2", svgs=["<svg></svg>", "<svg/>"]) == \
        "<div class='pb-figure'><svg></svg></div><div class='pb-figure'><svg/></div>"
    error = render("message.html.j2", tag="p", cls="pb-error", text=f"Could not compute this view: {HOSTILE}")
    assert safe(error) == f"<p class='pb-error'>Could not compute this view: {ESCAPED}</p>"


def test_whatif_and_planner_pieces():
    from playbook.parts.economics import whatif

    df = pd.DataFrame({"rep": ["Ann", HOSTILE, "=cmd()", "Ed"], "group": ["treatment", "control"] * 2})
    link = whatif.download_link(df, filename=HOSTILE)
    assert safe(link, 1).startswith(f'<a class="{whatif.NO_MATH}" download="{ESCAPED}" href="data:text/csv;')
    assert "<script" not in link and link.endswith(">Download the assignment (a spreadsheet file)</a>")
    plan = macro("economics.html.j2", "plan", whatif.NO_MATH, [HOSTILE], link, table_html(df), ["careful " + HOSTILE])
    assert safe(plan, 4).startswith(f"<div class='{whatif.NO_MATH}'><ul class='pb-findings'><li>{ESCAPED}</li></ul>"
                                    f"<a class=")
    assert "</a><table class='pb-table'>" in plan and plan.endswith(
        f"</table><h4>Caveats</h4><ul class='pb-findings'><li>careful {ESCAPED}</li></ul></div>")
    shown = macro("economics.html.j2", "whatif", whatif.NO_MATH, [HOSTILE], table_html(df), ["<svg/>"])
    assert safe(shown, 2).endswith("</table><div class='pb-figure'><svg/></div></div>")


def test_kpi_setup_sheet_pieces(eng):
    from playbook.parts.kpis.setup import setup_sheet

    sheet = setup_sheet(eng)
    assert safe(sheet.children[0].value).startswith(f"<h3>Shared KPIs for Acme {escape(HOSTILE)}</h3><p>1. Tick the ")
    sheet._say("Not saved: " + HOSTILE, ok=False)
    assert sheet.message.value == f'<p style="color:#c8443a; font-weight:bold">Not saved: {ESCAPED}</p>'
