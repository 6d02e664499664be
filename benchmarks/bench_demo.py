"""`playbook demo` end to end beside the papermill CLI running as many empty notebooks.

Prints figures; asserts nothing. Goal (issue 2): demo / empty-notebooks ratio <= 1.0.
Run: .venv/bin/python benchmarks/bench_demo.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pdf", action="store_true", help="include report.pdf in the demo timing")
    args = ap.parse_args()
    bindir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # How many notebooks does the demo run?
        subprocess.run([str(bindir / "playbook"), "demo", "--out", str(tmp / "probe"), "--no-pdf"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        n = len(list((tmp / "probe" / "notebooks").glob("*.ipynb")))
        empty = nbformat.v4.new_notebook()
        empty.cells = [nbformat.v4.new_code_cell("")]
        empty.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        for i in range(n):
            nbformat.write(empty, str(tmp / f"empty{i}.ipynb"))
        demo_times, empty_times = [], []
        for r in range(args.repeat):
            out = tmp / f"demo{r}"
            cmd = [str(bindir / "playbook"), "demo", "--out", str(out)] + ([] if args.pdf else ["--no-pdf"])
            demo_times.append(timed(cmd, tmp))
            shutil.rmtree(out)
            start = time.perf_counter()
            for i in range(n):
                subprocess.run([str(bindir / "papermill"), f"empty{i}.ipynb", f"out{i}.ipynb", "-k", "python3"],
                               cwd=tmp, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            empty_times.append(time.perf_counter() - start)
        d, e = statistics.median(demo_times), statistics.median(empty_times)
        print(json.dumps({
            "notebooks": n,
            "demo_seconds_median": round(d, 2),
            "papermill_cli_empty_notebooks_seconds_median": round(e, 2),
            "ratio": round(d / e, 2),
            "goal_ratio_at_most": 1.0,
            "demo_seconds_all": [round(x, 2) for x in demo_times],
            "empty_seconds_all": [round(x, 2) for x in empty_times],
        }, indent=2))


if __name__ == "__main__":
    main()
