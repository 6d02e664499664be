"""The same engagement on both store backends: SQLite in the folder and one shared PostgreSQL.

Same figures from ``playbook run`` whichever store holds the answers, and thirty respondents answering
at once through two ``playbook serve`` processes that share one PostgreSQL database lose nothing.
"""

from __future__ import annotations

import json
import re
import shutil
import uuid

import pytest

from playbook import load
from playbook.core.engagement import sample_path
from playbook.core.instruments import instruments
from playbook.core.store import open_store
from playbook.outreach import links
from playbook.run.pipeline import run
from playbook.serve.forms.questions import app_codes

from .browser import served
from .conftest import reset_pg, write_engagement
from .test_browser_respond import answer

STORE_ENV = "PLAYBOOK_STORE_URL"
TIMES = {"generated_at", "recorded_at", "as_of", "taken_at"}  # timestamps: the only keys allowed to differ
CROWD = 30
ON_PAGE = {"SSE-1": "Yes", "SYM-1": "No", "CS1-1": "5"}  # answered in the browser; the rest came on paper


def unique(prefix: str) -> str:
    """An engagement id no other test in the session's shared database uses."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def without_times(value):
    if isinstance(value, dict):
        return {k: without_times(v) for k, v in value.items() if k not in TIMES}
    if isinstance(value, list):
        return [without_times(v) for v in value]
    return value


def sample_as(folder, eng_id):
    """A writable copy of the sample engagement, under another id."""
    shutil.copytree(sample_path(), folder)
    meta = folder / "engagement.yaml"
    text = meta.read_text(encoding="utf-8")
    renamed = re.sub(r"(?m)^id: .*$", f"id: {eng_id}", text, count=1)
    assert renamed != text
    meta.write_text(renamed, encoding="utf-8")
    return folder


def test_same_figures_on_sqlite_and_postgresql(tmp_path, monkeypatch, pg_url):
    reset_pg(pg_url)  # the session's database may hold what another store test left (a schema without a version)
    eng_id = unique("figures")
    on_sqlite = sample_as(tmp_path / "sqlite" / eng_id, eng_id)
    on_pg = sample_as(tmp_path / "postgresql" / eng_id, eng_id)
    monkeypatch.delenv(STORE_ENV, raising=False)
    run(on_sqlite, tmp_path / "out-sqlite", make_pdf=False, make_deck=False)
    with open_store(load(on_sqlite)) as s:
        sqlite_answers = without_times(s.current())
    assert (on_sqlite / "answers.sqlite").is_file()

    monkeypatch.setenv(STORE_ENV, pg_url)
    run(on_pg, tmp_path / "out-postgresql", make_pdf=False, make_deck=False)
    assert not (on_pg / "answers.sqlite").exists()  # the answers went to PostgreSQL, not to the folder
    with open_store(load(on_pg)) as s:
        pg_answers = without_times(s.current())
    assert len(pg_answers) > 400 and pg_answers == sqlite_answers

    results = [json.loads((tmp_path / out / "results.json").read_text(encoding="utf-8"))
               for out in ("out-sqlite", "out-postgresql")]
    assert results[0]["generated_at"] and results[1]["generated_at"]
    assert without_times(results[0]) == without_times(results[1])


def paper_answers(people: list[dict]) -> list[tuple[str, str, str]]:
    """Every required answer of each sales respondent except the ones given on the page."""
    _, required = app_codes("sales")
    return [(p["id"], item.id, "yes" if item.answer == "yesno" else "4")
            for p in people for code in sorted(required) for item in instruments()[code].items
            if item.id not in ON_PAGE]


@pytest.mark.browser
def test_thirty_respondents_on_two_servers_sharing_postgresql_lose_nothing(tmp_path, browser, pg_url,
                                                                          monkeypatch):
    reset_pg(pg_url)  # an empty database, whatever another store test left in it
    monkeypatch.setenv(STORE_ENV, pg_url)  # links issued here go to the same database the servers read
    eng_id = unique("twin")
    people = [{"id": f"rep-{i:02d}", "name": f"Rep {i}", "side": "sales", "role": "member"} for i in range(CROWD)]
    paper = paper_answers(people)
    folder = write_engagement(tmp_path / eng_id, people, rows=paper, id=eng_id, client="Twinco")
    eng = load(folder)
    env = {STORE_ENV: pg_url}
    with served(folder, env=env) as (base_a, _), served(folder, env=env) as (base_b, _):
        # half the links point at one server, half at the other, alternating
        urls = [links.link(base_a if i % 2 == 0 else base_b, eng, links.issue(eng, p["id"]))
                for i, p in enumerate(people)]
        contexts = [browser.new_context() for _ in urls]
        pages = [c.new_page() for c in contexts]
        try:
            for start in range(0, CROWD, 10):  # open in waves of ten (five per server)
                wave = list(zip(pages, urls))[start:start + 10]
                for p, url in wave:
                    p.goto(url, wait_until="commit", timeout=120_000)
                for p, _ in wave:
                    p.wait_for_selector(".pb-form.pb-connected", timeout=300_000)
            for p in pages:  # everyone answers at once, without waiting for the saves
                for item, label in ON_PAGE.items():
                    answer(p, item, label)
            for p in pages:
                p.locator(".pb-submit").click()
            for p in pages:  # Submit goes once the answers before it are saved
                p.wait_for_selector(".pb-done", timeout=60_000)
                assert "Thank you" in p.inner_text(".pb-message")
        finally:
            for c in contexts:
                c.close()
    assert not (folder / "answers.sqlite").exists()
    with open_store(eng) as s:
        current = s.current()
        submitted = s.submissions(eng.period)
        history = s.history()
    form = [r for r in current if r["source"] == "form"]
    assert sorted((r["respondent"], r["item"], r["value"]) for r in form) == sorted(
        (p["id"], item, {"Yes": "yes", "No": "no"}.get(label, label)) for p in people for item, label in ON_PAGE.items())
    assert set(submitted) == {p["id"] for p in people}
    # both servers imported the same responses.csv: each paper answer is stored once
    assert sorted((r["respondent"], r["item"]) for r in history if r["source"] == "file") == sorted(
        (r, i) for r, i, _ in paper)
