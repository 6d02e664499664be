"""How long the lead funnel takes on a large CRM export, alone and inside the large engagement's run.

Generates a 200,000-lead ``leads.csv`` (every source and status, a tenth of the times with an offset or
in UTC, a tenth of the leads never followed up, holidays and a time zone with clock changes), then:

- times reading it and computing the ``leads`` block (``files.parse`` + ``model.score``; goal: under 3 s),
  and the charts of the section (built and drawn as SVG);
- runs ``bench_scale``'s large engagement (``playbook run --no-pdf``) without and with the leads (goal: the
  leads add at most 10 % to the run).

Prints the least wall time of the repeats and, since a machine shared with other work inflates wall
time, the CPU time too (of this process, or of the run and its kernels); asserts nothing.

    .venv/bin/python benchmarks/bench_leads.py [--leads N] [--repeat N] [--no-run]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

SOURCES = np.array(["marketing", "sales", "partner", "other"])
STATUSES = np.array(["open", "accepted", "rejected", "recycled", "converted"])
REASONS = np.array(["", "Student or job seeker", "Company too small", "Competitor", "No budget this year",
                    "Not ready to buy: back to nurturing", "Outside our service area", "Duplicate"])
SETTINGS = {"timezone": "Europe/Berlin", "holidays": ["2026-01-01", "2026-04-03", "2026-04-06", "2026-05-01",
                                                       "2026-12-24", "2026-12-25", "2026-12-31"]}


def make_leads(n: int, seed: int = 2026) -> str:
    """The text of a plausible leads.csv with ``n`` leads over 2026, the same for the same seed."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2026-01-01T00:00", "m")
    created = start + rng.integers(0, 330 * 24 * 60, n).astype("timedelta64[m]")
    import pandas as pd

    zone = SETTINGS["timezone"]  # no CRM writes a time its clock skipped: such times move to the jump
    created = pd.DatetimeIndex(created).tz_localize(zone, ambiguous=np.ones(n, dtype=bool), nonexistent="shift_forward")
    utc = created.tz_convert("UTC").tz_localize(None).to_numpy().astype("datetime64[s]")
    created = created.tz_localize(None).to_numpy().astype("datetime64[m]")
    delay = np.minimum(rng.lognormal(6.0, 1.4, n), 60 * 24 * 30).astype(np.int64)  # minutes, median ~7 h
    touched = created + delay.astype("timedelta64[m]") + rng.integers(0, 60, n).astype("timedelta64[s]")
    never = rng.random(n) < 0.1
    source = rng.choice(SOURCES, n, p=[0.55, 0.25, 0.12, 0.08])
    status = np.where(never, "open", rng.choice(STATUSES, n, p=[0.3, 0.35, 0.15, 0.08, 0.12]))
    decided = status != "open"
    disposed = touched + rng.integers(60, 60 * 24 * 10, n).astype("timedelta64[m]")
    reason = np.where(np.isin(status, ["rejected", "recycled"]), rng.choice(REASONS, n), "")
    created_text = np.datetime_as_string(created, unit="m")
    touch_text = np.datetime_as_string(touched, unit="s")
    shifted = rng.random(n) < 0.1  # a tenth written in UTC by another system
    utc_created = np.datetime_as_string(utc, unit="s")
    created_text = np.where(shifted, np.char.add(utc_created, "Z"), np.char.replace(created_text, "T", " "))
    touch_text = np.where(never, "", np.char.replace(touch_text, "T", " "))
    disposed_text = np.where(decided, np.char.replace(np.datetime_as_string(disposed, unit="m"), "T", " "), "")
    lines = [HEADER]
    lines += [f"L{i:07d},{c},{s},{t},{st},{d},{r}" for i, (c, s, t, st, d, r) in enumerate(
        zip(created_text, source, touch_text, status, disposed_text, reason, strict=True))]
    return "\n".join(lines) + "\n"


HEADER = "lead_id,created,source,first_touch,status,disposition_at,reason"


CPU: dict[str, float] = {}  # the least CPU time (every thread of this process) of each step timed


def _best(fn, repeat: int, label: str = "") -> tuple[float, object]:
    """The least wall time of ``repeat`` calls and the last value; the least CPU time goes into ``CPU``."""
    best, value = float("inf"), None
    for _ in range(repeat):
        begin, cpu = time.perf_counter(), time.process_time()
        value = fn()
        best = min(best, time.perf_counter() - begin)
        CPU[label] = min(CPU.get(label, float("inf")), time.process_time() - cpu)
    return best, value


def part_alone(folder: Path, repeat: int) -> dict:
    """Reading and computing the leads of ``folder/leads.csv``, and drawing the section's charts."""
    import pandas  # noqa: F401  (imported by every kernel before this part runs: not the part's cost)

    from playbook.core.settings import resolve
    from playbook.parts.charts import to_svg
    from playbook.parts.leads import files, model, views

    settings = resolve(SETTINGS)
    path = folder / "leads.csv"
    read_s, data = _best(lambda: files.parse(path, settings), repeat, "read")
    score_s, result = _best(lambda: model.score(data, settings, {"SYM-2": 0.7, "SYM-4": 0.3, "SYM-5": 0.6}), repeat,
                            "compute")
    section_s, sec = _best(lambda: views.report_section({"leads": result}), repeat)
    draw_s, _ = _best(lambda: [to_svg(chart) for _, chart in sec["figures"].values()], repeat)
    import pickle

    return {
        "leads": len(data),
        "read_seconds_best": round(read_s, 3),
        "compute_seconds_best": round(score_s, 3),
        "read_and_compute_seconds": round(read_s + score_s, 3),
        "goal_read_and_compute_seconds_under": 3,
        "read_and_compute_cpu_seconds": round(CPU["read"] + CPU["compute"], 3),  # what a shared machine inflates less
        "section_and_charts_seconds_best": round(section_s + draw_s, 3),
        "kept_in_snapshot_mib": round(len(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)) / 2**20, 2),
        "verdicts": [r["verdict"] for r in result["perception"]],
    }


def timed(cmd: list[str]) -> tuple[float, float]:
    """The wall time of ``cmd`` and the CPU time of it and its children (kernels included)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    begin = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - begin
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def large_runs(tmp: Path, leads_csv: Path, repeat: int) -> dict:
    """``bench_scale``'s large engagement run without and then with the leads, alternately."""
    from bench_scale import build

    playbook = str(Path(sys.executable).parent / "playbook")
    plain, with_leads = tmp / "scale-co-2026", tmp / "leads" / "scale-co-2026"
    build(plain)
    shutil.copytree(plain, with_leads)
    shutil.copy(leads_csv, with_leads / "leads.csv")
    text = (with_leads / "engagement.yaml").read_text()
    settings = "settings:\n  timezone: Europe/Berlin\n  holidays: [" + ", ".join(SETTINGS["holidays"]) + "]\n"
    (with_leads / "engagement.yaml").write_text(text + settings)
    without, added = [], []
    for r in range(repeat):
        without.append(timed([playbook, "run", str(plain), "--out", str(tmp / f"out-plain-{r}"), "--no-pdf"]))
        added.append(timed([playbook, "run", str(with_leads), "--out", str(tmp / f"out-leads-{r}"), "--no-pdf"]))
    a, b = min(w for w, _ in without), min(w for w, _ in added)
    ca, cb = min(c for _, c in without), min(c for _, c in added)
    results = json.loads((tmp / f"out-leads-{repeat - 1}" / "results.json").read_text())
    return {
        "large_run_without_leads_seconds_best": round(a, 2),
        "large_run_with_leads_seconds_best": round(b, 2),
        "leads_add_share": round(b / a - 1, 3),
        "goal_leads_add_share_at_most": 0.10,
        "large_run_without_leads_cpu_seconds_best": round(ca, 1),
        "large_run_with_leads_cpu_seconds_best": round(cb, 1),
        "leads_add_cpu_share": round(cb / ca - 1, 3),
        "without_seconds_all": [round(w, 2) for w, _ in without],
        "with_seconds_all": [round(w, 2) for w, _ in added],
        "run_has_leads": results["leads"] is not None and results["leads"]["sources"]["all"]["leads"],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--leads", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-run", action="store_true", help="time the part alone, not the large engagement's run")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        begin = time.perf_counter()
        (tmp / "leads.csv").write_text(make_leads(args.leads), encoding="utf-8")
        out = {"generated_leads_seconds": round(time.perf_counter() - begin, 1),
               "leads_csv_mib": round((tmp / "leads.csv").stat().st_size / 2**20, 1)}
        out.update(part_alone(tmp, args.repeat))
        if not args.no_run:
            out.update(large_runs(tmp, tmp / "leads.csv", args.repeat))
        print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
