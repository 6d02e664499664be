"""Shared fixtures: real engagement folders on disk, built per test."""

from __future__ import annotations

import csv
import shutil
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
    ctx.close()
