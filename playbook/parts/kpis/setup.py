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
KINDS = ("Goal", "Actual")
CELL_WIDTH = "88px"
# What one sheet takes: three years of months, and numbers (a box longer than this is not a number).
PERIODS_MAX, PERIODS_TEXT_MAX, CELL_TEXT_MAX = 36, 400, 40

# The sheet's own styles travel with it (the live KPI page and the consultant's report page both show it).
# The period grid is a table: one column per period, a goal row and an actual row per metric, the metric's
# name and "Goal"/"Actual" on the left. When the periods do not fit the sheet's width, the grid scrolls
# sideways inside its own box with those labels held in place; the page itself never scrolls sideways.
STYLE = """<style>
.pb-kpi-setup { width: 100%; max-width: 100%; min-width: 0; }
.pb-kpi-setup > .widget-html { margin-left: 0; margin-right: 0; max-width: 100%; }
.pb-kpi-setup .pb-kpi-pick { flex-wrap: wrap; align-items: center; column-gap: 6px; padding: 2px 0;
  border-bottom: 1px solid #f0f2f4; }
.pb-kpi-setup .pb-kpi-pick > .widget-checkbox { flex: 1 1 300px; min-width: 0; height: auto; min-height: 28px;
  align-items: center; }
.pb-kpi-setup .pb-kpi-pick .widget-label-basic { align-items: center; overflow: visible; line-height: 1.3; }
.pb-kpi-setup .pb-kpi-pick .widget-label-basic span { white-space: normal; overflow: visible; text-overflow: clip;
  line-height: 1.3; }
.pb-kpi-setup .pb-kpi-pick > .widget-dropdown { flex: 0 0 120px; }
.pb-kpi-setup .pb-kpi-pick > .pb-kpi-about { flex: 1 1 180px; min-width: 0; height: auto; line-height: 1.3;
  white-space: normal; color: #52606d; font-size: .9em; }
.pb-kpi-setup .pb-kpi-periods { flex-wrap: wrap; align-items: center; gap: 4px; margin-top: 10px; }
.pb-kpi-setup .pb-kpi-periods > .widget-text { flex: 1 1 260px; min-width: 0; max-width: 520px; }
.pb-kpi-setup .pb-kpi-grid { --pb-kpi-name: 190px; --pb-kpi-kind: 64px; max-width: 100%; overflow-x: auto;
  overflow-y: hidden; margin: 10px 0; border: 1px solid #d9dee3; border-radius: 6px; align-items: stretch; }
.pb-kpi-setup .pb-kpi-grid > .widget-label { height: auto; margin: 0; box-sizing: border-box; }
.pb-kpi-setup .pb-kpi-grid > .pb-kpi-corner, .pb-kpi-setup .pb-kpi-grid > .pb-kpi-name,
.pb-kpi-setup .pb-kpi-grid > .pb-kpi-kind { position: sticky; left: 0; z-index: 1; background: #fff; }
.pb-kpi-setup .pb-kpi-grid > .pb-kpi-corner { grid-column: 1 / span 2; box-shadow: 1px 0 0 #cbd2d9; }
.pb-kpi-setup .pb-kpi-grid > .pb-kpi-period { text-align: center; justify-content: center; font-weight: 600;
  color: #3e4c59; padding: 4px 0 2px; }
.pb-kpi-setup .pb-kpi-grid > .pb-kpi-name { grid-column: 1; grid-row: span 2; display: flex; align-items: center;
  padding: 4px 8px; white-space: normal; overflow-wrap: anywhere; line-height: 1.25; font-weight: 600; }
.pb-kpi-setup .pb-kpi-grid > .pb-kpi-kind { grid-column: 2; left: var(--pb-kpi-name); display: flex;
  align-items: center; padding: 0 8px 0 4px; color: #52606d; box-shadow: 1px 0 0 #cbd2d9; }
.pb-kpi-setup .pb-kpi-grid > .pb-kpi-none { grid-column: 1 / -1; padding: 6px 8px; white-space: normal; }
.pb-kpi-setup .pb-kpi-grid > .pb-kpi-top { border-top: 1px solid #d9dee3; }
.pb-kpi-setup .pb-kpi-grid > .pb-kpi-cell { margin: 0; padding: 3px; box-sizing: border-box; height: auto; }
.pb-kpi-setup .pb-kpi-cell input { text-align: right; min-width: 0; height: 28px; }
.pb-kpi-setup .pb-kpi-grid .pb-kpi-cell > .widget-label { position: absolute; width: 1px !important;
  height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; margin: 0; padding: 0; }
@media (max-width: 640px) {
  .pb-kpi-setup .pb-kpi-grid { --pb-kpi-name: 120px; --pb-kpi-kind: 56px; }
  .pb-kpi-setup .pb-kpi-grid > .pb-kpi-name { font-size: .85em; padding: 4px 6px; overflow-wrap: break-word; }
}
</style>"""


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
                                               layout=widgets.Layout(width="auto"))
            self.designations[mid] = widgets.Dropdown(options=CHOICES["designation"], value=m.designation,
                                                      layout=widgets.Layout(width="120px"))
            self.ticks[mid].observe(self._redraw, names="value")
        self.periods = widgets.Text(value=", ".join(default_periods(eng, data)), description="Periods",
                                    placeholder="2026-07, 2026-08, 2026-09", layout=widgets.Layout(width="auto"))
        self.apply_button = widgets.Button(description="Show periods")
        self.apply_button.on_click(self._redraw)
        self.cells: dict[tuple[str, str], tuple[widgets.Text, widgets.Text]] = {}
        for v in data.values:
            self._cell(v.metric, v.period, number_text(v.goal), number_text(v.actual))
        self.grid = widgets.GridBox()
        self.grid.add_class("pb-kpi-grid")
        self.save_button = widgets.Button(description="Save", button_style="primary", icon="save")
        self.save_button.on_click(lambda _: self.save())
        self.children = [
            widgets.HTML(macro("kpis.html.j2", "intro", eng.client)),
            widgets.VBox([self._pick_row(mid) for mid in self.catalogue]),
            _classed(widgets.HBox([self.periods, self.apply_button]), "pb-kpi-periods"),
            self.grid,
            widgets.HBox([self.save_button]),
            self.message,
            widgets.HTML(STYLE, layout=widgets.Layout(display="none")),
        ]
        self.add_class("pb-kpi-setup")
        self._redraw()

    def _pick_row(self, mid: str) -> widgets.HBox:
        m = self.catalogue[mid]
        about = _classed(widgets.Label(f"{m.owner} · {m.indicator} · {m.unit}, {m.direction} is better"),
                         "pb-kpi-about")
        return _classed(widgets.HBox([self.ticks[mid], self.designations[mid], about]), "pb-kpi-pick")

    def _cell(self, mid: str, period: str, goal: str = "", actual: str = "") -> tuple[widgets.Text, widgets.Text]:
        key = (mid, period)
        if key not in self.cells:
            name = self.catalogue[mid].name if mid in self.catalogue else mid
            # The description is each box's accessible name ("Win rate, goal, 2026-07"); the sheet shows it as
            # the row's and the column's labels instead of beside every box.
            self.cells[key] = tuple(
                _classed(widgets.Text(value=value, placeholder=kind.lower(), description=f"{name}, {kind.lower()}, "
                                      f"{period}", layout=widgets.Layout(width=CELL_WIDTH)), "pb-kpi-cell")
                for kind, value in zip(KINDS, (goal, actual), strict=True))
        return self.cells[key]

    def chosen(self) -> list[str]:
        return [mid for mid, box in self.ticks.items() if box.value]

    def period_list(self) -> list[str]:
        """The periods typed in the Periods box: at most ``PERIODS_MAX`` (a ``UserError`` beyond)."""
        text = self.periods.value
        periods = [p.strip().upper() for p in text[:PERIODS_TEXT_MAX + 1].split(",") if p.strip()]
        if len(text) > PERIODS_TEXT_MAX or len(periods) > PERIODS_MAX:
            raise UserError(f"{SOURCE}, box 'Periods': the sheet takes at most {PERIODS_MAX} periods; keep the "
                            "ones you track, separated by commas.")
        return periods

    def _redraw(self, *_: object) -> None:
        """The period grid: a header of periods, then per chosen metric a goal row and an actual row."""
        try:
            periods = self.period_list()
        except UserError as exc:
            self._say(exc.message, ok=False)
            return
        self.grid.layout.grid_template_columns = " ".join(
            ["var(--pb-kpi-name) var(--pb-kpi-kind)"] + ([f"repeat({len(periods)}, {CELL_WIDTH})"] if periods else []))
        cells: list[widgets.Widget] = [
            _classed(widgets.Label(""), "pb-kpi-corner"),
            *(_classed(widgets.Label(p), "pb-kpi-period") for p in periods)]
        chosen = self.chosen()
        for mid in chosen:
            m = self.catalogue[mid]
            name = widgets.Label(m.name, tooltip=f"{m.name}: {m.unit}, {m.direction} is better")
            cells.append(_classed(name, "pb-kpi-name", "pb-kpi-top"))
            pairs = [self._cell(mid, p) for p in periods]
            for row, kind in enumerate(KINDS):
                top = ("pb-kpi-top",) if row == 0 else ()
                cells.append(_classed(widgets.Label(kind), "pb-kpi-kind", *top))
                cells.extend(_classed(pair[row], *top) for pair in pairs)
        if not chosen:
            cells.append(_classed(widgets.Label("Tick at least one metric above."), "pb-kpi-none"))
        self.grid.children = cells

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
                if max(len(goal), len(actual)) > CELL_TEXT_MAX:
                    raise UserError(f"{SOURCE}, {self.catalogue[mid].name}, {p}: a box holds a number of at most "
                                    f"{CELL_TEXT_MAX} characters.")
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
                  f"{datetime.now():%H:%M:%S}: the next run of the analysis uses them.", ok=True)
        return True

    def _say(self, text: str, ok: bool) -> None:
        self.message.value = macro("kpis.html.j2", "message", text, ok)


def _classed(wdg: widgets.Widget, *classes: str) -> widgets.Widget:
    for c in classes:
        wdg.add_class(c)
    return wdg


def setup_sheet(eng: Engagement) -> SetupSheet:
    """The KPI setup sheet for ``eng``, as one widget to display."""
    return SetupSheet(eng)
