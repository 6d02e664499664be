"""The answer store on SQLite and on PostgreSQL, side by side.

Answers saved per second and the median and 95th percentile save latency with 1, 10 and 30 writers
at once (separate processes, as the kernels of a served engagement are, each opening the store for
every save as a form does), then an import of ``responses.csv`` with 185,000 answers (5,000 respondents, every
item) on each backend: answers written per second, and a second import of the unchanged file beside reading the
file once; then ``playbook run`` of the demo engagement (a copy of the sample) on each backend. PostgreSQL is a throwaway cluster started for the run on 127.0.0.1 (Debian's
``postgresql`` server binaries) and stopped at the end, with its default settings (fsync on);
SQLite is the engagement folder's file (WAL, synchronous FULL).

Prints figures; asserts nothing.
Run: .venv/bin/python benchmarks/bench_store.py [--writers 1 10 30] [--saves N] [--answers 185000] [--no-run]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

STORE_ENV = "PLAYBOOK_STORE_URL"
ITEMS = ("CS1-1", "CS1-2", "CS1-3", "CS1-4", "CS1-5")


def write_engagement(folder: Path, eng_id: str, writers: int) -> Path:
    folder.mkdir(parents=True)
    people = [{"id": f"rep-{i:02d}", "name": f"Rep {i}", "side": "sales", "role": "member"} for i in range(writers)]
    data = {"id": eng_id, "client": "Benchco", "consultant": "Cy Consultant", "period": "2026-Q4",
            "respondents": people}
    (folder / "engagement.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return folder


def writer(folder: str, url: str | None, respondent: str, saves: int, barrier, results) -> None:
    """One respondent's kernel: ``saves`` answers, the store opened for each, latency of each in seconds."""
    if url:
        os.environ[STORE_ENV] = url
    else:
        os.environ.pop(STORE_ENV, None)
    from playbook import load
    from playbook.core.store import open_store

    eng = load(folder)
    with open_store(eng):  # schema checks and imports done before the clock starts
        pass
    latencies = []
    barrier.wait()
    for k in range(saves):
        start = time.perf_counter()
        with open_store(eng) as store:
            store.save(respondent, ITEMS[k % len(ITEMS)], str(1 + k % 5), eng.period)
        latencies.append(time.perf_counter() - start)
    results.put(latencies)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def saves(root: Path, url: str | None, n_writers: int, n_saves: int) -> dict:
    ctx = multiprocessing.get_context("spawn")  # fresh processes: no connection inherited from this one
    folder = write_engagement(root / uuid.uuid4().hex[:8], f"bench-{uuid.uuid4().hex[:8]}", n_writers)
    barrier, results = ctx.Barrier(n_writers + 1), ctx.Queue()
    procs = [ctx.Process(target=writer, args=(str(folder), url, f"rep-{i:02d}", n_saves, barrier, results))
             for i in range(n_writers)]
    for p in procs:
        p.start()
    barrier.wait(timeout=300)
    start = time.perf_counter()
    latencies = [x for _ in procs for x in results.get(timeout=600)]
    wall = time.perf_counter() - start
    for p in procs:
        p.join()
    return {"writers": n_writers, "saves": len(latencies), "saves_per_second": round(len(latencies) / wall, 1),
            "latency_ms_median": round(statistics.median(latencies) * 1000, 2),
            "latency_ms_p95": round(percentile(latencies, 0.95) * 1000, 2),
            "rows_stored": stored(folder, url), "sqlite_file_in_folder": (folder / "answers.sqlite").is_file()}


def stored(folder: Path, url: str | None) -> int:
    """Answer rows the backend holds for the engagement afterwards (a check that it was the one written)."""
    from playbook import load
    from playbook.core.store import open_store

    with backend(url), open_store(load(folder), read_only=True) as store:
        return len(store.history())


@contextmanager
def backend(url: str | None):
    """PLAYBOOK_STORE_URL set to ``url`` (unset for the folder's SQLite file) in this process, then restored."""
    before = os.environ.pop(STORE_ENV, None)
    if url:
        os.environ[STORE_ENV] = url
    try:
        yield
    finally:
        os.environ.pop(STORE_ENV, None)
        if before is not None:
            os.environ[STORE_ENV] = before


def import_rate(root: Path, url: str | None, answers: int) -> dict:
    """``responses.csv`` of ``answers`` answers (every item per respondent) imported into an empty store, then
    again unchanged, beside reading the file once."""
    import random

    from bench_scale import ITEMS as ALL_ITEMS

    from playbook import load
    from playbook.core.responses import import_file, parse

    rng = random.Random(7)
    respondents = -(-answers // len(ALL_ITEMS))
    folder = write_engagement(root / uuid.uuid4().hex[:8], f"bench-{uuid.uuid4().hex[:8]}", respondents)
    lines = ["respondent,item,answer,comment"]
    lines += [f"rep-{n:02d},{item},{rng.randint(1, 5) if item.startswith('CS') else rng.choice(('yes', 'no'))},"
              for n in range(respondents) for item in ALL_ITEMS][:answers]
    (folder / "responses.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with backend(url):
        eng = load(folder)
        start = time.perf_counter()
        parse(eng, eng.file("responses.csv"))
        read = time.perf_counter() - start
        start = time.perf_counter()
        added, _ = import_file(eng)
        first = time.perf_counter() - start
        start = time.perf_counter()
        again, unchanged = import_file(eng)
        second = time.perf_counter() - start
    return {"answers": added, "import_seconds": round(first, 2), "answers_per_second": round(added / first),
            "read_file_once_seconds": round(read, 2), "second_import_seconds": round(second, 2),
            "second_import_added": again, "second_import_unchanged": unchanged}


def demo_run(root: Path, url: str | None, repeat: int) -> dict:
    """Wall time of ``playbook run`` (no PDF) of a copy of the sample, under an id of its own each time."""
    from playbook.core.engagement import sample_path

    env = {k: v for k, v in os.environ.items() if k != STORE_ENV}
    if url:
        env[STORE_ENV] = url
    times = []
    for _ in range(repeat):
        folder = root / uuid.uuid4().hex[:8]
        shutil.copytree(sample_path(), folder)
        meta = folder / "engagement.yaml"  # a new id: every repeat starts from an empty store, as the first
        meta.write_text(re.sub(r"(?m)^id: .*$", f"id: demo-{folder.name}", meta.read_text(encoding="utf-8"),
                               count=1), encoding="utf-8")
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "playbook", "run", str(folder), "--out", str(folder / "out"),
                        "--no-pdf"], check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return {"run_seconds_median": round(statistics.median(times), 2), "run_seconds_all": [round(t, 2) for t in times]}


def postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        sys.exit("PostgreSQL server binaries are missing (apt-get install postgresql)")
    return found[-1].parent


@contextmanager
def throwaway_postgres():
    """A PostgreSQL cluster under a temp folder on 127.0.0.1, with its default settings; yields its URL."""
    bindir = postgres_bin()
    tmp = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    as_root = os.geteuid() == 0  # initdb refuses root: run the server as the postgres user
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    if as_root:
        shutil.chown(tmp, "postgres")
    data, port = tmp / "data", free_port()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": True}
    subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "playbook", "--auth=trust",
                    "-E", "UTF8", "--no-instructions"], **quiet)
    subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(tmp / "log"), "-w", "-o",
                    f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c max_connections=200", "start"], **quiet)
    try:
        subprocess.run([str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "playbook", "bench"],
                       **quiet)
        yield f"postgresql://playbook@127.0.0.1:{port}/bench"
    finally:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--writers", type=int, nargs="+", default=[1, 10, 30])
    ap.add_argument("--saves", type=int, default=60, help="saves per writer")
    ap.add_argument("--repeat", type=int, default=1, help="playbook run repeats per backend")
    ap.add_argument("--answers", type=int, default=185_000, help="answers in the imported responses.csv (0: none)")
    ap.add_argument("--no-run", action="store_true", help="only the saves and the import, not playbook run")
    args = ap.parse_args()
    report = {"saves_per_writer": args.saves, "cores": os.cpu_count(), "saves": [], "import": {}, "run": {}}
    with throwaway_postgres() as url, tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        backends = {"sqlite": None, "postgresql": url}
        for n in args.writers:
            for name, backend_url in backends.items():
                row = {"backend": name, **saves(Path(tmp), backend_url, n, args.saves)}
                report["saves"].append(row)
                print(json.dumps(row), flush=True)
        if args.answers:
            for name, backend_url in backends.items():
                report["import"][name] = import_rate(Path(tmp), backend_url, args.answers)
                print(json.dumps({"backend": name, **report["import"][name]}), flush=True)
        if not args.no_run:
            for name, backend_url in backends.items():
                report["run"][name] = demo_run(Path(tmp), backend_url, args.repeat)
                print(json.dumps({"backend": name, **report["run"][name]}), flush=True)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
