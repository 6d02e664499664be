"""The answer store: one interface over SQLAlchemy Core, two backends.

- **SQLite** (the default): ``answers.sqlite`` in the engagement folder, one engagement per
  file. Several Voilà kernels may write at once, so the file runs in WAL mode with a busy
  timeout and ``synchronous = FULL`` (every commit synced), and every write is one short
  ``BEGIN IMMEDIATE`` transaction (writers queue, never fail).
- **PostgreSQL**: ``PLAYBOOK_STORE_URL=postgresql://user@host:port/db`` (psycopg 3); one
  database holds many engagements. Writers of one engagement take a transaction-scoped
  advisory lock, so they queue exactly as on SQLite.

Every table carries the ``engagement`` column, part of its keys and indexes, and every query
filters by this store's engagement: no call reads or writes another engagement's rows.

Nothing is overwritten: each answer is a new row, and the current answer for a respondent,
item and wave is chosen by METHOD 5 (a form answer wins over a file answer; among answers
from the same source the latest wins).

The schema is versioned with Alembic (``playbook/core/store_migrations``). A store whose
schema is older than this version is refused with the command to run (``playbook store
upgrade DIR``), one newer is refused too. SQLite files in an engagement folder are the
exception: opened for writing, they are upgraded in place (the folder's file is the
consultant's own, and the upgrade is one transaction); read, they are read as they are.
"""

from __future__ import annotations

import os
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import MetaData, Table, event
from sqlalchemy.exc import DBAPIError

from playbook.core.store_schema import (
    COLUMNS,
    HEAD,
    MAILING_COLUMNS,
    MIGRATIONS,
    MODEL,
    PENDING_COLUMNS,
    REVISIONS,
    SUBMISSION_COLUMNS,
    TABLES,
    TOKEN_COLUMNS,
)
from playbook.core.store_url import (
    configured_url,
    folder_engagement,
    head_error,
    parse_url,
    pg_engine,
    shown,
    unreachable,
)

if TYPE_CHECKING:
    from playbook.core.engagement import Engagement


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


# --- the store ----------------------------------------------------------------------------------------------------
class Store:
    """Answers of one engagement.

    ``path``: a SQLite file (None keeps them in memory: previews of read-only samples); ``url``
    a PostgreSQL (or SQLite) URL instead. ``engagement``: the engagement id every row carries
    (default: the id in ``engagement.yaml`` beside the file). ``create=False`` reads only: no
    schema set-up, no write transaction. ``existing=True`` opens a store that must already be
    there: a missing file is an error (``sqlite3.OperationalError``), never a new empty store.
    """

    def __init__(self, path: str | Path | None = None, create: bool = True, existing: bool = False, *,
                 engagement: str | None = None, url: sa.URL | str | None = None, upgrading: bool = False):
        self.url = parse_url(str(url)) if isinstance(url, str) else url
        if self.url is not None and self.url.drivername == "sqlite":
            path, self.url = self.url.database, None
        self.path = Path(path) if path else None
        self.postgres = self.url is not None
        self.engagement = engagement if engagement is not None else (folder_engagement(self.path) if self.path
                                                                      else "")
        self.writer = create
        self._immediate = False
        self.where = shown(self.url) if self.postgres else str(self.path or ":memory:")
        self._engine = pg_engine(self.url) if self.postgres else self._sqlite_engine(existing)
        try:
            self._conn = self._engine.connect()
        except DBAPIError as exc:
            if self.postgres:
                raise unreachable(self.url, exc) from None
            raise exc.orig from None  # a SQLite file that is not there (existing=True) or cannot be opened
        try:
            self._tables = {} if upgrading else self._schema(create)  # upgrading: upgrade() comes next
        except BaseException:
            self._conn.close()
            raise

    def _sqlite_engine(self, existing: bool) -> sa.Engine:
        path = self.path

        def connect() -> sqlite3.Connection:
            if path and existing:
                conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=30,
                                       isolation_level=None, check_same_thread=False)
            else:
                conn = sqlite3.connect(str(path) if path else ":memory:", timeout=30, isolation_level=None,
                                       check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.text_factory = lambda raw: raw.decode("utf-8", "replace")  # text from other tools reads, never fails
            if path:
                # FULL: every commit syncs the write-ahead log, so an answer the page calls "saved"
                # survives a power cut (NORMAL may lose the last commits then).
                conn.execute("PRAGMA synchronous = FULL")
            return conn

        engine = sa.create_engine("sqlite://", creator=connect, poolclass=sa.pool.StaticPool)

        @event.listens_for(engine, "begin")
        def begin(conn):  # the driver's own transaction handling is off: we say BEGIN, and which one
            conn.exec_driver_sql("BEGIN IMMEDIATE" if self._immediate else "BEGIN")

        return engine

    @classmethod
    def reader(cls, path: str | Path, engagement: str | None = None) -> Store:
        """An existing SQLite file opened for reading only: no schema set-up, no write transaction."""
        return cls(path, create=False, engagement=engagement)

    # --- schema version -------------------------------------------------------------------------------------------
    def _revision(self) -> tuple[str | None, set[str]]:
        """(the Alembic revision, or None; the tables there are) in one short read."""
        names = set(sa.inspect(self._conn).get_table_names())
        found = None
        if "alembic_version" in names:
            found = self._conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        self._conn.rollback()
        return found, names

    def _schema(self, create: bool) -> dict[str, Table]:
        """Check (and for a writer: set up or upgrade where allowed) the schema; the tables to query."""
        if not self.postgres and self.path and create:  # outside any transaction, as SQLite requires
            self.connection.execute("PRAGMA journal_mode = WAL")
        found, names = self._revision()
        if found == HEAD:
            return {n: t for n, t in MODEL.items() if n in names}  # a table dropped by hand reads as empty
        if found is not None and found not in REVISIONS:
            raise head_error(self.where, found)
        empty = not names & set(TABLES)
        if create and (empty or not self.postgres):
            # a new store gets the schema; a SQLite file in its folder is upgraded in place
            self.upgrade()
            return MODEL
        if found is None and not create and (empty or not self.postgres):
            return self._legacy(names) if not empty else {}  # a SQLite file read as it is: reading never writes
        raise head_error(self.where, found)

    def _legacy(self, names: set[str]) -> dict[str, Table]:
        """The tables of a SQLite file made before schema versions (one engagement, no engagement column)."""
        md = MetaData()
        md.reflect(self._conn, only=[n for n in TABLES if n in names])
        self._conn.rollback()
        return dict(md.tables)

    def revision(self) -> str | None:
        return self._revision()[0]

    def upgrade(self) -> tuple[str | None, str]:
        """Bring the schema to this version (Alembic, one transaction, writers locked out): (before, after)."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["engagement"] = self.engagement
        with self.transaction() as conn:
            if self.postgres:  # one upgrade at a time in the whole database, whichever engagement asks
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _lock_key("")})
            before = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() if sa.inspect(
                conn).has_table("alembic_version") else None
            if before is not None and before not in REVISIONS:
                raise head_error(self.where, before)
            if before != HEAD:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        self._tables = MODEL
        return before, HEAD

    # --- plumbing -------------------------------------------------------------------------------------------------
    def close(self) -> None:
        self._conn.close()
        if not self.postgres:
            self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sa.Connection]:
        """One write transaction, taking the engagement's write lock up front so writers queue, not fail."""
        if self._conn.in_transaction():
            self._conn.rollback()
        self._immediate = True
        try:
            with self._conn.begin():
                if self.postgres:
                    self._conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _lock_key(self.engagement)})
                yield self._conn
        finally:
            self._immediate = False

    @contextmanager
    def _reading(self) -> Iterator[sa.Connection]:
        """One short read transaction (never the write lock)."""
        if self._conn.in_transaction():
            self._conn.rollback()
        with self._conn.begin():
            yield self._conn

    def _t(self, name: str) -> Table | None:
        return self._tables.get(name)

    def _mine(self, t: Table):
        """Rows of this store's engagement (a file from before versions holds only its own)."""
        return t.c.engagement == self.engagement if "engagement" in t.c else sa.true()

    @property
    def connection(self):
        """The driver's connection (sqlite3 for SQLite files): for tests and diagnostics only."""
        return self._conn.connection.driver_connection

    # --- writing --------------------------------------------------------------------------------------------------
    def _insert_answer(self, c: sa.Connection, respondent, item, value, comment, source, wave, stamp) -> None:
        c.execute(MODEL["answers"].insert().values(
            engagement=self.engagement, respondent=respondent, item=item, value=str(value), comment=comment or "",
            source=source, wave=wave, recorded_at=stamp))

    def save(self, respondent: str, item: str, value: str | int, wave: str, comment: str = "",
             source: str = "form") -> None:
        """Record one answer (validated by the caller)."""
        with self.transaction() as c:
            self._insert_answer(c, respondent, item, value, comment, source, wave, now())

    def save_form(self, respondent: str, item: str, value: str | int, wave: str, comment: str = "") -> bool:
        """Record a form answer unless it equals the current one; True when a row was written.

        The answer takes over a comment kept for the question while it had no answer.
        """
        with self.transaction() as c:
            cur = c.execute(self._current_query(respondent=respondent, wave=wave, item=item)).first()
            if cur is not None and (cur.value, cur.comment) == (str(value), comment or ""):
                return False
            self._insert_answer(c, respondent, item, value, comment, "form", wave, now())
            p = MODEL["pending_comments"]
            c.execute(p.delete().where(self._mine(p), p.c.respondent == respondent, p.c.item == item,
                                       p.c.wave == wave))
        return True

    def keep_comment(self, respondent: str, item: str, wave: str, comment: str) -> bool:
        """Keep a comment typed on a question with no answer yet (an empty one is forgotten); True when changed."""
        p = MODEL["pending_comments"]
        with self.transaction() as c:
            if comment:
                ins = (_dialect_insert(c)(p).values(engagement=self.engagement, respondent=respondent, item=item,
                                                    wave=wave, comment=comment, recorded_at=now()))
                ins = ins.on_conflict_do_update(
                    index_elements=["engagement", "respondent", "item", "wave"],
                    set_={"comment": ins.excluded.comment, "recorded_at": ins.excluded.recorded_at},
                    where=p.c.comment != ins.excluded.comment)
                # RETURNING, not rowcount: the PostgreSQL driver gives no count for an INSERT … ON CONFLICT
                return c.execute(ins.returning(p.c.respondent)).first() is not None
            cur = c.execute(p.delete().where(self._mine(p), p.c.respondent == respondent, p.c.item == item,
                                             p.c.wave == wave))
            return cur.rowcount > 0

    def import_file_answers(self, rows: Iterable[tuple[str, str, str, str, str]]) -> tuple[int, int]:
        """Add file answers ``(respondent, item, value, comment, wave)``; return (added, unchanged).

        Idempotent: a row equal to the latest file answer for its respondent,
        item and wave adds nothing, so importing the same file twice is harmless.
        """
        a = MODEL["answers"]
        added = unchanged = 0
        stamp = now()
        with self.transaction() as c:
            latest = {}
            for r in c.execute(sa.select(a.c.respondent, a.c.item, a.c.wave, a.c.value, a.c.comment)
                               .where(self._mine(a), a.c.source == "file").order_by(a.c.id)):
                latest[(r.respondent, r.item, r.wave)] = (r.value, r.comment)
            for respondent, item, value, comment, wave in rows:
                if latest.get((respondent, item, wave)) == (str(value), comment or ""):
                    unchanged += 1
                    continue
                self._insert_answer(c, respondent, item, value, comment, "file", wave, stamp)
                latest[(respondent, item, wave)] = (str(value), comment or "")
                added += 1
        return added, unchanged

    def submit(self, respondent: str, wave: str) -> None:
        with self.transaction() as c:
            c.execute(MODEL["submissions"].insert().values(engagement=self.engagement, respondent=respondent,
                                                           wave=wave, submitted_at=now()))

    # --- links (tokens) -------------------------------------------------------------------------------------------
    def add_token(self, token_hash: str, respondent: str, kind: str, name: str = "",
                  expires_at: str | None = None) -> None:
        with self.transaction() as c:
            c.execute(MODEL["tokens"].insert().values(
                engagement=self.engagement, token_hash=token_hash, respondent=respondent, created_at=now(),
                kind=kind, name=name, expires_at=expires_at))

    def revoke_tokens(self, kind: str, *, respondent: str | None = None, name: str | None = None) -> int:
        """Revoke the live links of one respondent (or one consultant, by name); how many were."""
        t = MODEL["tokens"]
        who = t.c.respondent == respondent if respondent is not None else t.c.name == name
        with self.transaction() as c:
            return c.execute(t.update().where(self._mine(t), t.c.kind == kind, who, t.c.revoked_at.is_(None))
                             .values(revoked_at=now())).rowcount

    def set_token(self, token_hash: str, **values) -> int:
        """Change a stored link's ``revoked_at``/``expires_at`` (tests, tools); rows changed."""
        t = MODEL["tokens"]
        with self.transaction() as c:
            return c.execute(t.update().where(self._mine(t), t.c.token_hash == token_hash).values(**values)).rowcount

    def token(self, token_hash: str) -> dict | None:
        """One stored link (a dict of ``TOKEN_COLUMNS``), or None."""
        return next((r for r in self.tokens(token_hash) if r["token_hash"] == token_hash), None)

    def mark_opened(self, token_hash: str, at: str) -> bool:
        """Record a link's first use; True when this call recorded it (a link seen before only reads)."""
        seen = self.token(token_hash)
        if seen is None or seen["first_opened_at"] is not None:
            return False
        t = MODEL["tokens"]
        with self.transaction() as c:
            return c.execute(t.update().where(self._mine(t), t.c.token_hash == token_hash,
                                              t.c.first_opened_at.is_(None)).values(first_opened_at=at)).rowcount == 1

    # --- mails (invitations and reminders) -------------------------------------------------------------------------
    def claim_mailing(self, respondent: str, wave: str, kind: str, days: int, email: str, *, stale_before: str,
                      retry_before: str, again: bool = False) -> bool:
        """Take the mail (``kind``, ``days``) of ``respondent`` for ``wave`` to send it; False when it is not this
        caller's to send: sent already (unless ``again``), being sent by another sender (claimed after
        ``stale_before``), or failed after ``retry_before``.

        One row per respondent, wave, kind and days (the table's key), taken under the engagement's write lock: of
        two servers asking at once, one gets it.
        """
        m = MODEL["mailings"]
        key = (self._mine(m), m.c.respondent == respondent, m.c.wave == wave, m.c.kind == kind, m.c.days == days)
        stamp = now()
        with self.transaction() as c:
            row = c.execute(sa.select(m.c.claimed_at, m.c.sent_at, m.c.failed_at).where(*key)).first()
            if row is None:
                c.execute(m.insert().values(engagement=self.engagement, respondent=respondent, wave=wave, kind=kind,
                                            days=days, email=email, claimed_at=stamp))
                return True
            if (row.sent_at is not None and not again) or (row.claimed_at is not None and row.claimed_at > stale_before):
                return False
            if row.failed_at is not None and row.failed_at > retry_before and (row.sent_at is None or not again):
                return False
            c.execute(m.update().where(*key).values(claimed_at=stamp, email=email))
        return True

    def finish_mailing(self, respondent: str, wave: str, kind: str, days: int, error: str = "") -> None:
        """Record how a claimed mail went: sent (``error`` empty), or failed with the server's reason."""
        m = MODEL["mailings"]
        key = (self._mine(m), m.c.respondent == respondent, m.c.wave == wave, m.c.kind == kind, m.c.days == days)
        done = {"sent_at": now(), "sends": m.c.sends + 1, "failed_at": None, "error": ""} if not error else {
            "failed_at": now(), "error": error[:500]}
        with self.transaction() as c:
            c.execute(m.update().where(*key).values(claimed_at=None, attempts=m.c.attempts + 1, **done))

    def mailings(self, wave: str | None = None) -> list[dict]:
        """Every mail recorded (of one wave, or of all), as dicts of ``MAILING_COLUMNS``; none in an older store."""
        m = self._t("mailings")
        if m is None:
            return []
        q = sa.select(*(m.c[n] for n in MAILING_COLUMNS)).where(self._mine(m))
        if wave is not None:
            q = q.where(m.c.wave == wave)
        return self._rows(q.order_by(m.c.wave, m.c.respondent, m.c.kind, m.c.days), MAILING_COLUMNS)

    # --- reading --------------------------------------------------------------------------------------------------
    def _current_query(self, respondent: str | None = None, wave: str | None = None, item: str | None = None):
        a = self._t("answers")
        rank = sa.func.row_number().over(
            partition_by=(a.c.respondent, a.c.item, a.c.wave),
            order_by=(sa.case((a.c.source == "form", 1), else_=0).desc(), a.c.id.desc())).label("rank")
        q = sa.select(*(a.c[n] for n in COLUMNS), a.c.id, rank).where(self._mine(a))
        for col, val in (("respondent", respondent), ("wave", wave), ("item", item)):
            if val is not None:
                q = q.where(a.c[col] == val)
        sub = q.subquery()
        return (sa.select(*(sub.c[n] for n in COLUMNS)).where(sub.c.rank == 1)
                .order_by(sub.c.wave, sub.c.respondent, sub.c.id))

    def _rows(self, query, columns) -> list[dict]:
        with self._reading() as c:
            return [dict(zip(columns, r)) for r in c.execute(query)]

    def current(self, respondent: str | None = None, wave: str | None = None) -> list[dict]:
        """The winning answer per respondent, item and wave, as dicts."""
        if self._t("answers") is None:
            return []
        return self._rows(self._current_query(respondent, wave), COLUMNS)

    def history(self, respondent: str | None = None) -> list[dict]:
        a = self._t("answers")
        if a is None:
            return []
        q = sa.select(*(a.c[n] for n in COLUMNS)).where(self._mine(a)).order_by(a.c.id)
        if respondent:
            q = q.where(a.c.respondent == respondent)
        return self._rows(q, COLUMNS)

    def tokens(self, token_hash: str | None = None) -> list[dict]:
        """Every stored link (hashes only), as dicts of ``TOKEN_COLUMNS``; works on a store not yet upgraded."""
        t = self._t("tokens")
        if t is None:
            return []
        cols = [t.c[n] if n in t.c else sa.null().label(n) for n in TOKEN_COLUMNS]
        q = sa.select(*cols).where(self._mine(t))
        if token_hash is not None:
            q = q.where(t.c.token_hash == token_hash)
        # issue order (a file from before versions: its row order)
        order = (t.c.created_at, t.c.token_hash) if "engagement" in t.c else (sa.literal_column("rowid"),)
        rows = self._rows(q.order_by(*order), TOKEN_COLUMNS)
        for r in rows:
            r["kind"] = r["kind"] or "respondent"
            r["name"] = r["name"] or ""
        return rows

    def submitted(self, respondent: str, wave: str) -> str | None:
        s = self._t("submissions")
        if s is None:
            return None
        with self._reading() as c:
            return c.execute(sa.select(sa.func.max(s.c.submitted_at)).where(
                self._mine(s), s.c.respondent == respondent, s.c.wave == wave)).scalar()

    def submissions(self, wave: str | None = None) -> dict[str, str]:
        """The latest submission time per respondent (of one wave, or of any wave)."""
        s = self._t("submissions")
        if s is None:
            return {}
        q = sa.select(s.c.respondent, sa.func.max(s.c.submitted_at)).where(self._mine(s)).group_by(s.c.respondent)
        if wave is not None:
            q = q.where(s.c.wave == wave)
        with self._reading() as c:
            return {r[0]: r[1] for r in c.execute(q)}

    def submission_rows(self) -> list[dict]:
        """Every submission, oldest first (history, for copies and comparisons)."""
        s = self._t("submissions")
        if s is None:
            return []
        return self._rows(sa.select(*(s.c[n] for n in SUBMISSION_COLUMNS)).where(self._mine(s)).order_by(s.c.id),
                          SUBMISSION_COLUMNS)

    def pending_comments(self, respondent: str | None = None, wave: str | None = None) -> list[dict]:
        """Comments kept for questions with no answer yet (none in a store older than them)."""
        p = self._t("pending_comments")
        if p is None:
            return []
        q = sa.select(*(p.c[n] for n in PENDING_COLUMNS)).where(self._mine(p))
        if respondent is not None:
            q = q.where(p.c.respondent == respondent)
        if wave is not None:
            q = q.where(p.c.wave == wave)
        return self._rows(q.order_by(p.c.wave, p.c.respondent, p.c.item), PENDING_COLUMNS)

    def waves(self) -> list[str]:
        a = self._t("answers")
        if a is None:
            return []
        with self._reading() as c:
            return list(c.execute(sa.select(a.c.wave).where(self._mine(a)).distinct().order_by(a.c.wave)).scalars())

    def engagements(self) -> list[str]:
        """The engagement ids with any row in this store (a PostgreSQL store holds many)."""
        ids: set[str] = set()
        with self._reading() as c:
            for name in TABLES:
                t = self._t(name)
                if t is not None and "engagement" in t.c:
                    ids.update(c.execute(sa.select(t.c.engagement).distinct()).scalars())
        return sorted(ids)

    # --- copying --------------------------------------------------------------------------------------------------
    def rows_of(self) -> dict[str, list[dict]]:
        """Everything this engagement holds, table by table, oldest first (what ``copy_into`` moves)."""
        return {"answers": self.history(), "tokens": self.tokens(), "submissions": self.submission_rows(),
                "pending_comments": self.pending_comments(), "mailings": self.mailings()}

    def add_rows(self, rows: dict[str, list[dict]]) -> dict[str, int]:
        """Write ``rows`` (as from ``rows_of``) in one transaction; how many per table."""
        with self.transaction() as c:
            for name, table_rows in rows.items():
                if table_rows:
                    c.execute(MODEL[name].insert(), [{**r, "engagement": self.engagement} for r in table_rows])
        return {name: len(r) for name, r in rows.items()}


def _lock_key(engagement: str) -> int:
    """A stable 63-bit advisory-lock key for one engagement's writers."""
    return zlib.crc32(f"playbook:{engagement}".encode()) or 1


def _dialect_insert(conn: sa.Connection):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


# --- the one way callers open a store -----------------------------------------------------------------------------
def _preview_only(eng: Engagement, path: Path | None) -> bool:
    """The shipped sample, and a read-only folder whose own file would be the store, are never written: memory."""
    from playbook.core.engagement import sample_path

    if eng.path == sample_path().resolve():
        return True
    return path is not None and path == eng.store_path and not os.access(eng.path, os.W_OK)


def open_store(eng: Engagement, *, read_only: bool = False, create: bool = True) -> Store:
    """The store of engagement ``eng``: ``PLAYBOOK_STORE_URL``'s database, else the folder's ``answers.sqlite``.

    ``read_only``: reading only, nothing made or changed (a SQLite file not there yet reads as an
    empty store in memory). ``create=False``: the store must be there already (under ``playbook
    serve``, which checked it at start): never memory, never a new empty file. Otherwise the
    store for writing; the sample engagement and read-only folders get one in memory (previews).
    """
    url = configured_url()
    path = eng.store_path
    if url is not None and url.drivername == "sqlite":  # one SQLite file named by the URL, for every engagement
        path, url = Path(url.database), None
    where = {"url": url} if url is not None else {}
    if read_only:
        if url is None and not path.is_file():
            return Store(None, engagement=eng.id)
        return Store(None if url else path, create=False, engagement=eng.id, **where)
    if not create:
        return Store(None if url else path, existing=True, engagement=eng.id, **where)
    if _preview_only(eng, None if url else path):
        return Store(None, engagement=eng.id)
    return Store(None if url else path, engagement=eng.id, **where)
