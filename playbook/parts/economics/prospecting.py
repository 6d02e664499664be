"""Prospecting economics: what rep prospecting costs and returns, against marketing leads (METHOD 4 and 12).

``prospecting.yaml`` holds the period its figures cover, the sales team (reps, cost per rep, share of time
spent prospecting), how prospecting time splits into categories, the marketing lead program over the same
period, and named scenarios. Everything here is a pure function of that data.

Two questions, never mixed (METHOD 12):

- *How sure is the measurement?* The period's opportunities and deals are facts; only the share of rep time
  spent prospecting is an estimate. ``sensitivity`` keeps the revenue and moves the cost for a true share of
  20 to 40 percent.
- *What if the plan changes?* ``plan`` is the one function that moves a plan's outcomes with its inputs:
  prospecting opportunities with reps x share, marketing opportunities with spend ^ ``spend_elasticity``.
  ``scenario`` makes a row of it; the scenarios of the file, the interactive what-if and every face use them.
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
from playbook.core.i18n import N_

FILE = "prospecting.yaml"
SHARE_TOLERANCE = 0.001  # category time shares must add up to 1 within this
# The seed: reps commonly spend 20 to 40 percent of their time prospecting.
SENSITIVITY = [float(Decimal("0.20") + Decimal("0.05") * i) for i in range(5)]
BASELINE = "cold calling"  # the seed's baseline activity, matched by name
MARKETING = N_("Marketing leads")
BLENDED = N_("All prospecting (blended)")  # the baseline's name without cold calling
DEFAULT_PERIOD = N_("the last 12 months")  # METHOD 12: the period when prospecting.yaml names none
CURRENT = "current"  # the name of the engagement's own plan among the scenarios (results.json)

# What a scenario or the what-if may change, with the number rule of each: its name in prospecting.schema.json's
# $defs, which declares the file's format.
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


def _unique(names: list[str], src: str, what: str) -> None:
    """Names must be unique (ignoring case, spaces, '-' and '_'): the first repeat is refused with its key path."""
    seen: dict[str, int] = {}
    for n, name in enumerate(names, start=1):
        key = _key(name)
        if key in seen:
            raise UserError(f"{src}: {what}[{n}].name {name!r} repeats {what}[{seen[key]}]; "
                            f"{'category' if what == 'categories' else 'scenario'} names must be unique.")
        seen[key] = n


def _categories(raw: list[dict[str, Any]], src: str) -> list[dict[str, Any]]:
    """The categories the schema has checked; their names must be unique and their time shares add up to 1."""
    out = [{"name": entry["name"].strip(), **_fields(entry, "time_share", "opportunities", "win_rate", "avg_deal")}
           for entry in raw]
    _unique([c["name"] for c in out], src, "categories")
    total = sum(c["time_share"] for c in out)
    if abs(total - 1) > SHARE_TOLERANCE:
        raise UserError(f"{src}: the categories' time_share values add up to {round(total, 4)}; they must add up "
                        f"to 1 (within {SHARE_TOLERANCE}).")
    return out


def _scenarios(raw: list[dict[str, Any]] | None, src: str) -> list[dict[str, Any]]:
    """The named scenarios the schema has checked: ``{name, changes}``, names unique and never 'current'."""
    out = [{"name": entry["name"].strip(), "changes": _fields(entry, *(k for k in OVERRIDES if k in entry))}
           for entry in raw or []]
    for n, s in enumerate(out, start=1):
        if _key(s["name"]) == CURRENT:
            raise UserError(f"{src}: scenarios[{n}].name {s['name']!r} is the name of the engagement's own plan; "
                            "give the scenario another name.")
    _unique([s["name"] for s in out], src, "scenarios")
    return out


def parse(text: str, source: str = FILE) -> dict[str, Any] | None:
    """Validated prospecting data from the text of a ``prospecting.yaml``; None when it holds nothing but comments
    (as ``playbook new`` writes it: not filled in yet)."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark else ""
        raise UserError(f"{source}: not valid YAML{line} ({getattr(exc, 'problem', exc)}).") from None
    if raw is None and text.strip():
        return None
    schema.check(raw, "prospecting", source)  # playbook/data/prospecting.schema.json: each key's type and range
    data: dict[str, Any] = {"period": (raw.get("period") or "").strip() or DEFAULT_PERIOD}
    data.update(_fields(raw, "reps", "cost_per_rep", "prospecting_share"))
    data["categories"] = _categories(raw["categories"], source)
    data["marketing"] = _fields(raw["marketing"], "program_cost", "opportunities", "win_rate", "avg_deal")
    data["scenarios"] = _scenarios(raw.get("scenarios"), source)
    return data


def load(eng: Engagement) -> dict[str, Any] | None:
    """The engagement's validated prospecting data, or None when it has no ``prospecting.yaml`` (or an empty one)."""
    path: Path | None = eng.file(FILE)
    return None if path is None else parse(read_text(path), path.name)


def _key(name: str) -> str:
    return re.sub(r"[\s_-]+", " ", name).strip().casefold()


def _div(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _f(x: float | None) -> float | None:
    """A number for results.json at full precision; None when absent or not finite (an overflow)."""
    return None if x is None or not math.isfinite(x) else float(x)


def _default(key: str) -> float:
    from playbook.core.settings import defaults

    return float(defaults()[key])


# -- what if the plan changes (METHOD 12) ----------------------------------------------------------------------
def inputs(data: dict[str, Any]) -> dict[str, float]:
    """The plan's four inputs a scenario or the what-if may change, by name (``OVERRIDES``)."""
    return {"reps": data["reps"], "cost_per_rep": data["cost_per_rep"],
            "prospecting_share": data["prospecting_share"], "program_cost": data["marketing"]["program_cost"]}


def checked(changes: dict[str, Any] | None, label: str = "what-if") -> dict[str, float]:
    """``changes`` to a plan, each a known input with an allowed value (``label`` names them in a message)."""
    out = {}
    for key, value in (changes or {}).items():
        if key not in OVERRIDES:
            raise UserError(f"{label}: {key!r} cannot be changed; allowed: {', '.join(OVERRIDES)}.")
        out[key] = _number(value, f"{label}: {key}", OVERRIDES[key])
    return out


def _ratio(after: float, before: float) -> float:
    """How much a driver changed: 1 when it did not, 0 from nothing (METHOD 12: 0 when the old value is 0)."""
    if after == before:
        return 1.0
    return after / before if before else 0.0


def plan(data: dict[str, Any], changes: dict[str, Any] | None = None, elasticity: float | None = None
         ) -> dict[str, Any]:
    """The plan ``data`` with ``changes`` made, its opportunities moved with them (METHOD 12).

    A prospecting category's opportunities scale with prospecting time, reps x share (0 when the plan had no
    prospecting time); the marketing program's opportunities with (new spend / spend) ^ ``elasticity``
    (**default** ``spend_elasticity``; 0 when the new spend is 0; unchanged when the plan spent nothing).
    Win rates and deal sizes stay. An input a change leaves as it was moves nothing. ``data`` is not changed.
    """
    new = {**inputs(data), **checked(changes)}
    e = _default("spend_elasticity") if elasticity is None else float(elasticity)
    time = _ratio(new["reps"] * new["prospecting_share"], data["reps"] * data["prospecting_share"])
    m = data["marketing"]
    spend = new["program_cost"]
    if spend == m["program_cost"] or not m["program_cost"]:
        reach = 1.0
    else:
        reach = (spend / m["program_cost"]) ** e if spend else 0.0
    return {
        **data,
        "reps": new["reps"], "cost_per_rep": new["cost_per_rep"], "prospecting_share": new["prospecting_share"],
        "categories": [{**c, "opportunities": c["opportunities"] * time} for c in data["categories"]],
        "marketing": {**m, "program_cost": spend, "opportunities": m["opportunities"] * reach},
    }


def _line(name: str, cost: float, opportunities: float, win_rate: float, avg_deal: float) -> dict[str, Any]:
    revenue = opportunities * win_rate * avg_deal
    return {"name": name, "cost": cost, "opportunities": opportunities, "revenue": revenue,
            "cost_per_opportunity": _div(cost, opportunities), "revenue_per_dollar": _div(revenue, cost)}


def _lines(p: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Each prospecting category's and the marketing program's cost, opportunities and revenue in plan ``p``:
    revenue = opportunities x win rate x deal size; a category's cost = reps x cost per rep x share x its time."""
    cost = p["reps"] * p["cost_per_rep"] * p["prospecting_share"]
    cats = [_line(c["name"], cost * c["time_share"], c["opportunities"], c["win_rate"], c["avg_deal"])
            for c in p["categories"]]
    m = p["marketing"]
    return cats, _line(MARKETING, m["program_cost"], m["opportunities"], m["win_rate"], m["avg_deal"])


def _row(name: str, p: dict[str, Any], cats: list[dict[str, Any]], mkt: dict[str, Any]) -> dict[str, Any]:
    """A scenario as results.json holds it (METHOD 12)."""
    p_cost, p_rev = sum(c["cost"] for c in cats), sum(c["revenue"] for c in cats)
    total_cost, total_revenue = p_cost + mkt["cost"], p_rev + mkt["revenue"]
    row = {"name": name, **inputs(p), "prospecting_cost": p_cost, "prospecting_revenue": p_rev,
           "marketing_cost": mkt["cost"], "marketing_revenue": mkt["revenue"], "total_cost": total_cost,
           "total_revenue": total_revenue, "revenue_per_dollar": _div(total_revenue, total_cost)}
    return {k: (v if k == "name" else _f(v)) for k, v in row.items()}


def scenario(data: dict[str, Any], changes: dict[str, Any] | None = None, name: str = CURRENT,
             elasticity: float | None = None) -> dict[str, Any]:
    """One scenario: the plan ``data`` with ``changes`` (``plan``), its costs and modelled revenues and their totals."""
    p = plan(data, changes, elasticity)
    return _row(name, p, *_lines(p))


def scenarios(data: dict[str, Any], elasticity: float | None = None,
              kept: list[tuple[str, dict[str, Any]]] | tuple = ()) -> list[dict[str, Any]]:
    """The current plan first (named ``current``), then the file's scenarios, then ``kept`` ones (name, changes)."""
    named = [(CURRENT, None), *((s["name"], s["changes"]) for s in data.get("scenarios") or []), *kept]
    return [scenario(data, changes, name, elasticity) for name, changes in named]


# -- the hire alternative and the sensitivity ---------------------------------------------------------------------
def hire_alternative(p: dict[str, Any], marketing_revenue: float, prospecting_revenue: float, team: float,
                     recorded_sales: float | None, ramp: float | None = None) -> dict[str, Any]:
    """The marketing program's cost spent on extra reps instead (METHOD 12).

    Extra reps = program cost / cost per rep. Revenue per rep is what a rep sells on their own: the won amount of
    deals sourced by sales / the ``team``'s reps when the deal list is there (basis ``deals``), else the plan's
    prospecting revenue / its reps (basis ``prospecting``). Hire revenue = extra reps x revenue per rep x ``ramp``
    (**default** ``hire_ramp``: a new rep's first-year sales against a tenured rep's).
    """
    r = _default("hire_ramp") if ramp is None else float(ramp)
    extra = _div(p["marketing"]["program_cost"], p["cost_per_rep"])
    if recorded_sales is not None:
        basis, per_rep = "deals", _div(recorded_sales, team)
    else:
        basis, per_rep = "prospecting", _div(prospecting_revenue, p["reps"])
    revenue = None if extra is None or per_rep is None else extra * per_rep * r
    return {"extra_reps": _f(extra), "revenue_per_rep": _f(per_rep), "basis": basis, "ramp": r,
            "revenue": _f(revenue), "marketing_beats_hiring": None if revenue is None else marketing_revenue > revenue}


def sensitivity(data: dict[str, Any]) -> list[dict[str, Any]]:
    """How sure the measurement is (METHOD 4, 12): the period's prospecting revenue at the cost it would have had if
    the true share of rep time spent prospecting were 20 % ... 40 %. Revenue stays; only the cost moves."""
    cats, _ = _lines(data)
    revenue = sum(c["revenue"] for c in cats)
    return [{"prospecting_share": s, "cost": _f(data["reps"] * data["cost_per_rep"] * s),
             "revenue": _f(revenue), "revenue_per_dollar": _f(_div(revenue, data["reps"] * data["cost_per_rep"] * s))}
            for s in SENSITIVITY]


def _finite(line: dict[str, Any]) -> dict[str, Any]:
    return {k: (v if k == "name" else _f(v)) for k, v in line.items()}


def _baseline(cats: list[dict[str, Any]], cost: float, total: float, mkt: dict[str, Any]) -> dict[str, Any]:
    """Cold calling when listed (the seed's baseline), else all prospecting together; and whether leads beat it."""
    base = next((c for c in cats if _key(c["name"]) == BASELINE), None)
    basis = "cold_calling"
    if base is None:
        opps = sum(c["opportunities"] for c in cats)
        base = {"name": BLENDED, "cost": cost, "opportunities": opps, "revenue": total,
                "cost_per_opportunity": _div(cost, opps), "revenue_per_dollar": _div(total, cost)}
        basis = "blended"
    beats = None if base["revenue_per_dollar"] is None or mkt["revenue_per_dollar"] is None \
        else mkt["revenue_per_dollar"] > base["revenue_per_dollar"]
    return {**_finite(base), "basis": basis, "marketing_beats_baseline": beats}


def evaluate_economics(data: dict[str, Any], overrides: dict[str, Any] | None = None, *,
                       elasticity: float | None = None, ramp: float | None = None,
                       recorded_sales: float | None = None,
                       kept: list[tuple[str, dict[str, Any]]] | tuple = ()) -> dict[str, Any]:
    """The ``prospecting`` block of results.json (METHOD 6, 12).

    ``overrides`` changes the plan (the what-if): every figure of the plan moves with it (``plan``), and the
    block gains ``whatif``, the changed plan as a scenario row. The sensitivity stays the measurement's and the
    scenarios start from the engagement's own plan. ``recorded_sales`` is the won amount of deals sourced by
    sales (the hire alternative's basis ``deals``); ``kept`` are scenarios kept on the interactive page.
    """
    changes = checked(overrides)
    p = plan(data, changes, elasticity)
    cats, mkt = _lines(p)
    cost = sum(c["cost"] for c in cats)
    total = sum(c["revenue"] for c in cats)
    out = {
        "period": data.get("period") or DEFAULT_PERIOD,
        "reps": _f(p["reps"]), "cost_per_rep": _f(p["cost_per_rep"]), "prospecting_share": _f(p["prospecting_share"]),
        "prospecting_cost": _f(cost),
        "total_revenue": _f(total),
        "revenue_per_dollar": _f(_div(total, cost)),
        "categories": [_finite(c) for c in cats],
        "marketing": {k: v for k, v in _finite(mkt).items() if k != "name"},
        "baseline": _baseline(cats, cost, total, mkt),
        "hire_alternative": hire_alternative(p, mkt["revenue"], total, data["reps"], recorded_sales, ramp),
        "sensitivity": sensitivity(data),
        "scenarios": scenarios(data, elasticity, kept),
    }
    if any(changes[k] != v for k, v in inputs(data).items() if k in changes):
        out["whatif"] = _row("what-if", p, cats, mkt)
    return out
