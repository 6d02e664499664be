"""The consultant's live views behind the consultant link printed by `playbook serve`."""

from urllib.parse import urlencode

import pytest

from playbook import load
from playbook.core.store import Store

from .browser import served

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


def test_credibility_live_view_switches_between_sides(server, page):  # noqa: F811
    base = server[1]
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(view(server, "credibility_stage.ipynb"), timeout=180_000)
    page.wait_for_selector(".pb-cred-view button", timeout=180_000)
    sales = page.inner_text(".pb-cred-summary")
    page.locator(".pb-cred-view button", has_text="Marketing").click()
    page.wait_for_function(
        "t => document.querySelector('.pb-cred-summary').innerText !== t", arg=sales, timeout=60_000)
    marketing = page.inner_text(".pb-cred-summary")
    assert "stage 1" in sales.lower() and "stage 2" in marketing.lower()
    assert page.locator(".pb-cred-charts svg").count() >= 1
    # Voilà's JavaScript, the widgets and the charts all come from this server: nothing from a CDN.
    assert len(requests) > 10
    assert [u for u in requests if not u.startswith((base + "/", "data:", "blob:"))] == []


def test_consultant_fills_a_rating_form_for_a_respondent(server, page):  # noqa: F811
    root = server[0]
    page.goto(view(server, "credibility_stage.ipynb", r="sls-east"), timeout=180_000)
    page.wait_for_selector(".pb-item-CS3-4 button", timeout=180_000)
    assert "Renata Kowalczyk" in page.inner_text(".pb-who")
    page.locator(".pb-item-CS3-4 button", has_text="5").click()
    for _ in range(100):
        with Store(root / "answers.sqlite") as s:
            got = [r for r in s.current(respondent="sls-east", wave=load(root).period)
                   if r["item"] == "CS3-4" and r["source"] == "form"]
        if got:
            break
        page.wait_for_timeout(200)
    assert got and got[0]["value"] == "5"


def test_prospecting_what_if_recomputes(server, page):  # noqa: F811
    page.goto(view(server, "prospecting_economics.ipynb"), timeout=180_000)
    spend = page.get_by_label("Marketing spend ($)")
    spend.wait_for(timeout=180_000)
    panel = page.locator(".widget-vbox:has(> .widget-html) .widget-html").last
    before = panel.inner_text()
    spend.fill("5000000")
    spend.press("Enter")
    page.wait_for_function("t => ![...document.querySelectorAll('.widget-html')].some(e => e.innerText === t)",
                           arg=before, timeout=60_000)
    assert page.locator("svg").count() >= 1
