"""The action plan's chart, its table grouped by owner, and its report section (METHOD 10).

Everything here reads the ``actions`` block of results.json.
"""

from __future__ import annotations

from typing import Any

from playbook.parts.actions.words import NOT_ASSESSED, STATUS_LABELS, findings, item_moved
from playbook.parts.charts import PALETTE, base, count_axis, empty, legend

OVERDUE = "overdue"
COLOURS = {"open": PALETTE["watch"], "in progress": PALETTE["marketing"], "done": PALETTE["on_track"],
           "dropped": PALETTE["no_data"], OVERDUE: PALETTE["off_track"]}
COLUMNS = ["Owner", "ID", "Action", "Item", "Due", "Status", "Overdue", "Item moved"]


def by_status(result: dict[str, Any] | None):
    """Actions per status as bars; the overdue part of open and in-progress actions in the alert colour."""
    alt = base()
    import pandas as pd

    rows = [] if result is None else result["items"]
    if not rows:
        return empty("No actions in the plan yet.")
    counted = []
    for status, label in STATUS_LABELS.items():
        mine = [r for r in rows if r["status"] == status]
        late = sum(r["overdue"] for r in mine)
        counted.append({"status": label, "shown": label, "actions": len(mine) - late, "order": 1})
        if late:
            counted.append({"status": label, "shown": OVERDUE, "actions": late, "order": 0})
    df = pd.DataFrame([c for c in counted if c["actions"]])
    domain = list(COLOURS)
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("actions:Q", title="actions", axis=count_axis(df.groupby("status")["actions"].sum().max())),
            y=alt.Y("status:N", sort=list(STATUS_LABELS.values()), title=None),
            color=alt.Color("shown:N", scale=alt.Scale(domain=domain, range=[COLOURS[d] for d in domain]),
                            title=None, legend=legend(domain, 360)),
            order=alt.Order("order:Q"),
            tooltip=["status:N", "shown:N", "actions:Q"],
        )
        .properties(width=360, height=alt.Step(26))
    )


def plan_rows(result: dict[str, Any] | None, min_group: int | None = None) -> list[dict[str, str]]:
    """The plan as text rows for people, grouped by owner (owners in order of their first action), then by due date."""
    rows = [] if result is None else result["items"]
    first: dict[str, int] = {}
    for i, r in enumerate(rows):
        first.setdefault(r["owner"], i)
    ordered = sorted(rows, key=lambda r: (first[r["owner"]], r["due"], r["action_id"]))
    return [{
        "Owner": r["owner_name"],
        "ID": r["action_id"],
        "Action": r["action"],
        "Item": r["item_name"] if r["source"] == "kpi" else (r["item"] or "–"),
        "Due": r["due"],
        "Status": STATUS_LABELS[r["status"]],
        "Overdue": "Overdue" if r["overdue"] else "",
        "Item moved": item_moved(r, result, min_group),
        "_owner": r["owner"],
        "_status": r["status"],
    } for r in ordered]


def plan_table(result: dict[str, Any] | None, min_group: int | None = None, owner: str = "", status: str = ""):
    """The plan grouped by owner, as a DataFrame of text cells; ``owner`` and ``status`` filter it (empty: all)."""
    import pandas as pd

    rows = [r for r in plan_rows(result, min_group)
            if (not owner or r["_owner"] == owner) and (not status or r["_status"] == status)]
    df = pd.DataFrame(rows, columns=COLUMNS)
    df.attrs["status_column"] = "Overdue"
    df.attrs["status_colours"] = {"Overdue": PALETTE["off_track"]}
    return df


def report_section(results: dict[str, Any]) -> dict[str, Any]:
    """The action plan: findings, the chart by status and the plan grouped by owner."""
    result = results.get("actions")
    if result is None:
        return {"findings": [NOT_ASSESSED], "figures": {}, "tables": {}}
    lines = findings(result)
    if not result["items"]:
        return {"findings": lines, "figures": {}, "tables": {}}
    min_group = (results.get("settings") or {}).get("min_group_size")
    return {
        "findings": lines,
        "figures": {"by_status": ("Actions by status, overdue marked", by_status(result))},
        "tables": {"plan": ("The action plan, by owner", plan_table(result, min_group))},
    }
