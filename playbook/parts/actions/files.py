"""The action plan's file, ``actions.csv``: parse, validate, write (METHOD 10).

Columns ``action_id,source,item,action,owner,due,status`` and optionally ``note``.
Rows arrive as ``(label, {column: text})`` (the KPI files' helpers make them from a
CSV text or a spreadsheet sheet), so every error names the file, the row and the column.

Decisions the method leaves open:

- An action id is a short code of letters and digits with '-' or '_' inside, at most
  32 characters, unique in the file regardless of case. ``playbook actions`` numbers
  the actions it proposes ``A-001``, ``A-002``, ... after the highest such number.
- ``source`` and ``status`` are case-insensitive on input and stored in lowercase;
  a credibility item is stored as its id (``CS2-1``), a KPI item as its metric id.
- ``item`` is a credibility item (CS1-1 ... CS3-6) for source credibility, a metric of
  the engagement's ``kpis.csv`` for source kpi, any question's id (MSE-1 ... CS3-6) for
  source knowledge (a knowledge gap, METHOD 7), and empty for sources experiment (the lead
  experiment, METHOD 4 and 12) and custom.
- ``owner`` is a respondent id of engagement.yaml; ``due`` a real date ``YYYY-MM-DD``.
- The action text is one line of 1 to 400 characters; the note is optional, one line
  of at most 400 characters.
- Unknown columns are refused, so a misspelt ``status`` column never passes silently.

Whether a kpi item is a metric of the engagement needs ``kpis.csv`` as well:
``check_items`` does that once both files are read (``model.check``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from playbook.core.engagement import Engagement
from playbook.core.errors import UserError
from playbook.core.files import write_atomic
from playbook.core.instruments import items, level_items
from playbook.parts.kpis.files import DEFINITIONS, METRIC_ID

FILE = "actions.csv"
COLUMNS = ("action_id", "source", "item", "action", "owner", "due", "status")
OPTIONAL = ("note",)
SOURCES = ("credibility", "kpi", "knowledge", "experiment", "custom")
NO_ITEM = ("experiment", "custom")  # sources whose actions name no item
STATUSES = ("open", "in_progress", "done", "dropped")
ACTIVE = ("open", "in_progress")  # an action still being worked on (and so possibly overdue)
ACTION_ID = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,30}[A-Za-z0-9])?$")
DUE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_TEXT = 400

Rows = Iterable[tuple[str, dict[str, str]]]


@dataclass(frozen=True)
class Action:
    action_id: str
    source: str
    item: str  # a CS item id, a KPI metric id, or "" (custom)
    action: str
    owner: str  # a respondent id
    due: str  # YYYY-MM-DD
    status: str
    note: str = ""
    label: str = field(default="", compare=False)  # where it was read ("row 4"), for later messages

    @property
    def due_date(self) -> date:
        return date.fromisoformat(self.due)


def cs_items() -> list[str]:
    return [i for level in (1, 2, 3) for i in level_items(level)]


def _at(source: str, label: str, column: str) -> str:
    return f"{source}, {label}, column '{column}'"


def _listed(values: Iterable[str], most: int = 12) -> str:
    values = list(values)
    return ", ".join(values[:most]) + (", ..." if len(values) > most else "") if values else "none"


def _line(text: str, where: str, what: str, required: bool) -> str:
    if not text and required:
        raise UserError(f"{where}: the {what} is empty; write what is to be done, in one line.")
    broken = "\n" in text or "\r" in text
    if len(text) > MAX_TEXT or broken:
        raise UserError(f"{where}: the {what} must be one line of at most {MAX_TEXT} characters (it has "
                        + (f"{len(text)} characters)." if not broken else "a line break)."))
    return text


def _choice(row: dict[str, str], column: str, allowed: tuple[str, ...], where: str, aid: str) -> str:
    value = row.get(column, "").lower()
    if value not in allowed:
        raise UserError(f"{where}: {column} {row.get(column, '')!r} of action '{aid}' is not allowed; "
                        f"allowed: {', '.join(allowed)}.")
    return value


def _item(source: str, row: dict[str, str], where: str, aid: str) -> str:
    raw = row.get("item", "")
    if source in NO_ITEM:
        if raw:
            raise UserError(f"{where}: action '{aid}' has source {source}, so its item must be empty (it is "
                            f"{raw!r}); use source credibility for a CS item, kpi for a KPI metric or knowledge for "
                            "a question one side cannot judge.")
        return ""
    if not raw:
        raise UserError(f"{where}: action '{aid}' has source {source} but no item; give "
                        f"{_WANTED[source]}, or use source custom.")
    if source == "knowledge":
        if raw.upper() not in items():
            raise UserError(f"{where}: item {raw!r} of action '{aid}' is not a question of the questionnaires; "
                            "allowed: MSE-1 ... MSE-6, SSE-1 ... SSE-3, SYM-1 ... SYM-8, CS1-1 ... CS3-6.")
        return raw.upper()
    if source == "credibility":
        if raw.upper() not in cs_items():
            hint = " (it looks like a KPI metric: use source kpi)" if METRIC_ID.match(raw) else ""
            raise UserError(f"{where}: item {raw!r} of action '{aid}' is not a credibility item; allowed: "
                            f"CS1-1 ... CS1-8, CS2-1 ... CS2-6, CS3-1 ... CS3-6{hint}.")
        return raw.upper()
    if raw.upper() in cs_items():
        raise UserError(f"{where}: item {raw!r} of action '{aid}' is a credibility item, not a KPI metric; use "
                        "source credibility for it.")
    if not METRIC_ID.match(raw.lower()):
        raise UserError(f"{where}: item {raw!r} of action '{aid}' is not a KPI metric id; KPI metric ids are "
                        f"lowercase letters, digits, '-' and '_' as in {DEFINITIONS}.")
    return raw.lower()


_WANTED = {"credibility": "a credibility item (CS1-1 ... CS3-6)", "kpi": "a KPI metric id",
           "knowledge": "the question one side cannot judge (MSE-1 ... CS3-6)"}


def _due(text: str, where: str, aid: str) -> str:
    try:
        if not DUE.match(text):
            raise ValueError(text)
        date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{where}: due date {text!r} of action '{aid}' is not allowed; write a date as "
                        "YYYY-MM-DD (for example 2026-12-15).") from None
    return text


def parse(rows: Rows, eng: Engagement, source: str = FILE) -> list[Action]:
    """Validated actions, in the order given (the KPI metric of a kpi item is checked by ``check_items``)."""
    out: list[Action] = []
    first_seen: dict[str, tuple[str, str]] = {}  # lowercased id -> (id, label)
    people = eng.by_id
    for label, row in rows:
        aid = row.get("action_id", "")
        where = _at(source, label, "action_id")
        if not ACTION_ID.match(aid):
            raise UserError(f"{where}: action id {aid!r} is not allowed; use letters, digits, '-' and '_' "
                            "(at most 32 characters, for example A-001).")
        if aid.lower() in first_seen:
            seen, at = first_seen[aid.lower()]
            raise UserError(f"{where}: action id '{aid}' appears twice (first as '{seen}' at {at}); each action "
                            "id once.")
        first_seen[aid.lower()] = (aid, label)
        kind = _choice(row, "source", SOURCES, _at(source, label, "source"), aid)
        item = _item(kind, row, _at(source, label, "item"), aid)
        text = _line(row.get("action", ""), _at(source, label, "action"), f"text of action '{aid}'", True)
        owner = row.get("owner", "")
        if owner not in people:
            raise UserError(f"{_at(source, label, 'owner')}: owner {owner!r} of action '{aid}' is not a respondent "
                            f"of engagement.yaml; respondent ids: {_listed(people)}.")
        due = _due(row.get("due", ""), _at(source, label, "due"), aid)
        status = _choice(row, "status", STATUSES, _at(source, label, "status"), aid)
        note = _line(row.get("note", ""), _at(source, label, "note"), f"note of action '{aid}'", False)
        out.append(Action(aid, kind, item, text, owner, due, status, note, label))
    return out


def check_items(actions: list[Action], metrics: Collection[str] | None, source: str = FILE,
                definitions: str = DEFINITIONS) -> None:
    """Every kpi item is a metric of the engagement (``metrics``: its metric ids; None when it has no kpis.csv)."""
    for a in actions:
        if a.source != "kpi" or (metrics is not None and a.item in metrics):
            continue
        where = _at(source, a.label or f"action '{a.action_id}'", "item")
        if metrics is None:
            raise UserError(f"{where}: item '{a.item}' of action '{a.action_id}' is a KPI metric, but the engagement "
                            f"has no {definitions}; define the metric there or use source custom.")
        raise UserError(f"{where}: item '{a.item}' of action '{a.action_id}' is neither a credibility item nor a "
                        f"KPI metric of {definitions}; metrics: {_listed(metrics)}.")


def text(actions: list[Action]) -> str:
    """The plan as ``actions.csv`` holds it."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS + OPTIONAL)
    for a in actions:
        w.writerow([a.action_id, a.source, a.item, a.action, a.owner, a.due, a.status, a.note])
    return buf.getvalue()


def write(folder: Path, actions: list[Action]) -> None:
    """Write ``actions.csv`` into ``folder`` atomically (validate before calling this)."""
    write_atomic(Path(folder), {FILE: text(actions)})
