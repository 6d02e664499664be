"""The KPI setup sheet for a workshop (Voilà): pick shared metrics, set goals, enter actuals.

1. Tick metrics from the starter library (and the engagement's own metrics) and mark
   each managed or monitored.
2. List the periods (months ``2026-07`` or quarters ``2026-Q3``, separated by commas).
3. Per chosen metric and period, type the goal and, when known, the actual (empty =
   no data yet).

Save validates with exactly the rules of ``kpis.csv`` and ``kpi_values.csv`` and
writes both files atomically; a problem is shown as one sentence and nothing is
written. A period left with neither goal nor actual is simply not saved. New metrics
outside the library are added in the files or the spreadsheet (``playbook kpis``).
"""

from __future__ import annotations

import re
from datetime import datetime

import ipywidgets as widgets

from playbook.core.engagement import Engagement
from playbook.core.errors import UserError
from playbook.core.html import macro
from playbook.parts.kpis import model as kpis
from playbook.parts.kpis.files import CHOICES, KpiData, Metric, number_text, parse_definitions, parse_values, period_key

SOURCE = "KPI setup sheet"
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
CELL = widgets.Layout(width="92px")


def default_periods(eng: Engagement, data: KpiData) -> list[str]:
    """The periods already in the values, else the three months of the engagement's quarter."""
    if data.values:
        return sorted({v.period for v in data.values}, key=period_key)
    q = QUARTER.match(eng.period.upper())
    if not q:
        return []
    year, first = int(q.group(1)), 3 * int(q.group(2)) - 2
    return [f"{year}-{m:02d}" for m in range(first, first + 3)]


class SetupSheet(widgets.VBox):
    """The sheet as one widget; ``save()`` is what the Save button does."""

    def __init__(self, eng: Engagement):
        super().__init__()
        self.eng = eng
        self.message = widgets.HTML()
        try:
            data = kpis.read(eng) or KpiData()
        except UserError as exc:  # broken files: say so, start from the library
            data = KpiData()
            self._say(f"The current KPI files could not be read, so the sheet starts empty: {exc.message}", ok=False)
        self.catalogue: dict[str, Metric] = {**kpis.library(), **data.metrics}
        self.ticks: dict[str, widgets.Checkbox] = {}
        self.designations: dict[str, widgets.Dropdown] = {}
        for mid, m in self.catalogue.items():
            self.ticks[mid] = widgets.Checkbox(value=mid in data.metrics, description=m.name, indent=False,
                                               layout=widgets.Layout(width="420px"))
            self.designations[mid] = widgets.Dropdown(options=CHOICES["designation"], value=m.designation,
                                                      layout=widgets.Layout(width="120px"))
            self.ticks[mid].observe(self._redraw, names="value")
        self.periods = widgets.Text(value=", ".join(default_periods(eng, data)), description="Periods",
                                    placeholder="2026-07, 2026-08, 2026-09", layout=widgets.Layout(width="520px"))
        self.apply_button = widgets.Button(description="Show periods")
        self.apply_button.on_click(self._redraw)
        self.cells: dict[tuple[str, str], tuple[widgets.Text, widgets.Text]] = {}
        for v in data.values:
            self._cell(v.metric, v.period, number_text(v.goal), number_text(v.actual))
        self.grid = widgets.VBox()
        self.save_button = widgets.Button(description="Save", button_style="primary", icon="save")
        self.save_button.on_click(lambda _: self.save())
        self.children = [
            widgets.HTML(macro("kpis.html.j2", "intro", eng.client)),
            widgets.VBox([self._pick_row(mid) for mid in self.catalogue]),
            widgets.HBox([self.periods, self.apply_button]),
            self.grid,
            widgets.HBox([self.save_button]),
            self.message,
        ]
        self._redraw()

    def _pick_row(self, mid: str) -> widgets.HBox:
        m = self.catalogue[mid]
        about = f"{m.owner} · {m.indicator} · {m.unit}, {m.direction} is better"
        return widgets.HBox([self.ticks[mid], self.designations[mid], widgets.Label(about)])

    def _cell(self, mid: str, period: str, goal: str = "", actual: str = "") -> tuple[widgets.Text, widgets.Text]:
        key = (mid, period)
        if key not in self.cells:
            self.cells[key] = (widgets.Text(value=goal, placeholder="goal", layout=CELL),
                               widgets.Text(value=actual, placeholder="actual", layout=CELL))
        return self.cells[key]

    def chosen(self) -> list[str]:
        return [mid for mid, box in self.ticks.items() if box.value]

    def period_list(self) -> list[str]:
        return [p.strip().upper() for p in self.periods.value.split(",") if p.strip()]

    def _redraw(self, *_: object) -> None:
        periods = self.period_list()
        head = widgets.HBox([widgets.Label("", layout=widgets.Layout(width="300px"))]
                            + [widgets.Label(p, layout=CELL) for p in periods])
        rows = [head]
        for mid in self.chosen():
            pairs = [widgets.VBox(list(self._cell(mid, p))) for p in periods]
            label = widgets.Label(self.catalogue[mid].name, layout=widgets.Layout(width="300px"))
            rows.append(widgets.HBox([label, *pairs]))
        if len(rows) == 1:
            rows.append(widgets.Label("Tick at least one metric above."))
        self.grid.children = rows

    def collect(self) -> KpiData:
        """The sheet's content, validated with the rules of the files."""
        periods = self.period_list()
        for p in periods:
            try:
                period_key(p)
            except ValueError:
                raise UserError(f"{SOURCE}, box 'Periods': {p!r} is not a period; write months as YYYY-MM (2026-07) "
                                "or quarters as YYYY-Qn (2026-Q3), separated by commas.") from None
        rows = []
        for mid in self.chosen():
            m = self.catalogue[mid]
            rows.append((f"metric {mid}", {
                "metric": m.metric, "name": m.name, "unit": m.unit, "direction": m.direction, "owner": m.owner,
                "designation": self.designations[mid].value, "indicator": m.indicator, "aggregation": m.aggregation,
            }))
        metrics = parse_definitions(rows, SOURCE)
        value_rows = []
        for mid in metrics:
            for p in periods:
                goal, actual = (w.value.strip() for w in self._cell(mid, p))
                if goal or actual:
                    value_rows.append((f"metric {mid}, period {p}",
                                       {"metric": mid, "period": p, "goal": goal, "actual": actual}))
        return KpiData(metrics, parse_values(value_rows, metrics, SOURCE, definitions="the chosen metrics"))

    def save(self) -> bool:
        """Validate and write both files; the outcome is shown in the sheet. True when saved."""
        try:
            data = self.collect()
            kpis.save(self.eng, data)
        except UserError as exc:
            self._say(f"Not saved: {exc.message}", ok=False)
            return False
        self._say(f"Saved {len(data.metrics)} metrics and {len(data.values)} goals at "
                  f"{datetime.now():%H:%M:%S} to kpis.csv and kpi_values.csv.", ok=True)
        return True

    def _say(self, text: str, ok: bool) -> None:
        self.message.value = macro("kpis.html.j2", "message", text, ok)


def setup_sheet(eng: Engagement) -> SetupSheet:
    """The KPI setup sheet for ``eng``, as one widget to display."""
    return SetupSheet(eng)
