"""Answers collected outside the forms: ``responses.csv``, and the merged view.

``responses.csv`` columns: ``respondent,item,answer[,comment][,wave]``. Answers
are case-insensitive (``Yes``, ``NO``); the wave defaults to the engagement's
period. The whole file is validated before anything reaches the store.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

from playbook.core.engagement import Engagement
from playbook.core.errors import UserError
from playbook.core.files import csv_delimiter, read_text
from playbook.core.instruments import DONT_KNOW, RATING, items, parse_answer
from playbook.core.store import Store, open_store
from playbook.core.store_admin import describe
from playbook.core.store_schema import ERRORS
from playbook.core.store_url import StoreError, configured_url

# Control characters (C0 but tab and newline, DEL, C1) and lone surrogates: no person types them, terminals
# and spreadsheets choke on them. Stripped from comments on the way in, and from stored text on the way out.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
REQUIRED = ("respondent", "item", "answer")
OPTIONAL = ("comment", "wave")
FILE = "responses.csv"


def clean_text(text: str) -> str:
    """``text`` without control characters other than tab and newline (a carriage return before a newline goes)."""
    return CONTROL.sub("", text.replace("\r\n", "\n"))


def parse(eng: Engagement, path: Path) -> list[tuple[str, str, str, str, str]]:
    """Validated rows ``(respondent, item, value, comment, wave)`` of a responses file."""
    text = read_text(path)
    if not text.strip():
        raise UserError(f"{path.name}: the file is empty; it needs a header row with {', '.join(REQUIRED)}.")
    reader = csv.reader(io.StringIO(text), delimiter=csv_delimiter(text, REQUIRED))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise UserError(f"{path.name}: column {', '.join(missing)} is missing; the columns are "
                        f"{', '.join(REQUIRED)} and optionally {', '.join(OPTIONAL)}.")
    col = {name: i for i, name in enumerate(header)}  # a name given twice: its last column (as csv.DictReader)
    named = sorted(set(col.values()))
    at = [col.get(name) for name in (*REQUIRED, *OPTIONAL)]
    known = items()
    people = eng.by_id
    answers: dict[tuple[str, str], str] = {}  # (item, answer as written) -> the answer: a file repeats a few
    rows = []
    n = 1
    for raw in reader:
        if not raw:
            continue  # a blank line (csv.DictReader skipped them without counting a row)
        n += 1
        if not any(raw[i].strip() for i in named if i < len(raw)):
            continue
        rid, item_id, answer, comment, wave = (raw[i].strip() if i is not None and i < len(raw) else "" for i in at)
        if rid not in people:
            raise UserError(f"{path.name}, row {n}: respondent {rid!r} is not in engagement.yaml; known respondents: "
                            f"{', '.join(people)}.")
        value = answers.get((item_id, answer))
        if value is None:
            value = answers[(item_id, answer)] = _answer(path, n, rid, known, item_id, answer)
        rows.append((rid, item_id.upper(), value, clean_text(comment) if comment else "", wave or eng.period))
    return rows


def _answer(path: Path, n: int, rid: str, known: dict, item_id: str, answer: str) -> str:
    """One answer of row ``n`` normalised (the value stored), or the UserError naming what is allowed."""
    item = known.get(item_id.upper())
    if item is None:
        raise UserError(f"{path.name}, row {n} (respondent {rid}): item {item_id!r} is unknown; items are "
                        "MSE-1..6, SSE-1..3, SYM-1..8, CS1-1..8, CS2-1..6, CS3-1..6.")
    try:
        return str(parse_answer(item, answer))
    except ValueError as exc:
        raise UserError(f"{path.name}, row {n} (respondent {rid}, item {item_id.upper()}): answer {answer!r} "
                        f"is not allowed; the answer must be {exc}.") from None


def writable(eng: Engagement) -> bool:
    """Whether answers may be stored in the engagement's folder (never in the shipped sample)."""
    from playbook.core.engagement import sample_path

    return os.access(eng.path, os.W_OK) and eng.path != sample_path().resolve()


def answer_store(eng: Engagement, served: bool = False) -> Store:
    """The engagement's store, for writing (forms, links, imports).

    Away from a server, the shipped sample and any read-only folder get an in-memory
    store (a preview in JupyterLab: the sample is never written to). ``served`` (under
    ``playbook serve``, which made the store at start, see ``check_store``): the store on
    disk (or the PostgreSQL store of ``PLAYBOOK_STORE_URL``) or an error (``sqlite3.Error``),
    never memory and never a new empty file in place of one deleted under the server.
    """
    if served:
        return open_store(eng, create=False)
    if configured_url() is None and not writable(eng):
        return Store(None, engagement=eng.id)
    return open_store(eng)


def check_store(eng: Engagement) -> None:
    """For ``playbook serve``: the engagement's store exists (made now if missing) and takes writes; else UserError."""
    if not writable(eng):
        raise UserError(f"{eng.path}: answers cannot be stored in this folder (it is read-only or the shipped "
                        "sample), so forms could not save; copy the engagement folder somewhere writable and serve "
                        "the copy.")
    try:
        with open_store(eng) as store, store.transaction():
            pass  # the write lock taken and released: the store takes writes
    except StoreError:
        raise
    except ERRORS as exc:
        raise UserError(f"{describe(eng)}: the answers store cannot be written ({exc}); forms could not save. "
                        "Check the store (and the folder of a SQLite file), then start again.") from None


def import_file(eng: Engagement, rows: list[tuple[str, str, str, str, str]] | None = None) -> tuple[int, int] | None:
    """Import ``responses.csv`` (or its already parsed ``rows``) into the store: (added, unchanged).

    None when the engagement has no responses.csv. Idempotent. This is the only place
    file answers are written; it runs on ``playbook run``, ``playbook serve`` and
    ``playbook import``, never when a page only reads.
    """
    path = eng.file(FILE)
    if path is None:
        return None
    if not writable(eng):
        raise UserError(f"{eng.path}: answers cannot be stored in this folder (it is read-only or the shipped "
                        "sample); copy the engagement folder somewhere writable first.")
    if rows is None:
        rows = parse(eng, path)
    with answer_store(eng) as store:
        return store.import_file_answers(rows)


def _overlay(stored: list[dict], file_rows: list[tuple[str, str, str, str, str]]) -> list[dict]:
    """The store's winning answers with responses.csv rows laid over them as an import would (METHOD 5).

    A file row wins over a stored file answer (it is the newer file) and never over a form answer.
    """
    merged = {(r["respondent"], r["item"], r["wave"]): r for r in stored}
    for respondent, item, value, comment, wave in file_rows:
        key = (respondent, item, wave)
        old = merged.get(key)
        if old is not None and (old["source"] == "form" or (old["value"], old["comment"]) == (value, comment or "")):
            continue
        merged[key] = {"respondent": respondent, "item": item, "value": value, "comment": comment or "",
                       "source": "file", "wave": wave, "recorded_at": ""}
    return sorted(merged.values(), key=lambda r: (r["wave"], r["respondent"]))


def current_answers(eng: Engagement, wave: str | None = None, file_rows: list | str | None = "read") -> list[dict]:
    """Winning answers with the respondent's side, role and name, typed values, for all or one wave.

    Reads the store without writing to it (a missing store has no answers) and lays
    responses.csv over it as an import would: ``file_rows`` "read" parses the file (if
    any), a list gives rows parsed already, None leaves the file out (it was imported).
    """
    with open_store(eng, read_only=True) as store:
        stored = store.current(wave=wave)
    if file_rows == "read":
        path = eng.file(FILE)
        file_rows = parse(eng, path) if path else None
    if file_rows:
        stored = _overlay(stored, [r for r in file_rows if wave is None or r[4] == wave])
    people = eng.by_id
    known = items()
    out = []
    for r in stored:
        person = people.get(r["respondent"])
        item = known.get(r["item"])
        if person is None or item is None:  # respondent removed from engagement.yaml since
            continue
        value = int(r["value"]) if item.answer == RATING and r["value"] != DONT_KNOW else r["value"]
        out.append({**r, "value": value, "side": person.side, "role": person.role, "name": person.name})
    return out
