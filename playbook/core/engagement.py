"""The engagement folder: ``engagement.yaml`` plus optional data files.

Everything is loaded and validated here, once, before any notebook runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from playbook.core import firm as firm_mod
from playbook.core import schema
from playbook.core import settings as settings_mod
from playbook.core.errors import UserError
from playbook.core.files import user_yaml

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
SIDES = ("marketing", "sales")
CONFIG = "engagement.yaml"
STORE = "answers.sqlite"


@dataclass(frozen=True)
class Respondent:
    id: str
    name: str
    side: str
    role: str
    email: str = ""

    @property
    def is_leader(self) -> bool:
        return self.role == "leader"


@dataclass(frozen=True)
class Wave:
    """What engagement.yaml says of one wave: its last day to answer, and its own reminders (None: the setting)."""

    deadline: date | None = None
    reminders: tuple[int, ...] | None = None


@dataclass
class Engagement:
    path: Path
    id: str
    client: str
    consultant: str
    period: str
    respondents: list[Respondent]
    settings: dict[str, Any] = field(default_factory=dict)
    consultant_email: str = ""
    waves: dict[str, Wave] = field(default_factory=dict)
    firm: firm_mod.Firm | None = None

    def wave(self, name: str | None = None) -> Wave:
        """What engagement.yaml says of wave ``name`` (default: the period); an empty Wave when nothing."""
        return self.waves.get(name or self.period, Wave())

    def reminders(self, name: str | None = None) -> tuple[int, ...]:
        """The days before wave ``name``'s deadline when reminders go out, latest first."""
        days = self.wave(name).reminders
        days = days if days is not None else tuple(self.settings.get("reminders") or ())
        return tuple(sorted(set(days), reverse=True))

    @property
    def contact(self) -> str:
        """The address respondents can write to: the consultant's, else the firm's contact or reply address."""
        if self.consultant_email:
            return self.consultant_email
        f = self.firm
        return (f.contact or (f.mail.reply_to if f.mail else "")) if f is not None else ""

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


def _text(value: Any) -> str:
    """A text field the schema has checked (a string or a number, or nothing), as one trimmed line."""
    return "" if value is None else str(value).strip()


def _respondents(raw: list[dict[str, Any]], source: str) -> list[Respondent]:
    """The respondents the schema has checked; ids unique and at most one leader per side."""
    first: dict[str, int] = {}
    out: list[Respondent] = []
    for n, entry in enumerate(raw, start=1):
        rid = entry["id"]
        if rid in first:
            raise UserError(f"{source}: respondents[{n}].id '{rid}' is used twice (first in respondents[{first[rid]}]); "
                            "ids must be unique.")
        first[rid] = n
        out.append(Respondent(rid, _text(entry["name"]), entry["side"], entry.get("role", "member"),
                              _text(entry.get("email"))))
    for side in SIDES:
        leaders = [r.id for r in out if r.side == side and r.is_leader]
        if len(leaders) > 1:
            raise UserError(
                f"{source}: the {side} side has {len(leaders)} leaders ({', '.join(leaders)}); at most one respondent "
                f"per side may have role 'leader'."
            )
    return out


def _read(config: Path) -> Any:
    source = str(config)
    if not config.is_file():
        raise UserError(f"{source}: file not found; an engagement folder needs an {CONFIG} (see 'playbook new').")
    return user_yaml(config)


def load(path: str | Path | None = None) -> Engagement:
    """Load and validate an engagement folder (the shipped sample when ``path`` is empty).

    ``playbook/data/engagement.schema.json`` declares the file's format; the rules across keys
    (unique ids, one leader per side, the symptom bands' order) follow here.
    """
    folder = Path(path) if path else sample_path()
    if not folder.is_dir():
        raise UserError(f"{folder}: no such engagement folder.")
    config = folder / CONFIG
    data = _read(config)
    source = str(config)
    _dates_as_text(data)
    schema.check(data, "engagement", source)
    firm = firm_mod.for_folder(folder)
    consultant = _text(data.get("consultant"))
    settings = settings_mod.resolve(data.get("settings"), source, firm)
    if not settings.get("firm_name"):  # no firm named anywhere: the consultant is, never a made-up firm
        settings["firm_name"] = consultant
    return Engagement(
        path=folder.resolve(),
        id=data["id"],
        client=_text(data["client"]),
        consultant=consultant,
        period=_text(data["period"]),
        respondents=_respondents(data["respondents"], source),
        settings=settings,
        consultant_email=_text(data.get("consultant_email")),
        waves=_waves(data.get("waves"), source),
        firm=firm,
    )


def _dates_as_text(data: Any) -> None:
    """YAML reads ``deadline: 2026-12-18`` as a date: the schema checks it as the text it was written as
    (the settings' holidays and lead export time too)."""
    if isinstance(data, dict) and "settings" in data:
        data["settings"] = settings_mod.dates_as_text(data["settings"])
    waves = data.get("waves") if isinstance(data, dict) else None
    for entry in (waves.values() if isinstance(waves, dict) else ()):
        if isinstance(entry, dict) and isinstance(entry.get("deadline"), date):
            entry["deadline"] = entry["deadline"].isoformat()


def _waves(raw: dict[Any, Any] | None, source: str) -> dict[str, Wave]:
    out = {}
    for name, entry in (raw or {}).items():
        entry = entry or {}
        deadline = None
        if entry.get("deadline"):
            try:
                deadline = date.fromisoformat(entry["deadline"])
            except ValueError:
                raise UserError(f"{source}: 'waves.{name}.deadline' is {entry['deadline']!r}, which is not a day of "
                                "the calendar; it must be a date written YYYY-MM-DD, such as 2026-12-18.") from None
        days = entry.get("reminders")
        out[_text(name)] = Wave(deadline, tuple(days) if days is not None else None)
    return out


def workspace_folders(path: str | Path) -> list[Path]:
    """The engagement folders of ``path``, not yet read: itself when it holds engagement.yaml, else its
    sub-folders that do (a workspace, as ``playbook serve`` and ``playbook run`` take it)."""
    path = Path(path)
    if not path.is_dir():
        raise UserError(f"{path}: no such folder; give an engagement folder or a folder of engagements.")
    if (path / "engagement.yaml").is_file():
        return [path.resolve()]
    found = sorted(p.resolve() for p in path.iterdir() if (p / "engagement.yaml").is_file())
    if not found:
        raise UserError(f"{path}: holds no engagement.yaml, directly or one level down.")
    return found


def check_workspace_id(eng: Engagement, folder: Path) -> None:
    """Inside a workspace an engagement's id is its folder's name (links and batch outputs are found by it)."""
    if eng.id != folder.name:
        raise UserError(f"{folder / 'engagement.yaml'}: id '{eng.id}' must match its folder name '{folder.name}' "
                        "inside a workspace, so links can find it.")


def workspace_engagements(path: str | Path) -> list[Path]:
    """``workspace_folders``, every engagement read and checked (the first problem is one UserError)."""
    found = workspace_folders(path)
    if len(found) == 1 and found[0] == Path(path).resolve():
        load(found[0])
        return found
    for p in found:
        check_workspace_id(load(p), p)
    return found
