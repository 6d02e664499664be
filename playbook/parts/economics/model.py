"""The economics part of an engagement: prospecting, attribution and the lead experiment together.

``evaluate`` fills the ``prospecting``, ``attribution`` and ``experiment`` blocks of
results.json (each None when its file is absent); ``report_section`` turns them
into findings, figures and tables for the notebook and the report.
"""

from __future__ import annotations

from typing import Any

from playbook.core.engagement import Engagement
from playbook.core.formats import money, share
from playbook.parts.economics import attribution, experiment, prospecting

KEYS = ("prospecting", "attribution", "experiment")


def validate(eng: Engagement) -> None:
    """Load every economics file the engagement has (raises UserError on the first problem)."""
    prospecting.load(eng)
    attribution.load(eng)
    experiment.load(eng)


def evaluate(eng: Engagement) -> dict[str, Any]:
    """The three results.json blocks; a block is None when its file is absent."""
    data = prospecting.load(eng)
    deals = attribution.load(eng)
    groups = experiment.load(eng)
    return {
        "prospecting": None if data is None else prospecting.evaluate_economics(data),
        "attribution": None if deals is None else attribution.evaluate(deals),
        "experiment": None if groups is None else experiment.evaluate(groups),
    }


def findings(results: dict[str, Any]) -> list[str]:
    return (prospecting.findings(results.get("prospecting")) + attribution.findings(results.get("attribution"))
            + experiment.findings(results.get("experiment")))


def _ratio(v: float | None) -> str:
    return "–" if v is None else f"${v:,.2f}"


def source_table(result: dict[str, Any]):
    """Per source, formatted for people."""
    df = prospecting.source_table(result)
    out = df[["source"]].copy()
    out["Cost"] = df["cost"].map(money)
    out["Opportunities"] = df["opportunities"].map(lambda v: f"{v:g}")
    out["Revenue"] = df["revenue"].map(money)
    out["Cost per opportunity"] = df["cost_per_opportunity"].map(money)
    out["Revenue per dollar"] = df["revenue_per_dollar"].map(_ratio)
    return out.rename(columns={"source": "Source"})


def sensitivity_table(result: dict[str, Any]):
    df = prospecting.sensitivity_table(result)
    return df.assign(
        prospecting_share=df["prospecting_share"].map(share),
        cost=df["cost"].map(money),
        revenue_per_dollar=df["revenue_per_dollar"].map(_ratio),
    ).rename(columns={"prospecting_share": "Share of rep time prospecting", "cost": "Prospecting cost",
                      "revenue_per_dollar": "Revenue per dollar"})


def attribution_table(result: dict[str, Any]):
    df = attribution.table(result)
    return df.assign(amount=df["amount"].map(money), share=df["share"].map(lambda v: share(v)))\
        .rename(columns={"revenue": "Revenue", "amount": "Amount", "share": "Share of won revenue"})


def experiment_table(result: dict[str, Any]):
    import pandas as pd

    rows = [{"Group": g, "Reps": result[g]["n"], "Mean revenue": money(result[g]["mean"]),
             "Standard deviation": money(result[g]["sd"])} for g in experiment.GROUPS]
    return pd.DataFrame(rows)


def report_section(results: dict[str, Any]) -> dict[str, Any]:
    """Findings, figures and tables of the economics part; absent parts are reported as not assessed."""
    from playbook.parts.economics import views as charts

    figures: list[tuple[str, Any]] = []
    tables: list[tuple[str, Any]] = []
    p, a, e = (results.get(k) for k in KEYS)
    if p:
        figures += [("Cost and revenue per source", charts.cost_revenue(p)),
                    ("Revenue per dollar by source", charts.revenue_per_dollar(p)),
                    ("Sensitivity to prospecting time", charts.sensitivity(p))]
        tables += [("Cost per opportunity and revenue per dollar, by source", source_table(p)),
                   ("Prospecting return at 20–40% of rep time", sensitivity_table(p))]
    if a:
        figures.append(("Sourced and influenced revenue", charts.attribution(a)))
        tables.append(("Sourced and influenced revenue", attribution_table(a)))
    if e:
        figures.append(("Lead experiment: lift with its 95% interval", charts.experiment(e)))
        tables.append(("Lead experiment: the two groups", experiment_table(e)))
    return {"findings": findings(results), "figures": figures, "tables": tables}
