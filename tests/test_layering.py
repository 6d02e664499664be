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
    assert loaded_after("playbook.serve.forms.page", *core) == []


def test_the_check_sees_a_heavy_import():
    assert loaded_after("playbook.core.engagement", "pandas") == ["pandas"]


def _imports_of(path, package_root) -> set[str]:
    """Every playbook module ``path`` imports, at the top or inside a function."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("playbook"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                where = package_root.parent / sub.replace(".", "/")
                is_module = where.with_suffix(".py").is_file() or (where / "__init__.py").is_file()
                found.add(sub if is_module else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("playbook"))
    return found


def test_no_import_cycles():
    """Parts below faces, model below words below views: no module reaches back to one that imports it."""
    from pathlib import Path

    root = Path(playbook.core.__file__).resolve().parent.parent
    graph = {}
    for path in root.rglob("*.py"):
        name = ".".join(path.relative_to(root.parent).with_suffix("").parts).removesuffix(".__init__")
        graph[name] = {m for m in _imports_of(path, root) if m != name and not name.startswith(m + ".")}
    cycles = []

    def visit(node, trail):
        for nxt in graph.get(node, ()):
            if nxt in trail:
                cycles.append(trail[trail.index(nxt):] + [nxt])
            elif len(trail) < 12:
                visit(nxt, trail + [nxt])

    for start in graph:
        visit(start, [start])
    assert cycles == []
