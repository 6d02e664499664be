"""The consultant's live view of the action plan in Voilà: the plan, filtered by owner and status.

Read-only: it reads the engagement as it is now (``actions.csv``, the KPI definitions
and the stored answers, without writing anything) and shows the same findings and table
as the report. A refresh button picks up an edited ``actions.csv`` or new answers.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from playbook.core.engagement import Engagement
from playbook.core.errors import UserError
from playbook.core.html import render, table_html
from playbook.parts.actions.views import plan_table
from playbook.parts.actions.words import STATUS_LABELS, findings, mean_ratings, status

ALL = ""


class PlanView:
    """The widget and its state; ``widget`` is what the notebook displays."""

    def __init__(self, eng: Engagement):
        self.eng = eng
        self.owner = w.Dropdown(options=[("Every owner", ALL)], value=ALL, description="Owner")
        self.owner.add_class("pb-plan-owner")
        self.status = w.Dropdown(options=[("Every status", ALL)] + [(status(s), s) for s in STATUS_LABELS],
                                 value=ALL, description="Status")
        self.status.add_class("pb-plan-status")
        self.refresh_button = w.Button(description="Refresh plan", icon="refresh")
        self.refresh_button.add_class("pb-plan-refresh")
        self.summary = w.HTML()
        self.summary.add_class("pb-plan-summary")
        self.table = w.HTML()
        self.table.add_class("pb-plan-table")
        self.result: dict[str, Any] | None = None
        self.ratings: dict[str, dict[str, Any]] = {}
        self.owner.observe(lambda _: self.redraw(), names="value")
        self.status.observe(lambda _: self.redraw(), names="value")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.widget = w.VBox([w.HBox([self.owner, self.status, self.refresh_button]), self.summary, self.table])
        self.widget.add_class("pb-plan-live")
        self.refresh()

    def refresh(self) -> None:
        """Read the plan again (and the answers it is measured against), then redraw."""
        from playbook.parts import get, take_snapshot

        try:
            snap = take_snapshot(self.eng)
        except UserError as exc:  # a bad actions.csv: say so in the page, keep the widget usable
            self.result = None
            self.summary.value = render("message.html.j2", tag="p", cls="pb-error", text=exc.message)
            self.table.value = ""
            return
        self.result = get("actions").evaluate(snap)["actions"]
        self.ratings = mean_ratings(get("movement").evaluate(snap))
        owners = [(self.eng.by_id[rid].name, rid) for rid in dict.fromkeys(r["owner"] for r in self.rows())]
        keep = self.owner.value if self.owner.value in {rid for _, rid in owners} else ALL
        self.owner.options = [("Every owner", ALL)] + owners
        self.owner.value = keep
        self.redraw()

    def rows(self) -> list[dict]:
        return [] if self.result is None else self.result["items"]

    def redraw(self) -> None:
        self.summary.value = render("findings.html.j2", lines=findings(self.result, self.ratings), classes="")
        if not self.rows():
            self.table.value = ""
            return
        df = plan_table(self.result, int(self.eng.settings.get("min_group_size", 3)), self.owner.value,
                        self.status.value, self.ratings)
        if df.empty:
            self.table.value = render("message.html.j2", tag="p", cls="pb-note", text="No action matches these filters.")
            return
        self.table.value = render("titled_table.html.j2", title=f"{len(df)} of {len(self.rows())} actions",
                                  table=table_html(df), classes="")


def plan_view(eng: Engagement) -> w.VBox:
    """The consultant's live view of the action plan, with filters by owner and status."""
    view = PlanView(eng)
    view.widget._playbook_view = view  # keep the state reachable from the widget (tests, debugging)
    return view.widget
