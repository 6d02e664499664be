"""Execute the engagement's notebooks with papermill, in parallel.

Each part names the notebook that shows it (several parts may share one); a notebook
none of whose parts has input is not run (the report says those parts were not assessed). Every notebook gets the run's snapshot as a parameter,
runs in its own process (one kernel each) and is written into the output folder.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from playbook.core.engagement import Engagement
from playbook.core.resources import notebooks_dir
from playbook.parts import PARTS, Part


@dataclass
class Outcome:
    notebook: str
    path: Path
    seconds: float
    error: str = ""


def _execute(src: str, dst: str, parameters: dict, cwd: str) -> float:
    import papermill as pm

    # The kernel inherits this worker's stderr; its start-up chatter is not for the consultant.
    # Errors in cells still come back through papermill as the notebook's error.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)

    start = time.perf_counter()
    for attempt in (1, 2):
        try:
            # A busy machine (kernels of several notebooks starting at once on two cores) can take longer
            # than nbclient's 60 s to start a kernel: wait longer rather than fail the consultant's run.
            pm.execute_notebook(src, dst, parameters=parameters, cwd=cwd, progress_bar=False, log_output=False,
                                kernel_name="python3", request_save_on_cell_execute=False, start_timeout=300)
            break
        except RuntimeError as exc:
            # Kernels started at the same moment by separate processes can race for the same free
            # ports, and one dies before it answers. That is a start-up failure, not the notebook's:
            # try once more. (Errors inside cells are PapermillExecutionError and are not retried.)
            if attempt == 2 or "Kernel died before replying" not in str(exc):
                raise
    return time.perf_counter() - start


@dataclass
class Job:
    """One notebook to execute: papermill's input, output, parameters and working folder."""

    notebook: str
    input: Path
    output: Path
    parameters: dict
    cwd: Path


def notebook_jobs(eng: Engagement, parts: list[Part], out_dir: Path, snapshot: Path) -> list[Job]:
    """The notebooks that show ``parts``, each once (a notebook may show several parts; each output says which).

    The snapshot is passed relative to ``out_dir``, which is also the kernel's working folder, so an
    executed notebook opened later beside its run's snapshot still finds it.
    """
    rel = os.path.relpath(snapshot, out_dir)
    params = {"engagement_dir": str(eng.path), "mode": "report", "respondent": "", "wave": "", "snapshot": rel}
    notebooks = dict.fromkeys(part.notebook for part in parts)
    return [Job(name, notebooks_dir() / name, out_dir / name, dict(params), out_dir) for name in notebooks]


class Running:
    """Notebooks executing in worker processes; ``wait`` collects them."""

    def __init__(self, eng: Engagement, parts: list[Part], out_dir: Path, snapshot: Path,
                 progress: Callable[[str], None], workers: int | None = None):
        out_dir.mkdir(parents=True, exist_ok=True)
        self.progress = progress
        jobs = notebook_jobs(eng, parts, out_dir, snapshot)
        self.pool = None
        self.futures: dict = {}
        if jobs:
            import papermill  # noqa: F401  (imported once here, inherited by the forked workers)

            workers = max(1, min(len(jobs), workers or os.cpu_count() or 1))
            ctx = mp.get_context("fork" if hasattr(os, "fork") else "spawn")
            self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
            self.futures = {self.pool.submit(_execute, str(job.input), str(job.output), job.parameters,
                                             str(job.cwd)): (job.notebook, job.output)
                            for job in jobs}

    def wait(self) -> list[Outcome]:
        outcomes: list[Outcome] = []
        try:
            for fut in as_completed(self.futures):
                name, dst = self.futures[fut]
                try:
                    outcomes.append(Outcome(name, dst, fut.result()))
                    self.progress(f"  done  {dst.name} ({outcomes[-1].seconds:.1f} s)")
                except Exception as exc:  # papermill raises PapermillExecutionError with the cell's error
                    outcomes.append(Outcome(name, dst, 0.0, _short(exc)))
                    self.progress(f"  FAILED {dst.name}: {_short(exc)}")
        finally:
            self.close()
        order = list(dict.fromkeys(p.notebook for p in PARTS))
        return sorted(outcomes, key=lambda o: order.index(o.notebook))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _short(exc: Exception) -> str:
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    return f"{ename}: {evalue}".strip()[:500]
