"""The action plan in plain words (METHOD 10).

Everything here reads the ``actions`` block of results.json (``model.score``), so the
notebook, the live view and the report say the same thing. A done action's item change is
written as the difference of the item's two mean ratings as "what moved" shows them
(``moved``: the ``movement`` block's items), so the plan and that part never disagree.
"""

from __future__ import annotations

from typing import Any

from playbook.core.formats import RATING, day, delta, difference, figure, period
from playbook.core.i18n import N_, _, ngettext
from playbook.core.instruments import label

NOT_ASSESSED = N_("Not assessed: the engagement has no action plan yet, so there is nothing to follow up "
                  "(one can be proposed from the next steps and the off-track managed KPIs).")
STATUS_LABELS = {"open": N_("open"), "in_progress": N_("in progress"), "done": N_("done"), "dropped": N_("dropped")}
SHORT = 90  # characters of an action's text quoted in a finding


def status(value: str) -> str:
    return _(STATUS_LABELS[value]) if value in STATUS_LABELS else value


def short(text: str, limit: int = SHORT) -> str:
    """The text, cut at a word before ``limit`` characters when longer, without its closing full stop."""
    text = text.rstrip(".")
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def mean_ratings(results: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """The credibility items' mean ratings in the two compared waves (``movement`` items), by item."""
    moved = (results or {}).get("movement") or {}
    return {i["item"]: i for i in moved.get("items") or [] if i.get("measure") == "mean"}


def moved(change: float | None, figures: dict[str, Any] | None = None) -> str:
    """A change in an item's mean rating for people: 'up 2.0', 'down 0.2', 'no change'; with the item's two
    figures (``figures``: its ``from`` and ``to``), their difference as shown."""
    if figures and figures.get("from") is not None and figures.get("to") is not None:
        return difference(figures["from"], figures["to"], RATING)
    if change is None:
        return "–"
    return difference(0.0, change, RATING)


def _item_change(r: dict[str, Any], ratings: dict[str, dict[str, Any]]) -> str:
    found = ratings.get(r["item"])
    if found and found.get("from") is not None and found.get("to") is not None:
        return _("%(before)s → %(after)s, %(change)s", before=figure(found["from"], RATING),
                 after=figure(found["to"], RATING), change=moved(r["item_change"], found))
    return moved(r["item_change"])


def item_moved(r: dict[str, Any], result: dict[str, Any], min_group: int | None = None,
               ratings: dict[str, dict[str, Any]] | None = None) -> str:
    """For a done action: whether its item moved between the two latest waves; empty for other actions."""
    if r["status"] != "done":
        return ""
    if r["source"] == "kpi":
        return _("see the KPI scorecard")
    if r["source"] != "credibility":
        return "–"
    if r["item_change"] is not None:
        return moved(r["item_change"], (ratings or {}).get(r["item"]))
    if not result.get("compared_waves"):
        return _("not measured yet")
    return ngettext("fewer than %(n)s answer", "fewer than %(n)s answers", min_group) if min_group else \
        _("too few answers to compare")


def _direction(r: dict[str, Any], ratings: dict[str, dict[str, Any]]) -> int:
    """+1, -1 or 0: whether the item's rating moved up, down or not at all as its figures are shown."""
    found = ratings.get(r["item"]) or {}
    if found.get("from") is not None and found.get("to") is not None:
        d = delta(found["from"], found["to"], RATING)
    else:
        d = delta(0.0, r["item_change"], RATING)
    return 0 if not d else (1 if d > 0 else -1)


def _done_sentences(result: dict[str, Any], ratings: dict[str, dict[str, Any]]) -> list[str]:
    rows = result["items"]
    waves = result.get("compared_waves")
    done = [r for r in rows if r["status"] == "done" and r["source"] == "credibility"]
    signs = {r["action_id"]: _direction(r, ratings) for r in done if r["item_change"] is not None}
    up = [r for r in done if signs.get(r["action_id"], 0) > 0]
    down = [r for r in done if signs.get(r["action_id"], 0) < 0]
    lines = []

    def listing(chosen: list[dict[str, Any]]) -> str:
        return "; ".join(_("“%(item)s” %(change)s (%(action)s)", item=label(r["item"]),
                           change=_item_change(r, ratings), action=short(r["action"], 60)) for r in chosen)

    if down:
        lines.append(_("Done, yet the rating went down from %(before)s to %(after)s: %(list)s. Worth asking sales what "
                       "they did not see.", before=period(waves[0]), after=period(waves[1]), list=listing(down)))
    if up:
        lines.append(_("Done, and the rating went up from %(before)s to %(after)s: %(list)s.",
                       before=period(waves[0]), after=period(waves[1]), list=listing(up)))
    if done and not waves:
        lines.append(ngettext("%(n)s done action is on a credibility statement that is not measured again yet; the "
                              "next wave will show whether it moved.",
                              "%(n)s done actions are on credibility statements that are not measured again yet; "
                              "the next wave will show whether they moved.", len(done)))
    return lines


def findings(result: dict[str, Any] | None, ratings: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """Counts, the overdue actions, and the done actions whose item went down (or up); ``ratings`` are the
    items' mean ratings in the compared waves (``mean_ratings(results)``)."""
    if result is None:
        return [_(NOT_ASSESSED)]
    rows = result["items"]
    if not rows:
        return [_("The plan has no actions yet: the next steps of the credibility stage and the off-track managed "
                  "KPIs are where to start.")]
    counts = ", ".join(_("%(n)s %(status)s", n=result[s], status=status(s)) for s in STATUS_LABELS)
    lines = [ngettext("%(n)s action in the plan: %(counts)s.", "%(n)s actions in the plan: %(counts)s.", len(rows),
                      counts=counts)]
    late = [r for r in rows if r["overdue"]]
    today = day(result["as_of"])
    if late:
        listed = "; ".join(_("%(owner)s, due %(due)s: %(action)s", owner=r["owner_name"], due=day(r["due"]),
                             action=short(r["action"])) for r in late)
        lines.append(ngettext("%(n)s action is overdue on %(today)s (due earlier and not done yet): %(list)s",
                              "%(n)s actions are overdue on %(today)s (due earlier and not done yet): %(list)s",
                              len(late), today=today, list=listed) + ("" if listed.endswith("…") else "."))
    elif result["open"] or result["in_progress"]:
        lines.append(_("No action is overdue on %(today)s.", today=today))
    lines += _done_sentences(result, ratings or {})
    return lines
