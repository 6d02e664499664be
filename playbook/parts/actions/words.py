"""The action plan in plain words (METHOD 10).

Everything here reads the ``actions`` block of results.json (``model.score``), so the
notebook, the live view and the report say the same thing. Item changes are rounded
only as they are written ("up 0.4").
"""

from __future__ import annotations

from typing import Any

from playbook.core.formats import number

NOT_ASSESSED = ("Not assessed: the engagement has no actions.csv, so there is no action plan to follow up "
                "('playbook actions' proposes one from the next steps and the off-track managed KPIs).")
STATUS_LABELS = {"open": "open", "in_progress": "in progress", "done": "done", "dropped": "dropped"}
SHORT = 90  # characters of an action's text quoted in a finding


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def short(text: str, limit: int = SHORT) -> str:
    """The text, cut at a word before ``limit`` characters when longer, without its closing full stop."""
    text = text.rstrip(".")
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def moved(change: float | None) -> str:
    """A change in an item's mean rating for people: 'up 0.4', 'down 0.2', 'no change'."""
    if change is None:
        return "–"
    shown = number(abs(change), 1)
    if shown == number(0, 1):
        return "no change"
    return f"{'up' if change > 0 else 'down'} {shown}"


def item_moved(r: dict[str, Any], result: dict[str, Any], min_group: int | None = None) -> str:
    """For a done action: whether its item moved between the two latest waves; empty for other actions."""
    if r["status"] != "done":
        return ""
    if r["source"] == "kpi":
        return "see the KPI scorecard"
    if r["source"] != "credibility":
        return "–"
    if r["item_change"] is not None:
        return moved(r["item_change"])
    if not result.get("compared_waves"):
        return "not measured yet"
    return f"fewer than {min_group} answers" if min_group else "too few answers to compare"


def findings(result: dict[str, Any] | None) -> list[str]:
    """Counts, the overdue actions, and the done actions whose item went down (or up)."""
    if result is None:
        return [NOT_ASSESSED]
    rows = result["items"]
    if not rows:
        return ["The plan has no actions yet: the next steps of the credibility stage and the off-track managed "
                "KPIs are where to start."]
    lines = [f"{_plural(len(rows), 'action', 'actions')} in the plan: "
             + ", ".join(f"{result[s]} {label}" for s, label in STATUS_LABELS.items()) + "."]
    late = [r for r in rows if r["overdue"]]
    if late:
        lines.append(f"{_plural(len(late), 'action is', 'actions are')} overdue on {result['as_of']} (due earlier "
                     "and not done yet): "
                     + "; ".join(f"{r['action_id']}, {r['owner_name']}, due {r['due']}: {short(r['action'])}"
                                 for r in late) + ("" if short(late[-1]["action"]).endswith("…") else "."))
    elif result["open"] or result["in_progress"]:
        lines.append(f"No action is overdue on {result['as_of']}.")
    waves = result.get("compared_waves")
    done = [r for r in rows if r["status"] == "done" and r["source"] == "credibility"]
    down = [r for r in done if r["item_change"] is not None and moved(r["item_change"]).startswith("down")]
    up = [r for r in done if r["item_change"] is not None and moved(r["item_change"]).startswith("up")]
    if down:
        lines.append(f"Done, yet the rating of the item went down from {waves[0]} to {waves[1]}: "
                     + "; ".join(f"{r['action_id']} on {r['item']} ({moved(r['item_change'])})" for r in down)
                     + ". Worth asking sales what they did not see.")
    if up:
        lines.append(f"Done, and the rating of the item went up from {waves[0]} to {waves[1]}: "
                     + "; ".join(f"{r['action_id']} on {r['item']} ({moved(r['item_change'])})" for r in up) + ".")
    if done and not waves:
        lines.append(f"{_plural(len(done), 'done action is', 'done actions are')} on credibility items that are not "
                     "measured again yet; the next wave will show whether they moved.")
    return lines
