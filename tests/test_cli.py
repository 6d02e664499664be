"""The command line: exit codes, messages, and what is (not) written."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from playbook import load
from playbook.cli import main


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_new_scaffolds_an_engagement_that_loads(tmp_path):
    res = invoke("new", tmp_path / "acme-2026", "--client", "Acme <Holdings> & Co", "--period", "2026-Q3")
    assert res.exit_code == 0, res.output
    eng = load(tmp_path / "acme-2026")
    assert (eng.id, eng.client, eng.period) == ("acme-2026", "Acme <Holdings> & Co", "2026-Q3")
    text = (tmp_path / "acme-2026" / "engagement.yaml").read_text()
    assert "# stage_threshold: 0.75" in text  # every default listed, commented
    assert (tmp_path / "acme-2026" / "responses.csv").is_file()


def test_new_refuses_a_non_empty_folder_and_bad_id(tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "x.txt").write_text("keep me")
    res = invoke("new", tmp_path / "busy", "--client", "X")
    assert res.exit_code == 2
    assert "exists and is not empty" in res.output
    assert (tmp_path / "busy" / "x.txt").read_text() == "keep me"
    res = invoke("new", tmp_path / "fresh", "--client", "X", "--id", "Bad Id")
    assert res.exit_code == 2 and "--id 'Bad Id' is not allowed" in res.output
    assert not (tmp_path / "fresh").exists()


@pytest.mark.parametrize(
    "responses, expected",
    [
        ("respondent,item,answer\nmkt-lead,MSE-1,maybe\n", "answer 'maybe' is not allowed"),
        ("respondent,item,answer\nghost,MSE-1,yes\n", "respondent 'ghost' is not in engagement.yaml"),
        ("", "responses.csv: the file is empty"),
    ],
)
def test_run_with_bad_input_exits_2_and_writes_nothing(make_engagement, tmp_path, responses, expected):
    folder = make_engagement(rows=[])
    (folder / "responses.csv").write_text(responses)
    out = tmp_path / "out"
    res = invoke("run", folder, "--out", out)
    assert res.exit_code == 2
    assert expected in res.output
    assert "Traceback" not in res.output
    assert not out.exists()
    assert not (folder / "answers.sqlite").exists()


def test_run_bad_engagement_yaml_exits_2(tmp_path):
    (tmp_path / "e").mkdir()
    (tmp_path / "e" / "engagement.yaml").write_text("id: Not A Slug\nclient: X\n")
    res = invoke("run", tmp_path / "e", "--out", tmp_path / "out")
    assert res.exit_code == 2 and "error: " in res.output and "is not allowed" in res.output


def test_export_writes_csv_and_xlsx(sample_copy):
    res = invoke("export", sample_copy)
    assert res.exit_code == 0, res.output
    csv_text = (sample_copy / "answers-export.csv").read_text()
    assert csv_text.splitlines()[0].startswith("wave,respondent,name,side,role,item")
    wb = load_workbook(sample_copy / "answers-export.xlsx")
    assert wb.sheetnames == ["answers", "history"]
    assert wb["answers"].max_row == len(csv_text.splitlines())


def test_demo_end_to_end_as_a_user_runs_it(tmp_path):
    """The real command in a real process: papermill, kernels, report, results.json."""
    out = tmp_path / "demo"
    proc = subprocess.run([sys.executable, "-m", "playbook", "demo", "--out", str(out), "--no-pdf"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    results = json.loads((out / "results.json").read_text())
    assert results["engagement"] == "halvorsen-2026"
    assert results["self_evaluation"]["marketing"]["credibility_gap"] is True
    assert results["self_evaluation"]["sales"]["meet_marketing_peer"] is True
    html = (out / "report.html").read_text()
    assert "Halvorsen Freight Systems" in html and "Q4 2026" in html  # the period as people write it
    assert "<svg" in html and "<script" not in html
    assert (out / "notebooks" / "self_evaluation.ipynb").is_file()
    assert "Report:" in proc.stdout
    # A second run replaces the outputs and keeps the engagement (and its answers).
    proc = subprocess.run([sys.executable, "-m", "playbook", "demo", "--out", str(out), "--no-pdf"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "Using the demo engagement already" in proc.stderr
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".demo.")]  # no temp folders left


def test_import_loads_responses_into_the_store_once(sample_copy):
    res = invoke("import", sample_copy)
    assert res.exit_code == 0, res.output
    assert "unchanged" in res.output and (sample_copy / "answers.sqlite").is_file()
    added = int(res.output.split(":", 1)[1].split()[0])
    assert added > 0
    again = invoke("import", sample_copy)
    assert again.exit_code == 0 and ": 0 answer(s) added" in again.output


def test_import_without_responses_csv_exits_2(sample_copy):
    (sample_copy / "responses.csv").unlink()
    res = invoke("import", sample_copy)
    assert res.exit_code == 2
    assert "no responses.csv to import" in res.output and "Traceback" not in res.output
    assert not (sample_copy / "answers.sqlite").exists()


def test_export_neutralises_formulas_in_client_text(sample_copy):
    from playbook.core.store import Store

    with Store(sample_copy / "answers.sqlite") as s:
        s.save("mkt-lead", "MSE-1", "yes", "2026-Q4", comment="=HYPERLINK(\"http://x\",\"y\")")
        s.save("mkt-lead", "MSE-2", "no", "2026-Q4", comment="@SUM(A1)")
    assert invoke("export", sample_copy).exit_code == 0
    csv_text = (sample_copy / "answers-export.csv").read_text()
    assert "'=HYPERLINK" in csv_text and "'@SUM(A1)" in csv_text
    wb = load_workbook(sample_copy / "answers-export.xlsx")
    comments = [c.value for c in wb["answers"]["I"]]
    assert "'=HYPERLINK(\"http://x\",\"y\")" in comments and "'@SUM(A1)" in comments
    assert all(c.data_type != "f" for row in wb["answers"].iter_rows() for c in row)


def test_invite_all_writes_a_mail_merge_csv_that_runs_no_formula(make_engagement):
    import csv

    people = [{"id": "mk-1", "name": "=cmd|' /C calc'!A0", "side": "marketing", "role": "leader"},
              {"id": "sl-1", "name": "Sam Vale", "side": "sales", "role": "leader", "email": "sam@vale.example"}]
    folder = make_engagement(respondents=people)
    res = invoke("invite", folder, "--all", "--public-url", "https://survey.example.org")
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader((folder / "invites.csv").open(encoding="utf-8")))
    assert [r["name"] for r in rows] == ["'=cmd|' /C calc'!A0", "Sam Vale"]
    # for a mail merge: who each row is, and where it goes
    assert [(r["respondent"], r["email"]) for r in rows] == [("mk-1", ""), ("sl-1", "sam@vale.example")]
    assert all(r["link"].startswith("https://survey.example.org/") for r in rows)
    assert not list(folder.glob(".*.tmp"))
