"""Find the notebooks and templates shipped with the package.

In a wheel they live inside the package (``playbook/notebooks``,
``playbook/templates``); in a source checkout they are the top-level folders.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _find(name: str) -> Path:
    inside = Path(str(resources.files("playbook"))) / name
    if inside.is_dir():
        return inside
    beside = Path(__file__).resolve().parents[2] / name
    if beside.is_dir():
        return beside
    raise FileNotFoundError(f"the playbook installation has no '{name}' folder; reinstall the package")


def notebooks_dir() -> Path:
    return _find("notebooks")


def templates_dir() -> Path:
    return _find("templates")
