"""Live consultant tools for Voilà: the prospecting what-if and the experiment planner.

This is the only economics module that imports ipywidgets. Charts are rendered
to SVG in the kernel (``charts.to_svg``), so nothing loads from the network.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from html import escape
from typing import Any
from urllib.parse import quote

import ipywidgets as w

from playbook.core.engagement import Engagement
from playbook.core.errors import UserError
from playbook.core.files import safe_cell
from playbook.core.formats import money, share, symbol
from playbook.core.html import macro, render, rows_html, table_html
from playbook.core.i18n import _
from playbook.parts.charts import to_svg
from playbook.parts.economics import experiment
from playbook.parts.economics import views as charts
from playbook.parts.economics.words import caveats, prospecting_findings

CSV_NAME = "experiment_assignment.csv"
# Jupyter and Voilà run MathJax over HTML output: without this, "$480k ... $950k" turns into math.
NO_MATH = "tex2jax_ignore mathjax_ignore"


def _render(data: dict[str, Any], overrides: dict[str, Any]) -> str:
    """Findings, the per-source and scenario tables and the plan's charts for one set of what-if values, as HTML.

    ``data`` is what ``model.read`` returned with the engagement's ``settings``; the prospecting block is computed
    by the same function as the run's (``model.prospecting_block``)."""
    from playbook.parts.economics import attribution, model

    deals = data.get("deals")
    result = model.prospecting_block(data["prospecting"], data.get("settings"),
                                     None if deals is None else attribution.evaluate(deals), overrides)
    svgs = [to_svg(c(result)) for c in (charts.cost_revenue, charts.revenue_per_dollar, charts.scenarios)]
    tables = [table_html(charts.source_table(result))]
    scenario = charts.scenario_table(result)
    if scenario is not None:
        tables.append(table_html(scenario))
    return macro("economics.html.j2", "whatif", NO_MATH, prospecting_findings(result), "".join(tables), svgs)


def whatif_controls(data: dict[str, Any]) -> dict[str, w.Widget]:
    """The what-if's inputs for prospecting data ``data``, by override name (``prospecting.OVERRIDES``):
    reps, cost per rep, prospecting share (0-60%) and marketing spend, set to the engagement's figures."""
    style = {"description_width": "190px"}
    layout = w.Layout(width="100%", max_width="460px")
    reps = w.BoundedFloatText(value=data["reps"], min=0, max=max(1000.0, data["reps"] * 10), step=1,
                              description=_("Quota-carrying reps"), style=style, layout=layout)
    cost = w.BoundedFloatText(value=data["cost_per_rep"], min=0, max=max(1e7, data["cost_per_rep"] * 10),
                              step=5000, description=_("Cost per rep (%(symbol)s a year)", symbol=symbol()),
                              style=style, layout=layout)
    share = w.FloatSlider(value=min(data["prospecting_share"], 0.6), min=0, max=0.6, step=0.01,
                          readout_format=".0%", description=_("Time spent prospecting"), style=style, layout=layout)
    spend = w.BoundedFloatText(value=data["marketing"]["program_cost"], min=0,
                               max=max(1e9, data["marketing"]["program_cost"] * 10), step=10000,
                               description=_("Marketing spend (%(symbol)s)", symbol=symbol()), style=style,
                               layout=layout)
    return {"reps": reps, "cost_per_rep": cost, "prospecting_share": share, "program_cost": spend}


def whatif_panel(eng: Engagement) -> w.Widget:
    """Sliders for reps, cost per rep, prospecting share (0-60%) and marketing spend; figures recompute live."""
    from playbook.parts.economics import model

    data = model.read(eng) or {}
    if data.get("prospecting") is None:
        return w.HTML(render("message.html.j2", tag="p", cls="", text=prospecting_findings(None)[0]))
    data["settings"] = eng.settings
    controls = whatif_controls(data["prospecting"])
    reps, cost, share, spend = controls.values()
    reset = w.Button(description=_("Back to the engagement's figures"), layout=w.Layout(width="260px"))
    out = w.HTML()
    start = {k: c.value for k, c in controls.items()}

    def update(_change: Any = None) -> None:
        try:
            out.value = _render(data, {k: c.value for k, c in controls.items()})
        except UserError as exc:
            out.value = render("message.html.j2", tag="p", cls="pb-invalid", text=exc.message)

    def restore(_button: Any) -> None:
        for k, c in controls.items():
            c.value = start[k]

    for c in controls.values():
        c.observe(update, names="value")
    reset.on_click(restore)
    update()
    heading = escape(_("What if?"))
    return w.VBox([w.HTML(f"<h3>{heading}</h3>"), reps, cost, share, spend, reset, out])


def _pairs(table) -> list[tuple[str, str]]:
    """An assignment as ``(rep, group)`` pairs, from pairs or from a DataFrame ``rep,group``."""
    return [tuple(r) for r in (table.itertuples(index=False) if hasattr(table, "itertuples") else table)]


def assignment_csv(table) -> str:
    """The assignment as CSV text; cells that a spreadsheet would run as a formula are quoted with '."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["rep", "group"])
    writer.writerows([safe_cell(v) for v in row] for row in _pairs(table))
    return out.getvalue()


def download_link(table, filename: str = CSV_NAME) -> str:
    """An HTML link that downloads the assignment as CSV (a data: URI; every name is percent-encoded)."""
    uri = "data:text/csv;charset=utf-8," + quote(assignment_csv(table), safe="")
    return macro("economics.html.j2", "download", NO_MATH, filename, uri)


def _plan(reps: list[str] | str, target_lift: float, control_mean: float, control_sd: float,
          seed: int) -> dict[str, Any]:
    """The plan in plain Python (no pandas, no scipy): findings, the assignment as pairs, its download link."""
    ok = isinstance(target_lift, (int, float)) and not isinstance(target_lift, bool) and 0 < target_lift < 100
    if not ok:
        raise UserError(f"parameter 'target_lift' is {target_lift!r}; it must be a number greater than 0 "
                        "(0.1 means +10%).")
    pairs = experiment.assignment(reps, seed)
    n = experiment.reps_per_group(control_mean, control_sd, target_lift)
    pct = share(target_lift, digits=0 if round(target_lift * 100, 9).is_integer() else 1)
    have = min(Counter(group for _, group in pairs).values())
    lines = [_("To detect a lift of %(lift)s (%(amount)s per rep on an average of %(mean)s without the leads, "
               "spread %(sd)s), found 80%% of the time with a 5%% risk of a false alarm, each group needs %(n)s reps.",
               lift=pct, amount=money(target_lift * control_mean), mean=money(control_mean), sd=money(control_sd),
               n=n)]
    if have >= n:
        lines.append(_("The %(listed)s reps listed give %(have)s or more per group: enough.", listed=len(pairs),
                       have=have))
    else:
        lines.append(_("The %(listed)s reps listed give only %(have)s per group, %(short)s short: with this many "
                       "reps only a larger lift would show clearly; add reps or run the test longer.",
                       listed=len(pairs), have=have, short=n - have))
    return {"findings": lines, "pairs": pairs, "reps_per_group": n, "download": download_link(pairs),
            "caveats": {"part": "experiment_design", "findings": caveats()}}


def experiment_planner(reps: list[str] | str, target_lift: float, control_mean: float, control_sd: float,
                       seed: int) -> dict[str, Any]:
    """The planning pieces: assignment table, download link (HTML), reps per group and caveats.

    Shaped like a report section (``findings``, ``figures``, ``tables``) so the
    notebook shows it with ``pages.findings`` and ``pages.table``.
    """
    import pandas as pd

    plan = _plan(reps, target_lift, control_mean, control_sd, seed)
    table = pd.DataFrame(plan.pop("pairs"), columns=["rep", "group"])
    return {
        "part": "experiment_design",
        "findings": plan["findings"],
        "figures": {},
        "tables": {"assignment": (_("Which reps get the leads"), table)},
        "reps_per_group": plan["reps_per_group"],
        "assignment": table,
        "download": plan["download"],
        "caveats": plan["caveats"],
    }


def own_figures(eng: Engagement | None, reps: list[str] | str, target_lift: float, control_mean: float,
                control_sd: float) -> tuple[list[str] | str, float, float, float]:
    """The planner's inputs with each one left empty (no reps, a lift, mean or spread of 0) taken from the
    engagement's own figures (``experiment.planner_inputs``: its experiment, else its team and deals)."""
    if eng is None or (reps and target_lift and control_mean and control_sd):
        return reps, target_lift, control_mean, control_sd
    from playbook.parts.economics import model

    own = experiment.planner_inputs(model.evaluate(eng))
    return (reps or own["reps"], target_lift or own["target_lift"], control_mean or own["control_mean"],
            control_sd or own["control_sd"])


def plan(page, reps: list[str] | str, target_lift: float, control_mean: float, control_sd: float,
         seed: int) -> dict[str, Any] | None:
    """The planner for a headless notebook; None on live pages (they show ``planner_panel``) and invalid links.
    Inputs left empty come from the engagement's own figures (``own_figures``)."""
    if page.ctx is None or page.ctx.live:
        return None
    reps, target_lift, control_mean, control_sd = own_figures(page.ctx.engagement, reps, target_lift, control_mean,
                                                              control_sd)
    return experiment_planner(reps, target_lift, control_mean, control_sd, seed)


def download(plan_: dict[str, Any] | None):
    """The plan's CSV download link as a displayable HTML object (None without a plan)."""
    from IPython.display import HTML

    return None if plan_ is None else HTML(plan_["download"])


def caveat_section(plan_: dict[str, Any] | None) -> dict[str, Any] | None:
    """The caveats, shaped for ``pages.findings`` (None without a plan)."""
    return None if plan_ is None else plan_["caveats"]


def planner_panel(eng: Engagement | None, reps: str, target_lift: float, control_mean: float, control_sd: float,
                  seed: int, split: bool = True) -> w.Widget:
    """The planner with editable inputs, for Voilà; inputs left empty start from ``eng``'s own figures (none
    without an engagement: the report page passes its own). Amounts start as whole amounts of the currency and the
    lift as a percentage. ``split``: the consultant's box that fixes which reps go in which group (a number: the
    same one gives the same groups); a client's page has none and keeps ``seed``."""
    reps, target_lift, control_mean, control_sd = own_figures(eng, reps, target_lift, control_mean, control_sd)
    style = {"description_width": "190px"}
    names = w.Textarea(value=reps, description=_("Reps (separated by commas)"), style=style,
                       rows=5, layout=w.Layout(width="100%", max_width="560px"))
    lift = w.BoundedFloatText(value=round(target_lift * 100, 1), min=0.1, max=1000, step=1,
                              description=_("Lift to detect (%)"), style=style)
    mean = w.BoundedFloatText(value=round(control_mean), min=0.01, max=1e12, step=1000,
                              description=_("Revenue per rep without leads (%(symbol)s)", symbol=symbol()), style=style)
    sd = w.BoundedFloatText(value=round(control_sd), min=0, max=1e12, step=1000,
                            description=_("Spread of that revenue (%(symbol)s)", symbol=symbol()), style=style)
    split_box = w.IntText(value=seed, description=_("Split (the same number, the same groups)"), style=style)
    out = w.HTML()

    def update(_change: Any = None) -> None:
        try:
            plan = _plan(names.value, lift.value / 100, mean.value, sd.value, split_box.value)
        except UserError as exc:
            out.value = render("message.html.j2", tag="p", cls="pb-invalid", text=exc.message)
            return
        out.value = macro("economics.html.j2", "plan", NO_MATH, plan["findings"], plan["download"],
                          rows_html(["rep", "group"], plan["pairs"]), plan["caveats"]["findings"])

    boxes = [names, lift, mean, sd] + ([split_box] if split else [])
    for c in boxes:
        c.observe(update, names="value")
    update()
    heading = escape(_("Plan the experiment"))
    return w.VBox([w.HTML(f"<h3>{heading}</h3>"), *boxes, out])
