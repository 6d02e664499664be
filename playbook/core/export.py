"""``playbook export``: the current answers, with their history, as CSV and XLSX.

Both files hold client text (names, comments), so every cell goes through ``safe_cell``:
text that a spreadsheet would run as a formula is written as text. Stored text is cleaned of
control characters on the way out too (a store from an older version may hold NUL or ESC), so
no stored text can make an export fail. The workbook also lists comments typed on questions
that have no answer yet (a third sheet, when there are any).
"""

from __future__ import annotations

import csv
from pathlib import Path

from playbook.core.engagement import Engagement
from playbook.core.files import atomic, safe_cell
from playbook.core.instruments import items
from playbook.core.responses import clean_text, current_answers
from playbook.core.store import open_store

COLUMNS = ["wave", "respondent", "name", "side", "role", "item", "statement", "answer", "comment", "source",
           "recorded_at"]
PENDING = "comments without an answer"


def _cell(value: object) -> object:
    return safe_cell(clean_text(value) if isinstance(value, str) else value)


def _rows(eng: Engagement, records: list[dict]) -> list[list]:
    people, known = eng.by_id, items()
    out = []
    for r in records:
        p = people.get(r["respondent"])
        item = known.get(r["item"])
        row = [r["wave"], r["respondent"], p.name if p else "", p.side if p else "", p.role if p else "",
               r["item"], item.text if item else "", str(r["value"]), r["comment"], r["source"], r["recorded_at"]]
        out.append([_cell(v) for v in row])
    return out


def _pending_rows(eng: Engagement, records: list[dict]) -> list[list]:
    """Comments kept for questions not answered yet: the answer column is empty, the source is the form."""
    return _rows(eng, [{**r, "value": "", "source": "form"} for r in records])


def export_answers(eng: Engagement, base: Path) -> tuple[Path, Path]:
    """Write ``base``.csv (current answers) and ``base``.xlsx (current answers and every earlier one).

    Reads without writing: responses.csv rows not imported yet count among the current answers.
    """
    from openpyxl import Workbook

    base = Path(base)
    current = current_answers(eng)
    history: list[dict] = []
    pending: list[dict] = []
    with open_store(eng, read_only=True) as store:
        history = store.history()
        pending = store.pending_comments()
    csv_path, xlsx_path = base.with_suffix(".csv"), base.with_suffix(".xlsx")
    answers = _rows(eng, current)
    sheets = [("answers", answers), ("history", _rows(eng, history))]
    if pending:  # a third sheet only when some comment waits for its answer
        sheets.append((PENDING, _pending_rows(eng, pending)))
    wb = Workbook(write_only=True)  # rows streamed to the file: a fraction of the time and memory of cell objects
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        ws.freeze_panes = "A2"  # before the first row: a write-only sheet writes its view first
        ws.append(COLUMNS)
        for row in rows:
            ws.append(row)
    with atomic(csv_path, private=True) as tmp_csv, atomic(xlsx_path, private=True) as tmp_xlsx:
        with tmp_csv.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(COLUMNS)
            writer.writerows(answers)
        wb.save(tmp_xlsx)
    return csv_path, xlsx_path
