"""``playbook export``: the current answers, with their history, as CSV and XLSX."""

from __future__ import annotations

import csv
from pathlib import Path

from playbook.core.engagement import Engagement
from playbook.core.instruments import items
from playbook.core.responses import open_store

COLUMNS = ["wave", "respondent", "name", "side", "role", "item", "statement", "answer", "comment", "source",
           "recorded_at"]


def _rows(eng: Engagement, records: list[dict]) -> list[list]:
    people, known = eng.by_id, items()
    out = []
    for r in records:
        p = people.get(r["respondent"])
        item = known.get(r["item"])
        out.append([r["wave"], r["respondent"], p.name if p else "", p.side if p else "", p.role if p else "",
                    r["item"], item.text if item else "", r["value"], r["comment"], r["source"], r["recorded_at"]])
    return out


def export_answers(eng: Engagement, base: Path) -> tuple[Path, Path]:
    from openpyxl import Workbook

    base = Path(base)
    with open_store(eng) as store:
        current, history = store.current(), store.history()
    csv_path, xlsx_path = base.with_suffix(".csv"), base.with_suffix(".xlsx")
    tmp_csv = csv_path.with_name(csv_path.name + ".tmp")
    with tmp_csv.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        writer.writerows(_rows(eng, current))
    wb = Workbook()
    sheet = wb.active
    sheet.title = "answers"
    for title, records in (("answers", current), ("history", history)):
        ws = sheet if title == "answers" else wb.create_sheet(title)
        ws.append(COLUMNS)
        for row in _rows(eng, records):
            # openpyxl writes text starting with "=" as a formula: keep client text as text.
            ws.append([f"'{v}" if isinstance(v, str) and v.startswith("=") else v for v in row])
        ws.freeze_panes = "A2"
    tmp_xlsx = xlsx_path.with_name(xlsx_path.name + ".tmp")
    wb.save(tmp_xlsx)
    tmp_csv.replace(csv_path)
    tmp_xlsx.replace(xlsx_path)
    return csv_path, xlsx_path
