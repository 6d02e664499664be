"""The report's words: the executive summary and the rules and thresholds behind it.

``executive`` answers the engagement's questions in plain words, one point per
question, from ``results.json`` alone; a part that was not assessed says so.
``rules`` lists every threshold the numbers depend on, for the appendix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playbook.core.formats import (
    SHARE,
    currency_name,
    day,
    difference,
    hours,
    locale_name,
    money,
    number,
    p_value,
    period,
    share,
    unit,
    zone_name,
)
from playbook.core.i18n import N_, _
from playbook.parts.credibility.model import level_name
from playbook.parts.movement.words import level_scores

STAGE_NAMES = {0: "no foundation yet", 1: "consistent execution", 2: "revenue lifecycle", 3: "strategic partnership"}
LEVEL_NAMES = {1: "consistent execution", 2: "a part in the revenue lifecycle", 3: "strategic partnership"}


@dataclass(frozen=True)
class Point:
    """One answer of the executive summary; ``tone`` is alert, watch, good, info or none (not assessed)."""

    topic: str
    text: str
    tone: str = "info"


def _cash(v) -> str:
    """An amount in the client's currency, abbreviated as the locale does ($1.2M, 1,2 Mio. €), with its minus sign."""
    return money(v, compact=True)


def _names(rows: list[dict]) -> str:
    return "; ".join(f"{r.get('name') or r.get('metric')} (owner: {r.get('owner', '–')})" for r in rows)


def _as_of(text: str, settings: dict[str, Any]) -> str:
    """``settings.leads_as_of`` (on the engagement's clock unless it names an offset) for people."""
    from playbook.core import clock
    from playbook.core.formats import moment

    zone = settings.get("timezone") or "UTC"
    when = clock.stamp(text, clock.zone(zone))
    return moment(when, zone) if when is not None else text


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _self_evaluation(r: dict) -> list[Point]:
    se = r.get("self_evaluation")
    if not se:
        return [Point("Credibility gap", "Not assessed: no self-evaluation answers were collected.", "none"),
                Point("Leaders' meeting", "Not assessed: no self-evaluation answers were collected.", "none")]
    m, s = se.get("marketing") or {}, se.get("sales") or {}
    gap, meet = m.get("credibility_gap"), s.get("meet_marketing_peer")
    if gap is None:
        gap_p = Point("Credibility gap", "Open: the marketing leader has not completed the self-evaluation.", "none")
    elif gap:
        gap_p = Point("Credibility gap", f"Yes. The marketing leader recognised {m.get('yes_count', 0)} of the six "
                      "warning signs in their own department; more than one means sales does not fully trust "
                      "marketing yet.", "alert")
    else:
        gap_p = Point("Credibility gap", f"No. The marketing leader recognised {m.get('yes_count', 0)} of the six "
                      "warning signs (more than one would signal a gap).", "good")
    if meet is None:
        meet_p = Point("Leaders' meeting", "Open: the sales leader has not completed the self-evaluation.", "none")
    elif meet:
        meet_p = Point("Leaders' meeting", f"Needed. The sales leader agreed with {s.get('yes_count', 0)} of the "
                       "three statements about sales' attitude to marketing, so the two leaders should sit down "
                       "together and go through these findings.", "alert")
    else:
        meet_p = Point("Leaders' meeting", "Not required by the sales leader's answers (no statement agreed with); "
                       "a joint review of this report is still worthwhile.", "good")
    out = [gap_p, meet_p]
    sym = r.get("symptoms")
    if sym:
        tone = {"severe": "alert", "moderate": "watch"}.get(sym.get("severity"), "good")
        out.append(Point("Symptoms", f"{sym.get('count', 0)} of the 8 symptoms of misalignment were reported by at "
                         f"least one respondent: {sym.get('severity', '–')}.", tone))
    return out


def _credibility(r: dict) -> list[Point]:
    c = r.get("credibility")
    if not c:
        return [Point("Credibility stage", "Not assessed: no credibility-stage ratings were collected.", "none")]
    stage = c.get("stage") or 0
    text = f"Stage {stage} of 3 ({STAGE_NAMES.get(stage, '–')})"
    text += ", as sales rates marketing." if c.get("basis") == "sales" else (
        ", self-assessed only: no one from sales rated marketing, so treat it with care.")
    focus = c.get("focus")
    if focus:
        steps = len(c.get("next_steps") or [])
        text += f" The focus now is level {focus}, {LEVEL_NAMES.get(focus, '')}"
        text += f", with {_plural(steps, 'next step', 'next steps')} in section 2." if steps else "."
    else:
        text += " Every level is established; the work now is to keep it so."
    for warning in c.get("warnings") or []:
        if "self-assessed" not in str(warning):  # already said above
            text += f" {str(warning).rstrip('.')}."
    tone = "good" if stage == 3 else ("watch" if stage else "alert")
    return [Point("Credibility stage", text, tone)]


def _levels_named(levels: list[int]) -> str:
    names = [level_name(k) for k in levels]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _target(r: dict) -> list[Point]:
    """How many levels stand between the client and its target stage (METHOD 9); nothing without ratings."""
    c = r.get("credibility")
    target = (c or {}).get("target_stage", (r.get("settings") or {}).get("target_stage"))
    if not c or target is None:
        return []
    stage, target, client = c.get("stage") or 0, int(target), r.get("client") or "The client"
    gap = c.get("gap_to_target")
    gap = max(0, target - stage) if gap is None else int(gap)
    if gap <= 0:
        text = (f"Reached: {client} is at stage {stage}, its target, {level_name(target)}; the work now is to hold "
                "it." if stage == target else
                f"Reached: {client} is at stage {stage}, beyond its target of stage {target}, {level_name(target)}.")
        return [Point("Target stage", text, "good")]
    missing = list(range(stage + 1, min(3, stage + gap) + 1))
    count = {1: "One level stands", 2: "Two levels stand", 3: "Three levels stand"}.get(len(missing), "Levels stand")
    return [Point("Target stage", f"{count} between {client} and its target: {_levels_named(missing)} "
                  f"(the target is stage {target} of 3).", "watch" if gap == 1 else "alert")]


def _stage_moved(m: dict) -> str:
    old, new = m.get("stage_from"), m.get("stage_to")
    if old is None or new is None:
        return "the stage cannot be compared (one wave has no credibility ratings)"
    if new == old:
        return f"the stage stayed at {new}"
    return f"the stage {'rose' if new > old else 'fell'} from {old} to {new}"


def _movement(r: dict) -> list[Point]:
    """What moved between the two latest waves, in one point (METHOD 9)."""
    waves, m = r.get("waves"), r.get("movement")
    if not waves:
        return [Point("What moved", "Not assessed: no answers were collected in any wave.", "none")]
    if not m:
        return [Point("What moved", f"Nothing to compare yet: {period(waves[-1].get('wave')) or 'this'} is the first wave.",
                      "info")]
    parts = [_stage_moved(m)]
    levels = [f"level {k} {difference(old, new, SHARE)}" for k, (old, new) in level_scores(m, waves).items()
              if old is not None and new is not None]
    if levels:
        parts.append(", ".join(levels))
    if m.get("symptoms_compared", True):
        new, gone = len(m.get("symptoms_new") or []), len(m.get("symptoms_gone") or [])
        parts.append("no symptom appeared or went away" if not new and not gone else
                     f"{_plural(new, 'symptom', 'symptoms')} appeared and {gone} went away")
    change = m.get("stage_change")
    tone = "info" if not change else ("good" if change > 0 else "alert")
    return [Point("What moved", f"Since {period(m.get('from'))}: " + "; ".join(parts) + ".", tone)]


def _kpis(r: dict) -> list[Point]:
    k = r.get("kpis")
    if not k:
        return [Point("Shared KPIs", "Not assessed: the engagement has no shared KPIs with goals and actuals.", "none")]
    managed = [x for x in k.get("to_date") or [] if x.get("designation", "managed") == "managed"]
    off = [x for x in managed if x.get("status") == "off_track"]
    watch = [x for x in managed if x.get("status") == "watch"]
    graded = [x for x in managed if x.get("status") != "no_data"]
    if not graded:
        return [Point("Shared KPIs", "No managed KPI has an actual value yet.", "info")]
    if not off and not watch:
        return [Point("Shared KPIs", f"All {len(graded)} managed KPIs with data are on track to date.", "good")]
    parts = []
    if off:
        parts.append(f"{_plural(len(off), 'managed KPI is', 'managed KPIs are')} off track to date: {_names(off)}.")
    if watch:
        parts.append(f"{_plural(len(watch), 'is', 'are')} close to goal and worth watching: {_names(watch)}.")
    return [Point("Shared KPIs", " ".join(parts), "alert" if off else "watch")]


def _actions(r: dict) -> list[Point]:
    a = r.get("actions")
    if a is None:
        return [Point("Action plan", "Not assessed: the engagement has no action plan yet.", "none")]
    total = len(a.get("items") or [])
    if not total:
        return [Point("Action plan", "The plan has no actions yet.", "watch")]
    text = (f"{_plural(total, 'action', 'actions')}: {a.get('open', 0)} open, {a.get('in_progress', 0)} in progress, "
            f"{a.get('done', 0)} done, {a.get('dropped', 0)} dropped.")
    late = a.get("overdue") or []
    if late:
        text += f" {_plural(len(late), 'action is', 'actions are')} overdue: {', '.join(late)}."
    tone = "alert" if late else ("info" if a.get("open") or a.get("in_progress") else "good")
    return [Point("Action plan", text, tone)]


def _hire(r: dict) -> Point:
    """Whether to move budget between marketing leads and more reps: only as far as the experiment supports it
    (METHOD 12; the part's own verdict, ``economics.words.recommendation``)."""
    from playbook.parts.economics.words import recommendation

    verdict = recommendation(r)
    if verdict is None:
        return Point("Hire or leads", "Not assessed: the engagement has no prospecting economics.", "none")
    return Point("Hire or leads", *verdict)


def _attribution(r: dict) -> Point:
    a = r.get("attribution")
    if not a:
        return Point("Marketing's share of revenue", "Not assessed: the engagement has no deal list.", "none")
    if a.get("sourced_share") is None:
        return Point("Marketing's share of revenue", "No won deals yet, so no revenue can be attributed.", "info")
    from playbook.parts.economics.words import period

    return Point("Marketing's share of revenue",
                 _("Marketing sourced %(sourced_share)s of the won revenue the deal list records for %(period)s "
                   "(%(sourced)s) and influenced %(influenced_share)s (%(influenced)s).",
                   sourced_share=share(a["sourced_share"]), period=period(a), sourced=_cash(a.get("sourced_revenue")),
                   influenced_share=share(a.get("influenced_share")), influenced=_cash(a.get("influenced_revenue"))),
                 "info")


def _experiment(r: dict) -> Point:
    e = r.get("experiment")
    if not e:
        return Point("Lead experiment", "Not assessed: no experiment with two groups of reps was run.", "none")
    lift, rel, p = e.get("lift"), e.get("relative_lift"), e.get("p_value")
    if lift is None:
        return Point("Lead experiment", "The experiment has too little data for a result.", "info")
    text = (_("In the experiment, reps given marketing leads sold %(amount)s more per rep on average (recorded "
              "revenue)", amount=_cash(abs(lift))) if lift >= 0 else
            _("In the experiment, reps given marketing leads sold %(amount)s less per rep on average (recorded "
              "revenue)", amount=_cash(abs(lift))))
    text += f" ({share(rel, signed=True)})" if rel is not None else ""
    if p is None or e.get("ci_low") is None:
        return Point("Lead experiment", text + "; no confidence interval can be computed.", "info")
    significant = e.get("significant", p < 0.05)
    text += (f"; the 95% interval runs from {_cash(e['ci_low'])} to {_cash(e.get('ci_high'))} ({p_value(p)}), so ")
    text += "the difference is real." if significant else "it cannot yet be told apart from chance."
    return Point("Lead experiment", text, ("good" if lift > 0 else "alert") if significant else "info")


def _leads(r: dict) -> list[Point]:
    """What people say about leads against what the CRM records (METHOD 14): a confirmed or unseen verdict
    when there is one."""
    from playbook.parts.leads.words import summary_point

    if r.get("leads") is None:
        return [Point(_("Lead follow-up"), _("Not assessed: the engagement has no lead export from its CRM."), "none")]
    text, tone = summary_point(r["leads"])
    return [Point(_("Lead follow-up"), text, tone)]


def _knowledge(r: dict) -> list[Point]:
    """Items one side cannot judge (METHOD 7): a point only when there is such a gap."""
    from playbook.parts.knowledge.words import summary_text

    text = summary_text(r)
    return [Point("Knowledge gaps", text, "watch")] if text else []


def executive(results: dict[str, Any]) -> list[Point]:
    """The executive summary: one point per question the engagement answers, in a fixed order."""
    return (_self_evaluation(results) + _credibility(results) + _target(results) + _knowledge(results)
            + _movement(results)
            + _kpis(results) + _leads(results) + _actions(results)
            + [_hire(results), _attribution(results), _experiment(results)])


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
        return Locale.parse(str(code)).get_display_name("en") if code else _("the language of the locale")
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
    ("Credibility gap", "more than one 'yes' from the marketing leader's self-evaluation"),
    ("Leaders should meet", "one or more 'yes' from the sales leader's self-evaluation"),
    ("Perception gap (self-evaluations)", "share of 'yes' about a department from the other side minus from its own"),
    ("Don't know", "counts as an answer and completes an item, but is left out of every share, mean and flag"),
    ("Basis of the credibility stage", "sales' ratings; all ratings, marked self-assessed, when sales gave none"),
    ("Credibility level score", "(mean rating − 1) / 4, so 1 of 5 is 0% and 5 of 5 is 100%"),
    ("Credibility stage", "the highest level reached with every level below it established"),
    ("KPI status: on track", "attainment of 100% or more (goal / actual for metrics where lower is better)"),
    ("KPI to date", "goals and actuals over the periods with an actual, summed for counts and money, averaged "
                    "otherwise, unless the metric's definition says otherwise"),
    ("Prospecting baseline", "cold calling when listed, else all prospecting together"),
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
    ("Marketing-influenced revenue", "won deals sourced by marketing or with at least one marketing touch"),
    (N_("How sure the measurement is"), N_(
        "the period's prospecting revenue at the cost of a true share of rep time from 20% to 40% in steps of 5 "
        "points; the revenue stays, only the cost changes")),
    (N_("Moving budget"), N_(
        "recommended only when the lead experiment, if there is one, supports it (p < 0.05 and a positive lift); "
        "otherwise: not proven yet, test first, with the reps per group the test needs")),
    ("Lead experiment", "Welch's t-test; 95% confidence interval; a result is called real when p < 0.05"),
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
            text = _as_of(value, settings) if key == "leads_as_of" and value else describe(value)
        except (TypeError, ValueError):
            text = str(value)
        out.append({"rule": label, "value": text, "setting": key,
                    "changed": key in defaults and defaults[key] != value,
                    "swatch": str(value) if key == "brand_colour" and colour_name(value) != "–" else ""})
    out += [{"rule": _(rule), "value": _(value), "setting": "", "changed": False, "swatch": ""} for rule, value in FIXED]
    return out


def glance(results: dict[str, Any]) -> list[dict[str, str]]:
    """A few headline numbers for the top of the summary (only for the parts assessed)."""
    out = []
    se, sym, c, k = (results.get(x) for x in ("self_evaluation", "symptoms", "credibility", "kpis"))
    if se and (se.get("marketing") or {}).get("credibility_gap") is not None:
        gap = se["marketing"]["credibility_gap"]
        out.append({"value": "Yes" if gap else "No", "label": "credibility gap", "tone": "alert" if gap else "good"})
    if sym:
        out.append({"value": f"{sym.get('count', 0)} of 8", "label": f"symptoms reported ({sym.get('severity')})",
                    "tone": {"severe": "alert", "moderate": "watch"}.get(sym.get("severity"), "good")})
    if c:
        out.append({"value": f"{c.get('stage') or 0} of 3", "label": "credibility stage",
                    "tone": "good" if c.get("stage") == 3 else "watch"})
    if k:
        managed = [x for x in k.get("to_date") or [] if x.get("designation", "managed") == "managed"
                   and x.get("status") != "no_data"]
        off = sum(1 for x in managed if x.get("status") == "off_track")
        if managed:  # nothing graded yet: no tile (never a green "0 of 0")
            out.append({"value": f"{off} of {len(managed)}", "label": "managed KPIs off track",
                        "tone": "alert" if off else "good"})
    a = results.get("attribution")
    if a and a.get("sourced_share") is not None:
        out.append({"value": share(a["sourced_share"]), "label": "of won revenue sourced by marketing", "tone": "info"})
    p = results.get("prospecting")
    if p and (p.get("marketing") or {}).get("revenue_per_dollar") is not None:
        out.append({"value": money(p["marketing"]["revenue_per_dollar"], cents=True),
                    "label": _("modelled revenue per marketing %(unit)s", unit=unit()),
                    "tone": "info"})
    return out
