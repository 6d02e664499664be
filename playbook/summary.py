"""The executive summary: the engagement's answers to its questions, in plain words."""

from __future__ import annotations

from typing import Any

from .format import money, share

STAGE_NAMES = {0: "no foundation yet", 1: "consistent execution", 2: "revenue lifecycle", 3: "strategic partnership"}
LEVEL_NAMES = {1: "consistent execution", 2: "part of the revenue lifecycle", 3: "strategic partnership"}


def _self_evaluation(r: dict) -> list[str]:
    se = r.get("self_evaluation")
    if not se:
        return ["Self-evaluations: not assessed."]
    out = []
    gap = se["marketing"].get("credibility_gap")
    out.append({True: "A credibility gap exists between marketing and sales.",
                False: "The marketing leader's self-evaluation shows no credibility gap.",
                None: "The marketing leader has not completed the self-evaluation."}[gap])
    meet = se["sales"].get("meet_marketing_peer")
    out.append({True: "The sales leader should meet the marketing leader to discuss the findings.",
                False: "The sales leader's self-evaluation does not call for a meeting.",
                None: "The sales leader has not completed the self-evaluation."}[meet])
    sym = r.get("symptoms")
    if sym:
        out.append(f"{sym['count']} of 8 symptoms of misalignment were reported: severity {sym['severity']}.")
    return out


def _credibility(r: dict) -> list[str]:
    c = r.get("credibility")
    if not c:
        return ["Credibility stage: not assessed."]
    stage = c.get("stage", 0)
    text = f"Credibility stage {stage} of 3 ({STAGE_NAMES.get(stage, '')})"
    if c.get("focus"):
        text += f"; the focus now is level {c['focus']}, {LEVEL_NAMES[c['focus']]}."
    else:
        text += "; every level is established."
    basis = " (from sales' ratings)" if c.get("basis") == "sales" else " (self-assessed only: no sales ratings)"
    return [text[:-1] + basis + "."]


def _kpis(r: dict) -> list[str]:
    k = r.get("kpis")
    if not k:
        return ["Shared KPIs: not assessed."]
    rows = k.get("to_date") or []
    managed = [x for x in rows if x.get("designation", "managed") == "managed"]
    off = [x for x in managed if x.get("status") == "off_track"]
    watch = [x for x in managed if x.get("status") == "watch"]
    if not off and not watch:
        return [f"All {len(managed)} managed KPIs with data are on track to date."]
    names = ", ".join(str(x.get("name") or x["metric"]) for x in off)
    out = []
    if off:
        out.append(f"{len(off)} managed KPI(s) off track to date: {names}.")
    if watch:
        out.append(f"{len(watch)} managed KPI(s) to watch: " + ", ".join(str(x.get("name") or x["metric"]) for x in watch) + ".")
    return out


def _economics(r: dict) -> list[str]:
    out = []
    p = r.get("prospecting")
    if p and p.get("hire_alternative"):
        h = p["hire_alternative"]
        m = p.get("marketing") or {}
        if h.get("marketing_beats_hiring"):
            out.append(f"Marketing leads beat hiring: the program returns {money(m.get('revenue'))} against "
                       f"{money(h.get('revenue'))} from {h.get('extra_reps', 0):.1f} extra reps for the same money.")
        else:
            out.append(f"Hiring would beat the marketing program: {h.get('extra_reps', 0):.1f} extra reps would bring "
                       f"{money(h.get('revenue'))} against {money(m.get('revenue'))} from marketing leads.")
    else:
        out.append("Prospecting economics: not assessed.")
    a = r.get("attribution")
    if a:
        out.append(f"Marketing sourced {share(a.get('sourced_share'))} of won revenue and influenced "
                   f"{share(a.get('influenced_share'))}.")
    else:
        out.append("Sourced and influenced revenue: not assessed.")
    e = r.get("experiment")
    if e:
        lift, lo, hi, p = e.get("lift"), e.get("ci_low"), e.get("ci_high"), e.get("p_value")
        if lift is not None and lo is not None and hi is not None:
            verdict = "a real difference" if (p is not None and p < 0.05) else "not yet distinguishable from chance"
            out.append(f"The lead experiment shows a lift of {money(lift)} per rep (95% interval {money(lo)} to "
                       f"{money(hi)}; p = {p:.3f}): {verdict}.")
    else:
        out.append("Lead experiment: not assessed.")
    return out


def executive(results: dict[str, Any]) -> list[str]:
    """One short paragraph per question the engagement answers."""
    return _self_evaluation(results) + _credibility(results) + _kpis(results) + _economics(results)
