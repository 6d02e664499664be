import sqlite3
import threading

from playbook import load
from playbook.core.responses import current_answers, import_file
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
    added, unchanged = import_file(eng)
    assert added > 0 and unchanged == 0
    assert import_file(eng) == (0, added)
    with Store(eng.store_path) as s:
        first = len(s.history())
        mse1 = next(r for r in s.current(respondent="mkt-lead", wave="2026-Q4") if r["item"] == "MSE-1")
        assert s.import_file_answers([("mkt-lead", "MSE-1", mse1["value"], mse1["comment"], "2026-Q4")]) == (0, 1)
        assert len(s.history()) == first


def test_reading_never_writes(sample_copy):
    """Answers are read (file rows laid over the store) without creating or changing the store."""
    eng = load(sample_copy)
    from_file = current_answers(eng)
    assert from_file and not eng.store_path.exists()
    import_file(eng)
    stamp = eng.store_path.stat().st_mtime_ns
    assert current_answers(eng, file_rows=None) == current_answers(eng)
    assert [(a["respondent"], a["item"], a["value"]) for a in current_answers(eng)] == \
        [(a["respondent"], a["item"], a["value"]) for a in from_file]
    assert eng.store_path.stat().st_mtime_ns == stamp


def test_a_form_answer_beats_a_file_row_not_yet_imported(sample_copy):
    eng = load(sample_copy)
    with Store(eng.store_path) as s:
        s.save("mkt-lead", "MSE-1", "no", "2026-Q4")
    mine = {a["item"]: a for a in current_answers(eng) if a["respondent"] == "mkt-lead"}
    assert mine["MSE-1"]["value"] == "no" and mine["MSE-1"]["source"] == "form"
    assert mine["MSE-2"]["source"] == "file"


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
