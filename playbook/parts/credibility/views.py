"""Charts, tables and the report section for the credibility stage: the levels, the perception gap, the waves."""

from __future__ import annotations

import math
from typing import Any

from playbook.core.formats import number, period, share
from playbook.core.i18n import N_, _, ngettext, word
from playbook.core.instruments import label
from playbook.parts.charts import (
    PALETTE,
    Rows,
    base,
    colours,
    empty,
    labelled,
    legend,
    title,
    value_labels,
    value_text,
    width,
)
from playbook.parts.credibility.model import LEVELS, VIEWS, actions, level_name
from playbook.parts.credibility.words import fewer_than, findings, percent, waves_sentence

VIEW_LABELS = {"sales": N_("Sales view"), "marketing": N_("Marketing view"), "all": N_("All raters")}
# The same inside a sentence ("Status (sales view)"): its own message, as some languages capitalise nouns.
VIEW_WORDS = {"sales": N_("sales view"), "marketing": N_("marketing view"), "all": N_("all raters")}
VIEW_COLOURS = {"sales": PALETTE["sales"], "marketing": PALETTE["marketing"], "all": PALETTE["neutral"]}
LEVEL_COLOURS = ["#9ecae1", "#4a8fc7", "#133f73"]
HIGHER = {"marketing": N_("marketing rates higher"), "sales": N_("sales rates higher")}


def level_label(level: int) -> str:
    """'1 Consistent execution': a level's number and name, as charts name it."""
    name = level_name(level)
    return f"{level} {name[:1].upper()}{name[1:]}"


def _view_name(view: str, raters: int) -> str:
    return ngettext("%(view)s (%(n)s rater)", "%(view)s (%(n)s raters)", raters, view=_(VIEW_LABELS[view]))


def levels(result: dict[str, Any], views: tuple[str, ...] = ("sales", "marketing")):
    """Each level's score (0-1) in each view, side by side, with the threshold marked in every level's row."""
    alt = base()
    import pandas as pd

    threshold = result["stage_threshold"]
    names = {v: _view_name(v, result["views"][v]["raters"]) for v in views}
    rows = []
    for level in LEVELS:
        for v in views:
            score = result["views"][v]["level_scores"][str(level)]
            rows.append({"level": level_label(level), "view": names[v], "score": score or 0.0,
                         "label": _("not enough ratings") if score is None else percent(score)})
    shape = Rows("level", tuple(level_label(k) for k in LEVELS), group="view" if len(views) > 1 else None,
                 groups=tuple(names.values()) if len(views) > 1 else (), bar=16)
    rows = value_labels(rows, "score", "label", (0, 1), (threshold,))
    drawn = [r["view"] for r in rows if r["score"] > 0]
    bars = alt.Chart().mark_bar(**shape.mark()).encode(
        **shape.encode(),
        x=alt.X("score:Q", title=_("level score"), scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        color=alt.Color("view:N", sort=list(names.values()),
                        **colours(drawn, {names[v]: VIEW_COLOURS[v] for v in views})),
    )
    heading = _("Credibility levels: %(views)s (established from %(threshold)s, dashed)",
                views=_(" beside ").join(word(VIEW_WORDS, v) for v in views), threshold=percent(threshold))
    return alt.layer(bars, shape.rule(threshold), *value_text(alt, shape), data=pd.DataFrame(rows)).properties(
        width=width(), height=shape.height, title=title(heading))


def _gap_colour(g: dict[str, Any], flag: float) -> str:
    if not g["flagged"]:
        return _not_flagged(flag)
    return word(HIGHER, "marketing" if g["gap"] > 0 else "sales")


def _not_flagged(flag: float) -> str:
    return ngettext("less than %(flag)s point apart", "less than %(flag)s points apart", 1 if flag == 1 else 2,
                    flag=number(flag, None))


def perception_gap(result: dict[str, Any]):
    """Per item (by its short statement), marketing's mean rating minus sales': flagged gaps in the colour of the
    side that rates higher, the rest grey; the flag marked in every row."""
    alt = base()
    import pandas as pd

    flag = result["perception_gap_flag"]
    shown = [g for g in result["perception_gap"] if g["gap"] is not None]
    hidden = sum(bool(g.get("suppressed")) for g in result["perception_gap"])
    note = (ngettext("%(n)s statement left out: %(why)s", "%(n)s statements left out: %(why)s", hidden,
                     why=fewer_than(result.get("min_group_size"))) if hidden else None)
    if not shown:
        return empty(_("The perception gap needs ratings from both sides") + (f" ({note})" if note else ""))
    rows = [{"item": label(g["item"]), "gap": g["gap"], "colour": _gap_colour(g, flag)} for g in shown]
    shape = Rows("item", tuple(r["item"] for r in rows), bar=12)
    reach = math.ceil(max(2.0, max(abs(r["gap"]) for r in rows) + 0.25, flag + 0.5))
    ticks = list(range(-reach, reach + 1))
    every = {word(HIGHER, "marketing"): PALETTE["marketing"], word(HIGHER, "sales"): PALETTE["sales"],
             _not_flagged(flag): PALETTE["no_data"]}
    bars = alt.Chart().mark_bar(**shape.mark()).encode(
        **shape.encode(),
        x=alt.X("gap:Q", title=_("marketing's mean rating minus sales' (rating points)"),
                scale=alt.Scale(domain=[-reach, reach]),
                axis=alt.Axis(values=ticks, labelExpr=labelled(ticks, [number(t, 0, signed=True) for t in ticks]))),
        color=alt.Color("colour:N", **colours([r["colour"] for r in rows if abs(r["gap"]) > 0.005], every)),
        tooltip=["item", alt.Tooltip("gap:Q", format="+.1f")],
    )
    marks = [bars, shape.rule(0, strokeDash=[], color="#333")]
    if flag > 0:
        marks += [shape.rule(-flag), shape.rule(flag)]
    heading = ngettext("Where the two sides rate marketing differently (flagged from %(flag)s rating point apart, "
                       "dashed)", "Where the two sides rate marketing differently (flagged from %(flag)s rating "
                       "points apart, dashed)", 1 if flag == 1 else 2, flag=number(flag, None))
    return alt.layer(*marks, data=pd.DataFrame(rows)).properties(width=width(), height=shape.height,
                                                                 title=title(heading, subtitle=note))


def waves(waves: list[dict[str, Any]], threshold: float = 0.75):
    """Each level's score per wave (METHOD basis), with the threshold drawn."""
    alt = base()
    import pandas as pd

    rows = [
        {"wave": period(w["wave"]), "level": level_label(int(k)), "score": s}
        for w in waves for k, s in w["level_scores"].items() if s is not None
    ]
    if not rows:
        return empty(_("No wave has credibility ratings yet"))
    df = pd.DataFrame(rows)
    order = [period(w["wave"]) for w in waves]
    plot = width() - 60  # the left axis' labels and title
    names = [level_label(k) for k in LEVELS]
    line = alt.Chart(df).mark_line(point=True).encode(
        x=alt.X("wave:O", title=None, sort=order, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("score:Q", title=_("level score"), scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        color=alt.Color("level:N", sort=names, scale=alt.Scale(domain=names, range=LEVEL_COLOURS),
                        legend=legend([n for n in names if n in set(df["level"])], plot, title=None)),
    )
    rule = alt.Chart().mark_rule(strokeDash=[5, 3], color=PALETTE["neutral"]).encode(y=alt.datum(threshold))
    stages = " → ".join(_("%(stage)s in %(wave)s", stage=w["stage"], wave=period(w["wave"])) for w in waves)
    return alt.layer(line, rule).properties(
        width=plot, height=200,
        title=title(_("Level scores per wave (stage %(stages)s; established from %(threshold)s, dashed)",
                      stages=stages, threshold=percent(threshold))))


# --- tables and the report section ------------------------------------------------

STATUS = {"established": N_("established"), "not established": N_("not established"),
          "insufficient data": N_("insufficient data")}


def _status(value: str) -> str:
    return _(STATUS[value]) if value in STATUS else value


def next_steps_shown(result: dict[str, Any]):
    """The next steps as people read them: each item by its short statement, its mean rating to one decimal
    ("fewer than N answers" where withheld) and what to do, in the active language (the words results.json
    carries are those of the language active when it was computed)."""
    import pandas as pd

    hidden = fewer_than(result.get("min_group_size"))
    words = actions()
    rows = [[label(s["item"]), hidden if s.get("suppressed") else number(s.get("mean"), 1),
             words.get(s["item"], s["action"])]
            for s in result["next_steps"]]
    return pd.DataFrame(rows, columns=[_("Statement"), _("Mean rating"), _("Next step")])


def _levels_shown(cred: dict[str, Any]):
    import pandas as pd

    rows = [[level_label(level), *(percent(cred["views"][v]["level_scores"][str(level)]) for v in VIEWS),
             _status(cred["level_status"][str(level)])] for level in LEVELS]
    return pd.DataFrame(rows, columns=[_("Level"), *(_(VIEW_LABELS[v]) for v in VIEWS),
                                       _("Status (%(view)s)", view=word(VIEW_WORDS, cred["basis"]))])


def _gaps_shown(cred: dict[str, Any]):
    """Each item's mean rating per side and the gap between them, which is the difference of the means shown."""
    import pandas as pd

    from playbook.core.formats import RATING, difference

    hidden = fewer_than(cred.get("min_group_size"))

    def mean(g: dict[str, Any], side: str) -> str:
        value = g.get(f"{side}_mean")
        return hidden if value is None and (g.get(f"{side}_n") or 0) > 0 else number(value, 1)

    rows = [[label(g["item"]), mean(g, "marketing"), mean(g, "sales"),
             difference(g.get("sales_mean"), g.get("marketing_mean"), RATING, signed=True),
             _("yes") if g.get("flagged") else "", share(g.get("dont_know_share"))] for g in cred["perception_gap"]]
    return pd.DataFrame(rows, columns=[_("Statement"), _("Marketing mean"), _("Sales mean"), _("Gap"), _("Flagged"),
                                       _("Don't know")])


def _waves_shown(waves: list[dict[str, Any]]):
    import pandas as pd

    rows = [[period(w["wave"]), str(w["stage"]), "–" if w.get("focus") is None else str(int(w["focus"])),
             *(percent(w["level_scores"].get(str(k))) for k in LEVELS)] for w in waves]
    return pd.DataFrame(rows, columns=[_("Wave"), _("Stage"), _("Focus"),
                                       *(_("Level %(level)s", level=k) for k in LEVELS)])


# The views the levels chart sets side by side when one view is chosen (the report's: sales beside marketing).
SHOWN_WITH = {"sales": ("sales", "marketing"), "marketing": ("marketing", "sales"), "all": ("all",)}


def levels_title(views: tuple[str, ...]) -> str:
    """'Credibility levels: sales view beside marketing view'."""
    return _("Credibility levels: %(views)s", views=_(" beside ").join(word(VIEW_WORDS, v) for v in views))


def report_section(results: dict[str, Any], views: tuple[str, ...] = SHOWN_WITH["sales"]) -> dict[str, Any]:
    """Findings, figures and tables by name (``results`` is the whole results.json dict); ``views`` are the
    views the levels chart shows (the interactive report's switch passes ``SHOWN_WITH[basis]``)."""
    cred = results.get("credibility")
    if not cred:
        return {"findings": [_("Not assessed: no credibility-stage ratings were collected.")], "figures": {},
                "tables": {}}
    figures = {"levels": (levels_title(views), levels(cred, views=views)),
               "perception_gap": (_("Perception gap per statement"), perception_gap(cred))}
    tables = {"levels": (_("Credibility levels"), _levels_shown(cred)),
              "next_steps": (_("Next steps for level %(level)s", level=cred["focus"]) if cred["focus"]
                             else _("Next steps"), next_steps_shown(cred)),
              "perception_gap": (_("Perception gap per statement"), _gaps_shown(cred))}
    lines = findings(cred)
    history = cred.get("waves") or []
    if len(history) > 1:
        figures["waves"] = (_("Level scores per wave"), waves(history, cred["stage_threshold"]))
        tables["waves"] = (_("Stage per wave"), _waves_shown(history))
        lines.append(waves_sentence(history))
    return {"findings": lines, "figures": figures, "tables": tables}
