"""The KPI setup sheet (widgets, no kernel): choose, set goals, enter actuals, save with the file rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook.core.engagement import load, sample_path
from playbook.parts.kpis import model as kpis
from playbook.parts.kpis.files import KpiData
from playbook.parts.kpis.setup import default_periods, setup_sheet


@pytest.fixture
def halvorsen(sample_copy) -> Path:
    return sample_copy


def files(folder: Path) -> dict[str, bytes]:
    return {n: (folder / n).read_bytes() for n in ("kpis.csv", "kpi_values.csv") if (folder / n).exists()}


def test_new_engagement_starts_from_the_library(make_engagement):
    eng = load(make_engagement())
    sheet = setup_sheet(eng)
    assert sheet.chosen() == [] and len(sheet.ticks) == len(kpis.library())
    assert sheet.period_list() == ["2026-10", "2026-11", "2026-12"]  # the months of 2026-Q4
    sheet.ticks["win-rate"].value = True
    sheet.designations["win-rate"].value = "managed"
    sheet.ticks["lead-follow-up-hours"].value = True
    for p, goal, actual in (("2026-10", "25", "21.5"), ("2026-11", "25", ""), ("2026-12", "", "")):
        sheet.cells[("win-rate", p)][0].value = goal
        sheet.cells[("win-rate", p)][1].value = actual
    sheet.cells[("lead-follow-up-hours", "2026-10")][0].value = "24"
    sheet.save_button.click()
    assert "Saved 2 metrics and 3 goals" in sheet.message.value
    result = kpis.evaluate(load(eng.path))
    rows = {r["metric"]: r for r in result["to_date"]}
    assert rows["win-rate"]["designation"] == "managed" and rows["win-rate"]["status"] == "off_track"
    assert (eng.path / "kpi_values.csv").read_text() == (
        "metric,period,goal,actual\nlead-follow-up-hours,2026-10,24,\nwin-rate,2026-10,25,21.5\nwin-rate,2026-11,25,\n")


def test_existing_files_are_shown_and_saved_unchanged(halvorsen):
    before = files(halvorsen)
    sheet = setup_sheet(load(halvorsen))
    assert len(sheet.chosen()) == 12
    assert sheet.cells[("pipeline-coverage", "2026-07")][1].value == "2.6"
    assert sheet.save() is True
    assert files(halvorsen) == before


@pytest.mark.parametrize("edit, message", [
    (lambda s: setattr(s.cells[("bookings", "2026-12")][1], "value", "lots"),
     "KPI setup sheet, metric bookings, period 2026-12, column &#x27;actual&#x27;"),
    (lambda s: setattr(s.cells[("bookings", "2026-12")][0], "value", ""),
     "period 2026-12, column &#x27;goal&#x27;: the goal of &#x27;bookings&#x27; for 2026-12 is empty"),
    (lambda s: setattr(s.periods, "value", "2026-07, July"), "box &#x27;Periods&#x27;: &#x27;JULY&#x27;"),
])
def test_a_mistake_is_one_message_and_nothing_is_written(halvorsen, edit, message):
    before = files(halvorsen)
    sheet = setup_sheet(load(halvorsen))
    sheet.cells[("bookings", "2026-12")][1].value = "2500000"
    edit(sheet)
    assert sheet.save() is False
    assert sheet.message.value.count("<p") == 1 and "Not saved: " in sheet.message.value
    assert message in sheet.message.value
    assert files(halvorsen) == before


def test_client_text_is_escaped(make_engagement):
    eng = load(make_engagement(client="<script>alert(1)</script> & Co"))
    sheet = setup_sheet(eng)
    header = sheet.children[0].value
    assert "&lt;script&gt;" in header and "<script>" not in header


def test_broken_files_are_reported_and_the_sheet_still_opens(make_engagement):
    folder = make_engagement()
    (folder / "kpis.csv").write_text("metric,name\n")
    sheet = setup_sheet(load(folder))
    assert "could not be read" in sheet.message.value and "column &#x27;unit&#x27;" in sheet.message.value
    assert sheet.chosen() == []


def test_the_sample_cannot_be_overwritten():
    sheet = setup_sheet(load(sample_path()))
    assert sheet.save() is False and "read-only" in sheet.message.value


def test_default_periods_for_a_non_quarter_period(make_engagement):
    eng = load(make_engagement(period="Spring review"))
    assert default_periods(eng, KpiData()) == []
