"""What moved between the two latest waves, in plain words, for the notebook, the pages and the report.

A change is written between the two figures it joins and equals their difference as shown
(``formats.change``: "46% → 77%, up 31 points"; METHOD 13).
"""

from __future__ import annotations

from typing import Any

from playbook.core.formats import RATING, SHARE, delta, difference, figure, period
from playbook.core.formats import change as shown_change
from playbook.core.i18n import N_, _, ngettext, quote
from playbook.core.instruments import items, label
from playbook.parts.credibility.model import level_name
from playbook.parts.movement.model import LEVELS, MEAN, YES_SHARE, movers

FIRST_WAVE = N_("There is nothing to compare yet: this is the first wave.")
NOT_ASSESSED = N_("Not assessed: no answers were collected in any wave.")


def kind(measure: str) -> str:
    """The kind of figure a measure is shown as: a yes-share in percent, a mean rating to one decimal."""
    return SHARE if measure == YES_SHARE else RATING


def _names(levels: list[int]) -> str:
    names = [level_name(k) for k in levels]
    return names[0] if len(names) == 1 else _("%(some)s and %(last)s", some=", ".join(names[:-1]), last=names[-1])


def item_figure(value: float | None, measure: str) -> str:
    """An item's figure for people: a mean rating to one decimal, or a yes-share in percent."""
    return figure(value, kind(measure)) if value is not None else "–"


def item_change(row: dict[str, Any], signed: bool = True) -> str:
    """An item's change as the difference of its two figures shown: ``+2.0``, ``−37 points``."""
    return difference(row["from"], row["to"], kind(row["measure"]), signed=signed)


def statement(item: str) -> str:
    return items()[item].text.rstrip(".")


def stage_sentence(moved: dict[str, Any]) -> str:
    """The stage change, in one sentence that opens the section."""
    old, new = moved.get("stage_from"), moved.get("stage_to")
    since, then = period(moved["from"]), period(moved["to"])
    if old is None or new is None:
        missing = since if old is None else then
        return _("What moved since %(since)s: the stage cannot be compared, because %(missing)s has no credibility "
                 "ratings.", since=since, missing=missing)
    if new > old:
        gained = list(range(old + 1, new + 1))
        return ngettext("What moved since %(since)s: the stage rose from %(old)s to %(new)s in %(then)s; %(names)s "
                        "is now established.",
                        "What moved since %(since)s: the stage rose from %(old)s to %(new)s in %(then)s; %(names)s "
                        "are now established.", len(gained), since=since, old=old, new=new, then=then,
                        names=_names(gained))
    if new < old:
        lost = list(range(new + 1, old + 1))
        return ngettext("What moved since %(since)s: the stage fell from %(old)s to %(new)s in %(then)s; %(names)s "
                        "is no longer established.",
                        "What moved since %(since)s: the stage fell from %(old)s to %(new)s in %(then)s; %(names)s "
                        "are no longer established.", len(lost), since=since, old=old, new=new, then=then,
                        names=_names(lost))
    return _("What moved since %(since)s: the stage stayed at %(new)s in %(then)s.", since=since, new=new, then=then)


def level_scores(moved: dict[str, Any], waves: list[dict[str, Any]]) -> dict[str, tuple[Any, Any]]:
    """Each level's score in the two compared waves: ``{"1": (before, after)}``."""
    scores = {w["wave"]: w.get("level_scores") or {} for w in waves}
    before, after = scores.get(moved["from"], {}), scores.get(moved["to"], {})
    return {k: (before.get(k), after.get(k)) for k in LEVELS}


def levels_sentence(moved: dict[str, Any], waves: list[dict[str, Any]]) -> str:
    """Each level's score in both waves and its change (the difference of the two scores shown)."""
    parts = []
    for k, (old, new) in level_scores(moved, waves).items():
        name = _("level %(level)s, %(name)s", level=k, name=level_name(int(k)))
        if old is None or new is None:
            parts.append(_("%(name)s, cannot be compared (no ratings in one of the waves)", name=name))
        else:
            parts.append(_("%(name)s, %(change)s", name=name, change=shown_change(old, new, SHARE)))
    return _("Level scores: %(parts)s.", parts="; ".join(parts))


def shown_movers(moved: dict[str, Any], measure: str) -> tuple[list[dict], list[dict]]:
    """The items that rose and fell most, leaving out those whose figures read the same in both waves."""
    up, down = movers(moved, measure)
    return ([r for r in up if delta(r["from"], r["to"], kind(measure))],
            [r for r in down if delta(r["from"], r["to"], kind(measure))])


def _listing(rows: list[dict[str, Any]]) -> str:
    return "; ".join(_("“%(label)s”: %(change)s", label=label(r["item"]),
                       change=shown_change(r["from"], r["to"], kind(r["measure"]))) for r in rows)


MEASURES = (
    (MEAN, N_("No credibility rating can be compared: %(why)s."),
     N_("Ratings that rose most (sales side, mean of 1 to 5): %(list)s."), N_("No credibility rating went up."),
     N_("Ratings that fell most (sales side, mean of 1 to 5): %(list)s."), N_("No credibility rating went down.")),
    (YES_SHARE, N_("No self-evaluation statement can be compared: %(why)s."),
     N_("Self-evaluation statements agreed with more often: %(list)s."),
     N_("No self-evaluation statement was agreed with more often."),
     N_("Self-evaluation statements agreed with less often: %(list)s."),
     N_("No self-evaluation statement was agreed with less often.")),
)


def _why_not(moved: dict[str, Any], measure: str, rows: list[dict]) -> str:
    unasked = [w for w, n in ((moved["from"], "n_from"), (moved["to"], "n_to")) if not any(i.get(n) for i in rows)]
    if unasked:
        if measure == MEAN:
            return _("no one on the sales side rated them in %(wave)s", wave=period(unasked[0]))
        return _("no one answered them in %(wave)s", wave=period(unasked[0]))
    return _("each needs at least %(n)s answers in both waves", n=moved.get("min_group_size", 3))


def items_sentences(moved: dict[str, Any]) -> list[str]:
    """The credibility ratings and self-evaluation statements that moved most, up and down (three of each)."""
    lines = []
    for measure, none, up_words, no_up, down_words, no_down in MEASURES:
        rows = [i for i in moved["items"] if i["measure"] == measure]
        if not any(i.get("n_from") or i.get("n_to") or i["from"] is not None or i["to"] is not None for i in rows):
            continue  # not asked in either wave
        if all(i["change"] is None for i in rows):
            lines.append(_(none, why=_why_not(moved, measure, rows)))
            continue
        up, down = shown_movers(moved, measure)
        lines.append(_(up_words, list=_listing(up)) if up else _(no_up))
        lines.append(_(down_words, list=_listing(down)) if down else _(no_down))
    return lines


def small_groups_sentence(moved: dict[str, Any]) -> str | None:
    """How many items are left out because too few people answered them in a wave (METHOD 8)."""
    size = moved.get("min_group_size", 3)
    few = [i["item"] for i in moved["items"] if i["change"] is None
           and any(0 < (i.get(k) or 0) < size for k in ("n_from", "n_to"))]
    if not few:
        return None
    from playbook.parts.self_evaluation.words import quoted

    return ngettext("%(n)s statement cannot be compared because fewer than %(size)s people answered it in one of "
                    "the waves: %(items)s.",
                    "%(n)s statements cannot be compared because fewer than %(size)s people answered them in one of "
                    "the waves: %(items)s.", len(few), size=size, items=quoted(few))


def symptoms_sentences(moved: dict[str, Any], waves: list[dict[str, Any]]) -> list[str]:
    counts = {w["wave"]: w.get("symptoms_count") for w in waves}
    if not moved.get("symptoms_compared", True):
        asked = [w for w in (moved["from"], moved["to"]) if counts.get(w) is not None]
        if not asked:
            return []
        missing = moved["to"] if asked == [moved["from"]] else moved["from"]
        return [_("Symptoms cannot be compared: no one was asked about them in %(wave)s.", wave=period(missing))]
    new, gone = moved["symptoms_new"], moved["symptoms_gone"]
    if not new and not gone:
        return [_("No symptom of misalignment appeared or went away.")]
    named = "; ".join
    lines = []
    if new:
        lines.append(_("Symptoms that appeared: %(list)s.", list=named(quote(label(i)) for i in new)))
    if gone:
        lines.append(_("Symptoms that went away: %(list)s.", list=named(quote(label(i)) for i in gone)))
    return lines


def findings(waves: list[dict[str, Any]] | None, moved: dict[str, Any] | None) -> list[str]:
    """What moved since the previous wave, in plain words; one line when there is nothing to compare."""
    if not waves:
        return [_(NOT_ASSESSED)]
    if not moved:
        return [_(FIRST_WAVE)]
    lines = [stage_sentence(moved), levels_sentence(moved, waves)]
    lines += items_sentences(moved)
    few = small_groups_sentence(moved)
    if few:
        lines.append(few)
    lines += symptoms_sentences(moved, waves)
    return lines
