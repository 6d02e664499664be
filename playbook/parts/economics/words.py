"""Prospecting economics, attribution and the lead experiment in plain words (METHOD 4).

Everything here reads results.json blocks (``prospecting``, ``attribution``,
``experiment``), which keep full precision; numbers are rounded only here, as
they are written for people.
"""

from __future__ import annotations

from typing import Any

from playbook.core.formats import money, number, p_value, share, unit
from playbook.parts.economics import attribution, experiment, prospecting


def per_dollar(x: float | None) -> str:
    """Revenue per unit of spend for people: ``$1.98 per dollar``, ``1,98 € per euro``."""
    return "n/a" if x is None else f"{money(x)} per {unit()}"


def _cash(v) -> str:
    """An amount in a sentence, abbreviated from 10,000 as the locale does (``$480K``, ``1,2 Mio. €``)."""
    return money(v, compact=True)


def prospecting_findings(result: dict[str, Any] | None) -> list[str]:
    """The prospecting economics and the hire-or-leads verdict in plain words."""
    if result is None:
        return [f"Not assessed: prospecting economics, because the engagement has no {prospecting.FILE}."]
    lines = [f"Rep prospecting costs {_cash(result['prospecting_cost'])} ({number(result['reps'], None)} reps at "
             f"{_cash(result['cost_per_rep'])} each, {share(result['prospecting_share'])} of their time) and brings "
             f"{_cash(result['total_revenue'])} of revenue: " + (
                 per_dollar(result["revenue_per_dollar"]) if result["revenue_per_dollar"] is not None
                 else f"with no cost, there is no return per {unit()} to compute") + "."]
    ranked = sorted((c for c in result["categories"] if c["revenue_per_dollar"] is not None),
                    key=lambda c: c["revenue_per_dollar"], reverse=True)
    if len(ranked) > 1:
        lines.append(f"Best prospecting return: {ranked[0]['name']} ({per_dollar(ranked[0]['revenue_per_dollar'])}); "
                     f"weakest: {ranked[-1]['name']} ({per_dollar(ranked[-1]['revenue_per_dollar'])}).")
    mkt, base = result["marketing"], result["baseline"]
    label = "cold calling, the baseline" if base["basis"] == "cold_calling" else "prospecting as a whole, the baseline"
    if base["marketing_beats_baseline"] is not None:
        verb = "beat" if base["marketing_beats_baseline"] else "do not beat"
        lines.append(f"Marketing leads return {per_dollar(mkt['revenue_per_dollar'])} and {verb} {label} "
                     f"({per_dollar(base['revenue_per_dollar'])}).")
        better = [c["name"] for c in ranked if mkt["revenue_per_dollar"] < c["revenue_per_dollar"]]
        if better:
            lines.append(f"Per {unit()}, {', '.join(better)} still returns more than marketing leads.")
    lines.append(_hire_sentence(result))
    return lines


def _hire_sentence(result: dict[str, Any]) -> str:
    hire, mkt = result["hire_alternative"], result["marketing"]
    if hire["marketing_beats_hiring"] is None:
        return "Hire or buy leads: cannot be compared, because the cost per rep or the number of reps is zero."
    head = (f"The marketing program's {_cash(mkt['cost'])} would pay for {number(hire['extra_reps'], 1)} more reps, "
            f"who at today's prospecting revenue per rep ({_cash(hire['revenue_per_rep'])}) would bring about "
            f"{_cash(hire['revenue'])}; the program brings {_cash(mkt['revenue'])}")
    if hire["marketing_beats_hiring"]:
        return head + ", so marketing leads beat hiring more reps."
    return head + ", so hiring more reps would bring more revenue than the marketing leads."


def attribution_findings(result: dict[str, Any] | None) -> list[str]:
    """Sourced and influenced revenue in plain words, with the seed's warning about attribution."""
    if result is None:
        return [f"Not assessed: sourced and influenced revenue, because the engagement has no {attribution.FILE}."]
    if result["sourced_share"] is None:
        return [f"None of the {result['deals']} deals in {attribution.FILE} is won, so no revenue can be attributed."]
    return [
        f"Marketing sourced {_cash(result['sourced_revenue'])} of {_cash(result['won_revenue'])} won revenue "
        f"({share(result['sourced_share'], digits=1)}) and touched deals worth {_cash(result['influenced_revenue'])} "
        f"({share(result['influenced_share'], digits=1)}) before they closed.",
        "Sourced credit is rarely above half of revenue, and influence is not proof that marketing caused the sale: "
        "an experiment with two groups of reps says more.",
    ]


def experiment_findings(result: dict[str, Any] | None) -> list[str]:
    """The lead experiment's lift, interval and verdict in plain words."""
    if result is None:
        return [f"Not assessed: the lead experiment, because the engagement has no {experiment.FILE}."]
    t, c = result["treatment"], result["control"]
    rel = "" if result["relative_lift"] is None else f" ({share(result['relative_lift'], signed=True, digits=1)})"
    lines = [f"Reps given marketing leads ({t['n']}) averaged {_cash(t['mean'])} against {_cash(c['mean'])} for the "
             f"{c['n']} reps without: a difference of {_cash(result['lift'])}{rel} per rep."]
    if result["p_value"] is None:
        lines.append("Every rep within each group has the same revenue, so no interval can be computed.")
    elif result["significant"]:
        effect = "the leads made a difference" if result["lift"] > 0 else "reps with the leads did worse"
        lines.append(f"With 95% confidence the true difference lies between {_cash(result['ci_low'])} and "
                     f"{_cash(result['ci_high'])} per rep ({p_value(result['p_value'])}): {effect}.")
    else:
        lines.append(f"The 95% interval runs from {_cash(result['ci_low'])} to {_cash(result['ci_high'])} per rep "
                     f"({p_value(result['p_value'])}) and includes zero, so the experiment cannot tell yet whether the "
                     "leads help; more reps or a longer run would narrow it.")
    return lines


def findings(results: dict[str, Any]) -> list[str]:
    """The findings of the whole part: prospecting, then attribution, then the experiment."""
    return (prospecting_findings(results.get("prospecting")) + attribution_findings(results.get("attribution"))
            + experiment_findings(results.get("experiment")))


def caveats() -> list[str]:
    """What can spoil the experiment, in plain words."""
    return [
        "Keep the groups apart: if control reps get the leads from treatment colleagues, or marketing works their "
        "accounts anyway, the difference shrinks and the test says less than it should.",
        "Territories differ: a random split spreads strong and weak territories over both groups, but with few reps "
        "one lucky territory can still decide the result; compare the groups' past revenue before starting.",
        "Run it long enough: B2B deals take months to close, so measure over at least one full sales cycle and "
        "avoid comparing a seasonal peak with a quiet period.",
        "Attribution credit (sourced or influenced revenue) is weak proof on its own; the experiment is the stronger "
        "evidence, which is why it is worth the effort.",
        "Too few reps give a wide interval: use the reps-per-group figure, and if there are not enough reps, expect "
        "an answer only for a large lift.",
    ]
