"""The credibility stage in plain words, for the notebook, the pages, the live view and the report."""

from __future__ import annotations

from typing import Any

from playbook.core.formats import number, share
from playbook.parts.credibility.model import INSUFFICIENT, level_name

WHOSE = {"sales": "the sales team's eyes", "marketing": "marketing's own eyes", "all": "all raters' eyes"}


def percent(score: float | None) -> str:
    """A level score (0-1) for people: 0.75 -> '75%'; no score -> 'insufficient data'."""
    return INSUFFICIENT if score is None else share(score)


def fewer_than(min_group_size: int | None) -> str:
    """What a table writes where a side's figure is withheld (METHOD 8)."""
    n = min_group_size or 0
    return f"fewer than {n} answer{'' if n == 1 else 's'}"


def stage_sentence(result: dict[str, Any]) -> str:
    """The stage and what to work on next, in one sentence."""
    stage, focus, whose = result["stage"], result["focus"], WHOSE[result["basis"]]
    if stage == 3:
        return (f"Stage 3 of 3: all three levels are established in {whose}; marketing works as a strategic partner "
                "of sales, and the task now is to keep it that way.")
    focus_part = f"level {focus}, {level_name(focus)}"
    if result["level_status"][str(focus)] == INSUFFICIENT:
        focus_part += " (not enough ratings yet to score it)"
    if stage == 0:
        how = "cannot be scored yet (no ratings)" if "not enough" in focus_part else "is not established"
        return (f"Stage 0 of 3: level 1, {level_name(1)}, {how} in {whose}, so there is no foundation yet; the "
                "work starts there, with trust earned through consistent execution.")
    done = " and ".join(level_name(k) for k in range(1, stage + 1))
    return f"Stage {stage} of 3: {done} {'is' if stage == 1 else 'are'} established in {whose}; the focus is {focus_part}."


def _gap_sentence(result: dict[str, Any]) -> str:
    gaps = [g for g in result["perception_gap"] if g["gap"] is not None]
    # widest first; equal gaps (up to float noise) keep the items' order
    flagged = sorted((g for g in gaps if g["flagged"]), key=lambda g: -round(abs(g["gap"]), 9))
    flag = result["perception_gap_flag"]
    points = f"{flag:g} rating point{'' if flag == 1 else 's'}"
    if flagged:
        top = ", ".join(f"{g['item']} ({number(g['gap'], 1, signed=True)})" for g in flagged[:3])
        return (f"{len(flagged)} of {len(gaps)} items show a perception gap of {points} or more "
                f"(marketing's mean rating minus sales'); the widest: {top}.")
    if gaps:
        return f"No item shows a perception gap of {points} or more between marketing and sales."
    if any(g.get("suppressed") for g in result["perception_gap"]):
        return "No item can be compared between marketing and sales yet: too few answers on one side."
    return "The perception gap needs ratings from both sides; one side has not rated yet."


def _withheld_sentence(result: dict[str, Any]) -> str | None:
    hidden = [g["item"] for g in result["perception_gap"] if g.get("suppressed")]
    if not hidden:
        return None
    return (f"{len(hidden)} item(s) are not compared between the sides because one side gave "
            f"{fewer_than(result.get('min_group_size'))}, too few to keep answers anonymous.")


def target_sentence(result: dict[str, Any]) -> str | None:
    """How far the stage is from the client's target stage (METHOD 9)."""
    target, gap = result.get("target_stage"), result.get("gap_to_target")
    if target is None or gap is None:
        return None
    if gap == 0:
        return f"The target of stage {target} is reached."
    nxt = result["stage"] + 1
    return (f"The target is stage {target}: {gap} level{'' if gap == 1 else 's'} to go, starting with level {nxt}, "
            f"{level_name(nxt)}.")


def findings(result: dict[str, Any]) -> list[str]:
    """The credibility-stage findings of one ``credibility`` block, in plain words."""
    lines = [stage_sentence(result)]
    raters = result["raters"]
    if result["basis"] == "sales":
        beside = (f"marketing's {raters['marketing']} rater(s) are shown beside them for comparison"
                  if raters["marketing"] else "marketing has not rated itself yet")
        lines.append(f"The stage uses the ratings of {raters['sales']} sales-side rater(s); {beside}.")
    scores = ", ".join(f"level {k} {percent(s)}" for k, s in result["level_scores"].items())
    lines.append(f"Level scores on a 0-100% scale, established from {percent(result['stage_threshold'])}: {scores}.")
    lines.extend(result["warnings"])
    lines.extend(x for x in (target_sentence(result),) if x)
    lines.append(_gap_sentence(result))
    lines.extend(x for x in (_withheld_sentence(result),) if x)
    if result["next_steps"]:
        below = sum(s.get("mean") is not None or bool(s.get("suppressed")) for s in result["next_steps"])
        unrated = len(result["next_steps"]) - below
        parts = [f"{below} item(s) are below the threshold"] if below else []
        parts += [f"{unrated} item(s) have no rating yet"] if unrated else []
        lines.append(f"In level {result['focus']}, {' and '.join(parts)}; the next steps say what to do about each.")
    return lines


def waves_sentence(waves: list[dict[str, Any]]) -> str:
    """How the stage moved from the first wave to the last."""
    return (f"Across {len(waves)} waves the stage went from {waves[0]['stage']} ({waves[0]['wave']}) to "
            f"{waves[-1]['stage']} ({waves[-1]['wave']}).")
