"""The client's interactive report: time from the viewer link to its first chart, beside Voilà rendering an
empty notebook, a what-if change to its redrawn figures, and memory per connected viewer.

A copy of the sample engagement is run (``playbook run``), shared (``playbook share``) and served
(``playbook serve``, its preheated report kernels); the empty notebook is served by plain Voilà in the same
run. "First chart" is the first ``<svg>`` visible in Chromium, counted from the start of navigation; the
empty notebook counts until Voilà shows its rendered cells. Between two visits the server gets time to start
a fresh preheated kernel (``--pause``), as on a warm server. Requests to other hosts are refused at once
(the pages must need none; Voilà's own template asks a CDN for icons). "Redrawn" is the economics part
drawn again after the marketing spend changes (the first change on a page, which loads what the controls need,
apart from the later ones). The page's own report kernel (RSS) once the page is drawn and after its first
what-if change, beside the pooled kernels waiting for a visitor. Memory per viewer is the growth of the server
and its kernels with ``--viewers`` pages open, divided by them.
Prints figures; asserts nothing. Goals: first chart median <= 3 s and <= 1.0x the empty notebook, a what-if
change redrawn <= 0.5 s (issue 14); a report kernel once drawn <= 150 MiB (issue 23).
Needs Chromium (apt-get install chromium).
Run: .venv/bin/python benchmarks/bench_viewer.py [--runs 10] [--pause 6] [--viewers 4]
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
from playbook.core.engagement import sample_path  # noqa: E402
from tests.browser import CHROMIUM_ARGS, cpu_seconds, free_port, kernels, served, visitor_kernel  # noqa: E402

MIB = 2**20


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


def total_rss(proc: subprocess.Popen) -> int:
    """The server, Voilà and every kernel: resident memory in bytes."""
    import psutil

    total = 0
    for p in [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def empty_voila(folder: Path) -> tuple[subprocess.Popen, str]:
    """Plain Voilà serving an empty notebook (made in ``folder``), the yardstick of the page timings."""
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(folder / "empty.ipynb"))
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "voila", str(folder / "empty.ipynb"), "--no-browser",
                               f"--port={port}", "--Voila.ip=127.0.0.1"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return server, f"http://127.0.0.1:{port}"


def kernel_sizes(proc: subprocess.Popen) -> list[int]:
    import psutil

    sizes = []
    for k in kernels(proc):
        try:
            sizes.append(k.memory_info().rss)
        except psutil.Error:
            pass
    return sizes


def settle(proc: subprocess.Popen, pause: float) -> None:
    """Give the server ``pause`` seconds, then until its kernels are quiet (a refill has finished preloading)."""
    import psutil

    time.sleep(pause)
    for _ in range(40):
        busy = 0.0
        for k in kernels(proc):
            try:
                busy += k.cpu_percent(interval=0.1)
            except psutil.Error:
                pass
        if busy < 10:
            return
        time.sleep(0.5)


def offline(page, base: str) -> None:
    """Refuse at once every request for another host (nothing of ours needs one)."""
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith((base, "data:", "blob:"))
               else route.abort())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--pause", type=float, default=6.0, help="seconds between visits (a preheated kernel refills)")
    ap.add_argument("--viewers", type=int, default=4, help="viewer pages open at once for the memory figure")
    ap.add_argument("--changes", type=int, default=10, help="what-if changes timed")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp())
    eng_dir = tmp / "halvorsen-2026"
    shutil.copytree(sample_path(), eng_dir)
    subprocess.run([sys.executable, "-m", "playbook", "run", str(eng_dir), "--out", str(tmp / "out"), "--no-pdf",
                    "--no-deck"], check=True, capture_output=True)
    empty_server, empty_base = empty_voila(tmp / "empty")
    try:
        wait_http(empty_base + "/")
        # Kernels of closed pages are stopped after 20 s, so ten visits do not keep ten kernels.
        with served(eng_dir, "--idle-timeout", "20") as (base, proc), sync_playwright() as p:
            link = subprocess.run([sys.executable, "-m", "playbook", "share", str(eng_dir), "--public-url", base],
                                  check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
            settle(proc, 8)  # the preheated pool fills
            chart, controls, empty = [], [], []
            for _ in range(args.runs):
                page = browser.new_page()
                offline(page, base)
                t = time.perf_counter()
                page.goto(link, wait_until="commit")
                page.wait_for_selector("svg", state="visible", timeout=120_000)
                chart.append(time.perf_counter() - t)
                page.wait_for_selector(".pb-rp-whatif input", timeout=120_000)
                controls.append(time.perf_counter() - t)
                page.close()
                page = browser.new_page()
                offline(page, empty_base)
                t = time.perf_counter()
                page.goto(empty_base + "/", wait_until="commit")
                page.wait_for_selector("#rendered_cells", state="visible", timeout=120_000)
                empty.append(time.perf_counter() - t)
                page.close()
                settle(proc, args.pause)

            # What-if: the marketing spend changes; the economics part is drawn again. The page's own kernel
            # (the pooled one that did the drawing) is measured once drawn and after the first change.
            settle(proc, args.pause)
            busy = cpu_seconds(proc)
            page = browser.new_page()
            offline(page, base)
            page.goto(link, wait_until="commit")
            page.wait_for_selector(".pb-rp-whatif input", timeout=120_000)
            settle(proc, 2)
            mine = visitor_kernel(proc, busy)
            pooled = [k.memory_info().rss for k in kernels(proc) if k.pid != mine.pid]
            drawn_rss = mine.memory_info().rss
            spend = page.get_by_label("Marketing spend ($)")
            redraw, first_rss = [], None
            for i in range(args.changes):
                page.evaluate("() => { window.__before = document.querySelector('.pb-rp-stage-economics').innerHTML; }")
                t = time.perf_counter()
                spend.fill(str(1_000_000 + 250_000 * (i + 1)))
                spend.press("Enter")
                page.wait_for_function("() => { const s = document.querySelector('.pb-rp-stage-economics');"
                                       " return s.innerHTML !== window.__before && s.innerHTML.includes('<svg'); }",
                                       timeout=60_000)
                redraw.append(time.perf_counter() - t)
                if first_rss is None:
                    settle(proc, 1)
                    first_rss = mine.memory_info().rss
            page.close()

            # Memory: viewers connected at once.
            settle(proc, args.pause)
            before = total_rss(proc)
            pages = []
            for _ in range(args.viewers):
                page = browser.new_page()
                offline(page, base)
                page.goto(link, wait_until="commit")
                page.wait_for_selector(".pb-rp-whatif input", timeout=180_000)
                pages.append(page)
            settle(proc, 2)
            after = total_rss(proc)
            sizes = kernel_sizes(proc)
            for page in pages:
                page.close()
            browser.close()
    finally:
        empty_server.terminate()
        empty_server.wait(timeout=15)
        shutil.rmtree(tmp, ignore_errors=True)
    c, e = statistics.median(chart), statistics.median(empty)
    print(json.dumps({
        "runs": args.runs,
        "viewer_link_to_first_chart_median_s": round(c, 3),
        "voila_empty_notebook_median_s": round(e, 3),
        "ratio_first_chart_to_empty": round(c / e, 2),
        "goal_first_chart": "<= 3 s and <= 1.0x the empty notebook",
        "viewer_link_to_controls_drawn_median_s": round(statistics.median(controls), 3),
        "whatif_first_change_to_redrawn_s": round(redraw[0], 3),
        "whatif_later_changes_to_redrawn_median_s": round(statistics.median(redraw[1:] or redraw), 3),
        "goal_whatif": "<= 0.5 s",
        "report_kernel_rss_drawn_mib": round(drawn_rss / MIB, 1),
        "goal_report_kernel_rss_drawn_mib_at_most": 150,
        "report_kernel_rss_after_first_whatif_mib": round(first_rss / MIB, 1),
        "pooled_kernels_waiting_rss_mib": [round(x / MIB, 1) for x in pooled],
        "memory_per_connected_viewer_mib": round((after - before) / args.viewers / MIB, 1),
        "kernels_rss_with_viewers_open_median_mib": round(statistics.median(sizes) / MIB, 1) if sizes else None,
        "first_chart_s": [round(x, 3) for x in chart],
        "empty_s": [round(x, 3) for x in empty],
        "whatif_s": [round(x, 3) for x in redraw],
    }, indent=2))


if __name__ == "__main__":
    main()
