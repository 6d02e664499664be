"""The respondent app behind personal links: real `playbook serve`, real Chromium, real store."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from playbook import load
from playbook.core.instruments import instruments
from playbook.core.store import Store
from playbook.outreach import links
from playbook.serve.forms.questions import app_codes

from .browser import free_port, kernels, kill_page_kernel, served
from .conftest import write_engagement

pytestmark = pytest.mark.browser
CROWD = 30


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("workspace")
    people = [{"id": "mkt-lead", "name": "Mara <b>Quill</b>", "side": "marketing", "role": "leader"},
              {"id": "sls-lead", "name": "Bea Lorne", "side": "sales", "role": "leader"},
              {"id": "sls-1", "name": "Ivo Strand", "side": "sales", "role": "member"}]
    write_engagement(root / "solo", people, rows=[], id="solo", client="Solo & Sons <Ltd>")
    crowd = [{"id": f"rep-{i:02d}", "name": f"Rep {i}", "side": "sales", "role": "member"} for i in range(CROWD)]
    write_engagement(root / "crowd", crowd, rows=[], id="crowd", client="Crowdco")
    write_engagement(root / "deutsch", people, rows=[], id="deutsch", client="Kessler Antriebstechnik GmbH",
                     settings={"locale": "de_DE", "currency": "EUR"}, waves={"2026-Q4": {"deadline": "2099-12-18"}})
    with served(root) as (base, proc):
        yield root, base, proc


def link(workspace, eng_id, respondent):
    root, base, _ = workspace
    eng = load(root / eng_id)
    return links.link(base, eng, links.issue(eng, respondent))


def open_form(page, url):  # noqa: F811
    page.goto(url, timeout=120_000)
    page.wait_for_selector(".pb-form.pb-connected", timeout=120_000)


def answer(page, item, label):  # noqa: F811
    # by exact name: "Don't know" holds "no"
    page.locator(f".pb-item-{item}").get_by_role("radio", name=label, exact=True).click()


def form_answers(root, eng_id, respondent):
    with Store(root / eng_id / "answers.sqlite") as s:
        return {r["item"]: r for r in s.current(respondent=respondent) if r["source"] == "form"}


def wait_for(page, predicate, tries=100):  # noqa: F811
    for _ in range(tries):
        if predicate():
            return True
        page.wait_for_timeout(200)
    return predicate()


def test_fill_in_submit_and_resume(workspace, page):  # noqa: F811
    root, _, _ = workspace
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    url = link(workspace, "solo", "sls-1")
    open_form(page, url)
    text = page.inner_text("body")
    assert "Solo & Sons <Ltd>" in text and "Ivo Strand" in text  # names on top, as text
    codes, required = app_codes("sales")
    # Submit too early: it says what is missing and records nothing.
    page.locator(".pb-submit").click()
    page.wait_for_selector(".pb-missing")
    assert "required questions have no answer" in page.inner_text(".pb-message")
    assert not re.search(r"\b(MSE|SSE|SYM|CS\d)-\d", page.inner_text("body"))  # no item ids on the form
    first = page.locator(".pb-missing-list a").first
    assert first.inner_text() == instruments()["SSE"].items[0].text  # by its wording
    first.click()
    expect(page.locator(".pb-row[data-item='SSE-1']")).to_be_in_viewport()  # the link went to the question
    for code in codes:
        for item in instruments()[code].items:
            if code in required:
                answer(page, item.id, "No" if item.answer == "yesno" else "4")
    answer(page, "MSE-1", "Yes")  # one optional peer-view answer
    hostile = "<img src=x onerror=alert('xss')><script>alert(1)</script>"
    page.locator(".pb-comment-CS1-1 textarea").fill(hostile)
    page.locator(".pb-comment-CS1-1 textarea").blur()
    page.locator(".pb-submit").click()
    page.wait_for_selector(".pb-done", timeout=30_000)
    assert "Thank you" in page.inner_text(".pb-message")
    saved = form_answers(root, "solo", "sls-1")
    n_required = sum(len(instruments()[c].items) for c in required)
    assert len(saved) == n_required + 1
    assert saved["CS1-1"]["comment"] == hostile and saved["CS2-3"]["value"] == "4"
    with Store(root / "solo" / "answers.sqlite") as s:
        assert s.submitted("sls-1", "2026-Q4")
    # Reopening the link shows the saved answers and the submission.
    page.reload()
    page.wait_for_selector(".pb-form.pb-connected", timeout=120_000)
    assert page.locator(".pb-item-MSE-1 .mod-active").inner_text() == "Yes"
    assert page.locator(".pb-item-CS2-3 .mod-active").inner_text() == "4"
    assert page.locator(".pb-comment-CS1-1 textarea").input_value() == hostile
    assert "You submitted your answers" in page.inner_text(".pb-message")
    assert page.locator("img[src=x]").count() == 0 and dialogs == []


def test_dont_know_is_saved_and_kept_on_reload(workspace, page):  # noqa: F811
    root, _, _ = workspace
    open_form(page, link(workspace, "solo", "sls-lead"))
    before = page.locator(".pb-progress-bar").evaluate("e => e.value")
    answer(page, "CS2-2", "3")
    answer(page, "CS2-2", "Don't know")  # a second thought: this one they cannot judge
    dk = page.locator(".pb-item-CS2-2 .pb-dk")
    assert dk.get_attribute("aria-checked") == "true" and page.locator(".pb-item-CS2-2 .mod-active").count() == 1
    # set apart from the scale, yet on the same row of choices (a laptop-wide page)
    five = page.locator(".pb-item-CS2-2").get_by_role("radio", name="5", exact=True).bounding_box()
    box = dk.bounding_box()
    assert abs(box["y"] - five["y"]) < 2 and box["x"] - (five["x"] + five["width"]) >= 14
    # keyboard: the arrow keys reach it from the scale, as a choice of the same radio group
    answer(page, "CS2-3", "5")
    page.keyboard.press("ArrowRight")
    assert page.locator(".pb-item-CS2-3 [aria-checked=true]").inner_text() == "Don't know"
    assert wait_for(page, lambda: {k: form_answers(root, "solo", "sls-lead").get(k, {}).get("value")
                                   for k in ("CS2-2", "CS2-3")} == {"CS2-2": "dont_know", "CS2-3": "dont_know"})
    page.wait_for_selector(".pb-item-CS2-3.pb-ok")
    assert page.locator(".pb-progress-bar").evaluate("e => e.value") == before + 2  # both count as answered
    page.reload()
    page.wait_for_selector(".pb-form.pb-connected", timeout=120_000)
    for item in ("CS2-2", "CS2-3"):
        assert page.locator(f".pb-item-{item} .mod-active").inner_text() == "Don't know"
        assert page.locator(f".pb-item-{item} [aria-checked=true]").count() == 1


@pytest.mark.parametrize("query", [
    "",  # no token at all
    "?e=solo&t=" + "A" * 43,  # forged
    "?e=solo&t=short",  # malformed
    "?e=..%2F..%2Fetc&t=" + "A" * 43,  # engagement id trying to leave the workspace
    "?e=solo&c=" + "B" * 43,  # forged consultant token
])
def test_bad_links_show_nothing_of_any_engagement(workspace, page, query):  # noqa: F811
    _, base, _ = workspace
    page.goto(f"{base}/voila/render/respond.ipynb{query}", timeout=120_000)
    page.wait_for_selector(".pb-invalid", timeout=120_000)
    text = page.inner_text("body")
    assert "This link is not valid" in text
    for secret in ("Solo", "Ivo", "Bea", "Crowdco", "Mara"):
        assert secret not in text
    assert page.locator(".pb-submit").count() == 0


def test_form_page_loads_nothing_but_itself(workspace, page):  # noqa: F811
    """The personal link is one HTML page and one websocket to the server: no Voilà bundle, nothing from outside."""
    _, base, _ = workspace
    requests, sockets = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("websocket", lambda ws: sockets.append(ws.url))
    url = link(workspace, "solo", "sls-lead")
    open_form(page, url)
    page.wait_for_timeout(500)
    assert requests == [url]
    assert len(sockets) == 1 and sockets[0].startswith(base.replace("http:", "ws:") + "/playbook/form/")
    # Keyboard: the answers of one question are a radio group the arrow keys move through.
    page.locator(".pb-item-SSE-1 button", has_text="Yes").focus()
    page.keyboard.press("ArrowRight")
    assert page.locator(".pb-item-SSE-1 .mod-active").inner_text() == "No"
    assert page.locator(".pb-item-SSE-1 [aria-checked=true]").inner_text() == "No"


def test_answers_that_break_the_rules_are_refused_by_the_server(workspace, page):  # noqa: F811
    """The page is not trusted: a forged message gets a clear refusal and writes nothing."""
    root, _, _ = workspace
    open_form(page, link(workspace, "solo", "mkt-lead"))
    before = form_answers(root, "solo", "mkt-lead")
    page.evaluate("""() => {
        const b = document.querySelector('.pb-item-CS1-1 button');
        b.dataset.value = '9';
        b.click();
    }""")
    page.wait_for_selector(".pb-status .pb-error", timeout=30_000)
    assert "CS1-1 takes a whole number from 1 to 5, or dont_know" in page.inner_text(".pb-status")
    assert form_answers(root, "solo", "mkt-lead") == before


def test_revoked_link_stops_working(workspace, page):  # noqa: F811
    root, _, _ = workspace
    url = link(workspace, "solo", "sls-lead")
    assert links.revoke(load(root / "solo"), "sls-lead") >= 1
    page.goto(url, timeout=120_000)
    page.wait_for_selector(".pb-invalid", timeout=120_000)
    assert "Bea" not in page.inner_text("body")


def test_a_comment_before_its_answer_is_kept_and_a_revoked_link_stops_the_open_page(workspace, page):  # noqa: F811
    root, _, _ = workspace
    eng = load(root / "solo")
    open_form(page, link(workspace, "solo", "mkt-lead"))
    box = page.locator(".pb-comment-CS3-6 textarea")
    box.fill("ask me after the QBR")
    box.blur()
    page.wait_for_selector(".pb-item-CS3-6.pb-ok", timeout=30_000)
    with Store.reader(eng.store_path) as s:
        assert [c["comment"] for c in s.pending_comments("mkt-lead")] == ["ask me after the QBR"]
    page.reload()  # the page closes before any answer is given: the comment is still there
    page.wait_for_selector(".pb-form.pb-connected", timeout=120_000)
    assert box.input_value() == "ask me after the QBR"
    answer(page, "CS3-6", "2")
    assert wait_for(page, lambda: form_answers(root, "solo", "mkt-lead").get("CS3-6", {}).get("comment")
                    == "ask me after the QBR")
    # the link is revoked while its page is open: the next answer is refused and the page stops
    assert links.revoke(eng, "mkt-lead") >= 1
    answer(page, "CS3-5", "4")
    page.wait_for_selector(".pb-form.pb-lost", timeout=30_000)
    assert "no longer valid" in page.inner_text(".pb-message")
    assert "CS3-5" not in form_answers(root, "solo", "mkt-lead")


def test_a_server_restart_keeps_what_was_answered(tmp_path, browser):  # noqa: F811
    """The server stops in the middle of a form and comes back: the page says so, and a reload shows every answer."""
    write_engagement(tmp_path / "restart", [{"id": "m-1", "name": "Ana", "side": "marketing", "role": "member"}],
                     rows=[], id="restart", client="Restartco")
    eng = load(tmp_path / "restart")
    port = free_port()
    page = browser.new_context().new_page()
    with served(tmp_path / "restart", port=port) as (base, _):
        open_form(page, links.link(base, eng, links.issue(eng, "m-1")))
        answer(page, "MSE-2", "Yes")
        answer(page, "SYM-3", "Yes")
        assert wait_for(page, lambda: {"MSE-2", "SYM-3"} <= set(form_answers(tmp_path, "restart", "m-1")))
    # Stopped: the page notices and says so, instead of pretending to save what it no longer can.
    page.wait_for_selector(".pb-form.pb-lost", timeout=60_000)
    assert "reload this page" in page.inner_text(".pb-message")
    with served(tmp_path / "restart", port=port):
        page.reload()
        page.wait_for_selector(".pb-form.pb-connected", timeout=60_000)
        assert page.locator(".pb-item-MSE-2 .mod-active").inner_text() == "Yes"
        assert page.locator(".pb-item-SYM-3 .mod-active").inner_text() == "Yes"
    page.context.close()


def test_thirty_respondents_at_once_lose_nothing(workspace, browser):  # noqa: F811
    root, _, _ = workspace
    urls = [link(workspace, "crowd", f"rep-{i:02d}") for i in range(CROWD)]
    contexts = [browser.new_context() for _ in urls]  # thirty people, thirty separate browsers' worth of state
    pages = [c.new_page() for c in contexts]
    # Everyone opens the link at the same moment, then all thirty answer at once.
    for p, url in zip(pages, urls):
        p.goto(url, wait_until="commit", timeout=120_000)
    for p in pages:
        p.wait_for_selector(".pb-form.pb-connected", timeout=120_000)
    for p in pages:  # answer on every page without waiting for the saves
        answer(p, "SSE-1", "Yes")
        answer(p, "CS1-1", "5")
    for i, p in enumerate(pages):
        assert wait_for(p, lambda i=i: len(form_answers(root, "crowd", f"rep-{i:02d}")) == 2, tries=300)
    with Store(root / "crowd" / "answers.sqlite") as s:
        rows = [r for r in s.current() if r["source"] == "form"]
    assert len(rows) == 2 * CROWD
    assert {r["respondent"] for r in rows} == {f"rep-{i:02d}" for i in range(CROWD)}
    for c in contexts:
        c.close()


def test_forms_start_no_kernel(workspace, browser):  # noqa: F811
    """Personal links are drawn by the server itself: opening and answering forms starts no kernel."""
    _, _, proc = workspace
    before = {k.pid for k in kernels(proc)}
    contexts = [browser.new_context() for _ in range(3)]
    for ctx, who in zip(contexts, ("mkt-lead", "sls-lead", "sls-1")):
        p = ctx.new_page()
        open_form(p, link(workspace, "solo", who))
        answer(p, "SSE-2", "No")
    assert {k.pid for k in kernels(proc)} <= before  # none started (the report pages' pool, if any, as it was)
    for ctx in contexts:
        ctx.close()


# English words that must not show on a German form: the form's own headings, buttons, messages and scale.
ENGLISH_FORM = ("Submit", "Comment (optional)", "Don't know", "Yes", "required", "answered", "Please answer by",
                "Questions?", "about your department", "strongly disagree", "Not submitted yet", "Sales team",
                "December", "is helping")
FUNCTION_WORDS = re.compile(r"\b(the|and|of|to|your|you|is|are|for|with|by|on|in|this|what|how)\b", re.IGNORECASE)


def test_a_german_engagements_form_speaks_german(workspace, page):  # noqa: F811
    """METHOD 15: the whole form in the engagement's language (de_DE: German), served and driven in Chromium."""
    url = link(workspace, "deutsch", "sls-1")
    open_form(page, url)
    assert page.locator("html").get_attribute("lang") == "de"
    page.locator(".pb-submit").click()
    page.wait_for_selector(".pb-missing")
    assert "Noch nicht abgeschickt" in page.inner_text(".pb-message")
    text = page.inner_text("body")
    for words in ("Ivo Strand · Vertriebsteam · Kessler Antriebstechnik GmbH · Q4 2026", "Abschicken", "Weiß nicht",
                  "Bitte antworten Sie bis zum 18. Dezember 2099.", "Pflichtangaben", "(über Ihre Abteilung)",
                  "1 = stimme überhaupt nicht zu"):
        assert words in text, words
    assert page.get_attribute(".pb-row textarea", "placeholder") == "Kommentar (optional)"
    # The instruments' wording has its own German (METHOD 13, data/instruments); the form's own words, here, have
    # no English heading, button or message, and no more than a handful of English function words.
    own = text
    for inst in instruments().values():
        for piece in (inst.title, inst.intro, *(item.text for item in inst.items)):
            own = own.replace(piece, "") if piece else own
    assert [w for w in ENGLISH_FORM if w in own] == []
    assert len(FUNCTION_WORDS.findall(own)) <= 5, FUNCTION_WORDS.findall(own)
    answer(page, "SSE-1", "Ja")
    wait_for(page, lambda: "SSE-1" in form_answers(workspace[0], "deutsch", "sls-1"))
    assert "gespeichert um" in page.inner_text(".pb-status")


def test_a_bad_link_of_a_german_engagement_is_refused_in_german(workspace, page):  # noqa: F811
    _, base, _ = workspace
    page.goto(f"{base}/voila/render/respond.ipynb?e=deutsch&t=" + "A" * 43, timeout=120_000)
    page.wait_for_selector(".pb-invalid", timeout=120_000)
    assert page.title() == "Dieser Link ist ungültig" and page.locator("html").get_attribute("lang") == "de"
    assert "Bitte prüfen Sie die Adresse" in page.inner_text("body") and "Cy Consultant" in page.inner_text("body")


def test_a_german_engagements_report_page_its_table_and_its_lost_connection_speak_german(workspace, page):  # noqa: F811
    """METHOD 15 on the report page: <html lang="de"> although Voilà drew the page's head before the visitor
    came, the consultant's table of who has answered in German, and when the page's kernel dies, the bar and its
    button in German (the words come from the server, in the page's <html> tag)."""
    _, base, proc = workspace
    page.goto(f"{base}/voila/render/report.ipynb?e=deutsch&c={proc.consultant_token}", timeout=180_000)
    page.wait_for_selector(".pb-consultant-tools", timeout=180_000)
    assert page.locator("html").get_attribute("lang") == "de"
    page.get_by_text("Für Sie: wer geantwortet hat").click()
    page.wait_for_selector(".pb-status-table table", timeout=120_000)
    table = page.inner_text(".pb-status-table")
    assert "Wer hat geantwortet – Q4 2026" in table and "Ivo Strand" in table and "Vertriebsteam" in table
    assert "Eingeladen" in table and "noch nicht" in table and "invited" not in table.lower()
    bar = kill_page_kernel(page, proc)
    assert bar.inner_text().splitlines()[0] == "Die Verbindung dieser Seite wurde unterbrochen. Laden Sie die Seite " \
                                               "neu, um fortzufahren."
    page.get_by_role("button", name="Neu laden").click()
    page.wait_for_selector(".pb-consultant-tools", timeout=180_000)
    assert page.locator(".pb-lost-bar").count() == 0 and page.locator("html").get_attribute("lang") == "de"


def test_the_consultants_questionnaire_preview_fits_a_phone(workspace, browser):  # noqa: F811
    """A consultant's link without a respondent shows every question as a list; on a 390 px phone each question's
    reference stays on one line and nothing scrolls sideways."""
    root, base, _ = workspace
    eng = load(root / "solo")
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        pg = ctx.new_page()
        pg.goto(links.link(base, eng, links.issue_consultant(eng, "Cy Consultant"), key="c"), timeout=120_000)
        pg.wait_for_selector(".pb-table td.pb-id", timeout=120_000)
        lines = pg.eval_on_selector_all(".pb-table td.pb-id", """cells => cells.map(c => {
            const range = document.createRange(); range.selectNodeContents(c);
            return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; })""")
        assert len(lines) > 30 and max(lines) == 1, lines
        assert pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        pg.screenshot(path=str(root / "questionnaire-390.png"), full_page=False)
    finally:
        ctx.close()
