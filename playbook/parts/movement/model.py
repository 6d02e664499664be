"""Waves and what moved between the two latest (METHOD 9): the rules, on plain data.

An engagement is re-assessed in waves. For every wave that has answers, this part
keeps that wave's stage and level scores (from its credibility ratings, on the
METHOD basis) and its symptom count; between the two latest waves it computes what
moved: the stage, each level's score, each credibility item's mean rating on the
sales side, each self-evaluation item's yes-share, and the symptoms that appeared
or went away.

"Don't know" answers count in no mean or share (METHOD 7), and an item's mean or
share from fewer than ``min_group_size`` scored answers is ``None`` (METHOD 8), so
its change is ``None`` too. Numbers are kept at full precision; ``words`` and
``views`` round them for people.
"""

from __future__ import annotations

from typing import Any

from playbook.core.engagement import Engagement
from playbook.core.instruments import is_scored, item_ids
from playbook.parts.credibility import model as credibility

LEVELS = ("1", "2", "3")
SE_CODES = ("MSE", "SSE")
MEAN = "mean"  # a credibility item: mean rating (1-5) on the sales side
YES_SHARE = "yes_share"  # a self-evaluation item: share of "yes" among the scored answers


def _wave_of(eng: Engagement, answer: dict) -> str:
    return answer.get("wave") or eng.period


def _by_wave(eng: Engagement, answers: list[dict], upto: str | None) -> dict[str, list[dict]]:
    """Answers grouped by wave, oldest first, keeping the waves up to and including ``upto`` (None: every wave)."""
    grouped: dict[str, list[dict]] = {}
    for a in answers:
        grouped.setdefault(_wave_of(eng, a), []).append(a)
    return {w: grouped[w] for w in sorted(grouped) if upto is None or w <= upto}


def symptoms_present(answers: list[dict]) -> list[str] | None:
    """The symptoms reported (a 'yes' from anyone) in one wave's answers; None when no symptom was asked."""
    if not any(a["item"].startswith("SYM-") for a in answers):
        return None
    return [i for i in item_ids("SYM") if any(a["item"] == i and a["value"] == "yes" for a in answers)]


def wave_summary(eng: Engagement, wave: str, answers: list[dict]) -> dict[str, Any]:
    """One wave's stage and level scores (METHOD basis; None without ratings) and its symptom count."""
    stage = scores = basis = None
    if credibility.ratings(answers):
        cred = credibility.evaluate(eng, answers, basis="auto", wave=wave)
        stage, scores, basis = cred["stage"], dict(cred["level_scores"]), cred["basis"]
    present = symptoms_present(answers)
    return {"wave": wave, "stage": stage, "level_scores": scores, "basis": basis,
            "symptoms_count": None if present is None else len(present)}


def item_figures(answers: list[dict], min_group: int) -> dict[str, dict[str, Any]]:
    """Per item of one wave: its figure (sales-side mean rating, or yes-share) and how many scored answers it rests on.

    The figure is None when fewer than ``min_group`` scored answers exist; "don't know" is never counted.
    """
    out: dict[str, dict[str, Any]] = {}
    for item in credibility.cs_items():
        values = [a["value"] for a in answers
                  if a["item"] == item and a.get("side") == "sales" and isinstance(a["value"], int)]
        out[item] = {"measure": MEAN, "n": len(values),
                     "value": sum(values) / len(values) if values and len(values) >= min_group else None}
    for code in SE_CODES:
        for item in item_ids(code):
            values = [a["value"] for a in answers if a["item"] == item and is_scored(a["value"])]
            out[item] = {"measure": YES_SHARE, "n": len(values),
                         "value": sum(v == "yes" for v in values) / len(values)
                         if values and len(values) >= min_group else None}
    return out


def _difference(new: float | int | None, old: float | int | None) -> float | int | None:
    return None if new is None or old is None else new - old


def movement(eng: Engagement, older: tuple[str, list[dict]], newer: tuple[str, list[dict]]) -> dict[str, Any]:
    """What moved from the ``older`` wave to the ``newer`` one (each a (wave, answers) pair)."""
    min_group = int(eng.settings["min_group_size"])
    (w0, a0), (w1, a1) = older, newer
    s0, s1 = wave_summary(eng, w0, a0), wave_summary(eng, w1, a1)
    f0, f1 = item_figures(a0, min_group), item_figures(a1, min_group)
    levels0, levels1 = s0["level_scores"] or {}, s1["level_scores"] or {}
    p0, p1 = symptoms_present(a0), symptoms_present(a1)
    compared = p0 is not None and p1 is not None
    return {
        "from": w0,
        "to": w1,
        "stage_from": s0["stage"],
        "stage_to": s1["stage"],
        "stage_change": _difference(s1["stage"], s0["stage"]),
        "level_changes": {k: _difference(levels1.get(k), levels0.get(k)) for k in LEVELS},
        "items": [{"item": item, "measure": f0[item]["measure"], "from": f0[item]["value"], "to": f1[item]["value"],
                   "change": _difference(f1[item]["value"], f0[item]["value"]),
                   "n_from": f0[item]["n"], "n_to": f1[item]["n"]} for item in f1],
        "symptoms_compared": compared,
        "symptoms_new": [i for i in p1 if i not in p0] if compared else [],
        "symptoms_gone": [i for i in p0 if i not in p1] if compared else [],
        "min_group_size": min_group,
    }


def evaluate(eng: Engagement, answers: list[dict], wave: str | None = None) -> dict[str, Any]:
    """``waves`` and ``movement`` of results.json, from the answers of every wave.

    Only the waves up to and including ``wave`` count (None: every wave), so a page
    about an earlier wave shows what moved up to then. ``waves`` is None when no wave
    has answers; ``movement`` is None with fewer than two waves.
    """
    grouped = _by_wave(eng, answers, wave)
    if not grouped:
        return {"waves": None, "movement": None}
    waves = [wave_summary(eng, w, a) for w, a in grouped.items()]
    moved = movement(eng, *list(grouped.items())[-2:]) if len(grouped) > 1 else None
    return {"waves": waves, "movement": moved}


def movers(moved: dict[str, Any], measure: str, n: int = 3) -> tuple[list[dict], list[dict]]:
    """The ``n`` items of one measure that rose most and the ``n`` that fell most (largest change first)."""
    changed = [i for i in moved["items"] if i["measure"] == measure and i["change"] is not None]
    # float noise must not make an unchanged item look moved
    up = sorted((i for i in changed if round(i["change"], 9) > 0), key=lambda i: -round(i["change"], 9))
    down = sorted((i for i in changed if round(i["change"], 9) < 0), key=lambda i: round(i["change"], 9))
    return up[:n], down[:n]


def read(eng: Engagement) -> None:
    """This part's input is the answers, which the run's snapshot already holds: nothing else to read."""
    return None


def evaluate_snapshot(snap, wave: str | None = None) -> dict[str, Any]:
    """``waves`` and ``movement`` from the snapshot only, up to the page's ``wave`` (default: every wave)."""
    codes = (*SE_CODES, "SYM", "CS")
    answers = [a for a in snap.answers if a["item"].startswith(codes)]
    return evaluate(snap.engagement, answers, wave)
