"""``playbook share``: a read-only link to the client's interactive report, for the client's executives.

The link (``?e=<id>&v=<token>``) opens only the report page, built from the
engagement's latest run (``playbook.run.latest``), so a run must come first. Like
every link, only its hash is stored: it is shown once, it may expire
(``--expires DAYS``), and ``--revoke`` ends every viewer link of the engagement.
The address options are ``invite``'s (``--public-url``, ``--base-url``).
"""

from __future__ import annotations

import shlex
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playbook.core.engagement import load
from playbook.core.errors import UserError
from playbook.outreach import links
from playbook.outreach.invitations import base_for, links_base, local_note
from playbook.run import latest


def _valid_for(days: int | None) -> str:
    if days is None:
        return "It is valid until you revoke it."
    until = (datetime.now(UTC) + timedelta(days=days)).date().isoformat()
    return f"It is valid for {days} day(s), until {until}."


def share(directory: Path, public_url: str | None = None, base_url: str | None = None,
          expires: str | int | None = None, revoke: bool = False) -> list[str]:
    """Issue a viewer link (or, with ``revoke``, end them all); the lines to print, the link last.

    Every check (options, engagement, a run to show) comes before anything is written.
    """
    if revoke and expires is not None:
        raise UserError("--expires sets how long a new link lasts; it does not go with --revoke.")
    days = links.expiry_days(expires)
    links_base(public_url, base_url)  # the options checked before anything is read
    eng = load(directory)
    found = base_for(eng, public_url, base_url)
    base = found.url
    again = f"playbook share {shlex.quote(str(eng.path))}"
    if revoke:
        n = links.revoke_viewers(eng)
        return [f"Revoked {n} viewer link(s) to {eng.client}'s report; they now show 'this link is not valid'. "
                f"A new one: {again}"]
    out = latest.require(eng)
    token = links.issue_viewer(eng, days)
    return [f"A link to {eng.client}'s interactive report, for the client's executives: the results of the latest "
            f"run ({out}), read-only, with no forms and no individual answers or comments.",
            f"{_valid_for(days)} It opens while 'playbook serve' runs for this engagement at that address. It is "
            "shown only now (only a hash of it is kept): send it to the people it is meant for.",
            f"To end every viewer link of this engagement: {again} --revoke",
            *local_note(found),
            links.link(base, eng, token, links.REPORT, key="v")]
