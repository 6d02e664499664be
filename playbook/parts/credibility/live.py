"""The consultant's live credibility view in Voilà: switch between sales, marketing and all raters.

Reads the current answers from the store, recomputes the stage for the chosen
view and redraws the charts as inline SVG (no network). A refresh button picks
up answers saved by respondents since the page was opened.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from playbook.core.engagement import Engagement
from playbook.core.html import render, table_html
from playbook.core.responses import current_answers
from playbook.parts.charts import to_svg
from playbook.parts.credibility.model import evaluate
from playbook.parts.credibility.views import levels, next_steps_shown, perception_gap
from playbook.parts.credibility.words import findings

OPTIONS = [("Sales view", "sales"), ("Marketing view", "marketing"), ("All raters", "all")]


def _list(lines: list[str]) -> str:
    return render("findings.html.j2", lines=lines, classes="")


def _steps_html(result: dict[str, Any]) -> str:
    if not result["next_steps"]:
        return ""
    df = next_steps_shown(result)
    title = f"Next steps for level {result['focus']} ({dict((v, k) for k, v in OPTIONS)[result['basis']]})"
    return render("titled_table.html.j2", title=title, table=table_html(df), classes="")


class LiveView:
    """The widget and its state; ``widget`` is what the notebook displays."""

    def __init__(self, eng: Engagement, wave: str | None = None):
        self.eng = eng
        self.wave = wave or eng.period
        self.toggle = w.ToggleButtons(options=OPTIONS, value="sales", description="Whose ratings")
        self.toggle.add_class("pb-cred-view")
        self.refresh_button = w.Button(description="Refresh answers", icon="refresh")
        self.refresh_button.add_class("pb-cred-refresh")
        self.summary = w.HTML()
        self.summary.add_class("pb-cred-summary")
        self.charts = w.HTML()
        self.charts.add_class("pb-cred-charts")
        self.steps = w.HTML()
        self.result: dict[str, Any] = {}
        self.answers: list[dict] = []
        self.toggle.observe(lambda _: self.redraw(), names="value")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.widget = w.VBox([w.HBox([self.toggle, self.refresh_button]), self.summary, self.charts, self.steps])
        self.widget.add_class("pb-cred-live")
        self.refresh()

    def refresh(self) -> None:
        """Reload the answers from the store, then redraw."""
        self.answers = current_answers(self.eng, wave=self.wave)
        self.redraw()

    def redraw(self) -> None:
        basis = self.toggle.value
        try:
            self.result = evaluate(self.eng, self.answers, basis=basis, wave=self.wave)
            lines = findings(self.result)
            svgs = [to_svg(levels(self.result, views=(basis,))), to_svg(perception_gap(self.result))]
        except Exception as exc:  # shown in the page, the widget stays usable
            self.summary.value = render("message.html.j2", tag="p", cls="pb-error",
                                        text=f"Could not compute this view: {exc}")
            return
        self.summary.value = _list(lines)
        self.charts.value = render("figures.html.j2", svgs=svgs)
        self.steps.value = _steps_html(self.result)


def live_view(eng: Engagement, wave: str | None = None) -> w.VBox:
    """The consultant's live view widget (sales view / marketing view / all raters)."""
    view = LiveView(eng, wave)
    view.widget._playbook_view = view  # keep the state reachable from the widget (tests, debugging)
    return view.widget
