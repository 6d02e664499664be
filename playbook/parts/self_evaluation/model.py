"""Self-evaluations, perception gap and misalignment symptoms (METHOD 1).

Pure computation over answer dicts (as from ``responses.current_answers``):
``respondent``, ``item``, ``value``, ``side``, ``role``.
"""

from __future__ import annotations

from typing import Any

from playbook.core.engagement import Engagement
from playbook.core.instruments import instruments, item_ids

# Rules given by the seed article, not settings.
GAP_MORE_THAN = 1  # more than one marketing-leader "yes" means a credibility gap
MEET_AT_LEAST = 1  # one or more sales-leader "yes" means the leaders should meet


def _yes_share(values: list[str]) -> float | None:
    return round(sum(v == "yes" for v in values) / len(values), 4) if values else None


def _leader_check(eng: Engagement, answers: list[dict], side: str, code: str) -> dict[str, Any]:
    leader = eng.leader(side)
    ids = item_ids(code)
    mine = {a["item"]: a["value"] for a in answers if leader and a["respondent"] == leader.id and a["item"] in ids}
    yes = [i for i in ids if mine.get(i) == "yes"]
    return {
        "leader": leader.id if leader else None,
        "yes_count": len(yes),
        "yes_items": yes,
        "answered": len(mine),
        "unanswered": [i for i in ids if i not in mine],
    }


def leader_flags(eng: Engagement, answers: list[dict]) -> tuple[dict, dict]:
    mkt = _leader_check(eng, answers, "marketing", "MSE")
    mkt["credibility_gap"] = mkt["yes_count"] > GAP_MORE_THAN if mkt["answered"] else None
    sls = _leader_check(eng, answers, "sales", "SSE")
    sls["meet_marketing_peer"] = sls["yes_count"] >= MEET_AT_LEAST if sls["answered"] else None
    return mkt, sls


def perception_gap(answers: list[dict]) -> list[dict[str, Any]]:
    """Per self-evaluation item: yes share in the self view, in the peer view, and peer - self."""
    out = []
    for code in ("MSE", "SSE"):
        own_side = instruments()[code].about
        for item in item_ids(code):
            given = [a for a in answers if a["item"] == item]
            self_v = [a["value"] for a in given if a["side"] == own_side]
            peer_v = [a["value"] for a in given if a["side"] != own_side]
            s, p = _yes_share(self_v), _yes_share(peer_v)
            out.append({
                "item": item,
                "about": own_side,
                "self_yes_share": s,
                "peer_yes_share": p,
                "difference": round(p - s, 4) if s is not None and p is not None else None,
                "self_n": len(self_v),
                "peer_n": len(peer_v),
            })
    return out


def severity(count: int, settings: dict) -> str:
    if count <= settings["symptoms_low_max"]:
        return "low"
    if count <= settings["symptoms_moderate_max"]:
        return "moderate"
    return "severe"


def symptoms(answers: list[dict], settings: dict) -> dict[str, Any]:
    shares: dict[str, float | None] = {}
    present = []
    for item in item_ids("SYM"):
        values = [a["value"] for a in answers if a["item"] == item]
        shares[item] = _yes_share(values)
        if "yes" in values:
            present.append(item)
    respondents = {a["respondent"] for a in answers if a["item"].startswith("SYM-")}
    return {
        "count": len(present),
        "present": present,
        "severity": severity(len(present), settings),
        "shares": shares,
        "respondents": len(respondents),
    }


def evaluate(eng: Engagement, answers: list[dict]) -> dict[str, Any]:
    """``self_evaluation`` and ``symptoms`` of results.json for one wave's answers."""
    mkt, sls = leader_flags(eng, answers)
    return {
        "self_evaluation": {"marketing": mkt, "sales": sls, "perception_gap": perception_gap(answers)},
        "symptoms": symptoms(answers, eng.settings),
    }


def findings(result: dict[str, Any]) -> list[str]:
    """The self-evaluation findings in plain words, for the notebook and the report."""
    se, sym = result["self_evaluation"], result["symptoms"]
    lines = []
    m = se["marketing"]
    if m["credibility_gap"] is None:
        lines.append("The marketing leader has not answered the marketing self-evaluation yet.")
    elif m["credibility_gap"]:
        lines.append(f"A credibility gap exists: the marketing leader agreed with {m['yes_count']} of 6 statements "
                     "(more than one is the sign).")
    else:
        lines.append(f"No credibility gap from the marketing leader's own view ({m['yes_count']} of 6 statements).")
    s = se["sales"]
    if s["meet_marketing_peer"] is None:
        lines.append("The sales leader has not answered the sales self-evaluation yet.")
    elif s["meet_marketing_peer"]:
        lines.append(f"The sales leader should meet the marketing leader: {s['yes_count']} of 3 statements about "
                     "sales were answered yes.")
    else:
        lines.append("The sales leader answered no to every statement about sales; no meeting is called for on that basis.")
    wide = [g for g in se["perception_gap"] if g["difference"] is not None and abs(g["difference"]) >= 0.5]
    if wide:
        ids = ", ".join(g["item"] for g in wide)
        lines.append(f"The two sides see {len(wide)} statement(s) very differently (gap of 50 points or more): {ids}.")
    lines.append(f"{sym['count']} of 8 symptoms of misalignment were reported ({sym['severity']}).")
    return lines


def gap_table(result: dict[str, Any]):
    """The perception gap as a DataFrame with the item text."""
    import pandas as pd

    from playbook.core.instruments import items

    rows = [{**g, "statement": items()[g["item"]].text} for g in result["self_evaluation"]["perception_gap"]]
    return pd.DataFrame(rows)[["item", "about", "statement", "self_yes_share", "peer_yes_share", "difference"]]


def symptom_table(result: dict[str, Any]):
    import pandas as pd

    from playbook.core.instruments import items

    sym = result["symptoms"]
    return pd.DataFrame([
        {"item": i, "symptom": items()[i].text, "reported": i in sym["present"], "share": share}
        for i, share in sym["shares"].items()
    ])


def report_section(results: dict[str, Any]) -> dict[str, Any]:
    """Findings, figures and tables for the report."""
    if not results.get("self_evaluation"):
        return {"findings": ["Not assessed: no self-evaluation answers."], "figures": [], "tables": []}
    from playbook.core.formats import share
    from playbook.parts.self_evaluation import views as charts

    part = {"self_evaluation": results["self_evaluation"], "symptoms": results["symptoms"]}
    gaps = gap_table(part)
    for col in ("self_yes_share", "peer_yes_share", "difference"):
        gaps[col] = gaps[col].map(lambda v, c=col: share(v, signed=c == "difference"))
    gaps.columns = ["Item", "About", "Statement", "Own view (yes)", "Other side (yes)", "Difference"]
    sym = symptom_table(part)
    sym["share"] = sym["share"].map(share)
    sym["reported"] = sym["reported"].map({True: "yes", False: "no"})
    sym.columns = ["Item", "Symptom", "Reported", "Share of respondents"]
    return {
        "findings": findings(part),
        "figures": [("Perception gap", charts.perception_gap(part)), ("Symptoms", charts.symptoms(part))],
        "tables": [("Self-evaluation statements: each side's view", gaps), ("Symptoms of misalignment", sym)],
    }
