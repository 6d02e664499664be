import sqlite3
import threading

from playbook import load
from playbook.core.responses import current_answers, open_store
from playbook.core.store import Store


def test_store_is_wal_with_busy_timeout(tmp_path):
    path = tmp_path / "a.sqlite"
    with Store(path) as s:
        s.save("r1", "MSE-1", "yes", "2026-Q4")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Store(path) as s:
        assert s.connection.execute("PRAGMA busy_timeout").fetchone()[0] == 30000


def test_form_answer_wins_over_file_and_latest_form_wins(tmp_path):
    with Store(tmp_path / "a.sqlite") as s:
        s.save("r1", "MSE-1", "no", "w", source="form")
        s.import_file_answers([("r1", "MSE-1", "yes", "from paper", "w")])
        assert s.current()[0]["value"] == "no"
        s.save("r1", "MSE-1", "yes", "w", "changed my mind", source="form")
        cur = s.current()
        assert (cur[0]["value"], cur[0]["comment"], cur[0]["source"]) == ("yes", "changed my mind", "form")
        # history keeps every answer
        assert [h["value"] for h in s.history()] == ["no", "yes", "yes"]


def test_latest_file_answer_wins_among_files(tmp_path):
    with Store(tmp_path / "a.sqlite") as s:
        s.import_file_answers([("r1", "SSE-1", "yes", "", "w")])
        s.import_file_answers([("r1", "SSE-1", "no", "", "w")])
        assert s.current()[0]["value"] == "no"


def test_waves_are_kept_apart(tmp_path):
    with Store(tmp_path / "a.sqlite") as s:
        s.save("r1", "CS1-1", 2, "2026-Q2")
        s.save("r1", "CS1-1", 4, "2026-Q4")
        assert s.waves() == ["2026-Q2", "2026-Q4"]
        assert [r["value"] for r in s.current(wave="2026-Q4")] == ["4"]
        assert len(s.current()) == 2


def test_import_is_idempotent(sample_copy):
    eng = load(sample_copy)
    with open_store(eng) as s:
        first = len(s.history())
    with open_store(eng) as s:
        assert len(s.history()) == first
        mse1 = next(r for r in s.current(respondent="mkt-lead") if r["item"] == "MSE-1")
        added, unchanged = s.import_file_answers([("mkt-lead", "MSE-1", mse1["value"], mse1["comment"], "2026-Q4")])
        assert (added, unchanged) == (0, 1)
    assert (sample_copy / "answers.sqlite").is_file()


def test_sample_is_never_written(tmp_path):
    from playbook.core.engagement import sample_path

    eng = load("")
    current_answers(eng)
    assert not (sample_path() / "answers.sqlite").exists()


def test_concurrent_writers_lose_nothing(tmp_path):
    path = tmp_path / "a.sqlite"
    Store(path).close()
    errors = []

    def writer(n):
        try:
            with Store(path) as s:
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
    with Store(path) as s:
        assert len(s.history()) == 8 * 25
        assert len(s.current()) == 8 * 8
