"""The layers of the package: what the lean respondent's kernel and the core may import."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import playbook.core

HEAVY = ("pandas", "altair", "ipywidgets")


def loaded_after(*modules: str) -> list[str]:
    """The heavy modules in ``sys.modules`` after importing ``modules`` in a fresh interpreter."""
    code = (f"import importlib, json, sys\nfor m in {list(modules)!r}:\n    importlib.import_module(m)\n"
            f"print(json.dumps(sorted(m for m in {list(HEAVY)!r} if m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_respondent_form_page_and_the_core_import_no_pandas_altair_or_ipywidgets():
    core = [f"playbook.core.{m.name}" for m in pkgutil.iter_modules(playbook.core.__path__)]
    assert "playbook.core.html" in core
    assert loaded_after("playbook.serve.formpage", *core) == []


def test_the_check_sees_a_heavy_import():
    assert loaded_after("playbook.core.engagement", "pandas") == ["pandas"]
