"""Charts, tables and the report section for prospecting economics, attribution and the lead experiment.

Every chart and table takes a results.json block (already aggregated), so a chart
has a handful of marks however many deals or reps are behind it. The blocks keep
full precision; tables and chart labels round as they format for people.
"""

from __future__ import annotations

from typing import Any

from playbook.core.formats import money, money_axis_label, number, share, unit
from playbook.parts.charts import PALETTE, base, empty, legend, title
from playbook.parts.economics.experiment import GROUPS
from playbook.parts.economics.model import KEYS
from playbook.parts.economics.prospecting import MARKETING
from playbook.parts.economics.words import findings

MONEY = "$,.0f"  # d3: "$" is the client's currency (the charts' theme sets the locale)
WIDTH = 420


def _sources(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [{**c, "source": c["name"], "kind": "rep prospecting"} for c in result["categories"]]
    rows.append({**result["marketing"], "source": MARKETING, "kind": "marketing"})
    return rows


def cost_revenue(result: dict[str, Any] | None):
    """Cost and revenue per source: each prospecting category and the marketing program."""
    if not result:
        return empty("Prospecting not assessed")
    alt = base()
    import pandas as pd

    rows = [{"source": r["source"], "measure": m, "amount": r[m.lower()] or 0.0}
            for r in _sources(result) for m in ("Cost", "Revenue")]
    order = [r["source"] for r in _sources(result)]
    return (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar()
        .encode(
            y=alt.Y("source:N", title=None, sort=order),
            yOffset=alt.YOffset("measure:N", sort=["Cost", "Revenue"]),
            x=alt.X("amount:Q", title="per period", axis=alt.Axis(labelExpr=money_axis_label())),
            color=alt.Color("measure:N", title=None, sort=["Cost", "Revenue"],
                            scale=alt.Scale(range=[PALETTE["sales"], PALETTE["marketing"]]),
                            legend=legend(["Cost", "Revenue"], WIDTH)),
            tooltip=["source", "measure", alt.Tooltip("amount:Q", format=MONEY)],
        )
        .properties(width=WIDTH, height=alt.Step(12), title=title("Cost and revenue per source", WIDTH, labels=order))
    )


def revenue_per_dollar(result: dict[str, Any] | None):
    """Revenue per unit of spend (dollar, euro...) per source, with the baseline as a rule."""
    if not result:
        return empty("Prospecting not assessed")
    alt = base()
    import pandas as pd

    df = pd.DataFrame([{"source": r["source"], "kind": r["kind"], "rpd": r["revenue_per_dollar"]}
                       for r in _sources(result) if r["revenue_per_dollar"] is not None])
    if df.empty:
        return empty("No costs to compare")
    bars = alt.Chart(df).mark_bar().encode(
        y=alt.Y("source:N", title=None, sort="-x"),
        x=alt.X("rpd:Q", title=f"revenue per {unit()} spent", axis=alt.Axis(format="$.2f")),
        color=alt.Color("kind:N", title=None, sort=["rep prospecting", "marketing"],
                        scale=alt.Scale(range=[PALETTE["sales"], PALETTE["marketing"]]),
                        legend=legend(["rep prospecting", "marketing"], WIDTH)),
        tooltip=["source", alt.Tooltip("rpd:Q", title=f"revenue per {unit()}", format="$.2f")],
    )
    chart, heading = bars, f"Revenue per {unit()}, by source"
    base_rpd = result["baseline"]["revenue_per_dollar"]
    if base_rpd is not None:
        label = f"baseline: {result['baseline']['name']}"
        rule = alt.Chart(pd.DataFrame({"x": [base_rpd], "label": [label]})).mark_rule(
            color=PALETTE["neutral"], strokeDash=[4, 3]).encode(x="x:Q", tooltip=["label"])
        chart, heading = bars + rule, f"{heading} (dashed: {label})"
    return chart.properties(width=WIDTH, height=alt.Step(22), title=title(heading, WIDTH, labels=df["source"]))


def sensitivity(result: dict[str, Any] | None):
    """Revenue per dollar of rep prospecting when reps spend 20% to 40% of their time on it."""
    if not result:
        return empty("Prospecting not assessed")
    alt = base()
    import pandas as pd

    df = pd.DataFrame([{**s, "series": "rep prospecting"} for s in result["sensitivity"]
                       if s["revenue_per_dollar"] is not None])
    mkt = result["marketing"]["revenue_per_dollar"]
    if df.empty:
        return empty("No prospecting cost at any share")
    line = alt.Chart(df).mark_line(point={"color": PALETTE["sales"]}, color=PALETTE["sales"]).encode(
        x=alt.X("prospecting_share:Q", title="share of rep time spent prospecting",
                axis=alt.Axis(format="%", values=[s["prospecting_share"] for s in result["sensitivity"]])),
        y=alt.Y("revenue_per_dollar:Q", title=f"revenue per {unit()}", axis=alt.Axis(format="$.2f")),
        tooltip=[alt.Tooltip("prospecting_share:Q", format=".0%", title="share"),
                 alt.Tooltip("cost:Q", format=MONEY), alt.Tooltip("revenue_per_dollar:Q", format="$.2f")],
    )
    chart = line
    if mkt is not None:
        rule = alt.Chart(pd.DataFrame({"y": [mkt], "label": ["marketing leads"]})).mark_rule(
            color=PALETTE["marketing"], strokeDash=[6, 3]).encode(y="y:Q", tooltip=["label"])
        chart = line + rule
    return chart.properties(width=WIDTH, height=220,
                            title=title("Prospecting return at 20–40% of rep time (dashed: marketing leads)", WIDTH,
                                        labels=["$0.00"]))


def attribution(result: dict[str, Any] | None):
    """Won revenue: all, marketing-influenced and marketing-sourced."""
    if not result:
        return empty("Attribution not assessed")
    alt = base()
    import pandas as pd

    df = pd.DataFrame([
        {"what": "All won revenue", "amount": result["won_revenue"], "share": 1.0 if result["won_revenue"] else None},
        {"what": "Marketing-influenced", "amount": result["influenced_revenue"], "share": result["influenced_share"]},
        {"what": "Marketing-sourced", "amount": result["sourced_revenue"], "share": result["sourced_share"]},
    ])
    order = list(df["what"])
    chart = alt.Chart(df).encode(
        y=alt.Y("what:N", title=None, sort=order),
        x=alt.X("amount:Q", title="won revenue", axis=alt.Axis(labelExpr=money_axis_label())),
        tooltip=["what", alt.Tooltip("amount:Q", format=MONEY), alt.Tooltip("share:Q", format=".1%")],
    )
    bars = chart.mark_bar().encode(
        color=alt.Color("what:N", legend=None, sort=order,
                        scale=alt.Scale(range=[PALETTE["all"], PALETTE["neutral"], PALETTE["marketing"]])))
    labels = chart.mark_text(align="left", dx=4, fontSize=11).encode(text=alt.Text("share:Q", format=".0%"))
    return (bars + labels).properties(width=WIDTH, height=alt.Step(26),
                                      title=title("Sourced and influenced revenue", WIDTH, labels=order))


def experiment(result: dict[str, Any] | None):
    """The lift per rep with its 95% interval, against zero."""
    if not result:
        return empty("Experiment not assessed")
    if result["ci_low"] is None:
        return empty("No spread within the groups: no interval")
    alt = base()
    import pandas as pd

    df = pd.DataFrame([{"what": "lift per rep", "lift": result["lift"], "low": result["ci_low"],
                        "high": result["ci_high"]}])
    x_title = "treatment mean − control mean, with its 95% interval"
    bar = alt.Chart(df).mark_errorbar(ticks=True, color=PALETTE["marketing"]).encode(
        x=alt.X("low:Q", title=x_title, axis=alt.Axis(labelExpr=money_axis_label())), x2="high:Q",
        y=alt.Y("what:N", title=None))
    point = alt.Chart(df).mark_point(filled=True, size=90, color=PALETTE["marketing"]).encode(
        x="lift:Q", y="what:N", tooltip=[alt.Tooltip("lift:Q", format=MONEY), alt.Tooltip("low:Q", format=MONEY),
                                  alt.Tooltip("high:Q", format=MONEY)])
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color=PALETTE["off_track"], strokeDash=[4, 3]).encode(x="x:Q")
    return (bar + point + zero).properties(width=WIDTH, height=70, title=title("Lead experiment: lift per rep", WIDTH, labels=df["what"]))


def _ratio(v: float | None) -> str:
    """Revenue per unit of spend: always with cents (``$12.40``, ``12,40 €``)."""
    return "–" if v is None else money(v, cents=True)


def source_frame(result: dict[str, Any]):
    """Cost, opportunities, revenue, cost per opportunity and revenue per dollar, per source (numbers unformatted)."""
    import pandas as pd

    cols = ["source", "cost", "opportunities", "revenue", "cost_per_opportunity", "revenue_per_dollar"]
    return pd.DataFrame(_sources(result))[cols]


def source_table(result: dict[str, Any]):
    """Per source, formatted for people."""
    df = source_frame(result)
    out = df[["source"]].copy()
    out["Cost"] = df["cost"].map(money)
    out["Opportunities"] = df["opportunities"].map(lambda v: number(v, None))
    out["Revenue"] = df["revenue"].map(money)
    out["Cost per opportunity"] = df["cost_per_opportunity"].map(money)
    out[f"Revenue per {unit()}"] = df["revenue_per_dollar"].map(_ratio)
    return out.rename(columns={"source": "Source"})


def sensitivity_frame(result: dict[str, Any]):
    """Prospecting cost and revenue per dollar at each share of rep time (numbers unformatted)."""
    import pandas as pd

    return pd.DataFrame(result["sensitivity"])[["prospecting_share", "cost", "revenue_per_dollar"]]


def sensitivity_table(result: dict[str, Any]):
    df = sensitivity_frame(result)
    return df.assign(
        prospecting_share=df["prospecting_share"].map(share),
        cost=df["cost"].map(money),
        revenue_per_dollar=df["revenue_per_dollar"].map(_ratio),
    ).rename(columns={"prospecting_share": "Share of rep time prospecting", "cost": "Prospecting cost",
                      "revenue_per_dollar": f"Revenue per {unit()}"})


def attribution_frame(result: dict[str, Any]):
    """Won revenue: all, marketing-influenced, marketing-sourced, with shares (numbers unformatted)."""
    import pandas as pd

    rows = [
        ("All won deals", result["won_revenue"], 1.0 if result["won_revenue"] else None),
        ("Marketing-influenced", result["influenced_revenue"], result["influenced_share"]),
        ("Marketing-sourced", result["sourced_revenue"], result["sourced_share"]),
    ]
    return pd.DataFrame(rows, columns=["revenue", "amount", "share"])


def attribution_table(result: dict[str, Any]):
    df = attribution_frame(result)
    return df.assign(amount=df["amount"].map(money), share=df["share"].map(lambda v: share(v)))\
        .rename(columns={"revenue": "Revenue", "amount": "Amount", "share": "Share of won revenue"})


def experiment_table(result: dict[str, Any]):
    import pandas as pd

    rows = [{"Group": g, "Reps": result[g]["n"], "Mean revenue": money(result[g]["mean"]),
             "Standard deviation": money(result[g]["sd"])} for g in GROUPS]
    return pd.DataFrame(rows)


def report_section(results: dict[str, Any]) -> dict[str, Any]:
    """Findings, figures and tables of the economics part, by name; absent parts are reported as not assessed."""
    figures: dict[str, tuple[str, Any]] = {}
    tables: dict[str, tuple[str, Any]] = {}
    p, a, e = (results.get(k) for k in KEYS)
    if p:
        figures["cost_revenue"] = ("Cost and revenue per source", cost_revenue(p))
        figures["revenue_per_dollar"] = (f"Revenue per {unit()} by source", revenue_per_dollar(p))
        figures["sensitivity"] = ("Sensitivity to prospecting time", sensitivity(p))
        tables["sources"] = (f"Cost per opportunity and revenue per {unit()}, by source", source_table(p))
        tables["sensitivity"] = ("Prospecting return at 20–40% of rep time", sensitivity_table(p))
    if a:
        figures["attribution"] = ("Sourced and influenced revenue", attribution(a))
        tables["attribution"] = ("Sourced and influenced revenue", attribution_table(a))
    if e:
        figures["experiment"] = ("Lead experiment: lift with its 95% interval", experiment(e))
        tables["experiment"] = ("Lead experiment: the two groups", experiment_table(e))
    return {"findings": findings(results), "figures": figures, "tables": tables}
