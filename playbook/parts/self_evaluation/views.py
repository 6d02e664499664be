"""Charts, tables and the report section for the self-evaluations and the symptoms."""

from __future__ import annotations

from typing import Any

from playbook.parts.charts import PALETTE, base, empty
from playbook.parts.self_evaluation.words import findings


def perception_gap(result: dict[str, Any]):
    """Yes share per statement: the department's own view beside the other side's view."""
    alt = base()
    import pandas as pd

    rows = []
    for g in result["self_evaluation"]["perception_gap"]:
        for view, key in (("own department", "self_yes_share"), ("other department", "peer_yes_share")):
            if g[key] is not None:
                rows.append({"item": g["item"], "about": g["about"], "view": view, "share": g[key]})
    if not rows:
        return empty("No self-evaluation answers yet")
    df = pd.DataFrame(rows)
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y("item:N", title=None, sort=None),
            yOffset=alt.YOffset("view:N", sort=["own department", "other department"]),
            x=alt.X("share:Q", title="share answering yes", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("view:N", title="view of", sort=["own department", "other department"],
                            scale=alt.Scale(range=[PALETTE["neutral"], PALETTE["sales"]])),
            tooltip=["item", "view", alt.Tooltip("share:Q", format=".0%")],
        )
        .properties(width=420, height=alt.Step(11), title="Perception gap: own view vs the other side's view")
    )


def symptoms(result: dict[str, Any]):
    alt = base()
    import pandas as pd

    sym = result["symptoms"]
    df = pd.DataFrame(
        [{"item": i, "share": s if s is not None else 0.0, "reported": i in sym["present"]}
         for i, s in sym["shares"].items()]
    )
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y("item:N", title=None, sort=None),
            x=alt.X("share:Q", title="share of respondents reporting it", axis=alt.Axis(format="%"),
                    scale=alt.Scale(domain=[0, 1])),
            color=alt.condition("datum.reported", alt.value(PALETTE["off_track"]), alt.value(PALETTE["no_data"])),
            tooltip=["item", alt.Tooltip("share:Q", format=".0%")],
        )
        .properties(width=420, height=alt.Step(18),
                    title=f"Symptoms of misalignment: {sym['count']} of 8 reported ({sym['severity']})")
    )


def gap_table(result: dict[str, Any]):
    """The perception gap as a DataFrame with the item text (numbers as computed)."""
    import pandas as pd

    from playbook.core.instruments import items

    rows = [{**g, "statement": items()[g["item"]].text} for g in result["self_evaluation"]["perception_gap"]]
    return pd.DataFrame(rows)[["item", "about", "statement", "self_yes_share", "peer_yes_share", "difference"]]


def symptom_table(result: dict[str, Any]):
    import pandas as pd

    from playbook.core.instruments import items

    sym = result["symptoms"]
    return pd.DataFrame([
        {"item": i, "symptom": items()[i].text, "reported": i in sym["present"], "share": share}
        for i, share in sym["shares"].items()
    ])


def report_section(results: dict[str, Any]) -> dict[str, Any]:
    """Findings, figures and tables by name, for the notebook, the pages and the report."""
    if not results.get("self_evaluation"):
        return {"findings": ["Not assessed: no self-evaluation answers."], "figures": {}, "tables": {}}
    from playbook.core.formats import share

    part = {"self_evaluation": results["self_evaluation"], "symptoms": results["symptoms"]}
    gaps = gap_table(part)
    for col in ("self_yes_share", "peer_yes_share", "difference"):
        gaps[col] = gaps[col].map(lambda v, c=col: share(v, signed=c == "difference"))
    gaps.columns = ["Item", "About", "Statement", "Own view (yes)", "Other side (yes)", "Difference"]
    sym = symptom_table(part)
    sym["share"] = sym["share"].map(share)
    sym["reported"] = sym["reported"].map({True: "yes", False: "no"})
    sym.columns = ["Item", "Symptom", "Reported", "Share of respondents"]
    return {
        "findings": findings(part),
        "figures": {"perception_gap": ("Perception gap", perception_gap(part)),
                    "symptoms": ("Symptoms", symptoms(part))},
        "tables": {"perception_gap": ("Self-evaluation statements: each side's view", gaps),
                   "symptoms": ("Symptoms of misalignment", sym)},
    }
