"""Links that last: consultant tokens in the store, expiry, revocation, first opening, and the store's upgrade."""

from __future__ import annotations

import csv
import os
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from playbook.cli import main
from playbook.core.engagement import load
from playbook.core.store import Store
from playbook.outreach import links
from playbook.outreach.links import Refusal, Visitor

# The store's schema as it was before links could expire or belong to a consultant.
OLD_SCHEMA = """
CREATE TABLE answers (id INTEGER PRIMARY KEY AUTOINCREMENT, respondent TEXT NOT NULL, item TEXT NOT NULL,
    value TEXT NOT NULL, comment TEXT NOT NULL DEFAULT '', source TEXT NOT NULL CHECK (source IN ('form', 'file')),
    wave TEXT NOT NULL, recorded_at TEXT NOT NULL);
CREATE INDEX answers_key ON answers (respondent, item, wave, source, id);
CREATE TABLE tokens (token_hash TEXT PRIMARY KEY, respondent TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT);
CREATE TABLE submissions (id INTEGER PRIMARY KEY AUTOINCREMENT, respondent TEXT NOT NULL, wave TEXT NOT NULL,
    submitted_at TEXT NOT NULL);
"""


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def token_of(url: str, key: str) -> str:
    return parse_qs(urlsplit(url).query)[key][0]


@pytest.fixture
def eng(make_engagement):
    return load(make_engagement())


@pytest.fixture(autouse=True)
def no_session(monkeypatch):
    """No server session: only what the store holds can admit a consultant."""
    monkeypatch.delenv(links.CONSULTANT_ENV, raising=False)


def q(eng, **kw):
    return {"e": eng.id, **kw}


# --- the store's upgrade ----------------------------------------------------------------------------------------------
def test_a_store_made_before_the_new_columns_keeps_every_row_and_its_links_work(eng):
    token = links.new_token()
    conn = sqlite3.connect(eng.store_path)
    conn.executescript(OLD_SCHEMA)
    conn.execute("INSERT INTO answers (respondent, item, value, source, wave, recorded_at) VALUES "
                 "('mkt-1', 'MSE-1', 'yes', 'form', '2026-Q4', '2026-10-01T10:00:00+00:00')")
    conn.execute("INSERT INTO tokens VALUES (?, 'mkt-1', '2026-10-01T09:00:00+00:00', NULL)", (links.digest(token),))
    conn.execute("INSERT INTO tokens VALUES ('old-revoked', 'sls-1', '2026-10-01T09:00:00+00:00', "
                 "'2026-10-02T09:00:00+00:00')")
    conn.execute("INSERT INTO submissions (respondent, wave, submitted_at) VALUES ('mkt-1', '2026-Q4', "
                 "'2026-10-01T11:00:00+00:00')")
    conn.commit()
    conn.close()
    with Store.reader(eng.store_path) as old:  # reading an old file works before any upgrade
        assert [t["kind"] for t in old.tokens()] == ["respondent", "respondent"]
    for _ in range(2):  # idempotent: the second open finds nothing to add
        with Store(eng.store_path) as store:
            cols = [r[1] for r in store.connection.execute("PRAGMA table_info(tokens)")]
            assert cols == ["engagement", "token_hash", "respondent", "created_at", "revoked_at", "kind", "name", "expires_at",
                            "first_opened_at"]
            assert [(a["respondent"], a["item"], a["value"]) for a in store.current()] == [("mkt-1", "MSE-1", "yes")]
            assert [(t["respondent"], t["kind"], t["revoked_at"] is not None) for t in store.tokens()] == [
                ("mkt-1", "respondent", False), ("sls-1", "respondent", True)]
            assert store.submitted("mkt-1", "2026-Q4") == "2026-10-01T11:00:00+00:00"
    assert links.check(eng, q(eng, t=token)) == Visitor("respondent", "mkt-1", "Otto Fenn", links.digest(token))


# --- consultant tokens ------------------------------------------------------------------------------------------------
def test_a_consultant_token_is_stored_hashed_and_admits_with_no_server_session(eng):
    token = links.issue_consultant(eng, "  Ana Ruiz ")
    with Store(eng.store_path) as store:
        rows = store.tokens()
    assert [(r["kind"], r["name"], r["respondent"]) for r in rows] == [("consultant", "Ana Ruiz", "")]
    assert rows[0]["token_hash"] == links.digest(token) and token not in str(rows)
    seen = links.check(eng, q(eng, c=token))
    assert seen == Visitor("consultant", "", "Ana Ruiz", links.digest(token)) and seen.consultant
    # opening one respondent's form on their behalf
    assert links.check(eng, q(eng, c=token, r="sls-1")).respondent == "sls-1"
    assert links.check(eng, q(eng, c=token, r="nobody")).reason == "invalid"


def test_a_consultant_token_survives_a_server_restart(eng, monkeypatch):
    """Each ``serve`` has a new session secret; the stored token works under both and after both."""
    token = links.issue_consultant(eng, "Ana Ruiz")
    for _ in range(2):
        session = links.new_token()
        monkeypatch.setenv(links.CONSULTANT_ENV, links.digest(session))
        assert isinstance(links.check(eng, q(eng, c=token)), Visitor)
        assert links.check(eng, q(eng, c=session)) == Visitor("consultant")  # the per-session link still works
    monkeypatch.delenv(links.CONSULTANT_ENV)
    assert isinstance(links.check(eng, q(eng, c=session)), Refusal)  # ... only for its own session
    assert isinstance(links.check(eng, q(eng, c=token)), Visitor)


def test_a_revoked_consultant_token_is_refused_and_another_consultant_keeps_theirs(eng):
    ana, ben = links.issue_consultant(eng, "Ana Ruiz"), links.issue_consultant(eng, "Ben Ode")
    assert links.revoke_consultant(eng, "Ana Ruiz") == 1
    assert links.check(eng, q(eng, c=ana)) == Refusal(
        "revoked", "This link is not valid. Please check the address you were sent, or ask Cy Consultant for a new link.")
    assert isinstance(links.check(eng, q(eng, c=ben)), Visitor)
    with pytest.raises(links.UserError, match="no consultant link named 'Ana Ruiz'.*Ben Ode"):
        links.revoke_consultant(eng, "Ana Ruiz")


def test_tokens_only_open_what_their_kind_opens(eng):
    resp, cons = links.issue(eng, "mkt-1"), links.issue_consultant(eng, "Ana Ruiz")
    assert links.check(eng, q(eng, c=resp)).reason == "invalid"  # a respondent's token is no consultant's
    assert links.check(eng, q(eng, t=cons)).reason == "invalid"
    assert links.check(eng, q(eng, t=resp, c=cons)).reason == "invalid"  # one token per link
    assert links.check(eng, q(eng, t=resp), page="report.ipynb").reason == "invalid"
    assert isinstance(links.check(eng, q(eng, t=resp), page="respond.ipynb"), Visitor)
    assert isinstance(links.check(eng, q(eng, c=cons), page="report.ipynb"), Visitor)
    # the analysis notebooks are not pages of the server: no link opens them
    assert links.check(eng, q(eng, c=cons), page="action_plan.ipynb").reason == "invalid"
    assert links.check(eng, q(eng, t=resp), page="self_evaluation.ipynb").reason == "invalid"
    assert links.check(eng, {"e": "other-eng", "t": resp}).reason == "invalid"
    assert links.check(eng, q(eng, t="x" * 20)).reason == "invalid"
    assert links.check(eng, q(eng, t=links.new_token())).reason == "invalid"  # well formed, never issued


# --- expiry -----------------------------------------------------------------------------------------------------------
def _set_expiry(eng, token, when):
    with Store(eng.store_path) as store:
        store.set_token(links.digest(token), expires_at=when.isoformat())


def test_a_link_that_expired_yesterday_is_refused_and_one_expiring_tomorrow_opens(eng):
    today = datetime.now(UTC)
    old, fresh = links.issue(eng, "mkt-1", expires_days=1), links.issue(eng, "mkt-1", expires_days=1)
    cons = links.issue_consultant(eng, "Ana Ruiz", expires_days=1)
    _set_expiry(eng, old, today - timedelta(days=1))
    _set_expiry(eng, cons, today - timedelta(days=1))
    assert links.check(eng, q(eng, t=old)) == Refusal("expired", "This link has expired; ask Cy Consultant for a new one.")
    assert links.check(eng, q(eng, c=cons)).reason == "expired"
    assert isinstance(links.check(eng, q(eng, t=fresh)), Visitor)  # issued for 1 day: expires tomorrow
    # the boundary itself: expired from the stored instant on
    with Store(eng.store_path) as store:
        row = next(t for t in store.tokens() if t["token_hash"] == links.digest(fresh))
    end = datetime.fromisoformat(row["expires_at"])
    assert timedelta(hours=23) < end - today < timedelta(hours=25)
    assert isinstance(links.check(eng, q(eng, t=fresh), at=end - timedelta(seconds=1)), Visitor)
    assert links.check(eng, q(eng, t=fresh), at=end).reason == "expired"
    assert links.respondent_for(eng, old) is None and links.respondent_for(eng, fresh) == "mkt-1"


def test_the_expired_message_names_your_consultant_when_the_engagement_names_none(make_engagement):
    eng = load(make_engagement(consultant=""))
    token = links.issue(eng, "mkt-1", expires_days=3)
    _set_expiry(eng, token, datetime.now(UTC) - timedelta(minutes=1))
    assert links.check(eng, q(eng, t=token)).message == "This link has expired; ask your consultant for a new one."


# --- first opening ----------------------------------------------------------------------------------------------------
def test_the_first_opening_is_recorded_once(eng):
    token = links.issue(eng, "mkt-1")
    h = links.digest(token)
    assert links.opened(eng, h, at="2026-10-05T08:00:00+00:00") is True
    assert links.opened(eng, h, at="2026-10-06T08:00:00+00:00") is False
    assert links.opened(eng, "") is False  # the per-session consultant link has nothing stored
    with Store(eng.store_path) as store:
        assert [t["first_opened_at"] for t in store.tokens()] == ["2026-10-05T08:00:00+00:00"]


# --- the command line -------------------------------------------------------------------------------------------------
def test_invite_consultant_prints_lasting_links_and_revoke_ends_them(eng):
    res = invoke("invite", eng.path, "--consultant", "Ana Ruiz", "--expires", "30", "--public-url",
                 "https://forms.example.org/survey/")
    assert res.exit_code == 0, res.output
    urls = [w for w in res.output.split() if w.startswith("https://")]
    assert urls and all(u.startswith("https://forms.example.org/survey/voila/render/") for u in urls)
    assert any("report.ipynb" in u for u in urls) and any("respond.ipynb" in u for u in urls)
    token = token_of(urls[0], "c")
    assert isinstance(links.check(eng, q(eng, c=token)), Visitor)
    res = invoke("invite", eng.path, "--revoke", "--consultant", "Ana Ruiz")
    assert res.exit_code == 0 and "Revoked 1 consultant link" in res.output
    assert links.check(eng, q(eng, c=token)).reason == "revoked"


def test_invite_all_writes_invites_for_the_owner_only_with_expiring_links(eng):
    res = invoke("invite", eng.path, "--all", "--expires", "14", "--base-url", "/survey/")
    assert res.exit_code == 0, res.output
    target = eng.path / "invites.csv"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [r["name"] for r in rows] == ["Mara Quill", "Otto Fenn", "Bea Lorne", "Ivo Strand"]
    assert all(r["link"].startswith("http://127.0.0.1:8866/survey/voila/render/respond.ipynb?") for r in rows)
    with Store(eng.store_path) as store:
        ends = {datetime.fromisoformat(t["expires_at"]) - datetime.fromisoformat(t["created_at"])
                for t in store.tokens()}
    assert all(timedelta(days=14) - timedelta(seconds=5) < d <= timedelta(days=14) for d in ends)
    # a second write keeps the file private even when someone loosened it
    os.chmod(target, 0o644)
    assert invoke("invite", eng.path, "--all").exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600 and not list(eng.path.glob(".*.tmp"))


BAD = [
    (["mkt-1", "--expires", "0"], "--expires '0' must be a whole number of days"),
    (["mkt-1", "--expires", "-3"], "--expires '-3' must be a whole number of days"),
    (["mkt-1", "--expires", "1.5"], "--expires '1.5' must be a whole number of days"),
    (["--all", "--expires", "two"], "--expires 'two' must be a whole number of days"),
    (["mkt-1", "--public-url", "ftp://forms.example.org"], "--public-url 'ftp://forms.example.org' must be an http(s)"),
    (["mkt-1", "--public-url", "forms.example.org"], "must be an http(s) address"),
    (["--all", "--base-url", "survey/"], "--base-url 'survey/' must start and end with '/'"),
    (["mkt-1", "--base-url", "/survey"], "--base-url '/survey' must start and end with '/'"),
    (["mkt-1", "--base-url", "https://forms.example.org"], "give the whole public address with --public-url"),
    (["--remind"], "no links have been issued"),
    (["--consultant", ""], "--consultant '' must be a name"),
    (["mkt-1", "--all"], "give one of RESPONDENT"),
    (["--revoke", "--consultant", "Nobody"], "no consultant link named 'Nobody'"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_invite_input_is_one_message_exit_2_and_writes_nothing(eng, args, message):
    before = sorted(p.name for p in eng.path.iterdir())
    res = invoke("invite", eng.path, *args)
    assert res.exit_code == 2, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], res.output
    after = sorted(p.name for p in eng.path.iterdir())
    assert after == before or (set(after) - set(before) == {"answers.sqlite"} and _no_links(eng))


def _no_links(eng) -> bool:
    with Store(eng.store_path) as store:
        return store.tokens() == []


# --- a real server ----------------------------------------------------------------------------------------------------
@pytest.mark.browser
def test_a_consultant_token_opens_the_consultants_tools_across_server_restarts_until_revoked(sample_copy, page):
    """``serve`` twice (a new session secret each time): the stored token opens the live view both times."""
    from .browser import served

    eng = load(sample_copy)
    token = links.issue_consultant(eng, "Ana Ruiz")
    path = f"/voila/render/report.ipynb?e={eng.id}&c={token}"
    for restart in range(2):
        with served(sample_copy) as (base, proc):
            assert proc.consultant_token != token  # the session's own link is another secret
            page.goto(base + path, timeout=120_000)
            page.get_by_text("For you: who has answered").click(timeout=120_000)
            page.wait_for_selector(".pb-status-table table", timeout=120_000)
            assert "Priya Raman" in page.inner_text(".pb-status-table")
            assert "Marketing: 0 of 3 submitted" in page.inner_text(".pb-status-rates")
            if restart:
                with Store(eng.store_path) as store:  # the view reads the store again on its button
                    store.submit("sls-lead", eng.period)
                page.locator("button.pb-status-refresh").click()
                page.wait_for_function(
                    "document.querySelector('.pb-status-rates').innerText.includes('Sales: 1 of 4 submitted')",
                    timeout=30_000)
                links.revoke_consultant(eng, "Ana Ruiz")
                page.goto(base + path, timeout=120_000)
                page.wait_for_selector("text=This link is not valid", timeout=120_000)
                assert page.locator(".pb-status-table").count() == 0
    with Store(eng.store_path) as store:
        mine = [t for t in store.tokens() if t["kind"] == "consultant"]
    assert mine[0]["first_opened_at"] and mine[0]["revoked_at"]
