"""Charts, tables and the report section for prospecting economics, attribution and the lead experiment.

Every chart and table takes a results.json block (already aggregated), so a chart
has a handful of marks however many deals or reps are behind it. The blocks keep
full precision; tables and chart labels round as they format for people: amounts
compact with the same rule in text, tables and axes, revenue per unit of spend with
cents (METHOD 13). Every revenue figure names *modelled* or *recorded* and its
period (METHOD 12); the measurement's sensitivity and the plan's scenarios are
drawn apart, never on one chart.
"""

from __future__ import annotations

from typing import Any

from playbook.core.formats import money, money_change, share, unit
from playbook.core.i18n import _
from playbook.parts.charts import (
    PALETTE,
    Rows,
    axis_title,
    base,
    colours,
    empty,
    money_axis,
    nice_ticks,
    title,
    value_labels,
    value_text,
    width,
)
from playbook.parts.economics.attribution import SOURCES
from playbook.parts.economics.experiment import GROUPS
from playbook.parts.economics.model import KEYS
from playbook.parts.economics.prospecting import OVERRIDES, SENSITIVITY
from playbook.parts.economics.words import (
    PLAN_DIGITS,
    SOURCE_ROWS,
    cash,
    changes,
    findings,
    period,
    reps,
    scenario_name,
    source_name,
)

RATIO = "$.2f"  # d3: revenue per unit of spend, with cents ("$" is the client's currency: the theme sets the locale)


def _ratio(v: float | None) -> str:
    """Revenue per unit of spend: always with cents (``$12.40``, ``12,40 €``)."""
    return "–" if v is None else money(v, cents=True)


def _per_unit() -> str:
    return _("Revenue per %(unit)s", unit=unit())


def _measured(result: dict[str, Any]) -> dict[str, Any]:
    """The engagement's own plan, whatever a what-if changed: the estimated share of time, the period's prospecting
    revenue and the marketing program's return (the sensitivity is the measurement's, METHOD 12)."""
    current = (result.get("scenarios") or [None])[0]
    if current is None:  # a block without scenarios: the block is the engagement's own plan
        return {"share": result["prospecting_share"], "revenue": result["total_revenue"],
                "marketing": result["marketing"]["revenue_per_dollar"]}
    cost = current["marketing_cost"]
    return {"share": current["prospecting_share"], "revenue": current["prospecting_revenue"],
            "marketing": current["marketing_revenue"] / cost if cost else None}


def _sources(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [{**c, "source": source_name(c), "kind": _("rep prospecting")} for c in result["categories"]]
    rows.append({**result["marketing"], "source": _("Marketing leads"), "kind": _("marketing")})
    return rows


def _money_x(values: list[float], title_text: str | None = None):
    """An x encoding of amounts whose axis is labelled by the compact rule of the text (``charts.money_axis``)."""
    alt = base()
    axis, scale = money_axis(min(values, default=0.0), max(values, default=1.0))
    return alt.X("amount:Q", title=axis_title(title_text) if title_text else None, axis=axis, scale=scale)


def _cost_revenue_bars(rows: list[dict[str, Any]], order: list[str], heading: str, tip: str):
    """Cost and modelled revenue, side by side for each of ``order`` (sources or scenarios), each named above its
    bars; amounts on the axis as the text writes them."""
    alt = base()
    import pandas as pd

    cost, revenue = _("Cost"), _("Revenue (modelled)")
    data = pd.DataFrame(rows).assign(measure=lambda d: d["measure"].map({"cost": cost, "revenue": revenue}))
    shape = Rows("label", tuple(order), group="measure", groups=(cost, revenue), bar=12)
    drawn = list(data.loc[data["amount"] > 0, "measure"])
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            **shape.encode(),
            x=_money_x(list(data["amount"]), tip),
            color=alt.Color("measure:N", sort=[cost, revenue],
                            **colours(drawn, {cost: PALETTE["sales"], revenue: PALETTE["marketing"]})),
            tooltip=[alt.Tooltip("label:N", title=" "), alt.Tooltip("measure:N", title=" "),
                     alt.Tooltip("shown:N", title=_("amount"))],
        )
        .properties(width=width(), height=shape.height, title=title(heading))
    )


def cost_revenue(result: dict[str, Any] | None):
    """Cost and modelled revenue per source: each prospecting category and the marketing program."""
    if not result:
        return empty(_("Prospecting not assessed"))
    sources = _sources(result)
    rows = [{"label": r["source"], "measure": m, "amount": r[m] or 0.0, "shown": cash(r[m])}
            for r in sources for m in ("cost", "revenue")]
    order = [r["source"] for r in sources]
    return _cost_revenue_bars(rows, order, _("Cost and modelled revenue per source, %(period)s",
                                             period=period(result)), _("amount in %(period)s", period=period(result)))


def scenarios(result: dict[str, Any] | None):
    """The current plan and each scenario side by side: total cost and modelled revenue (METHOD 12)."""
    rows = _scenario_rows(result)
    if len(rows) < 2:
        return empty(_("No scenarios to compare"))
    order = [scenario_name(r) for r in rows]
    data = [{"label": scenario_name(r), "measure": m, "amount": r[f"total_{m}"] or 0.0,
             "shown": cash(r[f"total_{m}"], PLAN_DIGITS)}
            for r in rows for m in ("cost", "revenue")]
    return _cost_revenue_bars(data, order, _("Scenarios side by side: cost and modelled revenue of prospecting and "
                                             "marketing, %(period)s", period=period(result)),
                              _("amount in %(period)s", period=period(result)))


def revenue_per_dollar(result: dict[str, Any] | None):
    """Modelled revenue per unit of spend (dollar, euro...) per source, best first, each named above its bar with its
    value; the baseline marked in every row."""
    if not result:
        return empty(_("Prospecting not assessed"))
    alt = base()
    import pandas as pd

    rep, mkt = _("rep prospecting"), _("marketing")
    rows = sorted(({"source": r["source"], "kind": r["kind"], "rpd": round(r["revenue_per_dollar"], 9),
                    "label": _ratio(r["revenue_per_dollar"])}
                   for r in _sources(result) if r["revenue_per_dollar"] is not None), key=lambda r: -r["rpd"])
    if not rows:
        return empty(_("No costs to compare"))
    base_rpd = result["baseline"]["revenue_per_dollar"]
    top = nice_ticks(0, max(r["rpd"] for r in rows))[-1]
    rules = (round(base_rpd, 9),) if base_rpd is not None else ()
    shape = Rows("source", tuple(r["source"] for r in rows), bar=14)
    rows = value_labels(rows, "rpd", "label", (0, top), rules)
    bars = alt.Chart().mark_bar(**shape.mark()).encode(
        **shape.encode(),
        x=alt.X("rpd:Q", title=_("modelled revenue per %(unit)s spent", unit=unit()), axis=alt.Axis(format=RATIO),
                scale=alt.Scale(domain=[0, top], nice=False)),
        color=alt.Color("kind:N", sort=[rep, mkt],
                        **colours([r["kind"] for r in rows if r["rpd"] > 0],
                                  {rep: PALETTE["sales"], mkt: PALETTE["marketing"]})),
        tooltip=[alt.Tooltip("source:N", title=" "), alt.Tooltip("label:N", title=_per_unit())],
    )
    layers = [bars]
    heading = _("Modelled revenue per %(unit)s, by source, %(period)s", unit=unit(), period=period(result))
    if base_rpd is not None:
        label = _("baseline: %(name)s", name=source_name(result["baseline"]))
        layers.append(shape.rule(round(base_rpd, 9)))
        heading = _("%(heading)s (dashed: %(baseline)s)", heading=heading, baseline=label)
    return alt.layer(*layers, *value_text(alt, shape), data=pd.DataFrame(rows)).properties(
        width=width(), height=shape.height, title=title(heading))


def sensitivity(result: dict[str, Any] | None):
    """How sure the measurement is: the period's prospecting return if the true share of rep time were 20%-40%
    (the engagement's own plan, whatever a what-if changed)."""
    if not result:
        return empty(_("Prospecting not assessed"))
    alt = base()
    import pandas as pd

    measured = _measured(result)
    df = pd.DataFrame([{**s, "shown_share": share(s["prospecting_share"]), "shown_cost": cash(s["cost"]),
                        "shown_rpd": _ratio(s["revenue_per_dollar"])}
                       for s in result["sensitivity"] if s["revenue_per_dollar"] is not None])
    if df.empty:
        return empty(_("No prospecting cost at any share"))
    line = alt.Chart(df).mark_line(point={"color": PALETTE["sales"]}, color=PALETTE["sales"]).encode(
        x=alt.X("prospecting_share:Q", title=axis_title(_("true share of rep time spent prospecting (estimated: "
                                                          "%(share)s)", share=share(measured["share"])), width() - 90),
                axis=alt.Axis(format="%", values=[s["prospecting_share"] for s in result["sensitivity"]])),
        y=alt.Y("revenue_per_dollar:Q", title=_("revenue per %(unit)s", unit=unit()), axis=alt.Axis(format=RATIO)),
        tooltip=[alt.Tooltip("shown_share:N", title=_("share of time")),
                 alt.Tooltip("shown_cost:N", title=_("prospecting cost")),
                 alt.Tooltip("shown_rpd:N", title=_per_unit())],
    )
    chart = line
    if measured["marketing"] is not None:
        rule = alt.Chart(pd.DataFrame({"y": [measured["marketing"]], "label": [_("marketing leads")]})).mark_rule(
            color=PALETTE["marketing"], strokeDash=[6, 3]).encode(y="y:Q", tooltip=[alt.Tooltip("label:N", title=" ")])
        chart = line + rule
    heading = _("How sure is the measurement? The same %(revenue)s of prospecting revenue at the cost of a true share "
                "of rep time from %(low)s to %(high)s, %(period)s (dashed: marketing leads)",
                revenue=cash(measured["revenue"]), low=share(SENSITIVITY[0]), high=share(SENSITIVITY[-1]),
                period=period(result))
    return chart.properties(width=width() - 70, height=200, title=title(heading))


def attribution(result: dict[str, Any] | None):
    """Won revenue recorded in the deal list: all, marketing-influenced and marketing-sourced, each named above its
    bar with its share of won revenue."""
    if not result:
        return empty(_("Attribution not assessed"))
    alt = base()
    import pandas as pd

    df = attribution_frame(result)
    rows = [{"revenue": r.revenue, "amount": r.amount or 0.0, "shown": cash(r.amount), "label": share(r.share)}
            for r in df.itertuples(index=False)]
    order = [r["revenue"] for r in rows]
    shape = Rows("revenue", tuple(order), bar=16)
    amounts = [r["amount"] for r in rows]
    x = _money_x(amounts, _("won revenue recorded in %(period)s", period=period(result)))
    ticks = nice_ticks(min(amounts, default=0.0), max(amounts, default=1.0))
    rows = value_labels(rows, "amount", "label", (ticks[0], ticks[-1]))
    bars = alt.Chart().mark_bar(**shape.mark()).encode(
        **shape.encode(), x=x,
        color=alt.Color("revenue:N", legend=None, sort=order,
                        scale=alt.Scale(domain=order, range=[PALETTE["all"], PALETTE["neutral"], PALETTE["marketing"]])),
        tooltip=[alt.Tooltip("revenue:N", title=" "), alt.Tooltip("shown:N", title=_("amount")),
                 alt.Tooltip("label:N", title=_("share of won revenue"))])
    heading = _("Sourced and influenced revenue, recorded in the deal list, %(period)s", period=period(result))
    return alt.layer(bars, *value_text(alt, shape), data=pd.DataFrame(rows)).properties(
        width=width(), height=shape.height, title=title(heading))


def experiment(result: dict[str, Any] | None):
    """The lift per rep with its 95% interval, against zero."""
    if not result:
        return empty(_("Experiment not assessed"))
    if result["ci_low"] is None:
        return empty(_("No spread within the groups: no interval"))
    alt = base()
    import pandas as pd

    df = pd.DataFrame([{"what": "", "lift": result["lift"], "low": result["ci_low"], "high": result["ci_high"],
                        "shown_lift": cash(result["lift"]), "shown_low": cash(result["ci_low"]),
                        "shown_high": cash(result["ci_high"])}])
    x_title = axis_title(_("treatment mean − control mean (recorded revenue), with its 95% interval"))
    axis, scale = money_axis(min(0.0, result["ci_low"]), max(0.0, result["ci_high"]), title=x_title)
    y = alt.Y("what:N", title=None, axis=None)
    bar = alt.Chart(df).mark_errorbar(ticks=True, color=PALETTE["marketing"]).encode(
        x=alt.X("low:Q", title=x_title, axis=axis, scale=scale), x2="high:Q", y=y)
    point = alt.Chart(df).mark_point(filled=True, size=90, color=PALETTE["marketing"]).encode(
        x="lift:Q", y=y, tooltip=[alt.Tooltip("shown_lift:N", title=_("lift")),
                                  alt.Tooltip("shown_low:N", title=_("from")),
                                  alt.Tooltip("shown_high:N", title=_("to"))])
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color=PALETTE["off_track"], strokeDash=[4, 3]).encode(x="x:Q")
    heading = _("Lead experiment: difference in recorded revenue per rep, %(lift)s (95%% interval %(low)s to "
                "%(high)s; dashed: no difference)", lift=cash(result["lift"]), low=cash(result["ci_low"]),
                high=cash(result["ci_high"]))
    return (bar + point + zero).properties(width=width(), height=50, title=title(heading))


# -- tables -------------------------------------------------------------------------------------------------------
def source_frame(result: dict[str, Any]):
    """Cost, opportunities, revenue, cost per opportunity and revenue per dollar, per source (numbers unformatted)."""
    import pandas as pd

    cols = ["source", "cost", "opportunities", "revenue", "cost_per_opportunity", "revenue_per_dollar"]
    return pd.DataFrame(_sources(result))[cols]


def source_table(result: dict[str, Any]):
    """Per source, formatted for people."""
    df = source_frame(result)
    out = df[["source"]].copy()
    out[_("Cost")] = df["cost"].map(cash)
    out[_("Opportunities")] = df["opportunities"].map(reps)  # whole, or with one decimal in a scenario
    out[_("Revenue (modelled)")] = df["revenue"].map(cash)
    out[_("Cost per opportunity")] = df["cost_per_opportunity"].map(cash)
    out[_per_unit()] = df["revenue_per_dollar"].map(_ratio)
    return out.rename(columns={"source": _("Source")})


def _scenario_rows(result: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The scenarios to show: the current plan, the file's and the kept ones, and the what-if's values if any."""
    if not result:
        return []
    rows = list(result.get("scenarios") or [])
    whatif = result.get("whatif")
    same = [r for r in rows if whatif and all(r[k] == whatif[k] for k in OVERRIDES)]
    return rows + ([whatif] if whatif and not same else [])


def scenario_table(result: dict[str, Any] | None):
    """The current plan and each scenario side by side: cost, modelled revenue, revenue per dollar and the difference
    to the current plan as the figures are shown (METHOD 12, 13); None with no scenario beside the current plan."""
    import pandas as pd

    rows = _scenario_rows(result)
    if len(rows) < 2:
        return None
    current = rows[0]
    return pd.DataFrame([{
        _("Scenario"): scenario_name(r),
        _("What changes"): "–" if r is current else changes(r, current),
        _("Cost of prospecting time and marketing"): cash(r["total_cost"], PLAN_DIGITS),
        _("Revenue (modelled)"): cash(r["total_revenue"], PLAN_DIGITS),
        _per_unit(): _ratio(r["revenue_per_dollar"]),
        _("Cost against the current plan"): "–" if r is current else money_change(
            current["total_cost"], r["total_cost"], digits=PLAN_DIGITS),
        _("Revenue against the current plan"): "–" if r is current else money_change(
            current["total_revenue"], r["total_revenue"], digits=PLAN_DIGITS),
    } for r in rows])


def sensitivity_frame(result: dict[str, Any]):
    """Prospecting cost and revenue per dollar at each share of rep time (numbers unformatted)."""
    import pandas as pd

    return pd.DataFrame(result["sensitivity"])[["prospecting_share", "cost", "revenue_per_dollar"]]


def sensitivity_table(result: dict[str, Any]):
    df = sensitivity_frame(result)
    return df.assign(
        prospecting_share=df["prospecting_share"].map(share),
        cost=df["cost"].map(cash),
        revenue=cash(_measured(result)["revenue"]),
        revenue_per_dollar=df["revenue_per_dollar"].map(_ratio),
    )[["prospecting_share", "cost", "revenue", "revenue_per_dollar"]].rename(columns={
        "prospecting_share": _("True share of rep time prospecting"), "cost": _("Prospecting cost"),
        "revenue": _("Revenue (the period's, modelled)"), "revenue_per_dollar": _per_unit()})


def attribution_frame(result: dict[str, Any]):
    """Won revenue: all, marketing-influenced, marketing-sourced, with shares (numbers unformatted)."""
    import pandas as pd

    rows = [
        (_("All won deals"), result["won_revenue"], 1.0 if result["won_revenue"] else None),
        (_("Marketing-influenced"), result["influenced_revenue"], result["influenced_share"]),
        (_("Marketing-sourced"), result["sourced_revenue"], result["sourced_share"]),
    ]
    return pd.DataFrame(rows, columns=["revenue", "amount", "share"])


def attribution_table(result: dict[str, Any]):
    df = attribution_frame(result)
    return df.assign(amount=df["amount"].map(cash), share=df["share"].map(lambda v: share(v)))\
        .rename(columns={"revenue": _("Won revenue (recorded)"), "amount": _("Amount"),
                         "share": _("Share of won revenue")})


def bridge_rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every revenue figure of the part with where it comes from and its period (METHOD 12), amounts unformatted:
    ``{revenue, kind (modelled | recorded), basis, period, amount}``."""
    p, a = results.get("prospecting"), results.get("attribution")
    rows = []
    if p:  # the engagement's own plan, whatever a what-if changed
        how = _("opportunities × win rate × deal size")
        current = (p.get("scenarios") or [None])[0] or {"prospecting_revenue": p["total_revenue"],
                                                         "marketing_revenue": p["marketing"]["revenue"]}
        rows += [
            {"revenue": _("Rep prospecting, all activities"), "kind": "modelled", "basis": how, "period": period(p),
             "amount": current["prospecting_revenue"]},
            {"revenue": _("Marketing lead program"), "kind": "modelled", "basis": how, "period": period(p),
             "amount": current["marketing_revenue"]},
            {"revenue": _("Prospecting and marketing together"), "kind": "modelled", "basis": how,
             "period": period(p), "amount": (current["prospecting_revenue"] or 0) + (current["marketing_revenue"] or 0)},
        ]
    if a:
        won = _("won deals in the deal list")
        rows.append({"revenue": _("All won deals"), "kind": "recorded", "basis": won, "period": period(a),
                     "amount": a["won_revenue"]})
        by_source = a.get("by_source") or {}
        for source in SOURCES:  # in the method's order (results.json may hold them sorted)
            rows.append({"revenue": _(SOURCE_ROWS[source]), "kind": "recorded",
                         "basis": won, "period": period(a), "amount": by_source.get(source)})
        rows.append({"revenue": _("Influenced by marketing (sourced or touched)"), "kind": "recorded",
                     "basis": won, "period": period(a), "amount": a["influenced_revenue"]})
    return rows


def bridge_table(results: dict[str, Any]):
    """The one revenue table (METHOD 12): modelled and recorded revenue, where each comes from and its period;
    None when the part has neither."""
    import pandas as pd

    rows = bridge_rows(results)
    if not rows:
        return None
    kinds = {"modelled": _("Modelled"), "recorded": _("Recorded")}
    return pd.DataFrame([{_("Revenue"): r["revenue"], _("Kind"): kinds[r["kind"]], _("From"): r["basis"],
                          _("Period"): r["period"], _("Amount"): cash(r["amount"])} for r in rows])


def experiment_table(result: dict[str, Any]):
    import pandas as pd

    names = {"treatment": _("Given the leads"), "control": _("Without the leads (control)")}
    rows = [{_("Group"): names[g], _("Reps"): result[g]["n"], _("Mean recorded revenue"): cash(result[g]["mean"]),
             _("Standard deviation"): cash(result[g]["sd"])} for g in GROUPS]
    return pd.DataFrame(rows)


# The figures drawn from the plan, which a what-if changes; the sensitivity is the measurement's (the engagement's own
# plan, whatever a what-if changed), the attribution and the experiment are recorded (METHOD 12).
PLAN_FIGURES = ("cost_revenue", "revenue_per_dollar", "scenarios")


def report_section(results: dict[str, Any], figures: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Findings, figures and tables of the economics part, by name; absent parts are reported as not assessed.

    ``figures`` names the figures to draw (default: all of them; the interactive what-if draws ``PLAN_FIGURES``
    only, and keeps the run's drawing of the others); every table and finding is there whatever it names."""
    drawn: dict[str, tuple[str, Any]] = {}  # name: (title, a function drawing the chart)
    tables: dict[str, tuple[str, Any]] = {}
    p, a, e = (results.get(k) for k in KEYS)
    if p:
        when = period(p)
        drawn["cost_revenue"] = (_("Cost and modelled revenue per source, %(period)s", period=when),
                                 lambda: cost_revenue(p))
        drawn["revenue_per_dollar"] = (_("Modelled revenue per %(unit)s by source, %(period)s", unit=unit(),
                                         period=when), lambda: revenue_per_dollar(p))
        tables["sources"] = (_("Cost per opportunity and modelled revenue per %(unit)s, by source, %(period)s",
                               unit=unit(), period=when), source_table(p))
        scenario = scenario_table(p)
        if scenario is not None:
            drawn["scenarios"] = (_("Scenarios side by side, %(period)s", period=when), lambda: scenarios(p))
            tables["scenarios"] = (_("Scenarios against the current plan, %(period)s", period=when), scenario)
        drawn["sensitivity"] = (_("How sure is the measurement: the share of rep time spent prospecting is an "
                                  "estimate"), lambda: sensitivity(p))
        tables["sensitivity"] = (_("The period's prospecting return if the true share of rep time were %(low)s to "
                                   "%(high)s", low=share(SENSITIVITY[0]), high=share(SENSITIVITY[-1])),
                                 sensitivity_table(p))
    if a:
        drawn["attribution"] = (_("Sourced and influenced revenue, recorded, %(period)s", period=period(a)),
                                lambda: attribution(a))
        tables["attribution"] = (_("Sourced and influenced revenue, recorded, %(period)s", period=period(a)),
                                 attribution_table(a))
    bridge = bridge_table(results)
    if bridge is not None:
        tables["bridge"] = (_("Revenue: modelled and recorded, where each comes from"), bridge)
    if e:
        drawn["experiment"] = (_("Lead experiment: lift with its 95% interval"), lambda: experiment(e))
        tables["experiment"] = (_("Lead experiment: the two groups"), experiment_table(e))
    return {"findings": findings(results), "tables": tables,
            "figures": {name: (heading, draw()) for name, (heading, draw) in drawn.items()
                        if figures is None or name in figures}}


def deck_tables(results: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """The tables the deck shows as slides of their own: the scenarios (with the part) and the revenue table
    (in the appendix), by name; a table the run has not is left out."""
    p = results.get("prospecting")
    out = {}
    scenario = scenario_table(p)
    if scenario is not None:
        out["scenarios"] = (_("Scenarios against the current plan, %(period)s", period=period(p)), scenario)
    bridge = bridge_table(results)
    if bridge is not None:
        out["bridge"] = (_("Appendix: revenue, modelled and recorded"), bridge)
    return out

