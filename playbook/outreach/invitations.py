"""``playbook invite``: personal links for respondents and consultants, one at a time, for a mail merge, or as reminders.

Only a hash of each link is stored, so a link is shown once: the CSVs that hold
links (``invites.csv``, the reminders) are written for the owner only (mode 0600),
and a reminder is a new link (earlier ones keep working until revoked or expired).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

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


def links_base(public_url: str | None, base_url: str | None) -> str:
    """Where links start: ``--public-url`` (its path the ``--base-url``), else this machine's ``serve``."""
    if base_url is not None and "://" in base_url:
        raise UserError(f"--base-url {base_url!r} is the path the pages live under, such as /survey/; give the "
                        "whole public address with --public-url, such as --public-url https://forms.example.org/.")
    return address("127.0.0.1", LOCAL_PORT, base_url, public_url).public_url


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


def invite(directory: Path, req: Request) -> list[str]:
    """Do what ``req`` asks; return the lines to print. Every check comes before anything is written."""
    _check_combination(req)
    days = links.expiry_days(req.expires)
    base = links_base(req.public_url, req.base_url)
    if req.consultant is not None:
        links.check_name(req.consultant)
    eng = load(directory)
    if req.everyone:
        return _everyone(eng, base, days, csv_target(req.csv_path, eng.path / INVITES))
    if req.remind:
        return _remind(eng, base, days, req.wave or eng.period, req.csv_path)
    if req.consultant is not None:
        return _consultant(eng, base, req.consultant, days, req.revoke)
    if req.revoke:
        n = links.revoke(eng, req.respondent)
        return [f"Revoked {n} link(s) of {req.respondent}; they now show 'this link is not valid'."]
    return [links.link(base, eng, links.issue(eng, req.respondent, days))]


def _lasting(days: int | None) -> str:
    return f"valid for {days} day(s)" if days else "valid until revoked"


def _everyone(eng: Engagement, base: str, days: int | None, target: Path) -> list[str]:
    tokens = links.issue_many(eng, [p.id for p in eng.respondents], days)
    rows = [(p.name, p.side, p.role, links.link(base, eng, t)) for p, t in zip(eng.respondents, tokens)]
    private_csv(target, ["name", "side", "role", "link"], rows)
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
    tokens = links.issue_many(eng, [r.id for r in pending], days)
    rows = [(r.name, links.link(base, eng, t), r.answered_text) for r, t in zip(pending, tokens)]
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
