"""Numbers formatted for people: percentages, money, one decimal."""

from __future__ import annotations

import math


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def share(v, signed: bool = False) -> str:
    """0.256 -> '26%' (or '+26%')."""
    if _missing(v):
        return "–"
    return f"{v * 100:+.0f}%" if signed else f"{v * 100:.0f}%"


def money(v, currency: str = "$") -> str:
    if _missing(v):
        return "–"
    sign = "-" if v < 0 else ""
    v = abs(v)
    if v >= 1_000_000:
        return f"{sign}{currency}{v / 1_000_000:.1f}M"
    if v >= 10_000:
        return f"{sign}{currency}{v / 1_000:.0f}k"
    return f"{sign}{currency}{v:,.0f}"


def number(v, digits: int = 1) -> str:
    if _missing(v):
        return "–"
    return f"{v:,.{digits}f}"


def p_value(v) -> str:
    """A p-value for people: 'p = 0.012', or 'p < 0.001' below that (never 'p = 0.000')."""
    if _missing(v):
        return "p not available"
    return "p < 0.001" if v < 0.001 else f"p = {v:.3f}"
