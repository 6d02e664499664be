"""One read per run: the snapshot, and what a run opens (counted with strace in a real run)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from playbook import load
from playbook.core import snapshot
from playbook.core.engagement import sample_path
from playbook.core.errors import UserError
from playbook.parts import PARTS, take_snapshot

from .conftest import system_tool

INPUTS = ("engagement.yaml", "responses.csv", "kpis.csv", "kpi_values.csv", "prospecting.yaml", "deals.csv",
          "experiment.csv", "actions.csv")


def test_snapshot_holds_every_input_and_reading_writes_nothing(sample_copy):
    snap = take_snapshot(load(sample_copy))
    assert not (sample_copy / "answers.sqlite").exists()
    assert {a["item"][:3] for a in snap.answers} >= {"MSE", "SSE", "SYM", "CS1"}
    assert snap.waves == ["2026-Q2", "2026-Q4"] and all(a["wave"] == "2026-Q4" for a in snap.wave_answers())
    assert snap.data["kpis"] is not None and snap.data["economics"] is not None
    assert [p.name for p in PARTS if p.assessed(snap)] == ["self_evaluation", "credibility", "knowledge", "movement",
                                                            "kpis", "economics", "leads", "actions"]


def test_snapshot_round_trip_and_refusals(tmp_path):
    snap = take_snapshot(load(sample_path()))
    path = snapshot.save(snap, tmp_path / snapshot.FILE)
    again = snapshot.load(path)
    assert again.answers == snap.answers and again.engagement.id == snap.engagement.id
    with pytest.raises(UserError, match="no run snapshot here"):
        snapshot.load(tmp_path / "missing.pickle")
    (tmp_path / "bad.pickle").write_bytes(b"not a pickle")
    with pytest.raises(UserError, match="not a snapshot written by this version"):
        snapshot.load(tmp_path / "bad.pickle")


def test_parts_without_files_are_not_assessed(make_engagement):
    eng = load(make_engagement(rows=[("mkt-lead", "MSE-1", "yes")]))
    snap = take_snapshot(eng)
    # one wave of self-evaluation answers: its knowledge gaps are read, and there is nothing to compare yet
    assert [p.name for p in PARTS if p.assessed(snap)] == ["self_evaluation", "knowledge", "movement"]


@pytest.mark.notebook
def test_a_run_opens_each_input_file_once(sample_copy, tmp_path):
    """The whole run (the CLI and every kernel it starts) opens each input file exactly once."""
    trace = tmp_path / "trace.txt"
    cmd = [system_tool("strace", "strace"), "-f", "-qq", "-e", "trace=open,openat", "-o", str(trace),
           sys.executable, "-m", "playbook", "run", str(sample_copy), "--out", str(tmp_path / "out"), "--no-pdf"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    opened = Counter()
    folder = str(sample_copy.resolve())
    for line in trace.read_text().splitlines():
        m = re.search(r'open(?:at)?\((?:AT_FDCWD, )?"([^"]+)"', line)
        if m and "= -1" not in line and m.group(1).startswith(folder):
            opened[Path(m.group(1)).name] += 1
    assert {name: opened[name] for name in INPUTS} == dict.fromkeys(INPUTS, 1)
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert results["credibility"]["stage"] is not None and results["kpis"] is not None
    assert (tmp_path / "out" / snapshot.FILE).is_file()
