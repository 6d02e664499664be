"""The seed's experiment: marketing leads for one group of reps, none for the other (METHOD 4).

``experiment.csv``: ``rep,group,revenue`` with group ``treatment`` (got the leads)
or ``control``. The analysis is Welch's t-test (unequal variances); the design
helpers split reps at random and size the groups.
"""

from __future__ import annotations

import csv
import io
import math
import random
from collections import Counter
from pathlib import Path
from typing import Any

from playbook.core.engagement import Engagement
from playbook.core.errors import UserError
from playbook.core.files import csv_delimiter, read_text, uncommented

FILE = "experiment.csv"
COLUMNS = ("rep", "group", "revenue")
GROUPS = ("treatment", "control")
MIN_PER_GROUP = 2  # a standard deviation needs two reps
REPS_MAX, REP_NAME_MAX = 5000, 100  # the planner's bounds: a sales force, not a phone book
TARGET_LIFT = 0.15  # the smallest lift worth detecting when the experiment saw none (the planner's default)
# The planner's starting values when the engagement has no figures of its own to start from.
PLANNER = {"reps": 24, "target_lift": TARGET_LIFT, "control_mean": 420000.0, "control_sd": 87000.0, "seed": 2026}


def _revenue(value: str, at: str, rep: str) -> float:
    try:
        revenue = float(value)
    except ValueError:
        revenue = math.nan
    if not math.isfinite(revenue):
        what = "missing" if not value else f"{value!r}, not a number"
        raise UserError(f"{at}, column revenue: the revenue of rep {rep!r} is {what}; it must be a number.")
    return revenue


def _rows(text: str, name: str):
    """``(row number, rep, group, revenue)`` for each non-blank row, each checked on its own; rows are numbered
    by the file's lines (the first line is row 1), blank and comment lines included."""
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if line.strip())  # the header
    reader = csv.DictReader(io.StringIO("\n".join(lines[first:])), delimiter=csv_delimiter(text, COLUMNS))
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise UserError(f"{name}: column {', '.join(missing)} is missing; the columns are {', '.join(COLUMNS)}.")
    reader.fieldnames = header
    for raw in reader:
        n = first + reader.line_num
        row = {k: (v or "").strip() for k, v in raw.items() if k in COLUMNS}
        if not any(row.values()):
            continue
        rep, group = row.get("rep", ""), row.get("group", "")
        at = f"{name}, row {n}"
        if not rep:
            raise UserError(f"{at}, column rep: the rep is empty; name every rep in the experiment.")
        if group.lower() not in GROUPS:
            raise UserError(f"{at}, column group: group {group!r} is not allowed; it must be treatment or control.")
        yield n, rep, group.lower(), _revenue(row.get("revenue", ""), at, rep)


def parse(path: Path) -> dict[str, list[float]] | None:
    """Validated revenue per group, ``{"treatment": [...], "control": [...]}``, from an experiment file; None when
    it holds only comments and its header (as ``playbook new`` writes it)."""
    text, commented = uncommented(read_text(path))
    name = path.name
    if not text.strip() and commented:
        return None
    if not text.strip():
        raise UserError(f"{name}: the file is empty; it needs a header row with {', '.join(COLUMNS)}.")
    groups: dict[str, list[float]] = {g: [] for g in GROUPS}
    seen: dict[str, int] = {}
    for n, rep, group, revenue in _rows(text, name):
        if rep in seen:
            raise UserError(f"{name}, row {n}, column rep: rep {rep!r} appears twice (first in row {seen[rep]}); "
                            "each rep belongs to one group once.")
        seen[rep] = n
        groups[group].append(revenue)
    if not seen and commented:
        return None
    if not seen:
        raise UserError(f"{name}: the file has a header but no reps; add one row per rep or remove the file.")
    for g, other in (("treatment", "control"), ("control", "treatment")):
        if not groups[g]:
            raise UserError(f"{name}: every rep is in the {other} group; the experiment needs both a treatment "
                            "and a control group.")
    for g in GROUPS:
        if len(groups[g]) < MIN_PER_GROUP:
            raise UserError(f"{name}: the {g} group has {len(groups[g])} rep; each group needs at least "
                            f"{MIN_PER_GROUP} reps.")
    return groups


def load(eng: Engagement) -> dict[str, list[float]] | None:
    """The engagement's experiment, or None when it has no ``experiment.csv``."""
    path = eng.file(FILE)
    return None if path is None else parse(path)


def _f(x: float | None) -> float | None:
    """A number for results.json at full precision; None when absent or not finite."""
    return None if x is None or not math.isfinite(x) else float(x)


def _describe(values: list[float]) -> dict[str, Any]:
    import numpy as np

    a = np.asarray(values, dtype=float)
    return {"n": int(a.size), "mean": float(a.mean()), "sd": float(a.std(ddof=1))}


def evaluate(groups: dict[str, list[float]], confidence: float = 0.95) -> dict[str, Any]:
    """The ``experiment`` block: lift, relative lift, Welch interval and p-value."""
    from scipy import stats

    t, c = _describe(groups["treatment"]), _describe(groups["control"])
    lift = t["mean"] - c["mean"]
    vt, vc = t["sd"] ** 2 / t["n"], c["sd"] ** 2 / c["n"]
    se = math.sqrt(vt + vc)
    if se > 0:
        dof = (vt + vc) ** 2 / (vt**2 / (t["n"] - 1) + vc**2 / (c["n"] - 1))
        half = float(stats.t.ppf(0.5 + confidence / 2, dof)) * se
        p = float(stats.ttest_ind(groups["treatment"], groups["control"], equal_var=False).pvalue)
        low, high = lift - half, lift + half
    else:  # every rep in each group has the same revenue: no spread, no test
        dof = low = high = p = None
    described = {k: {"n": v["n"], "mean": _f(v["mean"]), "sd": _f(v["sd"])} for k, v in (("treatment", t),
                                                                                           ("control", c))}
    return {
        "lift": _f(lift),
        "relative_lift": _f(lift / c["mean"]) if c["mean"] else None,
        "ci_low": _f(low),
        "ci_high": _f(high),
        "p_value": _f(p),
        "confidence": confidence,
        "df": _f(dof),
        "significant": None if p is None else p < 1 - confidence,
        **described,
        **_needed(lift, c),
    }


def _needed(lift: float, control: dict[str, Any]) -> dict[str, Any]:
    """Reps per group a test needs (power 0.8, 5 % level; METHOD 4's design helper) to detect a lift of the size
    seen, or of ``TARGET_LIFT`` when none was seen: ``needed_per_group`` and the relative lift it is for; None
    without a positive control mean."""
    if not (control["mean"] > 0 and math.isfinite(control["sd"])):
        return {"needed_per_group": None, "needed_for_lift": None}
    relative = lift / control["mean"] if lift > 0 else TARGET_LIFT
    return {"needed_per_group": reps_per_group(control["mean"], control["sd"], relative),
            "needed_for_lift": relative}


def parse_reps(text: str | list[str]) -> list[str]:
    """Rep names from comma-separated (or one-per-line) text, checked: none empty, none twice, at least four, at
    most ``REPS_MAX`` of at most ``REP_NAME_MAX`` characters each (work bounded by the text's length)."""
    if not isinstance(text, (str, list)):
        raise UserError(f"reps: {text!r} is not allowed; give the reps' names separated by commas.")
    if len(text) > REPS_MAX * (REP_NAME_MAX + 2):
        raise UserError(f"reps: the list is too long; give at most {REPS_MAX:,} names of at most {REP_NAME_MAX} "
                        "characters each.")
    names = text if isinstance(text, list) else text.replace("\n", ",").split(",")
    reps = [str(n).strip() for n in names if str(n).strip()]
    if len(reps) > REPS_MAX:
        raise UserError(f"reps: {len(reps):,} names given; an experiment plan takes at most {REPS_MAX:,}.")
    long = next((r for r in reps if len(r) > REP_NAME_MAX), None)
    if long is not None:
        raise UserError(f"reps: the name {long[:40] + '...'!r} is longer than {REP_NAME_MAX} characters; give each "
                        "rep's name on its own, separated by commas.")
    dupes = sorted(name for name, n in Counter(reps).items() if n > 1)
    if dupes:
        raise UserError(f"reps: {dupes[0]!r} is listed twice; each rep must appear once.")
    if len(reps) < 2 * MIN_PER_GROUP:
        given = f"{len(reps)} {'rep' if len(reps) == 1 else 'reps'}"
        raise UserError(f"reps: {given} given; an experiment needs at least {2 * MIN_PER_GROUP} reps "
                        f"({MIN_PER_GROUP} per group).")
    return reps


def assignment(reps: list[str] | str, seed: int) -> list[tuple[str, str]]:
    """A balanced random split of the reps into treatment and control, the same for the same seed.

    ``(rep, group)`` in the order the reps were given; with an odd number of reps the control
    group gets the extra one.
    """
    reps = parse_reps(reps)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise UserError(f"seed: {seed!r} is not allowed; it must be a whole number.")
    order = list(range(len(reps)))
    random.Random(seed).shuffle(order)
    treated = set(order[: len(reps) // 2])
    return [(rep, "treatment" if i in treated else "control") for i, rep in enumerate(reps)]


def assign(reps: list[str] | str, seed: int):
    """``assignment`` as a DataFrame ``rep,group`` (for notebooks and the report's tables)."""
    import pandas as pd

    return pd.DataFrame(assignment(reps, seed), columns=["rep", "group"])


def reps_per_group(control_mean: float, control_sd: float, relative_lift: float, alpha: float = 0.05,
                   power: float = 0.8) -> int:
    """Reps per group to detect ``relative_lift`` of the control mean: n = 2 (z_(1-a/2) + z_power)^2 sd^2 / delta^2."""
    from statistics import NormalDist  # the normal quantiles without scipy (the planner draws with the page)

    checks = [("control_mean", control_mean, lambda v: v > 0, "a number greater than 0"),
              ("control_sd", control_sd, lambda v: v >= 0, "a number of 0 or more"),
              ("relative_lift", relative_lift, lambda v: v > 0, "a number greater than 0 (0.1 means +10%)"),
              ("alpha", alpha, lambda v: 0 < v < 1, "a number between 0 and 1"),
              ("power", power, lambda v: 0 < v < 1, "a number between 0 and 1")]
    for name, value, ok, allowed in checks:
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        if not numeric or not ok(value):
            raise UserError(f"{name} is {value!r}; it must be {allowed}.")
    delta = relative_lift * control_mean
    z = NormalDist().inv_cdf(1 - alpha / 2) + NormalDist().inv_cdf(power)
    n = 2 * z**2 * control_sd**2 / delta**2
    return max(MIN_PER_GROUP, math.ceil(n - 1e-9))



def planner_inputs(results: dict[str, Any]) -> dict[str, Any]:
    """The experiment planner's starting values from an engagement's results.json blocks: its own figures (METHOD
    12). With an experiment: its reps, its control group's mean and spread, and the lift it saw (else
    ``TARGET_LIFT``); without one, the team's reps and the won revenue per rep the deal list records, with the
    spread of ``PLANNER`` for its size. ``reps`` is a list of names (``rep-01, rep-02, ...``)."""
    values = dict(PLANNER)
    e, p, a = results.get("experiment"), results.get("prospecting"), results.get("attribution")
    if e:
        values["reps"] = int(e["treatment"]["n"]) + int(e["control"]["n"])
        values["control_mean"] = float(e["control"]["mean"])
        values["control_sd"] = float(e["control"]["sd"] or PLANNER["control_sd"])
        values["target_lift"] = round(float(e.get("needed_for_lift") or TARGET_LIFT), 3)
    elif p and p.get("reps"):
        values["reps"] = max(2 * MIN_PER_GROUP, round(p["reps"]))
        if a and a.get("won_revenue"):
            values["control_mean"] = float(a["won_revenue"]) / p["reps"]
            values["control_sd"] = values["control_mean"] * PLANNER["control_sd"] / PLANNER["control_mean"]
    values["reps"] = ", ".join(f"rep-{i:02d}" for i in range(1, values["reps"] + 1))
    return values
