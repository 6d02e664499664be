"""Shared KPIs in plain words (METHOD 3).

Everything here reads the ``kpis`` block of results.json (``model.score``), so the
notebook and the report show the same numbers, rounded only as they are written.
Managed metrics that are off track or on watch come first, with their owner;
monitored metrics are shown, not actioned. A metric where lower is better is worded
as such ("35.4 hours against a goal of at most 24.0 hours, 11.4 hours over"), never as a
percentage of its goal. The figures are "to date" unless the block carries a
``selection`` (the interactive report's period and owner filters), which the words follow.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from playbook.core.formats import DECIMAL, delta, money, number, period, share
from playbook.core.i18n import N_, _, ngettext

LABELS = {"on_track": N_("on track"), "watch": N_("watch"), "off_track": N_("off track"), "no_data": N_("no data")}
NOT_ASSESSED = N_("Not assessed: the engagement has no shared KPIs yet, so none was graded.")
HEADS = {"off_track": N_("Off track"), "watch": N_("On watch")}
OWNERS = {"marketing": N_("marketing"), "sales": N_("sales"), "shared": N_("sales and marketing jointly")}
UNIT_WORDS = {"days": N_("days"), "hours": N_("hours")}
DESIGNATIONS = {"managed": N_("managed"), "monitored": N_("monitored")}
INDICATORS = {"leading": N_("leading"), "lagging": N_("lagging")}


def label(status: str) -> str:
    """A status in the reader's words: on track, watch, off track, no data."""
    return _(LABELS[status]) if status in LABELS else status


def owner(name: str) -> str:
    return _(OWNERS[name]) if name in OWNERS else name


def fmt(value: float | None, unit: str) -> str:
    """A goal or actual for people, in the client's locale: percent values are fractions in results, shown as %."""
    if value is None:
        return "–"
    if unit == "percent":
        return share(value, digits=1)
    if unit == "ratio":
        return f"{number(value, 2)}×"
    if unit in UNIT_WORDS:
        return _("%(value)s %(unit)s", value=number(value, 1), unit=_(UNIT_WORDS[unit]))
    if unit == "currency":
        return money(value, compact=True)
    return number(value, 0 if float(value).is_integer() else 1)


def pct(value: float | None) -> str:
    """Attainment for people: a whole percent, like every share on the page."""
    return share(value)


def scope(result: dict[str, Any]) -> str:
    """What the figures cover: "to date", or the period the interactive report's filter chose ("in Q4 2026")."""
    chosen = (result.get("selection") or {}).get("period")
    return _("in %(period)s", period=period(chosen)) if chosen else _("to date")


def caption(result: dict[str, Any]) -> str:
    """What a title covers: ``to date``, ``in Q4 2026``, with the owner when the page's filter chose one."""
    who = (result.get("selection") or {}).get("owner")
    return _("%(when)s (owner: %(owner)s)", when=scope(result), owner=owner(who)) if who else scope(result)


def _over(r: dict) -> str:
    """How far a lower-is-better metric is from its goal, as the difference of the two figures shown."""
    unit = r["unit"]
    if unit not in UNIT_WORDS:
        return ""
    d = delta(r["goal"], r["actual"], DECIMAL)
    if not d:
        return _("at the goal")
    size = _("%(value)s %(unit)s", value=number(abs(d), 1), unit=_(UNIT_WORDS[unit]))
    return _("%(size)s over", size=size) if d > 0 else _("%(size)s under", size=size)


def _against(r: dict, result: dict[str, Any]) -> str:
    unit = r["unit"]
    when = _("in %(period)s", period=period(r["through"])) if r["aggregation"] == "last" else scope(result)
    actual, goal = fmt(r["actual"], unit), fmt(r["goal"], unit)
    if r["direction"] == "lower":
        over = _over(r)
        text = _("%(actual)s %(when)s against a goal of at most %(goal)s", actual=actual, when=when, goal=goal)
        return _("%(text)s, %(over)s (lower is better)", text=text, over=over) if over else \
            _("%(text)s (lower is better)", text=text)
    text = _("%(actual)s %(when)s against a goal of %(goal)s", actual=actual, when=when, goal=goal)
    if r["attainment"] is not None:
        text = _("%(text)s, %(attainment)s of goal", text=text, attainment=pct(r["attainment"]))
    return text


def _counts(result: dict[str, Any], rows: list[dict], managed: list[dict]) -> str:
    c = result["counts"]
    parts = [_("%(n)s on track", n=c["on_track"]), _("%(n)s on watch", n=c["watch"]),
             _("%(n)s off track", n=c["off_track"])]
    if c["no_data"]:
        parts.append(ngettext("%(n)s without an actual yet", "%(n)s without an actual yet", c["no_data"]))
    return ngettext("%(n)s shared metric (%(managed)s managed): %(counts)s.",
                    "%(n)s shared metrics (%(managed)s managed): %(counts)s.", len(rows), managed=len(managed),
                    counts=", ".join(parts))


def findings(result: dict[str, Any] | None, as_of: date | None = None) -> list[str]:
    """The KPI findings in plain words: managed metrics off track or on watch first, with their owner.

    ``as_of`` (the run's day) tells a period still under way, which is expected to have no actual yet, from one
    that has ended without one.
    """
    if result is None:
        return [_(NOT_ASSESSED)]
    rows = result["to_date"]
    if not rows:
        return [_("No shared metric is defined yet; pick shared metrics from the starter library.")]
    lines = []
    managed = [r for r in rows if r["designation"] == "managed"]
    for st in ("off_track", "watch"):
        for r in (r for r in managed if r["status"] == st):
            lines.append(_("%(head)s (managed, owner %(owner)s): %(name)s at %(against)s.", head=_(HEADS[st]),
                           owner=owner(r["owner"]), name=r["name"], against=_against(r, result)))
    lines.append(_counts(result, rows, managed))
    graded = [r for r in managed if r["status"] != "no_data"]
    if graded and all(r["status"] == "on_track" for r in graded):
        lines.append(_("Every managed metric with an actual is on track %(when)s.", when=scope(result)))
    flagged = [_("%(name)s (%(status)s)", name=r["name"], status=label(r["status"])) for r in rows
               if r["designation"] == "monitored" and r["status"] in ("off_track", "watch")]
    if flagged:
        lines.append(_("Monitored, shown but not actioned: %(list)s.", list=", ".join(flagged)))
    empty = [r["name"] for r in rows if r["status"] == "no_data"]
    if empty:
        names = ", ".join(empty[:8])
        if len(empty) > 8:
            names = _("%(names)s and %(more)s more", names=names, more=len(empty) - 8)
        lines.append(_("No actual yet for %(names)s.", names=names))
    lines.extend(_latest(result, as_of))
    return lines


def period_end(label: str) -> date | None:
    """The last day of a month (``2026-12``) or quarter (``2026-Q4``); None for another label."""
    from playbook.parts.kpis.files import period_key

    try:
        year, month, _quarter = period_key(label)
    except ValueError:
        return None
    return date(year, month, calendar.monthrange(year, month)[1])


def _latest(result: dict[str, Any], as_of: date | None) -> list[str]:
    """What the to-date figures run through, and the metrics whose ended latest period still has no actual."""
    if (result.get("selection") or {}).get("period"):
        return []
    last: dict[str, dict] = {}
    for p in result["periods"]:  # chronological within each metric
        last[p["metric"]] = p
    missing = [p for p in last.values() if p["actual"] is None]
    if not missing:
        return []
    from playbook.parts.kpis.files import period_key

    names = {r["metric"]: r["name"] for r in result["to_date"]}
    ended = [p for p in missing if as_of is None or (period_end(p["period"]) or as_of) < as_of]
    running = sorted({p["period"] for p in missing if p not in ended}, key=period_key)
    lines = []
    if running:
        lines.append(ngettext("%(periods)s is still under way, so the figures to date stop at each metric's latest "
                              "period with an actual.",
                              "%(periods)s are still under way, so the figures to date stop at each metric's latest "
                              "period with an actual.", len(running),
                              periods=_(" and ").join(period(p) for p in running)))
    if ended:
        missing = "; ".join(_("%(name)s (%(period)s)", name=names.get(p["metric"], ""), period=period(p["period"]))
                            for p in ended)  # (outside ngettext's arguments, where a call hides the plural)
        lines.append(ngettext("%(n)s metric has no actual for its latest period, which has ended: %(list)s.",
                              "%(n)s metrics have no actual for their latest period, which has ended: %(list)s.",
                              len(ended), list=missing))
    return lines
