"""The action plan's chart, its table grouped by owner, and its report section (METHOD 10).

Everything here reads the ``actions`` block of results.json (and, for a done action's item, the
``movement`` block's mean ratings, so both parts show the same change).
"""

from __future__ import annotations

from typing import Any

from playbook.core.formats import day
from playbook.core.i18n import N_, _
from playbook.parts.actions.words import NOT_ASSESSED, STATUS_LABELS, findings, item_moved, mean_ratings, status
from playbook.parts.charts import PALETTE, Rows, base, colours, count_axis, empty, title, width

READS = ("movement",)  # the parts whose results the section reads besides its own (pages.section computes them)
OVERDUE = N_("overdue")
COLOURS = {"open": PALETTE["watch"], "in_progress": PALETTE["marketing"], "done": PALETTE["on_track"],
           "dropped": PALETTE["no_data"], "overdue": PALETTE["off_track"]}
COLUMNS = (N_("Owner"), N_("ID"), N_("Action"), N_("Item"), N_("Due"), N_("Status"), N_("Overdue"), N_("Item moved"))


def by_status(result: dict[str, Any] | None):
    """Actions per status as bars; the overdue part of open and in-progress actions in the alert colour."""
    alt = base()
    import pandas as pd

    rows = [] if result is None else result["items"]
    if not rows:
        return empty(_("No actions in the plan yet."))
    counted = []
    for key in STATUS_LABELS:
        mine = [r for r in rows if r["status"] == key]
        late = sum(r["overdue"] for r in mine)
        counted.append({"status": status(key), "shown": status(key), "actions": len(mine) - late, "order": 1})
        if late:
            counted.append({"status": status(key), "shown": _(OVERDUE), "actions": late, "order": 0})
    counted = [c for c in counted if c["actions"]]
    shape = Rows("status", tuple(dict.fromkeys(c["status"] for c in counted)), bar=18)
    every = {**{status(k): COLOURS[k] for k in STATUS_LABELS}, _(OVERDUE): COLOURS["overdue"]}
    most = max(sum(c["actions"] for c in counted if c["status"] == s) for s in shape.order)
    return (
        alt.Chart(pd.DataFrame(counted))
        .mark_bar(**shape.mark())
        .encode(
            **shape.encode(),
            x=alt.X("actions:Q", title=_("actions"), axis=count_axis(most)),
            color=alt.Color("shown:N", **colours([c["shown"] for c in counted], every)),
            order=alt.Order("order:Q"),
            tooltip=["status:N", "shown:N", "actions:Q"],
        )
        .properties(width=width(), height=shape.height, title=title(_("Actions by status, overdue marked")))
    )


def plan_rows(result: dict[str, Any] | None, min_group: int | None = None,
              ratings: dict[str, dict[str, Any]] | None = None) -> list[dict[str, str]]:
    """The plan as text rows for people, grouped by owner (owners in order of their first action), then by due date.

    An action's item is named by its short statement (a KPI by its name); due dates in the locale's medium form.
    """
    from playbook.core.instruments import label

    rows = [] if result is None else result["items"]
    first: dict[str, int] = {}
    for i, r in enumerate(rows):
        first.setdefault(r["owner"], i)
    ordered = sorted(rows, key=lambda r: (first[r["owner"]], r["due"], r["action_id"]))
    return [{
        "Owner": r["owner_name"],
        "ID": r["action_id"],
        "Action": r["action"],
        "Item": r["item_name"] if r["source"] == "kpi" else (label(r["item"]) if r["item"] else "–"),
        "Due": day(r["due"], "medium"),
        "Status": status(r["status"]),
        "Overdue": _("Overdue") if r["overdue"] else "",
        "Item moved": item_moved(r, result, min_group, ratings),
        "_owner": r["owner"],
        "_status": r["status"],
    } for r in ordered]


def plan_table(result: dict[str, Any] | None, min_group: int | None = None, owner: str = "", status: str = "",
               ratings: dict[str, dict[str, Any]] | None = None):
    """The plan grouped by owner, as a DataFrame of text cells; ``owner`` and ``status`` filter it (empty: all)."""
    import pandas as pd

    rows = [r for r in plan_rows(result, min_group, ratings)
            if (not owner or r["_owner"] == owner) and (not status or r["_status"] == status)]
    df = pd.DataFrame([[r[c] for c in COLUMNS] for r in rows], columns=[_(c) for c in COLUMNS])
    df.attrs["status_column"] = _("Overdue")
    df.attrs["status_colours"] = {_("Overdue"): PALETTE["off_track"]}
    return df


def report_section(results: dict[str, Any]) -> dict[str, Any]:
    """The action plan: findings, the chart by status and the plan grouped by owner."""
    result = results.get("actions")
    if result is None:
        return {"findings": [_(NOT_ASSESSED)], "figures": {}, "tables": {}}
    ratings = mean_ratings(results)
    lines = findings(result, ratings)
    if not result["items"]:
        return {"findings": lines, "figures": {}, "tables": {}}
    min_group = (results.get("settings") or {}).get("min_group_size")
    return {
        "findings": lines,
        "figures": {"by_status": (_("Actions by status, overdue marked"), by_status(result))},
        "tables": {"plan": (_("The action plan, by owner"), plan_table(result, min_group, ratings=ratings))},
    }
