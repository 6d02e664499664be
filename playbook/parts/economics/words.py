"""Prospecting economics, attribution and the lead experiment in plain words (METHOD 4 and 12).

Everything here reads results.json blocks (``prospecting``, ``attribution``, ``experiment``), which keep
full precision; numbers are rounded only here, as they are written for people. Every revenue figure says
whether it is *modelled* (opportunities x win rate x deal size, from the prospecting figures) or *recorded*
(won deals in the deal list, or the reps' revenue in the experiment), and for which period (METHOD 12).
``recommendation`` is the one verdict on moving budget, for the part and the executive summary alike.
"""

from __future__ import annotations

from typing import Any

from playbook.core.formats import money, money_change, number, p_value, share, unit
from playbook.core.i18n import N_, _, ngettext
from playbook.parts.economics.prospecting import BLENDED, CURRENT, DEFAULT_PERIOD, MARKETING, SENSITIVITY

BRIDGE_GAP = 0.10  # METHOD 12: modelled and recorded marketing revenue apart by more than this get a sentence
SOURCE_ROWS = {"marketing": N_("Sourced by marketing"), "sales": N_("Sourced by sales"),
               "partner": N_("Sourced by partners"), "other": N_("From other sources")}


def reps(n: float | None) -> str:
    """A count of reps or opportunities: whole when it is (``3``), else with one decimal (``2.7``)."""
    return number(n, None if n is not None and float(n).is_integer() else 1)


def per_dollar(x: float | None) -> str:
    """Revenue per unit of spend for people: ``$1.98 per dollar``, ``1,98 € per euro``."""
    return "–" if x is None else _("%(amount)s per %(unit)s", amount=money(x, cents=True), unit=unit())


# Scenarios are compared in hundredths of a million ($1.63M against $1.75M: +$120K), so a change of a tenth of a
# million shows as itself; the changes are the differences of the figures as shown (METHOD 13).
PLAN_DIGITS = 2


def cash(v, digits: int | None = None) -> str:
    """An amount in a sentence, abbreviated from 10,000 as the locale does (``$480K``, ``1,2 Mio. €``)."""
    return money(v, compact=True, digits=digits)


def period(block: dict[str, Any] | None) -> str:
    """The period a block's figures cover (METHOD 12), in the reader's language when it is the default."""
    shown = (block or {}).get("period") or DEFAULT_PERIOD
    return _(shown)


def source_name(line: dict[str, Any] | str) -> str:
    """A source of opportunities as people read it: a category's own name, or the marketing program."""
    name = line if isinstance(line, str) else line.get("name", "")
    return _(name) if name in (MARKETING, BLENDED) else name


def scenario_name(row: dict[str, Any]) -> str:
    """A scenario's name as people read it: the current plan and the what-if are named in words."""
    if row["name"] == CURRENT:
        return _("Current plan")
    if row["name"] == "what-if":
        return _("The values above")
    return row["name"]


def changes(row: dict[str, Any], current: dict[str, Any]) -> str:
    """What a scenario changes against the current plan, in words (``26 reps; marketing spend $600K``)."""
    said = []
    if row["reps"] != current["reps"]:
        said.append(ngettext("%(count)s rep", "%(count)s reps", 1 if row["reps"] == 1 else 2, count=reps(row["reps"])))
    if row["cost_per_rep"] != current["cost_per_rep"]:
        said.append(_("%(amount)s per rep", amount=cash(row["cost_per_rep"])))
    if row["prospecting_share"] != current["prospecting_share"]:
        said.append(_("%(share)s of rep time prospecting", share=share(row["prospecting_share"])))
    if row["program_cost"] != current["program_cost"]:
        said.append(_("marketing spend %(amount)s", amount=cash(row["program_cost"])))
    return "; ".join(said) if said else _("no change")


# -- prospecting: the measurement, the plan and the hire alternative ------------------------------------------
def prospecting_findings(result: dict[str, Any] | None) -> list[str]:
    """The prospecting economics, the hire alternative, the sensitivity and the scenarios in plain words."""
    if result is None:
        return [_("Not assessed: prospecting economics, because no prospecting figures were provided.")]
    lines = [_whatif_sentence(result)] if result.get("whatif") else []
    lines.append(_prospecting_sentence(result))
    ranked = sorted((c for c in result["categories"] if c["revenue_per_dollar"] is not None),
                    key=lambda c: c["revenue_per_dollar"], reverse=True)
    if len(ranked) > 1:
        lines.append(_("Best prospecting return: %(best)s (%(best_return)s); weakest: %(worst)s (%(worst_return)s).",
                       best=ranked[0]["name"], best_return=per_dollar(ranked[0]["revenue_per_dollar"]),
                       worst=ranked[-1]["name"], worst_return=per_dollar(ranked[-1]["revenue_per_dollar"])))
    lines += _marketing_sentences(result, ranked)
    lines.append(hire_sentence(result))
    if not result.get("whatif"):
        lines.append(sensitivity_sentence(result))
    lines += scenario_sentences(result)
    return [line for line in lines if line]


def _prospecting_sentence(result: dict[str, Any]) -> str:
    values = {"period": period(result), "cost": cash(result["prospecting_cost"]),
              "reps": reps(result["reps"]), "per_rep": cash(result["cost_per_rep"]),
              "share": share(result["prospecting_share"]), "revenue": cash(result["total_revenue"]),
              "return": per_dollar(result["revenue_per_dollar"]), "unit": unit()}
    if result.get("whatif"):
        if result["revenue_per_dollar"] is None:
            return _("With the values above, rep prospecting would cost %(cost)s (%(reps)s reps at %(per_rep)s each, "
                     "%(share)s of their time) and bring %(revenue)s of modelled revenue; with no cost, there is no "
                     "return per %(unit)s to compute.", **values)
        return _("With the values above, rep prospecting would cost %(cost)s (%(reps)s reps at %(per_rep)s each, "
                 "%(share)s of their time) and bring %(revenue)s of modelled revenue: %(return)s.", **values)
    if result["revenue_per_dollar"] is None:
        return _("In %(period)s, rep prospecting cost %(cost)s (%(reps)s reps at %(per_rep)s each, %(share)s of "
                 "their time) and brought %(revenue)s of modelled revenue; with no cost, there is no return per "
                 "%(unit)s to compute.", **values)
    return _("In %(period)s, rep prospecting cost %(cost)s (%(reps)s reps at %(per_rep)s each, %(share)s of their "
             "time) and brought %(revenue)s of modelled revenue: %(return)s.", **values)


def _against_baseline(base: dict[str, Any]) -> str:
    """Whether the marketing leads return more per unit of spend than the baseline, in one sentence."""
    value = {"baseline": per_dollar(base["revenue_per_dollar"])}
    if base["basis"] == "cold_calling":
        return (_("That is more than cold calling, the baseline (%(baseline)s).", **value)
                if base["marketing_beats_baseline"] else
                _("That is no more than cold calling, the baseline (%(baseline)s).", **value))
    return (_("That is more than prospecting as a whole, the baseline (%(baseline)s).", **value)
            if base["marketing_beats_baseline"] else
            _("That is no more than prospecting as a whole, the baseline (%(baseline)s).", **value))


def _marketing_sentences(result: dict[str, Any], ranked: list[dict[str, Any]]) -> list[str]:
    mkt, base = result["marketing"], result["baseline"]
    values = {"cost": cash(mkt["cost"]), "revenue": cash(mkt["revenue"])}
    if mkt["revenue_per_dollar"] is None:
        text = (_("With the values above, the marketing lead program would cost %(cost)s and bring %(revenue)s of "
                  "modelled revenue.", **values) if result.get("whatif") else
                _("The marketing lead program cost %(cost)s and brought %(revenue)s of modelled revenue.", **values))
    else:
        values["return"] = per_dollar(mkt["revenue_per_dollar"])
        text = (_("With the values above, the marketing lead program would cost %(cost)s and bring %(revenue)s of "
                  "modelled revenue: %(return)s.", **values) if result.get("whatif") else
                _("The marketing lead program cost %(cost)s and brought %(revenue)s of modelled revenue: "
                  "%(return)s.", **values))
    if base["marketing_beats_baseline"] is not None:
        text += " " + _against_baseline(base)
    out = [text]
    better = [c["name"] for c in ranked if mkt["revenue_per_dollar"] is not None
              and mkt["revenue_per_dollar"] < c["revenue_per_dollar"]]
    if better:
        out.append(_("Per %(unit)s, %(sources)s still returns more than marketing leads.", unit=unit(),
                     sources=", ".join(better)))
    return out


def hire_sentence(result: dict[str, Any]) -> str:
    """The hire alternative with its basis and ramp stated beside the verdict (METHOD 12)."""
    hire, mkt = result["hire_alternative"], result["marketing"]
    if hire["marketing_beats_hiring"] is None:
        return _("Hire or buy leads: cannot be compared, because the cost per rep or the number of reps is zero.")
    values = {"cost": cash(mkt["cost"]), "extra": reps(hire["extra_reps"]),
              "per_rep": cash(result["cost_per_rep"]), "sells": cash(hire["revenue_per_rep"]),
              "period": period(result), "ramp": share(hire["ramp"]), "hire": cash(hire["revenue"]),
              "marketing": cash(mkt["revenue"])}
    if hire.get("basis") == "deals":
        basis = _("A tenured rep sold %(sells)s on their own in %(period)s (recorded: won deals sourced by sales, per "
                  "rep).", **values)
    else:
        basis = _("A rep brings %(sells)s in %(period)s from their own prospecting (modelled; there is no deal list "
                  "to say what a rep sells on their own).", **values)
    head = _("Hire instead? The program's %(cost)s would pay for %(extra)s more reps at %(per_rep)s each.", **values)
    ramp = _("A new rep sells about %(ramp)s of that in the first year, so they would bring about %(hire)s, against "
             "%(marketing)s of modelled revenue from the program:", **values)
    verdict = (_("the marketing leads bring more than hiring would.") if hire["marketing_beats_hiring"]
               else _("hiring would bring more than the marketing leads."))
    return " ".join((head, basis, ramp, verdict))


def sensitivity_sentence(result: dict[str, Any]) -> str:
    """How sure the measurement is (METHOD 12): the time share is an estimate; revenue stays, cost moves."""
    rows = [s for s in result["sensitivity"] if s["revenue_per_dollar"] is not None]
    if not rows:
        return ""
    return _("How sure is this? The %(share)s of rep time spent prospecting is an estimate. Had the true share been "
             "between %(low)s and %(high)s, the same %(revenue)s of revenue would have cost %(cost_low)s to "
             "%(cost_high)s: %(best)s to %(worst)s per %(unit)s. The revenue is what the period brought; only its cost depends on "
             "the estimate.", share=share(result["prospecting_share"]), low=share(SENSITIVITY[0]),
             high=share(SENSITIVITY[-1]), revenue=cash(result["total_revenue"]), cost_low=cash(rows[0]["cost"]),
             cost_high=cash(rows[-1]["cost"]), best=money(rows[0]["revenue_per_dollar"], cents=True),
             worst=money(rows[-1]["revenue_per_dollar"], cents=True), unit=unit())


def _against(row: dict[str, Any], current: dict[str, Any]) -> dict[str, str]:
    """A scenario's cost and modelled revenue against the current plan, as the figures are shown (METHOD 13)."""
    return {"cost": cash(row["total_cost"], PLAN_DIGITS), "revenue": cash(row["total_revenue"], PLAN_DIGITS),
            "cost_change": money_change(current["total_cost"], row["total_cost"], digits=PLAN_DIGITS),
            "revenue_change": money_change(current["total_revenue"], row["total_revenue"], digits=PLAN_DIGITS),
            "return": per_dollar(row["revenue_per_dollar"]), "current_cost": cash(current["total_cost"], PLAN_DIGITS),
            "current_revenue": cash(current["total_revenue"], PLAN_DIGITS),
            "current_return": per_dollar(current["revenue_per_dollar"])}


def _whatif_sentence(result: dict[str, Any]) -> str:
    current = result["scenarios"][0]
    return _("With the values above (%(what)s), reps' prospecting time and the marketing program together would cost "
             "%(cost)s and bring "
             "%(revenue)s of modelled revenue, %(return)s; the current plan costs %(current_cost)s and brings "
             "%(current_revenue)s (%(current_return)s): cost %(cost_change)s, revenue %(revenue_change)s.",
             what=changes(result["whatif"], current), **_against(result["whatif"], current))


def scenario_sentences(result: dict[str, Any]) -> list[str]:
    """One sentence per named scenario: what it changes, its cost and modelled revenue against the current plan."""
    rows = result.get("scenarios") or []
    if len(rows) < 2:
        return []
    current = rows[0]
    out = [_("The current plan: reps' prospecting time and the marketing program together cost %(cost)s and bring "
             "%(revenue)s of modelled revenue in %(period)s, %(return)s.", period=period(result),
             **_against(current, current))]
    for row in rows[1:]:
        out.append(_("Scenario “%(name)s” (%(what)s): cost %(cost)s (%(cost_change)s), modelled revenue %(revenue)s "
                     "(%(revenue_change)s), %(return)s.", name=scenario_name(row), what=changes(row, current),
                     **_against(row, current)))
    return out


# -- recorded revenue and the bridge -------------------------------------------------------------------------------
def attribution_findings(result: dict[str, Any] | None) -> list[str]:
    """Won revenue as the deal list records it, by source, with the seed's warning about attribution."""
    if result is None:
        return [_("Not assessed: sourced and influenced revenue, because no deal list was provided.")]
    if result["sourced_share"] is None:
        return [_("None of the %(n)s deals in the deal list is won, so no revenue can be attributed.",
                  n=result["deals"])]
    by = result.get("by_source") or {}
    return [
        _("In %(period)s, the deal list records %(won)s of won revenue: %(marketing)s sourced by marketing "
          "(%(marketing_share)s), %(sales)s by sales, %(partner)s by partners and %(other)s from other sources.",
          period=period(result), won=cash(result["won_revenue"]), marketing=cash(result["sourced_revenue"]),
          marketing_share=share(result["sourced_share"]), sales=cash(by.get("sales")),
          partner=cash(by.get("partner")), other=cash(by.get("other"))),
        _("Marketing touched won deals worth %(amount)s (%(share)s of won revenue) before they closed, those it "
          "sourced included.", amount=cash(result["influenced_revenue"]), share=share(result["influenced_share"])),
        _("Sourced credit is rarely above half of revenue, and influence is not proof that marketing caused the "
          "sale: an experiment with two groups of reps says more."),
    ]


def bridge_gap(results: dict[str, Any]) -> float | None:
    """How far the modelled marketing revenue is from the marketing-sourced revenue the deal list records, as a
    share of the recorded one (METHOD 12); None without both, or when neither has any."""
    p, a = results.get("prospecting"), results.get("attribution")
    if not p or not a:
        return None
    modelled, recorded = p["marketing"]["revenue"], a["sourced_revenue"]
    if modelled is None or recorded is None or (not modelled and not recorded):
        return None
    return (modelled - recorded) / recorded if recorded else float("inf")


def bridge_sentence(results: dict[str, Any]) -> str:
    """The sentence METHOD 12 asks for when the two marketing revenues are more than 10 % apart ("" otherwise)."""
    gap = bridge_gap(results)
    if gap is None or abs(gap) <= BRIDGE_GAP:
        return ""
    values = {"modelled": cash(results["prospecting"]["marketing"]["revenue"]), "period": period(results["prospecting"]),
              "recorded": cash(results["attribution"]["sourced_revenue"]), "gap": share(abs(gap))}
    if gap == float("inf"):
        head = _("The model gives marketing leads %(modelled)s of revenue in %(period)s, but the deal list records no "
                 "won deal sourced by marketing.", **values)
    elif gap > 0:
        head = _("The modelled marketing revenue (%(modelled)s) is %(gap)s more than the marketing-sourced revenue "
                 "the deal list records for %(period)s (%(recorded)s).", **values)
    else:
        head = _("The modelled marketing revenue (%(modelled)s) is %(gap)s less than the marketing-sourced revenue "
                 "the deal list records for %(period)s (%(recorded)s).", **values)
    return head + " " + _("The revenue table shows both; check the program's opportunities, win rate and deal size "
                          "against the deal list, and whether deals from marketing leads are recorded under another "
                          "source.")


# -- the experiment and the recommendation ---------------------------------------------------------------------------
def experiment_findings(result: dict[str, Any] | None) -> list[str]:
    """The lead experiment's lift, interval and verdict in plain words."""
    if result is None:
        return [_("Not assessed: the lead experiment, because no experiment with two groups of reps was run.")]
    t, c = result["treatment"], result["control"]
    rel = "" if result["relative_lift"] is None else f" ({share(result['relative_lift'], signed=True, digits=1)})"
    lines = [_("Reps given marketing leads (%(n_treatment)s) averaged %(treatment)s of recorded revenue in the "
               "experiment, against %(control)s for the %(n_control)s reps without: a difference of %(lift)s%(rel)s "
               "per rep.", n_treatment=t["n"], treatment=cash(t["mean"]), control=cash(c["mean"]), n_control=c["n"],
               lift=cash(result["lift"]), rel=rel)]
    if result["p_value"] is None:
        lines.append(_("Every rep within each group has the same revenue, so no interval can be computed."))
    elif result["significant"]:
        effect = (_("the leads made a difference") if result["lift"] > 0 else _("reps with the leads did worse"))
        lines.append(_("With 95%% confidence the true difference lies between %(low)s and %(high)s per rep "
                       "(%(p)s): %(effect)s.", low=cash(result["ci_low"]), high=cash(result["ci_high"]),
                       p=p_value(result["p_value"]), effect=effect))
    else:
        lines.append(_("The 95%% interval runs from %(low)s to %(high)s per rep (%(p)s) and includes zero, so the "
                       "experiment cannot tell yet whether the leads help; more reps or a longer run would narrow it.",
                       low=cash(result["ci_low"]), high=cash(result["ci_high"]), p=p_value(result["p_value"])))
    return lines


def proven(experiment: dict[str, Any] | None) -> bool | None:
    """Whether the experiment supports the leads (p < 0.05 and lift > 0, METHOD 12); None without an experiment."""
    if not experiment:
        return None
    p, lift = experiment.get("p_value"), experiment.get("lift")
    return p is not None and lift is not None and p < 0.05 and lift > 0


def _test_needs(e: dict[str, Any]) -> str:
    n = e.get("needed_per_group")
    if n is None:
        return ""
    have = min((e.get("treatment") or {}).get("n", 0), (e.get("control") or {}).get("n", 0))
    lift = share(e.get("needed_for_lift"), signed=True)
    if (e.get("lift") or 0) > 0:
        return _("A test that can tell a lift of the size seen (%(lift)s) from chance needs %(n)s reps per group; this "
                 "one had %(have)s.", lift=lift, n=n, have=have)
    return _("A test that can tell a lift of %(lift)s from chance needs %(n)s reps per group; this one had %(have)s.",
             lift=lift, n=n, have=have)


def recommendation(results: dict[str, Any], plain: bool = False) -> tuple[str, str] | None:
    """Whether to move budget between marketing leads and more reps, and its tone (alert, watch, good, info, none);
    made only when the experiment, if there is one, supports it (METHOD 12). None without prospecting figures.
    ``plain``: for the executive summary, without the test's p-value."""
    p, e = results.get("prospecting"), results.get("experiment")
    if not p:
        return None
    hire, mkt = p.get("hire_alternative") or {}, p.get("marketing") or {}
    if hire.get("marketing_beats_hiring") is None:
        return (_("The program cannot be compared with hiring on these numbers (no reps or no cost per rep to price "
                  "the extra reps)."), "none")
    values = {"marketing": cash(mkt.get("revenue")), "cost": cash(mkt.get("cost")),
              "extra": reps(hire.get("extra_reps")), "hire": cash(hire.get("revenue")), "ramp": share(hire.get("ramp")),
              "period": period(p)}
    if hire["marketing_beats_hiring"]:
        model = _("Marketing leads win on the modelled figures for %(period)s: the program's %(cost)s brings "
                  "%(marketing)s, against about %(hire)s from %(extra)s extra reps at %(ramp)s of a tenured rep's "
                  "sales in their first year.", **values)
    else:
        model = _("Hiring wins on the modelled figures for %(period)s: %(extra)s extra reps for the program's %(cost)s "
                  "would bring about %(hire)s (at %(ramp)s of a tenured rep's sales in their first year), against "
                  "%(marketing)s from the marketing leads.", **values)
    support = proven(e)
    if support is None:
        return (model + " " + _("No experiment has tested the leads yet; one with two groups of reps would confirm it "
                                "before budget moves."), "info")
    if not support:
        text = _("Not proven yet: test before moving budget.") + " " + model
        if e.get("significant") and (e.get("lift") or 0) < 0:
            return (" ".join(x for x in (text, _("In the lead experiment, reps given the leads sold less."),
                                         _test_needs(e)) if x), "alert")
        chance = (_("The lead experiment cannot yet tell the leads' effect from chance.") if plain else
                  _("The lead experiment cannot yet tell the leads' effect from chance (%(p)s).",
                    p=p_value(e.get("p_value"))))
        return (" ".join(x for x in (text, chance, _test_needs(e)) if x), "watch")
    if hire["marketing_beats_hiring"]:
        support = (_("The lead experiment supports it: reps given the leads sold more.") if plain else
                   _("The lead experiment supports it: reps given the leads sold more (%(p)s).",
                     p=p_value(e["p_value"])))
        return _("Invest in marketing leads.") + " " + model + " " + support, "good"
    lift = (_("The lead experiment shows the leads lift sales, though: weigh both before moving budget.") if plain else
            _("The lead experiment shows the leads lift sales, though (%(p)s): weigh both before moving budget.",
              p=p_value(e["p_value"])))
    return model + " " + lift, "watch"


def findings(results: dict[str, Any]) -> list[str]:
    """The findings of the whole part: prospecting, recorded revenue and the bridge, the experiment, the verdict."""
    whatif = bool((results.get("prospecting") or {}).get("whatif"))
    lines = (prospecting_findings(results.get("prospecting")) + attribution_findings(results.get("attribution"))
             + ["" if whatif else bridge_sentence(results)] + experiment_findings(results.get("experiment")))
    verdict = recommendation(results)
    if verdict is not None and not whatif:  # the bridge and the verdict are about the engagement's own figures
        lines.append(verdict[0])
    return [line for line in lines if line]


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
