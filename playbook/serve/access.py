"""Personal links: random tokens, stored only as hashes.

A respondent's link carries ``?e=<engagement id>&t=<token>``; the store keeps
the SHA-256 of the token, so a copy of the database gives no working link.
The consultant's link carries ``c=<token>``: a fresh secret for each
``playbook serve``, whose hash reaches the kernels through the environment.
Everything from a query string is checked for shape before it touches the
filesystem or the database.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from urllib.parse import urlencode

from playbook.core.engagement import Engagement
from playbook.core.errors import UserError
from playbook.core.store import Store, now

TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
CONSULTANT_ENV = "PLAYBOOK_CONSULTANT_HASH"
RESPOND = "respond.ipynb"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def well_formed(token: object) -> bool:
    return isinstance(token, str) and bool(TOKEN.match(token))


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 43 characters, 256 bits


def _store(eng: Engagement) -> Store:
    return Store(eng.store_path)


def issue(eng: Engagement, respondent: str) -> str:
    if eng.respondent(respondent) is None:
        raise UserError(f"respondent '{respondent}' is not in {eng.path / 'engagement.yaml'}; known respondents: "
                        f"{', '.join(eng.by_id)}.")
    token = new_token()
    with _store(eng) as store, store.transaction() as c:
        c.execute("INSERT INTO tokens (token_hash, respondent, created_at) VALUES (?, ?, ?)",
                  (digest(token), respondent, now()))
    return token


def revoke(eng: Engagement, respondent: str) -> int:
    if eng.respondent(respondent) is None:
        raise UserError(f"respondent '{respondent}' is not in {eng.path / 'engagement.yaml'}.")
    with _store(eng) as store, store.transaction() as c:
        cur = c.execute("UPDATE tokens SET revoked_at = ? WHERE respondent = ? AND revoked_at IS NULL",
                        (now(), respondent))
        return cur.rowcount


def respondent_for(eng: Engagement, token: object) -> str | None:
    """The respondent a token belongs to, or None (malformed, unknown or revoked)."""
    if not well_formed(token) or not eng.store_path.is_file():
        return None
    with _store(eng) as store:
        row = store.connection.execute(
            "SELECT respondent FROM tokens WHERE token_hash = ? AND revoked_at IS NULL", (digest(token),)
        ).fetchone()
    if row is None or eng.respondent(row[0]) is None:
        return None
    return row[0]


def consultant_ok(token: object) -> bool:
    expected = os.environ.get(CONSULTANT_ENV, "")
    if not expected or not well_formed(token):
        return False
    return hmac.compare_digest(digest(token), expected)


def link(base_url: str, eng: Engagement, token: str, notebook: str = RESPOND, key: str = "t") -> str:
    return f"{base_url.rstrip('/')}/voila/render/{notebook}?{urlencode({'e': eng.id, key: token})}"
