"""Reading and writing the engagement's files: text in, atomic writes out, spreadsheet-safe cells.

Every writer in the package goes through ``atomic`` (or ``write_atomic`` for several files at
once), so a failure never leaves a half-written file; every CSV or XLSX export that holds
client text goes through ``safe_cell``.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from playbook.core.errors import UserError

# A cell starting with one of these is taken as a formula by Excel, LibreOffice or Google Sheets
# (tab and carriage return hide the formula sign from a quick look).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def read_text(path: Path) -> str:
    """A data file's text (UTF-8, a BOM allowed); a clear error when it is not UTF-8."""
    try:
        return Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"{Path(path).name}: the file is not UTF-8 text (bad byte at position {exc.start}); "
                        "save it as UTF-8.") from None


def user_yaml(path: Path):
    """A user's YAML file (engagement.yaml, firm.yaml) as data: text that is not UTF-8 or not YAML is one UserError
    naming the file and, where YAML can tell, the line."""
    import yaml

    source = str(path)
    try:
        return safe_yaml(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise UserError(f"{source}: the file is not UTF-8 text.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark else ""
        raise UserError(f"{source}: not valid YAML{line} ({getattr(exc, 'problem', exc)}).") from None


def yaml_section(text: str, key: str, where: str, error: type[UserError], holds: str) -> dict:
    """The mapping under ``key`` of a YAML text (one of the package's wording files), or ``error`` naming ``where``:
    text that is not YAML, or no mapping under ``key`` (``holds`` says what it should hold)."""
    import yaml

    try:
        raw = safe_yaml(text)
    except yaml.YAMLError as e:
        raise error(f"{where}: not valid YAML ({e}).") from None
    spec = raw.get(key) if isinstance(raw, dict) else None
    if not isinstance(spec, dict):
        raise error(f"{where}: the file must hold '{key}:', {holds}.")
    return spec


def safe_yaml(text: str):
    """``yaml.safe_load`` through libyaml's C parser when PyYAML has it (the pure-Python one took 3 s for an
    engagement.yaml of 5,000 respondents); the same data, the same ``yaml.YAMLError`` on bad text."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader
# Spreadsheets save "CSV" with the list separator of the computer's language: a comma in English, a
# semicolon in German, French or Norwegian Excel; "Text (tab-delimited)" uses tabs.
DELIMITERS = (",", ";", "\t")


def csv_delimiter(text: str, columns: Sequence[str]) -> str:
    """The separator of a CSV text whose header names ``columns``: a comma, unless only a semicolon or a tab
    splits the header (its first non-blank line) into those columns (a file saved by a spreadsheet in another language), which is then
    read as it is. When no separator gives the columns, a comma (the reader then says which column is missing).
    """
    header = next((line for line in text.lstrip("\ufeff").split("\n") if line.strip()), "")  # the first line written
    wanted = {c.lower() for c in columns}
    fits = [d for d in DELIMITERS
            if wanted <= {h.strip().lower() for h in next(csv.reader([header], delimiter=d), [])}]
    return fits[0] if len(fits) == 1 else ","


def uncommented(text: str) -> tuple[str, bool]:
    """``text`` with its comment lines (first non-blank character ``#``) left blank, so every other line keeps its
    number; and whether it had any (``playbook new`` writes its data files with comments above their header)."""
    lines = text.split("\n")
    kept = ["" if line.lstrip().startswith("#") else line for line in lines]
    return "\n".join(kept), kept != lines


def safe_cell(value: object) -> object:
    """``value`` as a spreadsheet shows it, never run: text that starts like a formula gets a leading quote.

    Numbers, booleans and None pass unchanged, so a negative number stays a number.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def plain_cell(value: object) -> object:
    """The value ``safe_cell`` was given: its leading quote taken off again (for files read back in)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def file_mode(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets rw-r--r-- (temporary files start private)."""
    return target.stat().st_mode & 0o777 if target.exists() else 0o644


PRIVATE = 0o600  # files holding answers, links or a run's snapshot: their owner's alone


@contextmanager
def atomic(target: str | Path, mode: str = "w", private: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target`` in one rename.

    On failure the temporary file is removed and ``target`` is untouched. ``private``: the file is
    readable by its owner only (``PRIVATE``), whatever the one it replaces was.
    """
    target = Path(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, PRIVATE if private else file_mode(target))
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_atomic(folder: Path, files: dict[str, str | bytes]) -> None:
    """Write each ``{name: text}`` to a temporary file in ``folder``, then rename them all into place."""
    temps: list[tuple[str, Path]] = []
    try:
        for name, content in files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
            temps.append((tmp, folder / name))
            if isinstance(content, bytes):
                with os.fdopen(fd, "wb") as fh:
                    fh.write(content)
            else:
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                    fh.write(content)
            os.chmod(tmp, file_mode(folder / name))
        for tmp, target in temps:
            os.replace(tmp, target)
    finally:
        for tmp, _ in temps:
            if os.path.exists(tmp):
                os.unlink(tmp)


def private_csv(target: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write a CSV readable by its owner only (mode 0600), atomically, every cell spreadsheet-safe."""
    target = Path(target)
    created = not target.exists()
    if created:  # a new file starts private, so the atomic write keeps its mode
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    else:
        os.chmod(target, 0o600)
    try:
        with atomic(target) as tmp, tmp.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows([safe_cell(v) for v in row] for row in rows)
    except BaseException:
        if created and target.exists() and target.stat().st_size == 0:
            target.unlink()
        raise
