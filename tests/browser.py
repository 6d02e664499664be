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
