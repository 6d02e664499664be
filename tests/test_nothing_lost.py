"""Nothing lost, nothing silently dropped (issue 13, items 8 and 9): what the respondent's page saves, and when not.

Kernel side, with a real store on disk: the durable store, a comment typed before its answer, identical saves,
the rate limit, control characters, a revoked link on an open page, a store deleted under the server, the
server's check of the store at start, and an export of a store holding NUL and ESC.
"""

from __future__ import annotations

import os
import sqlite3

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from playbook import load
from playbook.cli import main
from playbook.core.export import PENDING, export_answers
from playbook.core.responses import answer_store, import_file
from playbook.core.store import Store
from playbook.outreach import links
from playbook.serve.forms.handlers import open_form
from playbook.serve.forms.page import SLOW, FormPage, RateLimit
from playbook.serve.forms.questions import app_model
from playbook.serve.live import WORKSPACE_ENV

PEOPLE = [{"id": "mk-1", "name": "Mia Kerr", "side": "marketing", "role": "member"},
          {"id": "sl-1", "name": "Sam Vale", "side": "sales", "role": "leader"}]


@pytest.fixture
def eng(make_engagement):
    eng = load(make_engagement(rows=[("mk-1", "MSE-1", "yes", "from paper")], respondents=PEOPLE))
    import_file(eng)
    return eng


@pytest.fixture
def served(eng, monkeypatch):
    """As in a kernel of ``playbook serve``: the workspace in the environment."""
    monkeypatch.setenv(WORKSPACE_ENV, str(eng.path))
    return eng


def rows(eng) -> int:
    with Store.reader(eng.store_path) as s:
        return len(s.history())


def current(eng, who="mk-1"):
    with Store.reader(eng.store_path) as s:
        return {r["item"]: r for r in s.current(respondent=who)}


def answer(page, item, value, comment="", seq=1):
    return page.handle({"op": "answer", "item": item, "value": value, "comment": comment, "seq": seq})


# --- once the page says "saved", the answer survives a power cut -----------------------------------------------
def test_the_answers_store_syncs_every_commit_to_disk(eng, monkeypatch):
    for store in (Store(eng.store_path), answer_store(eng), answer_store(eng, served=True)):
        with store:
            assert store.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert store.connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    # the form's own store, under serve
    monkeypatch.setenv(WORKSPACE_ENV, str(eng.path))
    with app_model(eng, "mk-1").open_store() as store:
        assert store.connection.execute("PRAGMA synchronous").fetchone()[0] == 2


# --- a comment typed before its answer ------------------------------------------------------------------------
def test_a_comment_without_an_answer_survives_a_reopen_and_goes_with_the_answer(served):
    eng = served
    before = current(eng)
    got = answer(FormPage(app_model(eng, "mk-1")), "CS2-3", None, "  ask me after the\nQBR  ")
    assert got["op"] == "saved" and got["written"] and got["kept"] and got["answered"] == 1
    assert current(eng) == before  # no answer: current() and everything built on it unchanged
    # the page closes; the link opens it again with the comment in its box
    again = FormPage(app_model(eng, "mk-1"))
    assert again.model.questions["CS2-3"].comment == "ask me after the\nQBR"
    assert again.model.questions["CS2-3"].value is None
    assert "ask me after the\nQBR</textarea>" in again.html()
    # the same comment again writes nothing; the export lists it meanwhile
    assert not answer(again, "CS2-3", None, "ask me after the\nQBR", seq=2)["written"]
    export_answers(eng, eng.path / "out")
    sheet = load_workbook(eng.path / "out.xlsx")[PENDING]
    assert [c.value for c in sheet[2]][5:9] == ["CS2-3", sheet[2][6].value, None, "ask me after the\nQBR"]
    # the answer comes, carrying the comment; the kept comment has done its job
    assert answer(again, "CS2-3", 4, "ask me after the\nQBR", seq=3)["written"]
    assert (current(eng)["CS2-3"]["value"], current(eng)["CS2-3"]["comment"]) == ("4", "ask me after the\nQBR")
    with Store.reader(eng.store_path) as s:
        assert s.pending_comments() == []
    # emptying the box of an unanswered question forgets its comment
    page = FormPage(app_model(eng, "mk-1"))
    answer(page, "SYM-2", None, "draft")
    assert answer(page, "SYM-2", None, "", seq=2)["written"]
    assert FormPage(app_model(eng, "mk-1")).model.questions["SYM-2"].comment == ""


def test_a_store_from_before_kept_comments_reads_and_exports(eng):
    with sqlite3.connect(eng.store_path) as c:
        c.execute("DROP TABLE pending_comments")
    with Store.reader(eng.store_path) as s:
        assert s.pending_comments() == []
    assert app_model(eng, "mk-1").questions["MSE-1"].comment == "from paper"
    export_answers(eng, eng.path / "out")


# --- identical saves, and the rate limit ----------------------------------------------------------------------
def test_a_save_identical_to_the_current_answer_writes_nothing(eng):
    page = FormPage(app_model(eng, "mk-1"))
    n = rows(eng)
    # the paper answer, given again as it is: nothing written, the page still shows it saved
    got = answer(page, "MSE-1", "yes", "from paper")
    assert got["op"] == "saved" and not got["written"] and got["kept"] and rows(eng) == n
    assert answer(page, "CS1-1", 3, "ok", seq=2)["written"] and rows(eng) == n + 1
    for seq in range(3, 13):
        assert not answer(page, "CS1-1", "3", " ok ", seq=seq)["written"]  # the same after validation
    assert rows(eng) == n + 1
    # a new comment on the same answer is a change; so is going back
    assert answer(page, "CS1-1", 3, "better", seq=20)["written"] and rows(eng) == n + 2
    assert answer(page, "CS1-1", 3, "ok", seq=21)["written"] and rows(eng) == n + 3
    # a second page of the same respondent sees what the first one saved
    assert not answer(FormPage(app_model(eng, "mk-1")), "CS1-1", 3, "ok")["written"] and rows(eng) == n + 3


def test_the_rate_limit_counts_per_second_and_per_minute():
    t = [1000.0]
    limit = RateLimit(20, 600, clock=lambda: t[0])
    assert all(limit.allow() for _ in range(20))
    assert not limit.allow()  # the 21st within the second
    t[0] += 0.5
    assert not limit.allow()
    t[0] += 0.51  # a second after the first twenty
    assert all(limit.allow() for _ in range(20)) and not limit.allow()
    # 600 in a minute, then nothing until the oldest are a minute old
    limit, t[0] = RateLimit(20, 600, clock=lambda: t[0]), 0.0
    for _ in range(30):
        assert all(limit.allow() for _ in range(20))
        t[0] += 1.0
    assert t[0] == 30.0 and not limit.allow()
    t[0] = 59.99
    assert not limit.allow()
    t[0] = 60.0  # the first second's twenty are a minute old
    assert all(limit.allow() for _ in range(20)) and not limit.allow()


def test_a_flood_of_messages_gets_slow_down_and_writes_nothing_more(eng):
    page = FormPage(app_model(eng, "mk-1"))
    n = rows(eng)
    replies = [answer(page, "CS3-1", 1 + i % 5, "x" * 2000 + str(i), seq=i) for i in range(100)]
    ops = [r["op"] for r in replies]
    assert ops[:20] == ["saved"] * 20 and set(ops[20:]) == {"slow"}
    assert all(r["text"] == SLOW and r["item"] == "CS3-1" for r in replies[20:])
    assert replies[42]["seq"] == 42  # the page knows which change to give again
    assert rows(eng) == n + 20
    assert page.handle({"op": "submit"})["request"] == "submit"
    assert page.handle({"op": "hello"})["op"] == "ready"  # a page may always reconnect; it writes nothing


# --- control characters ---------------------------------------------------------------------------------------
def test_control_characters_are_stripped_from_comments_on_the_way_in(eng, make_engagement):
    page = FormPage(app_model(eng, "mk-1"))
    got = answer(page, "SYM-1", "no", "a\x00b\x1b[31mc\td\r\ne\x07\x7f\x9b\ud800 é 😀")
    assert got["op"] == "saved", got
    assert current(eng)["SYM-1"]["comment"] == "ab[31mc\td\ne é 😀"
    assert answer(page, "SYM-3", None, "\x00\x1b")["kept"] is False  # nothing left: nothing kept
    # and from responses.csv
    other = load(make_engagement(rows=[("mk-1", "MSE-2", "no", "paper\x1b[0m\x00 note")], respondents=PEOPLE,
                                 name="other"))
    import_file(other)
    assert current(other)["MSE-2"]["comment"] == "paper[0m note"


def test_export_never_fails_on_stored_text(eng):
    """A store written by an older version (or another tool) with NUL, ESC and bytes that are not UTF-8."""
    with sqlite3.connect(eng.store_path) as c:
        c.execute("INSERT INTO answers (respondent, item, value, comment, source, wave, recorded_at)"
                  " VALUES ('mk-1', 'MSE-2', 'no', ?, 'form', '2026-Q4', '2026-01-01T00:00:00')",
                  ("nul\x00 esc\x1b[2J bell\x07 =1+1",))
        c.execute("INSERT INTO answers (respondent, item, value, comment, source, wave, recorded_at)"
                  " VALUES ('mk-1', 'MSE-3', 'yes', CAST(x'6f6bff20fe' AS TEXT), 'form', '2026-Q4', 'x')")
        c.execute("INSERT INTO pending_comments (respondent, item, wave, comment, recorded_at)"
                  " VALUES ('mk-1', 'CS1-4', '2026-Q4', ?, 'x')", ("draft\x00\x1b",))
    res = CliRunner().invoke(main, ["export", str(eng.path)])
    assert res.exit_code == 0, res.output
    assert res.exception is None and "Traceback" not in res.output
    assert not [p.name for p in eng.path.iterdir() if p.name.endswith(".tmp")]
    text = (eng.path / "answers-export.csv").read_text(encoding="utf-8")
    assert "nul esc[2J bell =1+1" in text and "\x00" not in text and "\x1b" not in text
    assert "ok\ufffd \ufffd" in text  # bytes that are not UTF-8 read as replacement characters
    wb = load_workbook(eng.path / "answers-export.xlsx")
    comments = [r[8] for r in wb["answers"].iter_rows(min_row=2, values_only=True)]
    assert "nul esc[2J bell =1+1" in comments
    assert [r[8] for r in wb[PENDING].iter_rows(min_row=2, values_only=True)] == ["draft"]


# --- a revoked link stops a page already open -----------------------------------------------------------------
def opened_with(eng, token, who="mk-1", consultant=False, **kw):
    """A form page as the server opens it for the visitor the gate admitted (who, and the stored link's hash)."""
    kind = links.CONSULTANT if consultant else links.RESPONDENT
    page = open_form(eng, links.Visitor(kind, who, "", links.digest(token) if token else ""))
    if kw:
        page = FormPage(page.model, page.model.admitted, **kw)
    return page


def test_revoking_a_link_stops_the_page_already_open(served):
    eng = served
    page = opened_with(eng, links.issue(eng, "mk-1"), limit=RateLimit(10**6, 10**6))
    assert answer(page, "SYM-4", "yes")["op"] == "saved"
    n = rows(eng)
    assert links.revoke(eng, "mk-1") == 1
    got = answer(page, "SYM-5", "yes", "after the revoke", seq=2)
    assert got["op"] == "closed" and "no longer valid" in got["text"] and "Cy Consultant" in got["text"]
    assert answer(page, "SYM-6", None, "a comment too", seq=3)["op"] == "closed"
    # even with everything required answered, the submission is refused
    for q in page.model.questions.values():
        q.value = q.value if q.value is not None else "dont_know"
    assert page.handle({"op": "submit"})["op"] == "closed"
    assert rows(eng) == n
    with Store.reader(eng.store_path) as s:
        assert s.submitted("mk-1", eng.period) is None and s.pending_comments() == []
    # a new link works again, on a new page
    assert answer(opened_with(eng, links.issue(eng, "mk-1")), "SYM-5", "yes")["op"] == "saved"


def test_a_link_that_expires_while_its_page_is_open_saves_no_more(served):
    eng = served
    token = links.issue(eng, "mk-1", expires_days=7)
    page = opened_with(eng, token)
    assert answer(page, "CS2-1", 3)["op"] == "saved"
    with sqlite3.connect(eng.store_path) as c:  # a week later
        c.execute("UPDATE tokens SET expires_at = '2000-01-01T00:00:00+00:00' WHERE token_hash = ?",
                  (links.digest(token),))
    n = rows(eng)
    assert answer(page, "CS2-2", 3)["op"] == "closed" and rows(eng) == n


def test_the_consultants_pages_and_a_page_without_a_link(served, monkeypatch):
    eng = served
    # a lasting consultant link, filling in a form on a respondent's behalf: the respondent's links do not matter
    page = opened_with(eng, links.issue_consultant(eng, "Ana Ruiz"), consultant=True)
    links.revoke(eng, "mk-1")
    assert answer(page, "SYM-7", "no")["op"] == "saved"
    links.revoke_consultant(eng, "Ana Ruiz")
    assert answer(page, "SYM-8", "no")["op"] == "closed"
    # the session's consultant link lasts as long as the server: nothing stored to re-check
    assert opened_with(eng, "", consultant=True).model.admitted is None


# --- a store that cannot be written ---------------------------------------------------------------------------
def test_a_store_deleted_under_the_server_is_reported_not_remade(served, capfd):
    eng = served
    token = links.issue(eng, "mk-1")
    page = opened_with(eng, token)
    assert answer(page, "CS1-5", 2)["op"] == "saved"
    for suffix in ("", "-wal", "-shm"):
        p = eng.store_path.with_name(eng.store_path.name + suffix)
        if p.exists():
            p.unlink()
    got = answer(page, "CS1-6", 5, seq=7)
    assert got == {"op": "error", "item": "CS1-6", "seq": 7,
                   "text": "Your answer could not be saved; please tell Cy Consultant."}
    assert answer(page, "CS1-7", None, "a comment")["op"] == "error"
    assert page.handle({"op": "submit"})["op"] in ("missing", "error")
    assert not eng.store_path.exists()  # never remade empty
    assert page.model.questions["CS1-6"].value is None  # the page does not count it as answered
    log = capfd.readouterr().err
    assert "could not save" in log and "mk-1" in log and "CS1-6" in log and str(eng.store_path) in log
    assert token not in log


def test_a_served_form_never_falls_back_to_memory(eng, monkeypatch):
    eng.store_path.unlink()
    monkeypatch.setenv(WORKSPACE_ENV, str(eng.path))
    with pytest.raises(sqlite3.Error):
        answer_store(eng, served=True)
    assert not eng.store_path.exists()
    # away from a server, a read-only place still gets a preview store in memory
    monkeypatch.delenv(WORKSPACE_ENV)
    monkeypatch.setattr("playbook.core.responses.writable", lambda e: False)
    with answer_store(eng) as s:
        assert s.path is None


def test_serve_refuses_a_read_only_engagement_folder(make_engagement, monkeypatch):
    folder = make_engagement(respondents=PEOPLE, name="ro")
    started = []
    monkeypatch.setattr("playbook.serve.server.subprocess.Popen", lambda *a, **k: started.append(a))
    monkeypatch.setattr("playbook.serve.server.keep", lambda child, **_: 0)
    real_access = os.access
    if os.geteuid() == 0:  # root writes anywhere: the folder reads as not writable, as it would for anyone else
        monkeypatch.setattr("playbook.core.responses.os.access",
                            lambda p, mode: False if (mode & os.W_OK and str(p) == str(folder)) else real_access(p, mode))
    folder.chmod(0o555)
    try:
        res = CliRunner().invoke(main, ["serve", str(folder)])
    finally:
        folder.chmod(0o755)
    assert res.exit_code == 2, res.output
    assert res.output.count("\n") == 1 and res.output.startswith("error: ")
    assert "answers cannot be stored in this folder" in res.output and "copy the engagement folder" in res.output
    assert started == [] and not (folder / "answers.sqlite").exists()


def test_serve_makes_a_missing_store_at_start(make_engagement, monkeypatch):
    folder = make_engagement(respondents=PEOPLE, name="fresh")
    started = []
    monkeypatch.setattr("playbook.serve.server.subprocess.Popen", lambda *a, **k: started.append(a))
    monkeypatch.setattr("playbook.serve.server.keep", lambda child, **_: 0)
    res = CliRunner().invoke(main, ["serve", str(folder), "--port", "8999"])
    assert res.exit_code == 0, res.output
    assert len(started) == 1 and (folder / "answers.sqlite").is_file()
