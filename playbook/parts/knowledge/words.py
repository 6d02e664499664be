"""Knowledge gaps in plain words, for the notebook, the pages and the report."""

from __future__ import annotations

from typing import Any

from playbook.core import i18n
from playbook.core.engagement import SIDES
from playbook.core.formats import share
from playbook.core.i18n import N_, _, ngettext
from playbook.core.instruments import items
from playbook.parts.knowledge.model import reaches
from playbook.parts.self_evaluation.words import quoted


def flag_of(results: dict[str, Any]) -> float:
    """The ``dont_know_flag`` the results were computed with (the default when they do not say)."""
    from playbook.core.settings import defaults

    return float((results.get("settings") or {}).get("dont_know_flag", defaults()["dont_know_flag"]))


def whether(item: str) -> str:
    """The item's statement as a 'whether ...' clause: 'whether marketing and sales plan the year together'."""
    text = items()[item].text.strip().rstrip(".")
    if i18n.active() != i18n.SOURCE:  # another language's grammar: its translators word the clause around the statement
        return _("whether %(statement)s", statement=text)
    if len(text) > 1 and not text[1].isupper():  # keep an acronym's capitals
        text = text[0].lower() + text[1:]
    if text.startswith(("when ", "if ")):
        return f"whether, {text}"
    return f"whether {text}"


SIDE = {"marketing": N_("marketing"), "sales": N_("sales")}


def _side(side: str) -> str:
    return _(SIDE[side]) if side in SIDE else side


def _answers(count: dict[str, int], side: str | None = None) -> str:
    """'3 of 5 sales answers were' / '1 of 4 answers was' (the verb agrees with the first number)."""
    k, n = count["dont_know"], count["answers"]
    if side:
        return ngettext("%(k)s of %(total)s %(side)s answers was", "%(k)s of %(total)s %(side)s answers were", k,
                        k=k, total=n, side=_side(side))
    return ngettext("%(k)s of %(total)s answers was", "%(k)s of %(total)s answers were", k, k=k, total=n)


def gap_sentence(gap: dict[str, Any], flag: float) -> str:
    """One knowledge gap, as the consultant can read it out."""
    counts = gap["counts"]
    short = [s for s in SIDES if reaches(gap["sides"].get(s), flag)]
    clause, named = whether(gap["item"]), quoted([gap["item"]])
    if len(short) == len(SIDES):
        detail = _(" and ").join(_("%(k)s of %(n)s %(side)s answers", k=counts[s]["dont_know"], n=counts[s]["answers"],
                                   side=_side(s)) for s in SIDES)
        return _("Neither side can judge %(clause)s: %(detail)s were “don't know” (%(named)s).", clause=clause,
                 detail=detail, named=named)
    if short:
        side = short[0]
        return _("%(Side)s cannot judge %(clause)s: %(answers)s “don't know” (%(named)s).",
                 Side=_side(side).capitalize(), clause=clause, answers=_answers(counts[side], side), named=named)
    return _("Many cannot judge %(clause)s: %(answers)s “don't know” (%(named)s).", clause=clause,
             answers=_answers(counts["all"]), named=named)


def findings(results: dict[str, Any]) -> list[str]:
    """The knowledge-gap findings of ``results`` (which hold ``knowledge_gaps`` and the settings)."""
    gaps = results.get("knowledge_gaps")
    flag = flag_of(results)
    if gaps is None:
        return [_("Not assessed: no self-evaluation, symptom or credibility answers.")]
    if not gaps:
        return [_("No statement drew “don't know” from %(flag)s or more of its answers: both sides could judge what "
                  "they were asked.", flag=share(flag))]
    lines = [ngettext("%(n)s statement drew “don't know” from %(flag)s or more of its answers: there, people "
                      "cannot judge what the other side does, a gap in what the two functions know of each other.",
                      "%(n)s statements drew “don't know” from %(flag)s or more of their answers: there, people "
                      "cannot judge what the other side does, a gap in what the two functions know of each other.",
                      len(gaps), flag=share(flag))]
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
        short = [_side(s) for s in SIDES if reaches(g["sides"].get(s), flag)] or [_("people")]
        who.append(_("%(who)s on %(named)s", who=_(" and ").join(short), named=quoted([g["item"]])))
    return ngettext("%(n)s statement drew “don't know” from %(flag)s or more of the answers (%(who)s): where one "
                    "function cannot judge the other's work, close that gap first.",
                    "%(n)s statements drew “don't know” from %(flag)s or more of the answers (%(who)s): where one "
                    "function cannot judge the other's work, close that gap first.", len(gaps), flag=share(flag),
                    who="; ".join(who))
