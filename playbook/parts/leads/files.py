"""``leads.csv``, the CRM's lead export: read strictly, checked by whole columns, kept compact (METHOD §14).

``lead_id,created,source,first_touch,status[,disposition_at][,reason]``, one lead per row:

- ``created``, ``first_touch``, ``disposition_at``: ``YYYY-MM-DD HH:MM[:SS]`` (``T`` may stand for the space;
  an offset such as ``+01:00`` or ``Z`` may follow); without an offset a time is on the engagement's clock
  (``settings.timezone``). ``first_touch`` empty: not followed up yet; ``disposition_at`` may be empty.
- ``source``: marketing, sales, partner or other; ``status``: open, accepted, rejected, recycled or converted
  (both case-insensitive). ``lead_id`` unique. ``reason`` is free text; a reason on an open lead is kept.
- Neither ``first_touch`` nor ``disposition_at`` may come before ``created``.

Lines starting with ``#`` above the header are comments (the scaffold explains the columns there). Rows are
numbered like a spreadsheet's, comment lines and header included, and the first problem (in row order,
then column order) is one message naming the file, row and column. A file with its header and no lead is
taken as no export yet. Every check works on whole columns (pandas, numpy), so 200,000 leads are read in
well under a second; what is kept (``Leads``) is a few numpy arrays, small in the run's snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

import numpy as np

from playbook.core import clock
from playbook.core.errors import UserError
from playbook.core.files import read_text

FILE = "leads.csv"
REQUIRED = ("lead_id", "created", "source", "first_touch", "status")
OPTIONAL = ("disposition_at", "reason")
COLUMNS = REQUIRED + OPTIONAL
SOURCES = ("marketing", "sales", "partner", "other")
STATUSES = ("open", "accepted", "rejected", "recycled", "converted")
TIMES = ("created", "first_touch", "disposition_at")
NAT = np.datetime64("NaT", "ns")
YEARS = (1900, 2199)  # a CRM's times fall in these years (and numpy's nanoseconds reach 1677 to 2262)


@dataclass
class Leads:
    """The validated leads: times as UTC instants (``datetime64[ns]``, NaT when empty), codes into
    ``SOURCES`` and ``STATUSES``, and each lead's reason as an index into ``reasons`` (-1: none given)."""

    created: np.ndarray
    first_touch: np.ndarray
    source: np.ndarray  # int8 into SOURCES
    status: np.ndarray  # int8 into STATUSES
    reason: np.ndarray  # int32 into reasons, -1 without one
    reasons: list[str] = field(default_factory=list)
    latest: Any = None  # the latest time in the file (datetime64[ns], UTC)
    latest_at: str = ""  # where it is: "row 88, column first_touch"
    timezone: str = "UTC"

    def __len__(self) -> int:
        return len(self.created)


def _lines(text: str) -> tuple[str, int]:
    """The text from its header on, and how many comment lines (``#``) come before the header."""
    skipped = 0
    rest = text
    while rest.startswith("#") or (skipped and rest.startswith(("\n", "\r\n"))):
        cut = rest.find("\n")
        rest = "" if cut < 0 else rest[cut + 1:]
        skipped += 1
    return rest, skipped


def _frame(path: Path):
    """The file's cells as text (header checked), indexed by spreadsheet row; None with no lead in it."""
    import pandas as pd

    body, skipped = _lines(read_text(path))  # read_text: a clear message when the file is not UTF-8
    if not body.strip():
        raise UserError(f"{path.name}: the file has no header row; it needs {', '.join(REQUIRED)} "
                        f"(and optionally {', '.join(OPTIONAL)}).")
    try:
        # header=None: a row with more cells than the header is an error, never a silent index column.
        # pandas reads the file itself (faster than from the text); cells are never NaN, a missing one is "".
        df = pd.read_csv(path, header=None, dtype=object, keep_default_na=False, skip_blank_lines=False,
                         skiprows=skipped, encoding="utf-8-sig")
    except pd.errors.ParserError as exc:
        raise UserError(f"{path.name}: not a valid CSV file ({str(exc).strip()}); each row needs as many "
                        "comma-separated values as the header.") from None
    header = [str(c).strip().lower() for c in df.iloc[0]]
    _check_header(path.name, header)
    df.columns = header
    df = df.iloc[1:]
    df.index = df.index + 1 + skipped  # spreadsheet rows: the comment lines, then the header, come first
    for c in OPTIONAL:
        if c not in df.columns:
            df[c] = ""
    df = df[list(COLUMNS)]
    filled = np.zeros(len(df), dtype=bool)
    for c in COLUMNS:
        filled |= df[c].to_numpy(dtype=object) != ""
    df = df[filled]
    return None if df.empty else df


def _check_header(name: str, header: list[str]) -> None:
    allowed = f"{', '.join(REQUIRED)} and optionally {', '.join(OPTIONAL)}"
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise UserError(f"{name}: column {', '.join(repr(c) for c in missing)} is missing; the columns are "
                        f"{allowed}.")
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        raise UserError(f"{name}: column {', '.join(repr(c) for c in unknown)} is not known; the columns are "
                        f"{allowed}.")
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        raise UserError(f"{name}: column {', '.join(repr(c) for c in twice)} appears twice; each column once.")


def _stripped(values: np.ndarray) -> np.ndarray:
    """Cells without surrounding spaces (each distinct value stripped once)."""
    import pandas as pd

    codes, uniques = pd.factorize(values)
    if not len(uniques):
        return values
    return np.array([str(u).strip() for u in uniques], dtype=object)[codes]


def _coded(values: np.ndarray, allowed: tuple[str, ...]) -> np.ndarray:
    """Case-insensitive choices as codes into ``allowed``; -1 where a value is not allowed."""
    import pandas as pd

    codes, uniques = pd.factorize(values)
    lookup = np.array([allowed.index(u.lower()) if u.lower() in allowed else -1 for u in uniques] or [-1],
                      dtype=np.int8)
    return lookup[codes]


def _texts(values: np.ndarray, width: int = 25) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells as a fixed-width numpy text array without surrounding spaces, their lengths once stripped, and a
    mask of the cells longer than ``width`` (cut short in the array)."""
    longest = max(map(len, values), default=0)
    text = np.strings.strip(np.array(values, dtype=f"U{max(1, min(longest, 4 * width))}"))
    length = np.strings.str_len(text)
    return text.astype(f"U{width}"), length, length > width


def _read_stamps(text: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Timestamps read from a ``U25`` array character by character, on the whole column at once.

    Returns the time as written (``datetime64[s]``), whether the cell is a real date and time written
    ``YYYY-MM-DD HH:MM[:SS]`` (``T`` for the space allowed) with an optional ``Z`` or ``+HH:MM`` offset
    (``clock.STAMP_PATTERN``, a day the month has, hours to 23, minutes and seconds to 59, a year in
    ``YEARS``), whether it has
    an offset, and the offset in seconds east of UTC.
    """
    n = len(text)
    c = text.view(np.uint32).reshape(n, 25)  # the characters' code points, one column per position
    d = c.astype(np.int16) - 48  # digits 0-9 where the characters are digits
    digit = (d >= 0) & (d <= 9)

    def two(k: int) -> np.ndarray:
        return d[:, k] * 10 + d[:, k + 1]

    ok = digit[:, [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15]].all(axis=1)
    ok &= (c[:, 4] == 45) & (c[:, 7] == 45) & ((c[:, 10] == 32) | (c[:, 10] == 84)) & (c[:, 13] == 58)
    has_seconds = (c[:, 16] == 58) & digit[:, 17] & digit[:, 18]
    at = np.where(has_seconds, 19, 16)  # where an offset would start
    rest = length - at
    lead = np.where(has_seconds, c[:, 19], c[:, 16])
    zulu = (rest == 1) & (lead == 90)
    signed = (rest == 6) & ((lead == 43) | (lead == 45))
    # an offset's HH:MM right after its sign, at 17 (no seconds) or 20 (seconds; the array ends at 25)
    short = digit[:, 17] & digit[:, 18] & (c[:, 19] == 58) & digit[:, 20] & digit[:, 21]
    long_ = digit[:, 20] & digit[:, 21] & (c[:, 22] == 58) & digit[:, 23] & digit[:, 24]
    off_digits = np.where(has_seconds, long_, short)
    off_h = np.where(has_seconds, two(20), two(17))
    off_m = np.where(has_seconds, two(23), two(20))
    ok &= (rest == 0) | zulu | (signed & off_digits & (off_h <= 23) & (off_m <= 59))
    year = two(0).astype(np.int32) * 100 + two(2)
    month, day, hour, minute = two(5), two(8), two(11), two(14)
    second = np.where(has_seconds, two(17), 0)
    ok &= (month >= 1) & (month <= 12) & (day >= 1) & (hour <= 23) & (minute <= 59) & (second <= 59)
    ok &= (year >= YEARS[0]) & (year <= YEARS[1])
    months = np.where(ok, (year - 1970) * 12 + month - 1, 0).astype("timedelta64[M]") + np.datetime64("1970-01", "M")
    days = months.astype("datetime64[D]") + np.where(ok, day - 1, 0).astype("timedelta64[D]")
    ok &= days.astype("datetime64[M]") == months  # 2026-02-30 runs into March
    seconds = hour.astype(np.int64) * 3600 + minute * 60 + second
    when = days.astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    east = np.where(signed, np.where(lead == 45, -1, 1) * (off_h.astype(np.int64) * 3600 + off_m * 60), 0)
    return when, ok, zulu | signed, east


def _instants(values: np.ndarray, tz_name: str) -> tuple[np.ndarray, np.ndarray]:
    """Timestamps as UTC instants (NaT where empty or bad) and a mask of the bad ones.

    Without an offset a time is on ``tz_name``'s clock: where the clock is set back it is the first of the
    two (summer) times, where it jumps forward the time is read with the offset before the jump, as
    Python's ``zoneinfo`` reads it.
    """
    import pandas as pd

    text, length, too_long = _texts(values)
    when, ok, fixed, east = _read_stamps(text, length)
    ok &= ~too_long
    out = np.full(len(text), NAT)
    zoned = ok & ~fixed
    if zoned.any():
        if tz_name == "UTC":
            out[zoned] = when[zoned]
        else:
            local = pd.DatetimeIndex(when[zoned]).tz_localize(tz_name, ambiguous=np.ones(int(zoned.sum()), dtype=bool),
                                                               nonexistent="NaT")
            utc = local.tz_convert("UTC").tz_localize(None).to_numpy().astype("datetime64[ns]")
            for i in np.flatnonzero(np.isnat(utc)):  # a time the clock skipped: rare
                utc[i] = _utc(clock.stamp(str(text[zoned][i]), clock.zone(tz_name)))
            out[zoned] = utc
    fixed &= ok
    out[fixed] = when[fixed] - east[fixed].astype("timedelta64[s]")
    return out, (length > 0) & ~ok


def _utc(when) -> np.datetime64:
    """An aware datetime as a UTC instant (``datetime64[ns]``)."""
    return np.datetime64(when.astimezone(UTC).replace(tzinfo=None), "ns")


def _problems(df, tz_name: str) -> tuple[list[tuple[str, np.ndarray, str]], dict[str, Any]]:
    """Every check, in column order, as (column, mask of failing rows, message), and the parsed columns."""
    ids = np.array([x.strip() for x in df["lead_id"].to_numpy(dtype=object)], dtype=object)
    import pandas as pd

    dup = pd.Series(ids).duplicated().to_numpy()
    times, bad = {}, {}
    for c in TIMES:
        times[c], bad[c] = _instants(df[c].to_numpy(dtype=object), tz_name)
    source = _coded(_stripped(df["source"].to_numpy(dtype=object)), SOURCES)
    status = _coded(_stripped(df["status"].to_numpy(dtype=object)), STATUSES)
    when = f"written {clock.STAMP_FORMAT}"
    checks = [
        ("lead_id", ids == "", "lead_id is empty; every lead needs an id"),
        ("lead_id", dup & (ids != ""), "lead_id {value!r} is used twice; ids must be unique"),
        ("created", np.isnat(times["created"]) & ~bad["created"], f"created is empty; every lead needs the time it "
                                                                 f"was created, {when}"),
        ("created", bad["created"], f"created {{value!r}} is not a real date and time; it must be {when}"),
        ("source", source < 0, "source {value!r} is unknown; allowed: " + ", ".join(SOURCES)),
        ("first_touch", bad["first_touch"], f"first_touch {{value!r}} is not a real date and time; it must be "
                                            f"{when}, or empty when nobody has followed the lead up yet"),
        ("first_touch", times["first_touch"] < times["created"],
         "first_touch {value!r} is before the lead was created ({created}); a lead is followed up after it "
         "arrives"),
        ("status", status < 0, "status {value!r} is unknown; allowed: " + ", ".join(STATUSES)),
        ("disposition_at", bad["disposition_at"], f"disposition_at {{value!r}} is not a real date and time; it "
                                                  f"must be {when}, or empty"),
        ("disposition_at", times["disposition_at"] < times["created"],
         "disposition_at {value!r} is before the lead was created ({created}); sales decides on a lead after it "
         "arrives"),
    ]
    parsed = {"ids": ids, **times, "source": source, "status": status}
    return checks, parsed


def _first(checks: list[tuple[str, np.ndarray, str]]) -> tuple[int, str, str] | None:
    """The earliest failing row (ties: the earlier check), as (position, column, message)."""
    best = None
    for order, (column, mask, message) in enumerate(checks):
        hits = np.flatnonzero(mask)
        if len(hits) and (best is None or (hits[0], order) < best[:2]):
            best = (int(hits[0]), order, column, message)
    return None if best is None else (best[0], best[2], best[3])


def _refuse(name: str, df, problem: tuple[int, str, str], ids: np.ndarray) -> None:
    pos, column, message = problem
    row = df.index[pos]
    value = str(df[column].iloc[pos]).strip()
    text = message.format(value=value if len(value) <= 40 else value[:37] + "...",
                          created=str(df["created"].iloc[pos]).strip())
    if column == "lead_id" and "twice" in text:
        text += f" (first used in row {df.index[int(np.argmax(ids == ids[pos]))]})"
    raise UserError(f"{name}, row {row}, column {column}: {text}.")


def _reasons(df) -> tuple[np.ndarray, list[str]]:
    import pandas as pd

    text = _stripped(df["reason"].to_numpy(dtype=object))
    codes, uniques = pd.factorize(np.where(text == "", None, text), use_na_sentinel=True)
    return codes.astype(np.int32), [str(u) for u in uniques]


def parse(path: Path, settings: dict[str, Any]) -> Leads | None:
    """The validated leads of a ``leads.csv``; None when it holds its header and no lead."""
    df = _frame(path)
    if df is None:
        return None
    tz_name = settings.get("timezone") or "UTC"
    checks, parsed = _problems(df, tz_name)
    problem = _first(checks)
    if problem is not None:
        _refuse(path.name, df, problem, parsed["ids"])
    reason, reasons = _reasons(df)
    stacked = np.stack([parsed[c] for c in TIMES]).view(np.int64)  # NaT is the smallest int64: never the latest
    late = stacked.max(axis=0)
    pos = int(np.argmax(late))
    column = TIMES[int(np.argmax(stacked[:, pos] == late[pos]))]
    return Leads(created=parsed["created"], first_touch=parsed["first_touch"], source=parsed["source"],
                 status=parsed["status"], reason=reason, reasons=reasons, latest=np.datetime64(int(late[pos]), "ns"),
                 latest_at=f"row {df.index[pos]}, column {column}", timezone=tz_name)


def load(eng) -> Leads | None:
    """The engagement's leads; None when it has no ``leads.csv`` or the file holds no lead yet."""
    path = eng.file(FILE)
    if path is None:
        return None
    leads = parse(path, eng.settings)
    if leads is not None:
        _check_as_of(leads, eng.settings, path.name)
    return leads


def as_of_setting(settings: dict[str, Any]):
    """``settings.leads_as_of`` as a UTC instant (``datetime64[ns]``); None when it is empty."""
    text = settings.get("leads_as_of") or ""
    if not text:
        return None
    return _utc(clock.stamp(text, clock.zone(settings.get("timezone") or "UTC")))


def _check_as_of(leads: Leads, settings: dict[str, Any], name: str) -> None:
    """The export cannot hold a time after the moment it was taken."""
    as_of = as_of_setting(settings)
    if as_of is not None and leads.latest > as_of:
        raise UserError(f"{name}, {leads.latest_at}: the time is after 'settings.leads_as_of' "
                        f"({settings['leads_as_of']}), when the export was taken; set leads_as_of to the moment "
                        "the export was taken, or leave it empty to use the latest time in the file.")
