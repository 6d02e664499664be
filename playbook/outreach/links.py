"""Personal links: random tokens, stored only as hashes; the one place that decides who may open a page.

A respondent's link carries ``?e=<engagement id>&t=<token>``; the store keeps
the SHA-256 of the token, so a copy of the database gives no working link.
A consultant's link carries ``c=<token>``: either a lasting token issued by
``playbook invite DIR --consultant NAME`` (stored hashed like respondents' ones,
revocable, valid across server restarts), or the per-session secret printed by
``playbook serve``, whose hash reaches the server through the environment.
A viewer's link (``playbook share DIR``) carries ``v=<token>``, stored hashed the
same way, and opens only the client's report (``report.ipynb``), read-only.
Any link may expire (``--expires DAYS``).

``check(eng, query)`` is the one decision: a ``Visitor`` (who, of which kind) or a
``Refusal`` (invalid, expired or revoked, with the words to show). Everything from
a query string is checked for shape before it touches the filesystem or the
database. ``opened`` records the first time a link was used.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from playbook.core.engagement import Engagement, is_slug
from playbook.core.errors import UserError
from playbook.core.store import Store, now, open_store

TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
CONSULTANT_ENV = "PLAYBOOK_CONSULTANT_HASH"
RESPOND = "respond.ipynb"
REPORT = "report.ipynb"  # the client's interactive report
RESPONDENT, CONSULTANT, VIEWER = "respondent", "consultant", "viewer"
INVALID, EXPIRED, REVOKED = "invalid", "expired", "revoked"
# The pages the server serves: a respondent's form and the interactive report (with the consultant's tools for
# consultants). A respondent's link opens only their form; a viewer's only the report; a consultant's both.
PAGES = frozenset({RESPOND, REPORT})
RESPONDENT_PAGES = frozenset({RESPOND})
VIEWER_PAGES = frozenset({REPORT})
# The query key that carries each kind's token.
KEYS = {"t": RESPONDENT, "c": CONSULTANT, "v": VIEWER}
NAME_MAX = 80
MAX_DAYS = 3650

INVALID_TEXT = "This link is not valid. Please check the address you were sent, or ask {consultant} for a new link."
EXPIRED_TEXT = "This link has expired; ask {consultant} for a new one."


@dataclass(frozen=True)
class Visitor:
    """Someone a link admits. ``respondent``: a respondent's own id, or the form a consultant opens (``r``)."""

    kind: str  # respondent | consultant | viewer
    respondent: str = ""  # "" for a viewer
    name: str = ""  # the respondent's name, or the consultant's ("" for the per-session link and viewers)
    token_hash: str = ""  # "" for the per-session consultant link (nothing stored)

    @property
    def consultant(self) -> bool:
        return self.kind == CONSULTANT

    @property
    def viewer(self) -> bool:
        return self.kind == VIEWER


@dataclass(frozen=True)
class Refusal:
    """A link that opens nothing: ``reason`` is invalid, expired or revoked; ``message`` is for the visitor."""

    reason: str
    message: str


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def well_formed(token: object) -> bool:
    return isinstance(token, str) and bool(TOKEN.match(token))


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 43 characters, 256 bits


def consultant_name(eng: Engagement | None) -> str:
    """Who a visitor should ask for a new link: engagement.yaml's consultant, else "your consultant"."""
    return (eng.consultant if eng is not None else "") or "your consultant"


def refusal(eng: Engagement | None, reason: str = INVALID) -> Refusal:
    """The refusal for ``reason``, worded for the visitor (a revoked link reads like any link that is not valid)."""
    text = EXPIRED_TEXT if reason == EXPIRED else INVALID_TEXT
    return Refusal(reason, text.format(consultant=consultant_name(eng)))


def expiry_days(value: object) -> int | None:
    """``--expires``: None, or a whole number of days from 1 to 3650 (text such as "14" is accepted)."""
    if value is None:
        return None
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_DAYS:
        raise UserError(f"--expires {value!r} must be a whole number of days from 1 to {MAX_DAYS}, such as 14.")
    return int(text)


def _expires_at(days: int | None) -> str | None:
    days = expiry_days(days)
    return None if days is None else (datetime.now(UTC) + timedelta(days=days)).isoformat(timespec="microseconds")


def _store(eng: Engagement) -> Store:
    return open_store(eng)


def unknown(eng: Engagement, respondent: str) -> UserError:
    return UserError(f"respondent '{respondent}' is not in {eng.path / 'engagement.yaml'}; known respondents: "
                     f"{', '.join(eng.by_id)}.")


def issue(eng: Engagement, respondent: str, expires_days: int | None = None) -> str:
    """A new link for ``respondent`` (their earlier links keep working); only its hash is stored."""
    if eng.respondent(respondent) is None:
        raise unknown(eng, respondent)
    expires = _expires_at(expires_days)
    token = new_token()
    with _store(eng) as store:
        store.add_token(digest(token), respondent, RESPONDENT, expires_at=expires)
    return token


def check_name(name: object) -> str:
    """A consultant's name for ``--consultant``: one line of text, 1 to 80 characters."""
    text = name.strip() if isinstance(name, str) else ""
    if not text or len(text) > NAME_MAX or any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise UserError(f"--consultant {name!r} must be a name of 1 to {NAME_MAX} characters on one line, "
                        "such as 'Ana Ruiz'.")
    return text


def issue_consultant(eng: Engagement, name: str, expires_days: int | None = None) -> str:
    """A lasting consultant token for ``name`` (stored hashed; revoke with ``revoke_consultant``)."""
    name = check_name(name)
    expires = _expires_at(expires_days)
    token = new_token()
    with _store(eng) as store:
        store.add_token(digest(token), "", CONSULTANT, name=name, expires_at=expires)
    return token


def revoke(eng: Engagement, respondent: str) -> int:
    if eng.respondent(respondent) is None:
        raise UserError(f"respondent '{respondent}' is not in {eng.path / 'engagement.yaml'}.")
    with _store(eng) as store:
        return store.revoke_tokens(RESPONDENT, respondent=respondent)


def revoke_consultant(eng: Engagement, name: str) -> int:
    """End every link of consultant ``name``; a name with no live link is a clear error naming those that have."""
    name = check_name(name)
    with _store(eng) as store:
        count = store.revoke_tokens(CONSULTANT, name=name)
        if count:
            return count
        names = sorted({r["name"] for r in store.tokens() if r["kind"] == CONSULTANT and r["revoked_at"] is None})
    raise UserError(f"no consultant link named {name!r} to revoke; consultants with links: "
                    f"{', '.join(names) or 'none'}.")


def issue_viewer(eng: Engagement, expires_days: int | None = None) -> str:
    """A new viewer link's token for the client's report (only its hash is stored; earlier ones keep working)."""
    expires = _expires_at(expires_days)
    token = new_token()
    with _store(eng) as store:
        store.add_token(digest(token), "", VIEWER, expires_at=expires)
    return token


def revoke_viewers(eng: Engagement) -> int:
    """End every live viewer link of ``eng``; how many were."""
    with _store(eng) as store:
        return store.revoke_tokens(VIEWER, respondent="")


def _session_consultant(token: str) -> bool:
    expected = os.environ.get(CONSULTANT_ENV, "")
    return bool(expected) and hmac.compare_digest(digest(token), expected)


def _stored(eng: Engagement, token_hash: str) -> dict | None:
    with open_store(eng, read_only=True) as store:  # reading only: a store not there yet holds no link
        return store.token(token_hash)


def _after(at: datetime, stamp: str | None) -> bool:
    return stamp is not None and at >= datetime.fromisoformat(stamp)


def _link_token(query: Mapping[str, str]) -> tuple[str, str] | None:
    """The link's (kind, token): exactly one of ``t``, ``c`` or ``v``, well formed; else None."""
    given = [(kind, query.get(key, "")) for key, kind in KEYS.items() if query.get(key, "")]
    if len(given) != 1 or not well_formed(given[0][1]):
        return None
    return given[0]


def opens(kind: str, page: str | None) -> bool:
    """Whether a link of ``kind`` may open ``page`` (a notebook name; None: no page named)."""
    allowed = {RESPONDENT: RESPONDENT_PAGES, VIEWER: VIEWER_PAGES}.get(kind, PAGES)
    return page is None or page in allowed


def check(eng: Engagement, query: Mapping[str, str], page: str | None = None,
          at: datetime | None = None) -> Visitor | Refusal:
    """Who the link in ``query`` admits to engagement ``eng`` (on ``page``, a notebook name, when given).

    ``query`` holds the link's parameters: ``e`` (must be ``eng``'s id), then exactly
    one of ``t`` (a respondent's token), ``c`` (a consultant's token, with ``r`` to
    open one respondent's form) or ``v`` (a viewer's token). A respondent's link opens
    only their own form pages (``RESPONDENT_PAGES``), a viewer's only the client's
    report (``VIEWER_PAGES``), a consultant's every page. ``at`` (default now) decides expiry.
    """
    at = at or datetime.now(UTC)
    found = _link_token(query) if query.get("e") == eng.id else None
    if found is None or not opens(found[0], page):
        return refusal(eng)
    kind, token = found
    rid = query.get("r", "")
    if kind == CONSULTANT and rid and (not is_slug(rid) or eng.respondent(rid) is None):
        return refusal(eng)
    if kind == CONSULTANT and _session_consultant(token):
        return Visitor(CONSULTANT, rid)
    token_hash = digest(token)
    row = _stored(eng, token_hash)
    if row is None or row["kind"] != kind:
        return refusal(eng)
    if row["revoked_at"] is not None:
        return refusal(eng, REVOKED)
    if _after(at, row["expires_at"]):
        return refusal(eng, EXPIRED)
    if kind == CONSULTANT:
        return Visitor(CONSULTANT, rid, row["name"], token_hash)
    if kind == VIEWER:
        return Visitor(VIEWER, "", "", token_hash)
    person = eng.respondent(row["respondent"])
    if person is None:  # removed from engagement.yaml since the link was issued
        return refusal(eng)
    return Visitor(RESPONDENT, person.id, person.name, token_hash)


def opened(eng: Engagement, token_hash: str, at: str | None = None) -> bool:
    """Record the first time a stored link was used (call once per admitted visit); True the first time."""
    if not token_hash:
        return False
    with open_store(eng, read_only=True) as store:
        seen = store.token(token_hash)
    if seen is None or seen["first_opened_at"] is not None:  # every later visit reads only: no write lock taken
        return False
    with _store(eng) as store:
        return store.mark_opened(token_hash, at or now())


def live(row: Mapping[str, object], at: datetime | None = None) -> bool:
    """Whether a stored link (a row of ``Store.tokens()``) still opens its page."""
    return row.get("revoked_at") is None and not _after(at or datetime.now(UTC), row.get("expires_at"))


def respondent_for(eng: Engagement, token: object) -> str | None:
    """The respondent a token belongs to, or None (malformed, unknown, revoked or expired)."""
    if not well_formed(token):
        return None
    found = check(eng, {"e": eng.id, "t": token})
    return found.respondent if isinstance(found, Visitor) else None


def consultant_ok(token: object) -> bool:
    """Whether ``token`` is this server session's consultant secret (lasting tokens need ``check``)."""
    return well_formed(token) and _session_consultant(token)


def link(base_url: str, eng: Engagement, token: str, notebook: str = RESPOND, key: str = "t") -> str:
    return f"{base_url.rstrip('/')}/voila/render/{notebook}?{urlencode({'e': eng.id, key: token})}"
