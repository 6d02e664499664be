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
    """The server's running kernels (a stopped one may linger as a zombie until it is reaped)."""
    found = []
    for p in psutil.Process(proc.pid).children(recursive=True):
        try:
            if p.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(p.cmdline()):
                found.append(p)
        except psutil.Error:  # gone meanwhile
            pass
    return found


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
