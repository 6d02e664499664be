"""A real Voilà server on 127.0.0.1 and a real Chromium: answers given in the widgets land in the store."""

import pytest

from playbook import load
from playbook.core.store import Store
from playbook.serve import access

from .browser import served

pytestmark = pytest.mark.browser


def test_self_evaluation_form_saves_to_the_store(sample_copy, page):  # noqa: F811
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with served(sample_copy) as (base, _):
        eng = load(sample_copy)
        page.goto(access.link(base, eng, access.issue(eng, "sls-rep-2"), "self_evaluation.ipynb"), timeout=120_000)
        page.wait_for_selector(".pb-item-MSE-2 button", timeout=120_000)
        assert "Sofia Mendes" in page.inner_text(".pb-who")
        # sls-rep-2 answered MSE-2 'no' on paper; answer 'Yes' in the form
        page.locator(".pb-item-MSE-2 button", has_text="Yes").click()
        page.wait_for_selector(".pb-status:has-text('saved')", timeout=30_000)
        hostile = "<img src=x onerror=alert(1)><script>alert(2)</script>"
        box = page.locator(".pb-comment-MSE-2 textarea")
        box.fill(hostile)
        box.blur()
        page.wait_for_function("document.querySelector('.pb-status').innerText.includes('saved')")
        # the page shows its own text, never the comment as markup
        assert page.locator("img[src=x]").count() == 0
        with Store(sample_copy / "answers.sqlite") as store:
            deadline = 50
            while deadline:
                rows = [r for r in store.current(respondent="sls-rep-2") if r["item"] == "MSE-2"]
                if rows and rows[0]["comment"] == hostile:
                    break
                page.wait_for_timeout(200)
                deadline -= 1
        assert rows[0]["value"] == "yes" and rows[0]["source"] == "form"
        assert rows[0]["comment"] == hostile
    assert dialogs == []
    # The analysis now reflects the form answer over the paper one.
    eng = load(sample_copy)
    from playbook.core.responses import current_answers

    mine = {a["item"]: a["value"] for a in current_answers(eng) if a["respondent"] == "sls-rep-2"}
    assert mine["MSE-2"] == "yes"
