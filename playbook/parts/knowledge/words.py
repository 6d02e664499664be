"""Knowledge gaps in plain words, for the notebook, the pages and the report."""

from __future__ import annotations

from typing import Any

from playbook.core.engagement import SIDES
from playbook.core.formats import share
from playbook.core.instruments import items
from playbook.parts.knowledge.model import reaches


def flag_of(results: dict[str, Any]) -> float:
    """The ``dont_know_flag`` the results were computed with (the default when they do not say)."""
    from playbook.core.settings import defaults

    return float((results.get("settings") or {}).get("dont_know_flag", defaults()["dont_know_flag"]))


def whether(item: str) -> str:
    """The item's statement as a 'whether ...' clause: 'whether marketing and sales plan the year together'."""
    text = items()[item].text.strip().rstrip(".")
    if len(text) > 1 and not text[1].isupper():  # keep an acronym's capitals
        text = text[0].lower() + text[1:]
    if text.startswith(("when ", "if ")):
        return f"whether, {text}"
    return f"whether {text}"


def _answers(count: dict[str, int], side: str | None = None) -> str:
    """'3 of 5 sales answers were' / '1 of 4 answers was'."""
    k, n = count["dont_know"], count["answers"]
    who = f"{side} " if side else ""
    return f"{k} of {n} {who}answer{'' if n == 1 else 's'} {'was' if k == 1 else 'were'}"


def gap_sentence(gap: dict[str, Any], flag: float) -> str:
    """One knowledge gap, as the consultant can read it out."""
    counts = gap["counts"]
    short = [s for s in SIDES if reaches(gap["sides"].get(s), flag)]
    clause = whether(gap["item"])
    if len(short) == len(SIDES):
        detail = " and ".join(_answers(counts[s], s).rsplit(" ", 1)[0] for s in SIDES)
        were = "was" if sum(counts[s]["dont_know"] for s in SIDES) == 1 else "were"
        return f"Neither side can judge {clause}: {detail} {were} don't know ({gap['item']})."
    if short:
        side = short[0]
        return f"{side.capitalize()} cannot judge {clause}: {_answers(counts[side], side)} don't know ({gap['item']})."
    return f"Many cannot judge {clause}: {_answers(counts['all'])} don't know ({gap['item']})."


def findings(results: dict[str, Any]) -> list[str]:
    """The knowledge-gap findings of ``results`` (which hold ``knowledge_gaps`` and the settings)."""
    gaps = results.get("knowledge_gaps")
    flag = flag_of(results)
    if gaps is None:
        return ["Not assessed: no self-evaluation, symptom or credibility answers."]
    if not gaps:
        return [f"No item has a don't know share of {share(flag)} or more: both sides could judge what they were "
                "asked."]
    lines = [f"{len(gaps)} item(s) have a don't know share of {share(flag)} or more: there, people cannot judge "
             "what the other side does, which is a gap in what the two functions know of each other."]
    lines += [gap_sentence(g, flag) for g in gaps]
    return lines


def summary_text(results: dict[str, Any]) -> str | None:
    """The executive summary's sentence on knowledge gaps; None when there is none (or nothing was assessed)."""
    gaps = results.get("knowledge_gaps")
    if not gaps:
        return None
    flag = flag_of(results)
    who = []
    for g in gaps:
        short = [s for s in SIDES if reaches(g["sides"].get(s), flag)] or ["people"]
        who.append(f"{' and '.join(short)} on {g['item']}")
    n = len(gaps)
    return (f"{n} statement{'' if n == 1 else 's'} drew don't know from {share(flag)} or more of the answers "
            f"({'; '.join(who)}): where one function cannot judge the other's work, close that gap first.")
