"""The one reader of executed notebooks: the outputs that ``playbook.pages`` tagged for the run.

Every output a notebook shows for the report carries ``{"playbook": {"kind": ...}}`` metadata:
``results`` (the part's results.json blocks), ``findings``, ``figure`` and ``table``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

RESULTS_MIME = "application/vnd.playbook.results+json"


def tagged(notebook: Path) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """``(meta, output)`` for every tagged output of an executed notebook, in notebook order."""
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("playbook")
            if isinstance(meta, dict) and meta.get("kind"):
                yield meta, out


def results_blocks(notebooks: list[Path]) -> dict[str, Any]:
    """The results.json blocks the executed notebooks carry, merged."""
    found: dict[str, Any] = {}
    for path in notebooks:
        for meta, out in tagged(path):
            if meta["kind"] == "results":
                found.update(out["data"][RESULTS_MIME])
    return found
