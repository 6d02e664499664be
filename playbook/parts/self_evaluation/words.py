"""Self-evaluations and symptoms in plain words, for the notebook, the pages and the report."""

from __future__ import annotations

from typing import Any

from playbook.core.instruments import item_ids

WIDE_GAP = 0.5  # the two sides see a statement very differently from a 50-point difference in yes share


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
    lines.append(f"{sym['count']} of {n_sym} symptoms of misalignment were reported ({sym['severity']}).")
    return lines
