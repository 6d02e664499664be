"""The run's notebook workers: a worker keeps its kernel for its next notebook, reset in between, and shuts it
down when it ends; a snapshot is unpickled once per kernel."""

from __future__ import annotations

import json
import multiprocessing as mp
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import psutil

from playbook import load, pages
from playbook.core import snapshot as snapshots
from playbook.parts import take_snapshot
from playbook.run import runner


def _notebook(folder: Path, name: str, *cells: str) -> Path:
    path = folder / name
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells],
                                            metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                     "display_name": "Python 3"}}), path)
    return path


def _ran(path: Path) -> tuple[list[int | None], list[str]]:
    """The execution counts and the printed text of an executed notebook."""
    nb = json.loads(path.read_text())
    counts = [c.get("execution_count") for c in nb["cells"] if c["cell_type"] == "code"]
    text = ["".join(o["text"]).strip() for c in nb["cells"] for o in c.get("outputs", []) if o.get("name") == "stdout"]
    return counts, text


def _gone(pid: int, seconds: float = 20) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            return True
        time.sleep(0.1)
    return False


def test_a_worker_reuses_its_kernel_reset_between_notebooks_and_stops_it_at_the_end(tmp_path):
    first = _notebook(tmp_path, "first.ipynb", "import os\nsecret = 42", "print(os.getpid())")
    second = _notebook(tmp_path, "second.ipynb", "import os\nprint(os.getpid())", "print('secret' in dir())")
    failing = _notebook(tmp_path, "failing.ipynb", "import os\nprint(os.getpid())", "raise ValueError('no')")
    after = _notebook(tmp_path, "after.ipynb", "import os\nprint(os.getpid())")
    out = tmp_path / "out"
    out.mkdir()
    pool = ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("fork"))
    try:
        for nb in (first, second):
            pool.submit(runner._execute, str(nb), str(out / nb.name), {}, str(out)).result(timeout=300)
        failed = pool.submit(runner._execute, str(failing), str(out / failing.name), {}, str(out))
        assert "no" in str(failed.exception(timeout=300))
        pool.submit(runner._execute, str(after), str(out / after.name), {}, str(out)).result(timeout=300)
    finally:
        pool.shutdown(wait=True)
    counts_1, (pid_1,) = _ran(out / first.name)
    counts_2, (pid_2, kept) = _ran(out / second.name)
    assert pid_2 == pid_1  # the same kernel ...
    assert kept == "False" and counts_2 == counts_1  # ... with nothing left of the first notebook, counted from 1
    _, (pid_3,) = _ran(out / failing.name)
    _, (pid_4,) = _ran(out / after.name)
    assert pid_3 == pid_1 and pid_4 != pid_3  # after a notebook fails, the next one gets a kernel of its own
    assert _gone(int(pid_3)) and _gone(int(pid_4))  # and the worker's end stopped its kernel


def test_a_kernel_unpickles_a_run_snapshot_once_and_again_when_it_is_rewritten(tmp_path, sample_copy, monkeypatch):
    path = snapshots.save(take_snapshot(load(sample_copy)), tmp_path / snapshots.FILE)
    loads = []
    real = snapshots.load
    monkeypatch.setattr(snapshots, "load", lambda p: loads.append(p) or real(p))
    monkeypatch.setattr(pages, "_LOADED", {})
    one = pages._run_snapshot(str(path))
    assert pages._run_snapshot(str(path)) is one and len(loads) == 1
    time.sleep(0.01)
    snapshots.save(take_snapshot(load(sample_copy)), path)  # the next run's snapshot in the same place
    assert pages._run_snapshot(str(path)) is not one and len(loads) == 2
