"""The economics part of an engagement: prospecting, attribution and the lead experiment together (METHOD 4, 12).

``read`` loads and validates the part's three input files once (``prospecting.yaml``,
``deals.csv``, ``experiment.csv``); ``evaluate_snapshot`` turns what it read into the
``prospecting``, ``attribution`` and ``experiment`` blocks of results.json (each None
when its file is absent). The rules live in ``prospecting``, ``attribution`` and
``experiment``; ``words`` says the findings and ``views`` draws the charts and tables.
``whatif`` is the prospecting block for a changed plan, as the interactive report's what-if asks.
"""

from __future__ import annotations

from typing import Any

from playbook.core.engagement import Engagement
from playbook.parts.economics import attribution, experiment, prospecting

KEYS = ("prospecting", "attribution", "experiment")


def read(eng: Engagement) -> dict[str, Any] | None:
    """The validated prospecting data, deals and experiment groups; None when the engagement has none of them."""
    data = {"prospecting": prospecting.load(eng), "deals": attribution.load(eng), "experiment": experiment.load(eng)}
    return None if all(v is None for v in data.values()) else data


def _settings(settings: dict[str, Any] | None) -> dict[str, Any]:
    from playbook.core.settings import defaults

    return {**defaults(), **(settings or {})}


def prospecting_block(plan: dict[str, Any], settings: dict[str, Any] | None, recorded: dict[str, Any] | None,
                      overrides: dict[str, Any] | None = None, kept=()) -> dict[str, Any]:
    """The ``prospecting`` block for the plan ``plan`` under the engagement's ``settings`` (``spend_elasticity``,
    ``hire_ramp``), with the deal list's ``attribution`` block ``recorded`` (or None) for the hire alternative;
    ``overrides`` and ``kept`` are the interactive what-if's values and the scenarios kept there."""
    s = _settings(settings)
    sales = None if recorded is None else float((recorded.get("by_source") or {}).get("sales", 0.0))
    return prospecting.evaluate_economics(plan, overrides, elasticity=s["spend_elasticity"], ramp=s["hire_ramp"],
                                          recorded_sales=sales, kept=kept)


def evaluate_data(data: dict[str, Any] | None, settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """The three results.json blocks from what ``read`` returned; a block is None when its file is absent."""
    data = data or {}
    plan, deals, groups = data.get("prospecting"), data.get("deals"), data.get("experiment")
    recorded = None if deals is None else attribution.evaluate(deals)
    if recorded is not None:  # the deals cover the period prospecting.yaml names (METHOD 12)
        recorded["period"] = plan["period"] if plan is not None else prospecting.DEFAULT_PERIOD
    return {
        "prospecting": None if plan is None else prospecting_block(plan, settings, recorded),
        "attribution": recorded,
        "experiment": None if groups is None else experiment.evaluate(groups),
    }


def evaluate_snapshot(snap, wave: str | None = None) -> dict[str, Any]:
    """The part's results.json blocks from a run's snapshot (the economics do not depend on the wave)."""
    return evaluate_data(snap.data.get("economics"), snap.engagement.settings)


def evaluate(eng: Engagement) -> dict[str, Any]:
    """The three results.json blocks, reading the engagement's files."""
    return evaluate_data(read(eng), eng.settings)


def whatif(snap, results: dict[str, Any], overrides: dict[str, Any] | None, kept=()) -> dict[str, Any]:
    """The ``prospecting`` block with the plan changed by ``overrides`` (the interactive what-if) and the scenarios
    ``kept`` there, from a run's snapshot and its ``results`` (the recorded deals are the run's)."""
    return prospecting_block(snap.data["economics"]["prospecting"], snap.engagement.settings,
                             results.get("attribution"), overrides, kept)
