"""Self-evaluations and symptoms in plain words, for the notebook, the pages and the report."""

from __future__ import annotations

from typing import Any

from playbook.core.instruments import item_ids

WIDE_GAP = 0.5  # the two sides see a statement very differently from a 50-point difference in yes share


def fewer_than(min_group_size: int | None) -> str:
    """What a table writes where a side's figure is withheld (METHOD 8)."""
    n = min_group_size or 0
    return f"fewer than {n} answer{'' if n == 1 else 's'}"


def withheld(records: list[dict[str, Any]], pairs=(("self_yes_share", "self_n"), ("peer_yes_share", "peer_n"))) -> int:
    """How many side figures of ``records`` are withheld: some scored answers, but fewer than the group size."""
    return sum(1 for g in records for value, n in pairs if g[value] is None and g.get(n, 0) > 0)


def left_out(count: int, what: str, min_group_size: int | None) -> str:
    """'2 figures left out: fewer than 3 answers' for a chart's title; '' when nothing was left out."""
    if not count:
        return ""
    return f"{count} {what}{'' if count == 1 else 's'} left out: {fewer_than(min_group_size)}"


def _wide(difference: float | None) -> bool:
    """|difference| >= 50 points, ignoring float noise (7/10 - 1/5 is exactly 50 points)."""
    return difference is not None and round(abs(difference), 9) >= WIDE_GAP


def findings(result: dict[str, Any]) -> list[str]:
    """The self-evaluation findings in plain words (``result`` holds ``self_evaluation`` and ``symptoms``)."""
    se, sym = result["self_evaluation"], result["symptoms"]
    n_mse, n_sse, n_sym = len(item_ids("MSE")), len(item_ids("SSE")), len(item_ids("SYM"))
    lines = []
    m = se["marketing"]
    if m["credibility_gap"] is None:
        lines.append("The marketing leader has not answered the marketing self-evaluation yet.")
    elif m["credibility_gap"]:
        lines.append(f"A credibility gap exists: the marketing leader agreed with {m['yes_count']} of {n_mse} "
                     "statements (more than one is the sign).")
    else:
        lines.append(f"No credibility gap from the marketing leader's own view ({m['yes_count']} of {n_mse} "
                     "statements).")
    s = se["sales"]
    if s["meet_marketing_peer"] is None:
        lines.append("The sales leader has not answered the sales self-evaluation yet.")
    elif s["meet_marketing_peer"]:
        lines.append(f"The sales leader should meet the marketing leader: {s['yes_count']} of {n_sse} statements "
                     "about sales were answered yes.")
    else:
        lines.append("The sales leader answered no to every statement about sales; no meeting is called for on that "
                     "basis.")
    wide = [g for g in se["perception_gap"] if _wide(g["difference"])]
    if wide:
        ids = ", ".join(g["item"] for g in wide)
        lines.append(f"The two sides see {len(wide)} statement(s) very differently (gap of 50 points or more): {ids}.")
    hidden = [g["item"] for g in se["perception_gap"] if g.get("suppressed")]
    if hidden:
        lines.append(f"{len(hidden)} statement(s) are not compared side by side because one side gave "
                     f"{fewer_than(se.get('min_group_size'))} to them, too few to keep answers anonymous: "
                     f"{', '.join(hidden)}.")
    lines.append(f"{sym['count']} of {n_sym} symptoms of misalignment were reported ({sym['severity']}).")
    return lines
