"""Serving, round two: what a red team broke, each checked on a real ``playbook serve`` with real kernels.

Kernels are counted as processes under the server. A kernel is bound to the page it was handed to; report
pages are shared out per link and under the cap, and stop when their page is gone; the server stops on a
signal; limits count per link; a valid link is never locked out; the log and the visitor see no secret.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import psutil
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from playbook import load
from playbook.core.store import Store
from playbook.outreach import links
from playbook.serve import server

from .browser import ReportPage, free_port, kernel_message, kernels, replies, served, server_log
from .conftest import write_engagement
from .test_gate import PEOPLE, POOL, get, steady_kernels

REPORT = server.REPORT


def post(url: str, data: bytes = b"", headers: dict | None = None) -> int:
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def answers(url: str) -> bool:
    """Whether a server answers at ``url`` (any status)."""
    try:
        get(url)
    except urllib.error.URLError:
        return False
    return True


def alive(kernel_id: str, proc) -> bool:
    return any(kernel_id in " ".join(k.cmdline()) for k in kernels(proc))


def wait_for(predicate, timeout: float, step: float = 0.25) -> float | None:
    """Seconds until ``predicate()`` held, or None if it did not within ``timeout``."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(step)
    return None


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("serving")
    write_engagement(root / "acme", PEOPLE, rows=[], id="acme", client="Acme")
    write_engagement(root / "beta", PEOPLE, rows=[], id="beta", client="Beta")
    with served(root, "--preheat", str(POOL), "--max-kernels", str(POOL + 4)) as (base, proc):
        assert steady_kernels(proc, POOL) == POOL
        yield root, base, proc


def at_once(urls: list[str]) -> list[ReportPage]:
    """Each of ``urls`` opened at the same time, as many visitors (or windows) do."""
    results: list[ReportPage] = []
    threads = [threading.Thread(target=lambda u=u: results.append(ReportPage(u))) for u in urls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def quiet(proc, timeout: float = 30) -> None:
    """Back to the preheated pool, and the gate has forgotten the pages of stopped kernels (it looks every 5 s)."""
    assert steady_kernels(proc, POOL, timeout) == POOL
    time.sleep(6)


# -- 1. kernel sockets belong to their visitor ---------------------------------------------------------------------
def test_a_kernel_opens_only_for_the_page_it_was_handed_to(workspace):
    root, base, proc = workspace
    eng = load(root / "acme")
    a = ReportPage(links.link(base, eng, links.issue_viewer(eng), REPORT, key="v"))
    b = ReportPage(links.link(base, eng, links.issue_viewer(eng), REPORT, key="v"))
    assert a.status == b.status == 200 and a.kernel_id and b.kernel_id and a.kernel_id != b.kernel_id
    kid = a.kernel_id
    # A kernel id alone opens nothing: not its channels (bare, with another page's key, with a made-up key) ...
    for cookie in ("", b.cookie(), f"playbook-kernel={'A' * 43}"):
        with pytest.raises(InvalidStatus) as refused:
            a.socket(cookie=cookie)
        assert refused.value.response.status_code == 403
    # ... nor its model, nor its shutdown.
    assert get(f"{base}/api/kernels/{kid}")[0] == 403
    assert post(f"{base}/voila/api/shutdown/{kid}", b"_xsrf=x") == 403
    assert alive(kid, proc)
    with a.socket() as sock:  # the page's own key opens it
        info = kernel_message(sock, "kernel_info_request", {})
        assert any(m["header"]["msg_type"] == "kernel_info_reply" for m in replies(sock, 30, until=info))
    # Closing the page (its unload beacon, with Jupyter's xsrf) stops its kernel at once.
    assert a.beacon() == 204
    assert wait_for(lambda: not alive(kid, proc), 15) is not None
    assert alive(b.kernel_id, proc) and b.beacon() == 204
    logged = server_log(proc)
    for secret in (a.kernel_id, b.kernel_id, *(c.value for c in [*a.jar, *b.jar])):
        assert secret not in logged
    quiet(proc)


# -- 2. kernels shared out fairly ----------------------------------------------------------------------------------
def test_one_link_holds_three_kernels_and_a_consultant_keeps_a_place(workspace):
    root, base, proc = workspace
    eng = load(root / "acme")
    url = links.link(base, eng, links.issue_viewer(eng), REPORT, key="v")
    from playbook.serve import kernels as report_kernels

    pages = sorted(at_once([url] * 5), key=lambda p: p.status)  # five windows of one link, opened at once
    assert [p.status for p in pages] == [200, 200, 200, 429, 429]
    assert report_kernels.WINDOWS in pages[3].html and pages[3].kernel_id is None
    assert steady_kernels(proc, POOL + 3) == POOL + 3
    # Four places (the cap less the pool): the last one is a consultant's.
    other = ReportPage(links.link(base, eng, links.issue_viewer(eng), REPORT, key="v"))
    assert other.status == 503 and report_kernels.FULL in other.html
    consultant = ReportPage(links.link(base, eng, proc.consultant_token, REPORT, key="c"))
    assert consultant.status == 200 and consultant.kernel_id
    assert steady_kernels(proc, POOL + 4) == POOL + 4
    for page in (*pages[:3], consultant):
        assert page.beacon() == 204
    quiet(proc)


def test_the_default_cap_leaves_memory_for_the_server_and_the_system(monkeypatch):
    gib, page = 2**30, 4096
    values = {"SC_PAGE_SIZE": page, "SC_PHYS_PAGES": 16 * gib // page, "SC_AVPHYS_PAGES": 16 * gib // page}
    monkeypatch.setattr(os, "sysconf", lambda name: values[name])
    # A fifth of 16 GiB stays free: (16 - 3.2) GiB / 260 MiB, not 16 GiB / 260 MiB (63).
    assert server.default_max_kernels() == int((16 * gib - int(16 * gib * 0.2)) // server.KERNEL_MEMORY) == 50
    values["SC_AVPHYS_PAGES"] = gib // page  # a busy machine: still a few
    assert server.default_max_kernels() == server.MIN_KERNELS


@pytest.mark.slow
def test_the_cap_never_overshoots_and_kernels_of_pages_gone_stop_within_a_minute(tmp_path):
    write_engagement(tmp_path / "acme", PEOPLE, rows=[], id="acme", client="Acme")
    eng = load(tmp_path / "acme")
    with served(tmp_path / "acme", "--preheat", "0", "--max-kernels", "4") as (base, proc):
        host, port = base.removeprefix("http://").split(":")
        slow = socket.create_connection((host, int(port)))  # headers that never end are not waited for forever
        slow.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        slow_since, slow_closed = time.monotonic(), []
        closing = threading.Thread(target=lambda: slow_closed.append((slow.recv(100), time.monotonic())))
        closing.start()
        # Eight viewers at once, each with a link of their own: three places for viewers, never more kernels.
        urls = [links.link(base, eng, links.issue_viewer(eng), REPORT, key="v") for _ in range(8)]
        most, done = [0], threading.Event()

        def count() -> None:
            while not done.is_set():
                most[0] = max(most[0], len(kernels(proc)))
                time.sleep(0.1)

        watcher = threading.Thread(target=count)
        watcher.start()
        results = at_once(urls)
        time.sleep(3)  # any kernel still starting
        done.set()
        watcher.join()
        assert sorted(p.status for p in results) == [200] * 3 + [503] * 5
        assert most[0] <= 3 and len(kernels(proc)) == 3
        consultant = ReportPage(links.link(base, eng, proc.consultant_token, REPORT, key="c"))
        assert consultant.status == 200 and len(kernels(proc)) == 4  # the place kept for a consultant
        # Two more visitors leave before their page arrives (the connection dropped after half a second).
        for page in results + [consultant]:
            if page.kernel_id:
                page.beacon()
        assert wait_for(lambda: not kernels(proc), 30) is not None
        time.sleep(6)
        dropped = []
        for url in urls[:2]:
            s = socket.create_connection((host, int(port)))
            path = url.removeprefix(base)
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            dropped.append(s)
        time.sleep(0.5)
        for s in dropped:
            s.close()
        # A page that arrived but whose browser never connected (closed at once, the network gone).
        never = ReportPage(links.link(base, eng, links.issue_viewer(eng), REPORT, key="v"))
        assert never.status == 200 and alive(never.kernel_id, proc)
        gone = wait_for(lambda: not kernels(proc), 75, step=1)
        assert gone is not None and gone < 60, f"kernels of pages gone still alive after {gone} s"
        closing.join(timeout=5)
        assert slow_closed and slow_closed[0][0] == b""  # the server closed the unfinished request ...
        assert slow_closed[0][1] - slow_since < 30  # ... after its header timeout (20 s)
        slow.close()


# -- 3. bounded work: frames -------------------------------------------------------------------------------------
def test_kernel_frames_above_a_mebibyte_are_refused(workspace):
    root, base, proc = workspace
    eng = load(root / "acme")
    page = ReportPage(links.link(base, eng, links.issue_viewer(eng), REPORT, key="v"))
    with page.socket(max_size=None) as sock:
        kernel_message(sock, "comm_msg", {"comm_id": "x", "data": {"value": "a" * (2 * 2**20)}})
        with pytest.raises(ConnectionClosed) as closed:
            for _ in range(100):
                sock.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009  # "message too big"
    assert page.beacon() == 204
    quiet(proc)


# -- 4. stopping ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=["TERM", "INT", "HUP"])
def test_a_signal_stops_the_server_its_kernels_and_its_folder_within_ten_seconds(tmp_path, sig):
    """Whoever gets the signal: serve, Voilà and its kernels, the temporary folder, and the reminder clock that
    runs in serve's own process (a firm that mails, a public address) all stop."""
    write_engagement(tmp_path / "acme", PEOPLE, rows=[], id="acme", client="Acme")
    (tmp_path / "firm.yaml").write_text(json.dumps({"name": "Northwind Consulting", "mail": {
        "host": "127.0.0.1", "port": free_port(), "security": "none", "from": "forms@northwind.example"}}))
    temp = tmp_path / "tmp"
    temp.mkdir()
    port = free_port()
    with (tmp_path / "serve.log").open("w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "playbook", "serve", str(tmp_path / "acme"), "--port", str(port),
                                 "--preheat", "1", "--public-url", f"http://127.0.0.1:{port}/"], stdout=log,
                                stderr=subprocess.STDOUT,
                                env={**os.environ, "TMPDIR": str(temp), "PLAYBOOK_REMINDER_SECONDS": "1"})
        family: list[psutil.Process] = []
        try:
            assert wait_for(lambda: answers(f"http://127.0.0.1:{port}/"), 90, step=0.5) is not None
            assert "Reminders are mailed through 127.0.0.1" in (tmp_path / "serve.log").read_text()
            assert steady_kernels(proc, 1) == 1
            family = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
            assert len(family) >= 3 and list(temp.iterdir())  # serve, Voilà, a kernel; the temporary folder
            os.kill(proc.pid, sig)  # the serve process only, as `kill PID` does
            stopped = wait_for(lambda: not [p for p in family if p.is_running()
                                            and p.status() != psutil.STATUS_ZOMBIE], 15)
            assert stopped is not None and stopped < 10, (tmp_path / "serve.log").read_text()[-2000:]
            assert proc.wait(timeout=5) == 0
            assert list(temp.iterdir()) == []
            with socket.socket() as s:  # the port is free again
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("127.0.0.1", port))
        finally:  # whatever is left of this server (nothing, when the test passes)
            for p in family:
                try:
                    p.kill()
                except psutil.Error:
                    pass
            if proc.poll() is None:
                proc.kill()


def test_a_port_in_use_is_one_message_and_exit_2(tmp_path):
    write_engagement(tmp_path / "acme", PEOPLE, rows=[], id="acme", client="Acme")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        try:
            done = subprocess.run([sys.executable, "-m", "playbook", "serve", str(tmp_path / "acme"), "--port",
                                   str(port)], capture_output=True, text=True, timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail("playbook serve kept running on a port in use (it moved to another port)")
    assert done.returncode == 2
    assert done.stderr.strip() == (f"error: port {port} is in use on 127.0.0.1 (another 'playbook serve', or "
                                   "another program): stop it, or choose another port with --port.")
    assert "Serving" not in done.stdout and "Traceback" not in done.stderr


# -- 5. per link, not per page -------------------------------------------------------------------------------------
def form_page(url: str) -> str:
    status, html = get(url)
    assert status == 200
    return re.search(r"playbook/form/([A-Za-z0-9_-]{16,64})", html).group(1)


def test_the_save_rate_and_the_open_pages_count_per_link(workspace):
    from playbook.serve.forms.handlers import TOO_MANY

    root, base, proc = workspace
    eng = load(root / "acme")
    url = links.link(base, eng, links.issue(eng, "sls-1"))
    ids = [form_page(url) for _ in range(6)]  # one link, six pages: the two oldest give way
    ws = base.replace("http", "ws", 1) + "/playbook/form/"
    with connect(ws + ids[0], origin=base, open_timeout=10) as sock:
        first = json.loads(sock.recv(timeout=10))
        assert first == {"op": "closed", "text": TOO_MANY}
    with contextlib.ExitStack() as opened:
        sockets = [opened.enter_context(connect(ws + pid, origin=base, open_timeout=10)) for pid in ids[2:]]
        for sock in sockets:
            assert json.loads(sock.recv(timeout=10))["op"] == "ready"
        # Fifteen messages from each of the four pages at once: the link's rate (20 a second), not four times it.
        # (About a question not on the form: each is refused at once, so the disk does not set the pace.)
        for n in range(15):
            for sock in sockets:
                sock.send(json.dumps({"op": "answer", "item": "XX-1", "value": 3, "seq": n}))
        ops = [json.loads(sock.recv(timeout=30))["op"] for sock in sockets for _ in range(15)]
    assert ops.count("error") + ops.count("slow") == 60
    assert 20 <= ops.count("error") <= 40 and ops.count("slow") >= 20  # one page alone may send 20 a second


def test_an_emptied_store_is_could_not_be_saved_and_a_log_line(workspace):
    root, base, proc = workspace
    eng = load(root / "beta")
    page_id = form_page(links.link(base, eng, links.issue(eng, "sls-2")))
    with connect(base.replace("http", "ws", 1) + f"/playbook/form/{page_id}", origin=base, open_timeout=10) as sock:
        assert json.loads(sock.recv(timeout=10))["op"] == "ready"
        for name in ("answers.sqlite", "answers.sqlite-wal", "answers.sqlite-shm"):
            (root / "beta" / name).unlink(missing_ok=True)
        Store(root / "beta" / "answers.sqlite").close()  # a fresh, empty store in its place
        sock.send(json.dumps({"op": "answer", "item": "CS1-1", "value": 4, "seq": 1}))
        reply = json.loads(sock.recv(timeout=30))
    assert reply["op"] == "error" and "could not be saved" in reply["text"]
    assert "no longer valid" not in reply["text"]
    assert "the store no longer holds the link this form was opened with" in server_log(proc)
    assert page_id not in server_log(proc)


# -- 7. strangers never lock out valid links -----------------------------------------------------------------------
def test_a_valid_link_is_admitted_whatever_its_address_tried_and_addresses_come_from_the_proxy(tmp_path):
    write_engagement(tmp_path / "acme", PEOPLE, rows=[], id="acme", client="Acme")
    eng = load(tmp_path / "acme")
    port = free_port()
    with served(tmp_path / "acme", "--preheat", "0", "--public-url", f"http://127.0.0.1:{port}/",
                port=port) as (base, _):
        valid = links.link(base, eng, links.issue(eng, "sls-1"))
        bad = f"{base}/voila/render/respond.ipynb?e=acme&t={'A' * 43}"

        def status(url: str, address: str) -> int:
            req = urllib.request.Request(url, headers={"X-Forwarded-For": address})
            try:
                with urllib.request.urlopen(req, timeout=60) as r:
                    return r.status
            except urllib.error.HTTPError as exc:
                return exc.code

        office = "203.0.113.7"  # one NAT address for a whole office, one of them mistyping
        assert [status(bad, office) for _ in range(21)] == [403] * 20 + [429]
        assert status(valid, office) == 200  # a colleague's own link still opens
        assert status(bad, "198.51.100.4") == 403  # another address is told the link is not valid


# -- 8. what the log and the visitor never see ---------------------------------------------------------------------
def test_no_secret_in_any_log_line_no_referrer_and_refused_sockets_log_one_line(workspace):
    root, base, proc = workspace
    eng = load(root / "acme")
    token = links.issue(eng, "mkt-lead")
    viewer = links.issue_viewer(eng)
    report = ReportPage(links.link(base, eng, viewer, REPORT, key="v"))
    form_url = links.link(base, eng, token)
    page_id = form_page(form_url)
    for path in (f"/voila/rendr/respond.ipynb?e=acme&t={token}", f"/voila/static/nothing.js?t={token}",
                 f"/voila/files/respond.ipynb?v={viewer}", f"/{token}", f"/api/kernels/{report.kernel_id}"):
        assert get(base + path)[0] in (403, 404)
    time.sleep(1)  # (their log lines written)
    before = len(proc.log_path.read_text().splitlines())
    with pytest.raises(InvalidStatus):  # another site's page on a form's socket
        connect(base.replace("http", "ws", 1) + f"/playbook/form/{page_id}", origin="http://evil.example",
                open_timeout=10)
    time.sleep(0.5)
    refused = proc.log_path.read_text().splitlines()[before:]
    assert len(refused) == 1 and "403 GET /playbook/form/" in refused[0], refused
    with pytest.raises(InvalidStatus):  # a kernel's socket without its page's key
        report.socket(cookie="")
    time.sleep(0.5)
    assert len(proc.log_path.read_text().splitlines()) == before + 2
    # Referrer-Policy on every page: the report, a form, a refusal.
    for url in (report.url, form_url, f"{base}/voila/render/respond.ipynb?e=acme&t={'B' * 43}"):
        req = urllib.request.Request(url)
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                headers = r.headers
        except urllib.error.HTTPError as exc:
            headers = exc.headers
        assert headers["Referrer-Policy"] == "no-referrer", url
    assert report.beacon() == 204
    logged = server_log(proc)
    for secret in (token, viewer, page_id, report.kernel_id, proc.consultant_token, *(c.value for c in report.jar)):
        assert secret not in logged
    assert "Traceback" not in logged
