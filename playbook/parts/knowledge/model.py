"""Knowledge gaps: the items one side cannot judge (METHOD 7), on plain data.

A "don't know" answer completes an item but counts in no share or mean. Per item,
``dont_know_share`` = "don't know" answers / all answers of the item; an item whose
share reaches ``dont_know_flag`` is a knowledge gap between the functions. Numbers
are kept at full precision; ``words`` and ``views`` round them for people.
"""

from __future__ import annotations

from typing import Any

from playbook.core.engagement import SIDES, Engagement
from playbook.core.instruments import DONT_KNOW, items

CODES = ("MSE", "SSE", "SYM", "CS")  # every item of METHOD 1-2 takes "don't know"


def reaches(share: float | None, flag: float) -> bool:
    """share >= flag, ignoring float noise (as the credibility threshold does)."""
    return share is not None and round(share, 9) >= round(flag, 9)


def _counts(answers: list[dict]) -> dict[str, dict[str, dict[str, int]]]:
    """Per item and side (and 'all'): how many answers, how many of them "don't know"."""
    out: dict[str, dict[str, dict[str, int]]] = {}
    for a in answers:
        if not a["item"].startswith(CODES):
            continue
        per = out.setdefault(a["item"], {k: {"answers": 0, "dont_know": 0} for k in ("all", *SIDES)})
        dk = a["value"] == DONT_KNOW
        for key in ("all", a.get("side")):
            if key in per:
                per[key]["answers"] += 1
                per[key]["dont_know"] += dk
    return out


def _share(c: dict[str, int]) -> float | None:
    return c["dont_know"] / c["answers"] if c["answers"] else None


def knowledge_gaps(answers: list[dict], flag: float) -> list[dict[str, Any]]:
    """Items whose "don't know" share reaches ``flag``, highest share first (ties in questionnaire order).

    Each: ``item``, ``dont_know_share``, ``sides`` (each side's share of the item, None when that side gave
    no answer to it) and ``counts`` (answers and "don't know" answers, in all and per side).
    """
    counts = _counts(answers)
    gaps = []
    for item in items():  # questionnaire order
        if item not in counts:
            continue
        c = counts[item]
        share = _share(c["all"])
        if reaches(share, flag):
            gaps.append({"item": item, "dont_know_share": share, "sides": {s: _share(c[s]) for s in SIDES},
                         "counts": c})
    return sorted(gaps, key=lambda g: -round(g["dont_know_share"], 9))


def evaluate(eng: Engagement, answers: list[dict]) -> dict[str, Any]:
    """``knowledge_gaps`` of results.json for one wave's answers: [] when there is none, None without answers."""
    if not any(a["item"].startswith(CODES) for a in answers):
        return {"knowledge_gaps": None}
    return {"knowledge_gaps": knowledge_gaps(answers, float(eng.settings["dont_know_flag"]))}


def read(eng: Engagement) -> None:
    """This part's input is the answers, which the run's snapshot already holds: nothing else to read."""
    return None


def evaluate_snapshot(snap, wave: str | None = None) -> dict[str, Any]:
    """The part's results.json block for one wave (default: the engagement's period), from the snapshot only."""
    eng = snap.engagement
    return evaluate(eng, snap.wave_answers(wave or eng.period))
