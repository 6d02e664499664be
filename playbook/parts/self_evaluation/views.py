"""Charts, tables and the report section for the self-evaluations and the symptoms."""

from __future__ import annotations

from typing import Any

from playbook.parts.charts import PALETTE, base, empty, legend, title
from playbook.parts.self_evaluation.words import fewer_than, findings, left_out, withheld

WIDTH = 420
VIEWS = (("own department", "self_yes_share", "self_n"), ("other department", "peer_yes_share", "peer_n"))


def perception_gap(result: dict[str, Any]):
    """Yes share per statement: the department's own view beside the other side's view."""
    alt = base()
    import pandas as pd

    se = result["self_evaluation"]
    rows = []
    for g in se["perception_gap"]:
        for view, key, _ in VIEWS:
            if g[key] is not None:  # a side's share from too few answers is left out (METHOD 8)
                rows.append({"item": g["item"], "about": g["about"], "view": view, "share": g[key]})
    hidden = withheld(se["perception_gap"])
    note = left_out(hidden, "figure", se.get("min_group_size"))
    if not rows:
        return empty(f"No self-evaluation figures to show{'; ' + note if note else ''}")
    df = pd.DataFrame(rows)
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y("item:N", title=None, sort=None),
            yOffset=alt.YOffset("view:N", sort=["own department", "other department"]),
            x=alt.X("share:Q", title="share answering yes", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("view:N", title="view of", sort=["own department", "other department"],
                            scale=alt.Scale(range=[PALETTE["neutral"], PALETTE["sales"]]),
                            legend=legend(["own department", "other department"], WIDTH)),
            tooltip=["item", "view", alt.Tooltip("share:Q", format=".0%")],
        )
        .properties(width=WIDTH, height=alt.Step(11),
                    title=title("Perception gap: own view vs the other side's view" + (f" ({note})" if note else ""),
                                WIDTH, labels=df["item"]))
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
        .properties(width=WIDTH, height=alt.Step(18),
                    title=title(f"Symptoms of misalignment: {sym['count']} of 8 reported ({sym['severity']})", WIDTH,
                                labels=df["item"]))
    )


def gap_table(result: dict[str, Any]):
    """The perception gap as a DataFrame with the item text (numbers as computed)."""
    import pandas as pd

    from playbook.core.instruments import items

    rows = [{**g, "statement": items()[g["item"]].text} for g in result["self_evaluation"]["perception_gap"]]
    return pd.DataFrame(rows)[["item", "about", "statement", "self_yes_share", "peer_yes_share", "difference",
                               "dont_know_share", "self_n", "peer_n", "suppressed"]]


def symptom_table(result: dict[str, Any]):
    import pandas as pd

    from playbook.core.instruments import items

    sym = result["symptoms"]
    return pd.DataFrame([
        {"item": i, "symptom": items()[i].text, "reported": i in sym["present"], "share": share,
         "dont_know_share": (sym.get("dont_know_shares") or {}).get(i)}
        for i, share in sym["shares"].items()
    ])


def _gaps_shown(se: dict[str, Any]):
    """The perception gap for people: shares in %, "fewer than N answers" where a side's share is withheld."""
    from playbook.core.formats import share

    gaps = gap_table({"self_evaluation": se})
    n = se.get("min_group_size")
    for col, count in (("self_yes_share", "self_n"), ("peer_yes_share", "peer_n")):
        gaps[col] = [fewer_than(n) if (v is None or v != v) and k > 0 else share(v)
                     for v, k in zip(gaps[col], gaps[count])]
    gaps["difference"] = gaps["difference"].map(lambda v: share(v, signed=True))
    gaps["dont_know_share"] = gaps["dont_know_share"].map(share)
    gaps = gaps[["item", "about", "statement", "self_yes_share", "peer_yes_share", "difference", "dont_know_share"]]
    gaps.columns = ["Item", "About", "Statement", "Own view (yes)", "Other side (yes)", "Difference", "Don't know"]
    return gaps


def report_section(results: dict[str, Any]) -> dict[str, Any]:
    """Findings, figures and tables by name, for the notebook, the pages and the report."""
    if not results.get("self_evaluation"):
        return {"findings": ["Not assessed: no self-evaluation answers."], "figures": {}, "tables": {}}
    from playbook.core.formats import share

    part = {"self_evaluation": results["self_evaluation"], "symptoms": results["symptoms"]}
    gaps = _gaps_shown(part["self_evaluation"])
    sym = symptom_table(part)
    sym["share"] = sym["share"].map(share)
    sym["dont_know_share"] = sym["dont_know_share"].map(share)
    sym["reported"] = sym["reported"].map({True: "yes", False: "no"})
    sym.columns = ["Item", "Symptom", "Reported", "Share of respondents", "Don't know"]
    return {
        "findings": findings(part),
        "figures": {"perception_gap": ("Perception gap", perception_gap(part)),
                    "symptoms": ("Symptoms", symptoms(part))},
        "tables": {"perception_gap": ("Self-evaluation statements: each side's view", gaps),
                   "symptoms": ("Symptoms of misalignment", sym)},
    }
