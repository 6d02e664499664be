"""The parts of an engagement, in report order: the one list the runner, results, report and pages iterate.

Each part is a package beside this file with ``model.py`` (the rules of the method, on plain data),
``words.py`` (findings in plain words) and ``views.py`` (charts, tables and ``report_section``).
Adding a part means adding its folder, its notebook and one entry below.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

from playbook.core.i18n import N_


@dataclass(frozen=True)
class Part:
    name: str  # the package under playbook/parts/
    title: str  # section title in the report and on pages (marked for the catalogs: translate with _())
    notebook: str  # file in notebooks/
    keys: tuple[str, ...]  # the results.json keys the part fills in
    absent: str  # one sentence for the client: what is missing and what the part needs (translate with _())
    items: tuple[str, ...] = ()  # answer item prefixes it scores (parts scored from answers)
    all_waves: bool = False  # whether answers of any wave make it assessed (else the period's)

    def module(self, kind: str):
        """The part's ``model``, ``words`` or ``views`` module (imported on first use)."""
        return import_module(f"playbook.parts.{self.name}.{kind}")

    def assessed(self, snap) -> bool:
        """Whether the snapshot holds this part's input (answers, or its files)."""
        if self.items:
            answers = snap.answers if self.all_waves else snap.wave_answers()
            return any(a["item"].startswith(self.items) for a in answers)
        return snap.data.get(self.name) is not None

    def evaluate(self, snap, wave: str | None = None) -> dict[str, Any]:
        """This part's results.json blocks, computed from a run's snapshot."""
        return self.module("model").evaluate_snapshot(snap, wave)

    def section(self, results: dict[str, Any]) -> dict[str, Any]:
        """Findings, figures and tables, by name, for the notebook, the pages and the report."""
        return self.module("views").report_section(results)


PARTS: tuple[Part, ...] = (
    Part("self_evaluation", N_("Self-evaluations and symptoms"), "self_evaluation.ipynb",
         ("self_evaluation", "symptoms"),
         N_("No one answered the self-evaluations or reported symptoms. It needs the two leaders' self-evaluations "
            "and everyone's answers on the symptoms of misalignment."),
         items=("MSE", "SSE", "SYM")),
    Part("credibility", N_("Credibility stage"), "credibility_stage.ipynb",
         ("credibility",), N_("No one rated marketing's credibility. It needs ratings of the credibility statements, "
                              "above all from the sales side."),
         items=("CS",), all_waves=True),
    Part("knowledge", N_("Knowledge gaps: what one side cannot judge"), "self_evaluation.ipynb", ("knowledge_gaps",),
         N_("No one answered the questionnaires yet. It needs answers to the self-evaluations, the symptoms or the "
            "credibility statements."), items=("MSE", "SSE", "SYM", "CS")),
    Part("movement", N_("What moved since the last wave"), "credibility_stage.ipynb", ("waves", "movement"),
         N_("No answers were collected in any wave. It needs the answers of two waves to show what moved."),
         items=("MSE", "SSE", "SYM", "CS"), all_waves=True),
    Part("kpis", N_("Shared KPIs: goals against actuals"), "kpi_scorecard.ipynb",
         ("kpis",), N_("The engagement has no shared KPIs yet. It needs the metrics both teams share, with a goal and "
                       "an actual for each period.")),
    Part("economics", N_("Prospecting economics, attribution and the lead experiment"), "prospecting_economics.ipynb",
         ("prospecting", "attribution", "experiment"),
         N_("The engagement has no prospecting figures, deal list or lead experiment. It needs the reps' cost and "
            "time spent prospecting, the won deals with their source, or the results of a test of marketing leads.")),
    Part("leads", N_("Lead follow-up: what people say against what the CRM records"), "lead_funnel.ipynb", ("leads",),
         N_("The engagement has no leads from its CRM yet. It needs the CRM's list of leads: when each came in, "
            "when sales followed it up and what became of it.")),
    Part("actions", N_("The action plan"), "action_plan.ipynb", ("actions",),
         N_("The engagement has no action plan yet. It needs the actions agreed from the next steps and the "
            "off-track KPIs, each with an owner and a due date.")),
)
BY_NAME: dict[str, Part] = {p.name: p for p in PARTS}


def get(name: str) -> Part:
    return BY_NAME[name]


def take_snapshot(eng, import_answers: bool = False):
    """Every input of ``eng`` read once (see ``playbook.core.snapshot``), each part's files by its own reader.

    A part's model may also have ``check(eng, data)``: checks across files (an action's KPI metric
    against kpis.csv), given what every part read, before anything is written.
    """
    from playbook.core import snapshot

    def check_all(eng, data) -> None:
        for part in PARTS:
            check = getattr(part.module("model"), "check", None)
            if check is not None:
                check(eng, data)

    return snapshot.take(eng, {p.name: p.module("model").read for p in PARTS}, import_answers, check_all)
