"""Requests that come through a reverse proxy: ``X-Forwarded-Proto``, ``-Host`` and ``-For``.

Behind nginx (README, "Putting it online") every request reaches the server from
the proxy's address, over plain http. The proxy says what the visitor used: the
scheme (``X-Forwarded-Proto``), the host name (``X-Forwarded-Host``) and the
visitor's address (the last entry of ``X-Forwarded-For``, the one the proxy
appended). These headers are honoured only when ``playbook serve`` was given a
``--public-url`` (a proxy is declared) and only as the proxy sets them; the
server's own port must then be reachable by the proxy alone, which is why the
README binds it to 127.0.0.1. Without ``--public-url`` they are ignored, so a
visitor cannot pick their own address to dodge the per-address limits.

The rewrite happens before any handler runs (a tornado ``OutputTransform`` is
created for each request before the handler's ``prepare``), so every check and
log line sees the visitor's scheme, host and address.
"""

from __future__ import annotations

import re

from tornado import httputil, netutil
from tornado.web import Application, OutputTransform

_HOST = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$")


def _last(value: str | None) -> str:
    """The last comma-separated entry: the one the nearest proxy wrote."""
    return value.split(",")[-1].strip() if value else ""


def apply_forwarded(request) -> None:
    """Rewrite a tornado request's protocol, host and remote address from the proxy's headers."""
    headers = request.headers
    proto = _last(headers.get("X-Forwarded-Proto")).lower()
    if proto in ("http", "https"):
        request.protocol = proto
    host = _last(headers.get("X-Forwarded-Host"))
    if host and _HOST.match(host):
        request.host = host.lower()
        request.host_name = httputil.split_host_and_port(request.host)[0]
        headers["Host"] = request.host  # Jupyter Server's origin check compares Origin with this header
    ip = _last(headers.get("X-Forwarded-For"))
    if ip and netutil.is_valid_ip(ip):
        request.remote_ip = ip


class _Forwarded(OutputTransform):
    def __init__(self, request) -> None:
        apply_forwarded(request)
        super().__init__(request)


def install(app: Application) -> None:
    """Honour the proxy's headers on every request of ``app`` (call once, when a proxy is declared)."""
    if _Forwarded not in app.transforms:
        app.add_transform(_Forwarded)
