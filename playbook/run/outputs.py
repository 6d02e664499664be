"""The one reader of executed notebooks: the outputs that ``playbook.pages`` tagged for the run.

Every output a notebook shows for the report carries ``{"playbook": {"kind": ...}}`` metadata:
``results`` (the part's results.json blocks), ``findings``, ``figure`` and ``table``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

RESULTS_MIME = "application/vnd.playbook.results+json"


def tagged(notebook: Path) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """``(meta, output)`` for every tagged output of an executed notebook, in notebook order.

    The notebooks are this package's own papermill outputs (format 4), read as the JSON they are: nbformat's
    reader and validator would cost the client's report page 35 MiB for what one ``json.load`` gives. Text
    that the file splits into lines is joined again, as nbformat does (JSON data stays as it is).
    """
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    if not isinstance(nb, dict) or nb.get("nbformat") != 4:
        raise ValueError(f"{notebook}: not an executed notebook of format 4")
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("playbook")
            if isinstance(meta, dict) and meta.get("kind"):
                data = out.get("data", {})
                for mime, value in data.items():
                    if isinstance(value, list) and not _json_mime(mime) and all(isinstance(x, str) for x in value):
                        data[mime] = "".join(value)
                yield meta, out


def _json_mime(mime: str) -> bool:
    return mime == "application/json" or (mime.startswith("application/") and mime.endswith("+json"))


def results_blocks(notebooks: list[Path]) -> dict[str, Any]:
    """The results.json blocks the executed notebooks carry, merged."""
    found: dict[str, Any] = {}
    for path in notebooks:
        for meta, out in tagged(path):
            if meta["kind"] == "results":
                found.update(out["data"][RESULTS_MIME])
    return found
