"""Credibility stage: the three levels marketing earns with sales, in order (METHOD 2).

Pure computation over answer dicts (as from ``responses.current_answers``):
``respondent``, ``item``, ``value`` (1-5 for CS items), ``side`` and ``wave``.
Item score = mean rating of the raters counted; level score = mean of its item
scores mapped to 0-1 as (mean - 1) / 4. The stage is computed from the sales
side, since credibility is what sales grants.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from playbook.core.engagement import Engagement
from playbook.core.errors import UserError
from playbook.core.instruments import instruments, items, level_items

LEVELS = (1, 2, 3)
BASES = ("auto", "sales", "marketing", "all")
VIEWS = ("sales", "marketing", "all")
SELF_ASSESSED = "self-assessed only"
INSUFFICIENT = "insufficient data"


@lru_cache(maxsize=1)
def actions() -> dict[str, str]:
    """The playbook's action for every CS item, from ``playbook/data/actions.yaml``."""
    raw = yaml.safe_load(resources.files("playbook").joinpath("data/actions.yaml").read_text("utf-8"))
    return {str(k): " ".join(str(v).split()) for k, v in raw["actions"].items()}


def level_name(level: int) -> str:
    """'consistent execution', from the instrument title 'Level 1: consistent execution'."""
    return instruments()[f"CS{level}"].title.split(":", 1)[-1].strip()


def cs_items() -> list[str]:
    return [i for level in LEVELS for i in level_items(level)]


def reaches(score: float | None, threshold: float) -> bool:
    """score >= threshold, ignoring float noise (a mean of exactly 4.0 reaches 0.75)."""
    return score is not None and round(score, 9) >= round(threshold, 9)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _r4(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def ratings(answers: list[dict]) -> list[dict]:
    """The credibility-stage ratings among the answers."""
    ids = set(cs_items())
    return [a for a in answers if a["item"] in ids and isinstance(a["value"], int)]


def _item_means(cs: list[dict], side: str | None) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for item in cs_items():
        out[item] = _mean([a["value"] for a in cs if a["item"] == item and (side is None or a["side"] == side)])
    return out


def _view(cs: list[dict], side: str | None, threshold: float) -> dict[str, Any]:
    """Item means, level scores, established levels and stage for one group of raters."""
    means = _item_means(cs, side)
    raw_scores: dict[str, float | None] = {}
    for level in LEVELS:
        rated = [m for i in level_items(level) if (m := means[i]) is not None]
        level_mean = _mean(rated)
        raw_scores[str(level)] = None if level_mean is None else (level_mean - 1) / 4
    established = {k: reaches(s, threshold) for k, s in raw_scores.items()}
    stage = 0
    for level in LEVELS:
        if not established[str(level)]:
            break
        stage = level
    raters = {a["respondent"] for a in cs if side is None or a["side"] == side}
    return {
        "raters": len(raters),
        "item_means": means,
        "level_scores": {k: _r4(s) for k, s in raw_scores.items()},
        "established": established,
        "stage": stage,
        "focus": stage + 1 if stage < 3 else None,
    }


def _one_wave(eng: Engagement, cs: list[dict], wave: str | None) -> tuple[list[dict], str]:
    """Keep one wave's ratings: the one asked for, else the period's, else the latest."""
    waves = sorted({a.get("wave") or eng.period for a in cs})
    if wave is None:
        wave = waves[0] if len(waves) == 1 else (eng.period if eng.period in waves or not waves else waves[-1])
    return [a for a in cs if (a.get("wave") or eng.period) == wave], wave


def perception_gap(cs: list[dict], flag: float) -> list[dict[str, Any]]:
    """Per CS item: marketing raters' mean - sales raters' mean, flagged when |gap| >= flag."""
    mkt, sls = _item_means(cs, "marketing"), _item_means(cs, "sales")
    out = []
    for item in cs_items():
        m, s = mkt[item], sls[item]
        gap = None if m is None or s is None else m - s
        out.append({
            "item": item,
            "marketing_mean": _r4(m),
            "sales_mean": _r4(s),
            "gap": _r4(gap),
            "flagged": gap is not None and reaches(abs(gap), flag),
        })
    return out


def _warnings(view: dict, basis: str, counted_sales: bool) -> list[str]:
    out = []
    if view["raters"] == 0:
        who = "anyone" if basis == "all" else f"anyone on the {basis} side"
        out.append(f"No credibility ratings from {who} yet, so every level has insufficient data.")
    elif not counted_sales:
        out.append(f"This view is {SELF_ASSESSED}: no sales-side ratings are counted, so it rests on marketing's "
                   "ratings of itself.")
    focus = view["focus"]
    for level in LEVELS:
        if focus is not None and level > focus and view["established"][str(level)]:
            out.append(f"Building on sand: level {level} scores high but level {focus} is not established, and "
                       "stages are earned in order.")
    return out


def _next_steps(view: dict, threshold: float) -> list[dict[str, Any]]:
    if view["focus"] is None:
        return []
    steps = []
    for item in level_items(view["focus"]):
        mean = view["item_means"][item]
        if not reaches(None if mean is None else (mean - 1) / 4, threshold):
            steps.append({"item": item, "action": actions()[item], "mean": _r4(mean)})
    return steps


def evaluate(eng: Engagement, answers: list[dict], basis: str = "auto", wave: str | None = None) -> dict[str, Any]:
    """The ``credibility`` block of results.json for one wave's answers.

    ``basis`` 'auto' follows METHOD 2 (sales raters, else all raters); 'sales',
    'marketing' and 'all' force a view for the consultant's live page. When the
    answers span several waves, ``wave`` (default: the engagement's period,
    else the latest) picks one.
    """
    if basis not in BASES:
        raise UserError(f"parameter 'basis' is {basis!r}; allowed: {', '.join(BASES)}.")
    threshold = float(eng.settings["stage_threshold"])
    flag = float(eng.settings["perception_gap_flag"])
    cs, wave = _one_wave(eng, ratings(answers), wave)
    views = {v: _view(cs, None if v == "all" else v, threshold) for v in VIEWS}
    used = basis
    if basis == "auto":
        used = "sales" if views["sales"]["raters"] else "all"
    view = views[used]
    counted_sales = used in ("sales", "all") and views["sales"]["raters"] > 0
    return {
        "basis": used,
        "stage": view["stage"],
        "focus": view["focus"],
        "level_scores": view["level_scores"],
        "established": view["established"],
        "warnings": _warnings(view, used, counted_sales),
        "next_steps": _next_steps(view, threshold),
        "perception_gap": perception_gap(cs, flag),
        "level_status": {k: INSUFFICIENT if s is None else ("established" if view["established"][k] else
                                                                 "not established")
                         for k, s in view["level_scores"].items()},
        "item_scores": {i: _r4(m) for i, m in view["item_means"].items()},
        "raters": {"sales": views["sales"]["raters"], "marketing": views["marketing"]["raters"],
                   "counted": view["raters"]},
        "views": {v: {k: views[v][k] for k in ("raters", "stage", "focus", "level_scores", "established")}
                  for v in VIEWS},
        "stage_threshold": threshold,
        "perception_gap_flag": flag,
        "wave": wave,
    }


def by_wave(eng: Engagement, answers_all_waves: list[dict]) -> list[dict[str, Any]]:
    """Stage and level scores (METHOD basis) for every wave that has CS ratings, sorted by wave."""
    cs = ratings(answers_all_waves)
    out = []
    for wave in sorted({a.get("wave") or eng.period for a in cs}):
        r = evaluate(eng, cs, wave=wave)
        out.append({k: r[k] for k in ("wave", "basis", "stage", "focus", "level_scores", "established")})
    return out


def validate(eng: Engagement) -> None:
    """Check the credibility inputs: the two settings, and the ratings in ``responses.csv``.

    Loading an engagement already checks both; this also guards engagements built in code.
    """
    from playbook.core.responses import FILE, parse

    t, f = eng.settings.get("stage_threshold"), eng.settings.get("perception_gap_flag")
    if isinstance(t, bool) or not isinstance(t, (int, float)) or not 0 < t <= 1:
        raise UserError(f"engagement.yaml: setting 'settings.stage_threshold' is {t!r}; it must be a number greater "
                        "than 0 and at most 1.")
    if isinstance(f, bool) or not isinstance(f, (int, float)) or f < 0:
        raise UserError(f"engagement.yaml: setting 'settings.perception_gap_flag' is {f!r}; it must be a number of 0 "
                        "or more.")
    if eng.file(FILE):
        parse(eng, eng.file(FILE))


# --- words, tables and the report section ---------------------------------------

WHOSE = {"sales": "the sales team's eyes", "marketing": "marketing's own eyes", "all": "all raters' eyes"}


def _pct(score: float | None) -> str:
    return INSUFFICIENT if score is None else f"{score * 100:.0f}%"


def _stage_sentence(result: dict[str, Any]) -> str:
    stage, focus, whose = result["stage"], result["focus"], WHOSE[result["basis"]]
    if stage == 3:
        return (f"Stage 3 of 3: all three levels are established in {whose}; marketing works as a strategic partner "
                "of sales, and the task now is to keep it that way.")
    focus_part = f"level {focus}, {level_name(focus)}"
    if result["level_status"][str(focus)] == INSUFFICIENT:
        focus_part += " (not enough ratings yet to score it)"
    if stage == 0:
        how = "cannot be scored yet (no ratings)" if "not enough" in focus_part else "is not established"
        return (f"Stage 0 of 3: level 1, {level_name(1)}, {how} in {whose}, so there is no foundation yet; the "
                "work starts there, with trust earned through consistent execution.")
    done = " and ".join(level_name(k) for k in range(1, stage + 1))
    return f"Stage {stage} of 3: {done} {'is' if stage == 1 else 'are'} established in {whose}; the focus is {focus_part}."


def findings(result: dict[str, Any]) -> list[str]:
    """The credibility-stage findings in plain words, for the notebook and the report."""
    lines = [_stage_sentence(result)]
    raters = result["raters"]
    if result["basis"] == "sales":
        beside = (f"marketing's {raters['marketing']} rater(s) are shown beside them for comparison"
                  if raters["marketing"] else "marketing has not rated itself yet")
        lines.append(f"The stage uses the ratings of {raters['sales']} sales-side rater(s); {beside}.")
    scores = ", ".join(f"level {k} {_pct(s)}" for k, s in result["level_scores"].items())
    lines.append(f"Level scores on a 0-100% scale, established from {_pct(result['stage_threshold'])}: {scores}.")
    lines.extend(result["warnings"])
    gaps = [g for g in result["perception_gap"] if g["gap"] is not None]
    flagged = sorted((g for g in gaps if g["flagged"]), key=lambda g: -abs(g["gap"]))
    flag = result["perception_gap_flag"]
    points = f"{flag:g} rating point{'' if flag == 1 else 's'}"
    if flagged:
        top = ", ".join(f"{g['item']} ({one_decimal(g['gap'], signed=True)})" for g in flagged[:3])
        lines.append(f"{len(flagged)} of {len(gaps)} items show a perception gap of {points} or more "
                     f"(marketing's mean rating minus sales'); the widest: {top}.")
    elif gaps:
        lines.append(f"No item shows a perception gap of {points} or more between marketing and sales.")
    else:
        lines.append("The perception gap needs ratings from both sides; one side has not rated yet.")
    if result["next_steps"]:
        below = sum(s.get("mean") is not None for s in result["next_steps"])
        unrated = len(result["next_steps"]) - below
        parts = [f"{below} item(s) are below the threshold"] if below else []
        parts += [f"{unrated} item(s) have no rating yet"] if unrated else []
        lines.append(f"In level {result['focus']}, {' and '.join(parts)}; the next steps say what to do about each.")
    return lines


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

    rows = [{**g, "statement": items()[g["item"]].text} for g in result["perception_gap"]]
    return pd.DataFrame(rows)[["item", "statement", "marketing_mean", "sales_mean", "gap", "flagged"]]


def next_steps_table(result: dict[str, Any]):
    import pandas as pd

    rows = [{"item": s["item"], "statement": items()[s["item"]].text, "mean": s.get("mean"), "action": s["action"]}
            for s in result["next_steps"]]
    return pd.DataFrame(rows, columns=["item", "statement", "mean", "action"])


def wave_table(waves: list[dict[str, Any]]):
    import pandas as pd

    rows = [{"wave": w["wave"], "stage": w["stage"], "focus": w["focus"],
             **{f"level_{k}": s for k, s in w["level_scores"].items()}} for w in waves]
    return pd.DataFrame(rows, columns=["wave", "stage", "focus", "level_1", "level_2", "level_3"])


def one_decimal(v: float | None, signed: bool = False) -> str:
    """3.75 -> '3.8' (half away from zero, unlike format's half-even on binary floats)."""
    if v is None or v != v:
        return "–"
    d = Decimal(str(v)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{d:+.1f}" if signed else f"{d:.1f}"


def report_section(results: dict[str, Any]) -> dict[str, Any]:
    """Findings, figures and tables for the report (``results`` is the whole results.json dict)."""
    cred = results.get("credibility")
    if not cred:
        return {"findings": ["Not assessed: no credibility-stage ratings were collected."], "figures": [],
                "tables": []}
    from playbook.parts.credibility import views as charts

    levels = level_table(cred)
    levels = levels.assign(**{c: levels[c].map(_pct) for c in ("sales_score", "marketing_score", "all_score")})
    levels = levels[["level", "name", "sales_score", "marketing_score", "all_score", "status"]]
    levels.columns = ["Level", "Name", "Sales view", "Marketing view", "All raters", f"Status ({cred['basis']} view)"]
    gaps = gap_table(cred)
    for col in ("marketing_mean", "sales_mean", "gap"):
        gaps[col] = gaps[col].map(lambda v, c=col: one_decimal(v, signed=c == "gap"))
    gaps["flagged"] = gaps["flagged"].map({True: "yes", False: ""})
    gaps.columns = ["Item", "Statement", "Marketing mean", "Sales mean", "Gap", "Flagged"]
    steps = next_steps_table(cred)
    steps["mean"] = steps["mean"].map(one_decimal)
    steps.columns = ["Item", "Statement", "Mean rating", "Next step"]
    figures = [("Credibility levels: sales view beside marketing view", charts.levels(cred)),
               ("Perception gap per item", charts.perception_gap(cred))]
    tables = [("Credibility levels", levels), (f"Next steps for level {cred['focus']}" if cred["focus"] else
                                               "Next steps", steps), ("Perception gap per item", gaps)]
    waves = cred.get("waves") or []
    lines = findings(cred)
    if len(waves) > 1:
        figures.append(("Level scores per wave", charts.waves(waves, cred["stage_threshold"])))
        wt = wave_table(waves)
        for k in LEVELS:
            wt[f"level_{k}"] = wt[f"level_{k}"].map(_pct)
        wt["focus"] = wt["focus"].map(lambda v: "–" if v is None or v != v else str(int(v)))
        wt.columns = ["Wave", "Stage", "Focus", "Level 1", "Level 2", "Level 3"]
        tables.append(("Stage per wave", wt))
        lines.append(f"Across {len(waves)} waves the stage went from {waves[0]['stage']} ({waves[0]['wave']}) to "
                     f"{waves[-1]['stage']} ({waves[-1]['wave']}).")
    return {"findings": lines, "figures": figures, "tables": tables}
