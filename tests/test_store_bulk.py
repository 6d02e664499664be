"""Many rows at once, on both backends: imports, copies and links are written in batches, and an import with
nothing new writes nothing (no write transaction at all)."""

import sqlite3
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from playbook import load
from playbook.core.responses import import_file
from playbook.core.store import BATCH, Store, open_store

from .conftest import write_engagement


@contextmanager
def statements():
    """Every SQL statement any store of this process sends to its database while the block runs: (SQL, rows)."""
    seen: list[tuple[str, int]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((" ".join(statement.split()), len(parameters) if executemany else 1))

    sa.event.listen(sa.Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", record)


def writes(seen: list[tuple[str, int]]) -> list[str]:
    """The statements among ``seen`` that write or take the write lock."""
    marks = ("INSERT", "UPDATE", "DELETE", "BEGIN IMMEDIATE", "PG_ADVISORY_XACT_LOCK")
    return [sql for sql, _ in seen if any(m in sql.upper() for m in marks)]


def inserts(seen: list[tuple[str, int]], table: str) -> list[int]:
    """Rows per INSERT statement into ``table``."""
    return [n for sql, n in seen if sql.upper().startswith(f"INSERT INTO {table.upper()} ")]


@pytest.fixture
def eng(tmp_path, store_url):
    return load(write_engagement(tmp_path / "eng"))


def many(n: int, wave: str = "w") -> list[tuple[str, str, str, str, str]]:
    return [(f"r{k:05d}", f"CS1-{k % 8 + 1}", str(k % 5 + 1), "", wave) for k in range(n)]


def test_an_import_writes_its_rows_in_batches(eng):
    rows = many(2 * BATCH + 7)
    with open_store(eng) as s, statements() as seen:
        assert s.import_file_answers(rows) == (len(rows), 0)
    sizes = inserts(seen, "answers")
    assert sum(sizes) == len(rows)
    # one executemany per batch (PostgreSQL's driver may split a batch into pages of its own, never per row)
    assert 3 <= len(sizes) <= len(rows) // 500, sizes
    with open_store(eng, read_only=True) as s:
        assert [(h["respondent"], h["item"], h["value"], h["wave"]) for h in s.history()] == \
            [(r, i, v, w) for r, i, v, _, w in rows]
        assert {h["source"] for h in s.history()} == {"file"}


def test_an_unchanged_responses_file_opens_no_write_transaction(sample_copy, store_url):
    eng = load(sample_copy)
    added, _ = import_file(eng)
    assert added > 0
    if store_url is None:
        other = sqlite3.connect(eng.store_path)  # data_version moves when another connection commits a change
        version = other.execute("PRAGMA data_version").fetchone()[0]
        files = [eng.store_path, eng.store_path.with_name("answers.sqlite-wal")]  # the log is kept while it is open
        stamps = [p.stat().st_mtime_ns for p in files]
    with statements() as seen:
        assert import_file(eng) == (0, added)
    assert seen and writes(seen) == []
    if store_url is None:
        assert [p.stat().st_mtime_ns for p in files] == stamps
        assert other.execute("PRAGMA data_version").fetchone()[0] == version
        other.close()


def test_form_answers_still_win_and_history_is_kept_after_a_batched_import(eng):
    with open_store(eng) as s:
        s.save("r00001", "CS1-2", "5", "w", source="form")
        rows = many(BATCH + 3)
        s.import_file_answers(rows)
        changed = [(r, i, "1" if v != "1" else "2", "on paper", w) for r, i, v, _, w in rows[:10]]
        assert s.import_file_answers(changed + rows[10:]) == (10, len(rows) - 10)
        current = {(c["respondent"], c["item"]): c for c in s.current(wave="w")}
        assert (current[("r00001", "CS1-2")]["value"], current[("r00001", "CS1-2")]["source"]) == ("5", "form")
        assert current[("r00002", "CS1-3")]["comment"] == "on paper"
        assert len(s.history()) == 1 + len(rows) + 10


@pytest.mark.parametrize("fast", [True, False])
def test_a_file_repeating_a_key_keeps_both_rows_the_last_wins_and_twice_adds_nothing(eng, monkeypatch, fast):
    with open_store(eng) as s:
        rows = [("r1", "MSE-1", "yes", "", "w"), ("r1", "MSE-1", "no", "", "w"), ("r1", "MSE-1", "no", "", "w"),
                ("r2", "MSE-1", "yes", "", "w")]
        assert s.import_file_answers(rows) == (3, 1)
        assert [(c["respondent"], c["value"]) for c in s.current()] == [("r1", "no"), ("r2", "yes")]
        if not fast:  # what the last import left is not known: the rows are compared with the stored answers
            monkeypatch.setattr(Store, "_last_import", lambda self, c: None)
        assert s.import_file_answers(rows) == (0, 4)
        assert s.import_file_answers(rows[:1]) == (1, 0)  # the file now says yes
        assert s.current()[0]["value"] == "yes" and len(s.history()) == 4


def test_an_import_between_the_read_and_the_write_is_not_added_twice(eng, monkeypatch):
    """What is new is found in a read; under the write lock the rows written since are read again."""
    rows = many(20)
    with open_store(eng) as first, open_store(eng) as second:
        reading = Store._reading

        @contextmanager
        def read_then_another_import(self):
            with reading(self) as c:
                yield c
            if self is first:
                monkeypatch.setattr(Store, "_reading", reading)
                assert second.import_file_answers(rows[:15]) == (15, 0)

        monkeypatch.setattr(Store, "_reading", read_then_another_import)
        assert first.import_file_answers(rows) == (5, 15)
        assert len(first.history()) == 20



@pytest.mark.parametrize("target", ["sqlite", "postgresql"])
def test_store_copy_writes_in_batches_and_a_second_copy_writes_nothing(tmp_path, monkeypatch, request, target):
    from playbook.core.store_admin import copy_into
    from playbook.core.store_url import ENV

    from .conftest import reset_pg

    monkeypatch.delenv(ENV, raising=False)
    eng = load(write_engagement(tmp_path / "eng"))
    rows = many(BATCH + 11)
    with open_store(eng) as s:
        s.import_file_answers(rows)
        s.save("r00003", "MSE-1", "yes", "w", "typed")
    if target == "sqlite":
        url = f"sqlite:///{tmp_path / 'target.sqlite'}"
    else:
        url = request.getfixturevalue("pg_url")
        reset_pg(url)
    with statements() as seen:
        assert copy_into(eng, url)["answers"] == (len(rows) + 1, 0)
    sizes = inserts(seen, "answers")
    assert sum(sizes) == len(rows) + 1 and len(sizes) >= 2 and max(sizes) <= BATCH, sizes
    with statements() as seen:
        assert copy_into(eng, url)["answers"] == (0, len(rows) + 1)
    assert writes(seen) == []


def test_a_file_answer_removed_by_hand_is_imported_again(eng):
    """The last import's digest only counts while the file answers are as that import left them."""
    rows = many(30)
    with open_store(eng) as s:
        assert s.import_file_answers(rows) == (30, 0)
        with s.transaction() as c:
            c.exec_driver_sql("DELETE FROM answers WHERE respondent = 'r00007'")
        assert s.import_file_answers(rows) == (1, 29)
        assert len(s.history()) == 30


def _as_revision(eng, url, revision: str):
    """The store as an older version left it: schema 0002 without the imports table, 0001 without mails either."""
    with Store(None if url else eng.store_path, engagement=eng.id, url=url, upgrading=True) as s, \
            s.transaction() as c:
        c.exec_driver_sql("DROP TABLE imports")
        if revision == "0001":
            c.exec_driver_sql("DROP TABLE mailings")
        c.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{revision}'")


@pytest.mark.parametrize("revision", ["0001", "0002"])
def test_a_store_of_an_older_schema_is_read_as_it_is_and_upgraded_when_written(eng, store_url, revision):
    from click.testing import CliRunner

    from playbook.cli import main
    from playbook.core.store_schema import HEAD
    from playbook.core.store_url import StoreError

    rows = many(12)
    with open_store(eng) as s:
        s.import_file_answers(rows)
    _as_revision(eng, store_url, revision)
    if store_url:  # a PostgreSQL store is upgraded by the command, never by a reader or a writer
        with pytest.raises(StoreError, match="playbook store upgrade"):
            open_store(eng, read_only=True)
        res = CliRunner().invoke(main, ["store", "upgrade", str(eng.path)])
        assert res.exit_code == 0 and f"upgraded from schema {revision} to {HEAD}" in res.output, res.output
    else:
        with open_store(eng, read_only=True) as s:  # the file read as it is: reading never writes
            assert len(s.history()) == 12 and s.revision() == revision and s.mailings() == []
    with open_store(eng) as s:
        assert s.revision() == HEAD
        with statements() as first:
            assert s.import_file_answers(rows) == (0, 12)  # compared row by row; the digest kept for next time
        with statements() as second:
            assert s.import_file_answers(rows) == (0, 12)
    assert inserts(first, "answers") == [] and len(inserts(first, "imports")) == 1
    assert writes(second) == []


def test_invitations_and_reminders_store_their_links_in_one_transaction(tmp_path, store_url):
    import csv
    from urllib.parse import parse_qs, urlsplit

    from click.testing import CliRunner

    from playbook.cli import main
    from playbook.outreach import links

    people = [{"id": f"r-{n:03d}", "name": f"Person {n}", "side": ("marketing", "sales")[n % 2], "role": "member"}
              for n in range(40)]
    eng = load(write_engagement(tmp_path / "eng", respondents=people))
    open_store(eng).close()  # the store made first: what follows is the invitations' own writing
    with statements() as seen:
        res = CliRunner().invoke(main, ["invite", str(eng.path), "--all"])
    assert res.exit_code == 0, res.output
    assert inserts(seen, "tokens") == [40]
    assert len([sql for sql in writes(seen) if sql.startswith(("BEGIN IMMEDIATE", "SELECT pg_advisory_xact_lock"))]) == 1
    with open_store(eng) as s:
        s.submit("r-000", eng.period)
    with statements() as seen:
        res = CliRunner().invoke(main, ["invite", str(eng.path), "--remind"])
    assert res.exit_code == 0, res.output
    assert inserts(seen, "tokens") == [39]
    with (eng.path / "reminders.csv").open(encoding="utf-8") as f:
        reminders = list(csv.DictReader(f))
    assert [r["name"] for r in reminders] == [p["name"] for p in people[1:]]
    for row in reminders:  # each new link opens its own person's form
        token = parse_qs(urlsplit(row["link"]).query)["t"][0]
        assert eng.respondent(links.respondent_for(eng, token)).name == row["name"]


def test_playbook_import_twice_writes_nothing_the_second_time(sample_copy, store_url):
    from click.testing import CliRunner

    from playbook.cli import main

    first = CliRunner().invoke(main, ["import", str(sample_copy)])
    assert first.exit_code == 0 and "0 unchanged" in first.output, first.output
    with statements() as seen:
        again = CliRunner().invoke(main, ["import", str(sample_copy)])
    assert again.exit_code == 0 and ": 0 answer(s) added" in again.output, again.output
    assert writes(seen) == []
    assert ("postgresql" in again.output) == bool(store_url)  # the store it went to, not always a file name
    assert "playbook-test" not in again.output  # never the password
