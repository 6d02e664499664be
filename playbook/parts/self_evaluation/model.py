"""Self-evaluations, perception gap and misalignment symptoms (METHOD 1, 7, 8): the rules, on plain data.

Pure computation over answer dicts (as from ``responses.current_answers``):
``respondent``, ``item``, ``value``, ``side``, ``role``. A "don't know" answer counts
as answered but in no share and no flag (METHOD 7); a side's yes-share of an item is
shown only from ``min_group_size`` scored answers (METHOD 8). Numbers are kept at full
precision; ``words`` and ``views`` round them for people.
"""

from __future__ import annotations

from typing import Any

from playbook.core.engagement import Engagement
from playbook.core.instruments import DONT_KNOW, instruments, is_scored, item_ids

# Rules given by the seed article, not settings.
GAP_MORE_THAN = 1  # more than one marketing-leader "yes" means a credibility gap
MEET_AT_LEAST = 1  # one or more sales-leader "yes" means the leaders should meet
CODES = ("MSE", "SSE", "SYM")  # the instruments this part reads


def _scored(values: list) -> list:
    """The answers that count in shares and means: every answer but "don't know" (METHOD 7)."""
    return [v for v in values if is_scored(v)]


def _yes_share(values: list[str]) -> float | None:
    """Share of yes among the scored answers; None when there is none."""
    scored = _scored(values)
    return sum(v == "yes" for v in scored) / len(scored) if scored else None


def dont_know_share(values: list) -> float | None:
    """"Don't know" answers / all answers of an item (METHOD 7); None when nobody answered it."""
    return sum(v == DONT_KNOW for v in values) / len(values) if values else None


def _leader_check(eng: Engagement, answers: list[dict], side: str, code: str) -> dict[str, Any]:
    leader = eng.leader(side)
    ids = item_ids(code)
    mine = {a["item"]: a["value"] for a in answers if leader and a["respondent"] == leader.id and a["item"] in ids}
    yes = [i for i in ids if mine.get(i) == "yes"]  # a leader's "don't know" is not a yes (METHOD 7)
    return {
        "leader": leader.id if leader else None,
        "yes_count": len(yes),
        "yes_items": yes,
        "answered": len(mine),  # "don't know" completes an item
        "dont_know_items": [i for i in ids if mine.get(i) == DONT_KNOW],
        "unanswered": [i for i in ids if i not in mine],
    }


def leader_flags(eng: Engagement, answers: list[dict]) -> tuple[dict, dict]:
    mkt = _leader_check(eng, answers, "marketing", "MSE")
    mkt["credibility_gap"] = mkt["yes_count"] > GAP_MORE_THAN if mkt["answered"] else None
    sls = _leader_check(eng, answers, "sales", "SSE")
    sls["meet_marketing_peer"] = sls["yes_count"] >= MEET_AT_LEAST if sls["answered"] else None
    return mkt, sls


def perception_gap(answers: list[dict], min_group_size: int = 1) -> list[dict[str, Any]]:
    """Per self-evaluation item: yes share in the self view, in the peer view, and peer - self.

    A view's share is None with fewer than ``min_group_size`` scored answers from that side (METHOD 8); the
    record then says ``suppressed`` and has no difference. ``self_n``/``peer_n`` count the scored answers.
    """
    out = []
    for code in ("MSE", "SSE"):
        own_side = instruments()[code].about
        for item in item_ids(code):
            given = [a for a in answers if a["item"] == item]
            self_v = _scored([a["value"] for a in given if a["side"] == own_side])
            peer_v = _scored([a["value"] for a in given if a["side"] != own_side])
            hidden = [0 < len(v) < min_group_size for v in (self_v, peer_v)]
            s = None if hidden[0] else _yes_share(self_v)
            p = None if hidden[1] else _yes_share(peer_v)
            out.append({
                "item": item,
                "about": own_side,
                "self_yes_share": s,
                "peer_yes_share": p,
                "difference": p - s if s is not None and p is not None else None,
                "self_n": len(self_v),
                "peer_n": len(peer_v),
                "dont_know_share": dont_know_share([a["value"] for a in given]),
                "suppressed": any(hidden),
            })
    return out


def severity(count: int, settings: dict) -> str:
    if count <= settings["symptoms_low_max"]:
        return "low"
    if count <= settings["symptoms_moderate_max"]:
        return "moderate"
    return "severe"


def symptoms(answers: list[dict], settings: dict) -> dict[str, Any]:
    """Symptom count, severity and shares: pooled over everyone, "don't know" left out (METHOD 7, 8)."""
    shares: dict[str, float | None] = {}
    dont_know: dict[str, float | None] = {}
    present = []
    for item in item_ids("SYM"):
        values = [a["value"] for a in answers if a["item"] == item]
        shares[item] = _yes_share(values)
        dont_know[item] = dont_know_share(values)
        if "yes" in values:
            present.append(item)
    respondents = {a["respondent"] for a in answers if a["item"].startswith("SYM-")}
    return {
        "count": len(present),
        "present": present,
        "severity": severity(len(present), settings),
        "shares": shares,
        "dont_know_shares": dont_know,
        "respondents": len(respondents),
    }


def evaluate(eng: Engagement, answers: list[dict]) -> dict[str, Any]:
    """``self_evaluation`` and ``symptoms`` of results.json for one wave's answers."""
    mkt, sls = leader_flags(eng, answers)
    return {
        "self_evaluation": {"marketing": mkt, "sales": sls,
                            "perception_gap": perception_gap(answers, int(eng.settings["min_group_size"])),
                            "min_group_size": int(eng.settings["min_group_size"])},
        "symptoms": symptoms(answers, eng.settings),
    }


def read(eng: Engagement) -> None:
    """This part's input is the answers, which the run's snapshot already holds: nothing else to read."""
    return None


def evaluate_snapshot(snap, wave: str | None = None) -> dict[str, Any]:
    """The part's results.json blocks for one wave (default: the engagement's period), from the snapshot only.

    Both blocks are None when the wave has no self-evaluation or symptom answer.
    """
    eng = snap.engagement
    answers = snap.wave_answers(wave or eng.period)
    if not any(a["item"].startswith(CODES) for a in answers):
        return {"self_evaluation": None, "symptoms": None}
    return evaluate(eng, answers)
