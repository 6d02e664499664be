"""Time from opening a personal link to a usable form, beside Voilà rendering an empty notebook.

"Usable" means the form is drawn and connected to its kernel, so an answer given now
is saved now (the page's `.pb-form.pb-connected`). The empty notebook counts until
Voilà shows its rendered cells. Prints figures; asserts nothing. Goals (issue 6):
median <= 1.0 s and <= 0.8x the empty notebook; memory per connected respondent.
Needs Chromium (apt-get install chromium).
Run: .venv/bin/python benchmarks/bench_serve.py [--runs 10]
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from playbook import load  # noqa: E402
from playbook.core.engagement import sample_path  # noqa: E402
from playbook.serve import access  # noqa: E402
from tests.browser import CHROMIUM_ARGS, free_port, kernels, served  # noqa: E402


def wait_http(url: str, timeout: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def kernels_rss(proc: subprocess.Popen) -> tuple[int, int]:
    ks = kernels(proc)
    return len(ks), sum(p.memory_info().rss for p in ks)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--pause", type=float, default=4.0, help="seconds between respondents (pool refill)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp())
    eng_dir = tmp / "halvorsen-2026"
    shutil.copytree(sample_path(), eng_dir)
    eng = load(eng_dir)
    empty_dir = tmp / "empty"
    empty_dir.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(empty_dir / "empty.ipynb"))
    port = free_port()
    empty_server = subprocess.Popen([sys.executable, "-m", "voila", str(empty_dir / "empty.ipynb"), "--no-browser",
                                     f"--port={port}", "--Voila.ip=127.0.0.1"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results: dict = {}
    try:
        wait_http(f"http://127.0.0.1:{port}/")
        with served(eng_dir) as (base, proc), sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
            time.sleep(8)  # let the preheated pool fill
            form_times, drawn_times, empty_times = [], [], []
            for _ in range(args.runs):
                page = browser.new_page()
                t = time.perf_counter()
                page.goto(access.link(base, eng, access.issue(eng, "sls-rep-1")), wait_until="commit")
                page.wait_for_selector(".pb-submit", timeout=120_000)
                drawn_times.append(time.perf_counter() - t)
                page.wait_for_selector(".pb-form.pb-connected", timeout=120_000)
                form_times.append(time.perf_counter() - t)
                page.close()
                page = browser.new_page()
                t = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/", wait_until="commit")
                page.wait_for_selector("#rendered_cells", state="visible", timeout=120_000)
                empty_times.append(time.perf_counter() - t)
                page.close()
                time.sleep(args.pause)
            idle_n, idle_rss = kernels_rss(proc)
            pages = []
            for i in range(5):
                page = browser.new_page()
                page.goto(access.link(base, eng, access.issue(eng, f"sls-rep-{i % 2 + 1}")))
                page.wait_for_selector(".pb-form.pb-connected", timeout=120_000)
                pages.append(page)
            time.sleep(2)
            busy_n, busy_rss = kernels_rss(proc)
            for page in pages:
                page.close()
            # A burst: ten respondents open their links at the same moment (the pool holds two).
            time.sleep(args.pause)
            burst = []
            for _ in range(10):
                page = browser.new_page()
                burst.append((page, time.perf_counter()))
                page.goto(access.link(base, eng, access.issue(eng, "sls-rep-1")), wait_until="commit")
            burst_times = []
            for page, t in burst:
                page.wait_for_selector(".pb-form.pb-connected", timeout=300_000)
                burst_times.append(time.perf_counter() - t)
            browser.close()
        f, e = statistics.median(form_times), statistics.median(empty_times)
        results = {
            "runs": args.runs,
            "personal_link_to_usable_form_median_s": round(f, 3),
            "personal_link_to_drawn_form_median_s": round(statistics.median(drawn_times), 3),
            "voila_empty_notebook_median_s": round(e, 3),
            "ratio_form_to_empty": round(f / e, 2),
            "goal": "<= 1.0 s and <= 0.8x",
            "form_times_s": [round(x, 3) for x in form_times],
            "empty_times_s": [round(x, 3) for x in empty_times],
            "burst_of_10_usable_median_s": round(statistics.median(burst_times), 2),
            "burst_of_10_usable_max_s": round(max(burst_times), 2),
            "kernels_idle": idle_n,
            "kernels_with_5_respondents": busy_n,
            "memory_per_connected_respondent_mib": round((busy_rss - idle_rss) / max(1, busy_n - idle_n) / 2**20, 1),
        }
    finally:
        empty_server.terminate()
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
