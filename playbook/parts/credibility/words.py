"""The credibility stage in plain words, for the notebook, the pages, the live view and the report."""

from __future__ import annotations

from typing import Any

from playbook.core.formats import RATING, difference, number, period, share
from playbook.core.i18n import N_, _, ngettext, word
from playbook.parts.credibility.model import INSUFFICIENT, level_name
from playbook.parts.self_evaluation.words import fewer_than, quoted

WHOSE = {"sales": N_("the sales team's eyes"), "marketing": N_("marketing's own eyes"),
         "all": N_("all raters' eyes")}

__all__ = ["fewer_than", "findings", "percent", "stage_sentence", "target_sentence", "waves_sentence"]


def percent(score: float | None) -> str:
    """A level score (0-1) for people: 0.75 -> '75%'; no score -> 'insufficient data'."""
    return _("insufficient data") if score is None else share(score)


def _names(levels: list[int]) -> str:
    names = [level_name(k) for k in levels]
    return names[0] if len(names) == 1 else _("%(some)s and %(last)s", some=", ".join(names[:-1]), last=names[-1])


def stage_sentence(result: dict[str, Any]) -> str:
    """The stage and what to work on next, in one sentence."""
    stage, focus, whose = result["stage"], result["focus"], word(WHOSE, result["basis"])
    if stage == 3:
        return _("Stage 3 of 3: all three levels are established in %(whose)s; marketing works as a strategic "
                 "partner of sales, and the task now is to keep it that way.", whose=whose)
    unscored = result["level_status"][str(focus)] == INSUFFICIENT
    focus_part = _("level %(level)s, %(name)s", level=focus, name=level_name(focus))
    if unscored:
        focus_part = _("%(focus)s (not enough ratings yet to score it)", focus=focus_part)
    if stage == 0:
        how = _("cannot be scored yet (no ratings)") if unscored else _("is not established")
        return _("Stage 0 of 3: level 1, %(name)s, %(how)s in %(whose)s, so there is no foundation yet; the work "
                 "starts there, with trust earned through consistent execution.", name=level_name(1), how=how,
                 whose=whose)
    return ngettext("Stage %(stage)s of 3: %(done)s is established in %(whose)s; the focus is %(focus)s.",
                    "Stage %(stage)s of 3: %(done)s are established in %(whose)s; the focus is %(focus)s.", stage,
                    stage=stage, done=_names(list(range(1, stage + 1))), whose=whose, focus=focus_part)


def _gap_sentence(result: dict[str, Any]) -> str:
    gaps = [g for g in result["perception_gap"] if g["gap"] is not None]
    # widest first; equal gaps (up to float noise) keep the items' order
    flagged = sorted((g for g in gaps if g["flagged"]), key=lambda g: -round(abs(g["gap"]), 9))
    flag = result["perception_gap_flag"]
    points = ngettext("%(points)s rating point", "%(points)s rating points", 1 if flag == 1 else 2,
                      points=number(flag, None))
    if flagged:
        top = "; ".join(_("%(item)s (%(gap)s)", item=quoted([g["item"]]),
                          gap=difference(g.get("sales_mean"), g.get("marketing_mean"), RATING, signed=True))
                        for g in flagged[:3])
        return _("%(flagged)s of %(total)s statements show a perception gap of %(points)s or more (marketing's mean "
                 "rating minus sales'); the widest: %(top)s.", flagged=len(flagged), total=len(gaps), points=points,
                 top=top)
    if gaps:
        return _("No statement shows a perception gap of %(points)s or more between marketing and sales.",
                 points=points)
    if any(g.get("suppressed") for g in result["perception_gap"]):
        return _("No statement can be compared between marketing and sales yet: too few answers on one side.")
    return _("The perception gap needs ratings from both sides; one side has not rated yet.")


def _withheld_sentence(result: dict[str, Any]) -> str | None:
    hidden = [g["item"] for g in result["perception_gap"] if g.get("suppressed")]
    if not hidden:
        return None
    return ngettext("%(n)s statement is not compared between the sides because one side gave %(few)s, too few to "
                    "keep answers anonymous.",
                    "%(n)s statements are not compared between the sides because one side gave %(few)s, too few to "
                    "keep answers anonymous.", len(hidden), few=fewer_than(result.get("min_group_size")))


def target_sentence(result: dict[str, Any]) -> str | None:
    """How far the stage is from the client's target stage (METHOD 9)."""
    target, gap = result.get("target_stage"), result.get("gap_to_target")
    if target is None or gap is None:
        return None
    if gap == 0:
        return _("The target of stage %(target)s is reached.", target=target)
    nxt = result["stage"] + 1
    return ngettext("The target is stage %(target)s: %(n)s level to go, starting with level %(next)s, %(name)s.",
                    "The target is stage %(target)s: %(n)s levels to go, starting with level %(next)s, %(name)s.",
                    gap, target=target, next=nxt, name=level_name(nxt))


def _raters_sentence(result: dict[str, Any]) -> str | None:
    raters = result["raters"]
    if result["basis"] != "sales":
        return None
    sales = ngettext("The stage uses the ratings of %(n)s person on the sales side",
                     "The stage uses the ratings of %(n)s people on the sales side", raters["sales"])
    if not raters["marketing"]:
        return _("%(sales)s; marketing has not rated itself yet.", sales=sales)
    return ngettext("%(sales)s; the %(n)s marketing rating is shown beside them for comparison.",
                    "%(sales)s; the ratings of %(n)s people in marketing are shown beside them for comparison.",
                    raters["marketing"], sales=sales)


def _next_steps_sentence(result: dict[str, Any]) -> str | None:
    if not result["next_steps"]:
        return None
    below = sum(s.get("mean") is not None or bool(s.get("suppressed")) for s in result["next_steps"])
    unrated = len(result["next_steps"]) - below
    parts = [ngettext("%(n)s statement is below the threshold", "%(n)s statements are below the threshold",
                      below)] if below else []
    parts += [ngettext("%(n)s statement has no rating yet", "%(n)s statements have no rating yet",
                       unrated)] if unrated else []
    return _("In level %(level)s, %(what)s; the next steps say what to do about each.", level=result["focus"],
             what=_(" and ").join(parts))


def findings(result: dict[str, Any]) -> list[str]:
    """The credibility-stage findings of one ``credibility`` block, in plain words."""
    lines = [stage_sentence(result)]
    lines.extend(x for x in (_raters_sentence(result),) if x)
    scores = ", ".join(_("level %(level)s %(score)s", level=k, score=percent(s))
                       for k, s in result["level_scores"].items())
    lines.append(_("Level scores on a 0–100%% scale, established from %(threshold)s: %(scores)s.",
                   threshold=percent(result["stage_threshold"]), scores=scores))
    lines.extend(result["warnings"])
    lines.extend(x for x in (target_sentence(result),) if x)
    lines.append(_gap_sentence(result))
    lines.extend(x for x in (_withheld_sentence(result), _next_steps_sentence(result)) if x)
    return lines


def waves_sentence(waves: list[dict[str, Any]]) -> str:
    """How the stage moved from the first wave to the last."""
    return _("Across %(n)s waves the stage went from %(first)s (%(first_wave)s) to %(last)s (%(last_wave)s).",
             n=len(waves), first=waves[0]["stage"], first_wave=period(waves[0]["wave"]), last=waves[-1]["stage"],
             last_wave=period(waves[-1]["wave"]))
