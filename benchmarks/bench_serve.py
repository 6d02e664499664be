"""Time from opening a personal link to a usable form, beside Voilà rendering an empty notebook.

"Usable" means the form is drawn and connected to the server, so an answer given now
is saved now (the page's `.pb-form.pb-connected`). Forms are drawn by the server itself
(no kernel per respondent), so memory per respondent is the growth of the server and its
kernels together, divided by the respondents connected. The empty notebook counts until
Voilà shows its rendered cells. Prints figures; asserts nothing. Goals (issue 6):
median <= 1.0 s and <= 0.8x the empty notebook; memory per connected respondent.
Needs Chromium (apt-get install chromium).
Issue 13 adds a crowd: ``--crowd`` respondents (default 100) open their links spread over
``--window`` seconds (default 10) against ``serve --preheat 4``: median and 95th percentile
time to a usable form (goal: median <= 1.0 s, p95 <= 3 s), how many were asked to come back
(the kernel cap's 503 page), and memory per connected respondent (goal <= 60 MiB). One in ten
opens its link in Chromium; the others are a plain client doing what a browser does on the
network (the page, its websocket, the form's "ready"), since a hundred tabs of one Chromium on
the server's own two cores measure that Chromium rather than the server.
It also sends 36 stranger requests (no token, malformed, forged, revoked): kernels started
(goal 0) and the server's memory before and after (``--strangers-only`` runs just that).
Issue 14 adds the client's interactive report (``benchmarks/bench_viewer.py``, run at the end):
viewer link to first chart beside the empty notebook (goal <= 3 s and <= 1.0x), a what-if change
redrawn (goal <= 0.5 s), memory per connected viewer (``--viewer-only`` runs just that).
Issue 22 adds what a red team broke (``--red-team-only`` runs just that), on a run of the sample: one
viewer link opened 40 times (kernels started, their memory, whether a consultant and another viewer are
still admitted), and 10 report requests dropped after 0.5 s (kernels alive after 10, 30 and 60 s; goal 0).
Run: .venv/bin/python benchmarks/bench_serve.py [--runs 10] [--crowd 100 --window 10 --preheat 4]
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
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bench_viewer import empty_voila, total_rss, wait_http  # noqa: E402
from playbook import load  # noqa: E402
from playbook.core.engagement import sample_path  # noqa: E402
from playbook.outreach import links  # noqa: E402
from playbook.serve import server  # noqa: E402
from tests.browser import CHROMIUM_ARGS, kernels, served  # noqa: E402


def strangers(eng_dir: Path, n: int = 36) -> dict:
    """``n`` requests with no token, a malformed, forged or revoked one: kernels started (goal 0), server memory."""
    import psutil

    eng = load(eng_dir)
    revoked = links.issue(eng, eng.respondents[0].id)
    links.revoke(eng, eng.respondents[0].id)
    form, report = "/voila/render/respond.ipynb", "/voila/render/report.ipynb"  # the report page has kernels
    shapes = [form, f"{report}?e={eng.id}", f"{form}?e={eng.id}&t=short", f"{form}?e={eng.id}&t={'A' * 43}",
              f"{report}?e={eng.id}&c={'B' * 43}", f"{report}?e={eng.id}&v={'D' * 43}", f"{form}?e={eng.id}&t={revoked}",
              f"{report}?e={eng.id}&t={revoked}", f"{report}?e=nobody&v={'C' * 43}", report]
    with served(eng_dir, "--preheat", "2") as (base, proc):
        deadline = time.monotonic() + 90
        while len(kernels(proc)) < 2 and time.monotonic() < deadline:  # the pool, started before the strangers
            time.sleep(0.5)
        time.sleep(2)
        server = psutil.Process(proc.pid).children()[0]  # Voilà, under 'playbook serve'
        before_k, before_rss = len(kernels(proc)), server.memory_info().rss
        codes: dict[int, int] = {}
        t = time.perf_counter()
        for i in range(n):
            try:
                with urllib.request.urlopen(base + shapes[i % len(shapes)], timeout=60) as r:
                    code = r.status
            except urllib.error.HTTPError as exc:
                code = exc.code
            codes[code] = codes.get(code, 0) + 1
        elapsed = time.perf_counter() - t
        time.sleep(3)  # a kernel started for a stranger would show by now
        after_k, after_rss = len(kernels(proc)), server.memory_info().rss
    return {
        "stranger_requests": n,
        "stranger_answers": {str(k): v for k, v in sorted(codes.items())},
        "stranger_seconds": round(elapsed, 2),
        "stranger_kernels_started": after_k - before_k,
        "stranger_kernels_goal": 0,
        "stranger_server_memory_before_mib": round(before_rss / 2**20, 1),
        "stranger_server_memory_after_mib": round(after_rss / 2**20, 1),
    }


def red_team(eng_dir: Path, opens: int = 40, dropped: int = 10) -> dict:
    """One viewer link opened ``opens`` times; ``dropped`` report requests given up after 0.5 s (issue 22)."""
    import socket

    from tests.browser import ReportPage

    subprocess.run([sys.executable, "-m", "playbook", "run", str(eng_dir), "--out", str(eng_dir.parent / "out"),
                    "--no-pdf", "--no-deck"], check=True, capture_output=True)
    eng = load(eng_dir)
    report = "report.ipynb"
    out: dict = {}
    with served(eng_dir, "--preheat", "2") as (base, proc):
        wait_kernels(proc, 2)
        pool, _ = kernels_rss(proc)
        url = links.link(base, eng, links.issue_viewer(eng), report, key="v")
        codes: dict[int, int] = {}
        most, most_rss = 0, 0
        for _ in range(opens):
            page = ReportPage(url)
            codes[page.status] = codes.get(page.status, 0) + 1
            n, rss = kernels_rss(proc)
            most, most_rss = max(most, n), max(most_rss, rss)
        consultant = ReportPage(links.link(base, eng, proc.consultant_token, report, key="c"))
        other = ReportPage(links.link(base, eng, links.issue_viewer(eng), report, key="v"))
        n, rss = kernels_rss(proc)
        out.update({
            "one_viewer_link_opened": opens,
            "one_viewer_link_answers": {str(k): v for k, v in sorted(codes.items())},
            "one_viewer_link_kernels_started": most - pool,
            "kernels_memory_mib_pool_of_2_included": round(max(most_rss, rss) / 2**20, 1),
            "consultant_still_admitted": consultant.status == 200,
            "another_viewer_still_admitted": other.status == 200,
            "kernel_cap": server.default_max_kernels(),
        })
        for page in (consultant, other):
            page.beacon()
    with served(eng_dir, "--preheat", "2") as (base, proc):
        wait_kernels(proc, 2)
        pool, _ = kernels_rss(proc)
        host, port = base.removeprefix("http://").split(":")
        socks = []
        for _ in range(dropped):
            path = links.link(base, eng, links.issue_viewer(eng), report, key="v").removeprefix(base)
            sock = socket.create_connection((host, int(port)))
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            socks.append(sock)
        time.sleep(0.5)
        for sock in socks:
            sock.close()
        start, alive = time.monotonic(), {}
        for at in (10, 30, 60):
            time.sleep(max(0.0, start + at - time.monotonic()))
            alive[str(at)] = max(0, len(kernels(proc)) - pool)
        out.update({"dropped_report_requests": dropped, "dropped_kernels_alive_after_s": alive,
                    "dropped_kernels_goal_after_60_s": 0})
    return out


def wait_kernels(proc: subprocess.Popen, n: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while len(kernels(proc)) < n and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(2)


def kernels_rss(proc: subprocess.Popen) -> tuple[int, int]:
    ks = kernels(proc)
    return len(ks), sum(p.memory_info().rss for p in ks)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def server_rss(proc: subprocess.Popen) -> int:
    """Resident memory of the server process itself (Voilà), without its kernels."""
    import psutil

    return sum(p.memory_info().rss for p in [psutil.Process(proc.pid), *psutil.Process(proc.pid).children()]
               if "ipykernel" not in " ".join(p.cmdline()))


async def _one_without_browser(url: str) -> float:
    """What a respondent's browser does on the network: the page, its websocket, the form's "ready"."""
    import re

    from tornado.httpclient import AsyncHTTPClient
    from tornado.websocket import websocket_connect

    t = time.perf_counter()
    response = await AsyncHTTPClient().fetch(url, request_timeout=300)
    socket = re.search(r"data-socket='([^']+)'", response.body.decode()).group(1)
    origin = url.split("/voila/")[0]
    ws = await websocket_connect(origin.replace("http", "ws", 1) + socket)
    while json.loads(await ws.read_message()).get("op") != "ready":
        pass
    _open_sockets.append(ws)  # stays connected until the crowd is done, as a respondent answering would
    return time.perf_counter() - t


_open_sockets: list = []


async def _crowd_pages(urls: list[str], window: float, in_browser: int) -> tuple[list[float], list[float], int]:
    """Open ``urls`` spread evenly over ``window`` seconds: every ``in_browser``-th in Chromium, the rest
    by a plain client doing what a browser does on the network (one Chromium on this machine cannot stand
    for a hundred phones). Returns (times to a usable form of all, of the Chromium ones, pages answered 503).

    Every page stays open (connected) two seconds after the last one is usable, for the memory probe.
    """
    import asyncio

    from playwright.async_api import async_playwright

    times: list[float] = []
    seen: list[float] = []
    busy = 0
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        context = await browser.new_context()
        start = time.perf_counter()

        async def one(i: int, url: str) -> None:
            nonlocal busy
            await asyncio.sleep(max(0.0, start + i * window / len(urls) - time.perf_counter()))
            if i % in_browser:
                times.append(await _one_without_browser(url))
                return
            page = await context.new_page()
            t = time.perf_counter()
            await page.goto(url, wait_until="commit", timeout=300_000)
            await page.wait_for_selector(".pb-form.pb-connected, .pb-busy", timeout=300_000)
            if await page.query_selector(".pb-busy"):
                busy += 1
            else:
                times.append(time.perf_counter() - t)
                seen.append(times[-1])

        await asyncio.gather(*(one(i, u) for i, u in enumerate(urls)))
        await asyncio.sleep(2)
        for ws in _open_sockets:
            ws.close()
        await browser.close()
    return times, seen, busy


def crowd(eng_dir: Path, n: int, window: float, preheat: int) -> dict:
    """``n`` respondents open their links within ``window`` seconds against ``serve --preheat``."""
    import asyncio

    eng = load(eng_dir)
    people = [r.id for r in eng.respondents]
    with served(eng_dir, "--preheat", str(preheat)) as (base, proc):
        time.sleep(4 + 2 * preheat)  # let the pool fill
        idle_n, _ = kernels_rss(proc)
        idle_total = total_rss(proc)
        urls = [links.link(base, eng, links.issue(eng, people[i % len(people)])) for i in range(n)]
        # Memory is read every half second while the crowd arrives; the reading with the most kernels counts.
        import threading

        peak = {"n": 0, "total": 0}
        stop = threading.Event()

        def probe() -> None:
            while not stop.wait(0.5):
                try:
                    peak["n"] = max(peak["n"], kernels_rss(proc)[0])
                    peak["total"] = max(peak["total"], total_rss(proc))
                except Exception:  # a kernel went away between listing and reading
                    pass

        thread = threading.Thread(target=probe, daemon=True)
        thread.start()
        times, seen, busy = asyncio.run(_crowd_pages(urls, window, in_browser=10))
        stop.set()
        thread.join()
    connected = max(1, len(times))  # every page stays open until the last one is usable
    return {
        "crowd": n, "window_s": window, "preheat": preheat,
        "crowd_usable_median_s": round(statistics.median(times), 2) if times else None,
        "crowd_usable_p95_s": round(percentile(times, 0.95), 2) if times else None,
        "crowd_usable_max_s": round(max(times), 2) if times else None,
        "crowd_in_chromium_usable_median_s": round(statistics.median(seen), 2) if seen else None,
        "crowd_in_chromium_usable_max_s": round(max(seen), 2) if seen else None,
        "crowd_asked_to_come_back_503": busy,
        "crowd_goal": "median <= 1.0 s, p95 <= 3 s",
        "crowd_kernels_idle": idle_n, "crowd_kernels_peak": peak["n"],
        "crowd_memory_per_connected_respondent_mib": round((peak["total"] - idle_total) / connected / 2**20, 2),
        "crowd_memory_goal_mib": 60,
    }


def _print_on_sample(measure, *args) -> None:
    """``measure`` run on a fresh copy of the sample engagement, its figures printed."""
    tmp = Path(tempfile.mkdtemp())
    shutil.copytree(sample_path(), tmp / "halvorsen-2026")
    try:
        print(json.dumps(measure(tmp / "halvorsen-2026", *args), indent=2))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--pause", type=float, default=4.0, help="seconds between respondents (pool refill)")
    ap.add_argument("--strangers-only", action="store_true", help="only the 36 stranger requests")
    ap.add_argument("--crowd", type=int, default=100, help="respondents opening their links at about once (0: skip)")
    ap.add_argument("--window", type=float, default=10.0, help="seconds over which the crowd arrives")
    ap.add_argument("--preheat", type=int, default=4, help="serve --preheat for the crowd")
    ap.add_argument("--crowd-only", action="store_true", help="skip the one-by-one timings")
    ap.add_argument("--viewer-only", action="store_true", help="only the interactive report (bench_viewer.py)")
    ap.add_argument("--red-team-only", action="store_true", help="only issue 22's two figures")
    args = ap.parse_args()
    if args.red_team_only:
        return _print_on_sample(red_team)
    viewer = [sys.executable, str(Path(__file__).with_name("bench_viewer.py")), "--runs", str(args.runs)]
    if args.viewer_only:
        sys.exit(subprocess.call(viewer))
    if args.strangers_only:
        return _print_on_sample(strangers)
    if args.crowd_only:
        return _print_on_sample(crowd, args.crowd, args.window, args.preheat)
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp())
    eng_dir = tmp / "halvorsen-2026"
    shutil.copytree(sample_path(), eng_dir)
    eng = load(eng_dir)
    empty_server, empty_base = empty_voila(tmp / "empty")
    results: dict = {}
    try:
        wait_http(empty_base + "/")
        with served(eng_dir) as (base, proc), sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
            time.sleep(8)  # let the preheated pool fill
            form_times, drawn_times, empty_times = [], [], []
            for _ in range(args.runs):
                page = browser.new_page()
                t = time.perf_counter()
                page.goto(links.link(base, eng, links.issue(eng, "sls-rep-1")), wait_until="commit")
                page.wait_for_selector(".pb-submit", timeout=120_000)
                drawn_times.append(time.perf_counter() - t)
                page.wait_for_selector(".pb-form.pb-connected", timeout=120_000)
                form_times.append(time.perf_counter() - t)
                page.close()
                page = browser.new_page()
                t = time.perf_counter()
                page.goto(empty_base + "/", wait_until="commit")
                page.wait_for_selector("#rendered_cells", state="visible", timeout=120_000)
                empty_times.append(time.perf_counter() - t)
                page.close()
                time.sleep(args.pause)
            idle_n, _ = kernels_rss(proc)
            idle_total = total_rss(proc)
            pages = []
            for i in range(5):
                page = browser.new_page()
                page.goto(links.link(base, eng, links.issue(eng, f"sls-rep-{i % 2 + 1}")))
                page.wait_for_selector(".pb-form.pb-connected", timeout=120_000)
                pages.append(page)
            time.sleep(2)
            busy_n, _ = kernels_rss(proc)
            busy_total = total_rss(proc)
            for page in pages:
                page.close()
            # A burst: ten respondents open their links at the same moment.
            time.sleep(args.pause)
            burst = []
            for _ in range(10):
                page = browser.new_page()
                burst.append((page, time.perf_counter()))
                page.goto(links.link(base, eng, links.issue(eng, "sls-rep-1")), wait_until="commit")
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
            "memory_per_connected_respondent_mib": round((busy_total - idle_total) / len(pages) / 2**20, 2),
        }
        results.update(strangers(eng_dir))
        if args.crowd:
            results.update(crowd(eng_dir, args.crowd, args.window, args.preheat))
        results.update(red_team(eng_dir))
    finally:
        empty_server.terminate()
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(results, indent=2))
    subprocess.call(viewer)  # the interactive report's figures (issue 14)


if __name__ == "__main__":
    main()
