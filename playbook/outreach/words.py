"""What respondents are told, in their language, the same in the form and in the mails: who asks, what for,
until when, what is kept confidential, and whom to write to.

Call inside ``with formats.use(eng.settings):`` so that words and dates follow the engagement.
"""

from __future__ import annotations

import re
from datetime import date

from playbook.core import formats
from playbook.core.engagement import Engagement, Respondent
from playbook.core.i18n import N_, _

# Who a respondent is, in words (never the codes of engagement.yaml): by side and role.
ROLES = {
    ("marketing", "leader"): N_("Head of marketing"),
    ("marketing", "manager"): N_("Marketing manager"),
    ("marketing", "member"): N_("Marketing team"),
    ("sales", "leader"): N_("Head of sales"),
    ("sales", "manager"): N_("Sales manager"),
    ("sales", "member"): N_("Sales team"),
}
SIDES = {"marketing": N_("Marketing"), "sales": N_("Sales")}
QUARTER = re.compile(r"^\s*(\d{4})-?Q([1-4])\s*$", re.IGNORECASE)
MONTH = re.compile(r"^\s*(\d{4})-(0[1-9]|1[0-2])\s*$")
HALF = re.compile(r"^\s*(\d{4})-?H([12])\s*$", re.IGNORECASE)


def firm_name(eng: Engagement) -> str:
    """The firm the consultant works for, or "" when there is none (the name falls back to the consultant)."""
    name = str(eng.settings.get("firm_name") or "").strip()
    return "" if name == eng.consultant else name


def asker(eng: Engagement) -> str:
    """Who asks, in a few words: "Ana Ruiz of Northwind Consulting", "Ana Ruiz", "Northwind Consulting"."""
    firm = firm_name(eng)
    if eng.consultant and firm:
        return _("%(consultant)s of %(firm)s", consultant=eng.consultant, firm=firm)
    return eng.consultant or firm


def purpose(eng: Engagement) -> str:
    """Why the questions are asked, with who asks."""
    who = asker(eng)
    if who:
        return _("%(who)s is helping %(client)s see how well its marketing and sales teams work together. People "
                 "in both teams answer the same short questions: how each department sees itself and the other, "
                 "and how far sales can count on marketing. It takes about 15 minutes.", who=who, client=eng.client)
    return _("%(client)s wants to see how well its marketing and sales teams work together. People in both teams "
             "answer the same short questions: how each department sees itself and the other, and how far sales "
             "can count on marketing. It takes about 15 minutes.", client=eng.client)


def confidentiality(eng: Engagement, person: Respondent | None = None) -> str:
    """What is shown of one's answers, in plain words (METHOD 8); ``person`` None: said of everyone."""
    n = int(eng.settings.get("min_group_size") or 3)
    leader = person is not None and person.is_leader
    parts = []
    if person is None:
        parts.append(_("The two department leaders' answers about their own department are shown with their names."))
        parts.append(_("Everything else is shown only for groups of at least %(n)s people, never for one person.",
                       n=n))
    elif leader:
        parts.append(_("As the leader of your department, your answers about your own department are shown with "
                       "your name: the method needs them."))
        parts.append(_("Everything else you answer is shown only for groups of at least %(n)s people.", n=n))
    else:
        parts.append(_("Your answers are shown only for groups of at least %(n)s people, never on their own and "
                       "never with your name.", n=n))
    if not eng.settings.get("show_individual_answers"):
        parts.append(_("Comments are not quoted in the report."))
    elif leader:
        parts.append(_("Your comments may be quoted in the report, with your name."))
    else:
        parts.append(_("Comments may be quoted in the report, never with a name."))
    return " ".join(parts)


def deadline(day: date | None) -> str:
    """"Please answer by December 18, 2026." or ""."""
    return _("Please answer by %(day)s.", day=formats.day(day)) if day else ""


def contact(eng: Engagement) -> str:
    """Whom to write to with a question: "Questions? Write to ana.ruiz@…", or ask the consultant by name."""
    if eng.contact:
        return _("Questions? Write to %(address)s.", address=eng.contact)
    if eng.consultant:
        return _("Questions? Ask %(consultant)s.", consultant=eng.consultant)
    return ""


def closed(eng: Engagement, day: date) -> str:
    """What a form says once its wave has closed."""
    text = _("This questionnaire closed on %(day)s, so it takes no new answers; your saved answers are kept.",
             day=formats.day(day))
    ask = eng.contact or eng.consultant
    if ask:
        text += " " + _("If you still want to answer, write to %(whom)s.", whom=ask)
    return text


def role(person: Respondent) -> str:
    """A respondent's part in words: "Head of marketing", "Sales team" (the side alone for an unknown role)."""
    return role_of(person.side, person.role)


def role_of(side: str, role: str) -> str:
    """``role`` on ``side`` in words, as ``role`` says it."""
    words = ROLES.get((side, role)) or SIDES.get(side)
    return _(words) if words else ""


def side(name: str) -> str:
    """A department in words: "Marketing", "Sales"."""
    return _(SIDES[name]) if name in SIDES else name


def period(label: object) -> str:
    """A wave's label in words: "2026-Q4" as "Q4 2026", "2026-07" as the month ("July 2026", "Juli 2026"),
    "2026-H2" as "second half of 2026"; any other label as the consultant wrote it."""
    from babel.dates import format_skeleton

    text = str(label or "").strip()
    if m := QUARTER.match(text):
        return _("Q%(quarter)s %(year)s", quarter=m.group(2), year=m.group(1))
    if m := MONTH.match(text):
        return format_skeleton("yMMMM", date(int(m.group(1)), int(m.group(2)), 1), locale=formats.active().locale)
    if m := HALF.match(text):
        if m.group(2) == "1":
            return _("first half of %(year)s", year=m.group(1))
        return _("second half of %(year)s", year=m.group(1))
    return text
