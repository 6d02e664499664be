"""The answer store's tables, and the schema versions this playbook knows (Alembic revisions).

Every table carries the ``engagement`` column, part of its keys and indexes. ``define`` builds
them on a MetaData, so the store and the migrations share one declaration.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import Column, Index, Integer, MetaData, PrimaryKeyConstraint, Table, Text
from sqlalchemy.exc import SQLAlchemyError

MIGRATIONS = Path(__file__).with_name("store_migrations")
# Alembic revisions this version knows, oldest first; the last is the schema the code below expects.
REVISIONS = ("0001", "0002")
HEAD = REVISIONS[-1]

COLUMNS = ("respondent", "item", "value", "comment", "source", "wave", "recorded_at")
TOKEN_COLUMNS = ("token_hash", "respondent", "created_at", "revoked_at", "kind", "name", "expires_at",
                 "first_opened_at")
PENDING_COLUMNS = ("respondent", "item", "wave", "comment", "recorded_at")
SUBMISSION_COLUMNS = ("respondent", "wave", "submitted_at")
TABLES = ("answers", "tokens", "pending_comments", "submissions")  # revision 0001's
MAILING_COLUMNS = ("respondent", "wave", "kind", "days", "email", "claimed_at", "sent_at", "sends", "failed_at",
                   "error", "attempts")
ALL_TABLES = (*TABLES, "mailings")  # revision 0002 adds the record of mails

# Errors a store may raise while it is used (a file gone, a server down): callers that must
# keep going (a served form) catch these.
ERRORS = (SQLAlchemyError, sqlite3.Error, OSError)


def define(metadata: MetaData, engagement_default: str | None = None) -> dict[str, Table]:
    """The tables of the current schema (also revision 0001's). ``engagement_default``: SQLite files only."""
    default = {"server_default": engagement_default} if engagement_default else {}

    def eng() -> Column:
        return Column("engagement", Text, nullable=False, **default)

    answers = Table(
        "answers", metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        eng(),
        Column("respondent", Text, nullable=False),
        Column("item", Text, nullable=False),
        Column("value", Text, nullable=False),
        Column("comment", Text, nullable=False, server_default=""),
        Column("source", Text, sa.CheckConstraint("source IN ('form', 'file')"), nullable=False),
        Column("wave", Text, nullable=False),
        Column("recorded_at", Text, nullable=False),
        Index("answers_key", "engagement", "respondent", "item", "wave", "source", "id"),
        sqlite_autoincrement=True,
    )
    # kind: respondent | consultant (a consultant token has respondent '' and the consultant's name).
    tokens = Table(
        "tokens", metadata,
        eng(),
        Column("token_hash", Text, nullable=False),
        Column("respondent", Text, nullable=False),
        Column("created_at", Text, nullable=False),
        Column("revoked_at", Text),
        Column("kind", Text, nullable=False, server_default="respondent"),
        Column("name", Text, nullable=False, server_default=""),
        Column("expires_at", Text),
        Column("first_opened_at", Text),
        PrimaryKeyConstraint("engagement", "token_hash", name="tokens_pkey"),
    )
    # A comment typed on a question not answered yet: kept until the answer comes, which then carries it.
    pending = Table(
        "pending_comments", metadata,
        eng(),
        Column("respondent", Text, nullable=False),
        Column("item", Text, nullable=False),
        Column("wave", Text, nullable=False),
        Column("comment", Text, nullable=False),
        Column("recorded_at", Text, nullable=False),
        PrimaryKeyConstraint("engagement", "respondent", "item", "wave", name="pending_comments_pkey"),
    )
    submissions = Table(
        "submissions", metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        eng(),
        Column("respondent", Text, nullable=False),
        Column("wave", Text, nullable=False),
        Column("submitted_at", Text, nullable=False),
        Index("submissions_key", "engagement", "wave", "respondent"),
        sqlite_autoincrement=True,
    )
    return {t.name: t for t in (answers, tokens, pending, submissions)}


def define_mailings(metadata: MetaData, engagement_default: str | None = None) -> Table:
    """Revision 0002: one row per respondent, wave and mail (the invitation, or the reminder so many days before
    the deadline), unique, so two servers sharing one database never send the same reminder twice.

    ``claimed_at``: a sender took the row and is sending (cleared when done); ``sent_at``: the last successful
    send (``sends`` of them); ``failed_at`` and ``error``: the last failure, with the server's reason.
    """
    default = {"server_default": engagement_default} if engagement_default else {}
    return Table(
        "mailings", metadata,
        Column("engagement", Text, nullable=False, **default),
        Column("respondent", Text, nullable=False),
        Column("wave", Text, nullable=False),
        Column("kind", Text, sa.CheckConstraint("kind IN ('invitation', 'reminder')"), nullable=False),
        Column("days", Integer, nullable=False, server_default="0"),  # a reminder's days before the deadline
        Column("email", Text, nullable=False, server_default=""),
        Column("claimed_at", Text),
        Column("sent_at", Text),
        Column("sends", Integer, nullable=False, server_default="0"),
        Column("failed_at", Text),
        Column("error", Text, nullable=False, server_default=""),
        Column("attempts", Integer, nullable=False, server_default="0"),
        PrimaryKeyConstraint("engagement", "respondent", "wave", "kind", "days", name="mailings_pkey"),
    )


_METADATA = MetaData()
MODEL = {**define(_METADATA), "mailings": define_mailings(_METADATA)}
