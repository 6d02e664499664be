"""Charts, tables and the report section for what moved between waves."""

from __future__ import annotations

from typing import Any

from playbook.core.formats import period, share
from playbook.core.i18n import N_, _
from playbook.core.instruments import label
from playbook.parts.charts import Rows, base, colours, empty, title, value_labels, value_text, width
from playbook.parts.credibility.views import level_label
from playbook.parts.movement.model import LEVELS, MEAN, YES_SHARE
from playbook.parts.movement.words import findings, item_change, item_figure, level_scores, shown_movers

WAVE_COLOURS = ["#9ecae1", "#2f6db5"]  # the earlier wave light, the later one dark
DEFAULT_THRESHOLD = 0.75
MEASURE_NAMES = {MEAN: N_("mean rating (sales)"), YES_SHARE: N_("share answering yes")}


def _threshold(results: dict[str, Any]) -> float:
    settings = results.get("settings") or {}
    return float(settings.get("stage_threshold", (results.get("credibility") or {}).get("stage_threshold",
                                                                                         DEFAULT_THRESHOLD)))


def levels(waves: list[dict[str, Any]], moved: dict[str, Any], threshold: float = DEFAULT_THRESHOLD):
    """Each level's score in the two compared waves, side by side, with the threshold marked in every row."""
    alt = base()
    import pandas as pd

    pair = level_scores(moved, waves)
    order = (period(moved["from"]), period(moved["to"]))
    rows = [{"level": level_label(int(k)), "wave": order[i], "score": s, "label": share(s)}
            for k, scores in pair.items() for i, s in enumerate(scores) if s is not None]
    if not rows:
        return empty(_("Neither wave has credibility ratings"))
    shape = Rows("level", tuple(level_label(int(k)) for k in LEVELS), group="wave", groups=order, bar=14)
    rows = value_labels(rows, "score", "label", (0, 1), (threshold,))
    bars = alt.Chart().mark_bar().encode(
        **shape.encode(),
        x=alt.X("score:Q", title=_("level score"), scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        color=alt.Color("wave:N", sort=list(order),
                        **colours([r["wave"] for r in rows if r["score"] > 0], dict(zip(order, WAVE_COLOURS)))),
    )
    heading = _("Level scores in %(before)s and %(after)s (established from %(threshold)s, dashed)",
                before=order[0], after=order[1], threshold=share(threshold))
    return alt.layer(bars, shape.rule(threshold), *value_text(alt, shape), data=pd.DataFrame(rows)).properties(
        width=width(), height=shape.height, title=title(heading))


# --- tables and the report section ------------------------------------------------

def _items_shown(moved: dict[str, Any]):
    """The items that moved most, up then down: credibility ratings first, then self-evaluation statements; each
    change the difference of the two figures shown."""
    import pandas as pd

    rows = []
    for measure in (MEAN, YES_SHARE):
        up, down = shown_movers(moved, measure)
        rows += [[label(r["item"]), _(MEASURE_NAMES[measure]), item_figure(r["from"], measure),
                  item_figure(r["to"], measure), item_change(r)] for r in up + down]
    return pd.DataFrame(rows, columns=[_("Statement"), _("Measure"), period(moved["from"]), period(moved["to"]),
                                       _("Change")])


def _waves_shown(waves: list[dict[str, Any]]):
    import pandas as pd

    def whole(v: Any) -> str:
        return "–" if v is None else str(int(v))

    rows = [[period(w["wave"]), whole(w["stage"]), *(share((w.get("level_scores") or {}).get(k)) for k in LEVELS),
             whole(w["symptoms_count"])] for w in waves]
    return pd.DataFrame(rows, columns=[_("Wave"), _("Stage"), *(_("Level %(level)s", level=k) for k in LEVELS),
                                       _("Symptoms reported (of 8)")])


def report_section(results: dict[str, Any]) -> dict[str, Any]:
    """Findings, figures and tables by name (``results`` is the whole results.json dict)."""
    waves, moved = results.get("waves"), results.get("movement")
    lines = findings(waves, moved)
    if not waves:
        return {"findings": lines, "figures": {}, "tables": {}}
    figures, tables = {}, {}
    if moved:
        figures["levels"] = (_("Level scores: %(before)s beside %(after)s", before=period(moved["from"]),
                               after=period(moved["to"])), levels(waves, moved, _threshold(results)))
        tables["items"] = (_("What moved most since %(since)s", since=period(moved["from"])), _items_shown(moved))
    tables["waves"] = (_("Every wave: stage, level scores and symptoms"), _waves_shown(waves))
    return {"findings": lines, "figures": figures, "tables": tables}
