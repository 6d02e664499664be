"""``playbook invite``: personal links for respondents and consultants: one at a time, mailed (``--send``), for a
mail merge, or as reminders.

Only a hash of each link is stored, so a link is shown once: the CSVs that hold
links (``invites.csv``, the reminders) are written for the owner only (mode 0600),
and a reminder is a new link (earlier ones keep working until revoked or expired).
``--send`` mails each respondent their own link through the firm's SMTP server
(``outreach/sending.py``), once: sending again without ``--resend`` sends nobody twice.

Links start with ``--public-url``, else the firm's ``public_url`` (firm.yaml), else this
machine's ``playbook serve`` address, which opens only here: the output says so, and
mails are never sent with it.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from playbook.core.engagement import Engagement, load
from playbook.core.errors import UserError
from playbook.core.files import private_csv
from playbook.outreach import links
from playbook.outreach.urls import address

LOCAL_PORT = 8866
INVITES = "invites.csv"
REMINDERS = "reminders.csv"


@dataclass
class Request:
    """What ``playbook invite`` was asked to do (the command line's options)."""

    respondent: str | None = None
    public_url: str | None = None
    base_url: str | None = None
    revoke: bool = False
    everyone: bool = False
    csv_path: Path | None = None
    consultant: str | None = None
    expires: str | int | None = None
    remind: bool = False
    wave: str | None = None
    send: bool = False
    resend: bool = False


class Base(NamedTuple):
    """Where links start, and whether that is only this machine's default address (nothing public given)."""

    url: str
    local_default: bool


def links_base(public_url: str | None, base_url: str | None) -> str:
    """Where links start: ``--public-url`` (its path the ``--base-url``), else this machine's ``serve``."""
    if base_url is not None and "://" in base_url:
        raise UserError(f"--base-url {base_url!r} is the path the pages live under, such as /survey/; give the "
                        "whole public address with --public-url, such as --public-url https://forms.example.org/.")
    return address("127.0.0.1", LOCAL_PORT, base_url, public_url).public_url


def base_for(eng: Engagement, public_url: str | None, base_url: str | None) -> Base:
    """``--public-url``, else the firm's ``public_url``, else this machine's default address (flagged)."""
    firm_url = eng.firm.public_url if eng.firm is not None else ""
    given = public_url or (firm_url if base_url is None else None) or None
    return Base(links_base(given, base_url), not given)


def local_note(base: Base) -> list[str]:
    """One line when links were made for this machine's default address."""
    if not base.local_default:
        return []
    return [f"note: these links start with {base.url}, which opens only on this machine while 'playbook serve' "
            "runs here; for links people can open elsewhere give --public-url, or set public_url in firm.yaml."]


def csv_target(given: Path | None, default: Path) -> Path:
    target = Path(given) if given else default
    if not target.parent.is_dir():
        raise UserError(f"--csv {target}: the folder {target.parent} does not exist.")
    if target.is_dir():
        raise UserError(f"--csv {target} is a folder; give a file name such as {target / default.name}.")
    return target


def _check_combination(req: Request) -> None:
    modes = [name for name, on in (("RESPONDENT", req.respondent), ("--all", req.everyone),
                                   ("--consultant", req.consultant is not None), ("--remind", req.remind)) if on]
    if len(modes) != 1:
        raise UserError("give one of RESPONDENT (see engagement.yaml), --all, --consultant NAME or --remind"
                        + (f" (not {' and '.join(modes)} together)." if modes else "."))
    if req.revoke and (req.everyone or req.remind):
        raise UserError("--revoke ends the links of one RESPONDENT or one --consultant NAME.")
    if req.revoke and req.expires is not None:
        raise UserError("--expires sets how long new links last; it does not go with --revoke.")
    if req.csv_path is not None and not (req.everyone or req.remind):
        raise UserError("--csv goes with --all or --remind.")
    if req.wave is not None and not req.remind:
        raise UserError("--wave goes with --remind (status takes it too: playbook status DIR --wave W).")
    if req.send and not (req.respondent or req.everyone) or req.send and req.revoke:
        raise UserError("--send mails links to one RESPONDENT or to --all (reminders: playbook remind DIR --send).")
    if req.send and req.csv_path is not None:
        raise UserError("--csv writes links for a mail merge; with --send the links go by mail instead: give one.")
    if req.resend and not req.send:
        raise UserError("--resend goes with --send: it mails again those who had their invitation already.")


def invite(directory: Path, req: Request) -> list[str]:
    """Do what ``req`` asks; return the lines to print. Every check comes before anything is written."""
    _check_combination(req)
    days = links.expiry_days(req.expires)
    links_base(req.public_url, req.base_url)  # the options checked before anything is read
    if req.consultant is not None:
        links.check_name(req.consultant)
    eng = load(directory)
    found = base_for(eng, req.public_url, req.base_url)
    base = found.url
    if req.send:
        return _send(eng, found, days, req)
    if req.everyone:
        return _everyone(eng, base, days, csv_target(req.csv_path, eng.path / INVITES)) + local_note(found)
    if req.remind:
        return _remind(eng, base, days, req.wave or eng.period, req.csv_path) + local_note(found)
    if req.consultant is not None:
        return _consultant(eng, base, req.consultant, days, req.revoke) + ([] if req.revoke else local_note(found))
    if req.revoke:
        n = links.revoke(eng, req.respondent)
        return [f"Revoked {n} link(s) of {req.respondent}; they now show 'this link is not valid'."]
    if eng.respondent(req.respondent) is None:
        raise links.unknown(eng, req.respondent)
    return local_note(found) + [links.link(base, eng, links.issue(eng, req.respondent, days))]


def mail_base(eng: Engagement, base: Base) -> None:
    """Mails need links people can open: a UserError (nothing sent) for this machine's default address."""
    if base.local_default:
        raise UserError(f"mails need links people can open from their own computers, and {base.url} opens only on "
                        "this machine: give --public-url (the address 'playbook serve' is reached at), or set "
                        f"public_url in the firm's profile. Nothing was sent to the respondents of '{eng.id}'.")


def _send(eng: Engagement, base: Base, days: int | None, req: Request) -> list[str]:
    from playbook.outreach import letters, sending
    from playbook.outreach.mail import settings_for

    if req.respondent and eng.respondent(req.respondent) is None:
        raise links.unknown(eng, req.respondent)
    mail_base(eng, base)
    mail = settings_for(eng.firm, eng.path.parent)
    people = eng.respondents if req.everyone else [eng.respondent(req.respondent)]
    outcome = sending.deliver(eng, people, base.url, mail, letters.INVITATION, eng.period, eng.wave().deadline,
                              again=req.resend, expires=days)
    hint = f"; to send theirs again: playbook invite {shlex.quote(str(eng.path))} " \
           f"{'--all' if req.everyone else shlex.quote(req.respondent)} --send --resend"
    return outcome.lines("invitation", hint)


def _lasting(days: int | None) -> str:
    return f"valid for {days} day(s)" if days else "valid until revoked"


def _everyone(eng: Engagement, base: str, days: int | None, target: Path) -> list[str]:
    rows = [(p.id, p.name, p.email, p.side, p.role, links.link(base, eng, links.issue(eng, p.id, days)))
            for p in eng.respondents]
    private_csv(target, ["respondent", "name", "email", "side", "role", "link"], rows)
    return [f"Wrote {len(rows)} personal links ({_lasting(days)}) to {target}, readable by you only. Treat it like "
            "a password list: each link opens that person's form."]


def _remind(eng: Engagement, base: str, days: int | None, wave: str, csv_path: Path | None) -> list[str]:
    from playbook.outreach import status

    target = csv_target(csv_path, eng.path / REMINDERS)
    table = status.table(eng, wave)
    if not any(r.links for r in table.rows):
        raise UserError(f"no links have been issued for engagement '{eng.id}' yet, so there is no one to remind; "
                        f"send the first invitations with: playbook invite {shlex.quote(str(eng.path))} --all")
    pending = [r for r in table.rows if not r.submitted_at]
    rows = [(r.name, links.link(base, eng, links.issue(eng, r.id, days)), r.answered_text) for r in pending]
    private_csv(target, ["name", "link", "answered"], rows)
    return [f"Wrote {len(rows)} reminder(s) for wave {wave} to {target}, readable by you only "
            f"({len(table.rows) - len(rows)} of {len(table.rows)} respondents have submitted).",
            "Each reminder carries a new link (only hashes of links are stored, so an earlier link cannot be shown "
            f"again); earlier links keep working until revoked or expired. New links are {_lasting(days)}."]


def _consultant(eng: Engagement, base: str, name: str, days: int | None, revoke: bool) -> list[str]:
    from playbook.serve.server import CONSULTANT_VIEWS

    if revoke:
        n = links.revoke_consultant(eng, name)
        return [f"Revoked {n} consultant link(s) of {links.check_name(name)}; they now show 'this link is not valid'."]
    token = links.issue_consultant(eng, name, days)
    lines = [f"Consultant links for {links.check_name(name)} ({_lasting(days)}, across server restarts). They are "
             "shown only now: keep them private; end them with: "
             f"playbook invite {shlex.quote(str(eng.path))} --revoke --consultant {shlex.quote(name.strip())}"]
    lines += [f"  {title:<22} {links.link(base, eng, token, nb, key='c')}" for title, nb in CONSULTANT_VIEWS]
    return lines


def remind_lines(directory: Path, send: bool, wave: str | None = None, public_url: str | None = None,
                 base_url: str | None = None) -> list[str]:
    """``playbook remind``: who is due the reminder, and with ``send`` mail it; the lines to print."""
    from playbook.core import waves
    from playbook.outreach import reminders
    from playbook.outreach.mail import settings_for

    links_base(public_url, base_url)
    eng = load(directory)
    wave = wave or eng.period
    deadline = eng.wave(wave).deadline
    if deadline is None:
        raise UserError(f"wave {wave} of '{eng.id}' has no deadline, so no reminder is due: add it to "
                        f"{eng.path / 'engagement.yaml'} as waves: {{{wave}: {{deadline: YYYY-MM-DD}}}}.")
    found = base_for(eng, public_url, base_url)
    if send:  # every check before anything is sent
        mail_base(eng, found)
        mail = settings_for(eng.firm, eng.path.parent)
    p = reminders.plan(eng, wave)
    if p.days is None:
        closed = waves.closed(eng, wave)
        return [f"Wave {wave} closed after {closed}; no reminder is sent after the deadline." if closed else
                f"No reminder is due yet for wave {wave}: they go {', '.join(map(str, eng.reminders(wave)))} day(s) "
                f"before the deadline ({deadline})." if eng.reminders(wave) else
                f"Wave {wave} has no reminders (settings.reminders is empty)."]
    if not send:
        with_address = [x for x in p.people if x.email]
        return [f"Due: {reminders.when_text(p)}, for {len(p.people)} respondent(s) who have not submitted "
                f"({len(with_address)} with a mail address): {', '.join(x.name for x in p.people) or 'nobody'}.",
                f"Send it with: playbook remind {shlex.quote(str(eng.path))} --send"]
    plan, outcome = reminders.send_due(eng, found.url, mail, wave)
    return [f"Wave {wave}, {reminders.when_text(plan)}:", *outcome.lines("reminder")]
