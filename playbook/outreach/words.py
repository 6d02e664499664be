"""What respondents are told, in their language, the same in the form and in the mails: who asks, what for,
until when, what is kept confidential, and whom to write to.

Call inside ``with formats.use(eng.settings):`` so that words and dates follow the engagement.
"""

from __future__ import annotations

from datetime import date

from playbook.core import formats
from playbook.core.engagement import Engagement, Respondent
from playbook.core.i18n import _


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
