"""What moved between the two latest waves, in plain words, for the notebook, the pages and the report."""

from __future__ import annotations

from typing import Any

from playbook.core.formats import number, share
from playbook.core.instruments import items
from playbook.parts.credibility.model import level_name
from playbook.parts.movement.model import LEVELS, MEAN, YES_SHARE, movers

FIRST_WAVE = "There is nothing to compare yet: this is the first wave."
NOT_ASSESSED = "Not assessed: no answers were collected in any wave."


def _is(n: int) -> str:
    return "is" if n == 1 else "are"


def _names(levels: list[int]) -> str:
    names = [level_name(k) for k in levels]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def points(d: float) -> str:
    """A change of a 0-1 score or share in percentage points: 0.315 -> 'up 32 points'."""
    size = number(abs(d) * 100, 0)
    if size == "0":
        return "unchanged"
    return f"{'up' if d > 0 else 'down'} {size} point{'' if size == '1' else 's'}"


def signed(d: float, digits: int = 1) -> str:
    """A change in rating points for people: +1.9, −0.4 (a real minus sign)."""
    text = number(abs(d), digits)
    if text.strip("0.") == "":
        return text
    return ("+" if d > 0 else "\u2212") + text


def figure(value: float | None, measure: str) -> str:
    """An item's figure for people: a mean rating to one decimal, or a yes-share in percent."""
    return share(value) if measure == YES_SHARE else number(value, 1)


def change(value: float | None, measure: str) -> str:
    if value is None:
        return "–"
    return share(value, signed=True).replace("%", " pts").replace("-", "\u2212") if measure == YES_SHARE else \
        signed(value)


def statement(item: str) -> str:
    return items()[item].text.rstrip(".")


def stage_sentence(moved: dict[str, Any]) -> str:
    """The stage change, in one sentence that opens the section."""
    old, new, since = moved.get("stage_from"), moved.get("stage_to"), f"What moved since {moved['from']}"
    if old is None or new is None:
        missing = moved["from"] if old is None else moved["to"]
        return f"{since}: the stage cannot be compared, because {missing} has no credibility ratings."
    if new > old:
        gained = list(range(old + 1, new + 1))
        return (f"{since}: the stage rose from {old} to {new} in {moved['to']}; {_names(gained)} "
                f"{_is(len(gained))} now established.")
    if new < old:
        lost = list(range(new + 1, old + 1))
        return (f"{since}: the stage fell from {old} to {new} in {moved['to']}; {_names(lost)} "
                f"{_is(len(lost))} no longer established.")
    return f"{since}: the stage stayed at {new} in {moved['to']}."


def levels_sentence(moved: dict[str, Any], waves: list[dict[str, Any]]) -> str:
    """Each level's score in both waves and its change."""
    scores = {w["wave"]: w.get("level_scores") or {} for w in waves}
    before, after = scores.get(moved["from"], {}), scores.get(moved["to"], {})
    parts = []
    for k in LEVELS:
        d = moved["level_changes"].get(k)
        label = f"level {k}, {level_name(int(k))}"
        if d is None:
            parts.append(f"{label}, cannot be compared (no ratings in one of the waves)")
        else:
            parts.append(f"{label}, {share(before.get(k))} → {share(after.get(k))} ({points(d)})")
    return "Level scores: " + "; ".join(parts) + "."


def _listing(rows: list[dict[str, Any]]) -> str:
    return "; ".join(f"{r['item']} \u201c{statement(r['item'])}\u201d {figure(r['from'], r['measure'])} → "
                     f"{figure(r['to'], r['measure'])} ({change(r['change'], r['measure'])})" for r in rows)


def items_sentences(moved: dict[str, Any]) -> list[str]:
    """The credibility ratings and self-evaluation statements that moved most, up and down (three of each)."""
    lines = []
    size = moved.get("min_group_size", 3)
    for measure, what, up_words, down_words in (
            (MEAN, "credibility rating", "Ratings that rose most (sales side, mean of 1 to 5)",
             "Ratings that fell most"),
            (YES_SHARE, "self-evaluation statement", "Self-evaluation statements agreed with more often",
             "Self-evaluation statements agreed with less often")):
        rows = [i for i in moved["items"] if i["measure"] == measure]
        if not any(i.get("n_from") or i.get("n_to") or i["from"] is not None or i["to"] is not None for i in rows):
            continue  # not asked in either wave
        if all(i["change"] is None for i in rows):
            unasked = [w for w, n in ((moved["from"], "n_from"), (moved["to"], "n_to")) if not any(i.get(n) for i in rows)]
            nobody = "no one on the sales side rated them" if measure == MEAN else "no one answered them"
            why = (f"{nobody} in {unasked[0]}" if unasked else
                   f"each needs at least {size} answers in both waves")
            lines.append(f"No {what} can be compared: {why}.")
            continue
        up, down = movers(moved, measure)
        lines.append(f"{up_words}: {_listing(up)}." if up else f"No {what} went up.")
        lines.append(f"{down_words}: {_listing(down)}." if down else f"No {what} went down.")
    return lines


def small_groups_sentence(moved: dict[str, Any]) -> str | None:
    """How many items are left out because too few people answered them in a wave (METHOD 8)."""
    size = moved.get("min_group_size", 3)
    few = [i for i in moved["items"] if i["change"] is None
           and any(0 < (i.get(k) or 0) < size for k in ("n_from", "n_to"))]
    if not few:
        return None
    return (f"{len(few)} item{'' if len(few) == 1 else 's'} cannot be compared because fewer than {size} people "
            f"answered {'it' if len(few) == 1 else 'them'} in one of the waves: {', '.join(i['item'] for i in few)}.")


def symptoms_sentences(moved: dict[str, Any], waves: list[dict[str, Any]]) -> list[str]:
    counts = {w["wave"]: w.get("symptoms_count") for w in waves}
    if not moved.get("symptoms_compared", True):
        asked = [w for w in (moved["from"], moved["to"]) if counts.get(w) is not None]
        if not asked:
            return []
        missing = moved["to"] if asked == [moved["from"]] else moved["from"]
        return [f"Symptoms cannot be compared: no one was asked about them in {missing}."]
    new, gone = moved["symptoms_new"], moved["symptoms_gone"]
    if not new and not gone:
        return ["No symptom of misalignment appeared or went away."]
    lines = []
    if new:
        lines.append("Symptoms that appeared: " + "; ".join(f"{i} ({statement(i)})" for i in new) + ".")
    if gone:
        lines.append("Symptoms that went away: " + "; ".join(f"{i} ({statement(i)})" for i in gone) + ".")
    return lines


def findings(waves: list[dict[str, Any]] | None, moved: dict[str, Any] | None) -> list[str]:
    """What moved since the previous wave, in plain words; one line when there is nothing to compare."""
    if not waves:
        return [NOT_ASSESSED]
    if not moved:
        return [FIRST_WAVE]
    lines = [stage_sentence(moved), levels_sentence(moved, waves)]
    lines += items_sentences(moved)
    few = small_groups_sentence(moved)
    if few:
        lines.append(few)
    lines += symptoms_sentences(moved, waves)
    return lines
