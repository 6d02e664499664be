"""Charts, tables and the report section for what moved between waves."""

from __future__ import annotations

from typing import Any

from playbook.core.formats import share
from playbook.parts.charts import PALETTE, base, empty, title
from playbook.parts.credibility.model import level_name
from playbook.parts.movement.model import LEVELS, MEAN, YES_SHARE, movers
from playbook.parts.movement.words import change, figure, findings, statement

WAVE_COLOURS = ["#9ecae1", "#2f6db5"]  # the earlier wave light, the later one dark
DEFAULT_THRESHOLD = 0.75


def _threshold(results: dict[str, Any]) -> float:
    settings = results.get("settings") or {}
    return float(settings.get("stage_threshold", (results.get("credibility") or {}).get("stage_threshold",
                                                                                         DEFAULT_THRESHOLD)))


def _level_label(k: str) -> str:
    return f"{k} {level_name(int(k))}"


def levels(waves: list[dict[str, Any]], moved: dict[str, Any], threshold: float = DEFAULT_THRESHOLD):
    """Each level's score in the two compared waves, side by side, with the threshold drawn."""
    alt = base()
    import pandas as pd

    pair = [w for w in waves if w["wave"] in (moved["from"], moved["to"])]
    rows = [{"level": _level_label(k), "wave": w["wave"], "score": s, "label": share(s)}
            for w in pair for k, s in (w.get("level_scores") or {}).items() if s is not None]
    if not rows:
        return empty("Neither wave has credibility ratings")
    df = pd.DataFrame(rows)
    order = [moved["from"], moved["to"]]
    y = alt.Y("level:N", title=None, sort=[_level_label(k) for k in LEVELS])
    offset = alt.YOffset("wave:N", sort=order)
    bars = alt.Chart().mark_bar(height=14).encode(
        y=y, yOffset=offset,
        x=alt.X("score:Q", title="level score", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        color=alt.Color("wave:N", title=None, sort=order, scale=alt.Scale(domain=order, range=WAVE_COLOURS)),
    )
    text = alt.Chart().mark_text(align="left", dx=4, fontSize=10, color="#333").encode(
        y=y, yOffset=offset, x="score:Q", text="label:N")
    rule = alt.Chart().mark_rule(strokeDash=[5, 3], color=PALETTE["neutral"]).encode(x=alt.datum(threshold))
    return alt.layer(bars, text, rule, data=df).properties(
        width=360, height=alt.Step(16),
        title=title(f"Level scores in {moved['from']} and {moved['to']} (established from {share(threshold)}, "
                    "dashed line)", 360, labels=df["level"]),
    )


# --- tables and the report section ------------------------------------------------

def items_table(moved: dict[str, Any]):
    """The items that moved most, up then down: credibility ratings first, then self-evaluation statements."""
    import pandas as pd

    rows = []
    for measure in (MEAN, YES_SHARE):
        up, down = movers(moved, measure)
        for direction, chosen in (("up", up), ("down", down)):
            rows += [{"item": r["item"], "statement": statement(r["item"]),
                      "measure": "mean rating (sales)" if measure == MEAN else "share answering yes",
                      "from": r["from"], "to": r["to"], "change": r["change"], "direction": direction}
                     for r in chosen]
    return pd.DataFrame(rows, columns=["item", "statement", "measure", "from", "to", "change", "direction"])


def _items_shown(moved: dict[str, Any]):
    import pandas as pd

    table = items_table(moved)
    measure = table["measure"].map(lambda m: MEAN if m.startswith("mean") else YES_SHARE)
    shown = pd.DataFrame({
        "Item": table["item"],
        "Statement": table["statement"],
        "Measure": table["measure"],
        moved["from"]: [figure(v, m) for v, m in zip(table["from"], measure, strict=True)],
        moved["to"]: [figure(v, m) for v, m in zip(table["to"], measure, strict=True)],
        "Change": [change(v, m) for v, m in zip(table["change"], measure, strict=True)],
    })
    return shown


def wave_table(waves: list[dict[str, Any]]):
    import pandas as pd

    rows = [{"wave": w["wave"], "stage": w["stage"],
             **{f"level_{k}": (w.get("level_scores") or {}).get(k) for k in LEVELS},
             "symptoms_count": w["symptoms_count"]} for w in waves]
    return pd.DataFrame(rows, columns=["wave", "stage", "level_1", "level_2", "level_3", "symptoms_count"])


def _waves_shown(waves: list[dict[str, Any]]):
    table = wave_table(waves)
    for k in LEVELS:
        table[f"level_{k}"] = table[f"level_{k}"].map(share)
    for col in ("stage", "symptoms_count"):
        table[col] = table[col].map(lambda v: "–" if v is None or v != v else str(int(v)))
    table.columns = ["Wave", "Stage", "Level 1", "Level 2", "Level 3", "Symptoms reported (of 8)"]
    return table


def report_section(results: dict[str, Any]) -> dict[str, Any]:
    """Findings, figures and tables by name (``results`` is the whole results.json dict)."""
    waves, moved = results.get("waves"), results.get("movement")
    lines = findings(waves, moved)
    if not waves:
        return {"findings": lines, "figures": {}, "tables": {}}
    figures, tables = {}, {}
    if moved:
        figures["levels"] = (f"Level scores: {moved['from']} beside {moved['to']}",
                             levels(waves, moved, _threshold(results)))
        tables["items"] = (f"What moved most since {moved['from']}", _items_shown(moved))
    tables["waves"] = ("Every wave: stage, level scores and symptoms", _waves_shown(waves))
    return {"findings": lines, "figures": figures, "tables": tables}
