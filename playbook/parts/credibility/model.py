"""Credibility stage: the three levels marketing earns with sales, in order (METHOD 2).

Pure computation over answer dicts (as from ``responses.current_answers``):
``respondent``, ``item``, ``value`` (1-5 for CS items), ``side`` and ``wave``.
Item score = mean rating of the raters counted; level score = mean of its item
scores mapped to 0-1 as (mean - 1) / 4. The stage is computed from the sales
side, since credibility is what sales grants. A "don't know" answer counts in
no mean and makes nobody a rater (METHOD 7); a side's per-item mean is shown only
from ``min_group_size`` scored answers (METHOD 8), while level scores and the stage
are pooled. Numbers are kept at full precision; ``words`` and ``views`` round them
for people.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from playbook.core import i18n
from playbook.core.engagement import Engagement
from playbook.core.errors import UserError
from playbook.core.files import yaml_section
from playbook.core.instruments import DONT_KNOW, instruments, is_scored, level_items

LEVELS = (1, 2, 3)
BASES = ("auto", "sales", "marketing", "all")
VIEWS = ("sales", "marketing", "all")
SELF_ASSESSED = "self-assessed only"
INSUFFICIENT = "insufficient data"


ACTIONS_FILE = "data/actions.yaml"  # the next steps in English, the source (inside the package)
ACTIONS_DIR = "data/actions"  # one <lang>.yaml per other language, keyed by the same item ids


class ActionsError(UserError):
    """A language's file of next steps does not match the English one (a missing or unknown id, an empty text)."""


def actions() -> dict[str, str]:
    """The playbook's action for every CS item in the active language (``core/i18n.py``): English from
    ``playbook/data/actions.yaml``, another language from ``playbook/data/actions/<lang>.yaml``."""
    return actions_in(i18n.active())


def actions_file(language: str):
    """Where the next steps of ``language`` live in the package (English: the source file)."""
    package = resources.files("playbook")
    return package.joinpath(ACTIONS_FILE if language == i18n.SOURCE else f"{ACTIONS_DIR}/{language}.yaml")


def _read_actions(language: str) -> dict[str, str]:
    where = f"playbook/{ACTIONS_FILE}" if language == i18n.SOURCE else f"playbook/{ACTIONS_DIR}/{language}.yaml"
    path = actions_file(language)
    if not path.is_file():
        raise ActionsError(f"{where}: there are no next steps for language {language!r}.")
    spec = yaml_section(path.read_text("utf-8"), "actions", where, ActionsError,
                        "each next step by its item id (CS1-1...)")
    out = {str(k): " ".join(str(v).split()) if isinstance(v, str) else "" for k, v in spec.items()}
    return out if language == i18n.SOURCE else _checked_actions(where, out)


def _checked_actions(where: str, mine: dict[str, str]) -> dict[str, str]:
    english = actions_in(i18n.SOURCE)
    problems = [f"{i} is missing" for i in english if i not in mine]
    problems += [f"{i} is not an item with a next step in English" for i in mine if i not in english]
    problems += [f"{i} has no text" for i in english if i in mine and not mine[i]]
    if problems:
        raise ActionsError(f"{where}: {'; '.join(problems)}.")
    return {i: mine[i] for i in english}


@cache
def actions_in(language: str) -> dict[str, str]:
    """The next steps in ``language``, checked against the English ids (cached per language); ``ActionsError``
    names the file and the id when they do not match."""
    return _read_actions(language)


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


def cs_answers(answers: list[dict]) -> list[dict]:
    """Every credibility-stage answer, "don't know" included (it counts as answered, METHOD 7)."""
    ids = set(cs_items())
    return [a for a in answers if a["item"] in ids]


def ratings(answers: list[dict]) -> list[dict]:
    """The credibility-stage ratings among the answers: "don't know" is left out of every mean (METHOD 7)."""
    return [a for a in cs_answers(answers) if is_scored(a["value"])]


def dont_know_shares(answers: list[dict]) -> dict[str, float | None]:
    """Per CS item: "don't know" answers / all answers of the item; None when nobody answered it."""
    counts: dict[str, list[int]] = {item: [0, 0] for item in cs_items()}
    for a in cs_answers(answers):
        acc = counts[a["item"]]
        acc[0] += a["value"] == DONT_KNOW
        acc[1] += 1
    return {item: (dk / n if n else None) for item, (dk, n) in counts.items()}


def _item_sums(cs: list[dict], side: str | None) -> dict[str, list[float]]:
    """[sum, count] of the scored ratings per CS item among the raters of ``side`` (None: everyone), in one pass."""
    sums: dict[str, list[float]] = {item: [0, 0] for item in cs_items()}
    for a in cs:
        if (side is None or a["side"] == side) and is_scored(a["value"]):
            acc = sums[a["item"]]
            acc[0] += a["value"]
            acc[1] += 1
    return sums


def _item_means(cs: list[dict], side: str | None) -> dict[str, float | None]:
    """Mean rating per CS item among the raters of ``side`` (None: everyone)."""
    return {item: (total / n if n else None) for item, (total, n) in _item_sums(cs, side).items()}


def _item_counts(cs: list[dict], side: str | None) -> dict[str, int]:
    """How many scored ratings each CS item has among the raters of ``side`` (None: everyone)."""
    return {item: int(n) for item, (_, n) in _item_sums(cs, side).items()}


def withheld(n_scored: int, min_group_size: int) -> bool:
    """A figure from some scored answers, but fewer than ``min_group_size``, is not shown (METHOD 8)."""
    return 0 < n_scored < min_group_size


def _view(cs: list[dict], side: str | None, threshold: float) -> dict[str, Any]:
    """Item means, level scores, established levels and stage for one group of raters."""
    means = _item_means(cs, side)
    scores: dict[str, float | None] = {}
    for level in LEVELS:
        rated = [m for i in level_items(level) if (m := means[i]) is not None]
        level_mean = _mean(rated)
        scores[str(level)] = None if level_mean is None else (level_mean - 1) / 4
    established = {k: reaches(s, threshold) for k, s in scores.items()}
    stage = 0
    for level in LEVELS:
        if not established[str(level)]:
            break
        stage = level
    raters = {a["respondent"] for a in cs if (side is None or a["side"] == side) and is_scored(a["value"])}
    return {
        "raters": len(raters),
        "item_means": means,
        "item_counts": _item_counts(cs, side),
        "level_scores": scores,
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


def perception_gap(cs: list[dict], flag: float, min_group_size: int = 1) -> list[dict[str, Any]]:
    """Per CS item: marketing raters' mean - sales raters' mean, flagged when |gap| >= flag.

    ``cs`` may hold "don't know" answers: they give each record its ``dont_know_share`` and count in no mean.
    A side's mean from fewer than ``min_group_size`` scored ratings is None (METHOD 8): the record is
    ``suppressed``, has no gap and is never flagged. ``marketing_n``/``sales_n`` count the scored ratings.
    """
    mkt, sls = _item_means(cs, "marketing"), _item_means(cs, "sales")
    mkt_n, sls_n = _item_counts(cs, "marketing"), _item_counts(cs, "sales")
    dont_know = dont_know_shares(cs)
    out = []
    for item in cs_items():
        hide_m, hide_s = withheld(mkt_n[item], min_group_size), withheld(sls_n[item], min_group_size)
        m = None if hide_m else mkt[item]
        s = None if hide_s else sls[item]
        gap = None if m is None or s is None else m - s
        out.append({
            "item": item,
            "marketing_mean": m,
            "sales_mean": s,
            "gap": gap,
            "flagged": gap is not None and reaches(abs(gap), flag),
            "marketing_n": mkt_n[item],
            "sales_n": sls_n[item],
            "dont_know_share": dont_know[item],
            "suppressed": hide_m or hide_s,
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


def _shown_means(view: dict, min_group_size: int) -> dict[str, float | None]:
    """The view's item means as results show them: None where too few scored ratings (METHOD 8)."""
    return {item: None if withheld(view["item_counts"][item], min_group_size) else mean
            for item, mean in view["item_means"].items()}


def _next_steps(view: dict, threshold: float, dont_know: dict[str, float | None] | None = None,
                min_group_size: int = 1) -> list[dict[str, Any]]:
    if view["focus"] is None:
        return []
    steps = []
    for item in level_items(view["focus"]):
        mean = view["item_means"][item]
        if not reaches(None if mean is None else (mean - 1) / 4, threshold):
            hidden = withheld(view["item_counts"][item], min_group_size)
            steps.append({"item": item, "action": actions()[item], "mean": None if hidden else mean,
                          "dont_know_share": (dont_know or {}).get(item), "suppressed": hidden})
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
    group = int(eng.settings.get("min_group_size", 1))
    target = int(eng.settings.get("target_stage", 3))
    given, wave = _one_wave(eng, cs_answers(answers), wave)  # "don't know" included, for its shares
    cs = [a for a in given if is_scored(a["value"])]
    dont_know = dont_know_shares(given)
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
        "target_stage": target,
        "gap_to_target": max(0, target - view["stage"]),
        "next_steps": _next_steps(view, threshold, dont_know, group),
        "perception_gap": perception_gap(given, flag, group),
        "level_status": {k: INSUFFICIENT if s is None else ("established" if view["established"][k] else
                                                                 "not established")
                         for k, s in view["level_scores"].items()},
        "item_scores": _shown_means(view, group),
        "dont_know_shares": dont_know,
        "raters": {"sales": views["sales"]["raters"], "marketing": views["marketing"]["raters"],
                   "counted": view["raters"]},
        "views": {v: {k: views[v][k] for k in ("raters", "stage", "focus", "level_scores", "established")}
                  for v in VIEWS},
        "stage_threshold": threshold,
        "perception_gap_flag": flag,
        "min_group_size": group,
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


def read(eng: Engagement) -> None:
    """This part's input is the answers, which the run's snapshot already holds: nothing else to read."""
    return None


def evaluate_snapshot(snap, wave: str | None = None, basis: str = "auto") -> dict[str, Any]:
    """The ``credibility`` block for one wave (default: the engagement's period), from the snapshot only.

    None when no wave has a credibility rating; otherwise the wave's stage, with
    ``waves`` holding the stage and level scores of every wave that has ratings.
    ``basis`` forces a view (``sales``, ``marketing``, ``all``) as the interactive report's switch does.
    """
    eng = snap.engagement
    if not any(a["item"].startswith("CS") for a in snap.answers):
        return {"credibility": None}
    wave = wave or eng.period
    block = evaluate(eng, snap.wave_answers(wave), basis=basis, wave=wave)
    block["waves"] = by_wave(eng, snap.answers)
    return {"credibility": block}
