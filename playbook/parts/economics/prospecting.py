"""Prospecting economics: what rep prospecting costs and returns, against marketing leads (METHOD 4).

``prospecting.yaml`` holds the sales team (reps, cost per rep, share of time spent
prospecting), how prospecting time splits into categories, and the marketing lead
program over the same period. Everything here is a pure function of that data.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from playbook.core import schema
from playbook.core.engagement import Engagement
from playbook.core.errors import UserError
from playbook.core.files import read_text

FILE = "prospecting.yaml"
SHARE_TOLERANCE = 0.001  # category time shares must add up to 1 within this
# The seed: reps commonly spend 20 to 40 percent of their time prospecting.
SENSITIVITY = [float(Decimal("0.20") + Decimal("0.05") * i) for i in range(5)]
BASELINE = "cold calling"  # the seed's baseline activity, matched by name
MARKETING = "Marketing leads"

# The number rules of the what-if: their names in prospecting.schema.json's $defs, which declares the file's format.
_MONEY = "amount"
_SHARE = "share"
OVERRIDES = {"reps": _MONEY, "cost_per_rep": _MONEY, "prospecting_share": _SHARE, "program_cost": _MONEY}


def _number(value: Any, at: str, rule: str) -> float:
    """``value`` checked against the schema's number rule ``rule`` (``amount``, ``share``); ``at`` names it."""
    schema.check_value(value, "prospecting", rule, at)
    return float(value)


def _fields(raw: dict[str, Any], *keys: str) -> dict[str, float]:
    """The numbers ``keys`` of a mapping the schema has checked, as floats."""
    return {key: float(raw[key]) for key in keys}


def _categories(raw: list[dict[str, Any]], src: str) -> list[dict[str, Any]]:
    """The categories the schema has checked; their names must be unique and their time shares add up to 1."""
    seen: dict[str, int] = {}
    out = []
    for n, entry in enumerate(raw, start=1):
        name = entry["name"].strip()
        key = _key(name)
        if key in seen:
            raise UserError(f"{src}: categories[{n}].name {name!r} repeats categories[{seen[key]}]; category names "
                            "must be unique.")
        seen[key] = n
        out.append({"name": name, **_fields(entry, "time_share", "opportunities", "win_rate", "avg_deal")})
    total = sum(c["time_share"] for c in out)
    if abs(total - 1) > SHARE_TOLERANCE:
        raise UserError(f"{src}: the categories' time_share values add up to {round(total, 4)}; they must add up "
                        f"to 1 (within {SHARE_TOLERANCE}).")
    return out


def parse(text: str, source: str = FILE) -> dict[str, Any]:
    """Validated prospecting data from the text of a ``prospecting.yaml``."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark else ""
        raise UserError(f"{source}: not valid YAML{line} ({getattr(exc, 'problem', exc)}).") from None
    schema.check(raw, "prospecting", source)  # playbook/data/prospecting.schema.json: each key's type and range
    data = _fields(raw, "reps", "cost_per_rep", "prospecting_share")
    data["categories"] = _categories(raw["categories"], source)
    data["marketing"] = _fields(raw["marketing"], "program_cost", "opportunities", "win_rate", "avg_deal")
    return data


def load(eng: Engagement) -> dict[str, Any] | None:
    """The engagement's validated prospecting data, or None when it has no ``prospecting.yaml``."""
    path: Path | None = eng.file(FILE)
    return None if path is None else parse(read_text(path), path.name)


def _key(name: str) -> str:
    return re.sub(r"[\s_-]+", " ", name).strip().casefold()


def _div(a: float, b: float) -> float | None:
    return a / b if b else None


def _f(x: float | None) -> float | None:
    """A number for results.json at full precision; None when absent or not finite (an overflow)."""
    return None if x is None or not math.isfinite(x) else float(x)


def _line(name: str, cost: float, opportunities: float, win_rate: float, avg_deal: float) -> dict[str, Any]:
    revenue = opportunities * win_rate * avg_deal
    return {"name": name, "cost": cost, "opportunities": opportunities, "revenue": revenue,
            "cost_per_opportunity": _div(cost, opportunities), "revenue_per_dollar": _div(revenue, cost)}


def _finite(line: dict[str, Any]) -> dict[str, Any]:
    return {k: (v if k == "name" else _f(v)) for k, v in line.items()}


def _apply(data: dict[str, Any], overrides: dict[str, Any] | None) -> dict[str, Any]:
    d = {**data, "marketing": dict(data["marketing"])}
    for key, value in (overrides or {}).items():
        if key not in OVERRIDES:
            raise UserError(f"what-if: {key!r} cannot be changed; allowed: {', '.join(OVERRIDES)}.")
        value = _number(value, f"what-if: {key}", OVERRIDES[key])
        if key == "program_cost":
            d["marketing"]["program_cost"] = value
        else:
            d[key] = value
    return d


def evaluate_economics(data: dict[str, Any], overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``prospecting`` block of results.json; ``overrides`` changes reps, costs or the share (what-if)."""
    d = _apply(data, overrides)
    reps, per_rep, share = d["reps"], d["cost_per_rep"], d["prospecting_share"]
    cost = reps * per_rep * share
    cats = [_line(c["name"], cost * c["time_share"], c["opportunities"], c["win_rate"], c["avg_deal"])
            for c in d["categories"]]
    total = sum(c["revenue"] for c in cats)
    m = d["marketing"]
    mkt = _line(MARKETING, m["program_cost"], m["opportunities"], m["win_rate"], m["avg_deal"])
    base = next((c for c in cats if _key(c["name"]) == BASELINE), None)
    basis = "cold_calling"
    if base is None:
        opps = sum(c["opportunities"] for c in cats)
        base = {"name": "All prospecting (blended)", "cost": cost, "opportunities": opps, "revenue": total,
                "cost_per_opportunity": _div(cost, opps), "revenue_per_dollar": _div(total, cost)}
        basis = "blended"
    beats_base = None if base["revenue_per_dollar"] is None or mkt["revenue_per_dollar"] is None \
        else mkt["revenue_per_dollar"] > base["revenue_per_dollar"]
    extra = _div(m["program_cost"], per_rep)
    rev_per_rep = _div(total, reps)
    hire = extra * rev_per_rep if extra is not None and rev_per_rep is not None else None
    return {
        "reps": _f(reps), "cost_per_rep": _f(per_rep), "prospecting_share": _f(share),
        "prospecting_cost": _f(cost),
        "total_revenue": _f(total),
        "revenue_per_dollar": _f(_div(total, cost)),
        "categories": [_finite(c) for c in cats],
        "marketing": {k: v for k, v in _finite(mkt).items() if k != "name"},
        "baseline": {**_finite(base), "basis": basis, "marketing_beats_baseline": beats_base},
        "hire_alternative": {
            "extra_reps": _f(extra), "revenue_per_rep": _f(rev_per_rep), "revenue": _f(hire),
            "marketing_beats_hiring": None if hire is None else mkt["revenue"] > hire,
        },
        "sensitivity": [
            {"prospecting_share": s, "cost": _f(reps * per_rep * s),
             "revenue_per_dollar": _f(_div(total, reps * per_rep * s))}
            for s in SENSITIVITY
        ],
    }
