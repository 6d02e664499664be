"""Self-evaluations and symptoms in plain words, for the notebook, the pages and the report."""

from __future__ import annotations

from typing import Any

from playbook.core.i18n import N_, _, ngettext, quote
from playbook.core.instruments import item_ids, label

WIDE_GAP = 0.5  # the two sides see a statement very differently from a 50-point difference in yes share
SEVERITY = {"low": N_("low"), "moderate": N_("moderate"), "severe": N_("severe")}


def severity(level: str | None) -> str:
    """A symptom severity band (low, moderate, severe) in the reader's words."""
    return _(SEVERITY[level]) if level in SEVERITY else "–"


def fewer_than(min_group_size: int | None) -> str:
    """What a table writes where a side's figure is withheld (METHOD 8)."""
    n = min_group_size or 0
    return ngettext("fewer than %(n)s answer", "fewer than %(n)s answers", n)


def withheld(records: list[dict[str, Any]], pairs=(("self_yes_share", "self_n"), ("peer_yes_share", "peer_n"))) -> int:
    """How many side figures of ``records`` are withheld: some scored answers, but fewer than the group size."""
    return sum(1 for g in records for value, n in pairs if g[value] is None and g.get(n, 0) > 0)


def left_out(count: int, min_group_size: int | None) -> str:
    """'2 figures left out: fewer than 3 answers' for a chart's subtitle; '' when nothing was left out."""
    if not count:
        return ""
    return ngettext("%(n)s figure left out: %(why)s", "%(n)s figures left out: %(why)s", count,
                    why=fewer_than(min_group_size))


def quoted(items: list[str]) -> str:
    """Items by their short statements, quoted and listed: “Reaches buyers early”, “Some KPIs are shared”."""
    return ", ".join(quote(label(i)) for i in items)


def _wide(difference: float | None) -> bool:
    """|difference| >= 50 points, ignoring float noise (7/10 - 1/5 is exactly 50 points)."""
    return difference is not None and round(abs(difference), 9) >= WIDE_GAP


def _leaders(se: dict[str, Any], n_mse: int, n_sse: int) -> list[str]:
    lines = []
    m = se["marketing"]
    if m["credibility_gap"] is None:
        lines.append(_("The marketing leader has not answered the marketing self-evaluation yet."))
    elif m["credibility_gap"]:
        lines.append(_("A credibility gap exists: the marketing leader agreed with %(yes)s of %(total)s statements "
                       "about marketing (more than one is the sign).", yes=m["yes_count"], total=n_mse))
    else:
        lines.append(_("No credibility gap from the marketing leader's own view (%(yes)s of %(total)s statements "
                       "agreed with).", yes=m["yes_count"], total=n_mse))
    s = se["sales"]
    if s["meet_marketing_peer"] is None:
        lines.append(_("The sales leader has not answered the sales self-evaluation yet."))
    elif s["meet_marketing_peer"]:
        lines.append(_("The sales leader should meet the marketing leader: they agreed with %(yes)s of %(total)s "
                       "statements about sales.", yes=s["yes_count"], total=n_sse))
    else:
        lines.append(_("The sales leader agreed with no statement about sales; no meeting is called for on that "
                       "basis."))
    return lines


def findings(result: dict[str, Any]) -> list[str]:
    """The self-evaluation findings in plain words (``result`` holds ``self_evaluation`` and ``symptoms``)."""
    se, sym = result["self_evaluation"], result["symptoms"]
    lines = _leaders(se, len(item_ids("MSE")), len(item_ids("SSE")))
    wide = [g["item"] for g in se["perception_gap"] if _wide(g["difference"])]
    if wide:
        lines.append(ngettext("The two sides see %(n)s statement very differently (50 points or more apart): "
                              "%(items)s.",
                              "The two sides see %(n)s statements very differently (50 points or more apart): "
                              "%(items)s.", len(wide), items=quoted(wide)))
    hidden = [g["item"] for g in se["perception_gap"] if g.get("suppressed")]
    if hidden:
        lines.append(ngettext("%(n)s statement is not compared side by side because one side gave %(few)s to it, "
                              "too few to keep answers anonymous: %(items)s.",
                              "%(n)s statements are not compared side by side because one side gave %(few)s to "
                              "them, too few to keep answers anonymous: %(items)s.", len(hidden),
                              few=fewer_than(se.get("min_group_size")), items=quoted(hidden)))
    lines.append(_("%(count)s of %(total)s symptoms of misalignment were reported (%(severity)s).",
                   count=sym["count"], total=len(item_ids("SYM")), severity=severity(sym["severity"])))
    return lines
