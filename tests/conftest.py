"""Shared fixtures: real engagement folders on disk, built per test."""

from __future__ import annotations

import csv
import shutil
import time
from pathlib import Path

import pytest
import yaml

from playbook.core.engagement import sample_path

RESPONDENTS = [
    {"id": "mkt-lead", "name": "Mara Quill", "side": "marketing", "role": "leader"},
    {"id": "mkt-1", "name": "Otto Fenn", "side": "marketing", "role": "member"},
    {"id": "sls-lead", "name": "Bea Lorne", "side": "sales", "role": "leader"},
    {"id": "sls-1", "name": "Ivo Strand", "side": "sales", "role": "member"},
]


def write_engagement(folder: Path, respondents=None, rows=None, settings=None, **fields) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = {"id": "test-eng", "client": "Testco Ltd", "consultant": "Cy Consultant", "period": "2026-Q4",
            "respondents": respondents if respondents is not None else RESPONDENTS, **fields}
    if settings is not None:
        data["settings"] = settings
    (folder / "engagement.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    if rows is not None:
        with (folder / "responses.csv").open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["respondent", "item", "answer", "comment"])
            for r in rows:
                w.writerow(list(r) + [""] * (4 - len(r)))
    return folder


@pytest.fixture(autouse=True)
def _default_number_formats():
    """Each test starts and ends in US dollars and en_US, whatever an earlier page or command made active."""
    from playbook.core import formats

    with formats.use({}):
        yield


@pytest.fixture(autouse=True)
def _store_url_stays_put():
    """A command given --store sets PLAYBOOK_STORE_URL for its process (so serve's kernels inherit it); in
    tests the commands run in this process, so each test starts without it and leaves none behind (the
    notebook cells nbval runs afterwards start kernels from this environment)."""
    import os

    before = os.environ.pop("PLAYBOOK_STORE_URL", None)
    yield
    os.environ.pop("PLAYBOOK_STORE_URL", None)
    if before is not None:
        os.environ["PLAYBOOK_STORE_URL"] = before


@pytest.fixture
def make_engagement(tmp_path):
    def make(rows=None, respondents=None, settings=None, name="eng", **fields):
        return write_engagement(tmp_path / name, respondents, rows, settings, **fields)

    return make


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    """A writable copy of the shipped sample engagement."""
    dst = tmp_path / "halvorsen-2026"
    shutil.copytree(sample_path(), dst)
    return dst


def system_tool(name: str, package: str, extra_path: str = "") -> str:
    """The path of a Debian tool the test needs. In CI a missing one fails the test (tests/run.sh installs it);
    elsewhere the test is skipped with the apt command that installs it."""
    import os
    import shutil

    found = shutil.which(name) or (shutil.which(name, path=extra_path) if extra_path else None)
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail(f"{name} is missing in CI: the test command must install Debian's {package}")
    pytest.skip(f"{name} is not installed (apt-get install --no-install-recommends {package})")


def yes_no(respondent: str, code: str, yes: set[int], n: int) -> list[tuple[str, str, str]]:
    return [(respondent, f"{code}-{i}", "yes" if i in yes else "no") for i in range(1, n + 1)]


# One Playwright instance per test process: two sync_playwright() contexts cannot live side by side.
@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from .browser import CHROMIUM_ARGS, chromium_path

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context()
    pg = ctx.new_page()
    yield pg
    for open_page in ctx.pages:  # closed as a visitor closes a tab: a report page's kernel stops at once
        open_page.close(run_before_unload=True)
    time.sleep(0.3)  # (the unload beacons leave)
    ctx.close()


# --- PostgreSQL: one throwaway cluster per test session -------------------------------------------------------------
PG_PASSWORD = "playbook-test"


def _pg_bin() -> Path | None:
    import glob

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def pg_url(tmp_path_factory):
    """``postgresql://postgres:…@127.0.0.1:PORT/playbook``: a cluster made under a temp folder, stopped at the end.

    In CI (``CI`` set) missing PostgreSQL binaries fail the session; elsewhere the tests that need it skip.
    Password authentication over TCP (so a wrong password is refused, as on a real server).
    """
    import os
    import shutil
    import subprocess
    import tempfile

    bindir = _pg_bin()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL binaries not found (/usr/lib/postgresql/*/bin/initdb); tests/run.sh installs them")
        pytest.skip("PostgreSQL binaries not installed (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="playbook-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: the cluster belongs to the postgres user
        shutil.chown(root, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", _free_port()
    pwfile = root / "pw"
    pwfile.write_text(PG_PASSWORD + "\n")
    if as_user:
        shutil.chown(pwfile, "postgres", "postgres")

    def run(*args):
        subprocess.run([*as_user, *map(str, args)], check=True, capture_output=True, cwd=root)

    run(bindir / "initdb", "-D", data, "-U", "postgres", "--pwfile", pwfile, "--auth-local=trust",
        "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8")
    run(bindir / "pg_ctl", "-D", data, "-l", root / "log", "-w", "-t", "60", "-o",
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200", "start")
    try:
        run(bindir / "createdb", "-h", root, "-p", port, "-U", "postgres", "playbook")
        yield f"postgresql://postgres:{PG_PASSWORD}@127.0.0.1:{port}/playbook"
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True, cwd=root)
        shutil.rmtree(root, ignore_errors=True)


def reset_pg(url: str) -> None:
    """An empty database again: every table (and the schema version) dropped."""
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as c:
        c.exec_driver_sql("DROP SCHEMA public CASCADE")
        c.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, monkeypatch):
    """Each store test twice: on the engagement folder's SQLite file (None) and on an empty PostgreSQL database
    (its URL, also in PLAYBOOK_STORE_URL)."""
    from playbook.core.store_url import ENV

    if request.param == "sqlite":
        monkeypatch.delenv(ENV, raising=False)
        yield None
        return
    url = request.getfixturevalue("pg_url")
    reset_pg(url)
    monkeypatch.setenv(ENV, url)
    yield url
