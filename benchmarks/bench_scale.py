"""`playbook run` on a large engagement beside `playbook demo`, side by side in one run.

The generated engagement: 5,000 respondents answering every item (185,000 answers),
60 metrics x 60 months of KPIs, 200,000 deals and 2,000 reps in the lead experiment.
Prints the median wall time of each (``--no-pdf``), their ratio (goal: at most 2.0; each
large run starts from a fresh copy of the folder, so it imports responses.csv into an empty
store), a second run of the large engagement with nothing changed (its import adds nothing and
opens no write transaction), the size of the large report (goal: at most 5 MB) and the peak
memory of the largest process of the run (the CLI or one of its kernels). Then, in this
process: reading responses.csv once, its first import and a second import with nothing
changed (goal: no more than reading the file once). Asserts nothing.

    .venv/bin/python benchmarks/bench_scale.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_kpis import build as build_kpis  # noqa: E402
from bench_prospecting import make_deals  # noqa: E402

ITEMS = ([f"MSE-{i}" for i in range(1, 7)] + [f"SSE-{i}" for i in range(1, 4)] + [f"SYM-{i}" for i in range(1, 9)]
         + [f"CS{level}-{i}" for level, n in ((1, 8), (2, 6), (3, 6)) for i in range(1, n + 1)])


def build(folder: Path, respondents: int = 5000, deals: int = 200_000, reps: int = 2000, seed: int = 7) -> None:
    """Write the large engagement into ``folder``."""
    from playbook.core.engagement import sample_path

    rng = random.Random(seed)
    folder.mkdir(parents=True)
    build_kpis(folder, 60, 60)  # kpis.csv, kpi_values.csv (and a stub engagement.yaml, replaced below)
    people = []
    for n in range(respondents):
        side = "marketing" if n % 2 == 0 else "sales"
        role = "leader" if n < 2 else ("manager" if n % 25 == 0 else "member")
        people.append(f"  - {{id: r-{n:05d}, name: Respondent {n}, side: {side}, role: {role}}}")
    (folder / "engagement.yaml").write_text(
        "id: scale-co-2026\nclient: Scale Co\nconsultant: Bench\nperiod: 2026-Q4\nrespondents:\n"
        + "\n".join(people) + "\n", encoding="utf-8")
    rows = ["respondent,item,answer,comment"]
    for n in range(respondents):
        for item in ITEMS:
            answer = str(rng.randint(1, 5)) if item.startswith("CS") else rng.choice(("yes", "no", "no"))
            rows.append(f"r-{n:05d},{item},{answer},")
    (folder / "responses.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "deals.csv").write_text(make_deals(deals, seed=seed, reps=200), encoding="utf-8")
    lines = ["rep,group,revenue"] + [f"rep-{k:04d},{'treatment' if k % 2 else 'control'},"
                                     f"{rng.gauss(460000 if k % 2 else 420000, 90000):.0f}" for k in range(reps)]
    (folder / "experiment.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.copy(sample_path() / "prospecting.yaml", folder / "prospecting.yaml")


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def imports(folder: Path) -> dict:
    """responses.csv read once, imported into an empty store, imported again with nothing changed (seconds)."""
    from playbook import load
    from playbook.core.responses import import_file, parse

    eng = load(folder)
    start = time.perf_counter()
    rows = parse(eng, eng.file("responses.csv"))
    read = time.perf_counter() - start
    start = time.perf_counter()
    added, _ = import_file(eng)
    first = time.perf_counter() - start
    start = time.perf_counter()
    again = import_file(eng)
    second = time.perf_counter() - start
    return {"answers": len(rows), "added": added, "added_again": again[0],
            "read_file_once_seconds": round(read, 2), "first_import_seconds": round(first, 2),
            "second_import_seconds": round(second, 2), "answers_per_second_first_import": round(added / first)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    playbook = str(Path(sys.executable).parent / "playbook")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        start = time.perf_counter()
        build(tmp / "scale-co-2026")
        written = time.perf_counter() - start
        sizes = {p.name: round(p.stat().st_size / 2**20, 1) for p in sorted((tmp / "scale-co-2026").iterdir())}
        demo_times, scale_times, again_times = [], [], []
        for r in range(args.repeat):
            folder = tmp / f"large{r}" / "scale-co-2026"
            shutil.copytree(tmp / "scale-co-2026", folder)  # an empty store: this run imports every answer
            demo_times.append(timed([playbook, "demo", "--out", str(tmp / f"demo{r}"), "--no-pdf"]))
            scale_times.append(timed([playbook, "run", str(folder), "--out", str(tmp / f"out{r}"), "--no-pdf"]))
            again_times.append(timed([playbook, "run", str(folder), "--out", str(tmp / f"again{r}"), "--no-pdf"]))
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB -> MiB (Linux)
        report = tmp / f"out{args.repeat - 1}" / "report.html"
        shutil.copytree(tmp / "scale-co-2026", tmp / "imports" / "scale-co-2026")
        store = imports(tmp / "imports" / "scale-co-2026")
        d, s, a = (statistics.median(x) for x in (demo_times, scale_times, again_times))
        print(json.dumps({
            "cores": os.cpu_count(),
            "generated_engagement_seconds": round(written, 1),
            "input_files_mib": sizes,
            "demo_seconds_median": round(d, 2),
            "large_run_seconds_median": round(s, 2),
            "ratio_large_to_demo": round(s / d, 2),
            "goal_ratio_at_most": 2.0,
            "large_second_run_nothing_changed_seconds_median": round(a, 2),
            "ratio_second_run_to_demo": round(a / d, 2),
            "large_report_mib": round(report.stat().st_size / 2**20, 2),
            "goal_report_mib_at_most": 5,
            "peak_memory_largest_process_mib": round(peak),
            "responses_csv": store,
            "demo_seconds_all": [round(x, 2) for x in demo_times],
            "large_run_seconds_all": [round(x, 2) for x in scale_times],
            "large_second_run_seconds_all": [round(x, 2) for x in again_times],
        }, indent=2))


if __name__ == "__main__":
    main()
