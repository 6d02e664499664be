"""Respondent forms: what one respondent is asked and how each answer is saved.

``FormModel`` holds the questions, the saved answers and the rules (validation,
required parts, submission); two views sit on it. ``widget.RespondentForm``
draws it with ipywidgets, for consultants in JupyterLab and in the live views;
``page.FormPage`` draws it as plain HTML for the respondents' personal links.

Imports only the light parts of the package, so a Voilà page with a form does
not pay for pandas or altair. Every answer is validated again on save (the
browser is not trusted) and saved as soon as it is given; a comment typed before
its answer is kept in the store too. Under ``playbook serve`` a save that cannot
be written says so to the respondent and in the server's log, and every save and
submission first re-checks the link (``FormModel.admitted``).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from playbook.core import formats
from playbook.core.engagement import Engagement
from playbook.core.html import macro, render
from playbook.core.i18n import N_, _, ngettext
from playbook.core.instruments import DONT_KNOW, RATING, Instrument, Item, instruments, parse_answer
from playbook.core.responses import answer_store, clean_text
from playbook.core.store import Store, open_store
from playbook.core.store_admin import describe
from playbook.core.store_schema import ERRORS
from playbook.core.store_url import configured_url
from playbook.serve.live import WORKSPACE_ENV

# Words are marked with N_ and translated where they are shown (the language is the engagement's).
YESNO_OPTIONS = [(N_("Yes"), "yes"), (N_("No"), "no")]
RATING_OPTIONS = [("1", 1), ("2", 2), ("3", 3), ("4", 4), ("5", 5)]
# Every item also takes "don't know" (METHOD 7): a choice of its own, set apart from the scale.
DONT_KNOW_OPTION = (N_("Don't know"), DONT_KNOW)
DONT_KNOW_TIP = N_("For a statement you cannot judge: it counts as an answer.")
RATING_HELP = N_("1 = strongly disagree · 3 = neither · 5 = strongly agree")
COMMENT_MAX = 2000
INTRO = N_("Answers marked * are required. Each answer is saved as soon as you give it; you can close this page "
           "and come back with the same link.")


NOT_SAVED = N_("Your answer could not be saved; please tell %(consultant)s.")
LINK_CLOSED = N_("This link is no longer valid, so nothing more is saved. Ask %(consultant)s for a new link.")

log = logging.getLogger("playbook.serve.forms.questions")


class NotSaved(Exception):
    """A save or submission the store did not take; its text is for the respondent."""


class LinkClosed(Exception):
    """The link of this page was revoked or expired after it opened; its text is for the respondent."""


class WaveClosed(LinkClosed):
    """The wave's deadline has passed: the form takes no new answers; its text is for the respondent."""


def _tell_consultant(text: str) -> None:
    """One line in the server's log (the terminal or container log of ``playbook serve``), never on the page."""
    if not log.handlers:
        handler = logging.StreamHandler(sys.__stderr__)
        handler.setFormatter(logging.Formatter("[playbook %(asctime)s] %(message)s"))
        log.addHandler(handler)
        log.propagate = False
    log.error(text)


def text_html(tag: str, cls: str, text: object) -> str:
    """One line of text for the respondent, in one element (escaped by the template)."""
    return render("message.html.j2", tag=tag, cls=cls, text=text)


@dataclass
class Question:
    item: Item
    required: bool
    value: str | int | None = None
    comment: str = ""


class FormModel:
    """The questions of one respondent for one wave, with their saved answers."""

    def __init__(self, eng: Engagement, respondent: str, codes: list[str], wave: str | None = None,
                 required: set[str] | None = None):
        self.eng = eng
        self.person = eng.respondent(respondent)
        if self.person is None:
            raise ValueError(f"unknown respondent {respondent!r}")
        self.wave = wave or eng.period
        self.deadline = eng.wave(self.wave).deadline  # the last day to answer (waves: in engagement.yaml), or None
        # Under playbook serve the store is the one the server checked at start: never memory, never remade.
        self.served = bool(os.environ.get(WORKSPACE_ENV))
        # Whether the link this form was opened with still opens it (None: no link, e.g. JupyterLab).
        self.admitted: Callable[[], bool] | None = None
        required_codes = set(codes) if required is None else set(required)
        saved, kept, self.submitted_at = {}, {}, None
        with open_store(eng, read_only=True) as store:  # reading only: no write transaction when a form opens
            saved = {a["item"]: a for a in store.current(respondent=respondent, wave=self.wave)}
            kept = {c["item"]: c["comment"] for c in store.pending_comments(respondent, self.wave)}
            self.submitted_at = store.submitted(respondent, self.wave)
        self.sections: list[tuple[Instrument, list[Question]]] = []
        self.questions: dict[str, Question] = {}
        for code in codes:
            inst = instruments()[code]
            qs = []
            for item in inst.items:
                q = Question(item, code in required_codes)
                prev = saved.get(item.id)
                if prev is not None:
                    q.value = int(prev["value"]) if item.answer == RATING and prev["value"] != DONT_KNOW else prev["value"]
                    q.comment = prev["comment"] or ""
                q.comment = q.comment or kept.get(item.id, "")  # typed before the answer (or a paper answer) came
                self.questions[item.id] = q
                qs.append(q)
            self.sections.append((inst, qs))

    def title(self, inst: Instrument) -> str:
        if inst.about in ("marketing", "sales") and inst.code in ("MSE", "SSE"):
            if inst.about == self.person.side:
                return _("%(title)s (about your department)", title=inst.title)
            return _("%(title)s (about the other department)", title=inst.title)
        return inst.title

    @property
    def consultant(self) -> str:
        return self.eng.consultant or _("your consultant")

    def closed_on(self):
        """The deadline, once the wave has closed (the form then takes no new answers); else None."""
        from playbook.core.waves import closed

        return closed(self.eng, self.wave)

    def closed_text(self) -> str:
        from playbook.outreach import words

        day = self.closed_on()
        return words.closed(self.eng, day) if day else ""

    def asks(self) -> list[tuple[str, str]]:
        """What the form says on top, as (class, text): who asks and why, until when, what is kept
        confidential, whom to write to (``outreach/words.py``, the same words as the mails)."""
        from playbook.outreach import words

        until = "" if self.closed_on() else words.deadline(self.deadline)
        lines = [("pb-purpose", words.purpose(self.eng)), ("pb-deadline", until),
                 ("pb-confidential", words.confidentiality(self.eng, self.person)),
                 ("pb-contact", words.contact(self.eng))]
        return [(cls, text) for cls, text in lines if text]

    def check_link(self, item: str = "") -> None:
        """Raise LinkClosed when the link this form was opened with no longer opens it (revoked, expired).

        A store gone from under the server is a failure to save (NotSaved), not a link gone bad.
        """
        what = "save an answer of" if item else "record the submission of"
        if self.closed_on():
            raise WaveClosed(self.closed_text())
        if self.served and configured_url() is None and not self.eng.store_path.is_file():
            self._failed(what, FileNotFoundError("the answers store is missing"), item)
        try:
            ok = self.admitted is None or self.admitted()
        except ERRORS as exc:
            self._failed(what, exc, item)
        if not ok:
            raise LinkClosed(_(LINK_CLOSED, consultant=self.consultant))

    def _failed(self, what: str, exc: BaseException, item: str = "") -> NoReturn:
        _tell_consultant(f"could not {what} {self.person.id} ({self.eng.id}, wave {self.wave}"
                         f"{', ' + item if item else ''}): {exc}; is {describe(self.eng)} still there and writable?")
        raise NotSaved(_(NOT_SAVED, consultant=self.consultant)) from None

    def open_store(self) -> Store:
        """The store to write to (see ``answer_store``)."""
        return answer_store(self.eng, served=self.served)

    def save(self, item_id: str, value: object, comment: str = "", store=None) -> bool:
        """Validate one answer (or a comment alone, on a question with no answer yet) and store it.

        True when something was written; an answer identical to the current one writes nothing.
        Raises ValueError naming what is allowed when the item or the value is wrong, LinkClosed
        when the form's link was revoked or expired, NotSaved when the store did not take it.
        """
        q = self.questions.get(item_id)
        if q is None:
            raise ValueError(f"{item_id!r} is not a question of this form")
        if not isinstance(comment, str):
            raise ValueError("a comment must be text")
        comment = clean_text(comment).strip()[:COMMENT_MAX]
        parsed = None
        if value is not None:
            try:
                parsed = parse_answer(q.item, value)  # never trust what the browser sent
            except ValueError as exc:
                raise ValueError(f"{item_id} takes {exc}") from None
        self.check_link(item_id)
        if parsed is None and q.value is None and comment == q.comment:
            return False  # nothing new: a comment kept already, or none
        try:
            with self.open_store() if store is None else nullcontext(store) as writer:
                if parsed is None:
                    written = writer.keep_comment(self.person.id, item_id, self.wave, comment)
                else:
                    written = writer.save_form(self.person.id, item_id, parsed, self.wave, comment)
        except ERRORS as exc:
            self._failed("save an answer of", exc, item_id)
        if parsed is not None:
            q.value = parsed
        q.comment = comment
        return written

    def counts(self) -> tuple[int, int, int, int]:
        """(answered, asked, required answered, required asked)."""
        qs = self.questions.values()
        required = [q for q in qs if q.required]
        return (sum(q.value is not None for q in qs), len(self.questions),
                sum(q.value is not None for q in required), len(required))

    def missing(self) -> list[tuple[str, list[str]]]:
        """Required questions without an answer, as (section title, item ids)."""
        out = []
        for inst, qs in self.sections:
            ids = [q.item.id for q in qs if q.required and q.value is None]
            if ids:
                out.append((inst.title, ids))
        return out

    def missing_questions(self) -> list[dict[str, str]]:
        """Required questions without an answer, by their wording: ``{"item", "text", "section"}`` (the id only
        finds the question on the page; it is never shown)."""
        return [{"item": q.item.id, "text": q.item.text, "section": self.title(inst)}
                for inst, qs in self.sections for q in qs if q.required and q.value is None]

    def submit(self) -> bool:
        """Record the submission when nothing required is missing."""
        if self.missing():
            return False
        self.check_link()
        try:
            with self.open_store() as store:
                store.submit(self.person.id, self.wave)
                self.submitted_at = store.submitted(self.person.id, self.wave)
        except ERRORS as exc:
            self._failed("record the submission of", exc)
        return True

    def status_text(self, what: str = "") -> str:
        from babel.dates import format_time

        answered, asked, req_done, req_asked = self.counts()
        text = _("%(answered)s of %(asked)s answered (%(done)s of %(required)s required)", answered=answered,
                 asked=asked, done=req_done, required=req_asked)
        if what:
            at = format_time(datetime.now(), "short", locale=formats.active().locale)
            text += " · " + _("saved at %(time)s", time=at)
        return text

    def missing_text(self) -> str:
        n = len(self.missing_questions())
        return ngettext("Not submitted yet: %(n)s required question has no answer:",
                        "Not submitted yet: %(n)s required questions have no answer:", n)

    def submitted_text(self, just_now: bool) -> str:
        if just_now:
            text = _("Thank you: your answers are submitted.")
        else:
            text = _("You submitted your answers on %(moment)s.", moment=formats.moment(
                self.submitted_at, self.eng.settings.get("timezone")))
        if self.deadline and not self.closed_on():
            return text + " " + _("You can still change them with the same link until %(day)s.",
                                  day=formats.day(self.deadline))
        return text + " " + _("You can still change them with the same link.")

    # Markup both views share (templates/html/form.html.j2).
    def who_html(self) -> str:
        return macro("form.html.j2", "who", self.person, self.eng.client, self.wave)

    def section_head_html(self, inst: Instrument) -> str:
        return macro("form.html.j2", "section_head", self.title(inst), inst.intro,
                     _(RATING_HELP) if inst.answer == RATING else "")

    @staticmethod
    def statement_html(q: Question) -> str:
        return macro("form.html.j2", "statement", q)


def app_codes(side: str) -> tuple[list[str], set[str]]:
    """What one respondent is asked, in order, and which parts are required.

    Their own department's self-evaluation, the symptoms and the credibility
    ratings are required; the other department's self-evaluation (the peer
    view) is asked too, but optional.
    """
    own, other = ("MSE", "SSE") if side == "marketing" else ("SSE", "MSE")
    codes = [own, "SYM", "CS1", "CS2", "CS3", other]
    return codes, {own, "SYM", "CS1", "CS2", "CS3"}


def app_plan(eng: Engagement, respondent: str) -> tuple[list[str], set[str]]:
    person = eng.respondent(respondent)
    if person is None:
        raise ValueError(f"unknown respondent {respondent!r}")
    return app_codes(person.side)


def app_model(eng: Engagement, respondent: str, wave: str | None = None) -> FormModel:
    """Everything one respondent is asked (see ``app_codes``)."""
    codes, required = app_plan(eng, respondent)
    return FormModel(eng, respondent, codes, wave, required)


def questionnaire_html(eng: Engagement, wave: str | None = None) -> str:
    """Every question asked, as a printable list: for paper collection, or a preview of the form."""
    asked = [instruments()[code] for code in app_codes("marketing")[0][:-1] + ["SSE"]]
    with formats.use(eng.settings):  # the statements in the engagement's language (the server's preview too)
        return render("questionnaire.html.j2", client=eng.client, wave=wave or eng.period, instruments=asked)
