"""The action plan to and from a spreadsheet, where the client assigns owners and dates.

``export_xlsx`` writes a workbook with an ``actions`` sheet (the columns of
``actions.csv``, with drop-down lists for source, owner, status and item) and a
``lists`` sheet naming the respondents and the items an action can be about.
Every text cell goes through ``safe_cell``, so an action that starts like a formula
stays text. ``import_file`` reads such a workbook (or an ``actions.csv``) back,
validates it with the file rules against the engagement's respondents and KPI
metrics, and only then replaces ``actions.csv`` (atomically): on any error the
engagement is left as it was.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from playbook.core.engagement import Engagement
from playbook.core.errors import UserError
from playbook.core.files import atomic, plain_cell, read_text, safe_cell
from playbook.core.instruments import items
from playbook.parts.actions import model
from playbook.parts.actions.files import (
    COLUMNS,
    OPTIONAL,
    SOURCES,
    STATUSES,
    Action,
    check_items,
    cs_items,
    parse,
)
from playbook.parts.kpis import model as kpis
from playbook.parts.kpis.files import csv_rows, table_rows

SHEET = "actions"
LISTS = "lists"
MAX_ROWS = 2000  # rows covered by the drop-down lists
WIDTHS = {"A": 10, "B": 13, "C": 28, "D": 70, "E": 16, "F": 12, "G": 13, "H": 40}


def _dropdown(ws, column: str, formula: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                        errorTitle="Not allowed", error="Pick a value from the list.")
    dv.add(f"{column}2:{column}{MAX_ROWS}")
    ws.add_data_validation(dv)


def _metrics(eng: Engagement) -> dict[str, str] | None:
    """The engagement's KPI metric ids and names; None when it has no kpis.csv."""
    data = kpis.read(eng)
    return None if data is None else {m.metric: m.name for m in data.metrics.values()}


def _lists_sheet(wb, eng: Engagement, metrics: dict[str, str]) -> tuple[int, int]:
    from openpyxl.styles import Font

    ws = wb.create_sheet(LISTS)
    ws.append(["owner", "name", "side", "item", "what it is"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    texts = items()
    others = [i for i in texts if i not in cs_items()]  # the questions a knowledge gap can be about
    item_rows = [(i, texts[i].text) for i in cs_items() + others] + list(metrics.items())
    people = eng.respondents
    for n in range(max(len(people), len(item_rows))):
        person = [people[n].id, people[n].name, people[n].side] if n < len(people) else [None, None, None]
        item = list(item_rows[n]) if n < len(item_rows) else [None, None]
        ws.append([safe_cell(v) for v in person + item])
    for column, width in zip("ABCDE", (16, 24, 11, 28, 90), strict=True):
        ws.column_dimensions[column].width = width
    return len(people), len(item_rows)


def check_target(path: str | Path) -> Path:
    """Where the workbook goes: an .xlsx file in an existing folder (checked before anything is written)."""
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise UserError(f"{target.name}: the plan's workbook must be an .xlsx file.")
    if not target.parent.is_dir():
        raise UserError(f"{target}: the folder {target.parent} does not exist.")
    return target


def export_xlsx(eng: Engagement, plan: list[Action], path: str | Path) -> Path:
    """Write the plan to an .xlsx workbook (atomically)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    target = check_target(path)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(list(COLUMNS + OPTIONAL))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for a in plan:
        ws.append([safe_cell(v) for v in (a.action_id, a.source, a.item, a.action, a.owner, a.due, a.status,
                                          a.note)])
    for row in ws.iter_rows(min_row=2, min_col=6, max_col=6, max_row=MAX_ROWS):
        row[0].number_format = "@"  # keep 2026-12-15 as text, not a date
    ws.freeze_panes = "A2"
    for column, width in WIDTHS.items():
        ws.column_dimensions[column].width = width
    people, item_count = _lists_sheet(wb, eng, _metrics(eng) or {})
    _dropdown(ws, "B", '"' + ",".join(SOURCES) + '"')
    _dropdown(ws, "G", '"' + ",".join(STATUSES) + '"')
    _dropdown(ws, "E", f"{LISTS}!$A$2:$A${max(people, 1) + 1}")
    _dropdown(ws, "C", f"{LISTS}!$D$2:$D${max(item_count, 1) + 1}")
    with atomic(target) as tmp:
        wb.save(tmp)
    return target


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.datetime, dt.date)):  # Excel turned 2026-12-15 into a date
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(plain_cell(value))


def read_xlsx(path: Path, eng: Engagement) -> list[Action]:
    """The validated actions of the workbook's ``actions`` sheet (KPI items not checked yet)."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise UserError(f"{path.name}: not a readable .xlsx workbook ({exc}).") from None
    try:
        if SHEET not in wb.sheetnames:
            raise UserError(f"{path.name}: sheet '{SHEET}' is missing; the workbook needs a sheet '{SHEET}' with the "
                            f"columns {', '.join(COLUMNS + OPTIONAL)} (found: {', '.join(wb.sheetnames) or 'none'}).")
        source = f"{path.name}, sheet '{SHEET}'"
        grid = wb[SHEET].iter_rows(values_only=True)
        header = list(next(grid, ()))
        if not any(h is not None for h in header):
            raise UserError(f"{source}: the sheet is empty; its first row must hold the columns "
                            f"{', '.join(COLUMNS + OPTIONAL)}.")
        body = ((f"row {n}", [_cell_text(v) for v in cells]) for n, cells in enumerate(grid, start=2))
        return parse(table_rows(header, body, source, COLUMNS, OPTIONAL), eng, source)
    finally:
        wb.close()


def import_file(eng: Engagement, path: str | Path) -> list[Action]:
    """Validate an .xlsx (sheet ``actions``) or a .csv plan and write it as the engagement's ``actions.csv``."""
    source = Path(path)
    if not source.is_file():
        raise UserError(f"{source}: no such file.")
    suffix = source.suffix.lower()
    if suffix == ".xlsx":
        plan = read_xlsx(source, eng)
        where = f"{source.name}, sheet '{SHEET}'"
    elif suffix == ".csv":
        plan = parse(csv_rows(read_text(source), source.name, COLUMNS, OPTIONAL), eng, source.name)
        where = source.name
    else:
        raise UserError(f"{source.name}: cannot import a '{suffix or 'no extension'}' file; use .xlsx or .csv.")
    metrics = _metrics(eng)
    check_items(plan, None if metrics is None else list(metrics), where)
    model.save(eng, plan)
    return plan
