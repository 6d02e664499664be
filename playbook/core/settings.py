"""Engagement settings: the package defaults, overridden per engagement.

The commented default values live in ``playbook/data/defaults.yaml``; what each
setting accepts (type, range, allowed values) is declared once, under
``settings`` in ``playbook/data/engagement.schema.json``.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import yaml

from playbook.core import clock, i18n, schema
from playbook.core.errors import UserError


@cache
def _defaults() -> dict[str, Any]:
    text = resources.files("playbook").joinpath("data/defaults.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def defaults() -> dict[str, Any]:
    """Every setting's default value (a fresh copy)."""
    return dict(_defaults())


def declared() -> dict[str, dict[str, Any]]:
    """Each setting's schema (``type``, range, ``x-allowed``, ``description``), in the order declared."""
    return dict(schema.load("engagement")["properties"]["settings"]["properties"])


def resolve(overrides: Any, source: str = "engagement.yaml", firm: Any = None) -> dict[str, Any]:
    """Defaults, then the firm's settings (``firm``: a ``core.firm.Firm``, checked when read), then ``overrides``
    (the engagement's ``settings:`` mapping), validated."""
    overrides = dates_as_text(overrides)
    schema.check(overrides, "engagement", source, at=("settings",))
    merged = {**defaults(), **(firm.layered() if firm is not None else {}), **(overrides or {})}
    if merged["symptoms_moderate_max"] < merged["symptoms_low_max"]:
        raise UserError(
            f"{source}: 'settings.symptoms_moderate_max' ({merged['symptoms_moderate_max']}) must be at least "
            f"'settings.symptoms_low_max' ({merged['symptoms_low_max']})."
        )
    _check_formats(merged, source)
    _check_clock(merged, source)
    return merged


DATED = ("holidays", "leads_as_of")  # settings YAML may hand over as dates (2026-12-25 unquoted)


def dates_as_text(overrides: Any) -> Any:
    """Dates that YAML read from unquoted text (``2026-12-25``) as the text they were written as."""
    if not isinstance(overrides, dict) or not any(k in overrides for k in DATED):
        return overrides

    def text(v: Any) -> Any:
        if isinstance(v, date):
            return v.isoformat(sep=" ") if hasattr(v, "hour") else v.isoformat()
        return v

    out = dict(overrides)
    if isinstance(out.get("holidays"), list):
        out["holidays"] = [text(v) for v in out["holidays"]]
    if "leads_as_of" in out:
        out["leads_as_of"] = text(out["leads_as_of"])
    return out


def _check_clock(merged: dict[str, Any], source: str) -> None:
    """The time zone, business hours, holidays and as-of time must be real ones (METHOD 14); the schema checks
    only how they are written."""
    rules = declared()

    def refuse(key: str, value: Any, why: str, allowed: str | None = None) -> None:
        raise UserError(f"{source}: 'settings.{key}' is {value!r}, {why}; it must be "
                        f"{allowed or rules[key]['x-allowed']}.")

    tz = clock.zone(merged["timezone"])
    if tz is None:
        refuse("timezone", merged["timezone"], "which is not a known time zone")
    if clock.opening(merged["business_hours"]) is None:
        refuse("business_hours", merged["business_hours"], "which is not an opening time before a closing time")
    for n, text in enumerate(merged.get("holidays") or [], start=1):
        if clock.day(text) is None:
            raise UserError(f"{source}: 'settings.holidays[{n}]' is {text!r}, which is not a real date; it must be "
                            f"{rules['holidays']['items']['x-allowed']}.")
    as_of = merged.get("leads_as_of") or ""
    if as_of and clock.stamp(as_of, tz) is None:
        refuse("leads_as_of", as_of, "which is not a real date and time")


def _check_formats(merged: dict[str, Any], source: str) -> None:
    """The currency and the locale must be ones Babel can format (METHOD 11); the schema checks only their shape."""
    from playbook.core import formats

    rules = declared()
    if not formats.known_currency(merged["currency"]):
        raise UserError(f"{source}: 'settings.currency' is {merged['currency']!r}, which is not a known ISO 4217 "
                        f"currency code; it must be {rules['currency']['x-allowed']}.")
    if not formats.known_locale(merged["locale"]):
        raise UserError(f"{source}: 'settings.locale' is {merged['locale']!r}, which is not a known locale; it must "
                        f"be {rules['locale']['x-allowed']}.")
    merged["locale"] = formats.normal_locale(merged["locale"])  # de-DE, de_de -> de_DE
    language = i18n.language_for(merged)
    if language not in i18n.shipped():
        raise UserError(f"{source}: 'settings.language' is {merged['language']!r}, which the playbook does not "
                        f"ship; it must be one of {', '.join(i18n.shipped())}, or empty for the locale's language.")
    merged["language"] = language
