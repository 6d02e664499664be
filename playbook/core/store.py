"""The answer store: one SQLite file per engagement.

Several Voilà kernels may write at once, so the database runs in WAL mode with a
busy timeout, and every write is one short transaction. Nothing is overwritten:
each answer is a new row, and the current answer for a respondent, item and
wave is chosen by METHOD 5 (a form answer wins over a file answer; among
answers from the same source the latest wins).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    respondent  TEXT NOT NULL,
    item        TEXT NOT NULL,
    value       TEXT NOT NULL,
    comment     TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL CHECK (source IN ('form', 'file')),
    wave        TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_key ON answers (respondent, item, wave, source, id);
CREATE TABLE IF NOT EXISTS tokens (
    token_hash      TEXT PRIMARY KEY,
    respondent      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    revoked_at      TEXT,
    kind            TEXT NOT NULL DEFAULT 'respondent',
    name            TEXT NOT NULL DEFAULT '',
    expires_at      TEXT,
    first_opened_at TEXT
);
-- A comment typed on a question not answered yet: kept until the answer comes, which then carries it.
CREATE TABLE IF NOT EXISTS pending_comments (
    respondent  TEXT NOT NULL,
    item        TEXT NOT NULL,
    wave        TEXT NOT NULL,
    comment     TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (respondent, item, wave)
);
CREATE TABLE IF NOT EXISTS submissions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    respondent   TEXT NOT NULL,
    wave         TEXT NOT NULL,
    submitted_at TEXT NOT NULL
);
"""

CURRENT = """
SELECT respondent, item, value, comment, source, wave, recorded_at FROM (
    SELECT *, ROW_NUMBER() OVER (
        PARTITION BY respondent, item, wave
        ORDER BY (source = 'form') DESC, id DESC
    ) AS rank
    FROM answers {where}
) WHERE rank = 1 ORDER BY wave, respondent, id
"""

COLUMNS = ("respondent", "item", "value", "comment", "source", "wave", "recorded_at")

# Columns added to ``tokens`` after the first release, with their definitions: a store made
# before them gains them on open (``ALTER TABLE ... ADD COLUMN``), its rows unchanged.
# kind: respondent | consultant (a consultant token has respondent '' and the consultant's name).
TOKEN_UPGRADES = (
    ("kind", "TEXT NOT NULL DEFAULT 'respondent'"),
    ("name", "TEXT NOT NULL DEFAULT ''"),
    ("expires_at", "TEXT"),
    ("first_opened_at", "TEXT"),
)
TOKEN_COLUMNS = ("token_hash", "respondent", "created_at", "revoked_at", *(c for c, _ in TOKEN_UPGRADES))


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class Store:
    """Answers of one engagement. ``path=None`` keeps them in memory (read-only samples).

    ``existing=True`` opens a store that must already be there: a missing file is an
    error (``sqlite3.OperationalError``), never a new empty store.
    """

    def __init__(self, path: str | Path | None, create: bool = True, existing: bool = False):
        self.path = Path(path) if path else None
        if self.path and existing:
            self._conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=rw", uri=True, timeout=30,
                                         isolation_level=None)
        else:
            self._conn = sqlite3.connect(str(path) if path else ":memory:", timeout=30, isolation_level=None)
        self._conn.execute("PRAGMA busy_timeout = 30000")
        self._conn.text_factory = _text  # text that is not UTF-8 (written by another tool) reads, never fails
        if create:
            if self.path:
                self._conn.execute("PRAGMA journal_mode = WAL")
                # FULL: every commit syncs the write-ahead log, so an answer the page calls "saved"
                # survives a power cut (NORMAL may lose the last commits then).
                self._conn.execute("PRAGMA synchronous = FULL")
            self._conn.executescript(SCHEMA)
            self._upgrade()

    @classmethod
    def reader(cls, path: str | Path) -> Store:
        """An existing store opened for reading only: no schema set-up, no write transaction."""
        return cls(path, create=False)

    def _token_columns(self) -> set[str]:
        return {row[1] for row in self._conn.execute("PRAGMA table_info(tokens)")}

    def _upgrade(self) -> None:
        """Add the ``tokens`` columns a store made by an earlier version lacks (idempotent, safe to race)."""
        if all(c in self._token_columns() for c, _ in TOKEN_UPGRADES):
            return
        with self.transaction() as c:  # the write lock first: two processes never add the same column twice
            have = self._token_columns()
            for column, definition in TOKEN_UPGRADES:
                if column not in have:
                    c.execute(f"ALTER TABLE tokens ADD COLUMN {column} {definition}")

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taking the write lock up front so writers queue, not fail."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    # --- writing ---------------------------------------------------------------
    def save(self, respondent: str, item: str, value: str | int, wave: str, comment: str = "",
             source: str = "form") -> None:
        """Record one answer (validated by the caller)."""
        with self.transaction() as c:
            c.execute(
                "INSERT INTO answers (respondent, item, value, comment, source, wave, recorded_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (respondent, item, str(value), comment or "", source, wave, now()),
            )

    def save_form(self, respondent: str, item: str, value: str | int, wave: str, comment: str = "") -> bool:
        """Record a form answer unless it equals the current one; True when a row was written.

        The answer takes over a comment kept for the question while it had no answer.
        """
        with self.transaction() as c:
            cur = c.execute(CURRENT.format(where="WHERE respondent = ? AND item = ? AND wave = ?"),
                            (respondent, item, wave)).fetchone()
            if cur is not None and (cur[2], cur[3]) == (str(value), comment or ""):
                return False
            c.execute(
                "INSERT INTO answers (respondent, item, value, comment, source, wave, recorded_at)"
                " VALUES (?, ?, ?, ?, 'form', ?, ?)",
                (respondent, item, str(value), comment or "", wave, now()),
            )
            c.execute("DELETE FROM pending_comments WHERE respondent = ? AND item = ? AND wave = ?",
                      (respondent, item, wave))
        return True

    def keep_comment(self, respondent: str, item: str, wave: str, comment: str) -> bool:
        """Keep a comment typed on a question with no answer yet (an empty one is forgotten); True when changed."""
        with self.transaction() as c:
            if comment:
                cur = c.execute(
                    "INSERT INTO pending_comments (respondent, item, wave, comment, recorded_at) VALUES (?, ?, ?, ?, ?)"
                    " ON CONFLICT (respondent, item, wave) DO UPDATE SET comment = excluded.comment,"
                    " recorded_at = excluded.recorded_at WHERE comment != excluded.comment",
                    (respondent, item, wave, comment, now()))
            else:
                cur = c.execute("DELETE FROM pending_comments WHERE respondent = ? AND item = ? AND wave = ?",
                                (respondent, item, wave))
            return cur.rowcount > 0

    def import_file_answers(self, rows: Iterable[tuple[str, str, str, str, str]]) -> tuple[int, int]:
        """Add file answers ``(respondent, item, value, comment, wave)``; return (added, unchanged).

        Idempotent: a row equal to the latest file answer for its respondent,
        item and wave adds nothing, so importing the same file twice is harmless.
        """
        added = unchanged = 0
        stamp = now()
        with self.transaction() as c:
            for respondent, item, value, comment, wave in rows:
                last = c.execute(
                    "SELECT value, comment FROM answers WHERE respondent=? AND item=? AND wave=? AND source='file'"
                    " ORDER BY id DESC LIMIT 1",
                    (respondent, item, wave),
                ).fetchone()
                if last == (str(value), comment or ""):
                    unchanged += 1
                    continue
                c.execute(
                    "INSERT INTO answers (respondent, item, value, comment, source, wave, recorded_at)"
                    " VALUES (?, ?, ?, ?, 'file', ?, ?)",
                    (respondent, item, str(value), comment or "", wave, stamp),
                )
                added += 1
        return added, unchanged

    def submit(self, respondent: str, wave: str) -> None:
        with self.transaction() as c:
            c.execute("INSERT INTO submissions (respondent, wave, submitted_at) VALUES (?, ?, ?)",
                      (respondent, wave, now()))

    def submitted(self, respondent: str, wave: str) -> str | None:
        row = self._conn.execute(
            "SELECT MAX(submitted_at) FROM submissions WHERE respondent=? AND wave=?", (respondent, wave)
        ).fetchone()
        return row[0] if row else None

    # --- reading ---------------------------------------------------------------
    def current(self, respondent: str | None = None, wave: str | None = None) -> list[dict]:
        """The winning answer per respondent, item and wave, as dicts."""
        clauses, params = [], []
        if respondent is not None:
            clauses.append("respondent = ?")
            params.append(respondent)
        if wave is not None:
            clauses.append("wave = ?")
            params.append(wave)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._conn.execute(CURRENT.format(where=where), params).fetchall()
        return [dict(zip(COLUMNS, r)) for r in rows]

    def history(self, respondent: str | None = None) -> list[dict]:
        sql = "SELECT respondent, item, value, comment, source, wave, recorded_at FROM answers"
        rows = self._conn.execute(sql + (" WHERE respondent = ?" if respondent else "") + " ORDER BY id",
                                  (respondent,) if respondent else ()).fetchall()
        return [dict(zip(COLUMNS, r)) for r in rows]

    def tokens(self) -> list[dict]:
        """Every stored link (hashes only), as dicts of ``TOKEN_COLUMNS``; works on a store not yet upgraded."""
        have = self._token_columns()
        if not have:
            return []
        cols = ", ".join(c if c in have else f"NULL AS {c}" for c in TOKEN_COLUMNS)
        rows = [dict(zip(TOKEN_COLUMNS, r)) for r in self._conn.execute(f"SELECT {cols} FROM tokens ORDER BY rowid")]
        for r in rows:
            r["kind"] = r["kind"] or "respondent"
            r["name"] = r["name"] or ""
        return rows

    def submissions(self, wave: str | None = None) -> dict[str, str]:
        """The latest submission time per respondent (of one wave, or of any wave)."""
        sql = "SELECT respondent, MAX(submitted_at) FROM submissions"
        rows = self._conn.execute(sql + (" WHERE wave = ?" if wave is not None else "") + " GROUP BY respondent",
                                  (wave,) if wave is not None else ())
        return dict(rows.fetchall())

    def pending_comments(self, respondent: str | None = None, wave: str | None = None) -> list[dict]:
        """Comments kept for questions with no answer yet (none in a store older than them)."""
        if not self._conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'pending_comments'").fetchone():
            return []
        rows = self._conn.execute(
            "SELECT respondent, item, wave, comment, recorded_at FROM pending_comments"
            " WHERE (?1 IS NULL OR respondent = ?1) AND (?2 IS NULL OR wave = ?2) ORDER BY wave, respondent, item",
            (respondent, wave)).fetchall()
        return [dict(zip(("respondent", "item", "wave", "comment", "recorded_at"), r)) for r in rows]

    def waves(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT DISTINCT wave FROM answers ORDER BY wave")]

    @property
    def connection(self) -> sqlite3.Connection:
        return self._conn
