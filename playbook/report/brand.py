"""The firm's branding for the deck: name, colour, logo and slide template, read and checked once.

``brand(eng)`` runs before a run does any work, so a logo that is not a readable PNG or JPEG, or a
template that is not a PowerPoint file, stops the run with one clear message and nothing written.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from playbook.core.errors import UserError

DEFAULT_COLOUR = "#1f3a5f"


@dataclass(frozen=True)
class Brand:
    """What makes the deck the firm's: read and checked once, before a run starts."""

    firm: str = ""
    colour: str = DEFAULT_COLOUR
    logo: bytes | None = None
    template: bytes | None = None
    template_name: str = ""


def _logo(eng) -> bytes | None:
    """The engagement's logo, else the firm's (``core.firm.logo_path``), checked."""
    from playbook.core.firm import logo_path

    path = logo_path(eng)
    if path is None:
        return None
    data = path.read_bytes()
    if not (data[:8] == b"\x89PNG\r\n\x1a\n" or data[:3] == b"\xff\xd8\xff") or not _readable(data):
        raise UserError(f"{path}: not a readable PNG or JPEG image; the logo must be a PNG (logo.png) or a "
                        "JPEG (logo.jpg) picture, or be removed.")
    return data


def _readable(data: bytes) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            return img.format in ("PNG", "JPEG") and img.width > 0 and img.height > 0
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return False


def _template(folder: Path, name: str) -> bytes | None:
    if not name:
        return None
    path = folder / name
    allowed = ("settings.deck_template must name a PowerPoint file (.pptx, saved by PowerPoint, Keynote or "
               "LibreOffice) relative to the engagement folder, or be left empty for the playbook's own look")
    if path.suffix.lower() != ".pptx":
        raise UserError(f"{path}: not a .pptx file; {allowed}.")
    if not path.is_file():
        raise UserError(f"{path}: file not found; {allowed}.")
    data = path.read_bytes()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            ok = "ppt/presentation.xml" in z.namelist()
    except zipfile.BadZipFile:
        ok = False
    if ok:
        try:
            open_presentation(data)
        except Exception:  # noqa: BLE001 - python-pptx raises many kinds for a damaged package
            ok = False
    if not ok:
        raise UserError(f"{path}: not a PowerPoint presentation (no ppt/presentation.xml inside); {allowed}.")
    return data


def brand(eng) -> Brand:
    """The engagement's branding, its files checked: a clear UserError for a bad logo or template."""
    s = eng.settings
    return Brand(firm=str(s.get("firm_name") or ""), colour=str(s.get("brand_colour") or DEFAULT_COLOUR),
                 logo=_logo(eng), template=_template(eng.path, str(s.get("deck_template") or "")),
                 template_name=str(s.get("deck_template") or ""))


def open_presentation(data: bytes | None):
    from pptx import Presentation

    return Presentation(io.BytesIO(data)) if data else Presentation()
