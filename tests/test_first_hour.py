"""The consultant's first hour (issue 25): what the command line says works as shown."""

from __future__ import annotations

import sys
from pathlib import Path

from click.testing import CliRunner

from playbook.cli import ORDER, command_name, main


def test_help_lists_the_commands_in_the_order_of_an_engagement():
    res = CliRunner().invoke(main, ["--help"])
    listed = [line.split()[0] for line in res.output.split("Commands:")[1].splitlines() if line.strip()]
    assert listed[:6] == ["new", "invite", "serve", "status", "remind", "import"]
    assert listed == [n for n in ORDER if n in listed] and set(listed) == set(main.commands)


def test_the_command_named_in_hints_is_the_one_that_runs(monkeypatch, tmp_path):
    here = Path(sys.executable).with_name("playbook")
    monkeypatch.setenv("PATH", str(tmp_path))  # a plain shell where the venv is not active
    assert command_name() == (str(here) if here.exists() else "playbook")
    monkeypatch.setenv("PATH", str(here.parent))
    assert command_name() == "playbook"


def test_new_prints_the_real_next_steps(tmp_path):
    res = CliRunner().invoke(main, ["new", str(tmp_path / "acme"), "--client", "Acme"])
    assert res.exit_code == 0, res.output
    for words in ("invite", "--all --send", "serve", "status", " run ", "share"):
        assert words in res.output, words
    text = (tmp_path / "acme" / "engagement.yaml").read_text()
    assert "METHOD" not in text and "source articles" not in text and "deadline:" in text and "email:" in text
    for scaffolded in (tmp_path / "acme").iterdir():  # every file the consultant edits speaks their words
        if scaffolded.is_file() and scaffolded.suffix in (".yaml", ".csv", ".md"):
            words = scaffolded.read_text(encoding="utf-8")
            assert "METHOD" not in words and "source articles" not in words, scaffolded.name
