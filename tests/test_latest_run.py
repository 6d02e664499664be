"""The record of an engagement's latest run: written by a real run, found while its results are there."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from playbook.cli import main
from playbook.core.engagement import load, sample_path
from playbook.core.errors import UserError
from playbook.run import latest


def results_in(out):
    """An output folder holding what a run leaves (written by hand: the real run is one test below)."""
    (out / "notebooks").mkdir(parents=True)
    (out / "results.json").write_text("{}", encoding="utf-8")
    (out / "snapshot.pickle").write_bytes(b"x")
    return out


def test_a_real_run_records_its_output_folder(sample_copy, tmp_path):
    eng = load(sample_copy)
    assert latest.find(eng) is None
    out = tmp_path / "out"
    done = CliRunner().invoke(main, ["run", str(sample_copy), "--out", str(out), "--no-pdf", "--no-deck"])
    assert done.exit_code == 0, done.output
    assert latest.find(eng) == out.resolve()
    assert latest.require(eng) == out.resolve()
    doc = json.loads(latest.path(eng).read_text(encoding="utf-8"))
    assert doc["engagement"] == eng.id and doc["out"] == str(out.resolve()) and doc["at"]
    assert not [p.name for p in sample_copy.iterdir() if p.name.endswith(".tmp")]


def test_a_recorded_folder_is_found_while_it_holds_the_results(make_engagement, tmp_path):
    eng = load(make_engagement())
    out = results_in(tmp_path / "report")
    latest.record(eng, out)
    assert latest.find(eng) == out.resolve()
    (out / "snapshot.pickle").unlink()
    assert latest.find(eng) is None
    with pytest.raises(UserError) as err:
        latest.require(eng)
    assert "Testco Ltd (test-eng)" in err.value.message and "playbook run" in err.value.message


@pytest.mark.parametrize("missing", ["results.json", "notebooks"])
def test_an_output_folder_missing_a_piece_is_not_a_run(make_engagement, tmp_path, missing):
    eng = load(make_engagement())
    out = results_in(tmp_path / "report")
    latest.record(eng, out)
    target = out / missing
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    assert latest.find(eng) is None


def test_no_record_says_what_to_run(make_engagement):
    eng = load(make_engagement())
    assert latest.find(eng) is None
    with pytest.raises(UserError) as err:
        latest.require(eng)
    assert err.value.message.startswith("no results yet for Testco Ltd (test-eng): run `playbook run ")
    assert f"--out {eng.path}-report`" in err.value.message


def test_the_latest_record_wins(make_engagement, tmp_path):
    eng = load(make_engagement())
    first, second = results_in(tmp_path / "one"), results_in(tmp_path / "two")
    latest.record(eng, first)
    latest.record(eng, second)
    assert latest.find(eng) == second.resolve()


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '{"engagement": "other", "out": "/tmp"}',
                                  '{"engagement": "test-eng", "out": "relative/out"}',
                                  '{"engagement": "test-eng", "out": 3}'])
def test_a_damaged_or_foreign_record_is_no_run(make_engagement, tmp_path, text):
    eng = load(make_engagement())
    results_in(tmp_path / "relative" / "out")
    latest.path(eng).write_text(text, encoding="utf-8")
    assert latest.find(eng) is None


def test_a_folder_that_cannot_be_written_is_skipped_with_a_note(make_engagement, tmp_path):
    eng = load(make_engagement())
    latest.path(eng).mkdir()  # the record's place is taken (works as root too, unlike a read-only folder)
    notes: list[str] = []
    latest.record(eng, results_in(tmp_path / "report"), notes)
    assert len(notes) == 1 and str(latest.path(eng)) in notes[0]
    assert latest.find(eng) is None
    assert not [p.name for p in eng.path.iterdir() if p.name.endswith(".tmp")]


def test_the_shipped_sample_is_never_written(tmp_path):
    eng = load(sample_path())
    latest.record(eng, results_in(tmp_path / "report"))
    assert not latest.path(eng).exists()
