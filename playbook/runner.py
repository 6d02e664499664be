"""Execute the engagement's notebooks with papermill, in parallel.

Each part has one notebook; a part whose input is absent is not run (the report
says it was not assessed). Notebooks get every input as a parameter, are run in
separate processes (one kernel each) and written into the output folder.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from .engagement import Engagement
from .resources import notebooks_dir

# part -> notebook file
NOTEBOOKS = {
    "self_evaluation": "self_evaluation.ipynb",
    "credibility": "credibility_stage.ipynb",
    "kpis": "kpi_scorecard.ipynb",
    "economics": "prospecting_economics.ipynb",
}


@dataclass
class Outcome:
    part: str
    path: Path
    seconds: float
    error: str = ""


def parts_with_input(results: dict) -> list[str]:
    """The parts worth a notebook run: those whose results are not all null."""
    from .results import KEYS

    return [p for p, keys in KEYS.items() if any(results.get(k) is not None for k in keys)]


def _execute(src: str, dst: str, parameters: dict, cwd: str) -> float:
    import papermill as pm

    start = time.perf_counter()
    pm.execute_notebook(src, dst, parameters=parameters, cwd=cwd, progress_bar=False, log_output=False,
                        kernel_name="python3", request_save_on_cell_execute=False)
    return time.perf_counter() - start


def run_notebooks(eng: Engagement, parts: list[str], out_dir: Path,
                  progress: Callable[[str], None] = lambda s: None) -> list[Outcome]:
    """Run each part's notebook into ``out_dir``; parts in parallel, one kernel each."""
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = []
    for part in parts:
        src = notebooks_dir() / NOTEBOOKS[part]
        if not src.is_file():
            continue
        params = {"engagement_dir": str(eng.path), "mode": "report", "respondent": "", "wave": ""}
        jobs.append((part, src, out_dir / NOTEBOOKS[part], params))
    if not jobs:
        return []
    workers = max(1, min(len(jobs), os.cpu_count() or 1))
    outcomes: list[Outcome] = []
    ctx = mp.get_context("fork" if hasattr(os, "fork") else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        futures = {pool.submit(_execute, str(src), str(dst), params, str(out_dir)): (part, dst)
                   for part, src, dst, params in jobs}
        for fut in as_completed(futures):
            part, dst = futures[fut]
            try:
                outcomes.append(Outcome(part, dst, fut.result()))
                progress(f"  done  {dst.name} ({outcomes[-1].seconds:.1f} s)")
            except Exception as exc:  # papermill raises PapermillExecutionError with the cell's error
                outcomes.append(Outcome(part, dst, 0.0, _short(exc)))
                progress(f"  FAILED {dst.name}: {_short(exc)}")
    order = list(NOTEBOOKS)
    return sorted(outcomes, key=lambda o: order.index(o.part))


def _short(exc: Exception) -> str:
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    return f"{ename}: {evalue}".strip()[:500]
