"""results.json: the machine-readable summary of an engagement (METHOD 6).

One function per part computes its block from the engagement; ``compute``
assembles them. A part whose input is absent is ``None``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path
from typing import Any

from playbook.core.engagement import Engagement
from playbook.core.responses import current_answers

MIME = "application/vnd.playbook.results+json"
PARTS = ("self_evaluation", "credibility", "kpis", "economics")
# results.json keys each part fills in.
KEYS = {
    "self_evaluation": ("self_evaluation", "symptoms"),
    "credibility": ("credibility",),
    "kpis": ("kpis",),
    "economics": ("prospecting", "attribution", "experiment"),
}
# The module whose report_section(results) renders each part.
MODULES = {"self_evaluation": "self_evaluation", "credibility": "credibility", "kpis": "kpis",
           "economics": "economics"}


def _has(answers: list[dict], prefix: tuple[str, ...]) -> bool:
    return any(a["item"].startswith(prefix) for a in answers)


def _self_evaluation(eng: Engagement, answers: list[dict], all_answers: list[dict]) -> dict:
    from playbook.parts.self_evaluation import model as self_evaluation

    if not _has(answers, ("MSE", "SSE", "SYM")):
        return {"self_evaluation": None, "symptoms": None}
    return self_evaluation.evaluate(eng, answers)


def _credibility(eng: Engagement, answers: list[dict], all_answers: list[dict]) -> dict:
    from playbook.parts.credibility import model as credibility

    if not _has(all_answers, ("CS",)):
        return {"credibility": None}
    block = credibility.evaluate(eng, answers)
    block["waves"] = credibility.by_wave(eng, all_answers)
    return {"credibility": block}


def _kpis(eng: Engagement, answers: list[dict], all_answers: list[dict]) -> dict:
    from playbook.parts.kpis import model as kpis

    return {"kpis": kpis.evaluate(eng)}


def _economics(eng: Engagement, answers: list[dict], all_answers: list[dict]) -> dict:
    from playbook.parts.economics import model as economics

    return economics.evaluate(eng)


COMPUTE: dict[str, Callable[..., dict]] = {
    "self_evaluation": _self_evaluation,
    "credibility": _credibility,
    "kpis": _kpis,
    "economics": _economics,
}


def validate(eng: Engagement) -> None:
    """Check every input file of the engagement (raises UserError), before any work."""
    from playbook.core.responses import FILE, parse
    from playbook.parts.economics import model as economics
    from playbook.parts.kpis import model as kpis

    if eng.file(FILE):
        parse(eng, eng.file(FILE))
    kpis.validate(eng)
    economics.validate(eng)


def header(eng: Engagement, wave: str | None = None) -> dict[str, Any]:
    """The keys every results.json has, with every part null."""
    out: dict[str, Any] = {
        "engagement": eng.id,
        "client": eng.client,
        "consultant": eng.consultant,
        "period": eng.period,
        "wave": wave or eng.period,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": dict(eng.settings),
    }
    for key in (k for p in PARTS for k in KEYS[p]):
        out[key] = None
    return out


def compute(eng: Engagement, parts: tuple[str, ...] = PARTS, wave: str | None = None) -> dict[str, Any]:
    all_answers = current_answers(eng)
    wave = wave or eng.period
    answers = [a for a in all_answers if a["wave"] == wave]
    out = header(eng, wave)
    for part in parts:
        out.update(COMPUTE[part](eng, answers, all_answers))
    return out


def from_notebooks(eng: Engagement, notebooks: list[Path]) -> dict[str, Any]:
    """results.json assembled from the blocks the executed notebooks carry (see ``pages.section``)."""
    import nbformat

    out = header(eng)
    for path in notebooks:
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            for o in cell.get("outputs", []):
                if o.get("metadata", {}).get("playbook", {}).get("kind") == "results":
                    out.update(o["data"][MIME])
    return out


def section(part: str, results: dict[str, Any]) -> dict[str, Any]:
    """The report section of one part: findings, figures and tables."""
    return import_module(f"playbook.parts.{MODULES[part]}.model").report_section(results)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        return _clean(value.item())
    return value


def dumps(results: dict[str, Any]) -> str:
    return json.dumps(_clean(results), indent=2, ensure_ascii=False, allow_nan=False)


def write(results: dict[str, Any], path: Path) -> None:
    path.write_text(dumps(results) + "\n", encoding="utf-8")
