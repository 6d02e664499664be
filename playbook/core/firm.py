"""The firm's profile: who the consultants work for, read once and layered under every engagement's settings.

A consulting firm runs many engagements with the same name, colour, logo, deck template, defaults
and mail server. They live in one file, ``firm.yaml``, in the folder that holds the engagement
folders (the workspace ``playbook serve`` serves), or in the file the ``PLAYBOOK_FIRM`` environment
variable names. What each key accepts is declared in ``playbook/data/firm.schema.json``.

Settings are layered: the package's defaults (``defaults.yaml``), then the firm's (its ``settings:``
and its ``name``, ``colour`` and ``deck_template``), then the engagement's own ``settings:``. Without
a firm profile no firm name is made up: the engagement's consultant is named instead (or nobody).

The mail settings (``mail:``) are checked here too; the password is never in the file: ``password_env``
names the environment variable that holds it, read only when a mail is sent (``outreach/mail.py``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from playbook.core import schema
from playbook.core.errors import UserError
from playbook.core.files import user_yaml

FILE = "firm.yaml"
ENV = "PLAYBOOK_FIRM"
SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


@dataclass(frozen=True)
class Mail:
    """The firm's outgoing mail server (SMTP) and who mails come from."""

    host: str
    sender: str  # the From address, such as "Northwind Consulting <surveys@northwind.example>"
    port: int = 587
    security: str = "starttls"
    username: str = ""
    password_env: str = ""
    reply_to: str = ""


@dataclass(frozen=True)
class Firm:
    """The firm's profile (``path``: the file it was read from)."""

    path: Path
    name: str = ""
    colour: str = ""
    logo: Path | None = None
    deck_template: str = ""  # an absolute path, or ""
    public_url: str = ""
    contact: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    mail: Mail | None = None

    def layered(self) -> dict[str, Any]:
        """The settings this firm gives its engagements (under each engagement's own)."""
        out = dict(self.settings)
        for key, value in (("firm_name", self.name), ("brand_colour", self.colour),
                           ("deck_template", self.deck_template)):
            if value and key not in out:
                out[key] = value
        return out


def location(engagement_folder: Path | None = None) -> Path | None:
    """Where the firm's profile is for an engagement in ``engagement_folder`` (None: where ``PLAYBOOK_FIRM`` says).

    ``PLAYBOOK_FIRM`` wins; else ``firm.yaml`` beside the engagement folder (in the workspace), else none.
    """
    named = os.environ.get(ENV, "").strip()
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            raise UserError(f"{ENV}={named}: no such file; it must name the firm's profile (a {FILE}), or be unset.")
        return path.resolve()
    if engagement_folder is None:
        return None
    path = Path(engagement_folder).resolve().parent / FILE
    return path if path.is_file() else None


def for_folder(engagement_folder: Path | None) -> Firm | None:
    """The firm's profile that applies to the engagement in ``engagement_folder``, or None; read once per change."""
    path = location(engagement_folder)
    if path is None:
        return None
    stat = path.stat()
    return _read(path, stat.st_mtime_ns, stat.st_size)


def for_workspace(workspace: Path) -> Firm | None:
    """The profile of a workspace (a folder of engagements, or one engagement folder)."""
    workspace = Path(workspace)
    if (workspace / "engagement.yaml").is_file():
        return for_folder(workspace)
    return for_folder(workspace / "_")


@lru_cache(maxsize=32)
def _read(path: Path, mtime_ns: int, size: int) -> Firm:
    source = str(path)
    data = user_yaml(path)
    data = {} if data is None else data
    if isinstance(data, dict) and isinstance(data.get("settings"), dict):  # holidays written as unquoted dates
        from playbook.core.settings import dates_as_text

        data["settings"] = dates_as_text(data["settings"])
    schema.check(data, "firm", source)
    if data.get("settings"):
        schema.check(data["settings"], "engagement", source, at=("settings",))
        for key in ("firm_name", "brand_colour", "deck_template"):
            if key in data["settings"]:
                raise UserError(f"{source}: 'settings.{key}' belongs at the top of the firm's profile, as "
                                f"'{_TOP[key]}'.")
    folder = path.parent
    logo = _file(folder, data.get("logo"), source, "logo", (".png", ".jpg", ".jpeg"))
    template = _file(folder, data.get("deck_template"), source, "deck_template", (".pptx",))
    public = str(data.get("public_url") or "").strip()
    if public:
        from playbook.outreach.urls import public_url as check_public

        try:
            public = check_public(public)
        except UserError as exc:
            raise UserError(f"{source}: 'public_url' {public!r} is not an address people can open: "
                            f"{exc.message.split(': ', 1)[-1]}") from None
    return Firm(path=path, name=_text(data.get("name")), colour=_text(data.get("colour")), logo=logo,
                deck_template=str(template) if template else "", public_url=public,
                contact=_text(data.get("contact")), settings=dict(data.get("settings") or {}),
                mail=_mail(data.get("mail"), source))


_TOP = {"firm_name": "name", "brand_colour": "colour", "deck_template": "deck_template"}


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _file(folder: Path, name: Any, source: str, key: str, suffixes: tuple[str, ...]) -> Path | None:
    if not name:
        return None
    path = (folder / str(name)).resolve()
    if path.suffix.lower() not in suffixes:
        raise UserError(f"{source}: '{key}' is {name!r}; it must be a {' or '.join(suffixes)} file, relative to "
                        f"{folder}.")
    if not path.is_file():
        raise UserError(f"{source}: '{key}' names {path}, which does not exist; give a file relative to {folder}.")
    return path


def _mail(raw: Any, source: str) -> Mail | None:
    if not raw:
        return None
    security = raw.get("security") or "starttls"
    return Mail(host=str(raw["host"]).strip(), sender=str(raw["from"]).strip(),
                port=int(raw.get("port") or DEFAULT_PORTS[security]), security=security,
                username=_text(raw.get("username")), password_env=_text(raw.get("password_env")),
                reply_to=_text(raw.get("reply_to")))


LOGOS = ("logo.png", "logo.jpg", "logo.jpeg")


def logo_path(eng: Any) -> Path | None:
    """The logo that brands ``eng``: its own ``logo.png`` or ``logo.jpg``, else the firm's, else None."""
    for name in LOGOS:
        path = Path(eng.path) / name
        if path.is_file():
            return path
    found = getattr(eng, "firm", None)
    return found.logo if found is not None and found.logo is not None and found.logo.is_file() else None
