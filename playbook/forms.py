"""Respondent forms (ipywidgets) that write answers to the store.

Imports only ipywidgets and the light parts of the package, so a Voilà page
with a form does not pay for pandas or altair. Every answer is validated again
on save (the browser is not trusted) and saved as soon as it is given.
"""

from __future__ import annotations

import html
from datetime import datetime

import ipywidgets as w
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

from .engagement import Engagement
from .instruments import RATING, instruments, parse_answer
from .responses import answer_store, open_store

YESNO_OPTIONS = [("Yes", "yes"), ("No", "no")]
RATING_OPTIONS = [("1", 1), ("2", 2), ("3", 3), ("4", 4), ("5", 5)]
RATING_HELP = "1 = strongly disagree · 3 = neither · 5 = strongly agree"


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


class Shared:
    """Layout and style models shared by every row of a form.

    Each ipywidget otherwise brings its own Layout and Style model: a 40-question
    form would open some 450 comms instead of about 170, which is what makes a
    page slow when many respondents arrive at once.
    """

    def __init__(self):
        self.toggle_style = w.ToggleButtonsStyle(button_width="56px")
        self.html_style = HTMLStyle()
        self.text_style = TextStyle()
        self.plain = w.Layout()
        self.comment = w.Layout(width="100%", height="2.6em")
        self.row = w.Layout(margin="0 0 14px 0")


class ItemRow:
    """One question: the statement, the answer buttons and an optional comment."""

    def __init__(self, item, value=None, comment: str = "", required: bool = False, shared: Shared | None = None):
        shared = shared or Shared()
        self.item = item
        self.required = required
        options = RATING_OPTIONS if item.answer == RATING else YESNO_OPTIONS
        self.answer = w.ToggleButtons(options=options, value=value, style=shared.toggle_style, layout=shared.plain)
        self.answer.add_class("pb-answer")
        self.answer.add_class(f"pb-item-{item.id}")
        self.comment = w.Textarea(value=comment, placeholder="Comment (optional)", continuous_update=False,
                                  layout=shared.comment, style=shared.text_style)
        self.comment.add_class(f"pb-comment-{item.id}")
        mark = '<span class="pb-required" title="required">*</span>' if required else ""
        label = w.HTML(f'<div class="pb-statement"><span class="pb-id">{_esc(item.id)}</span> {_esc(item.text)}{mark}</div>',
                       layout=shared.plain, style=shared.html_style)
        self.widget = w.VBox([label, self.answer, self.comment], layout=shared.row)
        self.widget.add_class("pb-row")


class RespondentForm:
    """The form for one respondent and one wave, over some instruments."""

    def __init__(self, eng: Engagement, respondent: str, codes: list[str], wave: str | None = None,
                 required: set[str] | None = None, submit: bool = False):
        self.eng = eng
        self.required_codes = set(codes) if required is None else set(required)
        self.person = eng.respondent(respondent)
        if self.person is None:
            raise ValueError(f"unknown respondent {respondent!r}")
        self.wave = wave or eng.period
        with open_store(eng) as store:
            saved = {a["item"]: a for a in store.current(respondent=respondent, wave=self.wave)}
            self.submitted_at = store.submitted(respondent, self.wave)
        self.rows: dict[str, ItemRow] = {}
        shared = Shared()
        sections = []
        for code in codes:
            inst = instruments()[code]
            rows = []
            for item in inst.items:
                prev = saved.get(item.id)
                value = None
                if prev is not None:
                    value = int(prev["value"]) if item.answer == RATING else prev["value"]
                row = ItemRow(item, value, prev["comment"] if prev else "", required=code in self.required_codes,
                              shared=shared)
                row.answer.observe(lambda ch, r=row: self._changed(r), names="value")
                row.comment.observe(lambda ch, r=row: self._changed(r), names="value")
                self.rows[item.id] = row
                rows.append(row.widget)
            head = (f"<h3>{_esc(self._title(inst))}</h3><p class='pb-intro'>{_esc(inst.intro)}"
                          + (f"<br><small>{RATING_HELP}</small>" if inst.answer == RATING else "") + "</p>")
            sections.append(w.VBox([w.HTML(head, layout=shared.plain, style=shared.html_style), *rows],
                                   layout=shared.plain))
        self.status = w.HTML()
        self.status.add_class("pb-status")
        self.progress = w.IntProgress(value=0, min=0, max=max(1, len(self.rows)), layout=w.Layout(width="100%"))
        self.progress.add_class("pb-progress-bar")
        self.message = w.HTML()
        self.message.add_class("pb-message")
        if submit:
            self.button = w.Button(description="Submit", button_style="primary")
            self.button.add_class("pb-submit")
            self.button.on_click(lambda _: self.submit())
        else:
            self.button = w.Button(description="Save", button_style="primary")
            self.button.add_class("pb-save")
            self.button.on_click(lambda _: self.save_all())
        top = w.HTML(
            f"<div class='pb-who'><b>{_esc(self.person.name)}</b> · {_esc(self.person.side)} "
            f"{_esc(self.person.role)} · {_esc(eng.client)} · {_esc(self.wave)}</div>"
            + ("<div class='pb-intro'>Answers marked <span class='pb-required'>*</span> are required. Each answer "
               "is saved as soon as you give it; you can close this page and come back with the same link.</div>"
               if submit else "")
        )
        self.widget = w.VBox([top, self.progress, *sections, w.HBox([self.button, self.status]), self.message])
        self.widget.add_class("pb-form")
        if self.submitted_at:
            self.message.value = (f"<span class='pb-done'>You submitted your answers on {_esc(self.submitted_at[:16])} "
                                  "(UTC). You can still change them.</span>")
        self._update_status()

    def _title(self, inst) -> str:
        if inst.about in ("marketing", "sales") and inst.code in ("MSE", "SSE"):
            whose = "your department" if inst.about == self.person.side else "the other department"
            return f"{inst.title} (about {whose})"
        return inst.title

    def _store_row(self, store, row: ItemRow) -> bool:
        if row.answer.value is None:
            return False
        value = parse_answer(row.item, row.answer.value)  # never trust what the browser sent
        comment = (row.comment.value or "").strip()[:2000]
        store.save(self.person.id, row.item.id, value, self.wave, comment, source="form")
        return True

    def _changed(self, row: ItemRow) -> None:
        try:
            with answer_store(self.eng) as store:
                saved = self._store_row(store, row)
        except Exception as exc:  # shown to the respondent, nothing else happens
            self.status.value = f"<span class='pb-error'>Not saved: {_esc(exc)}</span>"
            return
        self._update_status("saved" if saved else "")

    def save_all(self) -> int:
        n = 0
        with answer_store(self.eng) as store:
            for row in self.rows.values():
                n += self._store_row(store, row)
        self._update_status(f"saved {n} answers")
        return n

    def answered(self) -> int:
        return sum(r.answer.value is not None for r in self.rows.values())

    def missing(self) -> list[ItemRow]:
        return [r for r in self.rows.values() if r.required and r.answer.value is None]

    def submit(self) -> bool:
        """Check completeness; record the submission when nothing required is missing."""
        missing = self.missing()
        if missing:
            by_section: dict[str, list[str]] = {}
            for r in missing:
                by_section.setdefault(instruments()[r.item.instrument].title, []).append(r.item.id)
            parts = "; ".join(f"{_esc(t)}: {', '.join(ids)}" for t, ids in by_section.items())
            self.message.value = (f"<span class='pb-missing'>Not submitted yet: {len(missing)} required answer(s) "
                                  f"missing ({parts}).</span>")
            return False
        self.save_all()
        with answer_store(self.eng) as store:
            store.submit(self.person.id, self.wave)
            self.submitted_at = store.submitted(self.person.id, self.wave)
        self.message.value = ("<span class='pb-done'>Thank you: your answers are submitted. You can still change "
                              "them with the same link until the workshop.</span>")
        return True

    def _update_status(self, what: str = "") -> None:
        stamp = datetime.now().strftime("%H:%M:%S")
        note = f" · {what} at {stamp}" if what else ""
        required = [r for r in self.rows.values() if r.required]
        done_required = sum(r.answer.value is not None for r in required)
        self.progress.value = self.answered()
        self.status.value = (f"<span class='pb-progress'>{self.answered()} of {len(self.rows)} answered "
                             f"({done_required} of {len(required)} required){note}</span>")


def respondent_form(eng: Engagement, respondent: str, codes: list[str], wave: str | None = None) -> RespondentForm:
    return RespondentForm(eng, respondent, codes, wave)


def app_codes(side: str) -> tuple[list[str], set[str]]:
    """What one respondent is asked, in order, and which parts are required.

    Their own department's self-evaluation, the symptoms and the credibility
    ratings are required; the other department's self-evaluation (the peer
    view) is asked too, but optional.
    """
    own, other = ("MSE", "SSE") if side == "marketing" else ("SSE", "MSE")
    codes = [own, "SYM", "CS1", "CS2", "CS3", other]
    return codes, {own, "SYM", "CS1", "CS2", "CS3"}


def respondent_app(eng: Engagement, respondent: str, wave: str | None = None) -> RespondentForm:
    person = eng.respondent(respondent)
    codes, required = app_codes(person.side)
    return RespondentForm(eng, respondent, codes, wave, required=required, submit=True)
