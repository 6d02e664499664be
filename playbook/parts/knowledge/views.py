"""Chart, table and the report section for the knowledge gaps (items one side cannot judge)."""

from __future__ import annotations

from typing import Any

from playbook.core.engagement import SIDES
from playbook.core.i18n import N_, _
from playbook.core.instruments import label
from playbook.parts.charts import PALETTE, Rows, base, colours, empty, title, value_labels, value_text, width
from playbook.parts.knowledge.words import findings, flag_of

SIDE_NAMES = {"marketing": N_("marketing side"), "sales": N_("sales side")}


def chart(gaps: list[dict[str, Any]], flag: float):
    """The don't know share of each flagged statement, per side, with the flag marked in every row."""
    alt = base()
    import pandas as pd

    from playbook.core.formats import share

    rows = [{"item": label(g["item"]), "side": _(SIDE_NAMES[side]), "share": s,
             "label": share(s) if s > 0 else _("%(side)s: %(share)s", side=_(SIDE_NAMES[side]), share=share(s))}
            for g in gaps for side, s in g["sides"].items() if s is not None and side in SIDE_NAMES]
    if not rows:
        return empty(_("No knowledge gaps"))
    order = tuple(dict.fromkeys(label(g["item"]) for g in gaps))
    sides = tuple(_(SIDE_NAMES[s]) for s in SIDES)
    shape = Rows("item", order, group="side", groups=sides, bar=13)
    rows = value_labels(rows, "share", "label", (0, 1), (flag,))
    bars = alt.Chart().mark_bar().encode(
        **shape.encode(),
        x=alt.X("share:Q", title=_("share of “don't know” answers"), axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("side:N", sort=list(sides),
                        **colours([r["side"] for r in rows if r["share"] > 0],
                                  {_(SIDE_NAMES[s]): PALETTE[s] for s in SIDES})),
        tooltip=["item", "side", alt.Tooltip("share:Q", format=".0%")],
    )
    heading = _("What one side cannot judge: “don't know” per side (flagged from %(flag)s, dashed)",
                flag=share(flag))
    return alt.layer(bars, shape.rule(flag), *value_text(alt, shape), data=pd.DataFrame(rows)).properties(
        width=width(), height=shape.height, title=title(heading))


def _shown(gaps: list[dict[str, Any]]):
    import pandas as pd

    from playbook.core.formats import share

    def cell(count: dict[str, int]) -> str:
        if not count["answers"]:
            return _("no answers")
        return _("%(share)s (%(k)s of %(n)s)", share=share(count["dont_know"] / count["answers"]),
                 k=count["dont_know"], n=count["answers"])

    rows = [[label(g["item"]), cell(g["counts"]["all"]), *(cell(g["counts"][s]) for s in SIDES)] for g in gaps]
    return pd.DataFrame(rows, columns=[_("Statement"), _("Don't know (all)"),
                                       *(_(SIDE_NAMES[s]).capitalize() for s in SIDES)])


def report_section(results: dict[str, Any]) -> dict[str, Any]:
    """Findings, figures and tables by name (``results`` is the whole results.json dict)."""
    gaps = results.get("knowledge_gaps")
    lines = findings(results)
    if not gaps:
        return {"findings": lines, "figures": {}, "tables": {}}
    flag = flag_of(results)
    return {
        "findings": lines,
        "figures": {"knowledge_gaps": (_("Knowledge gaps: don't know per side"), chart(gaps, flag))},
        "tables": {"knowledge_gaps": (_("Knowledge gaps: statements one side cannot judge"), _shown(gaps))},
    }
