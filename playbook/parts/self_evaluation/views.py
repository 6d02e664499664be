"""Charts, tables and the report section for the self-evaluations and the symptoms."""

from __future__ import annotations

from typing import Any

from playbook.core.i18n import N_, _, word
from playbook.core.instruments import label
from playbook.parts.charts import PALETTE, Rows, base, colours, empty, title, value_labels, value_text, width
from playbook.parts.self_evaluation.words import fewer_than, findings, left_out, severity, withheld

OWN, OTHER = N_("own department"), N_("other department")
VIEWS = ((OWN, "self_yes_share", "self_n"), (OTHER, "peer_yes_share", "peer_n"))
REPORTED, NOT_REPORTED = N_("reported"), N_("not reported")


def perception_gap(result: dict[str, Any]):
    """Yes share per statement (named by its short statement): the department's own view beside the other side's."""
    alt = base()
    import pandas as pd

    se = result["self_evaluation"]
    rows = []
    for g in se["perception_gap"]:
        for view, key, _n in VIEWS:
            if g[key] is not None:  # a side's share from too few answers is left out (METHOD 8)
                rows.append({"item": label(g["item"]), "view": _(view), "share": g[key]})
    hidden = withheld(se["perception_gap"])
    note = left_out(hidden, se.get("min_group_size"))
    if not rows:
        return empty(_("No self-evaluation figures to show") + (f"; {note}" if note else ""))
    df = pd.DataFrame(rows)
    views = (_(OWN), _(OTHER))
    present = set(df["view"])
    drawn = list(dict.fromkeys(df.loc[df["share"] > 0, "view"]))  # in the legend: only a bar longer than 0
    shape = Rows("item", tuple(dict.fromkeys(label(g["item"]) for g in se["perception_gap"]
                                             if label(g["item"]) in set(df["item"]))),
                 group="view", groups=tuple(v for v in views if v in present), bar=11)
    heading = _("Agreement with each statement: own department against the other side")
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            **shape.encode(),
            x=alt.X("share:Q", title=_("share answering yes"), axis=alt.Axis(format="%"),
                    scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("view:N", sort=list(views),
                            **colours(drawn, {views[0]: PALETTE["neutral"], views[1]: PALETTE["sales"]})),
            tooltip=["item", "view", alt.Tooltip("share:Q", format=".0%")],
        )
        .properties(width=width(), height=shape.height,
                    title=title(heading, subtitle=note or None))
    )


def symptoms(result: dict[str, Any]):
    """Share of respondents reporting each symptom, named by its short statement; reported ones in red."""
    alt = base()
    import pandas as pd

    from playbook.core.formats import share

    sym = result["symptoms"]
    rows = [{"item": label(i), "share": s if s is not None else 0.0, "label": share(s),
             "reported": _(REPORTED) if i in sym["present"] else _(NOT_REPORTED)} for i, s in sym["shares"].items()]
    shape = Rows("item", tuple(r["item"] for r in rows))
    rows = value_labels(rows, "share", "label", (0, 1))
    df = pd.DataFrame(rows)
    bars = alt.Chart().mark_bar(**shape.mark()).encode(
        **shape.encode(),
        x=alt.X("share:Q", title=_("share of respondents reporting it"), axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("reported:N", **colours(list(df.loc[df["share"] > 0, "reported"]),
                                                {_(REPORTED): PALETTE["off_track"], _(NOT_REPORTED): PALETTE["no_data"]})),
        tooltip=["item", alt.Tooltip("share:Q", format=".0%")],
    )
    heading = _("Symptoms of misalignment: %(count)s of %(total)s reported (%(severity)s)", count=sym["count"],
                total=len(sym["shares"]), severity=severity(sym["severity"]))
    return alt.layer(bars, *value_text(alt, shape), data=df).properties(
        width=width(), height=shape.height, title=title(heading))


def _gaps_shown(se: dict[str, Any]):
    """The perception gap for people: each statement by its short statement, shares in %, the difference in
    points (the difference of the shares shown), "fewer than N answers" where a side's share is withheld."""
    import pandas as pd

    from playbook.core.formats import SHARE, difference, share

    n = se.get("min_group_size")

    def side(g: dict[str, Any], value: str, count: str) -> str:
        return fewer_than(n) if g[value] is None and g.get(count, 0) > 0 else share(g[value])

    rows = [[label(g["item"]), word(ABOUT, g["about"]) if g["about"] in ABOUT else g["about"], side(g, "self_yes_share", "self_n"),
             side(g, "peer_yes_share", "peer_n"),
             difference(g["self_yes_share"], g["peer_yes_share"], SHARE, signed=True), share(g.get("dont_know_share"))] for g in se["perception_gap"]]
    return pd.DataFrame(rows, columns=[_("Statement"), _("About"), _("Own view (yes)"), _("Other side (yes)"),
                                       _("Difference"), _("Don't know")])


ABOUT = {"marketing": N_("marketing"), "sales": N_("sales"), "company": N_("company")}


def _symptoms_shown(sym: dict[str, Any]):
    import pandas as pd

    from playbook.core.formats import share

    rows = [[label(i), _("yes") if i in sym["present"] else _("no"), share(s),
             share((sym.get("dont_know_shares") or {}).get(i))] for i, s in sym["shares"].items()]
    return pd.DataFrame(rows, columns=[_("Symptom"), _("Reported"), _("Share of respondents"), _("Don't know")])


def report_section(results: dict[str, Any]) -> dict[str, Any]:
    """Findings, figures and tables by name, for the notebook, the pages and the report."""
    if not results.get("self_evaluation"):
        return {"findings": [_("Not assessed: no self-evaluation answers.")], "figures": {}, "tables": {}}
    part = {"self_evaluation": results["self_evaluation"], "symptoms": results["symptoms"]}
    return {
        "findings": findings(part),
        "figures": {"perception_gap": (_("Perception gap"), perception_gap(part)),
                    "symptoms": (_("Symptoms"), symptoms(part))},
        "tables": {"perception_gap": (_("Self-evaluation statements: each side's view"),
                                      _gaps_shown(part["self_evaluation"])),
                   "symptoms": (_("Symptoms of misalignment"), _symptoms_shown(part["symptoms"]))},
    }
