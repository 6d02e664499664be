"""The invitation and reminder mails: one personal mail per respondent, in the engagement's language.

Each carries the respondent's own link and no one else's, who asks and what for, the deadline, what is kept
confidential and whom to write to; a plain-text part and an HTML part (``templates/html/mail.html.j2``, every
value escaped) with the same words; ``Date`` and ``Message-ID`` headers as mail servers and spam filters
expect. Built inside ``formats.use(eng.settings)``, so words and dates follow the engagement.
"""

from __future__ import annotations

from datetime import date
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from playbook.core import formats, i18n
from playbook.core.engagement import Engagement, Respondent
from playbook.core.firm import Mail
from playbook.core.html import render
from playbook.core.i18n import _
from playbook.outreach import words

INVITATION, REMINDER = "invitation", "reminder"
DEFAULT_COLOUR = "#1f3a5f"


def _sender(eng: Engagement, mail: Mail) -> str:
    name, address = parseaddr(mail.sender)
    return formataddr((name or words.firm_name(eng) or eng.consultant, address))


def _signature(eng: Engagement) -> list[str]:
    return [line for line in (eng.consultant, words.firm_name(eng), eng.consultant_email) if line]


def _paragraphs(eng: Engagement, person: Respondent, kind: str, deadline: date | None,
                answered: tuple[int, int] | None) -> tuple[str, list[str], list[str], str]:
    """(subject, paragraphs above the link, paragraphs below it, the button's words)."""
    hello = _("Dear %(name)s,", name=person.name)
    if kind == INVITATION:
        subject = (_("%(client)s: your questions on marketing and sales, until %(day)s", client=eng.client,
                     day=formats.day(deadline)) if deadline else
                   _("%(client)s: your questions on marketing and sales", client=eng.client))
        above = [hello, words.purpose(eng),
                 _("The link below is yours alone: please do not forward it. Each answer is saved as you give it, "
                   "so you can stop and come back with the same link.")]
        button = _("Open your questions")
    else:
        subject = (_("Reminder: %(client)s questions, until %(day)s", client=eng.client, day=formats.day(deadline))
                   if deadline else _("Reminder: %(client)s questions", client=eng.client))
        done = (_("So far %(n)s of your %(total)s required questions are answered.", n=answered[0],
                  total=answered[1]) if answered and answered[0] else "")
        above = [hello, " ".join(p for p in (
            _("A reminder: your answers for %(client)s have not been submitted yet.", client=eng.client), done,
            _("Your saved answers are kept; the link below opens them.")) if p)]
        button = _("Continue your questions")
    below = [p for p in (words.deadline(deadline), words.confidentiality(eng, person), words.contact(eng)) if p]
    below.append(_("Thank you for your time."))
    return subject, above, below, button


def compose(eng: Engagement, person: Respondent, link: str, mail: Mail, kind: str = INVITATION,
            deadline: date | None = None, answered: tuple[int, int] | None = None) -> EmailMessage:
    """The mail to ``person`` with their own ``link`` (``kind``: invitation or reminder)."""
    with formats.use(eng.settings):
        subject, above, below, button = _paragraphs(eng, person, kind, deadline, answered)
        sign = _signature(eng)
        text = "\n\n".join([*above, f"{button}:\n{link}", *below, "\n".join(sign)]) + "\n"
        html = render("mail.html.j2", lang=i18n.active(), subject=subject, paragraphs=above, link=link,
                      button=button, after=below, sign=sign,
                      brand=str(eng.settings.get("brand_colour") or DEFAULT_COLOUR))
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = _sender(eng, mail)
    msg["To"] = formataddr((person.name, person.email))
    reply = eng.consultant_email or mail.reply_to
    if reply:
        msg["Reply-To"] = reply
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid(domain=parseaddr(mail.sender)[1].rpartition("@")[2] or None)
    if kind == REMINDER:
        msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg
