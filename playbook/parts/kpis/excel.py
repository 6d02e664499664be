"""KPI definitions and values to and from a spreadsheet (consultants live in Excel).

``export_xlsx`` writes a workbook with a ``kpis`` sheet and a ``kpi_values`` sheet
(the same columns as the CSV files, with drop-down lists for the categorical
columns and for the metric of each value) and a ``library`` sheet with the starter
library for reference. ``import_file`` reads such a workbook back, or one CSV:

- an ``.xlsx`` must have both sheets ``kpis`` and ``kpi_values``; both files are
  replaced. Other sheets are ignored. A cell formatted as a percentage (Excel stores
  60% as 0.6) is read as 60, the files' way of writing percent.
- a ``.csv`` is either definitions or values, recognised by its header (a ``period``
  column means values). Definitions are checked against the existing values and
  replace ``kpis.csv``; values are checked against the existing definitions and
  replace ``kpi_values.csv``.

Everything is validated with the file rules before anything is written, and the
files are written atomically: on any error the engagement is left as it was.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from playbook.core.engagement import Engagement
from playbook.core.errors import UserError
from playbook.core.files import atomic, plain_cell, read_text, safe_cell
from playbook.parts.kpis import model as kpis
from playbook.parts.kpis.files import (
    CHOICES,
    DEF_COLUMNS,
    DEF_OPTIONAL,
    DEFINITIONS,
    VALUE_COLUMNS,
    VALUES,
    KpiData,
    csv_rows,
    number_text,
    parse_definitions,
    parse_values,
    table_rows,
)

SHEETS = ("kpis", "kpi_values")
MAX_ROWS = 2000  # rows covered by the drop-down lists


def _sheet(wb, title: str, header: tuple[str, ...], rows: list[list]) -> object:
    from openpyxl.styles import Font

    ws = wb.create_sheet(title)
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([safe_cell(v) for v in row])  # KPI names are client text: never a formula
    ws.freeze_panes = "A2"
    return ws


def _dropdown(ws, column: int, formula: str) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                        errorTitle="Not allowed", error="Pick a value from the list.")
    letter = get_column_letter(column)
    dv.add(f"{letter}2:{letter}{MAX_ROWS}")
    ws.add_data_validation(dv)


def _definition_rows(metrics) -> list[list]:
    return [[m.metric, m.name, m.unit, m.direction, m.owner, m.designation, m.indicator, m.aggregation or None]
            for m in metrics.values()]


def _num(x: float | None) -> float | int | None:
    return None if x is None else (int(x) if float(x).is_integer() else x)


def export_xlsx(eng: Engagement, path: str | Path) -> Path:
    """Write the engagement's KPI definitions and values to an .xlsx workbook (atomically)."""
    from openpyxl import Workbook

    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise UserError(f"{target.name}: the export must be an .xlsx file.")
    if not target.parent.is_dir():
        raise UserError(f"{target}: the folder {target.parent} does not exist.")
    data = kpis.read(eng) or KpiData()
    wb = Workbook()
    wb.remove(wb.active)
    header = DEF_COLUMNS + DEF_OPTIONAL
    ws = _sheet(wb, "kpis", header, _definition_rows(data.metrics))
    for column, allowed in CHOICES.items():
        _dropdown(ws, header.index(column) + 1, '"' + ",".join(allowed) + '"')
    wv = _sheet(wb, "kpi_values", VALUE_COLUMNS,
                [[v.metric, v.period, _num(v.goal), _num(v.actual)] for v in data.values])
    _dropdown(wv, 1, f"kpis!$A$2:$A${MAX_ROWS}")
    for row in wv.iter_rows(min_row=2, min_col=2, max_col=2):
        row[0].number_format = "@"  # keep 2026-07 as text, not a date
    _sheet(wb, "library", header, _definition_rows(kpis.library()))
    for sheet in wb.worksheets:
        sheet.column_dimensions["A"].width = 30
        sheet.column_dimensions["B"].width = 16 if sheet.title == "kpi_values" else 48
    with atomic(target) as tmp:
        wb.save(tmp)
    return target


def _cell_text(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, (dt.datetime, dt.date)):  # Excel turned 2026-07 into a date
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        if "%" in (getattr(cell, "number_format", "") or ""):
            value = round(value * 100, 10)
        return number_text(float(value))
    return str(plain_cell(value))


def _read_sheet(wb, name: str, source: str, required: tuple[str, ...], optional: tuple[str, ...] = ()):
    ws = wb[name]
    grid = ws.iter_rows()
    header_cells = next(grid, ())
    header = [c.value for c in header_cells]
    if not any(h is not None for h in header):
        raise UserError(f"{source}: sheet '{name}' is empty; its first row must hold the columns "
                        f"{', '.join(required)}.")
    body = ((f"row {n}", [_cell_text(x) for x in cells]) for n, cells in enumerate(grid, start=2))
    return table_rows(header, body, f"{source}, sheet '{name}'", required, optional)


def read_xlsx(path: Path) -> KpiData:
    """Validated definitions and values from a workbook with sheets ``kpis`` and ``kpi_values``."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise UserError(f"{path.name}: not a readable .xlsx workbook ({exc}).") from None
    try:
        missing = [s for s in SHEETS if s not in wb.sheetnames]
        if missing:
            raise UserError(f"{path.name}: sheet {', '.join(repr(s) for s in missing)} is missing; the workbook needs "
                            f"the sheets 'kpis' and 'kpi_values' (found: {', '.join(wb.sheetnames) or 'none'}).")
        sheet_kpis, sheet_values = f"{path.name}, sheet 'kpis'", f"{path.name}, sheet 'kpi_values'"
        metrics = parse_definitions(_read_sheet(wb, "kpis", path.name, DEF_COLUMNS, DEF_OPTIONAL), sheet_kpis)
        values = parse_values(_read_sheet(wb, "kpi_values", path.name, VALUE_COLUMNS), metrics, sheet_values,
                              definitions="sheet 'kpis'")
    finally:
        wb.close()
    return KpiData(metrics, values)


def _import_csv(eng: Engagement, path: Path) -> tuple[KpiData, tuple[str, ...]]:
    text = read_text(path)
    first = text.strip().splitlines()[0] if text.strip() else ""
    header = {h.strip().lower() for h in first.split(",")}
    current = kpis.read(eng)
    if "period" in header:
        if current is None:
            raise UserError(f"{path.name}: these are KPI values, but the engagement has no {DEFINITIONS} yet; import "
                            "the definitions (or a workbook with both sheets) first.")
        values = parse_values(csv_rows(text, path.name, VALUE_COLUMNS), current.metrics, path.name)
        return KpiData(current.metrics, values), (VALUES,)
    if header & {"unit", "direction", "designation", "indicator"}:
        metrics = parse_definitions(csv_rows(text, path.name, DEF_COLUMNS, DEF_OPTIONAL), path.name)
        old = eng.file(VALUES)
        values = parse_values(csv_rows(read_text(old), VALUES, VALUE_COLUMNS), metrics, VALUES,
                              definitions=path.name) if old else []
        return KpiData(metrics, values), (DEFINITIONS,)
    raise UserError(f"{path.name}: the header is neither KPI definitions ({', '.join(DEF_COLUMNS + DEF_OPTIONAL)}) "
                    f"nor KPI values ({', '.join(VALUE_COLUMNS)}).")


def import_file(eng: Engagement, path: str | Path) -> KpiData:
    """Validate an .xlsx (both files) or a .csv (one file) and write it into the engagement atomically."""
    source = Path(path)
    if not source.is_file():
        raise UserError(f"{source}: no such file.")
    suffix = source.suffix.lower()
    if suffix == ".xlsx":
        data, which = read_xlsx(source), (DEFINITIONS, VALUES)
    elif suffix == ".csv":
        data, which = _import_csv(eng, source)
    else:
        raise UserError(f"{source.name}: cannot import a '{suffix or 'no extension'}' file; use .xlsx or .csv.")
    kpis.save(eng, data, which)
    return data
