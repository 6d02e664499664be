"""Batch runs (a folder of engagements, --jobs) and runs handed to an orchestrator (plan, snapshot, assemble)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from click.testing import CliRunner

from playbook.cli import main
from playbook.core.engagement import sample_path

BIN = Path(sys.executable).parent


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def copy_sample(folder: Path, eid: str) -> Path:
    shutil.copytree(sample_path(), folder)
    config = folder / "engagement.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["id"] = eid
    config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return folder


def results(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("generated_at")
    return data


def test_a_folder_of_engagements_runs_each_into_its_own_folder(tmp_path):
    ws = tmp_path / "ws"
    copy_sample(ws / "north-2026", "north-2026")
    copy_sample(ws / "south-2026", "south-2026")
    (ws / "notes").mkdir()  # a folder without engagement.yaml is not an engagement
    out = tmp_path / "out"
    res = invoke("run", ws, "--out", out, "--jobs", "2", "--no-pdf", "--no-deck")
    assert res.exit_code == 0, res.output
    lines = res.stdout.strip().splitlines()
    assert len(lines) == 2
    assert sorted(line.split(":")[0] for line in lines) == ["north-2026", "south-2026"]
    assert all(" part(s) (self_evaluation, " in line and line.endswith(" s") for line in lines)
    assert sorted(p.name for p in out.iterdir()) == ["north-2026", "south-2026"]
    north, south = results(out / "north-2026" / "results.json"), results(out / "south-2026" / "results.json")
    assert north["engagement"] == "north-2026" and south["engagement"] == "south-2026"
    assert {k: v for k, v in north.items() if k != "engagement"} == {k: v for k, v in south.items()
                                                                      if k != "engagement"}
    assert (out / "south-2026" / "report.html").is_file()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temp folders left


def test_one_bad_engagement_gives_its_line_and_the_others_still_run(tmp_path):
    ws = tmp_path / "ws"
    copy_sample(ws / "good-2026", "good-2026")
    (ws / "broken").mkdir()
    (ws / "broken" / "engagement.yaml").write_text("id: Not A Slug\nclient: X\n")
    copy_sample(ws / "misnamed", "other-id")  # inside a workspace the id must be the folder's name
    out = tmp_path / "out"
    res = invoke("run", ws, "--out", out, "--jobs", "2", "--no-pdf", "--no-deck")
    assert res.exit_code == 2, res.output
    lines = dict(line.split(": ", 1) for line in res.stdout.strip().splitlines())
    assert sorted(lines) == ["broken", "good-2026", "misnamed"]
    assert lines["broken"].startswith("error: ") and "is not allowed" in lines["broken"]
    assert lines["misnamed"].startswith("error: ") and "must match its folder name 'misnamed'" in lines["misnamed"]
    assert "part(s)" in lines["good-2026"]
    assert sorted(p.name for p in out.iterdir()) == ["good-2026"]
    assert "Traceback" not in res.output


def test_bad_jobs_and_missing_steps_exit_2_with_one_message(tmp_path, sample_copy):
    ws = tmp_path / "ws"
    ws.mkdir()
    for jobs in ("0", "-3"):
        res = invoke("run", ws, "--out", tmp_path / "out", "--jobs", jobs)
        assert res.exit_code == 2 and res.output == f"error: --jobs {jobs}: give how many engagements to run at " \
                                                     "once, 1 or more.\n"
    res = invoke("run", ws, "--out", tmp_path / "out")
    assert res.exit_code == 2 and "holds no engagement.yaml, directly or one level down" in res.output
    for command in ("plan", "assemble", "snapshot"):
        res = invoke(command, ws, "--out", tmp_path / "out")
        assert res.exit_code == 2 and "engagement.yaml" in res.output and "Traceback" not in res.output
    res = invoke("assemble", sample_copy, "--out", tmp_path / "out")
    assert res.exit_code == 2
    assert f"run 'playbook snapshot {sample_copy} --out {tmp_path / 'out'}' first" in res.output
    res = invoke("snapshot", sample_copy, "--out", tmp_path / "out")
    assert res.exit_code == 0 and "parts assessed: self_evaluation, " in res.output
    res = invoke("assemble", sample_copy, "--out", tmp_path / "out")
    assert res.exit_code == 2 and "self_evaluation.ipynb" in res.output and "not executed yet" in res.output
    assert "'playbook plan " in res.output
    assert not (tmp_path / "out" / "results.json").exists()


def _papermill(step: dict) -> list[str]:
    cmd = [str(BIN / "papermill"), step["input"], step["output"], "-k", step["kernel"], "--no-progress-bar"]
    for name, value in step["parameters"].items():
        cmd += ["-r", name, value]  # every parameter is a string: passed raw, as papermill's Python API gets it
    return cmd


def test_a_plan_run_with_papermill_alone_gives_the_same_results_as_run(tmp_path, sample_copy):
    reference = tmp_path / "reference"
    res = invoke("run", sample_copy, "--out", reference, "--no-pdf", "--no-deck")
    assert res.exit_code == 0, res.output

    out = tmp_path / "planned"
    res = invoke("plan", sample_copy, "--out", out, "--no-pdf", "--no-deck")
    assert res.exit_code == 0, res.output
    plan = json.loads((out / "plan.json").read_text())
    assert plan["engagement"] == "halvorsen-2026"
    steps = plan["steps"]
    assert [s["step"] for s in steps] == ["snapshot"] + ["notebook"] * (len(steps) - 2) + ["assemble"]
    notebooks = [s for s in steps if s["step"] == "notebook"]
    assert {s["notebook"] for s in notebooks} == {p.name for p in (reference / "notebooks").iterdir()}
    for s in notebooks:
        assert all(Path(s[k]).is_absolute() for k in ("input", "output", "cwd"))
        assert s["parameters"] == {"engagement_dir": str(sample_copy.resolve()), "mode": "report", "respondent": "",
                                   "wave": "", "snapshot": "../snapshot.pickle"}
    assert not (out / "snapshot.pickle").exists()  # planning writes the plan only

    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    first = subprocess.run(steps[0]["command"], env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    pending = list(notebooks)
    while pending:  # two papermill processes at a time, each in the working folder the plan gives
        batch, pending = pending[:2], pending[2:]
        procs = [subprocess.Popen(_papermill(s), cwd=s["cwd"], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for s in batch]
        for p in procs:
            _, err = p.communicate(timeout=300)
            assert p.returncode == 0, err
    last = subprocess.run(steps[-1]["command"], env=env, capture_output=True, text=True, timeout=300)
    assert last.returncode == 0, last.stderr
    assert results(out / "results.json") == results(reference / "results.json")
    assert (out / "report.html").is_file() and not (out / "report.pdf").exists()
