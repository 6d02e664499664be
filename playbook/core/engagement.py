"""The engagement folder: ``engagement.yaml`` plus optional data files.

Everything is loaded and validated here, once, before any notebook runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from playbook.core import settings as settings_mod
from playbook.core.errors import UserError

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
SIDES = ("marketing", "sales")
ROLES = ("leader", "manager", "member")
CONFIG = "engagement.yaml"
STORE = "answers.sqlite"
# Optional inputs, by part of the engagement (METHOD 3, 4, 5).
DATA_FILES = ("responses.csv", "kpis.csv", "kpi_values.csv", "prospecting.yaml", "deals.csv", "experiment.csv")


@dataclass(frozen=True)
class Respondent:
    id: str
    name: str
    side: str
    role: str

    @property
    def is_leader(self) -> bool:
        return self.role == "leader"


@dataclass
class Engagement:
    path: Path
    id: str
    client: str
    consultant: str
    period: str
    respondents: list[Respondent]
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def store_path(self) -> Path:
        return self.path / STORE

    def file(self, name: str) -> Path | None:
        """The path of an optional data file, or None when the engagement has none."""
        p = self.path / name
        return p if p.is_file() else None

    def respondent(self, rid: str) -> Respondent | None:
        return next((r for r in self.respondents if r.id == rid), None)

    @property
    def by_id(self) -> dict[str, Respondent]:
        return {r.id: r for r in self.respondents}

    def leader(self, side: str) -> Respondent | None:
        return next((r for r in self.respondents if r.side == side and r.is_leader), None)


def sample_path() -> Path:
    """The shipped sample engagement (read-only inside an installed package)."""
    from playbook.core.resources import templates_dir

    return templates_dir() / "sample-engagement"


def is_slug(text: object) -> bool:
    return isinstance(text, str) and bool(SLUG.match(text))


def _text(data: dict, key: str, source: str, required: bool = True, limit: int = 200) -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise UserError(f"{source}: field '{key}' is missing; it must be non-empty text.")
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise UserError(f"{source}: field '{key}' must be text, not {type(value).__name__}.")
    value = str(value).strip()
    if len(value) > limit or "\n" in value:
        raise UserError(f"{source}: field '{key}' must be one line of at most {limit} characters.")
    return value


def _respondents(raw: Any, source: str) -> list[Respondent]:
    if not isinstance(raw, list) or not raw:
        raise UserError(f"{source}: field 'respondents' must be a non-empty list of respondents (id, name, side, role).")
    seen: set[str] = set()
    out: list[Respondent] = []
    for n, entry in enumerate(raw, start=1):
        at = f"{source}: respondents[{n}]"
        if not isinstance(entry, dict):
            raise UserError(f"{at} must be a mapping with id, name, side and role.")
        rid = entry.get("id")
        if not is_slug(rid):
            raise UserError(
                f"{at}: id {rid!r} is not allowed; use lowercase letters, digits and hyphens (for example 'mkt-lead')."
            )
        if rid in seen:
            raise UserError(f"{at}: respondent id '{rid}' is used twice; ids must be unique.")
        seen.add(rid)
        name = _text(entry, "name", at)
        side = entry.get("side")
        if side not in SIDES:
            raise UserError(f"{at} ('{rid}'): side {side!r} is unknown; allowed: {', '.join(SIDES)}.")
        role = entry.get("role", "member")
        if role not in ROLES:
            raise UserError(f"{at} ('{rid}'): role {role!r} is unknown; allowed: {', '.join(ROLES)}.")
        out.append(Respondent(rid, name, side, role))
    for side in SIDES:
        leaders = [r.id for r in out if r.side == side and r.is_leader]
        if len(leaders) > 1:
            raise UserError(
                f"{source}: the {side} side has {len(leaders)} leaders ({', '.join(leaders)}); at most one respondent "
                f"per side may have role 'leader'."
            )
    return out


def load(path: str | Path | None = None) -> Engagement:
    """Load and validate an engagement folder (the shipped sample when ``path`` is empty)."""
    folder = Path(path) if path else sample_path()
    if not folder.is_dir():
        raise UserError(f"{folder}: no such engagement folder.")
    config = folder / CONFIG
    source = str(config)
    if not config.is_file():
        raise UserError(f"{source}: file not found; an engagement folder needs an {CONFIG} (see 'playbook new').")
    try:
        data = yaml.safe_load(config.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise UserError(f"{source}: the file is not UTF-8 text.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark else ""
        raise UserError(f"{source}: not valid YAML{line} ({getattr(exc, 'problem', exc)}).") from None
    if not isinstance(data, dict):
        raise UserError(f"{source}: must be a mapping with id, client, consultant, period and respondents.")
    eid = data.get("id")
    if not is_slug(eid):
        raise UserError(
            f"{source}: id {eid!r} is not allowed; use lowercase letters, digits and hyphens (for example 'acme-2026')."
        )
    period = _text(data, "period", source, limit=40)
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9 ._-]*$", period):
        raise UserError(f"{source}: period {period!r} may hold only letters, digits, spaces, '.', '_' and '-'.")
    return Engagement(
        path=folder.resolve(),
        id=eid,
        client=_text(data, "client", source),
        consultant=_text(data, "consultant", source, required=False),
        period=period,
        respondents=_respondents(data.get("respondents"), source),
        settings=settings_mod.resolve(data.get("settings"), source),
    )
