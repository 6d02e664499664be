"""The snapshot of a run: every input of the engagement, read and validated once.

``playbook run`` takes one snapshot, writes it into the run's folder and hands its path
to every notebook (the ``snapshot`` parameter); kernels, ``results.json`` and the report
all work from it, so nothing downstream reads the engagement folder or the store again
and every face of one run shows the same answers.

The file is a pickle written by this package into the run's own folder, like the
executed notebooks beside it; it is not a format to exchange, and a snapshot from
someone you do not trust should not be loaded.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from playbook.core.engagement import Engagement
from playbook.core.errors import UserError
from playbook.core.files import atomic

FILE = "snapshot.pickle"
VERSION = 1


@dataclass
class Snapshot:
    engagement: Engagement
    answers: list[dict]  # current answers of every wave (see responses.current_answers)
    data: dict[str, Any] = field(default_factory=dict)  # part name -> what its model.read returned
    taken_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    version: int = VERSION

    def wave_answers(self, wave: str | None = None) -> list[dict]:
        """The answers of one wave (default: the engagement's period)."""
        wave = wave or self.engagement.period
        return [a for a in self.answers if a["wave"] == wave]

    @property
    def waves(self) -> list[str]:
        return sorted({a["wave"] for a in self.answers})


def take(eng: Engagement, readers: dict[str, Callable[[Engagement], Any]], import_answers: bool,
         check: Callable[[Engagement, dict[str, Any]], None] | None = None) -> Snapshot:
    """Read and validate every input of ``eng`` once.

    ``readers`` maps a part's name to the function that reads its files; ``check``, when
    given, sees everything they read (checks across files) before anything is written. With
    ``import_answers`` (``playbook run``), responses.csv is imported into the store
    before the answers are read; without it nothing is written and the file's rows are
    laid over the stored answers in memory.
    """
    from playbook.core.responses import FILE as RESPONSES
    from playbook.core.responses import current_answers, import_file, parse, writable

    path = eng.file(RESPONSES)
    rows = parse(eng, path) if path else None
    data = {name: read(eng) for name, read in readers.items()}
    if check is not None:
        check(eng, data)
    if rows is not None and import_answers and writable(eng):
        import_file(eng, rows)
        answers = current_answers(eng, file_rows=None)
    else:
        answers = current_answers(eng, file_rows=rows)
    return Snapshot(eng, answers, data)


def save(snap: Snapshot, path: Path) -> Path:
    with atomic(path, private=True) as tmp:  # every answer of the run
        tmp.write_bytes(pickle.dumps(snap, protocol=pickle.HIGHEST_PROTOCOL))
    return path


def load(path: str | Path) -> Snapshot:
    """A run's snapshot; a clear error when the file is missing or not one of ours."""
    path = Path(path)
    try:
        snap = pickle.loads(path.read_bytes())
    except FileNotFoundError:
        raise UserError(f"{path}: no run snapshot here; run 'playbook run' again.") from None
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        raise UserError(f"{path}: not a snapshot written by this version of playbook; run 'playbook run' "
                        "again.") from None
    if not isinstance(snap, Snapshot) or snap.version != VERSION:
        raise UserError(f"{path}: not a snapshot written by this version of playbook; run 'playbook run' again.")
    return snap
