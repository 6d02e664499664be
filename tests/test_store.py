"""The answer store, on both backends (``store_url``: the folder's SQLite file, then PostgreSQL)."""

import sqlite3
import threading

import pytest

from playbook import load
from playbook.core.responses import current_answers, import_file
from playbook.core.store import Store, open_store
from playbook.core.store_schema import HEAD
from playbook.core.store_url import StoreError

from .conftest import RESPONDENTS, write_engagement


@pytest.fixture
def eng(tmp_path, store_url):
    return load(write_engagement(tmp_path / "eng"))


def test_store_is_wal_with_busy_timeout_and_full_sync(tmp_path):
    path = tmp_path / "a.sqlite"
    with Store(path) as s:
        s.save("r1", "MSE-1", "yes", "2026-Q4")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Store(path) as s:
        assert s.connection.execute("PRAGMA busy_timeout").fetchone()[0] == 30000
        assert s.connection.execute("PRAGMA synchronous").fetchone()[0] == 2


def test_form_answer_wins_over_file_and_latest_form_wins(eng):
    with open_store(eng) as s:
        s.save("r1", "MSE-1", "no", "w", source="form")
        s.import_file_answers([("r1", "MSE-1", "yes", "from paper", "w")])
        assert s.current()[0]["value"] == "no"
        s.save("r1", "MSE-1", "yes", "w", "changed my mind", source="form")
        cur = s.current()
        assert (cur[0]["value"], cur[0]["comment"], cur[0]["source"]) == ("yes", "changed my mind", "form")
        # history keeps every answer
        assert [h["value"] for h in s.history()] == ["no", "yes", "yes"]


def test_latest_file_answer_wins_among_files(eng):
    with open_store(eng) as s:
        s.import_file_answers([("r1", "SSE-1", "yes", "", "w")])
        s.import_file_answers([("r1", "SSE-1", "no", "", "w")])
        assert s.current()[0]["value"] == "no"


def test_waves_are_kept_apart(eng):
    with open_store(eng) as s:
        s.save("r1", "CS1-1", 2, "2026-Q2")
        s.save("r1", "CS1-1", 4, "2026-Q4")
        assert s.waves() == ["2026-Q2", "2026-Q4"]
        assert [r["value"] for r in s.current(wave="2026-Q4")] == ["4"]
        assert len(s.current()) == 2


def test_kept_comments_and_identical_saves(eng):
    with open_store(eng) as s:
        assert s.keep_comment("r1", "MSE-2", "w", "later") and not s.keep_comment("r1", "MSE-2", "w", "later")
        assert s.keep_comment("r1", "MSE-2", "w", "later, after the QBR")
        assert [c["comment"] for c in s.pending_comments()] == ["later, after the QBR"]
        assert s.save_form("r1", "MSE-2", "yes", "w", "later, after the QBR")
        assert not s.save_form("r1", "MSE-2", "yes", "w", "later, after the QBR")  # identical: no row
        assert s.pending_comments() == [] and len(s.history()) == 1
        s.submit("r1", "w")
        assert s.submitted("r1", "w") == s.submissions("w")["r1"]


def test_import_is_idempotent(tmp_path, store_url, sample_copy):
    eng = load(sample_copy)
    added, unchanged = import_file(eng)
    assert added > 0 and unchanged == 0
    assert import_file(eng) == (0, added)
    with open_store(eng) as s:
        first = len(s.history())
        mse1 = next(r for r in s.current(respondent="mkt-lead", wave="2026-Q4") if r["item"] == "MSE-1")
        assert s.import_file_answers([("mkt-lead", "MSE-1", mse1["value"], mse1["comment"], "2026-Q4")]) == (0, 1)
        assert len(s.history()) == first


def test_reading_never_writes(sample_copy, store_url):
    """Answers are read (file rows laid over the store) without creating or changing the store."""
    eng = load(sample_copy)
    from_file = current_answers(eng)
    assert from_file and not eng.store_path.exists()
    if store_url:
        with open_store(eng, read_only=True) as s:
            assert s.revision() is None  # an empty database stays empty: no schema made by a read
    import_file(eng)
    if store_url is None:
        stamp = eng.store_path.stat().st_mtime_ns
    assert current_answers(eng, file_rows=None) == current_answers(eng)
    assert [(a["respondent"], a["item"], a["value"]) for a in current_answers(eng)] == \
        [(a["respondent"], a["item"], a["value"]) for a in from_file]
    if store_url is None:
        assert eng.store_path.stat().st_mtime_ns == stamp
    else:
        assert not eng.store_path.exists()  # on PostgreSQL nothing lands in the folder


def test_a_form_answer_beats_a_file_row_not_yet_imported(sample_copy, store_url):
    eng = load(sample_copy)
    with open_store(eng) as s:
        s.save("mkt-lead", "MSE-1", "no", "2026-Q4")
    mine = {a["item"]: a for a in current_answers(eng) if a["respondent"] == "mkt-lead"}
    assert mine["MSE-1"]["value"] == "no" and mine["MSE-1"]["source"] == "form"
    assert mine["MSE-2"]["source"] == "file"


def test_sample_is_never_written(store_url):
    from playbook.core.engagement import sample_path

    eng = load("")
    current_answers(eng)
    with open_store(eng) as s:
        assert s.path is None and not s.postgres  # a preview in memory, whatever the store
    assert not (sample_path() / "answers.sqlite").exists()


def test_concurrent_writers_lose_nothing(eng):
    open_store(eng).close()
    errors = []

    def writer(n):
        try:
            with open_store(eng) as s:
                for i in range(25):
                    s.save(f"r{n}", f"CS1-{i % 8 + 1}", i % 5 + 1, "w", f"c{i}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with open_store(eng) as s:
        assert len(s.history()) == 8 * 25
        assert len(s.current()) == 8 * 8


# --- two engagements, the same respondent ids -----------------------------------------------------------------------
def test_two_engagements_with_the_same_respondents_never_see_each_other(tmp_path, store_url):
    """On PostgreSQL both live in one database: every command keeps to its own engagement's rows."""
    from click.testing import CliRunner

    from playbook.cli import main
    from playbook.core.export import export_answers
    from playbook.outreach import links, status

    a = load(write_engagement(tmp_path / "a", rows=[("mkt-1", "MSE-1", "yes", "a's paper")], id="eng-a"))
    b = load(write_engagement(tmp_path / "b", rows=[("mkt-1", "MSE-1", "no", "b's paper")], id="eng-b",
                              client="Othercorp"))
    import_file(a)
    import_file(b)
    token_a, token_b = links.issue(a, "mkt-1"), links.issue(b, "mkt-1")
    with open_store(a) as s:
        s.save("mkt-1", "MSE-2", "yes", a.period)
        s.keep_comment("mkt-1", "MSE-3", a.period, "only a")
        s.submit("mkt-1", a.period)
    assert {(x["item"], x["value"]) for x in current_answers(a, file_rows=None)} == {("MSE-1", "yes"), ("MSE-2", "yes")}
    assert [(x["item"], x["value"]) for x in current_answers(b, file_rows=None)] == [("MSE-1", "no")]
    # links: one engagement's token opens nothing in the other, revoking in one leaves the other
    assert links.check(b, {"e": b.id, "t": token_a}).reason == "invalid"
    assert links.revoke(a, "mkt-1") == 1
    assert links.check(b, {"e": b.id, "t": token_b}).respondent == "mkt-1"
    with open_store(b, read_only=True) as s:
        assert s.pending_comments() == [] and s.submissions() == {} and len(s.tokens()) == 1
        assert len(s.history()) == 1
    assert {r.id: r.submitted_at for r in status.table(b).rows}["mkt-1"] is None
    assert {r.id: r.submitted_at for r in status.table(a).rows}["mkt-1"] is not None
    export_answers(b, tmp_path / "b-out")
    assert "a's paper" not in (tmp_path / "b-out.csv").read_text() and "b's paper" in (tmp_path / "b-out.csv").read_text()
    res = CliRunner().invoke(main, ["status", str(b.path)])
    assert res.exit_code == 0, res.output
    if store_url:
        with open_store(a, read_only=True) as s:
            assert s.engagements() == ["eng-a", "eng-b"]  # one database, both engagements


# --- schema versions --------------------------------------------------------------------------------------------------
def _set_revision(eng, revision, url=None):
    with Store(None if url else eng.store_path, engagement=eng.id, url=url, upgrading=True) as s, \
            s.transaction() as c:
        c.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{revision}'")


def test_a_store_made_by_a_newer_version_is_refused_by_every_command(eng, store_url):
    from click.testing import CliRunner

    from playbook.cli import main

    with open_store(eng) as s:
        s.save("mkt-1", "MSE-1", "yes", eng.period)
        assert s.revision() == HEAD
    _set_revision(eng, "9999", store_url)
    with pytest.raises(StoreError, match="made by a newer playbook; upgrade the package"):
        open_store(eng)
    with pytest.raises(StoreError, match="newer playbook"):
        open_store(eng, read_only=True)
    for args in (["status", str(eng.path)], ["invite", str(eng.path), "mkt-1"], ["export", str(eng.path)],
                 ["store", "upgrade", str(eng.path)]):
        res = CliRunner().invoke(main, args)
        assert res.exit_code == 2 and "newer playbook" in res.output and "Traceback" not in res.output, args
    assert not (eng.path / "answers.csv").exists()
    _set_revision(eng, HEAD, store_url)
    with open_store(eng, read_only=True) as s:
        assert len(s.tokens()) == 0 and len(s.history()) == 1  # nothing written by the refused commands


def test_store_upgrade_of_a_file_from_before_versions_keeps_every_row(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from playbook.cli import main

    monkeypatch.delenv("PLAYBOOK_STORE_URL", raising=False)
    eng = load(write_engagement(tmp_path / "old", id="old-eng"))
    c = sqlite3.connect(eng.store_path)
    c.executescript("""
        CREATE TABLE answers (id INTEGER PRIMARY KEY AUTOINCREMENT, respondent TEXT NOT NULL, item TEXT NOT NULL,
            value TEXT NOT NULL, comment TEXT NOT NULL DEFAULT '', source TEXT NOT NULL, wave TEXT NOT NULL,
            recorded_at TEXT NOT NULL);
        CREATE INDEX answers_key ON answers (respondent, item, wave, source, id);
        CREATE TABLE tokens (token_hash TEXT PRIMARY KEY, respondent TEXT NOT NULL, created_at TEXT NOT NULL,
            revoked_at TEXT, kind TEXT NOT NULL DEFAULT 'respondent', name TEXT NOT NULL DEFAULT '',
            expires_at TEXT, first_opened_at TEXT);
        CREATE TABLE pending_comments (respondent TEXT NOT NULL, item TEXT NOT NULL, wave TEXT NOT NULL,
            comment TEXT NOT NULL, recorded_at TEXT NOT NULL, PRIMARY KEY (respondent, item, wave));
        CREATE TABLE submissions (id INTEGER PRIMARY KEY AUTOINCREMENT, respondent TEXT NOT NULL, wave TEXT NOT NULL,
            submitted_at TEXT NOT NULL);
    """)
    for i in range(30):
        c.execute("INSERT INTO answers (respondent, item, value, comment, source, wave, recorded_at) VALUES "
                  "(?, ?, ?, ?, 'form', '2026-Q4', ?)", (RESPONDENTS[i % 4]["id"], f"CS1-{i % 8 + 1}", str(i % 5 + 1),
                                                         f"c{i}", f"2026-10-01T10:{i:02d}:00+00:00"))
    c.execute("INSERT INTO tokens (token_hash, respondent, created_at) VALUES ('h1', 'mkt-1', 't')")
    c.execute("INSERT INTO pending_comments VALUES ('mkt-1', 'MSE-4', '2026-Q4', 'kept', 't')")
    c.execute("INSERT INTO submissions (respondent, wave, submitted_at) VALUES ('mkt-1', '2026-Q4', 't')")
    c.commit()
    before = [tuple(r) for r in c.execute("SELECT * FROM answers ORDER BY id")]
    c.close()
    with Store.reader(eng.store_path) as s:  # read as it is, before any upgrade, and not changed by reading
        assert len(s.history()) == 30 and s.revision() is None
    res = CliRunner().invoke(main, ["store", "upgrade", str(eng.path)])
    assert res.exit_code == 0 and "upgraded from schema before versions to 0002" in res.output, res.output
    c = sqlite3.connect(eng.store_path)
    after = [tuple(r) for r in c.execute("SELECT id, respondent, item, value, comment, source, wave, recorded_at"
                                         " FROM answers ORDER BY id")]
    assert after == before
    assert {r[0] for r in c.execute("SELECT DISTINCT engagement FROM answers")} == {"old-eng"}
    for table in ("tokens", "pending_comments", "submissions"):
        assert c.execute(f"SELECT engagement FROM {table}").fetchall() == [("old-eng",)]
    c.close()
    res = CliRunner().invoke(main, ["store", "upgrade", str(eng.path)])
    assert res.exit_code == 0 and "up to date" in res.output
    with open_store(eng) as s:  # new answers continue the ids
        s.save("mkt-1", "MSE-1", "yes", "2026-Q4")
        assert len(s.history()) == 31 and s.pending_comments()[0]["comment"] == "kept"
