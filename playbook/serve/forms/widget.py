"""The widget form: a ``FormModel`` drawn with ipywidgets, for consultants in JupyterLab and the live views.

Respondents' personal links use ``page.FormPage`` instead (plain HTML and one comm,
no widgets); both sit on the same ``forms.FormModel``, so the questions, the rules and
the saving are written once.
"""

from __future__ import annotations

from playbook.core.engagement import Engagement
from playbook.core.html import render
from playbook.core.instruments import RATING
from playbook.serve.forms.questions import (
    DONT_KNOW_OPTION,
    DONT_KNOW_TIP,
    INTRO,
    RATING_OPTIONS,
    YESNO_OPTIONS,
    FormModel,
    LinkClosed,
    NotSaved,
    Question,
    app_plan,
    text_html,
)


class Shared:
    """Layout and style models shared by every row of a widget form.

    Each ipywidget otherwise brings its own Layout and Style model: a 40-question
    form would open some 450 comms instead of about 170.
    """

    def __init__(self):
        import ipywidgets as w
        from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

        self.toggle_style = w.ToggleButtonsStyle(button_width="56px")
        self.html_style = HTMLStyle()
        self.text_style = TextStyle()
        self.plain = w.Layout()
        self.comment = w.Layout(width="100%", height="2.6em")
        self.row = w.Layout(margin="0 0 14px 0")


class ItemRow:
    """One question as widgets: the statement, the answer buttons and an optional comment."""

    def __init__(self, q: Question, shared: Shared):
        import ipywidgets as w

        self.q = q
        scale = RATING_OPTIONS if q.item.answer == RATING else YESNO_OPTIONS
        self.answer = w.ToggleButtons(options=[*scale, DONT_KNOW_OPTION], value=q.value,
                                      tooltips=[""] * len(scale) + [DONT_KNOW_TIP],
                                      style=shared.toggle_style, layout=shared.plain)
        self.answer.add_class("pb-answer")
        self.answer.add_class(f"pb-{q.item.answer}")  # pb-rating or pb-yesno: the style sets "don't know" apart
        self.answer.add_class(f"pb-item-{q.item.id}")
        self.comment = w.Textarea(value=q.comment, placeholder="Comment (optional)", continuous_update=False,
                                  layout=shared.comment, style=shared.text_style)
        self.comment.add_class(f"pb-comment-{q.item.id}")
        label = w.HTML(FormModel.statement_html(q), layout=shared.plain, style=shared.html_style)
        self.widget = w.VBox([label, self.answer, self.comment], layout=shared.row)
        self.widget.add_class("pb-row")


class RespondentForm:
    """A ``FormModel`` drawn with ipywidgets (JupyterLab and the consultant's live views)."""

    def __init__(self, eng: Engagement, respondent: str, codes: list[str], wave: str | None = None,
                 required: set[str] | None = None, submit: bool = False):
        import ipywidgets as w

        self.model = FormModel(eng, respondent, codes, wave, required)
        self.rows: dict[str, ItemRow] = {}
        shared = Shared()
        sections = []
        for inst, qs in self.model.sections:
            rows = []
            for q in qs:
                row = ItemRow(q, shared)
                row.answer.observe(lambda ch, r=row: self._changed(r), names="value")
                row.comment.observe(lambda ch, r=row: self._changed(r), names="value")
                self.rows[q.item.id] = row
                rows.append(row.widget)
            head = w.HTML(self.model.section_head_html(inst), layout=shared.plain, style=shared.html_style)
            sections.append(w.VBox([head, *rows], layout=shared.plain))
        self.status = w.HTML()
        self.status.add_class("pb-status")
        self.progress = w.IntProgress(value=0, min=0, max=max(1, len(self.rows)), layout=w.Layout(width="100%"))
        self.progress.add_class("pb-progress-bar")
        self.message = w.HTML()
        self.message.add_class("pb-message")
        label, cls, action = ("Submit", "pb-submit", self.submit) if submit else ("Save", "pb-save", self.save_all)
        self.button = w.Button(description=label, button_style="primary")
        self.button.add_class(cls)
        self.button.on_click(lambda _: action())
        top = w.HTML(render("form_style.html.j2") + self.model.who_html()
                     + (text_html("div", "pb-intro", INTRO) if submit else ""))
        self.widget = w.VBox([top, self.progress, *sections, w.HBox([self.button, self.status]), self.message])
        self.widget.add_class("pb-form")
        if self.model.submitted_at:
            self.message.value = text_html("span", "pb-done", self.model.submitted_text(False))
        self._update_status()

    def _changed(self, row: ItemRow) -> None:
        try:
            saved = self.model.save(row.q.item.id, row.answer.value, row.comment.value or "")
        except (NotSaved, LinkClosed) as exc:
            self.status.value = text_html("span", "pb-error", str(exc))
            return
        except Exception as exc:  # shown to the respondent, nothing else happens
            self.status.value = text_html("span", "pb-error", f"Not saved: {exc}")
            return
        self._update_status("saved" if saved else "")

    def save_all(self) -> int:
        n = 0
        with self.model.open_store() as store:
            for item_id, row in self.rows.items():
                n += self.model.save(item_id, row.answer.value, row.comment.value or "", store=store)
        self._update_status(f"saved {n} answers")
        return n

    def submit(self) -> bool:
        """Check completeness; record the submission when nothing required is missing."""
        if self.model.missing():
            wording = "; ".join(q["text"] for q in self.model.missing_questions())
            self.message.value = text_html("span", "pb-missing", f"{self.model.missing_text()} {wording}")
            return False
        try:
            self.save_all()
            self.model.submit()
        except (NotSaved, LinkClosed) as exc:
            self.message.value = text_html("span", "pb-error", str(exc))
            return False
        self.message.value = text_html("span", "pb-done", self.model.submitted_text(True))
        return True

    def _update_status(self, what: str = "") -> None:
        self.progress.value = self.model.counts()[0]
        self.status.value = text_html("span", "pb-progress", self.model.status_text(what))


def respondent_form(eng: Engagement, respondent: str, codes: list[str], wave: str | None = None) -> RespondentForm:
    return RespondentForm(eng, respondent, codes, wave)


def respondent_app(eng: Engagement, respondent: str, wave: str | None = None) -> RespondentForm:
    """The respondent app drawn with widgets (for a consultant in JupyterLab)."""
    codes, required = app_plan(eng, respondent)
    return RespondentForm(eng, respondent, codes, wave, required=required, submit=True)
