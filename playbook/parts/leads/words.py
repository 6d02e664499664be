"""The lead funnel and follow-up in plain words (METHOD §14): what people say, and what the CRM records.

Everything here reads the ``leads`` block of results.json (full precision); numbers are rounded only as
they are written for people: shares as whole percents, hours with one decimal, the as-of moment in the
locale's long form.
"""

from __future__ import annotations

from typing import Any

from playbook.core.formats import hours, moment, number, share, zone_name
from playbook.core.i18n import N_, _, ngettext, word

# The three symptoms the record can test, as short statements (at most 40 characters).
SYMPTOMS = {
    "SYM-2": N_("Sales complains about lead quality"),
    "SYM-4": N_("Worry about slow follow-up"),
    "SYM-5": N_("Little feedback on leads"),
}
VERDICTS = {
    "confirmed": N_("Borne out by the record"),
    "not_borne_out": N_("Not borne out by the record"),
    "unseen": N_("A problem nobody names"),
    "fine": N_("Fine: the record agrees"),
    "no_data": N_("Nothing to compare yet"),
}
SOURCE_NAMES = {
    "marketing": N_("Marketing"),
    "sales": N_("Sales"),
    "partner": N_("Partners"),
    "other": N_("Other"),
    "all": N_("All leads"),
}
NONE_GIVEN = N_("None given")
# Above a funnel redrawn for another source (the interactive page).
SHOWN_SOURCE = {
    "sales": N_("The funnel and the reasons below are those of the leads sales found itself; the findings speak of "
                "marketing's leads."),
    "partner": N_("The funnel and the reasons below are those of partners' leads; the findings speak of marketing's "
                  "leads."),
    "other": N_("The funnel and the reasons below are those of the other leads; the findings speak of marketing's "
                "leads."),
    "all": N_("The funnel and the reasons below are those of all leads together; the findings speak of marketing's "
              "leads."),
}
# One sentence per symptom and verdict: the share who say so, then what the record shows.
SENTENCES = {
    ("SYM-2", "confirmed"): N_("Sales complains about lead quality (%(said)s say so), and accepted only %(value)s of "
                               "the marketing leads it decided on: the record bears this out."),
    ("SYM-2", "not_borne_out"): N_("Sales complains about lead quality (%(said)s say so), but accepted %(value)s of "
                                   "the marketing leads it decided on: the record does not bear this out."),
    ("SYM-2", "unseen"): N_("Few say sales complains about lead quality (%(said)s), yet sales accepted only "
                            "%(value)s of the marketing leads it decided on: a problem nobody names."),
    ("SYM-2", "fine"): N_("Few say sales complains about lead quality (%(said)s), and sales accepted %(value)s of "
                          "the marketing leads it decided on: the record agrees."),
    ("SYM-4", "confirmed"): N_("Marketing worries that its leads are followed up late or only in part (%(said)s say "
                               "so), and only %(value)s were followed up within the SLA of %(sla)s business hours: "
                               "the record bears this out."),
    ("SYM-4", "not_borne_out"): N_("Marketing worries that its leads are followed up late or only in part (%(said)s "
                                   "say so), but %(value)s were followed up within the SLA of %(sla)s business "
                                   "hours: the record does not bear this out."),
    ("SYM-4", "unseen"): N_("Few worry about slow or partial follow-up (%(said)s), yet only %(value)s of "
                            "marketing's leads were followed up within the SLA of %(sla)s business hours: a problem "
                            "nobody names."),
    ("SYM-4", "fine"): N_("Few worry about slow or partial follow-up (%(said)s), and %(value)s of marketing's "
                          "leads were followed up within the SLA of %(sla)s business hours: the record agrees."),
    ("SYM-5", "confirmed"): N_("Sales gives little or uneven feedback on marketing's leads (%(said)s say so), and "
                               "decided on only %(value)s of those older than %(days)s days: the record bears this "
                               "out."),
    ("SYM-5", "not_borne_out"): N_("Sales gives little or uneven feedback on marketing's leads (%(said)s say so), "
                                   "but decided on %(value)s of those older than %(days)s days: the record does not "
                                   "bear this out."),
    ("SYM-5", "unseen"): N_("Few say feedback on marketing's leads is lacking (%(said)s), yet sales decided on only "
                            "%(value)s of those older than %(days)s days: a problem nobody names."),
    ("SYM-5", "fine"): N_("Few say feedback on marketing's leads is lacking (%(said)s), and sales decided on "
                          "%(value)s of those older than %(days)s days: the record agrees."),
}
# Why a comparison could not be made: the symptom was not judged, or the record has no figure.
NOT_JUDGED = N_("%(symptom)s: nobody gave a yes or no about it in the latest answers, so there is nothing to set "
                "beside the record.")
NOBODY_ASKED = N_("Nobody has said yet whether leads are a problem (the symptoms about lead quality, follow-up and "
                   "feedback), so the record below stands on its own.")
NO_FIGURE = {
    "SYM-2": N_("Lead quality cannot be compared yet: sales has not accepted or rejected any marketing lead."),
    "SYM-4": N_("Follow-up cannot be compared yet: no marketing lead has been followed up or has waited past the "
                "SLA."),
    "SYM-5": N_("Feedback cannot be compared yet: no marketing lead is older than %(days)s days."),
}
# What the record shows for each measure, short (the perception table).
RECORD = {
    "acceptance_rate": N_("%(value)s of decided leads accepted"),
    "sla_compliance": N_("%(value)s followed up within the SLA"),
    "feedback_share": N_("%(value)s decided on after %(days)s days"),
}
NOT_ASSESSED = N_("Not assessed: the engagement has no lead export from its CRM, or the export holds no lead yet.")


def source_name(source: str) -> str:
    return _(SOURCE_NAMES.get(source, source))


def reason_text(reason: str) -> str:
    """A reason as the client wrote it, or "none given" in the reader's language."""
    from playbook.parts.leads.model import NONE_GIVEN as KEPT

    return _(NONE_GIVEN) if reason == KEPT else reason


def sla_text(result: dict[str, Any]) -> str:
    """The SLA's business hours for people: ``8``, ``4.5``."""
    return number(result["sla_hours"], None)


def as_of_text(result: dict[str, Any]) -> str:
    """When the figures stand, for people, on the engagement's clock."""
    return moment(result["as_of"], result["timezone"])


def perception_line(row: dict[str, Any], result: dict[str, Any]) -> str:
    """One symptom against the record, in one sentence."""
    symptom = row["symptom"]
    values = {"said": share(row["symptom_share"]), "value": share(row["value"]), "sla": sla_text(result),
              "days": number(result["feedback_days"], None)}
    if row["verdict"] != "no_data":
        return word(SENTENCES, (symptom, row["verdict"]), **values)
    if row["value"] is None:
        return _(NO_FIGURE[symptom], **values)
    return _(NOT_JUDGED, symptom=_(SYMPTOMS[symptom]))


def record_text(row: dict[str, Any], result: dict[str, Any]) -> str:
    """What the record shows for one symptom, short."""
    if row["value"] is None:
        return "–"
    return word(RECORD, row["measure"], value=share(row["value"]), days=number(result["feedback_days"], None))


ORDER = ("confirmed", "unseen", "not_borne_out", "fine", "no_data")  # what needs acting on first


def _follow_up(m: dict[str, Any], result: dict[str, Any]) -> list[str]:
    lines = []
    if m["followed_up"]:
        lines.append(_("%(touched)s of %(leads)s marketing leads were followed up, half of them within %(median)s "
                       "business hours and nine in ten within %(p90)s.", touched=number(m["followed_up"], 0),
                       leads=number(m["leads"], 0), median=number(m["median_hours"], 1),
                       p90=number(m["p90_hours"], 1)))
    else:
        lines.append(_("None of the %(leads)s marketing leads has been followed up.", leads=number(m["leads"], 0)))
    if m["sla_compliance"] is not None:
        lapsed = m["sla_breached_untouched"]
        line = ngettext("Against the SLA of %(sla)s business hours, %(met)s marketing leads were followed up in "
                        "time, %(late)s late, and %(lapsed)s is still waiting past it.",
                        "Against the SLA of %(sla)s business hours, %(met)s marketing leads were followed up in "
                        "time, %(late)s late, and %(lapsed)s are still waiting past it.", lapsed, sla=sla_text(result),
                        met=number(m["sla_met"], 0), late=number(m["sla_breached"] - lapsed, 0),
                        lapsed=number(lapsed, 0))
        own = result["sources"]["sales"]["sla_compliance"]
        if own is not None:
            line += " " + _("Leads sales found itself met the SLA %(share)s of the time.", share=share(own))
        lines.append(line)
    return lines


def _outcomes(m: dict[str, Any], result: dict[str, Any]) -> list[str]:
    """Conversion, and acceptance or feedback when no perception sentence has said them already."""
    said = {r["measure"] for r in result["perception"] if r["verdict"] != "no_data"}
    lines = [_("%(converted)s of the %(leads)s marketing leads (%(rate)s) became opportunities.",
               converted=number(m["dispositions"]["converted"], 0), leads=number(m["leads"], 0),
               rate=share(m["conversion_rate"]))]
    if m["acceptance_rate"] is not None and "acceptance_rate" not in said:
        lines.append(_("Sales accepted %(share)s of the %(decided)s marketing leads it decided on.",
                       share=share(m["acceptance_rate"]), decided=number(m["dispositioned"], 0)))
    if m["feedback_share"] is not None and "feedback_share" not in said:
        lines.append(_("Sales gave its verdict on %(share)s of the %(due)s marketing leads older than %(days)s days.",
                       share=share(m["feedback_share"]), due=number(m["feedback_due"], 0),
                       days=number(result["feedback_days"], None)))
    return lines


def _reasons(result: dict[str, Any]) -> list[str]:
    given = result["reasons"]
    if not given:
        return []
    total = sum(r["count"] for r in given)
    top = given[0]
    return [ngettext("The reason given most for rejecting or recycling a lead: \u201c%(reason)s\u201d (%(count)s of "
                     "%(total)s lead).",
                     "The reason given most for rejecting or recycling a lead: \u201c%(reason)s\u201d (%(count)s of "
                     "%(total)s leads).", total, reason=reason_text(top["reason"]), count=number(top["count"], 0),
                     total=number(total, 0))]


def findings(result: dict[str, Any] | None) -> list[str]:
    """The findings: perception against the record first, then follow-up, outcomes and reasons."""
    if result is None:
        return [_(NOT_ASSESSED)]
    rows = sorted(result["perception"], key=lambda r: ORDER.index(r["verdict"]))
    if all(r["symptom_share"] is None for r in rows):
        lines = [_(NOBODY_ASKED)]
    else:
        lines = [perception_line(r, result) for r in rows]
    m = result["sources"]["marketing"]
    if m["leads"]:
        lines += _follow_up(m, result) + _outcomes(m, result)
    else:
        lines.append(_("The export holds no marketing lead, so nothing marketing passed to sales can be measured."))
    lines += _reasons(result)
    lines.append(_("Figures as of %(when)s; business hours %(hours)s, Monday to Friday, %(zone)s.",
                   when=as_of_text(result), hours=hours(result["business_hours"]), zone=zone_name(result["timezone"])))
    return lines


def summary_point(result: dict[str, Any] | None) -> tuple[str, str] | None:
    """The executive summary's point and its tone: the confirmed and unseen verdicts first (alert, watch), with
    the complaints the record does not bear out; else how the record stands (good). None when not assessed."""
    if result is None:
        return None
    rows = sorted((r for r in result["perception"] if r["verdict"] != "no_data"),
                  key=lambda r: ORDER.index(r["verdict"]))
    if not rows:
        return _("No complaint about leads can be set beside the record yet."), "info"
    pressing = [r for r in rows if r["verdict"] in ("confirmed", "unseen")]
    if pressing:
        shown = pressing + [r for r in rows if r["verdict"] == "not_borne_out"]
        tone = "alert" if pressing[0]["verdict"] == "confirmed" else "watch"
    else:
        shown, tone = rows, "good"
    return " ".join(perception_line(r, result) for r in shown), tone
