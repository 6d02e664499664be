"""``playbook share``: viewer links to the client's report, stored hashed, opening that page only, revocable."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from playbook.cli import main
from playbook.core.engagement import load
from playbook.core.resources import notebooks_dir
from playbook.core.store import Store
from playbook.outreach import links
from playbook.outreach.links import REPORT, Refusal, Visitor
from playbook.run import latest

from .browser import kernels, served
from .conftest import write_engagement


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def ran(eng_dir, out):
    """What a finished ``playbook run`` leaves (written by hand; tests/test_latest_run.py does a real run)."""
    (out / "notebooks").mkdir(parents=True)
    (out / "results.json").write_text("{}", encoding="utf-8")
    (out / "snapshot.pickle").write_bytes(b"x")
    latest.record(load(eng_dir), out)
    return out


def viewer_token(url: str) -> str:
    return parse_qs(urlsplit(url).query)["v"][0]


def stored(eng) -> list[dict]:
    with Store(eng.store_path) as store:
        return store.tokens()


@pytest.fixture(autouse=True)
def no_session(monkeypatch):
    """No server session: only what the store holds can admit anyone."""
    monkeypatch.delenv(links.CONSULTANT_ENV, raising=False)


@pytest.fixture
def shared(sample_copy, tmp_path):
    """The sample engagement, after a run."""
    ran(sample_copy, tmp_path / "halvorsen-2026-report")
    return sample_copy


# --- the command ------------------------------------------------------------------------------------------------------
def test_share_prints_the_viewer_link_last_and_stores_only_its_hash(shared):
    eng = load(shared)
    res = invoke("share", shared)
    assert res.exit_code == 0, res.output
    lines = res.output.strip().splitlines()
    url = lines[-1]
    assert url.startswith(f"http://127.0.0.1:8866/voila/render/report.ipynb?e={eng.id}&v=")
    token = viewer_token(url)
    assert links.well_formed(token)
    before = "\n".join(lines[:-1])
    assert eng.client in before and "valid until you revoke it" in before
    assert f"playbook share {eng.path} --revoke" in before
    assert token not in before
    [row] = stored(eng)
    assert row["kind"] == "viewer" and row["token_hash"] == links.digest(token) and row["expires_at"] is None
    raw = b"".join(p.read_bytes() for p in shared.glob("answers.sqlite*"))
    assert token.encode() not in raw and links.digest(token).encode() in raw
    found = links.check(eng, {"e": eng.id, "v": token}, page=REPORT)
    assert found == Visitor("viewer", "", "", links.digest(token)) and found.viewer and not found.consultant


def test_share_takes_invites_address_options(shared):
    eng = load(shared)
    res = invoke("share", shared, "--public-url", "https://reports.example.org/halvorsen/")
    assert res.exit_code == 0, res.output
    assert res.output.strip().splitlines()[-1].startswith(
        f"https://reports.example.org/halvorsen/voila/render/report.ipynb?e={eng.id}&v=")
    res = invoke("share", shared, "--base-url", "/survey/")
    assert res.output.strip().splitlines()[-1].startswith("http://127.0.0.1:8866/survey/voila/render/report.ipynb?")


def test_share_expires_after_the_days_given(shared):
    eng = load(shared)
    res = invoke("share", shared, "--expires", "14")
    assert res.exit_code == 0, res.output
    until = (datetime.now(UTC) + timedelta(days=14)).date().isoformat()
    assert f"valid for 14 day(s), until {until}" in res.output
    token = viewer_token(res.output.strip().splitlines()[-1])
    end = datetime.fromisoformat(stored(eng)[0]["expires_at"])
    assert timedelta(days=13, hours=23) < end - datetime.now(UTC) <= timedelta(days=14)
    query = {"e": eng.id, "v": token}
    assert isinstance(links.check(eng, query, page=REPORT, at=end - timedelta(seconds=1)), Visitor)
    assert links.check(eng, query, page=REPORT, at=end) == Refusal(
        "expired", f"This link has expired; ask {eng.consultant} for a new one.")


def test_revoke_ends_every_viewer_link_and_only_those(shared):
    eng = load(shared)
    tokens = [viewer_token(invoke("share", shared).output.strip().splitlines()[-1]) for _ in range(2)]
    respondent = links.issue(eng, eng.respondents[0].id)
    consultant = links.issue_consultant(eng, "Ana Ruiz")
    res = invoke("share", shared, "--revoke")
    assert res.exit_code == 0, res.output
    assert res.output.startswith(f"Revoked 2 viewer link(s) to {eng.client}'s report")
    for token in tokens:
        assert links.check(eng, {"e": eng.id, "v": token}, page=REPORT).reason == "revoked"
    assert isinstance(links.check(eng, {"e": eng.id, "t": respondent}, page="respond.ipynb"), Visitor)
    assert isinstance(links.check(eng, {"e": eng.id, "c": consultant}, page=REPORT), Visitor)
    assert invoke("share", shared, "--revoke").output.startswith("Revoked 0 viewer link(s)")
    fresh = viewer_token(invoke("share", shared).output.strip().splitlines()[-1])  # a new link after a revoke
    assert isinstance(links.check(eng, {"e": eng.id, "v": fresh}, page=REPORT), Visitor)


EXPIRES = "must be a whole number of days from 1 to 3650, such as 14."
BAD = [
    (["--expires", "0"], f"--expires '0' {EXPIRES}"),
    (["--expires", "-3"], f"--expires '-3' {EXPIRES}"),
    (["--expires", "1.5"], f"--expires '1.5' {EXPIRES}"),
    (["--expires", "two"], f"--expires 'two' {EXPIRES}"),
    (["--expires", "3651"], f"--expires '3651' {EXPIRES}"),
    (["--expires", "14", "--revoke"], "--expires sets how long a new link lasts; it does not go with --revoke."),
    (["--base-url", "survey"], "--base-url 'survey' must start and end with '/'"),
    (["--base-url", "https://reports.example.org/"], "give the whole public address with --public-url"),
    (["--public-url", "ftp://reports.example.org/"], "--public-url 'ftp://reports.example.org/' must be an http(s)"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_share_input_is_one_message_exit_2_and_issues_nothing(shared, args, message):
    before = sorted(p.name for p in shared.iterdir())
    res = invoke("share", shared, *args)
    assert res.exit_code == 2, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], res.output
    assert sorted(p.name for p in shared.iterdir()) == before  # no store made, no link issued


def test_share_before_any_run_says_what_to_run(sample_copy):
    res = invoke("share", sample_copy)
    assert res.exit_code == 2
    eng = load(sample_copy)
    assert res.output == (f"error: no results yet for {eng.client} ({eng.id}): run `playbook run {eng.path} --out "
                          f"{eng.path}-report` first (or run it again if its output folder was moved or deleted).\n")
    assert not (sample_copy / "answers.sqlite").exists()


def test_share_after_the_run_output_was_deleted_says_what_to_run(shared, tmp_path):
    (tmp_path / "halvorsen-2026-report" / "results.json").unlink()
    res = invoke("share", shared)
    assert res.exit_code == 2 and "error: no results yet for" in res.output and "playbook run" in res.output


def test_share_on_a_folder_that_is_not_an_engagement(tmp_path):
    res = invoke("share", tmp_path / "nowhere")
    assert res.exit_code == 2 and res.output == f"error: {tmp_path / 'nowhere'}: no such engagement folder.\n"


# --- who opens what ---------------------------------------------------------------------------------------------------
@pytest.fixture
def eng(make_engagement):
    return load(make_engagement())


def test_each_kind_of_link_opens_its_own_pages(eng):
    v, t, c = links.issue_viewer(eng), links.issue(eng, "mkt-1"), links.issue_consultant(eng, "Ana Ruiz")
    e = eng.id
    assert isinstance(links.check(eng, {"e": e, "v": v}, page=REPORT), Visitor)
    assert links.check(eng, {"e": e, "v": v}).kind == "viewer"  # no page named: the token alone
    for page in ("respond.ipynb", "self_evaluation.ipynb", "kpi_scorecard.ipynb", "status.ipynb"):
        assert links.check(eng, {"e": e, "v": v}, page=page).reason == "invalid", page
    assert links.check(eng, {"e": e, "t": t}, page=REPORT).reason == "invalid"
    assert links.check(eng, {"e": e, "t": t}, page="respond.ipynb").respondent == "mkt-1"
    for page in (REPORT, "respond.ipynb"):
        assert links.check(eng, {"e": e, "c": c}, page=page).kind == "consultant", page
    for page in ("status.ipynb", "kpi_scorecard.ipynb"):  # analysis notebooks, not pages: no link opens them
        assert links.check(eng, {"e": e, "c": c}, page=page).reason == "invalid", page
    # a token under another kind's key opens nothing; one link carries exactly one token
    assert links.check(eng, {"e": e, "t": v}, page="respond.ipynb").reason == "invalid"
    assert links.check(eng, {"e": e, "c": v}, page=REPORT).reason == "invalid"
    assert links.check(eng, {"e": e, "v": t}, page=REPORT).reason == "invalid"
    assert links.check(eng, {"e": e, "v": c}, page=REPORT).reason == "invalid"
    assert links.check(eng, {"e": e, "v": v, "c": c}, page=REPORT).reason == "invalid"
    assert links.check(eng, {"e": e, "v": v, "t": t}, page=REPORT).reason == "invalid"


def test_forged_unknown_revoked_and_expired_viewer_links_are_refused(eng):
    v = links.issue_viewer(eng, expires_days=1)
    e = eng.id
    assert links.check(eng, {"e": e, "v": links.new_token()}, page=REPORT) == Refusal(
        "invalid", links.INVALID_TEXT.format(consultant="Cy Consultant"))  # well formed, never issued
    assert links.check(eng, {"e": e, "v": "short"}, page=REPORT).reason == "invalid"
    assert links.check(eng, {"e": e, "v": v + "!"}, page=REPORT).reason == "invalid"
    assert links.check(eng, {"e": "other-eng", "v": v}, page=REPORT).reason == "invalid"
    assert links.check(eng, {"v": v}, page=REPORT).reason == "invalid"
    later = datetime.now(UTC) + timedelta(days=2)
    assert links.check(eng, {"e": e, "v": v}, page=REPORT, at=later) == Refusal(
        "expired", "This link has expired; ask Cy Consultant for a new one.")
    assert links.revoke_viewers(eng) == 1
    assert links.check(eng, {"e": e, "v": v}, page=REPORT).reason == "revoked"
    assert links.revoke_viewers(eng) == 0


def test_the_gate_takes_a_viewer_token_out_of_the_request():
    """No log line, kernel environment or refill kernel carries a viewer's token (gate.DROPPED holds ``v``)."""
    from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

    from playbook.serve.gate import strip_request

    uri = f"/voila/render/{REPORT}?e=acme&v=SECRET"
    req = HTTPServerRequest(start_line=RequestStartLine("GET", uri, "HTTP/1.1"), headers=HTTPHeaders({"Host": "x"}))
    assert strip_request(req) == {"e": "acme", "v": "SECRET"}
    assert req.uri == f"/voila/render/{REPORT}?e=acme" and set(req.arguments) == {"e"}


# --- a real server ----------------------------------------------------------------------------------------------------
def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=120) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def settled_kernels(proc, timeout: float = 90) -> int:
    """The server's kernel count once it has not changed for 3 s (the preheated pool filled)."""
    deadline = time.monotonic() + timeout
    count, since = len(kernels(proc)), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - since < 3:
        time.sleep(0.5)
        now = len(kernels(proc))
        if now != count:
            count, since = now, time.monotonic()
    return count


def test_forged_revoked_and_expired_viewer_links_show_not_valid_and_start_no_kernel(tmp_path):
    root = tmp_path / "ws"
    write_engagement(root / "acme", id="acme", client="Acme", consultant="Cy Consultant")
    eng = load(root / "acme")
    revoked = links.issue_viewer(eng)
    links.revoke_viewers(eng)
    expired = links.issue_viewer(eng, expires_days=1)
    with Store(eng.store_path) as store:
        store.set_token(links.digest(expired), expires_at=(datetime.now(UTC) - timedelta(hours=1)).isoformat())
    # Until the report page exists, the gate refuses the unknown page before it reads the link (the plain words).
    page_there = (notebooks_dir() / REPORT).is_file()
    invalid = links.INVALID_TEXT.format(consultant="Cy Consultant" if page_there else "your consultant")
    ends = links.EXPIRED_TEXT.format(consultant="Cy Consultant") if page_there else invalid
    with served(root, "--preheat", "1") as (base, proc):
        before = settled_kernels(proc)
        for url, words in ((links.link(base, eng, links.new_token(), REPORT, key="v"), invalid),  # forged
                           (links.link(base, eng, revoked, REPORT, key="v"), invalid),
                           (links.link(base, eng, expired, REPORT, key="v"), ends),
                           (f"{base}/voila/render/{REPORT}?e=nobody&v={links.new_token()}", None)):
            status, body = get(url)
            assert status == 403 and "pb-invalid" in body, url
            assert words is None or words in body, body
            assert "kernelId" not in body
        time.sleep(3)  # a kernel would be starting by now
        assert len(kernels(proc)) == before
        logged = proc.log_path.read_text()
        assert revoked not in logged and expired not in logged
        # The log holds what a consultant can act on: not a warning per kernel or page they can do nothing about.
        assert "without encryption" not in logged and "is not trusted" not in logged, logged
