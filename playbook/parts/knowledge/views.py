"""Chart, table and the report section for the knowledge gaps (items one side cannot judge)."""

from __future__ import annotations

from typing import Any

from playbook.core.engagement import SIDES
from playbook.parts.charts import PALETTE, base, empty, title
from playbook.parts.knowledge.words import findings, flag_of


def chart(gaps: list[dict[str, Any]], flag: float):
    """The don't know share of each flagged item, per side, with the flag drawn."""
    alt = base()
    import pandas as pd

    rows = [{"item": g["item"], "side": side, "share": s}
            for g in gaps for side, s in g["sides"].items() if s is not None]
    if not rows:
        return empty("No knowledge gaps")
    df = pd.DataFrame(rows)
    order = [g["item"] for g in gaps]
    bars = alt.Chart(df).mark_bar().encode(
        y=alt.Y("item:N", title=None, sort=order),
        yOffset=alt.YOffset("side:N", sort=list(SIDES)),
        x=alt.X("share:Q", title="share of don't know answers", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("side:N", title="side", sort=list(SIDES),
                        scale=alt.Scale(domain=list(SIDES), range=[PALETTE[s] for s in SIDES])),
        tooltip=["item", "side", alt.Tooltip("share:Q", format=".0%")],
    )
    rule = alt.Chart().mark_rule(strokeDash=[5, 3], color=PALETTE["neutral"]).encode(x=alt.datum(flag))
    return alt.layer(bars, rule, data=df).properties(
        width=420, height=alt.Step(14),
        title=title(f"Don't know per side, for the items flagged (from {flag * 100:.0f}%, dashed line)", 420,
                    labels=order))


def table(gaps: list[dict[str, Any]]):
    """One row per knowledge gap: the statement, the don't know share in all and per side (numbers as computed)."""
    import pandas as pd

    from playbook.core.instruments import items

    rows = [{"item": g["item"], "statement": items()[g["item"]].text, "dont_know_share": g["dont_know_share"],
             **{s: g["sides"].get(s) for s in SIDES}} for g in gaps]
    return pd.DataFrame(rows, columns=["item", "statement", "dont_know_share", *SIDES])


def _shown(gaps: list[dict[str, Any]]):
    from playbook.core.formats import share

    def cell(count: dict[str, int]) -> str:
        if not count["answers"]:
            return "no answers"
        return f"{share(count['dont_know'] / count['answers'])} ({count['dont_know']} of {count['answers']})"

    df = table(gaps)
    df["dont_know_share"] = [cell(g["counts"]["all"]) for g in gaps]
    for s in SIDES:
        df[s] = [cell(g["counts"][s]) for g in gaps]
    df.columns = ["Item", "Statement", "Don't know (all)", *(f"{s.capitalize()} side" for s in SIDES)]
    return df


def report_section(results: dict[str, Any]) -> dict[str, Any]:
    """Findings, figures and tables by name (``results`` is the whole results.json dict)."""
    gaps = results.get("knowledge_gaps")
    lines = findings(results)
    if not gaps:
        return {"findings": lines, "figures": {}, "tables": {}}
    flag = flag_of(results)
    return {
        "findings": lines,
        "figures": {"knowledge_gaps": ("Knowledge gaps: don't know per side", chart(gaps, flag))},
        "tables": {"knowledge_gaps": ("Knowledge gaps: items one side cannot judge", _shown(gaps))},
    }
