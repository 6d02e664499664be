"""Charts, tables and the report section for the credibility stage: the levels, the perception gap, the waves."""

from __future__ import annotations

import math
from typing import Any

from playbook.core.formats import number, share
from playbook.core.instruments import items
from playbook.parts.charts import PALETTE, base, empty, legend, title
from playbook.parts.credibility.model import LEVELS, VIEWS, level_name
from playbook.parts.credibility.words import fewer_than, findings, percent, waves_sentence

VIEW_LABELS = {"sales": "Sales view", "marketing": "Marketing view", "all": "All raters"}
STATUS_COLOURS = {
    "established": PALETTE["established"],
    "not established": PALETTE["not_established"],
    "insufficient data": PALETTE["no_data"],
}
LEVEL_COLOURS = ["#9ecae1", "#4a8fc7", "#133f73"]
LEVELS_WIDTH = 260  # each view's panel
GAP_WIDTH = 420


def _level_label(level: int) -> str:
    return f"{level} {level_name(level)}"


def _level_rows(result: dict[str, Any], views: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = []
    for v in views:
        view = result["views"][v]
        header = f"{VIEW_LABELS[v]} · stage {view['stage']} · {view['raters']} rater(s)"
        for level in LEVELS:
            score = view["level_scores"][str(level)]
            status = ("insufficient data" if score is None else
                      "established" if view["established"][str(level)] else "not established")
            rows.append({
                "view": header,
                "level": _level_label(level),
                "score": score,
                "status": status,
                "text_x": score or 0.0,
                "label": status if score is None else percent(score),
            })
    return rows


def levels(result: dict[str, Any], views: tuple[str, ...] = ("sales", "marketing")):
    """Each level's score (0-1) per view, coloured established or not, with the threshold drawn."""
    alt = base()
    import pandas as pd

    df = pd.DataFrame(_level_rows(result, tuple(views)))
    threshold = result["stage_threshold"]
    y = alt.Y("level:N", title=None, sort=None)
    bars = alt.Chart().mark_bar(height=22).encode(
        y=y,
        x=alt.X("score:Q", title="level score", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        color=alt.Color("status:N", title=None, scale=alt.Scale(domain=list(STATUS_COLOURS),
                                                                   range=list(STATUS_COLOURS.values())),
                        legend=legend(list(STATUS_COLOURS), LEVELS_WIDTH * len(views))),
    )
    rule = alt.Chart().mark_rule(strokeDash=[5, 3], color=PALETTE["neutral"]).encode(x=alt.datum(threshold))
    text = alt.Chart().mark_text(align="left", dx=4, fontSize=11, color="#333").encode(
        y=y, x="text_x:Q", text="label:N")
    order = list(dict.fromkeys(df["view"]))
    return (
        alt.layer(bars, rule, text, data=df)
        .properties(width=LEVELS_WIDTH, height=alt.Step(34))
        .facet(column=alt.Column("view:N", title=None, sort=order, header=alt.Header(labelFontSize=12)))
        .properties(title=title(f"Credibility levels (established from {threshold * 100:.0f}%, dashed line)",
                                LEVELS_WIDTH * len(order), labels=df["level"]))
    )


def perception_gap(result: dict[str, Any]):
    """Per item, marketing's mean rating minus sales': diverging bars, flagged items in full colour."""
    alt = base()
    import pandas as pd

    rows = [
        {"item": g["item"], "gap": g["gap"], "flagged": "flagged" if g["flagged"] else "not flagged",
         "direction": "marketing rates higher" if g["gap"] > 0 else "sales rates higher"}
        for g in result["perception_gap"] if g["gap"] is not None
    ]
    hidden = sum(bool(g.get("suppressed")) for g in result["perception_gap"])
    note = (f"{hidden} item{'' if hidden == 1 else 's'} left out: {fewer_than(result.get('min_group_size'))}"
            if hidden else "")
    if not rows:
        return empty("The perception gap needs ratings from both sides" + (f" ({note})" if note else ""))
    df = pd.DataFrame(rows)
    flag = result["perception_gap_flag"]
    reach = math.ceil(max(2.0, max(abs(r["gap"]) for r in rows) + 0.25, flag + 0.5))
    directions = ["marketing rates higher", "sales rates higher"]
    bars = alt.Chart(df).mark_bar().encode(
        y=alt.Y("item:N", title=None, sort=None),
        x=alt.X("gap:Q", title="marketing's mean minus sales' mean (rating points)",
                scale=alt.Scale(domain=[-reach, reach]), axis=alt.Axis(values=list(range(-reach, reach + 1)), format="+d")),
        color=alt.Color("direction:N", title=None, sort=directions,
                        scale=alt.Scale(range=[PALETTE["marketing"], PALETTE["sales"]]),
                        legend=legend(directions, GAP_WIDTH / 2)),
        opacity=alt.Opacity("flagged:N", title=None, sort=["flagged", "not flagged"],
                            scale=alt.Scale(range=[1.0, 0.3]), legend=legend(["flagged", "not flagged"], GAP_WIDTH / 2)),
    )
    zero = alt.Chart().mark_rule(color="#333").encode(x=alt.datum(0))
    marks = [bars, zero]
    if flag > 0:
        for side in (-flag, flag):
            marks.append(alt.Chart().mark_rule(strokeDash=[4, 3], color=PALETTE["neutral"]).encode(x=alt.datum(side)))
    return alt.layer(*marks).properties(
        width=GAP_WIDTH, height=alt.Step(14),
        title=title(f"Perception gap per item (flagged from {flag:g} point, dashed lines)" + (f"; {note}" if note else ""),
                    GAP_WIDTH, labels=df["item"]),
    )


def waves(waves: list[dict[str, Any]], threshold: float = 0.75):
    """Each level's score per wave (METHOD basis), with the threshold drawn."""
    alt = base()
    import pandas as pd

    rows = [
        {"wave": w["wave"], "level": _level_label(int(k)), "score": s, "stage": w["stage"]}
        for w in waves for k, s in w["level_scores"].items() if s is not None
    ]
    if not rows:
        return empty("No wave has credibility ratings yet")
    df = pd.DataFrame(rows)
    order = [w["wave"] for w in waves]
    width = max(320, 90 * len(order))
    line = alt.Chart(df).mark_line(point=True).encode(
        x=alt.X("wave:O", title="wave", sort=order, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("score:Q", title="level score", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        color=alt.Color("level:N", title=None, scale=alt.Scale(range=LEVEL_COLOURS),
                        legend=legend(sorted(set(df["level"])), width)),
    )
    rule = alt.Chart().mark_rule(strokeDash=[5, 3], color=PALETTE["neutral"]).encode(y=alt.datum(threshold))
    stages = " → ".join(f"{w['stage']} in {w['wave']}" for w in waves)
    return alt.layer(line, rule).properties(width=width, height=200,
                                            title=title(f"Level scores per wave (stage {stages})", width, labels=["100%"]))


# --- tables and the report section ------------------------------------------------

def level_table(result: dict[str, Any]):
    """One row per level: the score in each view and its status on the result's basis."""
    import pandas as pd

    rows = []
    for level in LEVELS:
        k = str(level)
        row = {"level": level, "name": level_name(level)}
        row.update({f"{v}_score": result["views"][v]["level_scores"][k] for v in VIEWS})
        row.update({"score": result["level_scores"][k], "status": result["level_status"][k]})
        rows.append(row)
    return pd.DataFrame(rows)


def gap_table(result: dict[str, Any]):
    import pandas as pd

    rows = [{"marketing_n": 0, "sales_n": 0, "dont_know_share": None, "suppressed": False, **g,
             "statement": items()[g["item"]].text} for g in result["perception_gap"]]
    return pd.DataFrame(rows)[["item", "statement", "marketing_mean", "sales_mean", "gap", "flagged",
                               "dont_know_share", "marketing_n", "sales_n", "suppressed"]]


def next_steps_table(result: dict[str, Any]):
    import pandas as pd

    rows = [{"item": s["item"], "statement": items()[s["item"]].text, "mean": s.get("mean"), "action": s["action"],
             "dont_know_share": s.get("dont_know_share"), "suppressed": bool(s.get("suppressed"))}
            for s in result["next_steps"]]
    return pd.DataFrame(rows, columns=["item", "statement", "mean", "action", "dont_know_share", "suppressed"])


def next_steps_shown(result: dict[str, Any]):
    """The next steps as people read them: mean rating to one decimal, "fewer than N answers" where withheld."""
    steps = next_steps_table(result)
    hidden = fewer_than(result.get("min_group_size"))
    steps["mean"] = [hidden if h else number(m, 1) for m, h in zip(steps["mean"], steps["suppressed"])]
    steps = steps[["item", "statement", "mean", "action"]]
    steps.columns = ["Item", "Statement", "Mean rating", "Next step"]
    return steps


def wave_table(waves: list[dict[str, Any]]):
    import pandas as pd

    rows = [{"wave": w["wave"], "stage": w["stage"], "focus": w["focus"],
             **{f"level_{k}": s for k, s in w["level_scores"].items()}} for w in waves]
    return pd.DataFrame(rows, columns=["wave", "stage", "focus", "level_1", "level_2", "level_3"])


def _levels_shown(cred: dict[str, Any]):
    levels = level_table(cred)
    levels = levels.assign(**{c: levels[c].map(percent) for c in ("sales_score", "marketing_score", "all_score")})
    levels = levels[["level", "name", "sales_score", "marketing_score", "all_score", "status"]]
    levels.columns = ["Level", "Name", "Sales view", "Marketing view", "All raters", f"Status ({cred['basis']} view)"]
    return levels


def _gaps_shown(cred: dict[str, Any]):
    gaps = gap_table(cred)
    hidden = fewer_than(cred.get("min_group_size"))
    for col, count in (("marketing_mean", "marketing_n"), ("sales_mean", "sales_n")):
        gaps[col] = [hidden if (v is None or v != v) and n > 0 else number(v, 1)
                     for v, n in zip(gaps[col], gaps[count])]
    gaps["gap"] = gaps["gap"].map(lambda v: number(v, 1, signed=True))
    gaps["flagged"] = gaps["flagged"].map({True: "yes", False: ""})
    gaps["dont_know_share"] = gaps["dont_know_share"].map(share)
    gaps = gaps[["item", "statement", "marketing_mean", "sales_mean", "gap", "flagged", "dont_know_share"]]
    gaps.columns = ["Item", "Statement", "Marketing mean", "Sales mean", "Gap", "Flagged", "Don't know"]
    return gaps


def _waves_shown(waves: list[dict[str, Any]]):
    wt = wave_table(waves)
    for k in LEVELS:
        wt[f"level_{k}"] = wt[f"level_{k}"].map(percent)
    wt["focus"] = wt["focus"].map(lambda v: "–" if v is None or v != v else str(int(v)))
    wt.columns = ["Wave", "Stage", "Focus", "Level 1", "Level 2", "Level 3"]
    return wt


# The views the levels chart sets side by side when one view is chosen (the report's: sales beside marketing).
SHOWN_WITH = {"sales": ("sales", "marketing"), "marketing": ("marketing", "sales"), "all": ("all",)}


def levels_title(views: tuple[str, ...]) -> str:
    """'Credibility levels: sales view beside marketing view'."""
    return "Credibility levels: " + " beside ".join(VIEW_LABELS[v].lower() for v in views)


def report_section(results: dict[str, Any], views: tuple[str, ...] = SHOWN_WITH["sales"]) -> dict[str, Any]:
    """Findings, figures and tables by name (``results`` is the whole results.json dict); ``views`` are the
    views the levels chart shows (the interactive report's switch passes ``SHOWN_WITH[basis]``)."""
    cred = results.get("credibility")
    if not cred:
        return {"findings": ["Not assessed: no credibility-stage ratings were collected."], "figures": {},
                "tables": {}}
    figures = {"levels": (levels_title(views), levels(cred, views=views)),
               "perception_gap": ("Perception gap per item", perception_gap(cred))}
    tables = {"levels": ("Credibility levels", _levels_shown(cred)),
              "next_steps": (f"Next steps for level {cred['focus']}" if cred["focus"] else "Next steps",
                             next_steps_shown(cred)),
              "perception_gap": ("Perception gap per item", _gaps_shown(cred))}
    lines = findings(cred)
    history = cred.get("waves") or []
    if len(history) > 1:
        figures["waves"] = ("Level scores per wave", waves(history, cred["stage_threshold"]))
        tables["waves"] = ("Stage per wave", _waves_shown(history))
        lines.append(waves_sentence(history))
    return {"findings": lines, "figures": figures, "tables": tables}
