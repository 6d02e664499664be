"""The economics part of an engagement: prospecting, attribution and the lead experiment together (METHOD 4).

``read`` loads and validates the part's three input files once (``prospecting.yaml``,
``deals.csv``, ``experiment.csv``); ``evaluate_snapshot`` turns what it read into the
``prospecting``, ``attribution`` and ``experiment`` blocks of results.json (each None
when its file is absent). The rules live in ``prospecting``, ``attribution`` and
``experiment``; ``words`` says the findings and ``views`` draws the charts and tables.
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


def evaluate_data(data: dict[str, Any] | None) -> dict[str, Any]:
    """The three results.json blocks from what ``read`` returned; a block is None when its file is absent."""
    data = data or {}
    plan, deals, groups = data.get("prospecting"), data.get("deals"), data.get("experiment")
    return {
        "prospecting": None if plan is None else prospecting.evaluate_economics(plan),
        "attribution": None if deals is None else attribution.evaluate(deals),
        "experiment": None if groups is None else experiment.evaluate(groups),
    }


def evaluate_snapshot(snap, wave: str | None = None) -> dict[str, Any]:
    """The part's results.json blocks from a run's snapshot (the economics do not depend on the wave)."""
    return evaluate_data(snap.data.get("economics"))


def evaluate(eng: Engagement) -> dict[str, Any]:
    """The three results.json blocks, reading the engagement's files."""
    return evaluate_data(read(eng))
