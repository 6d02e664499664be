"""The record of an engagement's latest successful run: where its results are.

``playbook run`` and ``playbook assemble`` (and ``playbook demo``, which runs through
them) end with ``record(eng, out)``: a small JSON file in the engagement folder,
``.playbook-run.json``, holding the absolute output folder and the time. Pages and
commands that show the results (``playbook share``, the client's report) find that
folder with ``find`` or ``require``, which check that it still holds the run's results.

The shipped sample and a folder that cannot be written get no record: the run itself
does not fail for it (a note says so).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

from playbook.core import snapshot as snapshots
from playbook.core.engagement import Engagement, sample_path
from playbook.core.errors import UserError
from playbook.core.files import write_atomic

FILE = ".playbook-run.json"
# What a run's output folder must still hold for its results to be shown.
NEEDED = ("results.json", snapshots.FILE, "notebooks")

log = logging.getLogger(__name__)


def path(eng: Engagement) -> Path:
    """Where ``eng``'s record is kept."""
    return eng.path / FILE


def record(eng: Engagement, out: Path, notes: list[str] | None = None) -> None:
    """Remember ``out`` as ``eng``'s latest successful run. A folder that cannot be written is skipped
    (logged, and a line added to ``notes`` when given): the run's results stand without the record."""
    if eng.path.resolve() == sample_path().resolve():  # the shipped sample is never written
        return
    doc = {"engagement": eng.id, "out": str(Path(out).resolve()),
           "at": datetime.now(UTC).isoformat(timespec="seconds")}
    try:
        write_atomic(eng.path, {FILE: json.dumps(doc, indent=2) + "\n"})
    except OSError as exc:
        message = (f"{path(eng)} was not written ({exc.strerror or exc}): the results are in {out}, "
                   "but links to the client's report need a run whose results the engagement folder records.")
        log.warning(message)
        if notes is not None:
            notes.append(message)


def _holds_results(out: Path) -> bool:
    return (out / "results.json").is_file() and (out / snapshots.FILE).is_file() and (out / "notebooks").is_dir()


def find(eng: Engagement) -> Path | None:
    """The output folder of ``eng``'s latest run, if recorded and it still holds results.json,
    snapshot.pickle and notebooks/; else None."""
    try:
        doc = json.loads(path(eng).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("engagement") != eng.id or not isinstance(doc.get("out"), str):
        return None
    out = Path(doc["out"])
    return out if out.is_absolute() and _holds_results(out) else None


def require(eng: Engagement) -> Path:
    """Like ``find``, but a clear error (what to run) when there is no usable run."""
    found = find(eng)
    if found is not None:
        return found
    folder = eng.path
    raise UserError(f"no results yet for {eng.client} ({eng.id}): run `playbook run {folder} --out "
                    f"{folder}-report` first (or run it again if its output folder was moved or deleted).")
