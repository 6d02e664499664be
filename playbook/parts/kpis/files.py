"""KPI definitions (``kpis.csv``) and values (``kpi_values.csv``): parse, validate, write (METHOD 3).

The same parsers serve the CSV files, the XLSX import and the workshop setup
sheet: each gets rows as ``(label, {column: text})`` where the label says where
the row came from ("row 4" in a file, "metric win-rate, period 2026-08" in a
widget), so every error names its source, row and column.

Decisions the method leaves open:

- Metric ids are slugs: lowercase letters and digits, with hyphens or underscores inside.
- Categorical values are case-insensitive on input and stored in lowercase.
- Goals and actuals are plain numbers of 0 or more (``1200``, ``12.5``, ``1e6``; no
  thousands separators, no ``%``). A goal is required; an empty actual means no data.
- One metric uses one kind of period, months or quarters, never both (a quarter and
  its months would count the same weeks twice).
- Unknown columns are refused, so a misspelt ``aggregation`` never passes silently.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from playbook.core.errors import UserError
from playbook.core.files import csv_delimiter, write_atomic

DEFINITIONS = "kpis.csv"
VALUES = "kpi_values.csv"
DEF_COLUMNS = ("metric", "name", "unit", "direction", "owner", "designation", "indicator")
DEF_OPTIONAL = ("aggregation",)
VALUE_COLUMNS = ("metric", "period", "goal", "actual")
CHOICES: dict[str, tuple[str, ...]] = {
    "unit": ("count", "currency", "percent", "ratio", "days", "hours"),
    "direction": ("higher", "lower"),
    "owner": ("marketing", "sales", "shared"),
    "designation": ("managed", "monitored"),
    "indicator": ("leading", "lagging"),
    "aggregation": ("sum", "mean", "last"),
}
SUMMED_UNITS = ("count", "currency")  # default aggregation sum; every other unit: mean
METRIC_ID = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$")
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")

Rows = Iterable[tuple[str, dict[str, str]]]


@dataclass(frozen=True)
class Metric:
    metric: str
    name: str
    unit: str
    direction: str
    owner: str
    designation: str
    indicator: str
    aggregation: str = ""  # as written; empty means the unit's default

    @property
    def how(self) -> str:
        """The aggregation used to date: the given one or the unit's default."""
        return self.aggregation or ("sum" if self.unit in SUMMED_UNITS else "mean")


@dataclass(frozen=True)
class Value:
    metric: str
    period: str
    goal: float
    actual: float | None  # None: no data yet (never zero)


@dataclass
class KpiData:
    metrics: dict[str, Metric] = field(default_factory=dict)  # in definition order
    values: list[Value] = field(default_factory=list)  # in file order


def period_key(period: str) -> tuple[int, int, int]:
    """Chronological sort key: a quarter sorts at its end, right after its last month."""
    m = MONTH.match(period)
    if m:
        return int(m.group(1)), int(m.group(2)), 0
    q = QUARTER.match(period)
    if q:
        return int(q.group(1)), 3 * int(q.group(2)), 1
    raise ValueError(period)


def _at(source: str, label: str, column: str) -> str:
    return f"{source}, {label}, column '{column}'"


def _header(source: str, header: list[str], required: tuple[str, ...], optional: tuple[str, ...]) -> None:
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in required + optional]
    allowed = ", ".join(required) + (f" and optionally {', '.join(optional)}" if optional else "")
    if missing:
        raise UserError(f"{source}: column {', '.join(repr(c) for c in missing)} is missing; the columns are {allowed}.")
    if unknown:
        raise UserError(f"{source}: column {', '.join(repr(c) for c in unknown)} is not known; the columns are "
                        f"{allowed}.")
    doubled = sorted({c for c in header if header.count(c) > 1})
    if doubled:
        raise UserError(f"{source}: column {', '.join(repr(c) for c in doubled)} appears twice; each column once.")


def parse_definitions(rows: Rows, source: str = DEFINITIONS) -> dict[str, Metric]:
    """Validated metric definitions by id, in the order given."""
    out: dict[str, Metric] = {}
    first_seen: dict[str, str] = {}
    for label, row in rows:
        mid = row.get("metric", "")
        if not METRIC_ID.match(mid):
            raise UserError(f"{_at(source, label, 'metric')}: metric id {mid!r} is not allowed; use lowercase letters, "
                            "digits, '-' and '_' (for example 'win-rate').")
        if mid in out:
            raise UserError(f"{_at(source, label, 'metric')}: metric '{mid}' is defined twice (first at "
                            f"{first_seen[mid]}); each metric once.")
        name = row.get("name", "")
        if not name or len(name) > 120 or "\n" in name:
            raise UserError(f"{_at(source, label, 'name')}: the name of metric '{mid}' must be one line of 1 to 120 "
                            "characters.")
        picked = {}
        for column, allowed in CHOICES.items():
            value = row.get(column, "").lower()
            if column == "aggregation" and not value:
                picked[column] = ""
                continue
            if value not in allowed:
                raise UserError(f"{_at(source, label, column)}: {column} {row.get(column, '')!r} of metric '{mid}' is "
                                f"not allowed; allowed: {', '.join(allowed)}"
                                f"{' (or empty for the default)' if column == 'aggregation' else ''}.")
            picked[column] = value
        out[mid] = Metric(metric=mid, name=name, **picked)
        first_seen[mid] = label
    return out


def parse_number(text: str, where: str, what: str, required: bool) -> float | None:
    if not text:
        if required:
            raise UserError(f"{where}: the {what} is empty; it must be a number of 0 or more.")
        return None
    if not NUMBER.match(text):
        raise UserError(f"{where}: {what} {text!r} is not a number; write a plain number such as 1200 or 12.5 "
                        "(no thousands separators, no % sign)" + ("" if required else ", or leave it empty for no data")
                        + ".")
    number = float(text)
    if not math.isfinite(number) or number < 0:
        raise UserError(f"{where}: {what} {text!r} is not allowed; it must be a number of 0 or more.")
    return number


def parse_values(rows: Rows, metrics: dict[str, Metric], source: str = VALUES,
                 definitions: str = DEFINITIONS) -> list[Value]:
    """Validated goal and actual per metric and period, in the order given."""
    out: list[Value] = []
    seen: dict[tuple[str, str], str] = {}
    kind: dict[str, tuple[str, str]] = {}  # metric -> (month|quarter, label of its first row)
    for label, row in rows:
        mid = row.get("metric", "")
        if mid not in metrics:
            known = ", ".join(list(metrics)[:12]) + (", ..." if len(metrics) > 12 else "")
            raise UserError(f"{_at(source, label, 'metric')}: metric {mid!r} is not defined in {definitions}; "
                            f"defined metrics: {known or 'none'}.")
        period = row.get("period", "").upper()
        if not (MONTH.match(period) or QUARTER.match(period)):
            raise UserError(f"{_at(source, label, 'period')}: period {row.get('period', '')!r} of metric '{mid}' is "
                            "not allowed; write a month as YYYY-MM (2026-07) or a quarter as YYYY-Qn (2026-Q3).")
        this = "month" if MONTH.match(period) else "quarter"
        first = kind.setdefault(mid, (this, label))
        if first[0] != this:
            raise UserError(f"{_at(source, label, 'period')}: metric '{mid}' mixes months and quarters ({period} here, "
                            f"a {first[0]} at {first[1]}); use one kind of period per metric.")
        if (mid, period) in seen:
            raise UserError(f"{_at(source, label, 'period')}: metric '{mid}' has period {period} twice (also at "
                            f"{seen[(mid, period)]}); one row per metric and period.")
        seen[(mid, period)] = label
        goal = parse_number(row.get("goal", ""), _at(source, label, "goal"), f"goal of '{mid}' for {period}", True)
        actual = parse_number(row.get("actual", ""), _at(source, label, "actual"), f"actual of '{mid}' for {period}",
                              False)
        out.append(Value(mid, period, float(goal or 0.0), actual))
    return out


def csv_rows(text: str, source: str, required: tuple[str, ...],
             optional: tuple[str, ...] = ()) -> list[tuple[str, dict[str, str]]]:
    """The non-blank rows of a CSV text, labelled by spreadsheet row number (header is row 1)."""
    if not text.strip():
        raise UserError(f"{source}: the file is empty; it needs a header row with {', '.join(required)}.")
    reader = csv.reader(io.StringIO(text), delimiter=csv_delimiter(text, required))
    header = [h.strip().lower() for h in next(reader)]
    _header(source, header, required, optional)
    rows = []
    for n, raw in enumerate(reader, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        if len(raw) > len(header):
            raise UserError(f"{source}, row {n}: the row has {len(raw)} cells but the header has {len(header)} "
                            "columns; check for a stray comma.")
        rows.append((f"row {n}", {h: (raw[i].strip() if i < len(raw) else "") for i, h in enumerate(header)}))
    return rows


def table_rows(header: list, body: Iterable[tuple[str, list]], source: str, required: tuple[str, ...],
               optional: tuple[str, ...] = ()) -> list[tuple[str, dict[str, str]]]:
    """Rows from a grid (a spreadsheet sheet): ``body`` is ``(label, cells)`` with cells already text."""
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    while names and not names[-1]:
        names.pop()
    _header(source, names, required, optional)
    out = []
    for label, cells in body:
        row = {h: (str(cells[i]).strip() if i < len(cells) and cells[i] is not None else "")
               for i, h in enumerate(names)}
        if any(row.values()):
            out.append((label, row))
    return out


def number_text(x: float | None) -> str:
    """A number as the files write it: whole numbers without '.0', others in the shortest exact form."""
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def definitions_text(data: KpiData) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(DEF_COLUMNS + DEF_OPTIONAL)
    for m in data.metrics.values():
        w.writerow([m.metric, m.name, m.unit, m.direction, m.owner, m.designation, m.indicator, m.aggregation])
    return buf.getvalue()


def values_text(data: KpiData) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(VALUE_COLUMNS)
    for v in data.values:
        w.writerow([v.metric, v.period, number_text(v.goal), number_text(v.actual)])
    return buf.getvalue()


def check(data: KpiData) -> KpiData:
    """Render both files and parse them back with the file rules: what passes is exactly what gets written."""
    metrics = parse_definitions(csv_rows(definitions_text(data), DEFINITIONS, DEF_COLUMNS, DEF_OPTIONAL))
    values = parse_values(csv_rows(values_text(data), VALUES, VALUE_COLUMNS), metrics)
    return KpiData(metrics, values)


def write(folder: Path, data: KpiData, which: tuple[str, ...] = (DEFINITIONS, VALUES)) -> None:
    """Validate ``data`` with the file rules, then write ``kpis.csv`` and/or ``kpi_values.csv`` atomically."""
    checked = check(data)
    texts = {DEFINITIONS: definitions_text(checked), VALUES: values_text(checked)}
    write_atomic(Path(folder), {name: texts[name] for name in which})
