"""Mailing respondents their links, and recording it: the one loop behind invitations and reminders.

For each respondent: no address, nothing sent; else the mail is *claimed* in the store (one row per
respondent, wave and mail, unique: of two servers sharing a database, one gets it), a new personal link
is issued (only its hash is stored, so every mail carries a new one), the mail is sent, and the row
records how it went. A mail that failed is never marked sent, and its link is revoked (nobody got it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from playbook.core.engagement import Engagement, Respondent
from playbook.core.firm import Mail
from playbook.core.store import now, open_store
from playbook.outreach import letters, links
from playbook.outreach.mail import MailError, Outbox

STALE_CLAIM = timedelta(minutes=15)  # a claim older than this was left by a sender that stopped mid-way


@dataclass
class Outcome:
    """Who was sent a mail, who has no address, who failed (with the reason), who had it already."""

    sent: list[Respondent] = field(default_factory=list)
    no_address: list[Respondent] = field(default_factory=list)
    failed: list[tuple[Respondent, str]] = field(default_factory=list)
    already: list[Respondent] = field(default_factory=list)

    def lines(self, what: str, again_hint: str = "") -> list[str]:
        """What happened, for the consultant (English: the command line)."""
        out = []
        if self.sent:
            out.append(f"Sent {len(self.sent)} {what}(s): {_names(self.sent)}.")
        if self.already:
            out.append(f"Not sent again ({len(self.already)} had theirs already{again_hint}): "
                       f"{_names(self.already)}.")
        if self.no_address:
            out.append(f"No mail address for {len(self.no_address)}: {_names(self.no_address)} (add 'email:' to "
                       "them in engagement.yaml, or send their links yourself: playbook invite DIR RESPONDENT).")
        for person, why in self.failed:
            out.append(f"Failed for {person.name} <{person.email}>: {why}. Not marked as sent.")
        if not out:
            out.append(f"No {what} to send.")
        return out


def _names(people: list[Respondent]) -> str:
    return ", ".join(p.name for p in people)


def deliver(eng: Engagement, people: list[Respondent], base_url: str, mail: Mail, kind: str, wave: str,
            deadline: date | None, *, days: int = 0, again: bool = False, expires: int | None = None,
            answered: Callable[[str], tuple[int, int]] | None = None, retry_after: timedelta = timedelta(0),
            outbox: Outbox | None = None) -> Outcome:
    """Mail each of ``people`` their link (``kind``: invitation, or the reminder ``days`` before the deadline).

    ``again``: send even to those who had it (``--resend``); ``retry_after``: how long after a failure the same
    mail may be tried again (the server waits an hour; a command tries at once).
    """
    out = Outcome()
    at = datetime.now(UTC)
    stale, retry = (at - STALE_CLAIM).isoformat(timespec="microseconds"), (at - retry_after).isoformat(
        timespec="microseconds")
    own = outbox is None
    box = outbox or Outbox(mail)
    try:
        for person in people:
            if not person.email:
                out.no_address.append(person)
                continue
            with open_store(eng) as store:
                mine = store.claim_mailing(person.id, wave, kind, days, person.email, stale_before=stale,
                                           retry_before=retry, again=again)
            if not mine:
                out.already.append(person)
                continue
            error = _send_one(eng, person, base_url, mail, kind, deadline, expires, answered, box)
            with open_store(eng) as store:
                store.finish_mailing(person.id, wave, kind, days, error)
            (out.failed.append((person, error)) if error else out.sent.append(person))
    finally:
        if own:
            box.close()
    return out


def _send_one(eng: Engagement, person: Respondent, base_url: str, mail: Mail, kind: str, deadline: date | None,
              expires: int | None, answered: Callable[[str], tuple[int, int]] | None, box: Outbox) -> str:
    """Issue a link and send it; "" when sent, else the reason (and the link is revoked: nobody has it)."""
    token = links.issue(eng, person.id, expires)
    try:
        msg = letters.compose(eng, person, links.link(base_url, eng, token), mail, kind, deadline,
                              answered(person.id) if answered else None)
        box.send(msg)
    except MailError as exc:
        with open_store(eng) as store:
            store.set_token(links.digest(token), revoked_at=now())
        return str(exc)
    return ""
