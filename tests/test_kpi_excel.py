"""KPI spreadsheet round trip, CSV import, and the ``playbook kpis`` commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from playbook.cli import kpis as kpis_group
from playbook.core.engagement import load, sample_path
from playbook.core.errors import UserError
from playbook.parts.kpis.excel import export_xlsx, import_file

FILES = ("kpis.csv", "kpi_values.csv")


@pytest.fixture
def halvorsen(sample_copy) -> Path:
    return sample_copy


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_round_trip_gives_identical_files(halvorsen, tmp_path):
    before = snapshot(halvorsen)
    book = export_xlsx(load(halvorsen), tmp_path / "kpis.xlsx")
    for name in FILES:
        (halvorsen / name).write_text("metric,period,goal,actual\n" if name == "kpi_values.csv" else
                                      "metric,name,unit,direction,owner,designation,indicator\n")
    import_file(load(halvorsen), book)
    assert snapshot(halvorsen) == before
    assert not list(halvorsen.glob(".*.tmp"))


def test_export_has_sheets_and_dropdowns(halvorsen, tmp_path):
    wb = load_workbook(export_xlsx(load(halvorsen), tmp_path / "out.xlsx"))
    assert wb.sheetnames == ["kpis", "kpi_values", "library"]
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in wb["kpis"].data_validations.dataValidation}
    assert lists["C2"] == '"count,currency,percent,ratio,days,hours"'
    assert lists["D2"] == '"higher,lower"' and lists["E2"] == '"marketing,sales,shared"'
    assert lists["F2"] == '"managed,monitored"' and lists["G2"] == '"leading,lagging"'
    assert lists["H2"] == '"sum,mean,last"'
    assert [dv.formula1 for dv in wb["kpi_values"].data_validations.dataValidation] == ["kpis!$A$2:$A$2000"]
    values = wb["kpi_values"]
    assert values["B2"].value == "2026-07" and values["C2"].value == 24 and values["D7"].value is None


def test_export_of_an_engagement_without_kpis_gives_empty_sheets(make_engagement, tmp_path):
    wb = load_workbook(export_xlsx(load(make_engagement()), tmp_path / "empty.xlsx"))
    assert wb["kpis"].max_row == 1 and wb["kpi_values"].max_row == 1
    assert wb["library"].max_row > 12


def test_export_needs_xlsx_suffix(halvorsen, tmp_path):
    with pytest.raises(UserError, match="must be an .xlsx file"):
        export_xlsx(load(halvorsen), tmp_path / "out.csv")


def edit_book(halvorsen: Path, tmp_path: Path, change) -> Path:
    path = export_xlsx(load(halvorsen), tmp_path / "edit.xlsx")
    wb = load_workbook(path)
    change(wb)
    wb.save(path)
    return path


@pytest.mark.parametrize("change, message", [
    (lambda wb: wb.remove(wb["kpi_values"]), "edit.xlsx: sheet 'kpi_values' is missing"),
    (lambda wb: wb["kpis"].delete_cols(7), "edit.xlsx, sheet 'kpis': column 'indicator' is missing"),
    (lambda wb: setattr(wb["kpi_values"]["D1"], "value", None), "edit.xlsx, sheet 'kpi_values': column 'actual' is missing"),
    (lambda wb: wb["kpis"].cell(3, 3, "liters"), "edit.xlsx, sheet 'kpis', row 3, column 'unit': unit 'liters'"),
    (lambda wb: wb["kpi_values"].cell(5, 3, "high"),
     "edit.xlsx, sheet 'kpi_values', row 5, column 'goal': goal of 'lead-follow-up-hours' for 2026-10 'high' is not"),
    (lambda wb: wb["kpi_values"].cell(5, 1, "nope"), "sheet 'kpi_values', row 5, column 'metric': metric 'nope' is "
                                                     "not defined in sheet 'kpis'"),
    (lambda wb: setattr(wb["kpi_values"]["A9"], "value", None),
     "sheet 'kpi_values', row 9, column 'metric': metric '' is not defined"),
    (lambda wb: wb["kpi_values"].insert_rows(3, 2) or wb["kpi_values"].cell(7, 2, "2026-7"),
     "sheet 'kpi_values', row 7, column 'period': period '2026-7' of metric 'lead-follow-up-hours'"),
])
def test_bad_workbooks_are_refused_and_nothing_is_written(halvorsen, tmp_path, change, message):
    book = edit_book(halvorsen, tmp_path, change)
    before = snapshot(halvorsen)
    with pytest.raises(UserError) as exc:
        import_file(load(halvorsen), book)
    assert message in exc.value.message
    assert snapshot(halvorsen) == before


def test_excel_dates_and_percent_cells_are_read_the_files_way(halvorsen, tmp_path):
    import datetime as dt

    def change(wb):
        ws = wb["kpi_values"]
        ws["B2"].value = dt.datetime(2026, 7, 1)  # Excel turned "2026-07" into a date
        ws["C8"].value, ws["C8"].number_format = 0.6, "0%"  # leads-with-feedback goal typed as 60%

    import_file(load(halvorsen), edit_book(halvorsen, tmp_path, change))
    lines = (halvorsen / "kpi_values.csv").read_text().splitlines()
    assert lines[1] == "lead-follow-up-hours,2026-07,24,41" and lines[7] == "leads-with-feedback,2026-07,60,55"


def test_csv_import_of_values_and_of_definitions(halvorsen, tmp_path):
    values = tmp_path / "values.csv"
    values.write_text("metric,period,goal,actual\nbookings,2026-12,2400000,2600000\n")
    import_file(load(halvorsen), values)
    assert (halvorsen / "kpi_values.csv").read_text() == values.read_text()
    defs = tmp_path / "defs.csv"
    defs.write_text("metric,name,unit,direction,owner,designation,indicator\n"
                    "bookings,Bookings,currency,higher,sales,managed,lagging\n")
    before_values = (halvorsen / "kpi_values.csv").read_bytes()
    import_file(load(halvorsen), defs)
    assert (halvorsen / "kpis.csv").read_text().endswith("bookings,Bookings,currency,higher,sales,managed,lagging,\n")
    assert (halvorsen / "kpi_values.csv").read_bytes() == before_values


def test_csv_definitions_that_orphan_existing_values_are_refused(halvorsen, tmp_path):
    defs = tmp_path / "defs.csv"
    defs.write_text("metric,name,unit,direction,owner,designation,indicator\nwin-rate,Win,percent,higher,sales,"
                    "monitored,lagging\n")
    before = snapshot(halvorsen)
    with pytest.raises(UserError, match=r"kpi_values\.csv, row 2, column 'metric': .* not defined in defs\.csv"):
        import_file(load(halvorsen), defs)
    assert snapshot(halvorsen) == before


@pytest.mark.parametrize("name, text, message", [
    ("other.csv", "a,b,c\n1,2,3\n", "other.csv: the header is neither KPI definitions"),
    ("notes.txt", "hello", "cannot import a '.txt' file"),
    ("broken.xlsx", "not a zip", "broken.xlsx: not a readable .xlsx workbook"),
])
def test_unrecognised_files_are_refused(halvorsen, tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(UserError, match=message):
        import_file(load(halvorsen), path)


def test_values_csv_needs_definitions_first(make_engagement, tmp_path):
    values = tmp_path / "values.csv"
    values.write_text("metric,period,goal,actual\nx,2026-07,1,\n")
    with pytest.raises(UserError, match="no kpis.csv yet"):
        import_file(load(make_engagement()), values)


# --- the commands ------------------------------------------------------------------

def test_cli_export_then_import(halvorsen, tmp_path):
    runner = CliRunner()
    book = tmp_path / "book.xlsx"
    result = runner.invoke(kpis_group, ["export", str(halvorsen), str(book)])
    assert result.exit_code == 0, result.output
    assert book.is_file() and "wrote" in result.output
    result = runner.invoke(kpis_group, ["import", str(halvorsen), str(book)])
    assert result.exit_code == 0, result.output
    assert "imported 12 metrics and 68 values" in result.output


def test_cli_import_error_exits_2_with_one_message(halvorsen, tmp_path):
    book = edit_book(halvorsen, tmp_path, lambda wb: wb.remove(wb["kpis"]))
    before = snapshot(halvorsen)
    result = CliRunner().invoke(kpis_group, ["import", str(halvorsen), str(book)])
    assert result.exit_code == 2
    assert "error: edit.xlsx: sheet 'kpis' is missing" in result.output
    assert "Traceback" not in result.output
    assert snapshot(halvorsen) == before


def test_cli_refuses_to_write_into_the_sample(tmp_path):
    book = tmp_path / "s.xlsx"
    assert CliRunner().invoke(kpis_group, ["export", str(sample_path()), str(book)]).exit_code == 0
    result = CliRunner().invoke(kpis_group, ["import", str(sample_path()), str(book)])
    assert result.exit_code == 2 and "read-only" in result.output


def test_cli_missing_engagement_exits_2(tmp_path):
    result = CliRunner().invoke(kpis_group, ["export", str(tmp_path / "nope"), str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and "no such engagement folder" in result.output


def test_client_text_that_looks_like_a_formula_stays_text_and_round_trips(halvorsen, tmp_path):
    import dataclasses

    from playbook.parts.kpis import files
    from playbook.parts.kpis import model as kpis

    data = kpis.read(load(halvorsen))
    first = next(iter(data.metrics))
    data.metrics[first] = dataclasses.replace(data.metrics[first], name='=HYPERLINK("http://x","click")')
    files.write(halvorsen, data)
    before = snapshot(halvorsen)
    book = export_xlsx(load(halvorsen), tmp_path / "kpis.xlsx")
    cell = load_workbook(book)["kpis"]["B2"]
    assert cell.data_type == "s" and cell.value.startswith("'=HYPERLINK")
    import_file(load(halvorsen), book)
    assert snapshot(halvorsen) == before
