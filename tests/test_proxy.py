"""Facing the internet: --base-url / --public-url, the proxy's X-Forwarded-* headers, and a form through nginx.

The nginx test runs the README's own configuration (the lines between its
``playbook-proxy`` markers, only the port changed) as the current user, with its
prefix, pid file and logs in a temporary folder, in front of a real ``playbook
serve``, and a respondent fills in a form through it in Chromium.
"""

from __future__ import annotations

import asyncio
import getpass
import json
import os
import re
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from playbook import load
from playbook.cli import main
from playbook.core.errors import UserError
from playbook.core.instruments import instruments
from playbook.core.store import Store
from playbook.outreach import links
from playbook.outreach.urls import address
from playbook.serve import proxy
from playbook.serve.server import voila_command

from .browser import free_port, served
from .conftest import system_tool, write_engagement

README = Path(__file__).resolve().parents[1] / "README.md"
PUBLIC_PATH = "/survey/"


# --- options -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("base", ["survey", "/survey", "survey/", "/a//b/", "/../", "/s?x=1/", "/sur vey/", ""])
def test_base_url_must_start_and_end_with_a_slash(sample_copy, base):
    result = CliRunner().invoke(main, ["serve", str(sample_copy), "--base-url", base])
    assert result.exit_code == 2
    assert "--base-url" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1  # one clear message


@pytest.mark.parametrize("public", ["forms.example.org", "ftp://forms.example.org/", "https://", "https://x:port/",
                                    "https://user:pw@forms.example.org/", "https://forms.example.org/s/?a=1",
                                    "https://forms.example.org/s/#top", "javascript:alert(1)"])
def test_public_url_must_be_an_http_address(sample_copy, public):
    result = CliRunner().invoke(main, ["serve", str(sample_copy), "--public-url", public])
    assert result.exit_code == 2
    assert "--public-url" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_public_path_must_be_the_base_url(sample_copy):
    result = CliRunner().invoke(main, ["serve", str(sample_copy), "--base-url", "/survey/",
                                       "--public-url", "https://forms.example.org/other/"])
    assert result.exit_code == 2 and "must end with the --base-url path '/survey/'" in result.output


def test_address_defaults():
    assert address("127.0.0.1", 8866) == address("127.0.0.1", 8866, "/")
    local = address("0.0.0.0", 9000, "/survey/")
    assert (local.base_url, local.public_url, local.proxied) == ("/survey/", "http://127.0.0.1:9000/survey/", False)
    public = address("127.0.0.1", 8866, None, "https://Forms.Example.org/survey")
    assert (public.base_url, public.public_url, public.proxied) == ("/survey/", "https://forms.example.org/survey/",
                                                                    True)
    assert public.public_host == "forms.example.org" and public.public_origin == "https://forms.example.org"
    assert address("::1", 8866).public_url == "http://[::1]:8866/"
    with pytest.raises(UserError):
        address("127.0.0.1", 8866, "/a/", "https://forms.example.org/")


def test_voila_gets_the_base_url(tmp_path):
    cmd = voila_command(8866, "127.0.0.1", tmp_path, "/survey/")
    assert "--Voila.base_url=/survey/" in cmd and cmd[1:3] == ["-m", "playbook.serve.app"]


def test_links_start_with_the_public_url(sample_copy):
    eng = load(sample_copy)
    url = links.link("https://forms.example.org/survey/", eng, "T" * 43)
    assert url.startswith("https://forms.example.org/survey/voila/render/respond.ipynb?e=")


# --- X-Forwarded-* -------------------------------------------------------------------------------------------------

class _Echo(RequestHandler):
    def get(self):
        r = self.request
        self.write({"protocol": r.protocol, "host": r.host, "host_header": r.headers.get("Host"),
                    "remote_ip": r.remote_ip, "url": r.full_url()})


@pytest.fixture(scope="module")
def echo_servers():
    """Two tiny tornado servers on 127.0.0.1: one that honours the proxy's headers (proxy.install), one that doesn't."""
    ports, ready, box = {}, threading.Event(), {}

    async def serve_both():
        box["loop"], box["stop"] = asyncio.get_running_loop(), asyncio.Event()
        for name in ("proxied", "direct"):
            app = Application([(r"/", _Echo)])
            if name == "proxied":
                proxy.install(app)
                proxy.install(app)  # twice is once
                assert app.transforms.count(proxy._Forwarded) == 1
            sock = bind_sockets(0, "127.0.0.1")
            HTTPServer(app).add_sockets(sock)
            ports[name] = sock[0].getsockname()[1]
        ready.set()
        await box["stop"].wait()

    thread = threading.Thread(target=asyncio.run, args=(serve_both(),), daemon=True)
    thread.start()
    assert ready.wait(10)
    yield ports
    box["loop"].call_soon_threadsafe(box["stop"].set)
    thread.join(10)


def _get(port, headers):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/", headers=headers)
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "forms.example.org",
             "X-Forwarded-For": "198.51.100.7, 203.0.113.9"}


def test_forwarded_headers_are_honoured_when_a_proxy_is_declared(echo_servers):
    seen = _get(echo_servers["proxied"], FORWARDED)
    assert seen["protocol"] == "https" and seen["host"] == "forms.example.org"
    assert seen["host_header"] == "forms.example.org"  # what the websocket origin check compares with
    assert seen["remote_ip"] == "203.0.113.9"  # the address the nearest proxy appended, not one the visitor chose
    assert seen["url"] == "https://forms.example.org/"


def test_forwarded_headers_are_ignored_without_a_proxy(echo_servers):
    seen = _get(echo_servers["direct"], FORWARDED)
    assert seen["protocol"] == "http" and seen["remote_ip"] == "127.0.0.1"
    assert seen["host"] == f"127.0.0.1:{echo_servers['direct']}"


@pytest.mark.parametrize("headers", [
    {"X-Forwarded-Proto": "gopher", "X-Forwarded-Host": "bad host/../x", "X-Forwarded-For": "not-an-ip"},
    {"X-Forwarded-Proto": "", "X-Forwarded-Host": "", "X-Forwarded-For": ""},
    {},
])
def test_malformed_forwarded_headers_change_nothing(echo_servers, headers):
    seen = _get(echo_servers["proxied"], headers)
    port = echo_servers["proxied"]
    assert (seen["protocol"], seen["host"], seen["remote_ip"]) == ("http", f"127.0.0.1:{port}", "127.0.0.1")


# --- nginx in front of playbook serve, a respondent in Chromium ----------------------------------------------------

def nginx_path() -> str:
    return system_tool("nginx", "nginx", extra_path="/usr/sbin:/usr/local/sbin")


def readme_proxy_config(upstream_port: int) -> tuple[str, str]:
    """The README's nginx lines between the ``playbook-proxy`` markers: (http-level block, location block)."""
    block = re.search(r"```nginx\n(.*?)```", README.read_text(encoding="utf-8"), re.S).group(1)
    parts = re.findall(r"# playbook-proxy: begin\n(.*?)# playbook-proxy: end", block, re.S)
    assert len(parts) == 2, "README: the nginx example must keep its two playbook-proxy blocks"
    http_part, location = parts
    assert "location /survey/" in location and "proxy_pass http://127.0.0.1:8866;" in location
    return http_part, location.replace("127.0.0.1:8866", f"127.0.0.1:{upstream_port}")


def nginx_conf(folder: Path, listen: int, upstream: int) -> Path:
    http_part, location = readme_proxy_config(upstream)
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""  # as root, workers would be 'nobody'
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};" for kind in
                     ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = f"""{user}daemon off;
master_process on;
worker_processes 1;
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} warn;
events {{ worker_connections 256; }}
http {{
    access_log {folder / 'links.log'} combined;
{temp}
    default_type application/octet-stream;
{http_part}
    server {{
        listen 127.0.0.1:{listen};
        server_name 127.0.0.1;
{location}
    }}
}}
"""
    path = folder / "nginx.conf"
    path.write_text(conf, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def through_nginx(tmp_path_factory):
    binary = nginx_path()
    root = tmp_path_factory.mktemp("online")
    people = [{"id": "mkt-lead", "name": "Mara Quill", "side": "marketing", "role": "leader"},
              {"id": "sls-1", "name": "Ivo Strand", "side": "sales", "role": "member"}]
    write_engagement(root / "acme", people, rows=[], id="acme", client="Acme Widgets")
    listen, upstream = free_port(), free_port()
    public = f"http://127.0.0.1:{listen}{PUBLIC_PATH}"
    folder = root / "nginx"
    folder.mkdir()
    conf = nginx_conf(folder, listen, upstream)
    check = subprocess.run([binary, "-t", "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(conf)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    nginx = subprocess.Popen([binary, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(conf)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        with served(root, "--base-url", PUBLIC_PATH, "--public-url", public, port=upstream) as (base, proc):
            _wait_for_nginx(nginx, listen, folder)
            yield {"root": root, "public": public, "direct": base, "proc": proc, "folder": folder}
    finally:
        nginx.terminate()
        try:
            nginx.wait(timeout=10)
        except subprocess.TimeoutExpired:
            nginx.kill()


def _wait_for_nginx(nginx, port, folder, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if nginx.poll() is not None:
            raise RuntimeError("nginx stopped: " + (folder / "error.log").read_text())
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return
        except urllib.error.HTTPError:  # nginx's own 404 outside /survey/: it is up
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("nginx did not start: " + (folder / "error.log").read_text())


def _answer(page, item, label):
    page.locator(f".pb-item-{item}").get_by_role("radio", name=label, exact=True).click()


@pytest.mark.browser
def test_a_respondent_fills_in_a_form_through_nginx(through_nginx, page):
    root, public = through_nginx["root"], through_nginx["public"]
    log = through_nginx["proc"].log_path.read_text()
    # Everything serve prints for people starts with the public address.
    assert f"on {public} " in log
    consultant_links = re.findall(r"https?://\S+[?&]c=\S+", log)
    assert consultant_links and all(u.startswith(public + "voila/render/") for u in consultant_links)

    eng = load(root / "acme")
    url = links.link(public, eng, links.issue(eng, "sls-1"))
    assert url.startswith(public)
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.goto(url, timeout=120_000)
    page.wait_for_selector(".pb-form.pb-connected", timeout=120_000)
    assert "Ivo Strand" in page.inner_text("body")
    # The page's socket goes through nginx, under the base path.
    ws_base = public.replace("http://", "ws://", 1) + "playbook/form/"
    assert any(u.startswith(ws_base) for u in sockets), sockets

    item = instruments()["SSE"].items[0]
    _answer(page, item.id, "Yes")
    deadline = time.monotonic() + 30
    stored = {}
    while time.monotonic() < deadline and item.id not in stored:
        with Store(root / "acme" / "answers.sqlite") as s:
            stored = {r["item"]: r["value"] for r in s.current(respondent="sls-1") if r["source"] == "form"}
        time.sleep(0.2)
    assert stored.get(item.id) == "yes"

    # nginx served the page and upgraded the websocket (101) under /survey/; it logs a websocket once it closes.
    page.close()
    upgraded = rf'"GET {PUBLIC_PATH}playbook/form/[A-Za-z0-9_-]+ HTTP/1\.1" 101'
    deadline = time.monotonic() + 15
    while not re.search(upgraded, access_log := (through_nginx["folder"] / "links.log").read_text()):
        assert time.monotonic() < deadline, access_log
        time.sleep(0.2)
    assert re.search(rf'"GET {PUBLIC_PATH}voila/render/respond\.ipynb\?e=acme&t=\S+ HTTP/1\.1" 200', access_log)


@pytest.mark.browser
def test_the_pages_live_under_the_base_path_only(through_nginx):
    direct = through_nginx["direct"]
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(direct + "/voila/render/respond.ipynb", timeout=10)
    assert err.value.code == 404


@pytest.mark.browser
def test_through_nginx_a_websocket_from_another_site_is_refused(through_nginx):
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    root, public = through_nginx["root"], through_nginx["public"]
    eng = load(root / "acme")
    page_url = links.link(public, eng, links.issue(eng, "mkt-lead"))
    with urllib.request.urlopen(page_url, timeout=120) as resp:
        html = resp.read().decode()
    socket = re.search(r"data-socket='([^']+)'", html).group(1)
    assert socket.startswith(PUBLIC_PATH)
    ws_url = public.replace("http://", "ws://", 1) + socket[len(PUBLIC_PATH):]
    origin = public.split(PUBLIC_PATH)[0]
    with pytest.raises(InvalidStatus) as refused:
        connect(ws_url, origin="https://evil.example", open_timeout=15).close()
    assert refused.value.response.status_code in (400, 403)
    with connect(ws_url, origin=origin, open_timeout=15) as ws:  # the public site itself, through the proxy
        assert ws.protocol.state.name == "OPEN"
