"""Real Voilà servers and a real Chromium, for the browser tests."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest

# Words for developers, never for the client or the consultant on a page (file names included).
DEVELOPER = re.compile(r"papermill|headless|kernel|voil[aà]|notebook|jupyter|python|traceback|"
                       r"\b[\w-]+\.(csv|ya?ml|json|ipynb|pickle|py)\b", re.IGNORECASE)

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-quic"]


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("Chromium is missing in CI: the test command must install Debian's chromium")
    pytest.skip("Chromium is not installed (apt-get install chromium)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(path: Path, *extra: str, timeout: float = 90, port: int | None = None, env: dict | None = None):
    """``playbook serve PATH`` on ``port`` (default: a free one); yields (base_url, process).

    ``env``: variables set for the server on top of this process's environment (e.g. PLAYBOOK_STORE_URL).
    """
    port = port or free_port()
    log = open(path.parent / f"serve-{port}.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "playbook", "serve", str(path), "--port", str(port), *extra],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                            env={**os.environ, **env} if env else None)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=2)
                break
            except urllib.error.HTTPError:  # an answer, even 404 (pages under a --base-url): it is up
                break
            except Exception:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise RuntimeError("playbook serve did not start:\n" + Path(log.name).read_text()[-3000:]) from None
                time.sleep(0.3)
        log.flush()
        found = re.search(r"[?&]c=([A-Za-z0-9_-]+)", Path(log.name).read_text())
        proc.consultant_token = found.group(1) if found else None
        proc.log_path = Path(log.name)
        yield base, proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def kernels(proc: subprocess.Popen) -> list[psutil.Process]:
    """The server's running kernels (a stopped one may linger as a zombie until it is reaped). A kernel's own
    child between its fork and its exec (an import that runs a program) still reads as the kernel: not counted."""
    found = []
    for p in psutil.Process(proc.pid).children(recursive=True):
        try:
            if p.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(p.cmdline()):
                found.append(p)
        except psutil.Error:  # gone meanwhile
            pass
    pids = {p.pid for p in found}
    return [p for p in found if p.ppid() not in pids]


def kill_page_kernel(page, proc: subprocess.Popen):
    """Kill the kernel of the report page open in ``page`` (a Playwright page) and wait for the page to say so;
    the bar that says it."""
    kid = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    mine = [k for k in kernels(proc) if kid in " ".join(k.cmdline())]
    assert len(mine) == 1
    mine[0].kill()
    bar = page.locator(".pb-lost-bar")
    bar.wait_for(state="visible", timeout=60_000)
    return bar


def cpu_seconds(proc: subprocess.Popen) -> dict[int, float]:
    """CPU seconds each running kernel of the server has used so far, by pid."""
    found = {}
    for k in kernels(proc):
        try:
            found[k.pid] = sum(k.cpu_times()[:2])
        except psutil.Error:
            pass
    return found


def visitor_kernel(proc: subprocess.Popen, before: dict[int, float]) -> psutil.Process:
    """The kernel that drew the page just opened: of those running before (``cpu_seconds``; the pool hands one
    out, then starts another), the one that worked most since."""
    grown = []
    for k in kernels(proc):
        try:
            if k.pid in before:
                grown.append((sum(k.cpu_times()[:2]) - before[k.pid], k))
        except psutil.Error:
            pass
    return max(grown, key=lambda g: g[0])[1]


def ask_kernel(kernel: psutil.Process, expression: str, timeout: float = 30) -> str:
    """``expression`` evaluated in a served page's kernel, in the page's own namespace, as its ``repr``.

    Through the kernel's connection file (as Voilà itself talks to it): a silent request with a user expression,
    answered on the kernel's shell channel only, so the page never sees it. The kernel must be idle (its page
    drawn): a pooled kernel waiting for its visitor answers nothing until then.
    """
    from jupyter_client import BlockingKernelClient

    files = [a for a in kernel.cmdline() if a.endswith(".json")]
    client = BlockingKernelClient(connection_file=files[-1])
    client.load_connection_file()
    client.start_channels()
    try:
        msg_id = client.execute("", silent=True, store_history=False, user_expressions={"x": expression})
        deadline = time.monotonic() + timeout
        while True:
            reply = client.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        found = reply["content"]["user_expressions"]["x"]
        if found["status"] != "ok":
            raise AssertionError(f"{expression!r} failed in the kernel: {found.get('ename')}: {found.get('evalue')}")
        return found["data"]["text/plain"]
    finally:
        client.stop_channels()
# -- a report page and its kernel, without a browser -------------------------------------------------------------
class ReportPage:
    """A report page fetched as a browser would (its cookies kept); its kernel reached over the page's own socket."""

    def __init__(self, url: str, timeout: float = 180):
        import http.cookiejar

        self.url, self.base = url, url.split("/voila/")[0]
        self.jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        try:
            with opener.open(url, timeout=timeout) as r:
                self.status, self.html = r.status, r.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            self.status, self.html = exc.code, exc.read().decode("utf-8")
        found = re.search(r'"kernelId": "([0-9a-f-]{36})"', self.html)
        self.kernel_id = found.group(1) if found else None

    def cookie(self, where: str = "api/kernels") -> str:
        """The Cookie header the browser sends to the kernel's paths under ``where``."""
        return "; ".join(f"{c.name}={c.value}" for c in self.jar if c.path.startswith(f"/{where}/")
                         or c.name == "_xsrf")

    def xsrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "_xsrf"), "")

    def socket(self, cookie: str | None = None, **kwargs):
        """The kernel's channels, as the page's widgets open them (``cookie``: another Cookie header)."""
        from websockets.sync.client import connect

        url = self.base.replace("http", "ws", 1) + f"/api/kernels/{self.kernel_id}/channels?session_id=test"
        headers = {"Cookie": self.cookie() if cookie is None else cookie}
        return connect(url, origin=self.base, additional_headers=headers, open_timeout=20, **kwargs)

    def beacon(self) -> int:
        """What the page sends when it is closed (Voilà's unload beacon: a form with _xsrf); the status."""
        body = urllib.parse.urlencode({"_xsrf": self.xsrf()}).encode()
        req = urllib.request.Request(f"{self.base}/voila/api/shutdown/{self.kernel_id}", data=body,
                                     headers={"Cookie": self.cookie("voila/api/shutdown"), "Origin": self.base})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status
        except urllib.error.HTTPError as exc:
            return exc.code


def kernel_message(sock, msg_type: str, content: dict, channel: str = "shell") -> str:
    """Send one message on a kernel socket (Jupyter's JSON websocket protocol); its id."""
    import json
    import uuid

    msg_id = uuid.uuid4().hex
    sock.send(json.dumps({"header": {"msg_id": msg_id, "msg_type": msg_type, "username": "t", "session": "t",
                                     "date": "2026-01-01T00:00:00Z", "version": "5.3"},
                          "parent_header": {}, "metadata": {}, "content": content, "channel": channel,
                          "buffers": []}))
    return msg_id


def replies(sock, timeout: float = 5.0, until: str | None = None) -> list[dict]:
    """The messages the kernel sends in ``timeout`` seconds (or until one answers message ``until``)."""
    import json

    out: list[dict] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = json.loads(sock.recv(timeout=max(0.05, deadline - time.monotonic())))
        except TimeoutError:
            break
        out.append(msg)
        if until and (msg.get("parent_header") or {}).get("msg_id") == until and msg["channel"] != "iopub":
            break
    return out


def widget_states(sock) -> dict[str, dict]:
    """Every widget of the page's kernel: comm id -> state (as the widget manager asks for them)."""
    info = kernel_message(sock, "comm_info_request", {})
    comms = next(m["content"]["comms"] for m in replies(sock, 30, until=info)
                 if m["header"]["msg_type"] == "comm_info_reply")
    for cid in comms:
        kernel_message(sock, "comm_msg", {"comm_id": cid, "data": {"method": "request_state"}})
    states: dict[str, dict] = {}
    deadline = time.monotonic() + 30
    while len(states) < len(comms) and time.monotonic() < deadline:
        for m in replies(sock, 2):
            data = m["content"].get("data") or {}
            if m["header"]["msg_type"] == "comm_msg" and data.get("method") == "update":
                states[m["content"]["comm_id"]] = data["state"]
    return states


def widget_update(sock, comm_id: str, state: dict) -> str:
    """Change a widget's state as a page does when its visitor uses it."""
    return kernel_message(sock, "comm_msg", {"comm_id": comm_id, "data": {"method": "update", "state": state,
                                                                          "buffer_paths": []}})


def server_log(proc) -> str:
    """What the server wrote, but the lines ``playbook serve`` prints for the consultant (their own links)."""
    printed = re.compile(r"^ {4}(report and your tools|the questionnaire) +http")
    return "\n".join(line for line in proc.log_path.read_text().splitlines() if not printed.match(line))
