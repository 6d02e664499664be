"""Answers collected outside the forms: ``responses.csv``, and the merged view.

``responses.csv`` columns: ``respondent,item,answer[,comment][,wave]``. Answers
are case-insensitive (``Yes``, ``NO``); the wave defaults to the engagement's
period. The whole file is validated before anything reaches the store.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from playbook.core.engagement import Engagement
from playbook.core.errors import UserError
from playbook.core.instruments import items, parse_answer
from playbook.core.store import Store

REQUIRED = ("respondent", "item", "answer")
OPTIONAL = ("comment", "wave")
FILE = "responses.csv"


def read_text(path: Path) -> str:
    """A data file's text; a clear error when it is not UTF-8."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path.name}: the file is not UTF-8 text (bad byte at position {exc.start}); "
                        "save it as UTF-8 CSV.") from None


def parse(eng: Engagement, path: Path) -> list[tuple[str, str, str, str, str]]:
    """Validated rows ``(respondent, item, value, comment, wave)`` of a responses file."""
    text = read_text(path)
    if not text.strip():
        raise UserError(f"{path.name}: the file is empty; it needs a header row with {', '.join(REQUIRED)}.")
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise UserError(f"{path.name}: column {', '.join(missing)} is missing; the columns are "
                        f"{', '.join(REQUIRED)} and optionally {', '.join(OPTIONAL)}.")
    reader.fieldnames = header
    known = items()
    people = eng.by_id
    rows = []
    for n, raw in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(row.values()):
            continue
        rid, item_id = row.get("respondent", ""), row.get("item", "").upper()
        if rid not in people:
            raise UserError(f"{path.name}, row {n}: respondent {rid!r} is not in engagement.yaml; known respondents: "
                            f"{', '.join(people)}.")
        item = known.get(item_id)
        if item is None:
            raise UserError(f"{path.name}, row {n} (respondent {rid}): item {row.get('item')!r} is unknown; items are "
                            "MSE-1..6, SSE-1..3, SYM-1..8, CS1-1..8, CS2-1..6, CS3-1..6.")
        try:
            value = parse_answer(item, row.get("answer", ""))
        except ValueError as exc:
            raise UserError(f"{path.name}, row {n} (respondent {rid}, item {item_id}): answer {row.get('answer')!r} "
                            f"is not allowed; the answer must be {exc}.") from None
        wave = row.get("wave") or eng.period
        rows.append((rid, item_id, str(value), row.get("comment", ""), wave))
    return rows


def answer_store(eng: Engagement) -> Store:
    """The engagement's store as it is (no import): for writes on a form's hot path.

    The shipped sample, and any read-only folder, gets an in-memory store.
    """
    from playbook.core.engagement import sample_path

    writable = os.access(eng.path, os.W_OK) and eng.path != sample_path().resolve()
    return Store(eng.store_path if writable else None)


def open_store(eng: Engagement) -> Store:
    """The engagement's store, with ``responses.csv`` imported (idempotent).

    The shipped sample, and any read-only folder, gets an in-memory store: the
    sample is never written to, and reading never needs write access.
    """
    store = answer_store(eng)
    path = eng.file(FILE)
    if path is not None:
        try:
            store.import_file_answers(parse(eng, path))
        except BaseException:
            store.close()
            raise
    return store


def current_answers(eng: Engagement, wave: str | None = None) -> list[dict]:
    """Winning answers with the respondent's side and role, typed values, for all or one wave."""
    with open_store(eng) as store:
        rows = store.current(wave=wave)
    people = eng.by_id
    known = items()
    out = []
    for r in rows:
        person = people.get(r["respondent"])
        item = known.get(r["item"])
        if person is None or item is None:  # respondent removed from engagement.yaml since
            continue
        value = int(r["value"]) if item.answer == "rating" else r["value"]
        out.append({**r, "value": value, "side": person.side, "role": person.role, "name": person.name})
    return out
