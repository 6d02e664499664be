"""Charts, tables and the report section of the lead funnel and follow-up (METHOD §14).

Everything here reads the ``leads`` block of results.json, already counted, so every chart has a handful of
marks however many leads are behind it. ``report_section(results, source)`` draws the funnel of one source
(marketing's by default, as the report shows it; the interactive page lets the reader pick another).
"""

from __future__ import annotations

from typing import Any

from playbook.core.formats import number, share
from playbook.core.i18n import N_, _, word
from playbook.parts.charts import (
    PALETTE,
    Rows,
    base,
    colours,
    count_axis,
    empty,
    nice_ticks,
    title,
    value_labels,
    value_text,
    width,
)
from playbook.parts.leads.model import ALL, SOURCES
from playbook.parts.leads.words import (
    SYMPTOMS,
    VERDICTS,
    findings,
    reason_text,
    record_text,
    sla_text,
    source_name,
)

STAGES = (N_("Created"), N_("Followed up"), N_("Decided on"), N_("Accepted"), N_("Converted"))
BUCKETS = (
    ("within_1h", N_("Within 1 business hour"), "#1f6f43"),
    ("within_sla", N_("Later, within the SLA"), "#8cc7a0"),
    ("over_sla", N_("Later than the SLA"), PALETTE["off_track"]),
    ("not_followed_up", N_("Not followed up"), PALETTE["no_data"]),
)
VERDICT_COLOURS = {"confirmed": PALETTE["off_track"], "unseen": PALETTE["watch"], "not_borne_out": PALETTE["on_track"],
                   "fine": PALETTE["on_track"], "no_data": PALETTE["no_data"]}
MOST_REASONS = 10  # the reasons table lists this many, then the rest together
FUNNELS = {
    "marketing": N_("Marketing's leads, from created to converted"),
    "sales": N_("Leads sales found itself, from created to converted"),
    "partner": N_("Partners' leads, from created to converted"),
    "other": N_("Other leads, from created to converted"),
    ALL: N_("All leads, from created to converted"),
}
REASONS = {
    "marketing": N_("Why marketing's leads were rejected or recycled"),
    "sales": N_("Why leads sales found itself were rejected or recycled"),
    "partner": N_("Why partners' leads were rejected or recycled"),
    "other": N_("Why other leads were rejected or recycled"),
    ALL: N_("Why leads were rejected or recycled"),
}


def stages(block: dict[str, Any]) -> list[int]:
    """The funnel of one source's leads: created, followed up, decided on, accepted (converted ones too),
    converted."""
    return [block["leads"], block["followed_up"], block["dispositioned"], block["accepted"],
            block["dispositions"]["converted"]]


def funnel(result: dict[str, Any] | None, source: str = "marketing"):
    """One source's leads from created to converted, each stage named above its bar with its count and share of
    those created."""
    if not result:
        return empty(_("Leads not assessed"))
    block = result["sources"][source]
    heading = _(FUNNELS[source])
    if not block["leads"]:
        return empty(_("%(source)s: no lead in the export", source=source_name(source)))
    alt = base()
    import pandas as pd

    counts = stages(block)
    names = [_(s) for s in STAGES]
    shape = Rows("stage", tuple(names), bar=16)
    ticks = nice_ticks(0, counts[0])
    rows = value_labels([{"stage": n, "leads": c, "label": f"{number(c, 0)} ({share(c / counts[0])})"}
                         for n, c in zip(names, counts, strict=True)], "leads", "label", (0, ticks[-1]))
    bars = alt.Chart().mark_bar(color=PALETTE["marketing"] if source == "marketing" else PALETTE["neutral"],
                                **shape.mark()).encode(
        **shape.encode(),
        x=alt.X("leads:Q", title=_("leads"), axis=count_axis(counts[0], values=ticks),
                scale=alt.Scale(domain=[0, ticks[-1]], nice=False)),
        tooltip=[alt.Tooltip("stage:N", title=_("stage")), alt.Tooltip("label:N", title=_("leads"))],
    )
    return alt.layer(bars, *value_text(alt, shape), data=pd.DataFrame(rows)).properties(
        width=width(), height=shape.height, title=title(heading))


def follow_up(result: dict[str, Any] | None):
    """Per source (and all leads), the share followed up within 1 business hour, within the SLA, later, or not."""
    if not result:
        return empty(_("Leads not assessed"))
    shown = [s for s in (*SOURCES, ALL) if result["sources"][s]["leads"]]
    if not shown:
        return empty(_("No lead in the export"))
    alt = base()
    import pandas as pd

    labels = [_(label) for _key, label, _colour in BUCKETS]
    rows = []
    for s in shown:
        block = result["sources"][s]
        for order, (key, label, _colour) in enumerate(BUCKETS):
            count = block["buckets"][key]
            rows.append({"source": source_name(s), "bucket": _(label), "order": order, "leads": count,
                         "share": count / block["leads"], "text": f"{number(count, 0)} ({share(count / block['leads'])})"})
    df = pd.DataFrame(rows)
    names = [source_name(s) for s in shown]
    shape = Rows("source", tuple(names), bar=16)
    drawn = list(df.loc[df["leads"] > 0, "bucket"])
    heading = _("Follow-up against the SLA of %(sla)s business hours, by source", sla=sla_text(result))
    return (
        alt.Chart(df).mark_bar(**shape.mark()).encode(
            **shape.encode(),
            x=alt.X("share:Q", title=_("share of the source's leads"), axis=alt.Axis(format="%"),
                    scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("bucket:N", sort=labels,
                            **colours(drawn, {label: c for label, (_k, _l, c) in zip(labels, BUCKETS, strict=True)})),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("source:N", title=_("source")), alt.Tooltip("bucket:N", title=_("follow-up")),
                     alt.Tooltip("text:N", title=_("leads"))],
        ).properties(width=width(), height=shape.height, title=title(heading))
    )


def perception_table(result: dict[str, Any]):
    """What people say beside what the record shows, with the verdict, in words."""
    import pandas as pd

    rows = [{
        _("What people say"): word(SYMPTOMS, r["symptom"]),
        _("Say so"): share(r["symptom_share"]),
        _("What the record shows (marketing's leads)"): record_text(r, result),
        _("Healthy from"): share(r["healthy_from"]),
        _("Verdict"): word(VERDICTS, r["verdict"]),
    } for r in result["perception"]]
    df = pd.DataFrame(rows)
    df.attrs["status_column"] = _("Verdict")
    df.attrs["status_colours"] = {_(VERDICTS[k]): c for k, c in VERDICT_COLOURS.items()}
    return df


def _hours(v: float | None) -> str:
    return number(v, 1)


def sources_table(result: dict[str, Any]):
    """Per source and for all leads: how many, how fast, how many within the SLA, accepted, converted and
    decided on in time."""
    import pandas as pd

    rows = []
    for s in (*SOURCES, ALL):
        b = result["sources"][s]
        rows.append({
            _("Source"): source_name(s),
            _("Leads"): number(b["leads"], 0),
            _("Followed up"): number(b["followed_up"], 0),
            _("Median business hours"): _hours(b["median_hours"]),
            _("Nine in ten within (hours)"): _hours(b["p90_hours"]),
            _("Within the SLA"): share(b["sla_compliance"]),
            _("Accepted of those decided"): share(b["acceptance_rate"]),
            _("Converted"): share(b["conversion_rate"]),
            _("Decided on in time"): share(b["feedback_share"]),
        })
    return pd.DataFrame(rows)


def reasons_table(result: dict[str, Any]):
    """Why leads were rejected or recycled: the most frequent reasons, the rest together."""
    import pandas as pd

    given = result["reasons"]
    total = sum(r["count"] for r in given)
    rows = [{_("Reason"): reason_text(r["reason"]), _("Leads"): number(r["count"], 0),
             _("Share"): share(r["count"] / total)} for r in given[:MOST_REASONS]]
    rest = given[MOST_REASONS:]
    if len(rest) == 1:  # one more row reads better than "1 other reason"
        rows.append({_("Reason"): reason_text(rest[0]["reason"]), _("Leads"): number(rest[0]["count"], 0),
                     _("Share"): share(rest[0]["count"] / total)})
    elif rest:
        count = sum(r["count"] for r in rest)
        rows.append({_("Reason"): _("%(n)s other reasons", n=number(len(rest), 0)), _("Leads"): number(count, 0),
                     _("Share"): share(count / total)})
    return pd.DataFrame(rows)


def report_section(results: dict[str, Any], source: str = "marketing") -> dict[str, Any]:
    """Findings, figures ``{name: (title, chart)}`` and tables ``{name: (title, DataFrame)}`` of the part.

    The funnel is of ``source`` (marketing's, as the report shows it); the reasons are those the results
    carry (every source's in results.json; the interactive page puts one source's there, ``model.reasons``)
    and titled for ``source`` when it is not marketing's default.
    """
    result = results.get("leads")
    if result is None:
        return {"findings": findings(None), "figures": {}, "tables": {}}
    figures = {
        "funnel": (_(FUNNELS[source]), funnel(result, source)),
        "follow_up": (_("Follow-up time against the SLA, by source"), follow_up(result)),
    }
    tables = {
        "perception": (_("What people say, against what the CRM records"), perception_table(result)),
        "sources": (_("Follow-up and outcome of the leads, by source"), sources_table(result)),
    }
    if result["reasons"]:
        tables["reasons"] = (word(REASONS, ALL if source == "marketing" else source), reasons_table(result))
    return {"findings": findings(result), "figures": figures, "tables": tables}
