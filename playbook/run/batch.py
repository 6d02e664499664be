"""``playbook run WORKSPACE``: every engagement of a folder of them, ``jobs`` at a time.

Each engagement runs in a process of its own (its notebooks in worker processes of their
own, fewer per engagement when several engagements run at once, so the machine is not
oversubscribed) and writes to ``OUT/<engagement id>``. One engagement's bad input or failure
never stops the others; each gives one summary line.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from playbook.core.engagement import check_workspace_id, load, workspace_folders
from playbook.core.errors import UserError

OK, FAILED, USER_ERROR = 0, 1, 2


@dataclass
class Outcome:
    engagement: str
    code: int = OK
    parts: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        if self.code == USER_ERROR:
            return f"{self.engagement}: error: {self.error}"
        if self.code == FAILED:
            return f"{self.engagement}: FAILED: {self.error}"
        return f"{self.engagement}: {len(self.parts)} part(s) ({', '.join(self.parts)}) in {self.seconds:.1f} s"


def _one(folder: str, out: str, workers: int, make_pdf: bool, make_deck: bool) -> Outcome:
    """Run one engagement of the workspace into ``out/<id>`` (in a worker process)."""
    from playbook.run.pipeline import RunFailed, run

    start = time.perf_counter()
    name = Path(folder).name
    try:
        eng = load(folder)
        check_workspace_id(eng, Path(folder))
        summary = run(folder, Path(out) / eng.id, make_pdf=make_pdf, make_deck=make_deck, workers=workers)
    except UserError as exc:
        return Outcome(name, USER_ERROR, error=exc.message, seconds=time.perf_counter() - start)
    except RunFailed as exc:
        return Outcome(name, FAILED, error=str(exc), seconds=time.perf_counter() - start)
    except Exception as exc:  # noqa: BLE001  (one engagement's crash is its own line; the others go on)
        return Outcome(name, FAILED, error=f"{type(exc).__name__}: {exc}"[:500], seconds=time.perf_counter() - start)
    return Outcome(summary.engagement.id, OK, summary.parts, summary.seconds, notes=summary.notes)


def worst(outcomes: list[Outcome]) -> int:
    """The exit code: 1 if any failed, else 2 if any had bad input, else 0."""
    codes = {o.code for o in outcomes}
    return FAILED if FAILED in codes else USER_ERROR if USER_ERROR in codes else OK


def check_jobs(jobs: int) -> None:
    if jobs < 1:
        raise UserError(f"--jobs {jobs}: give how many engagements to run at once, 1 or more.")


def run_all(workspace: str | Path, out: str | Path, jobs: int = 1, progress: Callable[[str], None] = lambda s: None,
            line: Callable[[str], None] = lambda s: None, make_pdf: bool = True,
            make_deck: bool = True) -> list[Outcome]:
    """Run every engagement of ``workspace``, ``jobs`` at once; ``line`` gets each one's summary line."""
    check_jobs(jobs)
    folders = workspace_folders(workspace)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out}: exists and is not a folder; give a folder for the reports.")
    jobs = min(jobs, len(folders))
    workers = max(1, (os.cpu_count() or 1) // jobs)
    progress(f"Running {len(folders)} engagement(s), {jobs} at a time, into {out}")
    outcomes: list[Outcome] = []
    # Spawned, not forked: each engagement's own notebook pool forks from a clean single-threaded process.
    with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("spawn")) as pool:
        futures = [pool.submit(_one, str(f), str(out), workers, make_pdf, make_deck) for f in folders]
        for fut in as_completed(futures):
            outcomes.append(fut.result())
            line(outcomes[-1].line())
    order = [f.name for f in folders]
    return sorted(outcomes, key=lambda o: order.index(o.engagement) if o.engagement in order else len(order))
