"""Looking after a store: ``playbook store upgrade`` and ``playbook store copy``, and where a store is."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from playbook.core.store import Store
from playbook.core.store_schema import COLUMNS, PENDING_COLUMNS, SUBMISSION_COLUMNS
from playbook.core.store_url import StoreError, configured_url, parse_url, shown

if TYPE_CHECKING:
    from playbook.core.engagement import Engagement


def upgrade_store(eng: Engagement) -> tuple[str, str | None, str]:
    """``playbook store upgrade``: bring ``eng``'s store to this version's schema: (where, before, after)."""
    url = configured_url()
    path = Path(url.database) if url is not None and url.drivername == "sqlite" else eng.store_path
    if url is not None and url.drivername == "sqlite":
        url = None
    with Store(None if url else path, engagement=eng.id, url=url, upgrading=True) as store:
        before, after = store.upgrade()
        return store.where, before, after


def describe(eng: Engagement) -> str:
    """Where ``eng``'s answers are kept, fit to print (never a password)."""
    url = configured_url()
    return str(eng.store_path) if url is None else shown(url)


def copy_into(eng: Engagement, target_url: str) -> dict[str, tuple[int, int]]:
    """Copy ``eng``'s rows from its folder's SQLite file into the store at ``target_url``.

    Idempotent: rows already there are not added again. Returns per table (added, already there).
    Refuses (StoreError, nothing written) a target holding rows of the same engagement id that the
    source does not have (another engagement under the same id, or one changed since).
    """
    url = parse_url(target_url)
    if not eng.store_path.is_file():
        raise StoreError(f"{eng.store_path}: there is no answers store to copy (nothing has been answered or "
                         "imported in this folder).")
    with Store(eng.store_path, create=False, engagement=eng.id) as source:
        src = source.rows_of()
    with Store(None if url.drivername != "sqlite" else url.database, engagement=eng.id,
               url=url if url.drivername != "sqlite" else None) as target:
        have = target.rows_of()
        new, counts = {}, {}
        for name, rows in src.items():
            key = _row_key(name)
            src_keys = [key(r) for r in rows]
            extra = [k for k in map(key, have[name]) if k not in set(src_keys)]
            if extra:
                raise StoreError(
                    f"{target.where} already holds engagement '{eng.id}' with {name} that {eng.store_path} does not "
                    f"have ({len(extra)} row(s)): another engagement under the same id, or answers given there "
                    "since; nothing was copied. Give this engagement another id, or use another database.")
            there = set(map(key, have[name]))
            new[name] = [r for r, k in zip(rows, src_keys) if k not in there]
            counts[name] = (len(new[name]), len(rows) - len(new[name]))
        target.add_rows(new)
    return counts


def _row_key(table: str):
    if table == "tokens":
        return lambda r: (r["token_hash"],)
    if table == "mailings":
        return lambda r: (r["respondent"], r["wave"], r["kind"], r["days"])
    cols = {"answers": COLUMNS, "submissions": SUBMISSION_COLUMNS, "pending_comments": PENDING_COLUMNS}[table]
    return lambda r: tuple(r[c] for c in cols)
