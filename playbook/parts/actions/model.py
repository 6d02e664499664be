"""The action plan: next steps and off-track KPIs become actions someone owns (METHOD 10).

``actions.csv`` (parsed and written by ``files``) lists the actions; this module
reads it, checks it against the rest of the engagement and scores it:

- counts per status, and the overdue actions: due strictly before the day the report
  is made (the snapshot's date, so one run agrees with itself) and still open or in
  progress; an action due today is not overdue;
- for each done action on a credibility item, how that item moved between the two
  latest waves (``item_change``): the change in its mean rating from sales-side raters
  as the movement part computes it (METHOD 9), None when there is one wave only, or when
  either wave has fewer than ``min_group_size`` scored sales ratings of the item
  (METHOD 8; "don't know" is not a rating). Every other action has ``item_change`` None.

``propose`` turns what the findings ask for into new open actions (METHOD 10, issue 21):
every next step (credibility items of the focus level below threshold), every knowledge
gap (a question one side cannot judge, METHOD 7), every off-track managed KPI, and a test
of marketing leads when the lead experiment is short of reps or not significant (METHOD 4,
12); never a second open or in-progress action for the same item (for the lead test: a
second one of source experiment). The words are in the engagement's language.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from playbook.core.engagement import SIDES, Engagement, Respondent, sample_path
from playbook.core.errors import UserError
from playbook.core.files import read_text
from playbook.core.i18n import _
from playbook.core.instruments import items
from playbook.parts.actions.files import (
    ACTIVE,
    COLUMNS,
    FILE,
    OPTIONAL,
    STATUSES,
    Action,
    check_items,
    parse,
    write,
)
from playbook.parts.kpis.files import csv_rows
from playbook.parts.movement import model as movement

PROPOSED_DUE_DAYS = 30  # a proposed action is due this many days after the day it is proposed


def read(eng: Engagement) -> list[Action] | None:
    """The engagement's actions, validated on their own; None when it has no ``actions.csv``.

    Whether a kpi item is a metric of ``kpis.csv`` is checked by ``check`` once every file is read.
    """
    path = eng.file(FILE)
    if path is None:
        return None
    return parse(csv_rows(read_text(path), FILE, COLUMNS, OPTIONAL), eng)


def check(eng: Engagement, data: dict[str, Any]) -> None:
    """Checks across files, before anything is written (``data``: part name -> what it read).

    Every kpi item is a metric of kpis.csv.
    """
    plan = data.get("actions")
    if plan:
        kpis = data.get("kpis")
        check_items(plan, None if kpis is None else list(kpis.metrics))


def item_changes(snap) -> tuple[dict[str, float | None], tuple[str, str] | None]:
    """Per CS item, its mean sales-side rating in the latest wave minus the wave before, and those two waves.

    The figures are the movement part's (METHOD 9), so the plan and "what moved" agree; with one
    wave there is nothing to compare: ``({}, None)``.
    """
    moved = movement.evaluate_snapshot(snap)["movement"]
    if moved is None:
        return {}, None
    return {i["item"]: i["change"] for i in moved["items"] if i["measure"] == movement.MEAN}, (moved["from"], moved["to"])


def _owner_name(eng: Engagement, rid: str) -> str:
    person = eng.respondent(rid)
    return person.name if person else rid


def _item_name(a: Action, metric_names: dict[str, str]) -> str:
    """What the item is, in words: the question's statement, the KPI metric's name, the lead experiment."""
    if a.source in ("credibility", "knowledge"):
        return items()[a.item].text
    if a.source == "experiment":
        return _("The lead experiment")
    return metric_names.get(a.item, a.item)


def score(plan: list[Action], eng: Engagement, today: date, changes: dict[str, float | None],
          compared: tuple[str, str] | None = None, metric_names: dict[str, str] | None = None) -> dict[str, Any]:
    """The ``actions`` block of results.json for a validated plan, as of ``today``."""
    out = []
    for a in plan:
        overdue = a.status in ACTIVE and a.due_date < today
        change = changes.get(a.item) if a.status == "done" and a.source == "credibility" else None
        out.append({
            "action_id": a.action_id, "source": a.source, "item": a.item, "item_name": _item_name(a, metric_names or {}),
            "action": a.action, "owner": a.owner,
            "owner_name": _owner_name(eng, a.owner), "due": a.due, "status": a.status, "overdue": overdue,
            "item_change": change, "note": a.note,
        })
    counts = Counter(a.status for a in plan)
    return {
        **{s: counts.get(s, 0) for s in STATUSES},
        "overdue": [r["action_id"] for r in out if r["overdue"]],
        "items": out,
        "as_of": today.isoformat(),
        "compared_waves": list(compared) if compared else None,
    }


def evaluate_snapshot(snap, wave: str | None = None) -> dict[str, Any]:
    """The ``actions`` block from a run's snapshot; None when the engagement has no ``actions.csv``.

    The plan is not tied to a wave: overdue is decided on the day the snapshot was taken and
    item changes compare the two latest waves, whatever wave the report shows.
    """
    plan = snap.data.get("actions")
    if plan is None:
        return {"actions": None}
    changes, compared = item_changes(snap)
    today = date.fromisoformat(snap.taken_at[:10])
    kpis = snap.data.get("kpis")
    names = {} if kpis is None else {m.metric: m.name for m in kpis.metrics.values()}
    return {"actions": score(plan, snap.engagement, today, changes, compared, names)}


# --- proposing actions -------------------------------------------------------------------------------------------

def _lead(eng: Engagement, side: str) -> Respondent:
    """Who a proposed action goes to: the side's leader, else its first respondent, else anyone."""
    same_side = [r for r in eng.respondents if r.side == side]
    found = eng.leader(side) or (same_side[0] if same_side else None) or (eng.respondents[0] if eng.respondents
                                                                           else None)
    if found is None:
        raise UserError("engagement.yaml: the engagement has no respondents, so no one can own an action; add the "
                        "two leaders under 'respondents'.")
    return found


def _next_number(plan: list[Action]) -> int:
    numbers = [int(a.action_id[2:]) for a in plan if a.action_id.upper().startswith("A-") and a.action_id[2:].isdigit()]
    return max(numbers, default=0) + 1


def kpi_action(row: dict[str, Any]) -> str:
    """The proposed action for an off-track managed KPI."""
    return _("Get %(name)s back on track: agree with the owner why it is off track and a change to make before the "
             "next period's figures.", name=row["name"])


def _statement(item: str) -> str:
    return items()[item].text.strip().rstrip(".")


def knowledge_action(gap: dict[str, Any], flag: float) -> tuple[str, str]:
    """(the proposed action, the side whose leader owns it) for a question one side cannot judge (METHOD 7):
    the side that can judge it shows the other how it works today; when neither can, marketing finds out."""
    from playbook.parts.knowledge.model import reaches

    short = [s for s in SIDES if reaches((gap.get("sides") or {}).get(s), flag)]
    statement = _statement(gap["item"])
    if len(short) == 1:
        knows = next(s for s in SIDES if s not in short)
        text = (_("Sales cannot judge “%(statement)s”: show sales how it works today at the next joint meeting, and "
                  "ask again at the next wave.", statement=statement) if short[0] == "sales" else
                _("Marketing cannot judge “%(statement)s”: show marketing how it works today at the next joint "
                  "meeting, and ask again at the next wave.", statement=statement))
        return text, knows
    return (_("Many cannot judge “%(statement)s”: find out with both teams how it works today, tell everyone who "
              "was asked, and ask again at the next wave.", statement=statement), "marketing")


def experiment_action(e: dict[str, Any]) -> str | None:
    """The proposed test of marketing leads when the lead experiment is short of reps or not significant; None
    when it is significant with the reps it needs."""
    groups = [(e.get(g) or {}).get("n") or 0 for g in ("treatment", "control")]
    needed = e.get("needed_per_group")
    short = needed is not None and min(groups) < needed
    if e.get("significant") and not short:
        return None
    if needed:
        return _("Test marketing leads before moving budget: extend the lead experiment until each group has %(n)s "
                 "reps (it has %(have)s), chosen at random, then compare what the two groups sell.", n=needed,
                 have=min(groups))
    return _("Test marketing leads before moving budget: repeat the lead experiment with more reps in each group, "
             "chosen at random, then compare what the two groups sell.")


def _wanted(snap, eng: Engagement) -> list[tuple[str, str, str, str]]:
    """(source, item, action, owner) for everything the findings ask for, in the report's order."""
    from playbook.parts import get

    wanted: list[tuple[str, str, str, str]] = []
    cred = get("credibility").evaluate(snap)["credibility"]
    for step in (cred or {}).get("next_steps") or []:
        wanted.append(("credibility", step["item"], step["action"], _lead(eng, "marketing").id))
    flag = float(eng.settings["dont_know_flag"])
    for gap in get("knowledge").evaluate(snap)["knowledge_gaps"] or []:
        text, side = knowledge_action(gap, flag)
        wanted.append(("knowledge", gap["item"], text, _lead(eng, side).id))
    kpis = get("kpis").evaluate(snap)["kpis"]
    for row in (kpis or {}).get("to_date") or []:
        if row["designation"] == "managed" and row["status"] == "off_track":
            side = row["owner"] if row["owner"] in ("marketing", "sales") else "marketing"
            wanted.append(("kpi", row["metric"], kpi_action(row), _lead(eng, side).id))
    experiment = get("economics").evaluate(snap).get("experiment")
    text = experiment_action(experiment) if experiment and experiment.get("lift") is not None else None
    if text:  # the sales leader decides which reps get the leads
        wanted.append(("experiment", "", text, _lead(eng, "sales").id))
    return wanted


def propose(snap, today: date | None = None) -> tuple[list[Action], list[Action]]:
    """(the whole plan, the actions added) from what the snapshot's findings ask for (see the module's docstring)."""
    from playbook.core import formats

    eng = snap.engagement
    today = today or date.today()
    plan = list(snap.data.get("actions") or [])
    busy = {a.item or a.source for a in plan if a.status in ACTIVE and (a.item or a.source == "experiment")}
    due = (today + timedelta(days=PROPOSED_DUE_DAYS)).isoformat()
    with formats.use(eng.settings):  # the actions' words in the engagement's language
        wanted = _wanted(snap, eng)
        note = _("proposed on %(day)s; assign the owner and the due date", day=formats.day(today, "medium"))
    number = _next_number(plan)
    taken = {a.action_id.lower() for a in plan}
    added = []
    for source, item, text, owner in wanted:
        key = item or source
        if key in busy:
            continue
        while f"a-{number:03d}" in taken:
            number += 1
        action = Action(f"A-{number:03d}", source, item, text, owner, due, "open", note)
        taken.add(action.action_id.lower())
        busy.add(key)
        added.append(action)
    return plan + added, added


def writable(eng: Engagement) -> None:
    """Refuse the shipped sample engagement, which is never written (before any proposal is worked out)."""
    if eng.path.resolve() == sample_path().resolve():
        raise UserError(f"{eng.path}: the shipped sample engagement is read-only; create your own engagement with "
                        "'playbook new' (or try 'playbook demo', which works on a copy).")


def save(eng: Engagement, plan: list[Action]) -> None:
    """Write ``actions.csv`` atomically; never into the shipped sample engagement."""
    writable(eng)
    write(eng.path, plan)
