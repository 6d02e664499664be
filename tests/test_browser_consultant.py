"""The consultant's report page (the client's report plus their tools) behind the link `playbook serve` prints.

The report's charts, controls and confidentiality are tested in test_viewer.py; here, what only a consultant has.
"""

from urllib.parse import urlencode

import pytest

from playbook import load
from playbook.core.store import Store

from .browser import DEVELOPER, served

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import shutil

    from playbook.core.engagement import sample_path

    root = tmp_path_factory.mktemp("consultant") / "halvorsen-2026"
    shutil.copytree(sample_path(), root)
    with served(root) as (base, proc):
        assert proc.consultant_token, "serve printed no consultant link"
        yield root, base, proc.consultant_token


def view(server, notebook, **extra):
    root, base, token = server
    return f"{base}/voila/render/{notebook}?" + urlencode({"e": "halvorsen-2026", "c": token, **extra})


def open_tools(page, url):  # noqa: F811
    page.goto(url, timeout=180_000)
    page.wait_for_selector(".pb-consultant-bar", timeout=180_000)


def test_without_a_run_the_consultant_sees_the_answers_as_they_stand_now(server, page):  # noqa: F811
    base = server[1]
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    open_tools(page, view(server, "report.ipynb"))
    assert "This report is not ready yet" in page.inner_text("body")  # no run of this copy yet
    page.get_by_role("button", name="Show the answers as they stand now").click()
    page.wait_for_selector("#pb-summary", timeout=180_000)
    assert "as they stand now" in page.inner_text(".pb-consultant-bar")
    page.wait_for_selector("figure svg", timeout=180_000)  # the parts follow the summary as they are drawn
    assert "answers=now" in page.url
    page.get_by_role("button", name="Show the latest analysis").wait_for(timeout=60_000)
    # The page, Voilà's JavaScript and the widgets all come from this server: nothing from a CDN.
    assert [u for u in requests if not u.startswith((base + "/", "data:", "blob:"))] == []


def test_consultant_fills_a_rating_form_for_a_respondent(server, page):  # noqa: F811
    root = server[0]
    open_tools(page, view(server, "report.ipynb"))
    page.select_option(".pb-open-form-who", "sls-east")
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Open their form").click()
    form = opened.value
    form.wait_for_selector(".pb-form.pb-connected", timeout=120_000)
    assert "Renata Kowalczyk" in form.inner_text(".pb-who")
    form.locator(".pb-item-CS3-4").get_by_role("radio", name="5", exact=True).click()
    for _ in range(100):
        with Store(root / "answers.sqlite") as s:
            got = [r for r in s.current(respondent="sls-east", wave=load(root).period)
                   if r["item"] == "CS3-4" and r["source"] == "form"]
        if got:
            break
        page.wait_for_timeout(200)
    assert got and got[0]["value"] == "5"
    form.close()


def test_the_consultants_tools_are_written_for_the_consultant(server, page):  # noqa: F811
    open_tools(page, view(server, "report.ipynb"))
    page.get_by_text("For you: who has answered").click()
    page.wait_for_selector(".pb-status-table table", timeout=120_000)
    assert "Priya Raman" in page.inner_text(".pb-status-table")
    assert DEVELOPER.findall(page.inner_text("body")) == []
    # One tool open at a time: each in turn, and what it says.
    page.get_by_text("For you: the KPI setup sheet").click()
    page.wait_for_selector(".pb-kpi-setup", timeout=120_000)
    assert DEVELOPER.findall(page.inner_text(".pb-kpi-setup")) == []
    page.get_by_text("For you: the action plan").click()
    page.wait_for_selector(".pb-kpi-setup", state="hidden", timeout=120_000)
    tools = page.inner_text(".pb-consultant-tools")
    assert "A-001" in tools or "action" in tools.lower()
    assert DEVELOPER.findall(tools) == []


def test_a_viewer_gets_no_tools(server, page):  # noqa: F811
    root, base, _ = server
    from playbook.outreach import links

    eng = load(root)
    page.goto(links.link(base, eng, links.issue_viewer(eng), links.REPORT, key="v"), timeout=180_000)
    page.wait_for_selector("text=This report is not ready yet", timeout=180_000)
    assert page.locator(".pb-consultant-bar, .pb-consultant-tools").count() == 0
