"""results.json: the machine-readable summary of an engagement (METHOD 6).

Each part computes its blocks from the run's snapshot (``parts.Part.evaluate``);
``compute`` assembles them. A part whose input is absent is ``None``. Numbers are kept
at full precision: rounding is for people, when a number is formatted.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from playbook.core.files import atomic
from playbook.parts import PARTS, Part


def header(eng, wave: str | None = None) -> dict[str, Any]:
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
    for key in (k for p in PARTS for k in p.keys):
        out[key] = None
    return out


def compute(snap, parts: tuple[Part, ...] = PARTS, wave: str | None = None) -> dict[str, Any]:
    """results.json for the snapshot, with the blocks of ``parts`` filled in."""
    out = header(snap.engagement, wave)
    for part in parts:
        out.update(part.evaluate(snap, wave))
    return out


def blocks(part: Part, results: dict[str, Any]) -> dict[str, Any]:
    """A part's blocks of ``results`` as plain JSON values (what a notebook carries for the run)."""
    return json.loads(dumps({k: results[k] for k in part.keys}))


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
    with atomic(path) as tmp:
        tmp.write_text(dumps(results) + "\n", encoding="utf-8")
