"""Where the server is reached: its path prefix (``--base-url``) and its public address (``--public-url``).

Behind a reverse proxy the browser sees ``https://forms.example.org/survey/`` while
``playbook serve`` listens on ``http://127.0.0.1:8866/survey/``. The pages' own
links (scripts, styles, the kernel's websocket) are built from the path prefix, so
the public address must end in that same path: the proxy passes paths through
unchanged. Links given to people (printed by ``serve``, written by ``invite``) start
with the public address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from playbook.core.errors import UserError

_PATH = re.compile(r"^/(?:[A-Za-z0-9._~-]+/)*$")
# Set by ``playbook serve --public-url`` for the server process: a reverse proxy is declared, so its
# X-Forwarded-* headers are honoured (``proxy.py``).
PUBLIC_URL_ENV = "PLAYBOOK_PUBLIC_URL"


def base_path(value: str) -> str:
    """A ``--base-url`` such as ``/survey/``: starts and ends with ``/``; plain path segments only."""
    if not isinstance(value, str) or not value.startswith("/") or not value.endswith("/"):
        raise UserError(f"--base-url {value!r} must start and end with '/', such as /survey/.")
    if not _PATH.match(value):
        raise UserError(f"--base-url {value!r} must be a plain path such as /survey/ (letters, digits, '.', '_', "
                        "'-', '~' between the slashes; no '//', '..', query or fragment).")
    if any(seg in (".", "..") for seg in value.split("/")):
        raise UserError(f"--base-url {value!r} must not hold '.' or '..' segments.")
    return value


def public_url(value: str) -> str:
    """A ``--public-url`` such as ``https://forms.example.org/survey/``, returned ending with ``/``."""
    try:
        parts = urlsplit(value.strip()) if isinstance(value, str) else None
        if parts is not None:
            parts.port  # noqa: B018 -- raises ValueError on a port that is not a number
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(f"--public-url {value!r} must be an http(s) address such as https://forms.example.org/survey/.")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise UserError(f"--public-url {value!r} must not carry a user name, password, query or fragment.")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    if not _PATH.match(path) or any(seg in (".", "..") for seg in path.split("/")):
        raise UserError(f"--public-url {value!r}: its path must be plain, such as /survey/ (no '//' or '..').")
    return f"{parts.scheme}://{parts.netloc.lower()}{path}"


@dataclass(frozen=True)
class Address:
    """The server's path prefix and the address people's links start with (ends with the prefix)."""

    base_url: str
    public_url: str
    proxied: bool = False  # a --public-url was given: a reverse proxy stands in front

    @property
    def public_host(self) -> str:
        """``host[:port]`` of the public address, as browsers send it in ``Host`` and ``Origin``."""
        return urlsplit(self.public_url).netloc

    @property
    def public_origin(self) -> str:
        parts = urlsplit(self.public_url)
        return f"{parts.scheme}://{parts.netloc}"


def address(host: str, port: int, base_url: str | None = None, public: str | None = None) -> Address:
    """Check ``--base-url`` and ``--public-url`` together.

    Without ``--public-url`` links point at the server itself (``127.0.0.1`` when it
    listens on every address). Without ``--base-url`` the prefix is the public
    address's path. Given both, the public path must be the prefix.
    """
    base = base_path(base_url) if base_url is not None else None
    if public is None:
        local = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        local = f"[{local}]" if ":" in local else local
        base = base or "/"
        return Address(base, f"http://{local}:{port}{base}")
    pub = public_url(public)
    path = urlsplit(pub).path
    if base is None:
        base = path
    elif path != base:
        raise UserError(f"--public-url {public!r} must end with the --base-url path {base!r}: the reverse proxy "
                        "passes the path through unchanged (see the README, 'Putting it online').")
    return Address(base, pub, proxied=True)
