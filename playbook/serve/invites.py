"""``playbook invite``: personal links for respondents, one at a time or for a mail merge."""

from __future__ import annotations

import csv
from pathlib import Path
from urllib.parse import urlparse

from playbook.core.engagement import load
from playbook.core.errors import UserError
from playbook.core.files import atomic, safe_cell
from playbook.serve import access


def _check_base(base_url: str) -> str:
    parsed = urlparse(base_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.query or parsed.fragment:
        raise UserError(f"--base-url {base_url!r} must be an http(s) address such as https://forms.example.com.")
    return base_url.rstrip("/")


def invite(directory: Path, respondent: str | None, base_url: str, revoke: bool = False, everyone: bool = False,
           csv_path: Path | None = None) -> list[str]:
    eng = load(directory)
    base = _check_base(base_url)
    if everyone:
        if respondent or revoke:
            raise UserError("--all takes no RESPONDENT and cannot be combined with --revoke.")
        target = Path(csv_path) if csv_path else eng.path / "invites.csv"
        rows = [(p.name, p.side, p.role, access.link(base, eng, access.issue(eng, p.id))) for p in eng.respondents]
        with atomic(target) as tmp, tmp.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["name", "side", "role", "link"])
            writer.writerows([safe_cell(v) for v in row] for row in rows)
        return [f"Wrote {len(rows)} personal links to {target}. Treat it like a password list: each link opens "
                "that person's form."]
    if not respondent:
        raise UserError("give a RESPONDENT id (see engagement.yaml) or --all.")
    if revoke:
        n = access.revoke(eng, respondent)
        return [f"Revoked {n} link(s) of {respondent}; they now show 'this link is not valid'."]
    return [access.link(base, eng, access.issue(eng, respondent))]
