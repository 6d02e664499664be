"""Engagement settings: the package defaults, overridden per engagement.

The commented defaults live in ``playbook/data/defaults.yaml``; this module
declares each key's type and range once and validates overrides against it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from playbook.core.errors import UserError


@dataclass(frozen=True)
class Rule:
    kind: type | tuple
    check: Callable[[Any], bool]
    allowed: str


def _num(lo: float | None = None, hi: float | None = None, lo_open=False, hi_open=False) -> Callable:
    def check(v: float) -> bool:
        if lo is not None and (v <= lo if lo_open else v < lo):
            return False
        if hi is not None and (v >= hi if hi_open else v > hi):
            return False
        return True

    return check


RULES: dict[str, Rule] = {
    "symptoms_low_max": Rule(int, _num(0, 8), "a whole number from 0 to 8"),
    "symptoms_moderate_max": Rule(int, _num(0, 8), "a whole number from 0 to 8"),
    "stage_threshold": Rule((int, float), _num(0, 1, lo_open=True), "a number greater than 0 and at most 1"),
    "perception_gap_flag": Rule((int, float), _num(0), "a number of 0 or more"),
    "kpi_watch": Rule((int, float), _num(0, 1, lo_open=True, hi_open=True), "a number between 0 and 1 (exclusive)"),
    "firm_name": Rule(str, lambda v: len(v) <= 120, "text of at most 120 characters"),
    "paper_size": Rule(str, lambda v: v in ("A4", "Letter"), "A4 or Letter"),
    "show_individual_answers": Rule(bool, lambda v: True, "true or false"),
}


def defaults() -> dict[str, Any]:
    text = resources.files("playbook").joinpath("data/defaults.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def resolve(overrides: Any, source: str = "engagement.yaml") -> dict[str, Any]:
    """Defaults merged with ``overrides`` (the ``settings:`` mapping), validated."""
    merged = defaults()
    if overrides is None:
        overrides = {}
    if not isinstance(overrides, dict):
        raise UserError(f"{source}: 'settings' must be a mapping of setting names to values.")
    for key, value in overrides.items():
        if key not in RULES:
            known = ", ".join(sorted(RULES))
            raise UserError(f"{source}: unknown setting 'settings.{key}'; allowed settings are {known}.")
        rule = RULES[key]
        ok_type = isinstance(value, rule.kind) and not (isinstance(value, bool) and rule.kind is not bool)
        if not ok_type or not rule.check(value):
            raise UserError(f"{source}: setting 'settings.{key}' is {value!r}; it must be {rule.allowed}.")
        merged[key] = value
    if merged["symptoms_moderate_max"] < merged["symptoms_low_max"]:
        raise UserError(
            f"{source}: 'settings.symptoms_moderate_max' ({merged['symptoms_moderate_max']}) must be at least "
            f"'settings.symptoms_low_max' ({merged['symptoms_low_max']})."
        )
    return merged
