"""The deck's storyline: which figure each slide shows, what the slide says, and what goes to the appendix.

The executive summary (``summary.story``) has one finding per part, as one sentence; that sentence is the
title of the part's slide in the main deck, beside the figure that shows it and the figure's "so what" (what
the reader should take from it, in numbers). The other figures of the part go to the appendix, each with
its own "so what" as its title. ``MAIN`` names each part's figure(s) for the main deck; a part it does not
name (one added later) shows its first figure. The main deck holds at most ``MAIN_MOST`` slides; when parts
would need more, the ones last in ``KEEP`` move to the appendix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from playbook.core.formats import money, number, period, share
from playbook.core.i18n import _, ngettext
from playbook.report.summary import Point, Story, kpi_figure, statement

MAIN_MOST = 15  # slides before the appendix: title, summary, the parts, decisions, action plan
MAIN = {"self_evaluation": ("symptoms",), "credibility": ("levels",), "knowledge": ("knowledge_gaps",),
        "movement": ("levels",), "kpis": ("attainment",), "economics": ("revenue_per_dollar", "experiment"),
        "actions": ("by_status",)}
KEEP = ("credibility", "kpis", "economics", "self_evaluation", "leads", "knowledge", "movement", "actions")


@dataclass
class ChartSlide:
    """One chart slide: its title (a finding, as a sentence), the figure (``name`` in the part's section), the
    figure's so-what and the points beside it."""

    part: str
    title: str
    figure: str
    caption: str  # what the figure shows (its title in the report)
    so_what: str
    points: list[str] = field(default_factory=list)
    tone: str = "info"


@dataclass
class Storyline:
    main: list[ChartSlide]
    appendix: list[ChartSlide]


def _sentences(text: str) -> list[str]:
    """A paragraph as its sentences (split after a full stop followed by a capital letter or a quote)."""
    import re

    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9“\"])", text or "") if s.strip()]


# --- what each figure says ------------------------------------------------------------------------------------------

def _symptoms(r: dict[str, Any]) -> str:
    sym = r.get("symptoms") or {}
    shares = sorted(((v, k) for k, v in (sym.get("shares") or {}).items() if v), reverse=True)
    if not shares:
        return _("No symptom of misalignment was reported.")
    top = shares[:2]
    named = _("“%(a)s” (%(a_share)s)", a=statement(top[0][1]), a_share=share(top[0][0]))
    if len(top) > 1:
        named = _("%(first)s and “%(b)s” (%(b_share)s)", first=named, b=statement(top[1][1]),
                  b_share=share(top[1][0]))
    return _("Most reported: %(named)s of respondents.", named=named)


def _self_gap(r: dict[str, Any]) -> str:
    gaps = [g for g in (r.get("self_evaluation") or {}).get("perception_gap") or [] if g.get("difference") is not None]
    if not gaps:
        return _("Too few answers on either side to compare the two views.")
    g = max(gaps, key=lambda x: abs(x["difference"]))
    return _("The views differ most on “%(statement)s”: %(own)s of the department itself agree, %(other)s of the "
             "other side.", statement=statement(g["item"]), own=share(g.get("self_yes_share")),
             other=share(g.get("peer_yes_share")))


def _levels(r: dict[str, Any]) -> str:
    c = r.get("credibility") or {}
    focus, scores = c.get("focus"), c.get("level_scores") or {}
    threshold = float(c.get("stage_threshold") or 0.75)
    if not focus:
        return _("Every level is at or above %(threshold)s: all three are established.", threshold=share(threshold))
    score = scores.get(str(focus))
    if score is None:
        return _("Level %(focus)s, the focus, has no ratings yet.", focus=focus)
    short = max(0, round(threshold * 100) - round(score * 100))
    return ngettext("Level %(focus)s, the focus, stands at %(score)s: %(n)s point short of the %(threshold)s that "
                    "establishes it.", "Level %(focus)s, the focus, stands at %(score)s: %(n)s points short of the "
                    "%(threshold)s that establishes it.", short, focus=focus, score=share(score),
                    threshold=share(threshold))


def _cred_gap(r: dict[str, Any]) -> str:
    gaps = [g for g in (r.get("credibility") or {}).get("perception_gap") or [] if g.get("gap") is not None]
    flagged = [g for g in gaps if g.get("flagged")]
    if not gaps:
        return _("Too few ratings on either side to compare the two views.")
    g = max(gaps, key=lambda x: abs(x["gap"]))
    widest = _("widest on “%(statement)s”: marketing %(m)s, sales %(s)s of 5", statement=statement(g["item"]),
               m=number(g.get("marketing_mean"), 1), s=number(g.get("sales_mean"), 1))
    return ngettext("%(n)s statement is rated a point or more apart by the two sides, %(widest)s.",
                    "%(n)s statements are rated a point or more apart by the two sides, %(widest)s.", len(flagged),
                    widest=widest)


def _waves(r: dict[str, Any]) -> str:
    waves = (r.get("credibility") or {}).get("waves") or r.get("waves") or []
    if len(waves) < 2:
        return _("One wave so far: the next will show the trend.")
    return _("The stage went from %(old)s in %(from)s to %(new)s in %(to)s.", old=waves[-2].get("stage"),
             new=waves[-1].get("stage"), **{"from": period(waves[-2].get("wave")), "to": period(waves[-1].get("wave"))})


def _knowledge(r: dict[str, Any]) -> str:
    gaps = r.get("knowledge_gaps") or []
    flag = float((r.get("settings") or {}).get("dont_know_flag", 0.34))
    return ngettext("Where a side's “don't know” share passes %(flag)s, that side cannot judge the statement: %(n)s "
                    "statement.", "Where a side's “don't know” share passes %(flag)s, that side cannot judge the "
                    "statement: %(n)s statements.", len(gaps), flag=share(flag))


def _movement(r: dict[str, Any]) -> str:
    c = r.get("credibility") or {}
    m = r.get("movement") or {}
    threshold = float(c.get("stage_threshold") or 0.75)
    crossed = [k for k, d in (m.get("level_changes") or {}).items() if d and d > 0
               and (c.get("established") or {}).get(k)]
    if crossed and (m.get("stage_change") or 0) > 0:
        return ngettext("Level %(levels)s crossed the %(threshold)s line, so the stage rose.",
                        "Levels %(levels)s crossed the %(threshold)s line, so the stage rose.", len(crossed),
                        levels=", ".join(crossed), threshold=share(threshold))
    return _("A level counts as established from %(threshold)s (the dashed line).", threshold=share(threshold))


def _attainment(r: dict[str, Any]) -> str:
    rows = [x for x in (r.get("kpis") or {}).get("to_date") or [] if x.get("designation") == "managed"
            and x.get("attainment") is not None]
    if not rows:
        return _("No managed KPI has an actual yet.")
    worst = min(rows, key=lambda x: x["attainment"])
    met = sum(1 for x in rows if x["attainment"] >= 1)
    return _("Furthest from goal: %(name)s, %(figure)s, at %(attainment)s of goal. %(met)s of %(n)s managed KPIs "
             "are at goal or better.", name=worst["name"], attainment=share(worst["attainment"]),
             figure=kpi_figure(worst), met=met, n=len(rows))


def _status_counts(r: dict[str, Any]) -> str:
    c = (r.get("kpis") or {}).get("counts") or {}
    return _("%(off)s off track, %(watch)s close to goal, %(on)s on track, %(none)s without an actual yet.",
             off=c.get("off_track", 0), watch=c.get("watch", 0), on=c.get("on_track", 0), none=c.get("no_data", 0))


def _goal_vs_actual(r: dict[str, Any]) -> str:
    return _("Each KPI's actual per period against its goal: the misses are the periods in colour below the line.")


def _revenue_per_dollar(r: dict[str, Any]) -> str:
    p = r.get("prospecting") or {}
    mkt, base, hire = p.get("marketing") or {}, p.get("baseline") or {}, p.get("hire_alternative") or {}
    text = _("Each marketing %(unit)s brings %(marketing)s of modelled revenue, against %(base)s for %(name)s.",
             unit=_unit(), marketing=money(mkt.get("revenue_per_dollar"), cents=True),
             base=money(base.get("revenue_per_dollar"), cents=True), name=base.get("name") or "")
    if hire.get("revenue") is not None:
        text += " " + _("Spent on %(extra)s extra reps instead, the program's %(cost)s would bring about %(hire)s.",
                        extra=number(hire.get("extra_reps"), 1 if hire.get("extra_reps") % 1 else 0),
                        cost=money(mkt.get("cost"), compact=True), hire=money(hire.get("revenue"), compact=True))
    return text


def _unit() -> str:
    from playbook.core.formats import unit

    return unit()


def _cost_revenue(r: dict[str, Any]) -> str:
    p = r.get("prospecting") or {}
    mkt = p.get("marketing") or {}
    return _("The marketing program costs %(cost)s and brings %(revenue)s of modelled revenue; reps' own prospecting "
             "costs %(p_cost)s for %(p_revenue)s.", cost=money(mkt.get("cost"), compact=True),
             revenue=money(mkt.get("revenue"), compact=True), p_cost=money(p.get("prospecting_cost"), compact=True),
             p_revenue=money(p.get("total_revenue"), compact=True))


def _scenarios(r: dict[str, Any]) -> str:
    rows = (r.get("prospecting") or {}).get("scenarios") or []
    if len(rows) < 2:
        return _("Only the current plan.")
    best = max(rows[1:], key=lambda x: x.get("total_revenue") or 0)
    return _("Of the plans asked about, “%(name)s” brings the most modelled revenue: %(revenue)s for %(cost)s.",
             name=best.get("name"), revenue=money(best.get("total_revenue"), compact=True),
             cost=money(best.get("total_cost"), compact=True))


def _sensitivity(r: dict[str, Any]) -> str:
    rows = (r.get("prospecting") or {}).get("sensitivity") or []
    if not rows:
        return ""
    values = [x["revenue_per_dollar"] for x in rows if x.get("revenue_per_dollar") is not None]
    return _("Whatever share of their time reps really spend prospecting (%(low)s to %(high)s), it returns "
             "%(worst)s to %(best)s per %(unit)s: the estimate moves the cost, not the revenue.",
             low=share(rows[0]["prospecting_share"]), high=share(rows[-1]["prospecting_share"]),
             worst=money(min(values), cents=True), best=money(max(values), cents=True), unit=_unit())


def _attribution(r: dict[str, Any]) -> str:
    a = r.get("attribution") or {}
    return _("Marketing sourced %(sourced)s of won revenue and influenced %(influenced)s.",
             sourced=share(a.get("sourced_share")), influenced=share(a.get("influenced_share")))


def _experiment(r: dict[str, Any]) -> str:
    e = r.get("experiment") or {}
    if e.get("ci_low") is None:
        return _("Too little data in the experiment for an interval.")
    low, high = money(e["ci_low"], compact=True), money(e.get("ci_high"), compact=True)
    if e["ci_low"] <= 0 <= (e.get("ci_high") or 0):
        return _("The lift per rep could lie anywhere from %(low)s to %(high)s: the range includes no effect at all, so "
                 "the test cannot yet tell the leads' effect from chance.", low=low, high=high)
    return _("The lift per rep lies between %(low)s and %(high)s: the range excludes no effect, so the difference is "
             "real.", low=low, high=high)


def _follow_up(r: dict[str, Any]) -> str:
    from playbook.parts.leads.words import sla_text

    result = r.get("leads") or {}
    m = (result.get("sources") or {}).get("marketing") or {}
    if m.get("sla_compliance") is None:
        return ""
    return _("%(share)s of marketing's leads were followed up within the SLA of %(sla)s business hours; half of those "
             "followed up were reached within %(median)s business hours.", share=share(m["sla_compliance"]),
             sla=sla_text(result),
             median=number(m.get("median_hours"), 1))


def _by_status(r: dict[str, Any]) -> str:
    a = r.get("actions") or {}
    return ngettext("%(open)s open, %(progress)s in progress, %(done)s done; %(n)s overdue.",
                    "%(open)s open, %(progress)s in progress, %(done)s done; %(n)s overdue.",
                    len(a.get("overdue") or []), open=a.get("open", 0), progress=a.get("in_progress", 0),
                    done=a.get("done", 0))


SO_WHAT: dict[tuple[str, str], Callable[[dict[str, Any]], str]] = {
    ("self_evaluation", "symptoms"): _symptoms, ("self_evaluation", "perception_gap"): _self_gap,
    ("credibility", "levels"): _levels, ("credibility", "perception_gap"): _cred_gap, ("credibility", "waves"): _waves,
    ("knowledge", "knowledge_gaps"): _knowledge, ("movement", "levels"): _movement,
    ("kpis", "attainment"): _attainment, ("kpis", "status_counts"): _status_counts,
    ("kpis", "goal_vs_actual"): _goal_vs_actual, ("economics", "revenue_per_dollar"): _revenue_per_dollar,
    ("economics", "cost_revenue"): _cost_revenue, ("economics", "scenarios"): _scenarios,
    ("economics", "sensitivity"): _sensitivity, ("economics", "attribution"): _attribution,
    ("economics", "experiment"): _experiment, ("leads", "follow_up"): _follow_up, ("actions", "by_status"): _by_status,
}


def so_what(r: dict[str, Any], part: str, figure: str, fallback: str = "") -> str:
    """What a reader should take from one figure, in numbers; ``fallback`` for a figure without words of its own."""
    make = SO_WHAT.get((part, figure))
    return (make(r) if make is not None else "") or fallback


# --- the storyline -------------------------------------------------------------------------------------------------

def _experiment_title(r: dict[str, Any]) -> str:
    e = r.get("experiment") or {}
    if e.get("significant") and (e.get("lift") or 0) > 0:
        return _("The lead experiment shows that marketing leads lift what reps sell")
    n = e.get("needed_per_group")
    if n:
        return _("The lead experiment cannot yet tell the leads' effect from chance: a test that can needs %(n)s reps "
                 "a group", n=n)
    return _("The lead experiment cannot yet tell the leads' effect from chance")


TITLE_MOST = 120  # characters: a so-what longer than this is titled by its first clause (it stays whole beside)


def _headline(said: str) -> str:
    """A so-what as a slide title: whole when short, else its first clause (before a colon), so that the title
    never ends cut in the middle of a sentence."""
    title = said.rstrip(".")
    if len(title) > TITLE_MOST and ": " in title:
        return title.split(": ", 1)[0]
    return title


def plan(r: dict[str, Any], story: Story, figures: dict[str, list[tuple[str, str]]], fixed: int) -> Storyline:
    """The chart slides of the main deck and of the appendix. ``figures``: per part, its figures' (name, title) in
    report order; ``fixed``: the main deck's slides that are not a part's (title, summary, decisions, plan)."""
    findings: dict[str, Point] = {p.part: p for p in story.findings}
    main: list[ChartSlide] = []
    appendix: list[ChartSlide] = []
    for part, shown in figures.items():
        finding = findings.get(part)
        names = [n for n, _t in shown]
        wanted = [n for n in MAIN.get(part, names[:1]) if n in names] if finding else []
        titles = dict(shown)
        details = _sentences(finding.text) if finding else []
        for k, name in enumerate(wanted):
            said = so_what(r, part, name, details[0] if details else "")
            title = finding.topic if k == 0 else (_experiment_title(r) if name == "experiment" else said.rstrip("."))
            points = [x for x in details if x != said][:3] if k == 0 else []
            main.append(ChartSlide(part, title, name, titles[name], said, points, finding.tone))
        for name, title in shown:
            if name not in wanted:
                said = so_what(r, part, name, title)
                appendix.append(ChartSlide(part, _headline(said), name, title, said, [], "info"))
    room = MAIN_MOST - fixed
    while len(main) > room:  # the parts last in KEEP wait in the appendix
        order = {p: i for i, p in enumerate(KEEP)}
        drop = max(range(len(main)), key=lambda i: (order.get(main[i].part, len(KEEP)), i))
        appendix.insert(0, main.pop(drop))
    return Storyline(main, appendix)
