"""Execute the engagement's notebooks with papermill, in parallel.

Each part names the notebook that shows it (several parts may share one); a notebook
none of whose parts has input is not run (the report says those parts were not assessed). Every notebook gets the run's snapshot as a parameter,
runs in a worker process and is written into the output folder.

A worker keeps its kernel for its next notebook: starting a kernel and importing pandas, altair and
vl-convert into it costs about 2.5 s of CPU, more than a small notebook's own work (the lead funnel's
took 1 s of its 3.6 s). Between two notebooks the kernel's namespace and execution count are reset
(``InteractiveShell.reset(new_session=True)``), so each executed notebook reads as if it had a kernel of
its own; the modules it imported stay loaded. A kernel is given up after any error and shut down when its
worker ends (``Running.close``).
"""

from __future__ import annotations

import multiprocessing as mp
import multiprocessing.util
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


KERNEL = "python3"
_HELD: dict = {}  # this worker's kernel between notebooks: {"km": its manager, "cwd": the folder it runs in}
RESET = "get_ipython().reset(new_session=True)"  # user namespace emptied, execution count back to 1


async def _reset(km) -> bool:
    """Whether the kept kernel answered and is reset for the next notebook."""
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=60)
        reply = await kc.execute_interactive(RESET, silent=True, store_history=False, timeout=60)
        return reply["content"]["status"] == "ok"
    finally:
        kc.stop_channels()


def _drop_kernel() -> None:
    """Shut down the kernel this worker kept, if any."""
    held = _HELD.pop("km", None)
    if held is not None:
        from jupyter_core.utils import run_sync

        try:
            run_sync(held.shutdown_kernel)(now=False)
        except Exception:  # noqa: BLE001  (already gone: nothing left to stop)
            pass


def _kernel(cwd: str):
    """The kernel manager for the next notebook: the kept kernel, reset, when it runs in ``cwd``; otherwise a new
    manager whose kernel papermill starts (and this worker keeps)."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    km = _HELD.get("km")
    if km is not None and _HELD.get("cwd") == cwd and run_sync(km.is_alive)() and run_sync(_reset)(km):
        return km
    _drop_kernel()
    if "finalizer" not in _HELD:  # the worker's exit (Running.close) shuts its kernel down
        _HELD["finalizer"] = mp.util.Finalize(None, _drop_kernel, exitpriority=10)
    _HELD.update(km=AsyncKernelManager(kernel_name=KERNEL), cwd=cwd)
    return _HELD["km"]


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
                                kernel_name=KERNEL, request_save_on_cell_execute=False, start_timeout=300,
                                km=_kernel(cwd))
            break
        except RuntimeError as exc:
            _drop_kernel()  # whatever went wrong, the next notebook gets a kernel of its own
            # Kernels started at the same moment by separate processes can race for the same free
            # ports, and one dies before it answers. That is a start-up failure, not the notebook's:
            # try once more. (Errors inside cells are PapermillExecutionError and are not retried.)
            if attempt == 2 or "Kernel died before replying" not in str(exc):
                raise
        except BaseException:
            _drop_kernel()
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
