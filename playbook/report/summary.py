"""The report's words: the executive summary, answer first, and the rules and thresholds behind it.

``story`` reads ``results.json`` alone and answers as a partner opens a deliverable: one headline
sentence (where the client stands and the one thing between it and its target stage), the terms a
reader needs defined right below it, at most three decisions (what to do, who owns it, by when, the
evidence figure in plain words, and the actions of the plan that carry it), then one finding per
part assessed (a sentence that is also the part's slide title, and its detail). No item id, test
statistic or action id reaches it. ``story_html`` renders it for the report and the interactive
page; the deck lays the same story on its slides. ``rules`` lists every threshold the numbers depend
on, for the appendix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from playbook.core.formats import (
    currency_name,
    day,
    hours,
    locale_name,
    money,
    number,
    period,
    share,
    zone_name,
)
from playbook.core.i18n import N_, _, active, ngettext
from playbook.core.instruments import items, level_items

ACTIVE = ("open", "in_progress")
PROPOSED_DAYS = 30  # a decision no action carries yet: proposed this many days after the report (as actions are)
LEVEL_NAMES = {1: N_("consistent execution"), 2: N_("a part in the revenue lifecycle"), 3: N_("strategic partnership")}
# What each level asks of marketing, as a decision's "what to do".
GOALS = {1: N_("Earn sales' trust: deliver every sales-support promise, and inspect it"),
         2: N_("Make marketing part of the revenue lifecycle"),
         3: N_("Turn the relationship with sales into a strategic partnership")}


@dataclass(frozen=True)
class Point:
    """One finding of the summary: ``topic`` is the finding as one sentence (the part's slide title in the deck),
    ``text`` its detail; ``tone`` is alert, watch, good, info or none (not assessed); ``part`` the part's name."""

    topic: str
    text: str
    tone: str = "info"
    part: str = ""


@dataclass(frozen=True)
class Decision:
    """One decision for the client's leadership: what to do, who owns it, by when, and the evidence.

    ``owner`` is a person of the action plan (``helpers``: the others who own a part of it), else the side;
    ``due`` the day the actions that carry it are due (``planned`` False: no action does yet, the day is
    proposed). ``actions`` are those actions' ids (for links, never shown), ``steps`` their texts.
    """

    what: str
    owner: str
    due: str
    evidence: str
    actions: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    helpers: tuple[str, ...] = ()
    planned: bool = True
    tone: str = "alert"


@dataclass(frozen=True)
class Story:
    headline: str
    terms: list[tuple[str, str]] = field(default_factory=list)  # (term, what it means), in order of first use
    decisions: list[Decision] = field(default_factory=list)
    findings: list[Point] = field(default_factory=list)
    not_assessed: str = ""  # one sentence naming the parts not assessed, or empty


# --- small words ---------------------------------------------------------------------------------------------------

def _cash(v) -> str:
    """An amount in the client's currency, abbreviated as the locale does ($1.2M, 1,2 Mio. €), with its minus sign."""
    return money(v, compact=True)


def statement(item: str) -> str:
    """A question named for people: its statement, without the closing full stop."""
    return items()[item].text.strip().rstrip(".")


def _and(names: list[str]) -> str:
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s and %(last)s", first=", ".join(names[:-1]), last=names[-1])


def _leads_as_of(text: str, settings: dict[str, Any]) -> str:
    """``settings.leads_as_of`` (on the engagement's clock unless it names an offset) for people."""
    from playbook.core import clock
    from playbook.core.formats import moment

    zone = settings.get("timezone") or "UTC"
    when = clock.stamp(text, clock.zone(zone))
    return moment(when, zone) if when is not None else text



def _level(k: int | str) -> str:
    return _(LEVEL_NAMES[int(k)])


def _threshold(c: dict[str, Any], r: dict[str, Any]) -> float:
    return float(c.get("stage_threshold") or (r.get("settings") or {}).get("stage_threshold") or 0.75)


def _as_of(r: dict[str, Any]) -> date:
    """The day the report speaks of: the plan's day, else the run's, else today."""
    text = (r.get("actions") or {}).get("as_of") or str(r.get("generated_at") or "")[:10]
    try:
        return date.fromisoformat(text)
    except ValueError:
        return date.today()


def _side(side: str) -> str:
    return {"marketing": _("Marketing"), "sales": _("Sales")}.get(side, _("Marketing and sales"))


# --- the headline and the terms ------------------------------------------------------------------------------------

def _at(c: dict[str, Any]) -> str:
    stage = c.get("stage") or 0
    if c.get("basis") == "sales":
        return _("stage %(stage)s of 3", stage=stage)
    return _("stage %(stage)s of 3, on marketing's own ratings", stage=stage)


def _next_words(target: int, gap: int) -> str:
    return (_("what stands between marketing and its target, stage %(target)s", target=target) if gap == 1 else
            _("the next step towards the target, stage %(target)s", target=target))


def _credibility_headline(c: dict[str, Any], r: dict[str, Any]) -> str:
    stage = c.get("stage") or 0
    target = int(c.get("target_stage") or (r.get("settings") or {}).get("target_stage") or 3)
    gap = c.get("gap_to_target")
    gap = max(0, target - stage) if gap is None else int(gap)
    at = _at(c)
    if gap <= 0:
        where = {1: _("Sales trusts marketing to deliver what it promises (%(at)s)", at=at),
                 2: _("Sales counts marketing as part of the revenue lifecycle (%(at)s)", at=at),
                 3: _("Marketing and sales work as strategic partners (%(at)s)", at=at)}.get(stage)
        where = where or _("Marketing and sales work as strategic partners (%(at)s)", at=at)
        if stage > target:
            return _("%(where)s, beyond the target of stage %(target)s: the work now is to hold it", where=where,
                     target=target)
        return _("%(where)s, the target: the work now is to hold it", where=where)
    step = _next_words(target, gap)
    if stage == 0:
        return _("Sales does not yet trust marketing to deliver what it promises (%(at)s): earning that trust is "
                 "%(step)s", at=at, step=step)
    if stage == 1:
        return _("Sales trusts marketing to deliver (%(at)s); becoming part of the revenue lifecycle is %(step)s",
                 at=at, step=step)
    return _("Sales counts marketing as part of the revenue lifecycle (%(at)s); a strategic partnership is "
             "%(step)s", at=at, step=step)


def headline(r: dict[str, Any]) -> str:
    """One sentence: where the client stands and the one thing between it and its target stage; without
    credibility ratings, the most pressing finding of what was assessed."""
    c = r.get("credibility")
    if c:
        return _credibility_headline(c, r)
    k = _kpi_rows(r)
    off = [x for x in k if x.get("status") == "off_track"]
    if off:
        return ngettext("%(n)s of %(total)s managed KPIs is off track; the credibility stage was not assessed",
                        "%(n)s of %(total)s managed KPIs are off track; the credibility stage was not assessed",
                        len(off), total=len([x for x in k if x.get("status") != "no_data"]))
    se = r.get("self_evaluation") or {}
    if (se.get("marketing") or {}).get("credibility_gap") or (se.get("sales") or {}).get("meet_marketing_peer"):
        return _("The leaders' own answers point to a credibility gap between marketing and sales; the credibility "
                 "stage was not assessed")
    if any(r.get(k) for k in ("self_evaluation", "symptoms", "kpis", "prospecting", "attribution", "experiment",
                              "leads", "actions", "knowledge_gaps")):
        return _("What this assessment found, part by part; the credibility stage was not assessed")
    return _("Nothing has been assessed yet: the parts below say what each needs")


def terms(r: dict[str, Any]) -> list[tuple[str, str]]:
    """The terms the summary uses, each with what it means, in the order they first appear."""
    out = []
    c = r.get("credibility")
    if c:
        out.append((_("Stage"), _(
            "marketing earns credibility with sales in three levels, in order: %(one)s, %(two)s and %(three)s; the "
            "stage counts the levels established from the first. A level is established when sales' ratings of its "
            "statements average %(mean)s of 5 or more (a score of %(score)s).", one=_level(1), two=_level(2),
            three=_level(3), mean=number(1 + 4 * _threshold(c, r), 1), score=share(_threshold(c, r)))))
        if c.get("focus"):
            out.append((_("Focus"), _("the next level to build, the one above the stage.")))
    if r.get("kpis"):
        out.append((_("Managed KPIs"), _("the shared KPIs the teams act on; monitored KPIs are only watched.")))
    return out


# --- the decisions -------------------------------------------------------------------------------------------------

def _plan(r: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in (r.get("actions") or {}).get("items") or [] if a.get("status") in ACTIVE]


def _decision(r: dict[str, Any], what: str, evidence: str, carriers: list[dict[str, Any]], side: str,
              tone: str = "alert") -> Decision:
    """A decision, owned and dated by the actions that carry it (the person with most of them owns it; the latest
    due day is its day); without one, owned by ``side`` and due on the day a proposed action would be."""
    if not carriers:
        proposed = _as_of(r) + timedelta(days=PROPOSED_DAYS)
        return Decision(what, _side(side), day(proposed), evidence, planned=False, tone=tone)
    people = [a.get("owner_name") or a.get("owner") or "" for a in carriers]
    owner = max(dict.fromkeys(people), key=people.count)
    return Decision(what, owner, day(max(a["due"] for a in carriers)), evidence,
                    tuple(a["action_id"] for a in carriers), tuple(a["action"] for a in carriers),
                    tuple(p for p in dict.fromkeys(people) if p != owner), True, tone)


def _focus_decision(r: dict[str, Any]) -> Decision | None:
    c = r.get("credibility") or {}
    focus = c.get("focus")
    if not focus:
        return None
    steps = [s for s in c.get("next_steps") or [] if s.get("mean") is not None and not s.get("suppressed")]
    steps.sort(key=lambda s: s["mean"])
    rank = {s["item"]: n for n, s in enumerate(steps)}
    mine = set(level_items(int(focus)))
    carriers = sorted((a for a in _plan(r) if a.get("source") == "credibility" and a.get("item") in mine),
                      key=lambda a: rank.get(a["item"], len(rank)))
    score = (c.get("level_scores") or {}).get(str(focus))
    who = _("Sales rates") if c.get("basis") == "sales" else _("Marketing rates itself")
    evidence = (_("%(who)s level %(level)s at %(score)s, where a level is established from %(threshold)s.", who=who,
                  level=focus, score=share(score), threshold=share(_threshold(c, r))) if score is not None else
                _("Level %(level)s has too few ratings for a score yet.", level=focus))
    if steps:
        evidence += " " + _("Lowest: “%(statement)s”, %(mean)s of 5.", statement=statement(steps[0]["item"]),
                            mean=number(steps[0]["mean"], 1))
    return _decision(r, _(GOALS[int(focus)]), evidence, carriers, "marketing")


def kpi_figure(x: dict[str, Any]) -> str:
    """A KPI's actual against its goal in plain words: '35.4 hours against a goal of 24.0 hours, lower is better'."""
    from playbook.parts.kpis.words import fmt

    actual, goal = fmt(x.get("actual"), x.get("unit", "count")), fmt(x.get("goal"), x.get("unit", "count"))
    if x.get("direction") == "lower":
        return _("%(actual)s against a goal of %(goal)s, lower is better", actual=actual, goal=goal)
    return _("%(actual)s against a goal of %(goal)s", actual=actual, goal=goal)


def _kpi_rows(r: dict[str, Any]) -> list[dict[str, Any]]:
    """The managed KPIs to date."""
    return [x for x in (r.get("kpis") or {}).get("to_date") or [] if x.get("designation", "managed") == "managed"]


def _off_track(r: dict[str, Any]) -> list[dict[str, Any]]:
    off = [x for x in _kpi_rows(r) if x.get("status") == "off_track"]
    return sorted(off, key=lambda x: x.get("attainment") if x.get("attainment") is not None else 0.0)


def _kpi_decision(r: dict[str, Any]) -> Decision | None:
    off = _off_track(r)
    if not off:
        return None
    named = off[:2]
    what = ngettext("Bring %(names)s back to goal", "Bring %(names)s back to goal", len(named),
                    names=_and([x["name"] for x in named]))
    evidence = "; ".join(_("%(name)s: %(figure)s", name=x["name"], figure=kpi_figure(x)) for x in named) + "."
    if len(off) > 2:
        evidence += " " + ngettext("%(n)s more managed KPI is off track.", "%(n)s more managed KPIs are off track.",
                                   len(off) - 2)
    metrics = {x["metric"] for x in named}
    carriers = [a for a in _plan(r) if a.get("source") == "kpi" and a.get("item") in metrics]
    sides = {x.get("owner") for x in named}
    return _decision(r, what, evidence, carriers, sides.pop() if len(sides) == 1 else "shared")


def _economics_decision(r: dict[str, Any]) -> Decision | None:
    from playbook.parts.economics.words import proven

    p, e = r.get("prospecting"), r.get("experiment")
    beats = ((p or {}).get("hire_alternative") or {}).get("marketing_beats_hiring")
    support = proven(e)
    carriers = [a for a in _plan(r) if a.get("source") == "experiment"]
    if e and e.get("lift") is not None and not support:
        have = min((e.get("treatment") or {}).get("n") or 0, (e.get("control") or {}).get("n") or 0)
        lift = e["lift"]
        amount = _cash(abs(lift))
        if e.get("relative_lift") is not None:
            amount = _("%(amount)s (%(relative)s)", amount=amount, relative=share(e["relative_lift"], signed=True))
        evidence = (_("Reps given marketing leads sold %(amount)s more each, but with %(have)s reps a group that "
                      "cannot yet be told apart from chance.", amount=amount, have=have) if lift >= 0 else
                    _("Reps given marketing leads sold %(amount)s less each, with %(have)s reps a group.",
                      amount=amount, have=have))
        if not have:
            evidence = (_("Reps given marketing leads sold %(amount)s more each; too few reps for a verdict.",
                          amount=amount) if lift >= 0 else
                        _("Reps given marketing leads sold %(amount)s less each; too few reps for a verdict.",
                          amount=amount))
        if e.get("needed_per_group"):
            evidence += " " + _("A test that can tell needs %(n)s reps a group.", n=e["needed_per_group"])
        return _decision(r, _("Test marketing leads before moving budget"), evidence, carriers, "sales", "watch")
    if not p or beats is None:
        return None
    mkt, hire = p.get("marketing") or {}, p.get("hire_alternative") or {}
    figures = _("the program's %(cost)s brings %(marketing)s of modelled revenue, hiring with it about %(hire)s.",
                cost=_cash(mkt.get("cost")), marketing=_cash(mkt.get("revenue")), hire=_cash(hire.get("revenue")))
    if support and beats:
        return _decision(r, _("Move budget into marketing leads"), _("The lead experiment proves the lift, and %(f)s",
                                                                      f=figures), carriers, "marketing", "good")
    if beats and support is None:
        return _decision(r, _("Test marketing leads before moving budget"),
                         _("No experiment has tested the leads yet; on paper %(f)s", f=figures), carriers, "sales",
                         "watch")
    return None


def _knowledge_decision(r: dict[str, Any]) -> Decision | None:
    gaps = r.get("knowledge_gaps") or []
    if not gaps:
        return None
    g = gaps[0]
    blind = _blind(g, r)
    wanted = {x["item"] for x in gaps}
    carriers = [a for a in _plan(r) if a.get("item") in wanted and a.get("source") in ("knowledge", "credibility")]
    what = {"sales": _("Show sales how “%(statement)s” works today", statement=statement(g["item"])),
            "marketing": _("Show marketing how “%(statement)s” works today", statement=statement(g["item"]))}.get(
        blind, _("Find out how “%(statement)s” works today and tell both teams", statement=statement(g["item"])))
    side = "marketing" if blind == "sales" else ("sales" if blind == "marketing" else "marketing")
    return _decision(r, what, _knowledge_evidence(g, r), carriers, side, "watch")


def decisions(r: dict[str, Any]) -> list[Decision]:
    """At most three, in this order of weight: the focus level, the off-track managed KPIs, the money question
    (the lead test), the knowledge gaps."""
    found = [d for d in (_focus_decision(r), _kpi_decision(r), _economics_decision(r), _knowledge_decision(r)) if d]
    return found[:3]


# --- the findings, one per part ------------------------------------------------------------------------------------

def _self_evaluation(r: dict[str, Any]) -> Point | None:
    se = r.get("self_evaluation")
    if not se:
        return None
    m, s = se.get("marketing") or {}, se.get("sales") or {}
    gap, meet = m.get("credibility_gap"), s.get("meet_marketing_peer")
    if gap and meet:
        topic = _("Both leaders see the problem in their own department")
    elif gap:
        topic = _("The marketing leader sees a credibility gap with sales")
    elif meet:
        topic = _("The sales leader's answers call for a meeting with marketing")
    elif gap is None and meet is None:
        topic = _("The leaders' self-evaluations are not complete")
    else:
        topic = _("Neither leader sees a credibility problem in their own department")
    parts = []
    if gap is not None:
        parts.append(_("The marketing leader recognised %(n)s of the 6 warning signs in marketing; more than one "
                       "means sales does not fully trust marketing yet.", n=m.get("yes_count", 0)))
    if meet is not None:
        parts.append(_("The sales leader agreed with %(n)s of the 3 statements about sales' attitude to marketing; "
                       "one is enough for the two leaders to go through these findings together.",
                       n=s.get("yes_count", 0)))
    sym = r.get("symptoms")
    tone = "alert" if gap or meet else "good"
    if sym:
        severity = {"low": _("low"), "moderate": _("moderate"), "severe": _("severe")}.get(sym.get("severity"), "")
        parts.append(_("%(n)s of the 8 symptoms of misalignment were reported by at least one respondent "
                       "(%(severity)s).", n=sym.get("count", 0), severity=severity))
        if sym.get("severity") == "severe":
            topic = _("%(topic)s, and %(n)s of 8 symptoms of misalignment are reported", topic=topic,
                      n=sym.get("count", 0))
            tone = "alert"
    return Point(topic, " ".join(parts), tone, "self_evaluation")


def _credibility(r: dict[str, Any]) -> Point | None:
    c = r.get("credibility")
    if not c:
        return None
    stage, focus = c.get("stage") or 0, c.get("focus")
    topics = {0: _("Sales does not yet trust marketing to deliver what it promises: no level is established"),
              1: _("Sales trusts marketing to deliver, but does not yet count it as part of the revenue lifecycle"),
              2: _("Sales counts marketing in the revenue lifecycle, but the two are not yet strategic partners"),
              3: _("Marketing and sales work as strategic partners: every level is established")}
    scores = c.get("level_scores") or {}
    levels = [_("level %(k)s (%(name)s) at %(score)s", k=k, name=_level(k), score=share(scores.get(str(k))))
              for k in (1, 2, 3) if scores.get(str(k)) is not None]
    who = _("Sales rates") if c.get("basis") == "sales" else _(
        "No one from sales rated marketing, so this is marketing's view of itself: it rates")
    text = (_("%(who)s %(levels)s; a level is established from %(threshold)s.", who=who, levels=_and(levels),
              threshold=share(_threshold(c, r))) if levels else
            _("No level has enough ratings yet; a level is established from %(threshold)s.",
              threshold=share(_threshold(c, r))))
    if focus:
        text += " " + _("So the stage is %(stage)s of 3 and the focus is level %(focus)s, %(name)s.", stage=stage,
                        focus=focus, name=_level(focus))
    est = c.get("established") or {}
    high = [k for k in (2, 3) if focus and k > focus and est.get(str(k))]
    for k in high:
        text += " " + _("Level %(high)s scores high, but level %(low)s is not established yet: credibility is built "
                        "in order.", high=k, low=focus)
    for warning in c.get("warnings") or []:
        text += " " + str(warning)
    tone = "good" if stage == 3 else ("watch" if stage else "alert")
    return Point(topics.get(stage, topics[3]), text, tone, "credibility")


def _blind(g: dict[str, Any], r: dict[str, Any]) -> str | None:
    """The side that cannot judge a question (sales or marketing); None when both cannot."""
    from playbook.parts.knowledge.model import reaches

    flag = float((r.get("settings") or {}).get("dont_know_flag", 0.34))
    short = [s for s in ("marketing", "sales") if reaches((g.get("sides") or {}).get(s), flag)]
    return short[0] if len(short) == 1 else None


def _knowledge_evidence(g: dict[str, Any], r: dict[str, Any]) -> str:
    side = _blind(g, r)
    count = (g.get("counts") or {}).get(side or "all") or {}
    n, k = count.get("answers", 0), count.get("dont_know", 0)
    if side == "sales":
        return ngettext("%(k)s of %(n)s sales answer was “don't know”.",
                        "%(k)s of %(n)s sales answers were “don't know”.", n, k=k)
    if side == "marketing":
        return ngettext("%(k)s of %(n)s marketing answer was “don't know”.",
                        "%(k)s of %(n)s marketing answers were “don't know”.", n, k=k)
    return ngettext("%(k)s of %(n)s answer was “don't know”.", "%(k)s of %(n)s answers were “don't know”.", n, k=k)


def _who_cannot(g: dict[str, Any], r: dict[str, Any]) -> str:
    """'Sales cannot judge “…”' and its kin, for one question."""
    side, text = _blind(g, r), statement(g["item"])
    if side == "sales":
        return _("Sales cannot judge “%(statement)s”", statement=text)
    if side == "marketing":
        return _("Marketing cannot judge “%(statement)s”", statement=text)
    return _("Many on both sides cannot judge “%(statement)s”", statement=text)


def _knowledge(r: dict[str, Any]) -> Point | None:
    gaps = r.get("knowledge_gaps")
    if not gaps:
        return None
    if len(gaps) == 1:
        return Point(_who_cannot(gaps[0], r), _knowledge_evidence(gaps[0], r) + " " + _(
            "Where one side cannot see the other's work, it cannot credit it either."), "watch", "knowledge")
    lines = [_("%(who)s: %(evidence)s", who=_who_cannot(g, r), evidence=_knowledge_evidence(g, r)) for g in gaps[:3]]
    if len(gaps) > 3:
        lines.append(ngettext("%(n)s more statement is one that people cannot judge.",
                              "%(n)s more statements are ones that people cannot judge.", len(gaps) - 3))
    topic = ngettext("%(n)s statement is one that a side cannot judge", "%(n)s statements are ones that a side "
                     "cannot judge", len(gaps))
    return Point(topic, " ".join(lines), "watch", "knowledge")


def _shown(v: float | None) -> int | None:
    """A share as the whole percent a reader sees."""
    return None if v is None else int(round(v * 100 + 1e-9))


def _score_change(old: float | None, new: float | None) -> str:
    """'46% → 77% (up 31 points)': the change is the difference of the shares as shown (METHOD 13)."""
    a, b = _shown(old), _shown(new)
    if a is None or b is None:
        return "–"
    if a == b:
        return _("%(old)s → %(new)s (no change)", old=share(old), new=share(new))
    words = (ngettext("up %(n)s point", "up %(n)s points", b - a) if b > a else
             ngettext("down %(n)s point", "down %(n)s points", a - b))
    return f"{share(old)} → {share(new)} ({words})"


def _movement(r: dict[str, Any]) -> Point | None:
    waves, m = r.get("waves"), r.get("movement")
    if not waves:
        return None
    if not m:
        return Point(_("This is the first wave: nothing to compare yet"),
                     _("The next wave will show what moved since this one."), "info", "movement")
    old, new = m.get("stage_from"), m.get("stage_to")
    if old is None or new is None:
        topic = _("Since %(wave)s, the stage cannot be compared", wave=period(m.get("from")))
    elif new == old:
        topic = _("Since %(wave)s, the stage has stayed at %(stage)s", wave=period(m.get("from")), stage=new)
    elif new > old:
        topic = _("Since %(wave)s, the stage rose from %(old)s to %(new)s", wave=period(m.get("from")), old=old, new=new)
    else:
        topic = _("Since %(wave)s, the stage fell from %(old)s to %(new)s", wave=period(m.get("from")), old=old, new=new)
    by_wave = {w.get("wave"): w.get("level_scores") or {} for w in waves}
    before, after = by_wave.get(m.get("from"), {}), by_wave.get(m.get("to"), {})
    levels = [_("level %(k)s %(change)s", k=k, change=_score_change(before.get(k), after.get(k)))
              for k in ("1", "2", "3") if before.get(k) is not None and after.get(k) is not None]
    parts = [_("Level scores: %(levels)s.", levels="; ".join(levels))] if levels else []
    if m.get("symptoms_compared", True):
        appeared, gone = len(m.get("symptoms_new") or []), len(m.get("symptoms_gone") or [])
        parts.append(_("No symptom appeared or went away.") if not appeared and not gone else
                     _("%(new)s appeared and %(gone)s went away.",
                       new=ngettext("%(n)s symptom", "%(n)s symptoms", appeared),
                       gone=ngettext("%(n)s", "%(n)s", gone)))
    change = m.get("stage_change")
    tone = "info" if not change else ("good" if change > 0 else "alert")
    return Point(topic, " ".join(parts), tone, "movement")


def _kpis(r: dict[str, Any]) -> Point | None:
    if not r.get("kpis"):
        return None
    managed = _kpi_rows(r)
    graded = [x for x in managed if x.get("status") != "no_data"]
    off, watch = _off_track(r), [x for x in graded if x.get("status") == "watch"]
    if not graded:
        return Point(_("No managed KPI has figures yet"), _("Goals are set; the actuals are still to come."), "info",
                     "kpis")
    if off:
        # (the names worked out first: a call to _() inside ngettext's arguments hides the plural from extraction)
        more = [_("%(n)s more", n=len(off) - 2)] if len(off) > 2 else []
        names = _and([x["name"] for x in off[:2]] + more)
        topic = ngettext("%(n)s of %(total)s managed KPIs is off track: %(names)s",
                         "%(n)s of %(total)s managed KPIs are off track: %(names)s", len(off), total=len(graded),
                         names=names)
    elif watch:
        topic = ngettext("No managed KPI is off track; %(n)s is close to goal",
                         "No managed KPI is off track; %(n)s are close to goal", len(watch))
    else:
        topic = _("Every managed KPI with figures is on track")
    lines = [_("%(name)s: %(figure)s, off track.", name=x["name"], figure=kpi_figure(x)) for x in off]
    lines += [_("%(name)s: %(figure)s, close to goal.", name=x["name"], figure=kpi_figure(x)) for x in watch]
    lines.append(ngettext("%(n)s managed KPI has figures to date; %(on)s on track.",
                          "%(n)s managed KPIs have figures to date; %(on)s on track.", len(graded),
                          on=len(graded) - len(off) - len(watch)))
    return Point(topic, " ".join(lines), "alert" if off else ("watch" if watch else "good"), "kpis")


def _economics(r: dict[str, Any]) -> Point | None:
    from playbook.parts.economics.words import period, proven, recommendation

    p, a, e = r.get("prospecting"), r.get("attribution"), r.get("experiment")
    if not (p or a or e):
        return None
    verdict = recommendation(r, plain=True)
    text, tone = verdict if verdict else ("", "info")
    beats = ((p or {}).get("hire_alternative") or {}).get("marketing_beats_hiring")
    support = proven(e)
    if beats is None:
        topic = (_("Marketing's share of won revenue, recorded") if a else _("The lead experiment"))
    elif beats and support:
        topic = _("Marketing leads beat hiring, and the lead experiment proves it")
    elif beats and support is None:
        topic = _("Marketing leads beat hiring on paper, but no experiment has tested them yet")
    elif beats:
        topic = _("Marketing leads look better than hiring on paper, but the experiment has not proven it yet")
    else:
        topic = _("Hiring beats the marketing lead program on the modelled figures")
    if a and a.get("sourced_share") is not None:
        text += (" " if text else "") + _(
            "Marketing sourced %(sourced_share)s of the won revenue the deal list records for %(period)s "
            "(%(sourced)s) and influenced %(influenced_share)s (%(influenced)s).",
            sourced_share=share(a["sourced_share"]), period=period(a), sourced=_cash(a.get("sourced_revenue")),
            influenced_share=share(a.get("influenced_share")), influenced=_cash(a.get("influenced_revenue")))
    return Point(topic, text, tone if tone != "none" else "info", "economics")


def _leads(r: dict[str, Any]) -> Point | None:
    """What people say about leads against what the CRM records (METHOD 14), the verdicts to act on first."""
    from playbook.parts.leads.words import summary_point

    if r.get("leads") is None:
        return None
    text, tone = summary_point(r["leads"])
    rows = [x for x in r["leads"].get("perception") or [] if x.get("verdict") != "no_data"]
    confirmed = sum(1 for x in rows if x["verdict"] == "confirmed")
    unseen = sum(1 for x in rows if x["verdict"] == "unseen")
    if not rows:
        topic = _("No complaint about leads can be set beside the CRM's record yet")
    elif confirmed:
        topic = ngettext("The CRM's record bears out %(n)s of %(total)s complaints about leads",
                         "The CRM's record bears out %(n)s of %(total)s complaints about leads", confirmed,
                         total=len(rows))
    elif unseen:
        topic = ngettext("The CRM's record shows a lead problem nobody names", "The CRM's record shows %(n)s lead "
                         "problems nobody names", unseen)
    else:
        topic = _("The CRM's record does not bear out the complaints about leads")
    return Point(topic, text, tone, "leads")


def _actions(r: dict[str, Any]) -> Point | None:
    a = r.get("actions")
    if a is None:
        return None
    rows = a.get("items") or []
    if not rows:
        return Point(_("The action plan has no actions yet"), _("The decisions above are where to start."), "watch",
                     "actions")
    from playbook.parts.actions.words import short

    late = [x for x in rows if x.get("overdue")]
    text = ngettext("%(n)s action in the plan: %(open)s open, %(progress)s in progress, %(done)s done, %(dropped)s "
                    "dropped.", "%(n)s actions in the plan: %(open)s open, %(progress)s in progress, %(done)s done, "
                    "%(dropped)s dropped.", len(rows), open=a.get("open", 0), progress=a.get("in_progress", 0),
                    done=a.get("done", 0), dropped=a.get("dropped", 0))
    if late:
        overdue = [_("“%(action)s” (%(owner)s, due %(due)s)", action=short(x["action"]), owner=x.get("owner_name") or "",
                     due=day(x["due"])) for x in late]
        text += " " + _("Overdue: %(list)s.", list="; ".join(overdue))
        topic = ngettext("%(n)s of %(total)s actions is overdue", "%(n)s of %(total)s actions are overdue", len(late),
                         total=len(rows))
    else:
        topic = _("No action is overdue; %(active)s are under way", active=a.get("open", 0) + a.get("in_progress", 0))
    return Point(topic, text, "alert" if late else "info", "actions")


FINDINGS = {"self_evaluation": _self_evaluation, "credibility": _credibility, "knowledge": _knowledge,
            "movement": _movement, "kpis": _kpis, "leads": _leads, "economics": _economics, "actions": _actions}


def findings(r: dict[str, Any]) -> list[Point]:
    """One finding per part assessed, in report order (a part without a finding of its own says nothing here)."""
    from playbook.parts import PARTS

    out = []
    for part in PARTS:
        make = FINDINGS.get(part.name)
        found = make(r) if make is not None else None
        if found is not None:
            out.append(found)
    return out


def _not_assessed(r: dict[str, Any]) -> str:
    from playbook.parts import PARTS

    missing = [_(p.title) for p in PARTS if not any(r.get(k) is not None for k in p.keys)]
    return _("Not assessed this time: %(parts)s.", parts="; ".join(missing)) if missing else ""


def story(results: dict[str, Any]) -> Story:
    """The executive summary: the headline, its terms, the decisions, the findings per part."""
    return Story(headline(results), terms(results), decisions(results), findings(results), _not_assessed(results))


def executive(results: dict[str, Any]) -> list[Point]:
    """The findings of the summary, one per part assessed (``story`` has the rest)."""
    return findings(results)


def story_html(results: dict[str, Any], plan: str = "#actions") -> str:
    """The executive summary as HTML (client text escaped), for the report and the interactive page; ``plan`` is
    the anchor of the action plan on that page (each decision links to the actions that carry it)."""
    from playbook.core.html import macro

    return macro("summary.html.j2", "story", story(results), plan)


COLOUR_NAMES = {  # a few colour names, for a brand colour told in words (never its hex code)
    N_("black"): (0, 0, 0), N_("white"): (255, 255, 255), N_("grey"): (128, 128, 128), N_("silver"): (192, 192, 192),
    N_("navy"): (25, 45, 95), N_("blue"): (30, 90, 200), N_("sky blue"): (110, 170, 230), N_("teal"): (0, 128, 128),
    N_("green"): (30, 130, 60), N_("olive"): (128, 128, 0), N_("lime"): (130, 200, 60), N_("yellow"): (240, 210, 40),
    N_("orange"): (235, 130, 30), N_("red"): (200, 35, 40), N_("maroon"): (120, 20, 30), N_("pink"): (235, 130, 170),
    N_("purple"): (110, 45, 140), N_("brown"): (130, 80, 40),
}


def colour_name(hex_colour: Any) -> str:
    """The nearest of a few colour names to a ``#rrggbb`` colour: ``#1f3a5f`` is navy."""
    text = str(hex_colour or "").strip().lstrip("#")
    try:
        rgb = tuple(int(text[i:i + 2], 16) for i in (0, 2, 4)) if len(text) == 6 else None
    except ValueError:
        rgb = None
    if rgb is None:
        return "–"
    return min(COLOUR_NAMES, key=lambda n: sum((a - b) ** 2 for a, b in zip(COLOUR_NAMES[n], rgb)))


def _language(code: Any) -> str:
    from babel import Locale

    try:
        return Locale.parse(str(code)).get_display_name(active()) if code else _("the language of the locale")
    except (ValueError, TypeError):
        return str(code)


SETTINGS = {
    "symptoms_low_max": (N_("Symptom severity: low"), lambda v: _("%(n)s or fewer symptoms reported", n=v)),
    "symptoms_moderate_max": (N_("Symptom severity: moderate"),
                              lambda v: _("up to %(n)s symptoms; more is severe", n=v)),
    "stage_threshold": (N_("Credibility level established"),
                        lambda v: _("score of %(score)s or more (an average rating of %(rating)s of 5)",
                                    score=share(v), rating=number(1 + 4 * v))),
    "perception_gap_flag": (N_("Credibility perception gap flagged"),
                            lambda v: _("marketing's and sales' mean ratings %(points)s points apart or more",
                                        points=number(v))),
    "target_stage": (N_("Target stage"), lambda v: _("stage %(stage)s of 3", stage=v)),
    "dont_know_flag": (N_("Knowledge gap flagged"),
                       lambda v: _("%(share)s or more of a statement's answers are “don't know”", share=share(v))),
    "min_group_size": (N_("Smallest group shown"),
                       lambda v: _("a side's figure for a statement needs %(n)s or more answers", n=v)),
    "kpi_watch": (N_("KPI status: watch"), lambda v: _("attainment from %(watch)s up to %(goal)s; below is off track",
                                                       watch=share(v), goal=share(1))),
    "spend_elasticity": (N_("Marketing spend and opportunities"), lambda v: _(
        "in a what-if or scenario, the program's opportunities follow its spend to the power %(e)s (doubling the "
        "spend brings %(factor)s times the opportunities)", e=number(v, None), factor=number(2 ** v, 2))),
    "hire_ramp": (N_("A new rep's first year"), lambda v: _(
        "a new rep sells %(share)s of what a tenured rep sells (the hire alternative)", share=share(v))),
    "reminders": (N_("Reminders to answer"), lambda v: _("%(days)s days before the deadline",
                                                        days=_(" and ").join(str(d) for d in v)) if v else _("none")),
    "firm_name": (N_("Firm named on the report"), lambda v: v or _("none")),
    "brand_colour": (N_("Firm colour in the deck"), lambda v: _(colour_name(v))),
    "deck_template": (N_("Slide design of the deck"),
                      lambda v: _("the firm's own template") if v else _("the standard design")),
    "paper_size": (N_("Paper size of the PDF"), str),
    "currency": (N_("Currency of amounts"), lambda v: currency_name(v)),
    "locale": (N_("Numbers and dates written for"), lambda v: locale_name(v)),
    "language": (N_("Language"), _language),
    "show_individual_answers": (N_("Individual answers in the appendix"),
                                lambda v: _("shown") if v else _("not shown")),
    "timezone": (N_("Time zone of the lead export"), zone_name),
    "business_hours": (N_("Business hours"), lambda v: _("%(hours)s, Monday to Friday", hours=hours(v))),
    "holidays": (N_("Holidays without business hours"),
                 lambda v: ", ".join(day(d, "medium") for d in sorted(v)) if v else _("none")),
    "leads_as_of": (N_("Lead export taken"), lambda v: v or _("at the latest time it records")),  # see rules()
    "lead_sla_hours": (N_("Lead follow-up SLA"), lambda v: _("within %(n)s business hours", n=number(v, None))),
    "lead_feedback_days": (N_("Verdict on a lead expected"), lambda v: _("within %(n)s days", n=number(v, None))),
    "lead_acceptance_ok": (N_("Lead acceptance healthy"), lambda v: _("%(share)s of decided leads accepted or more",
                                                                       share=share(v))),
    "sla_compliance_ok": (N_("Follow-up within the SLA healthy"), lambda v: _("%(share)s of leads or more",
                                                                             share=share(v))),
    "lead_feedback_ok": (N_("Feedback on leads healthy"), lambda v: _("%(share)s of leads decided on in time or more",
                                                                      share=share(v))),
}
FIXED = [
    (N_("Credibility gap"), N_("more than one 'yes' from the marketing leader's self-evaluation")),
    (N_("Leaders should meet"), N_("one or more 'yes' from the sales leader's self-evaluation")),
    (N_("Perception gap (self-evaluations)"),
     N_("share of 'yes' about a department from the other side minus from its own")),
    (N_("Don't know"),
     N_("counts as an answer and completes an item, but is left out of every share, mean and flag")),
    (N_("Basis of the credibility stage"),
     N_("sales' ratings; all ratings, marked self-assessed, when sales gave none")),
    (N_("Credibility level score"), N_("(mean rating − 1) / 4, so 1 of 5 is 0% and 5 of 5 is 100%")),
    (N_("Credibility stage"), N_("the highest level reached with every level below it established")),
    (N_("KPI status: on track"), N_("attainment of 100% or more (goal / actual for metrics where lower is better)")),
    (N_("KPI to date"), N_("goals and actuals over the periods with an actual, summed for counts and money, "
                           "averaged otherwise, unless the metric's definition says otherwise")),
    (N_("Prospecting baseline"), N_("cold calling when listed, else all prospecting together")),
    (N_("Modelled and recorded revenue"), N_(
        "modelled: opportunities × win rate × deal size from the prospecting figures; recorded: won deals in the "
        "deal list, in all, by source and influenced by marketing; both for the period the prospecting figures "
        "name")),
    (N_("What-if and scenarios"), N_(
        "prospecting opportunities change with reps × share of time spent prospecting, marketing opportunities with "
        "the spend (see the setting above); win rates and deal sizes stay; costs and revenues are computed again")),
    (N_("Hire alternative"), N_(
        "the program's cost spent on reps instead: each sells what a rep sold on their own (won deals sourced by "
        "sales per rep; without a deal list, prospecting revenue per rep), times a new rep's first year (see the "
        "setting above)")),
    (N_("Marketing-influenced revenue"), N_("won deals sourced by marketing or with at least one marketing touch")),
    (N_("How sure the measurement is"), N_(
        "the period's prospecting revenue at the cost of a true share of rep time from 20% to 40% in steps of 5 "
        "points; the revenue stays, only the cost changes")),
    (N_("Moving budget"), N_(
        "recommended only when the lead experiment, if there is one, supports it (p < 0.05 and a positive lift); "
        "otherwise: not proven yet, test first, with the reps per group the test needs")),
    (N_("Lead experiment"), N_("Welch's t-test; 95% confidence interval; a result is called real when p < 0.05")),
    (N_("Lead follow-up time"), N_("business hours from a lead's creation to its first touch; a lead created outside "
                                   "business hours starts at the next opening")),
    (N_("Lead follow-up SLA breached"), N_("followed up later than the SLA, or not followed up while more than the "
                                           "SLA's business hours have passed")),
    (N_("Lead acceptance"), N_("accepted and converted leads among those sales accepted, rejected, recycled or "
                               "converted")),
    (N_("Feedback on leads"), N_("share of the leads old enough whose status is no longer open")),
    (N_("Complaint about leads reported"), N_("at least half of those who answered the symptom said yes; set "
                                              "against marketing's leads")),
]


def rules(settings: dict[str, Any], defaults: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every setting in force (``setting`` names its key; ``changed`` when not the default), then the fixed rules."""
    defaults = defaults or {}
    out = []
    for key, value in settings.items():
        label, describe = SETTINGS.get(key, (key.replace("_", " ").capitalize(), str))
        label = _(label) if key in SETTINGS else label
        try:
            text = _leads_as_of(value, settings) if key == "leads_as_of" and value else describe(value)
        except (TypeError, ValueError):
            text = str(value)
        out.append({"rule": label, "value": text, "setting": key,
                    "changed": key in defaults and defaults[key] != value,
                    "swatch": str(value) if key == "brand_colour" and colour_name(value) != "–" else ""})
    out += [{"rule": _(rule), "value": _(value), "setting": "", "changed": False, "swatch": ""} for rule, value in FIXED]
    return out
