"""The action plan (METHOD 10): actions.csv checks, overdue, item movement, proposals, the Excel round trip."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from playbook.cli import main
from playbook.core.engagement import load
from playbook.core.errors import UserError
from playbook.parts import get, take_snapshot
from playbook.parts.actions import excel, model
from playbook.parts.actions.files import COLUMNS, FILE
from playbook.parts.actions.words import findings
from playbook.report.summary import executive

from .conftest import RESPONDENTS, write_engagement

HEADER = "action_id,source,item,action,owner,due,status,note\n"
KPIS = ("metric,name,unit,direction,owner,designation,indicator\n"
        "win-rate,Win rate,percent,higher,sales,managed,lagging\n")


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def plan_engagement(folder: Path, lines: list[str], kpis: bool = True, respondents=None) -> Path:
    write_engagement(folder, respondents)
    if kpis:
        (folder / "kpis.csv").write_text(KPIS, encoding="utf-8")
    (folder / FILE).write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    return folder


def plan_of(folder: Path, today: str = "2026-11-20"):
    snap = take_snapshot(load(folder))
    snap.taken_at = f"{today}T09:00:00+00:00"
    return get("actions").evaluate(snap)["actions"]


# --- the sample engagement ---------------------------------------------------------------------------------------

def test_sample_plan_counts_overdue_and_a_done_item_that_moved(sample_copy):
    result = plan_of(sample_copy, "2026-11-02")
    assert {k: result[k] for k in ("open", "in_progress", "done", "dropped")} == {
        "open": 8, "in_progress": 2, "done": 2, "dropped": 1}
    assert all(isinstance(result[k], int) for k in ("open", "in_progress", "done", "dropped"))
    assert result["overdue"] == ["A-004"]
    by_id = {r["action_id"]: r for r in result["items"]}
    assert set(by_id["A-001"]) >= {"action_id", "item", "owner", "due", "status", "overdue", "item_change"}
    assert by_id["A-001"]["item"] == "CS1-3" and by_id["A-001"]["item_change"] > 0
    assert by_id["A-005"]["item_change"] is None and by_id["A-005"]["item_name"].startswith("Lead follow-up time")
    assert result["compared_waves"] == ["2026-Q2", "2026-Q4"]
    lines = findings(result)
    assert lines[0] == "13 actions in the plan: 8 open, 2 in progress, 2 done, 1 dropped."
    assert lines[1].startswith("1 action is overdue on November 2, 2026 (due earlier and not done yet): Renata "
                               "Kowalczyk, due October 15, 2026: Add a lead-outcome field")  # dates for people


def test_report_section_groups_by_owner_and_marks_overdue(sample_copy):
    from playbook.run import results

    snap = take_snapshot(load(sample_copy))
    snap.taken_at = "2026-11-02T09:00:00+00:00"
    sec = get("actions").section(results.compute(snap, (get("actions"),)))
    title, df = sec["tables"]["plan"]
    assert list(df.columns) == ["Owner", "ID", "Action", "Item", "Due", "Status", "Overdue", "Item moved"]
    owners = list(df["Owner"])
    assert owners == sorted(owners, key=owners.index)  # each owner's actions together
    row = df[df["ID"] == "A-004"].iloc[0]
    assert row["Overdue"] == "Overdue" and row["Owner"] == "Renata Kowalczyk"
    assert df[df["ID"] == "A-001"].iloc[0]["Item moved"].startswith("up ")
    assert "by_status" in sec["figures"]
    point = next(p for p in executive({"actions": get("actions").evaluate(snap)["actions"]}) if p.part == "actions")
    assert point.tone == "alert" and point.topic.endswith("is overdue")  # the finding names the action, not its id
    assert "Overdue: “Add a lead-outcome field" in point.text and "Renata Kowalczyk" in point.text
    assert "A-004" not in point.topic + point.text


# --- bad input: one message naming file, row and field; exit 2; nothing written ---------------------------------

GOOD = "A-1,credibility,CS1-1,Publish delivery dates,mkt-lead,2026-12-15,open,"
BAD = [
    ("missing column", None, "actions.csv: column 'owner' is missing"),
    ("unknown status", "A-1,credibility,CS1-1,Publish delivery dates,mkt-lead,2026-12-15,closed,",
     "actions.csv, row 2, column 'status': status 'closed' of action 'A-1' is not allowed; allowed: open, "
     "in_progress, done, dropped."),
    ("owner not a respondent", "A-1,credibility,CS1-1,Publish delivery dates,ceo,2026-12-15,open,",
     "actions.csv, row 2, column 'owner': owner 'ceo' of action 'A-1' is not a respondent"),
    ("due not a date", "A-1,credibility,CS1-1,Publish delivery dates,mkt-lead,15/12/2026,open,",
     "actions.csv, row 2, column 'due': due date '15/12/2026' of action 'A-1' is not allowed; write a date as "
     "YYYY-MM-DD"),
    ("due not a real day", "A-1,credibility,CS1-1,Publish delivery dates,mkt-lead,2026-02-30,open,",
     "actions.csv, row 2, column 'due'"),
    ("duplicate id", "a-1,custom,,Another thing,sls-lead,2026-12-15,open,",
     "actions.csv, row 3, column 'action_id': action id 'a-1' appears twice (first as 'A-1' at row 2)"),
    ("not a CS item", "A-1,credibility,CS4-1,Publish delivery dates,mkt-lead,2026-12-15,open,",
     "actions.csv, row 2, column 'item': item 'CS4-1' of action 'A-1' is not a credibility item"),
    ("not a KPI metric", "A-1,kpi,lead-velocity,Speed up leads,mkt-lead,2026-12-15,open,",
     "actions.csv, row 2, column 'item': item 'lead-velocity' of action 'A-1' is neither a credibility item nor a "
     "KPI metric of kpis.csv; metrics: win-rate."),
    ("empty action text", "A-1,credibility,CS1-1,,mkt-lead,2026-12-15,open,",
     "actions.csv, row 2, column 'action': the text of action 'A-1' is empty"),
    ("action text of two lines", 'A-1,credibility,CS1-1,"one\ntwo",mkt-lead,2026-12-15,open,',
     "actions.csv, row 2, column 'action': the text of action 'A-1' must be one line"),
    ("unknown source", "A-1,meeting,,Hold a meeting,mkt-lead,2026-12-15,open,",
     "actions.csv, row 2, column 'source': source 'meeting' of action 'A-1' is not allowed; allowed: credibility, "
     "kpi, knowledge, experiment, custom."),
    ("knowledge item not a question", "A-1,knowledge,CS9-1,Show sales the plan,mkt-lead,2026-12-15,open,",
     "actions.csv, row 2, column 'item': item 'CS9-1' of action 'A-1' is not a question of the questionnaires"),
    ("experiment with an item", "A-1,experiment,CS2-1,Test the leads,sls-lead,2026-12-15,open,",
     "actions.csv, row 2, column 'item': action 'A-1' has source experiment, so its item must be empty"),
]


def _bad_folder(tmp_path: Path, case: str, line: str | None) -> Path:
    folder = plan_engagement(tmp_path / "eng", [GOOD] if case == "duplicate id" else [])
    if line is None:
        (folder / FILE).write_text("action_id,source,item,action,due,status\nA-1,custom,,x,2026-12-15,open\n",
                                   encoding="utf-8")
    else:
        with (folder / FILE).open("a", encoding="utf-8") as f:
            f.write(line + "\n")
    return folder


@pytest.mark.parametrize("case,line,message", BAD, ids=[b[0] for b in BAD])
def test_bad_actions_file_is_one_clear_message_and_exit_2(tmp_path, case, line, message):
    folder = _bad_folder(tmp_path, case, line)
    with pytest.raises(UserError) as err:
        take_snapshot(load(folder))
    assert message in err.value.message
    before = files_of(folder)
    done = CliRunner().invoke(main, ["actions", str(folder), "--xlsx", str(tmp_path / "plan.xlsx")])
    assert done.exit_code == 2 and message in done.output
    assert files_of(folder) == before and not (tmp_path / "plan.xlsx").exists()


def test_a_kpi_item_needs_kpis_csv(tmp_path):
    folder = plan_engagement(tmp_path / "eng", ["A-1,kpi,win-rate,Win more,sls-lead,2026-12-15,open,"], kpis=False)
    with pytest.raises(UserError, match=r"actions.csv, row 2, column 'item': item 'win-rate' of action 'A-1' is a KPI "
                                        r"metric, but the engagement has no kpis.csv"):
        take_snapshot(load(folder))


@pytest.mark.parametrize("old,new,column", [(",open,Waiting", ",shelved,Waiting", "status"),
                                             ("kpi,lead-follow-up-hours", "kpi,lead-velocity", "item")])
def test_a_run_with_a_bad_plan_writes_nothing(sample_copy, tmp_path, old, new, column):
    text = (sample_copy / FILE).read_text(encoding="utf-8")
    (sample_copy / FILE).write_text(text.replace(old, new), encoding="utf-8")
    done = CliRunner().invoke(main, ["run", str(sample_copy), "--out", str(tmp_path / "out"), "--no-pdf"])
    assert done.exit_code == 2 and f"actions.csv, row {5 if column == 'status' else 6}, column '{column}'" in done.output
    assert not (tmp_path / "out").exists()
    assert not (sample_copy / "answers.sqlite").exists()  # responses.csv not imported either


def test_a_header_only_plan_is_an_empty_plan(tmp_path):
    folder = plan_engagement(tmp_path / "eng", [])
    result = plan_of(folder)
    assert result["items"] == [] and result["overdue"] == [] and result["open"] == 0
    assert findings(result)[0].startswith("The plan has no actions yet")


def test_without_actions_csv_the_part_is_not_assessed(make_engagement):
    snap = take_snapshot(load(make_engagement()))
    assert snap.data["actions"] is None and get("actions").evaluate(snap) == {"actions": None}
    assert not get("actions").assessed(snap)


# --- overdue: due before the day the report is made, still open or in progress ----------------------------------

def test_due_yesterday_is_overdue_due_today_is_not(tmp_path):
    today = date(2026, 11, 20)
    yesterday = (today - timedelta(days=1)).isoformat()
    folder = plan_engagement(tmp_path / "eng", [
        f"A-1,custom,,Due yesterday,mkt-lead,{yesterday},open,",
        f"A-2,custom,,Due today,mkt-lead,{today.isoformat()},open,",
        f"A-3,custom,,Due yesterday but in progress,sls-lead,{yesterday},in_progress,",
        f"A-4,custom,,Due yesterday and done,sls-lead,{yesterday},done,",
        f"A-5,custom,,Due yesterday and dropped,sls-lead,{yesterday},dropped,",
    ])
    result = plan_of(folder, today.isoformat())
    assert result["overdue"] == ["A-1", "A-3"]
    assert [r["overdue"] for r in result["items"]] == [True, False, True, False, False]
    assert result["as_of"] == "2026-11-20"


# --- a done action's item: moved up, down, not measured yet, too few answers -------------------------------------

SALES = [{"id": f"sls-{i}", "name": f"Rep {i}", "side": "sales", "role": "member"} for i in (2, 3)]


def _waves_engagement(folder: Path, q2: dict[str, list], q4: dict[str, list]) -> Path:
    lines = [f"A-{n},credibility,{item},Work on {item},mkt-lead,2026-09-30,done," for n, item in
             enumerate(sorted(set(q2) | set(q4)), start=1)]
    plan_engagement(folder, lines, respondents=RESPONDENTS + SALES)
    raters = ["sls-lead", "sls-1", "sls-2", "sls-3"]
    with (folder / "responses.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["respondent", "item", "answer", "comment", "wave"])
        for wave, ratings in (("2026-Q2", q2), ("2026-Q4", q4)):
            for item, values in ratings.items():
                for who, value in zip(raters, values, strict=False):
                    w.writerow([who, item, value, "", wave])
            w.writerow(["mkt-lead", "CS1-1", 5, "", wave])  # marketing's own ratings do not count
    return folder


def test_a_done_action_whose_item_went_down(tmp_path):
    folder = _waves_engagement(tmp_path / "eng", {"CS1-1": [4, 4, 4], "CS1-2": [2, 2, 3]},
                               {"CS1-1": [3, 3, 3], "CS1-2": [4, 4, 3]})
    result = plan_of(folder)
    change = {r["item"]: r["item_change"] for r in result["items"]}
    assert change["CS1-1"] == pytest.approx(-1.0) and change["CS1-2"] == pytest.approx(4 / 3)
    lines = findings(result)
    assert any(line.startswith("Done, yet the rating went down from Q2 2026 to Q4 2026: “Delivers sales support as "
                               "promised” down 1.0 (") for line in lines)
    sec = get("actions").section({"actions": result, "settings": {"min_group_size": 3}})
    moved = dict(zip(sec["tables"]["plan"][1]["ID"], sec["tables"]["plan"][1]["Item moved"], strict=True))
    assert moved == {"A-1": "down 1.0", "A-2": "up 1.3"}


def test_an_item_with_fewer_than_min_group_size_scored_sales_answers_has_no_change(tmp_path):
    # CS1-1: three sales answers in each wave but one is "don't know", so two scored answers in Q4.
    folder = _waves_engagement(tmp_path / "eng", {"CS1-1": [4, 4, 4], "CS1-2": [2, 2, 2]},
                               {"CS1-1": [3, 3, "dont_know"], "CS1-2": [4, 4, 4]})
    result = plan_of(folder)
    change = {r["item"]: r["item_change"] for r in result["items"]}
    assert change["CS1-1"] is None and change["CS1-2"] == pytest.approx(2.0)
    sec = get("actions").section({"actions": result, "settings": {"min_group_size": 3}})
    df = sec["tables"]["plan"][1]
    assert list(df["Item moved"]) == ["fewer than 3 answers", "up 2.0"]


def test_with_one_wave_a_done_item_is_not_measured_yet(tmp_path):
    folder = plan_engagement(tmp_path / "eng", ["A-1,credibility,CS1-1,Publish delivery dates,mkt-lead,2026-09-30,"
                                                "done,"])
    result = plan_of(folder)
    assert result["items"][0]["item_change"] is None and result["compared_waves"] is None
    df = get("actions").section({"actions": result})["tables"]["plan"][1]
    assert list(df["Item moved"]) == ["not measured yet"]


# --- playbook actions: proposals ----------------------------------------------------------------------------------

def _first_actions(folder: Path, n: int) -> str:
    """Keep the first ``n`` actions of the folder's plan (the sample as it stood before its findings were covered)."""
    lines = (folder / FILE).read_text(encoding="utf-8").splitlines(keepends=True)[: n + 1]
    (folder / FILE).write_text("".join(lines), encoding="utf-8")
    return "".join(lines)


def test_propose_covers_every_finding_without_a_second_open_action(sample_copy):
    before = _first_actions(sample_copy, 8)
    runner = CliRunner()
    done = runner.invoke(main, ["actions", str(sample_copy)])
    assert done.exit_code == 0, done.output
    after = list(csv.DictReader((sample_copy / FILE).open(encoding="utf-8")))
    assert (sample_copy / FILE).read_text(encoding="utf-8").startswith(before)
    added = after[8:]
    # CS2-2 (in progress), CS2-6 (open) and both off-track managed KPIs (open, in progress) already have an action;
    # the other three next steps, the knowledge gap on CS3-3 and the lead test (12 reps a group, 53 needed) do not.
    assert [(a["source"], a["item"]) for a in added] == [
        ("credibility", "CS2-1"), ("credibility", "CS2-3"), ("credibility", "CS2-4"), ("knowledge", "CS3-3"),
        ("experiment", "")]
    assert [a["action_id"] for a in added] == ["A-009", "A-010", "A-011", "A-012", "A-013"]
    due = (date.today() + timedelta(days=30)).isoformat()
    assert all(a["status"] == "open" and a["due"] == due for a in added)
    owners = [a["owner"] for a in added]
    assert owners == ["mkt-lead"] * 4 + ["sls-lead"]  # marketing explains its planning; sales picks the reps
    assert added[3]["action"].startswith("Sales cannot judge “Marketing and sales plan the year together”")
    assert "until each group has 53 reps (it has 12)" in added[4]["action"]
    assert "A-009" in done.output and "reassign" in done.output
    again = runner.invoke(main, ["actions", str(sample_copy)])
    assert again.exit_code == 0 and "Nothing to add" in again.output
    assert len(list(csv.DictReader((sample_copy / FILE).open(encoding="utf-8")))) == 13
    take_snapshot(load(sample_copy))  # what was written is a valid plan


def test_the_shipped_sample_plan_covers_its_findings(sample_copy):
    snap = take_snapshot(load(sample_copy))
    plan, added = model.propose(snap, date(2026, 12, 3))
    assert added == [] and len(plan) == 13
    kinds = {a.source for a in plan if a.status in ("open", "in_progress")}
    assert {"credibility", "knowledge", "kpi", "experiment"} <= kinds


def test_a_knowledge_gap_goes_to_the_side_that_can_judge_it(tmp_path):
    gap = {"item": "SSE-2", "sides": {"marketing": 0.5, "sales": 0.0}}
    text, side = model.knowledge_action(gap, 0.34)
    assert side == "sales" and text.startswith("Marketing cannot judge “Sales considers time spent")
    text, side = model.knowledge_action({"item": "SYM-6", "sides": {"marketing": 0.4, "sales": 0.5}}, 0.34)
    assert side == "marketing" and text.startswith("Many cannot judge")
    # a knowledge gap on an item that already has an open action gets no second one
    rows = ([(r, "CS3-3", "dont_know") for r in ("sls-lead", "sls-1")]
            + [(r, "CS3-3", "4") for r in ("mkt-lead", "mkt-1")])
    folder = plan_engagement(tmp_path / "eng", ["A-1,credibility,CS3-3,Plan the year together,mkt-lead,2026-12-15,"
                                                "in_progress,"], kpis=False)
    write_engagement(folder, rows=rows)
    snap = take_snapshot(load(folder))
    assert [g["item"] for g in get("knowledge").evaluate(snap)["knowledge_gaps"]] == ["CS3-3"]
    assert "CS3-3" not in [a.item for a in model.propose(snap, date(2026, 11, 20))[1]]
    (folder / FILE).write_text(HEADER, encoding="utf-8")
    plan, added = model.propose(take_snapshot(load(folder)), date(2026, 11, 20))
    assert [(a.source, a.item, a.owner) for a in added if a.item == "CS3-3"] == [("knowledge", "CS3-3", "mkt-lead")]


def _experiment(treatment: int, control: int, significant: bool, needed: int | None) -> dict:
    return {"lift": 1000.0, "significant": significant, "needed_per_group": needed,
            "treatment": {"n": treatment}, "control": {"n": control}}


@pytest.mark.parametrize("e, proposed", [
    (_experiment(12, 12, False, 53), "until each group has 53 reps (it has 12)"),
    (_experiment(30, 20, True, 25), "until each group has 25 reps (it has 20)"),  # significant, yet short of reps
    (_experiment(30, 30, False, None), "repeat the lead experiment with more reps"),
    (_experiment(30, 30, True, 25), None),  # proven with the reps it needs: nothing to test
])
def test_a_lead_test_is_proposed_when_the_experiment_is_short_of_reps_or_not_significant(e, proposed):
    text = model.experiment_action(e)
    assert (text is None) if proposed is None else (proposed in text and text.startswith("Test marketing leads"))


def test_never_a_second_open_lead_test(sample_copy):
    _first_actions(sample_copy, 8)
    with (sample_copy / FILE).open("a", encoding="utf-8") as f:
        f.write("A-020,experiment,,Split the reps again,sls-lead,2027-01-15,in_progress,\n")
    plan, added = model.propose(take_snapshot(load(sample_copy)), date(2026, 12, 3))
    assert "experiment" not in [a.source for a in added] and len(added) == 4


def test_propose_without_a_plan_creates_one_with_kpi_owners(sample_copy):
    (sample_copy / FILE).unlink()
    snap = take_snapshot(load(sample_copy))
    plan, added = model.propose(snap, date(2026, 11, 20))
    assert plan == added
    owners = {a.item: a.owner for a in added}
    assert owners["lead-follow-up-hours"] == "sls-lead"  # a sales metric: the sales leader
    assert owners["marketing-sourced-pipeline"] == "mkt-lead"
    assert owners["CS2-1"] == "mkt-lead" and {a.due for a in added} == {"2026-12-20"}
    assert [a.source for a in added].count("kpi") == 2
    assert [a.source for a in added] == ["credibility"] * 5 + ["knowledge", "kpi", "kpi", "experiment"]


def test_the_shipped_sample_is_never_written(tmp_path):
    from playbook.core.engagement import sample_path

    before = files_of(sample_path())
    done = CliRunner().invoke(main, ["actions", str(sample_path())])
    assert done.exit_code == 2 and "read-only" in done.output
    assert files_of(sample_path()) == before


# --- the plan through Excel ---------------------------------------------------------------------------------------

def test_xlsx_round_trip_is_exact(sample_copy, tmp_path):
    before = files_of(sample_copy)
    book = tmp_path / "plan.xlsx"
    done = CliRunner().invoke(main, ["actions", str(sample_copy), "--no-propose", "--xlsx", str(book)])
    assert done.exit_code == 0, done.output
    assert files_of(sample_copy) == before
    (sample_copy / FILE).write_text(HEADER, encoding="utf-8")
    done = CliRunner().invoke(main, ["actions", str(sample_copy), "--import", str(book)])
    assert done.exit_code == 0, done.output
    assert files_of(sample_copy) == before
    assert not list(sample_copy.glob(".*.tmp"))


def test_workbook_has_dropdowns_for_owner_status_source_and_item(sample_copy, tmp_path):
    eng = load(sample_copy)
    wb = load_workbook(excel.export_xlsx(eng, model.read(eng), tmp_path / "plan.xlsx"))
    ws = wb["actions"]
    assert [c.value for c in ws[1]] == list(COLUMNS) + ["note"]
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["G2"] == '"open,in_progress,done,dropped"' and lists["B2"] == '"credibility,kpi,knowledge,experiment,custom"'
    assert lists["E2"] == "lists!$A$2:$A$8"
    assert [wb["lists"].cell(row=r, column=1).value for r in range(2, 9)] == [r.id for r in eng.respondents]
    assert lists["C2"] == f"lists!$D$2:$D${1 + 20 + 17 + 12}"  # credibility items, the other questions, metrics
    assert ws["F2"].value == "2026-09-30" and ws["F2"].number_format == "@"


def test_formula_looking_action_text_stays_text(tmp_path):
    text = "=HYPERLINK(\"http://example.invalid\",\"click\")"
    folder = plan_engagement(tmp_path / "eng", [f'A-1,custom,,"{text.replace(chr(34), chr(34) * 2)}",mkt-lead,'
                                                 "2026-12-15,open,+call the CRM admin"])
    before = files_of(folder)
    eng = load(folder)
    book = excel.export_xlsx(eng, model.read(eng), tmp_path / "plan.xlsx")
    ws = load_workbook(book)["actions"]
    assert ws["D2"].data_type == "s" and ws["D2"].value == "'" + text
    assert ws["H2"].value == "'+call the CRM admin"
    excel.import_file(eng, book)
    assert files_of(folder) == before


def test_a_bad_workbook_writes_nothing(sample_copy, tmp_path):
    eng = load(sample_copy)
    book = excel.export_xlsx(eng, model.read(eng), tmp_path / "plan.xlsx")
    wb = load_workbook(book)
    wb["actions"]["E3"] = "nobody"
    wb.save(book)
    before = files_of(sample_copy)
    done = CliRunner().invoke(main, ["actions", str(sample_copy), "--import", str(book)])
    assert done.exit_code == 2
    assert "plan.xlsx, sheet 'actions', row 3, column 'owner': owner 'nobody' of action 'A-002'" in done.output
    assert files_of(sample_copy) == before


def test_import_of_a_kpi_item_the_engagement_does_not_define(sample_copy, tmp_path):
    eng = load(sample_copy)
    book = excel.export_xlsx(eng, model.read(eng), tmp_path / "plan.xlsx")
    wb = load_workbook(book)
    wb["actions"]["C6"] = "churn-rate"
    wb.save(book)
    with pytest.raises(UserError, match=r"plan.xlsx, sheet 'actions', row 6, column 'item': item 'churn-rate' of "
                                        r"action 'A-005' is neither a credibility item nor a KPI metric"):
        excel.import_file(eng, book)


# --- the scaffold and the live view -------------------------------------------------------------------------------

def test_new_engagements_start_with_an_empty_plan(tmp_path):
    done = CliRunner().invoke(main, ["new", str(tmp_path / "acme"), "--client", "Acme"])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "acme" / FILE).read_text(encoding="utf-8") == HEADER
    assert model.read(load(tmp_path / "acme")) == []


def test_live_view_filters_by_owner_and_status(sample_copy):
    from playbook.parts.actions.live import plan_view

    view = plan_view(load(sample_copy))._playbook_view
    assert "13 actions in the plan" in view.summary.value
    assert view.table.value.count("<tr>") == 14  # header and thirteen actions
    view.owner.value = "mkt-lead"
    assert view.table.value.count("<tr>") == 5 and "Priya Raman" in view.table.value
    view.status.value = "done"
    assert view.table.value.count("<tr>") == 2 and "A-001" in view.table.value
    assert "sls-rep-1" not in [rid for _, rid in view.owner.options]  # owns nothing: not offered


def test_live_view_shows_a_bad_plan_as_one_message(tmp_path):
    from playbook.parts.actions.live import plan_view

    folder = _bad_folder(tmp_path, "unknown status", BAD[1][1])
    view = plan_view(load(folder))._playbook_view
    from html import unescape

    assert "actions.csv, row 2, column 'status'" in unescape(view.summary.value)
    assert view.table.value == ""
