"""Where the answer store is: ``PLAYBOOK_STORE_URL`` (or ``--store``), and the one message for each way it fails.

Unset: each engagement's own ``answers.sqlite``. ``postgresql://USER@HOST:PORT/DB``: one PostgreSQL
database for many engagements (psycopg 3). Printed URLs never show a password.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import ArgumentError, DBAPIError

from playbook.core.errors import UserError
from playbook.core.store_schema import HEAD, REVISIONS

ENV = "PLAYBOOK_STORE_URL"
CONNECT_TIMEOUT = 5  # seconds: an unreachable server is reported quickly, not after minutes


class StoreError(UserError):
    """A store that cannot be used as it is: one message naming the store and what to do."""


# --- where the store is -------------------------------------------------------------------------------------------
def parse_url(text: str) -> sa.URL:
    """A store URL: ``sqlite:///path`` or ``postgresql://…`` (``postgresql+psycopg://`` too); else StoreError."""
    try:
        url = sa.make_url(text.strip())
    except ArgumentError:
        url = None
    if url is not None and url.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
        return url.set(drivername="postgresql+psycopg")
    if url is not None and url.drivername == "sqlite" and url.database:
        return url
    raise StoreError(f"store URL {shown(text)!r} is not a SQLite or PostgreSQL address; use "
                     "postgresql://USER@HOST:PORT/DATABASE (or leave PLAYBOOK_STORE_URL unset for the engagement "
                     "folder's answers.sqlite).")


def shown(url: object) -> str:
    """A URL fit to print: never its password."""
    if isinstance(url, sa.URL):
        return url.render_as_string(hide_password=True)
    try:
        return sa.make_url(str(url)).render_as_string(hide_password=True)
    except ArgumentError:
        return str(url)


def configured_url() -> sa.URL | None:
    """``PLAYBOOK_STORE_URL`` parsed, or None when it is unset (each engagement's own SQLite file)."""
    text = os.environ.get(ENV, "").strip()
    return parse_url(text) if text else None


def folder_engagement(path: Path) -> str:
    """The id of the engagement whose folder holds ``path`` ("" when it is not in one)."""
    import yaml

    from playbook.core.files import safe_yaml

    try:
        data = safe_yaml((path.parent / "engagement.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return ""
    return str(data.get("id", "")) if isinstance(data, dict) else ""


_ENGINES: dict[str, sa.Engine] = {}


def pg_engine(url: sa.URL) -> sa.Engine:
    """One pooled engine per PostgreSQL URL and process."""
    key = url.render_as_string(hide_password=False)
    if key not in _ENGINES:
        _ENGINES[key] = sa.create_engine(url, pool_size=2, max_overflow=8, pool_pre_ping=True,
                                         connect_args={"connect_timeout": CONNECT_TIMEOUT})
    return _ENGINES[key]


def unreachable(url: sa.URL, exc: DBAPIError) -> StoreError:
    """The one message for a PostgreSQL server that did not let us in."""
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    text = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    low = text.lower()
    if "password" in low or "authentication" in low or "role" in low and "does not exist" in low:
        return StoreError(f"the PostgreSQL store at {where} refused user '{url.username or ''}': wrong user name or "
                          f"password ({text}); check {ENV} or --store.")
    if "database" in low and "does not exist" in low:
        return StoreError(f"the PostgreSQL server at {where} has no database '{url.database}' ({text}); create it "
                          "first (createdb), then run the command again.")
    return StoreError(f"cannot reach the PostgreSQL store at {where} (tried {shown(url)}): {text}; is the server "
                      f"running and is {ENV} or --store right?")


def head_error(where: str, found: str | None) -> StoreError:
    if found is not None and found not in REVISIONS:
        return StoreError(f"{where}: this store was made by a newer playbook; upgrade the package (pip install -U "
                          f"playbook). Its schema is {found}; this version knows schemas up to {HEAD}.")
    return StoreError(f"{where}: the store's schema is older than this version ({found or 'before versions'}, "
                      f"needs {HEAD}); run playbook store upgrade DIR (with DIR the engagement folder).")
