"""The lead funnel and follow-up: what the CRM records, set against what people said (METHOD §14).

``read`` loads the CRM's lead export once (``files``); ``score`` turns the leads into the ``leads`` block of
results.json for the engagement's settings and the symptom shares of the latest wave:

- per source (marketing, sales, partner, other) and for all leads: ``leads``, ``followed_up``, the median
  and 90th percentile of the follow-up time in business hours (``hours``; numpy's linear interpolation);
- the SLA (``lead_sla_hours``): *met* when followed up within it; *breached* when followed up later, or not
  followed up while more than the SLA's business hours have passed up to *as of*; ``sla_compliance`` =
  met / (met + breached);
- ``buckets`` of the followed-up leads (within 1 business hour, or within the SLA when it is shorter; within
  the SLA and over 1 hour; over the SLA) and ``not_followed_up``;
- ``dispositions`` (a count per status), ``acceptance_rate`` = (accepted + converted) / every decided lead,
  ``conversion_rate`` = converted / leads, ``feedback_share`` = the share not open among the leads created
  at least ``lead_feedback_days`` × 24 hours before *as of*;
- ``reasons``: rejected and recycled leads by reason ("none given" when empty), most frequent first;
- ``perception``: marketing's leads against the symptoms SYM-2, SYM-4 and SYM-5 (``PERCEPTION``).

*As of* is ``settings.leads_as_of`` when set, else the latest time in the file. Numbers keep full precision;
a figure without data is None.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np

from playbook.parts.leads import hours
from playbook.parts.leads.files import FILE, SOURCES, STATUSES, Leads, as_of_setting, load

ALL = "all"
NONE_GIVEN = "none given"  # the reason of a rejected or recycled lead that has none (results.json keeps it)
REPORTED_FROM = 0.5  # a symptom is reported when at least half of those who judged it say yes
EPS = 1e-9  # tolerance for floating-point error at the thresholds
# symptom, the measure of marketing's leads that tests it, and the setting that says when it is healthy
PERCEPTION = (
    ("SYM-2", "acceptance_rate", "lead_acceptance_ok"),
    ("SYM-4", "sla_compliance", "sla_compliance_ok"),
    ("SYM-5", "feedback_share", "lead_feedback_ok"),
)
VERDICTS = ("confirmed", "not_borne_out", "unseen", "fine", "no_data")  # what a perception record's verdict is
__all__ = ["FILE", "SOURCES", "STATUSES", "read", "score", "evaluate_snapshot", "verdict"]


def read(eng) -> Leads | None:
    """The engagement's validated leads; None without a ``leads.csv`` (or with its header only)."""
    return load(eng)


# -- the rules, on numpy arrays -------------------------------------------------------------------
def _wall(instants: np.ndarray, tz_name: str) -> np.ndarray:
    """UTC instants as the engagement's wall clock (``datetime64[s]``)."""
    import pandas as pd

    if tz_name == "UTC":
        return instants.astype("datetime64[s]")
    local = pd.DatetimeIndex(instants).tz_localize("UTC").tz_convert(tz_name).tz_localize(None)
    return local.to_numpy().astype("datetime64[s]")


def as_of(data: Leads, settings: dict[str, Any]) -> np.datetime64:
    """``leads_as_of`` when set, else the latest time in the file (a UTC instant)."""
    given = as_of_setting(settings)
    return data.latest if given is None else given


def follow_up(data: Leads, settings: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Each lead's business hours to its first touch (NaN when not followed up) and, for the leads not
    followed up, the business hours from creation to *as of* (NaN for the others)."""
    cal = hours.Calendar.of(settings)
    created = _wall(data.created, data.timezone)
    touched = ~np.isnat(data.first_touch)
    to_touch = np.full(len(data), np.nan)
    if touched.any():
        to_touch[touched] = hours.hours(created[touched], _wall(data.first_touch[touched], data.timezone), cal)
    waiting = np.full(len(data), np.nan)
    if (~touched).any():
        end = _wall(np.array([as_of(data, settings)], dtype="datetime64[ns]"), data.timezone)[0]
        waiting[~touched] = np.maximum(hours.hours(created[~touched], np.full((~touched).sum(), end), cal), 0.0)
    return to_touch, waiting


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole > 0 else None


def _figures(to_touch: np.ndarray, waiting: np.ndarray, status: np.ndarray, old_enough: np.ndarray,
             sla: float) -> dict[str, Any]:
    """The figures of one group of leads (one source, or all) from its columns."""
    n = len(to_touch)
    touched = ~np.isnan(to_touch)
    times = to_touch[touched]
    met = int((times <= sla + EPS).sum())
    late = int((times > sla + EPS).sum())
    lapsed = int((waiting[~touched] > sla + EPS).sum())
    first = min(1.0, sla)
    counts = np.bincount(status, minlength=len(STATUSES)) if n else np.zeros(len(STATUSES), dtype=int)
    by_status = {s: int(counts[i]) for i, s in enumerate(STATUSES)}
    decided = n - by_status["open"]
    accepted = by_status["accepted"] + by_status["converted"]
    eligible = int(old_enough.sum())
    answered = int((status[old_enough] != STATUSES.index("open")).sum())
    return {
        "leads": n,
        "followed_up": int(touched.sum()),
        "median_hours": float(np.percentile(times, 50)) if len(times) else None,
        "p90_hours": float(np.percentile(times, 90)) if len(times) else None,
        "sla_met": met,
        "sla_breached": late + lapsed,
        "sla_breached_untouched": lapsed,
        "sla_compliance": _share(met, met + late + lapsed),
        "buckets": {
            "within_1h": int((times <= first + EPS).sum()),
            "within_sla": int(((times > first + EPS) & (times <= sla + EPS)).sum()),
            "over_sla": late,
            "not_followed_up": int(n - touched.sum()),
        },
        "dispositions": by_status,
        "dispositioned": decided,
        "accepted": accepted,
        "acceptance_rate": _share(accepted, decided),
        "conversion_rate": _share(by_status["converted"], n),
        "feedback_due": eligible,
        "feedback_given": answered,
        "feedback_share": _share(answered, eligible),
    }


def reasons(data: Leads, source: str | None = None) -> list[dict[str, Any]]:
    """Rejected and recycled leads (of ``source``, None: every source) by reason: most frequent first, ties by
    reason; an empty reason counts as "none given"."""
    keep = np.isin(data.status, [STATUSES.index("rejected"), STATUSES.index("recycled")])
    if source is not None:
        keep &= data.source == SOURCES.index(source)
    codes = data.reason[keep]
    counts = np.bincount(codes + 1, minlength=len(data.reasons) + 1)  # 0: none given
    found: dict[str, int] = {}
    for i in np.flatnonzero(counts):
        name = NONE_GIVEN if i == 0 else data.reasons[i - 1]
        found[name] = found.get(name, 0) + int(counts[i])
    return [{"reason": r, "count": c} for r, c in sorted(found.items(), key=lambda rc: (-rc[1], rc[0]))]


def verdict(share: float | None, value: float | None, healthy_from: float) -> tuple[bool | None, str]:
    """Whether the measure is healthy, and the verdict of a symptom's share against it."""
    if value is None:
        return None, "no_data"
    healthy = value >= healthy_from - EPS
    if share is None:
        return healthy, "no_data"
    reported = share >= REPORTED_FROM - EPS
    if reported:
        return healthy, "not_borne_out" if healthy else "confirmed"
    return healthy, "fine" if healthy else "unseen"


def perception(marketing: dict[str, Any], shares: dict[str, float | None], settings: dict[str, Any]) -> list[dict]:
    """Marketing's leads against the symptoms people reported (``shares``: symptom -> share, None unjudged)."""
    out = []
    for symptom, measure, setting in PERCEPTION:
        share, value = shares.get(symptom), marketing[measure]
        healthy, said = verdict(share, value, float(settings[setting]))
        out.append({"symptom": symptom, "symptom_share": share, "measure": measure, "value": value,
                    "healthy_from": float(settings[setting]), "healthy": healthy, "verdict": said})
    return out


def _iso(instant: np.datetime64, tz_name: str) -> str:
    """A UTC instant as ISO 8601 on the engagement's clock, with its offset (``2026-11-30T17:42:00-06:00``)."""
    from playbook.core import clock

    seconds = int(instant.astype("datetime64[s]").astype(np.int64))
    return datetime.fromtimestamp(seconds, UTC).astimezone(clock.zone(tz_name)).isoformat()


def score(data: Leads, settings: dict[str, Any], shares: dict[str, float | None] | None = None,
          wave: str | None = None) -> dict[str, Any]:
    """The ``leads`` block of results.json: the leads measured with ``settings``, set against the symptom
    ``shares`` of ``wave`` (None: no symptom answers)."""
    sla = float(settings["lead_sla_hours"])
    to_touch, waiting = follow_up(data, settings)
    when = as_of(data, settings)
    due = np.timedelta64(int(settings["lead_feedback_days"]) * 86400, "s")
    old_enough = data.created <= when - due
    sources = {}
    for code, name in enumerate(SOURCES):
        mine = data.source == code
        sources[name] = _figures(to_touch[mine], waiting[mine], data.status[mine], old_enough[mine], sla)
    sources[ALL] = _figures(to_touch, waiting, data.status, old_enough, sla)
    return {
        "as_of": _iso(when, data.timezone),
        "as_of_from": "setting" if settings.get("leads_as_of") else "file",
        "timezone": data.timezone,
        "business_hours": settings["business_hours"],
        "holidays": list(settings.get("holidays") or []),
        "sla_hours": sla,
        "feedback_days": int(settings["lead_feedback_days"]),
        "sources": sources,
        "reasons": reasons(data),
        "symptoms_wave": wave,
        "perception": perception(sources["marketing"], shares or {}, settings),
    }


# -- from a run's snapshot -------------------------------------------------------------------------
def symptom_shares(snap, wave: str | None = None) -> tuple[dict[str, float | None], str | None]:
    """The symptom shares of the latest wave with symptom answers (up to ``wave`` when given), and that wave."""
    from playbook.parts.self_evaluation.model import symptoms

    tested = {symptom for symptom, _, _ in PERCEPTION}
    answers = [a for a in snap.answers if a["item"].startswith("SYM-")]
    waves = sorted({a.get("wave") or snap.engagement.period for a in answers})
    waves = [w for w in waves if wave is None or w <= wave]
    if not waves:
        return {}, None
    latest = waves[-1]
    chosen = [a for a in answers if a["item"] in tested and (a.get("wave") or snap.engagement.period) == latest]
    shares = symptoms(chosen, snap.engagement.settings)["shares"]
    return {s: shares[s] for s in tested}, latest


def evaluate_data(data: Leads | None, settings: dict[str, Any], snap=None, wave: str | None = None) -> dict:
    if data is None:
        return {"leads": None}
    shares, latest = symptom_shares(snap, wave) if snap is not None else ({}, None)
    return {"leads": score(data, settings, shares, latest)}


def evaluate_snapshot(snap, wave: str | None = None) -> dict[str, Any]:
    """The ``leads`` block of results.json from a run's snapshot; None without ``leads.csv``."""
    return evaluate_data(snap.data.get("leads"), snap.engagement.settings, snap, wave)
