"""The gate in front of Voilà: strangers start no kernel, limits, the kernel socket, hosts and origins.

The server tests run a real ``playbook serve`` on 127.0.0.1 and talk to it with plain
HTTP and websockets (no browser); kernels are counted as processes under the server.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid

import pytest
from click.testing import CliRunner
from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from playbook import load
from playbook.cli import main
from playbook.core.errors import UserError
from playbook.core.resources import notebooks_dir
from playbook.outreach import links
from playbook.serve import kernels as page_kernels
from playbook.serve import live, server
from playbook.serve.gate import BUSY, strip_request

from .browser import ReportPage, kernels, served
from .conftest import write_engagement

PEOPLE = [{"id": "mkt-lead", "name": "Mara Quill", "side": "marketing", "role": "leader"},
          {"id": "sls-lead", "name": "Bea Lorne", "side": "sales", "role": "leader"},
          {"id": "sls-1", "name": "Ivo Strand", "side": "sales", "role": "member"},
          {"id": "sls-2", "name": "Noor Vale", "side": "sales", "role": "member"}]


# The report page's kernels are started ahead of its visitors (once the page is shipped).
POOL = 1 if (notebooks_dir() / server.REPORT).is_file() else 0
KERNEL_PAGE = server.REPORT  # the one page with a kernel behind it


# -- without a server ------------------------------------------------------------------------
def test_the_gate_takes_tokens_and_overrides_out_of_the_request():
    uri = "/voila/render/respond.ipynb?e=acme&t=SECRET&template=../..&r=x"
    req = HTTPServerRequest(start_line=RequestStartLine("GET", uri, "HTTP/1.1"),
                            headers=HTTPHeaders({"X-Playbook-Visitor": "forged", "Host": "127.0.0.1"}))
    query = strip_request(req)
    assert query == {"e": "acme", "t": "SECRET", "template": "../..", "r": "x"}
    assert "SECRET" not in req.uri and "SECRET" not in req.query and "SECRET" not in req.full_url()
    assert req.uri == "/voila/render/respond.ipynb?e=acme&r=x"
    assert set(req.arguments) == {"e", "r"} and set(req.query_arguments) == {"e", "r"}
    assert "X-Playbook-Visitor" not in req.headers  # a browser cannot say who it is


def test_the_kernel_believes_only_what_the_gate_signed(monkeypatch):
    monkeypatch.setenv(live.KEY_ENV, links.new_token())
    signed = live.sign_visitor("acme", "respondent", "sls-1", "Ivo", "abc")
    assert live.read_visitor(signed) == {"e": "acme", "kind": "respondent", "r": "sls-1", "name": "Ivo", "h": "abc"}
    body, mac = signed.split(".")
    forged = live.sign_visitor("acme", "consultant").split(".")[0]
    assert live.read_visitor(f"{forged}.{mac}") is None  # another visitor under this signature
    assert live.read_visitor(body) is None and live.read_visitor("") is None
    monkeypatch.setenv(live.KEY_ENV, links.new_token())  # another server's key
    assert live.read_visitor(signed) is None


def test_limits_are_checked_before_serving():
    assert server.default_max_kernels() >= server.MIN_KERNELS
    server.check_limits(4, 3)
    with pytest.raises(UserError, match="--max-kernels 0 must be 1 or more"):
        server.check_limits(0, 0)
    with pytest.raises(UserError, match="--preheat 2 must be from 0 to one less than --max-kernels"):
        server.check_limits(2, 2)
    result = CliRunner().invoke(main, ["serve", ".", "--max-kernels", "0"])
    assert result.exit_code == 2 and "--max-kernels" in result.output


def test_hosts_the_server_answers_to():
    assert server.server_hosts("0.0.0.0") == ["127.0.0.1", "::1", "localhost"]
    assert "forms.example.org" in server.server_hosts("127.0.0.1", "https://Forms.Example.org/survey/")
    assert "10.1.2.3" in server.server_hosts("10.1.2.3")


# -- a real server ---------------------------------------------------------------------------
def get(url: str, host: str | None = None) -> tuple[int, str]:
    req = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def steady_kernels(proc, expected: int, timeout: float = 90) -> int:
    deadline = time.monotonic() + timeout
    while len(kernels(proc)) != expected and time.monotonic() < deadline:
        time.sleep(0.5)
    return len(kernels(proc))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("gate")
    write_engagement(root / "acme", PEOPLE, rows=[], id="acme", client="Acme")
    with served(root, "--preheat", str(POOL), "--max-kernels", "4") as (base, proc):
        assert steady_kernels(proc, POOL) == POOL  # the preheated pool
        yield root, base, proc


def stranger_urls(root, base) -> list[str]:
    eng = load(root / "acme")
    revoked = links.issue(eng, "sls-2")
    links.revoke(eng, "sls-2")
    respondent = links.issue(eng, "sls-1")
    page = f"{base}/voila/render/respond.ipynb"
    kernel_page = f"{base}/voila/render/{KERNEL_PAGE}"
    lasting = links.issue_consultant(eng, "Dana")
    links.revoke_consultant(eng, "Dana")
    shapes = [
        f"{page}",  # no token
        f"{page}?e=acme",
        f"{page}?e=acme&t=short",  # malformed
        f"{page}?e=acme&t={'A' * 43}",  # forged
        f"{page}?e=acme&c={'B' * 43}",  # forged consultant token
        f"{page}?e=acme&t={revoked}",  # revoked
        f"{page}?e=nobody&t={respondent}",  # unknown engagement
        f"{kernel_page}?e=acme&t={respondent}",  # a respondent on a consultant page
        f"{page}?e=acme&t={'A' * 43}&template=../../..",
        f"{kernel_page}",
        f"{kernel_page}?e=acme&c={'B' * 43}",
        f"{kernel_page}?e=acme&c={lasting}",  # revoked consultant link
        f"{base}/voila/render/{server.REPORT}?e=acme&v={'C' * 43}",  # forged viewer link
    ]
    return [shapes[i % len(shapes)] for i in range(36)]


def test_no_listing_and_no_other_host(workspace):
    _, base, _ = workspace
    for path in ("/", "/voila/tree", "/voila/tree/respond.ipynb", "/voila/api/contents", "/voila/api/contents/"):
        status, body = get(base + path)
        assert status == 404, path
        assert "respond.ipynb" not in body
    status, body = get(base + "/voila/render/respond.ipynb?e=acme", host="rebind.example:8866")
    assert status == 403 and "pb-invalid" in body


def test_a_valid_link_is_served_without_its_token_reaching_the_kernel(workspace):
    root, base, proc = workspace
    eng = load(root / "acme")
    token = links.issue_consultant(eng, "Dana Whitlock")
    page = ReportPage(links.link(base, eng, token, KERNEL_PAGE, key="c") + "&template=../../..&theme=dark")
    status, body = page.status, page.html
    assert status == 200 and "link is not valid" not in body  # overrides ignored
    kernel_id = page.kernel_id
    mine = [k for k in kernels(proc) if kernel_id in " ".join(k.cmdline())]
    assert len(mine) == 1
    env = mine[0].environ()
    assert token not in " ".join(env.values())
    for k in kernels(proc):  # the refill kernel either
        assert token not in " ".join(k.environ().values())
    assert token not in server_log(proc)

    ws = base.replace("http", "ws") + f"/api/kernels/{kernel_id}/channels"
    with pytest.raises(InvalidStatus) as refused:
        connect(ws, origin="http://evil.example", open_timeout=10, additional_headers={"Cookie": page.cookie()})
    assert refused.value.response.status_code == 403
    with page.socket() as sock:  # the page's own origin, with the page's own key, is let in
        # Only the widgets' comms may be opened; any other target never reaches the kernel.
        probe = kernel_message(sock, "comm_open", {"comm_id": uuid.uuid4().hex, "target_name": "playbook.probe",
                                                   "data": {}})
        info = kernel_message(sock, "kernel_info_request", {})
        replies = parents_of_replies(sock, info)
        assert info in replies and probe not in replies
    assert "Dropped a request to open a comm with target 'playbook.probe'" in proc.log_path.read_text()
    query = base.replace("http", "ws") + f"/voila/query/{kernel_id}"
    for url, headers in ((query, {}), (query, {live.KERNEL_HEADER: "0" * 64}),
                         (base.replace("http", "ws") + f"/voila/query/{uuid.uuid4()}", {})):
        with pytest.raises(InvalidStatus) as refused:
            connect(url, additional_headers=headers, open_timeout=10)
        assert refused.value.response.status_code == 403


def kernel_message(sock, msg_type: str, content: dict) -> str:
    """Send one message on a kernel socket (Jupyter's JSON websocket protocol); its id."""
    msg_id = uuid.uuid4().hex
    sock.send(json.dumps({"header": {"msg_id": msg_id, "msg_type": msg_type, "username": "t", "session": "t",
                                     "date": "2026-01-01T00:00:00Z", "version": "5.3"},
                          "parent_header": {}, "metadata": {}, "content": content, "channel": "shell",
                          "buffers": []}))
    return msg_id


def parents_of_replies(sock, until: str, timeout: float = 20) -> set[str]:
    """The ids of the messages the kernel answered (or reported on), read until one answers ``until``."""
    seen: set[str] = set()
    deadline = time.monotonic() + timeout
    while until not in seen and time.monotonic() < deadline:
        try:
            msg = json.loads(sock.recv(timeout=max(0.1, deadline - time.monotonic())))
        except TimeoutError:
            break
        parent = (msg.get("parent_header") or {}).get("msg_id")
        if parent:
            seen.add(parent)
    time.sleep(0.5)  # anything still coming for the probe
    while True:
        try:
            msg = json.loads(sock.recv(timeout=0.5))
        except TimeoutError:
            return seen
        if (msg.get("parent_header") or {}).get("msg_id"):
            seen.add(msg["parent_header"]["msg_id"])


def test_36_stranger_requests_start_no_kernel(workspace):
    """Last on this server: its address is then refused for a minute."""
    root, base, proc = workspace
    time.sleep(3)  # a refill of the pool after an earlier visitor has started
    before = len(kernels(proc))
    codes = []
    for url in stranger_urls(root, base):
        status, body = get(url)
        codes.append(status)
        assert "pb-invalid" in body or BUSY in body
    time.sleep(3)  # a kernel would be starting by now
    assert len(kernels(proc)) == before
    # The first twenty are told the link is not valid; then this address must wait a minute.
    assert codes[:20] == [403] * 20 and set(codes[20:]) == {429}
    logged = server_log(proc)
    assert "GET /voila/render/respond.ipynb?e=acme " in logged  # the requests are logged, without their tokens
    assert "A" * 43 not in logged and "B" * 43 not in logged and "t=" not in logged and "c=" not in logged


def server_log(proc) -> str:
    """What the server logged (serve's own lines, the consultant's links among them, left out)."""
    return "\n".join(line for line in proc.log_path.read_text().splitlines() if "GET " in line or "WARNING" in line)


def test_past_the_kernel_cap_visitors_are_asked_to_come_back(tmp_path):
    from playbook.serve.kernels import FULL

    write_engagement(tmp_path / "acme", PEOPLE, rows=[], id="acme", client="Acme")
    eng = load(tmp_path / "acme")
    with served(tmp_path / "acme", "--preheat", "0", "--max-kernels", "1") as (base, proc):
        status, body = get(links.link(base, eng, links.issue_consultant(eng, "Dana"), KERNEL_PAGE, key="c"))
        assert status == 200 and "kernelId" in body
        status, body = get(links.link(base, eng, links.issue_consultant(eng, "Lee"), KERNEL_PAGE, key="c"))
        assert status == 503 and FULL in body
        assert len(kernels(proc)) == 1
        status, body = get(f"{base}/voila/render/{KERNEL_PAGE}?e=acme&c={'A' * 43}")
        assert status == 403  # a bad link is still told so
        # Forms need no kernel: respondents are served whatever the report pages take.
        status, body = get(links.link(base, eng, links.issue(eng, "sls-2")))
        assert status == 200 and "pb-form" in body
        assert len(kernels(proc)) == 1


def test_a_form_socket_the_server_does_not_hold_tells_the_page_to_reload(workspace):
    _, base, _ = workspace
    ws = base.replace("http", "ws") + "/playbook/form/"
    with connect(ws + "A" * 22, origin=base, open_timeout=10) as sock:  # a restart, or a page idle too long
        assert json.loads(sock.recv(timeout=10))["op"] == "reload"
    with pytest.raises(InvalidStatus) as refused:
        connect(ws + "x", origin=base, open_timeout=10)
    assert refused.value.response.status_code == 404
    with pytest.raises(InvalidStatus) as refused:
        connect(ws + "A" * 22, origin="http://evil.example", open_timeout=10)
    assert refused.value.response.status_code == 403


def test_a_kernel_that_never_comes_for_its_visitor_is_replaced():
    """Voilà keeps a visitor's request for a kernel not yet on the query socket; past ``stuck_after`` it is stopped."""
    import asyncio
    import logging
    from concurrent.futures import ThreadPoolExecutor

    from voila.request_info_handler import RequestInfoSocketHandler

    from playbook.serve.gate import replace_stuck

    class Kernels:
        def __init__(self, ids):
            self.ids, self.stopped = set(ids), []

        def __contains__(self, kid):
            return kid in self.ids

        async def shutdown_kernel(self, kid, now=False):
            self.stopped.append(kid)
            self.ids.discard(kid)

    km = Kernels({"stuck", "fine"})
    cache = RequestInfoSocketHandler._cache
    cache["stuck"] = "{}"
    log = logging.getLogger("test")
    def run(coro):  # in a thread of its own: this worker's thread may hold a running loop (the browser tests')
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, coro).result()

    try:
        run(replace_stuck(km, 60, log))  # first seen now: not stuck yet
        assert km.stopped == [] and "stuck" in cache
        run(replace_stuck(km, 0, log))  # waited longer than allowed
        assert km.stopped == ["stuck"] and "stuck" not in cache and "fine" in km
    finally:
        cache.pop("stuck", None)


def test_a_report_page_is_rewritten_into_its_engagements_language_whatever_the_pieces():
    """Voilà draws the page's head before the visitor is known (preheated kernels): on the way out the <html> tag
    takes the engagement's language and the words of the page's script (escaped), and a failed cell's marker its
    sentence, however the pieces are cut."""
    page = ('<!DOCTYPE html>\n<html lang="en">\n<head><title>x</title></head><body><div class="pb-output">'
            f'{page_kernels.FAILED_MARK}</div></body></html>')
    for cut in (1, 7, 15, 20, len(page)):
        speaking = page_kernels.Speaking("de")
        out = "".join(speaking(page[i:i + cut]) for i in range(0, len(page), cut)) + speaking.rest()
        assert out.startswith('<!DOCTYPE html>\n<html lang="de" data-pb-lost="Die Verbindung dieser Seite wurde '
                              'unterbrochen. Laden Sie die Seite neu, um fortzufahren." data-pb-reload="Neu laden">')
        assert "Ein Teil dieses Berichts konnte nicht angezeigt werden." in out and page_kernels.FAILED_MARK not in out
    french = page_kernels.Speaking("fr")
    assert 'data-pb-reload="Recharger"' in french(page) and "n’a pas pu s’afficher" in french.tag + french(
        page_kernels.FAILED_MARK)
    error = page_kernels.PageError(500, "es")
    assert (error.playbook_lang, error.playbook_title) == ("es", "No se ha podido mostrar esta página")
