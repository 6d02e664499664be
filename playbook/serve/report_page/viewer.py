"""The client's interactive report: the shared report's story on one page, with controls at their parts.

The page shows the engagement's latest run (``playbook.run.latest``): the executive summary from its
results.json (``report.summary``) and every part from its executed notebooks' tagged outputs, numbered
and worded as the shared report (``report.document.sections``): opening the page computes nothing heavy.
A control (the wave, the credibility view, the KPI period and owner, the prospecting what-if) recomputes
only its parts from the run's snapshot, through the parts' own models and views, and draws again only the
charts that changed (``Drawn``). The redrawn part takes the place of the run's drawing (``staged_html``).

What anyone sees here is the shared report's content: pooled figures, with the confidentiality rules of
METHOD 8 already applied by the models (``suppressed``); no form, no individual answer, no comment and
no respondent's name. Client text is escaped by the templates (``templates/html/report_page.html.j2``).

Everything here is plain Python (no widgets), for the page and its tests; ``controls.Live`` holds the
controls of one visitor's page.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from playbook import parts
from playbook.core import formats
from playbook.core.html import macro
from playbook.core.i18n import N_, _
from playbook.report import document
from playbook.report.summary import story_html

log = logging.getLogger(__name__)
TEMPLATE = "report_page.html.j2"
NOT_READY = N_("This report is not ready yet; your consultant will send the link again when it is.")
NOT_READY_CONSULTANT = N_("This report is not ready yet: it shows the latest analysis of this engagement and there "
                          "is none so far. Run the analysis (playbook run) and open this page again.")
NOT_DRAWN = N_("This view could not be drawn. Please try another choice, or reload the page.")
# A reason naming one of the engagement's files is for the consultant, not for this page.
FILE_NAME = re.compile(r"\b[\w-]+\.(csv|ya?ml|json|ipynb|pickle|xlsx|html|pdf|pptx|png|jpe?g)\b", re.IGNORECASE)
# Without the engagement's own figures to plan from, the page says what planning needs (never made-up figures).
NO_EXPERIMENT = N_("No test of marketing leads was run in this engagement and its figures do not yet say how much a "
                   "rep sells, so there is nothing to plan from. Planning one needs the reps who would take part "
                   "and their revenue per rep; your consultant sets it up with you.")


# -- the report: a run's results and drawings ------------------------------------------------------
@dataclass
class Report:
    """What the page shows: results.json and each part's section (``document.sections``)."""

    results: dict[str, Any]
    sections: list[dict[str, Any]]
    out: Path | None = None  # the run's folder; None when computed here (no run)
    snap: Any = field(default=None, repr=False)

    @classmethod
    def from_run(cls, out: Path) -> Report:
        results = json.loads((out / "results.json").read_text(encoding="utf-8"))
        if not isinstance(results, dict):
            raise ValueError("results.json holds no results")
        return cls(results, document.sections(results, out / "notebooks"), out)

    @classmethod
    def computed(cls, snap) -> Report:
        """Every part computed and drawn now, from ``snap`` (a page away from a server with no run)."""
        from playbook.run import results as run_results

        res = json.loads(run_results.dumps(run_results.compute(snap)))
        with formats.use(res["settings"]):
            return cls(res, document.sections(res, None), None, snap)

    def snapshot(self):
        """The run's snapshot (every input, read once by the run), loaded on first use."""
        if self.snap is None:
            from playbook.core import snapshot as snapshots

            self.snap = snapshots.load(self.out / snapshots.FILE)
        return self.snap

    def section(self, name: str) -> dict[str, Any]:
        return next(s for s in self.sections if s["part"] == name)

    @property
    def settings(self) -> dict[str, Any]:
        return self.results.get("settings") or {}

    @property
    def wave(self) -> str:
        return self.results.get("wave") or self.results.get("period") or ""

    @property
    def waves(self) -> list[str]:
        """The waves with answers, oldest first."""
        return [str(w["wave"]) for w in self.results.get("waves") or [] if w.get("wave")]

    @property
    def as_of(self) -> str:
        """The day the run was made, written for people in the client's locale (``November 24, 2026``)."""
        try:
            day = date.fromisoformat(str(self.results.get("generated_at", ""))[:10])
        except ValueError:
            return ""
        with formats.use(self.settings):
            return formats.day(day)


def find(eng) -> Report | None:
    """The report of ``eng``'s latest run; None when there is none (or its results cannot be read)."""
    from playbook.run import latest

    out = latest.find(eng)
    if out is None:
        return None
    try:
        return Report.from_run(out)
    except (OSError, ValueError) as exc:
        log.warning("the latest run of %s in %s cannot be shown: %s", eng.id, out, exc)
        return None


# -- the page's HTML ------------------------------------------------------------------------------
def style_html() -> str:
    """The shared report's theme, as the page's style."""
    return macro(TEMPLATE, "style", document.theme())


def cover_html(report: Report, eng, logo: str = "") -> str:
    r = report.results
    with formats.use(report.settings):
        return macro(TEMPLATE, "cover", report.settings.get("firm_name") or "", r.get("client") or eng.client, logo,
                     formats.period(r.get("period") or ""), report.as_of)


def summary_html(report: Report) -> str:
    with formats.use(report.settings):
        return macro(TEMPLATE, "summary", story_html(report.results, plan="#pb-part-actions"), report.sections)


def absent(section: dict[str, Any]) -> str:
    """Why a part was not assessed, in the page's words: a reason that names a file is left out."""
    reason = section.get("absent") or ""
    return "" if FILE_NAME.search(reason) else reason


def head_html(section: dict[str, Any], report: Report | None = None) -> str:
    with formats.use(report.settings if report is not None else None):
        return macro(TEMPLATE, "part_head", section, document.intros().get(section["part"], ""))


def static_html(section: dict[str, Any], report: Report | None = None) -> str:
    with formats.use(report.settings if report is not None else None):
        return macro(TEMPLATE, "static", section, absent(section))


def staged_html(section: dict[str, Any], note: str = "") -> str:
    return macro(TEMPLATE, "staged", section, absent(section), note)


def footer_html(report: Report) -> str:
    with formats.use(report.settings):
        return macro(TEMPLATE, "footer", report.settings.get("firm_name") or "", report.results.get("client") or "",
                     report.as_of)


def note_html(text: str, cls: str = "pb-note") -> str:
    return macro(TEMPLATE, "note", text, cls)


# -- redrawing a part for the reader's choices ----------------------------------------------------
@dataclass(frozen=True)
class Choice:
    """What the reader chose: None (and the run's wave) is the report as the run drew it."""

    wave: str
    basis: str | None = None  # the credibility view: sales, marketing, all
    kpi_period: str | None = None
    kpi_owner: str | None = None
    whatif: tuple[tuple[str, float], ...] | None = None  # the prospecting what-if's values, by override name
    kept: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = ()  # what-if values kept as scenarios: (name, values)
    sla_hours: float | None = None  # the lead follow-up SLA tried, in business hours
    lead_source: str | None = None  # the source whose funnel and reasons are shown (None: marketing's)


def by_wave(name: str) -> bool:
    """Whether part ``name`` is read from one wave's answers (the wave picker redraws it)."""
    return name != "actions" and bool(parts.get(name).items)


def changed(report: Report, name: str, choice: Choice) -> bool:
    """Whether part ``name`` looks different under ``choice`` than in the run."""
    cred = report.results.get("credibility") or {}
    return ((by_wave(name) and choice.wave != report.wave)
            or (name == "credibility" and choice.basis not in (None, cred.get("basis")))
            or (name == "kpis" and (choice.kpi_period, choice.kpi_owner) != (None, None))
            or (name == "economics" and (choice.whatif is not None or bool(choice.kept)))
            or (name == "leads" and (choice.sla_hours, choice.lead_source) != (None, None)))


class Drawn:
    """Charts drawn on this page, by their specification: a chart that did not change is not drawn again."""

    def __init__(self) -> None:
        self._svg: dict[str, str] = {}

    def svg(self, chart) -> str:
        from playbook.parts.charts import to_svg

        # Made once, unchecked: the same chart functions made the run's figures, checked against the schema there.
        spec = chart.to_dict(validate=False)
        key = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode("utf-8")).hexdigest()
        if key not in self._svg:
            self._svg[key] = to_svg(spec)
        return self._svg[key]


def part_results(report: Report, name: str, choice: Choice) -> tuple[dict[str, Any], dict[str, Any]]:
    """The results and the section of part ``name`` under ``choice``, from the run's snapshot."""
    res, section, _only = _results(report, name, choice)
    return res, section()


def _results(report: Report, name: str, choice: Choice):
    """The results of part ``name`` under ``choice``, a function making its section (the same for the report's
    layout and, inside ``charts.phone()``, a phone's), and the names of the only figures that section draws (None:
    all of them; the others stand as the run drew them)."""
    part = parts.get(name)
    snap = report.snapshot()
    res = {**report.results, "wave": choice.wave}
    if name == "credibility":
        from playbook.parts.credibility import model, views

        res.update(model.evaluate_snapshot(snap, choice.wave, choice.basis or "auto"))
        shown = views.SHOWN_WITH[choice.basis] if choice.basis else views.SHOWN_WITH["sales"]
        return res, lambda: views.report_section(res, shown), None
    if name == "kpis" and changed(report, name, choice) and snap.data.get("kpis") is not None:
        from playbook.parts.kpis import model

        data = model.select(snap.data["kpis"], choice.kpi_period, choice.kpi_owner)
        res["kpis"] = {**model.score(data, float(snap.engagement.settings["kpi_watch"])),
                       "selection": {"period": choice.kpi_period, "owner": choice.kpi_owner}}
    elif name == "leads" and changed(report, name, choice) and snap.data.get("leads") is not None:
        return _leads(res, snap, choice)
    elif name == "economics" and changed(report, name, choice):
        from playbook.parts.economics import model, views

        # the one computation of a plan (METHOD 12), as the run's scenarios, with the run's recorded deals; only the
        # plan's figures change with it
        res["prospecting"] = model.whatif(snap, report.results, dict(choice.whatif or ()),
                                          [(kept, dict(values)) for kept, values in choice.kept])
        return res, lambda: views.report_section(res, views.PLAN_FIGURES), views.PLAN_FIGURES
    elif by_wave(name):
        res.update(part.evaluate(snap, choice.wave))
    return res, lambda: part.section(res), None


def _leads(res: dict[str, Any], snap, choice: Choice):
    """The leads measured again with the SLA tried, the funnel and reasons of the source chosen."""
    from playbook.parts.leads import model, views

    settings = dict(snap.engagement.settings)
    if choice.sla_hours is not None:
        settings["lead_sla_hours"] = float(choice.sla_hours)
    data = snap.data["leads"]
    res["leads"] = model.evaluate_data(data, settings, snap, report_wave(res))["leads"]
    source = choice.lead_source or "marketing"
    if choice.lead_source not in (None, model.ALL):
        res["leads"]["reasons"] = model.reasons(data, source)
    return res, lambda: views.report_section(res, source), None


def report_wave(res: dict[str, Any]) -> str | None:
    """The wave the run's results are of (the symptom answers up to it count)."""
    return res.get("wave") or res.get("period") or None


def redraw(report: Report, name: str, choice: Choice, drawn: Drawn | None = None, phone: bool = True
           ) -> dict[str, Any]:
    """Part ``name``'s section (as in ``report.sections``) under ``choice``: its figures and tables in the run's
    order and numbering, the charts that did not change taken from ``drawn``. With ``phone`` False the figures
    drawn again have no phone layout yet (the page shows the report's layout until it has one)."""
    from playbook.parts import charts

    part = parts.get(name)
    before = report.section(name)
    with formats.use(report.settings):
        res, section, only = _results(report, name, choice)
        if not document.assessed(part, res):
            return {**before, "content": None}
        sec = section()
        phones = {}
        if phone and sec["figures"]:
            with charts.phone():
                phones = section()["figures"]
        found = document.from_results(part, res, (drawn or Drawn()).svg, sec, phones)
    run = (before["content"] or {}).get("blocks", [])
    if only is not None:  # the figures a choice does not change, as the run drew them
        found["blocks"] += [{**b} for b in run if b["kind"] == "figure" and b["name"] not in only]
    order = [(b["kind"], b.get("name")) for b in run]
    found["blocks"].sort(key=lambda b: order.index((b["kind"], b["name"])) if (b["kind"], b["name"]) in order
                         else len(order))
    return {**before, "content": document.numbered(found, before["number"])}


def note(report: Report, name: str, choice: Choice) -> str:
    """What a redrawn part shows, in one line above it ("" when it is the run's drawing)."""
    if by_wave(name) and choice.wave != report.wave:
        return _("Answers of %(wave)s; the executive summary is for %(report)s.", wave=formats.period(choice.wave),
                 report=formats.period(report.wave))
    if name == "kpis" and changed(report, name, choice):
        from playbook.parts.kpis.words import owner

        who = (_("owned by %(owner)s", owner=owner(choice.kpi_owner)) if choice.kpi_owner
               else _("of every owner"))
        when = (_("in %(period)s only", period=formats.period(choice.kpi_period)) if choice.kpi_period
                else _("to date"))
        return _("The KPIs %(who)s, %(when)s; the executive summary counts them all.", who=who, when=when)
    if name == "economics" and changed(report, name, choice):
        if choice.kept:
            return _("With the values chosen above and the scenarios kept on this page (until it is closed); the "
                     "executive summary uses the engagement's own figures.")
        return _("With the values chosen above; the executive summary uses the engagement's own figures.")
    if name == "leads" and changed(report, name, choice):
        return _leads_note(report, choice)
    return ""


def kpi_owners(kpis: dict[str, Any]) -> list[str]:
    """The owners of the run's KPIs (results.json's ``kpis.to_date``): known owners in their usual order, then any
    other. Read from the results so the page's controls are drawn without loading the run's snapshot."""
    from playbook.parts.kpis.words import OWNERS

    found = list(dict.fromkeys(str(r.get("owner")) for r in kpis.get("to_date") or [] if r.get("owner")))
    return [o for o in OWNERS if o in found] + [o for o in found if o not in OWNERS]


def whatif_start(results: dict[str, Any]) -> dict[str, Any] | None:
    """The prospecting what-if's starting values (the engagement's own figures) as results.json holds them, shaped
    as ``whatif_controls`` takes them; None when the run has no prospecting economics."""
    p = results.get("prospecting") or {}
    values = {"reps": p.get("reps"), "cost_per_rep": p.get("cost_per_rep"),
              "prospecting_share": p.get("prospecting_share"), "program_cost": (p.get("marketing") or {}).get("cost")}
    if any(not isinstance(v, (int, float)) or isinstance(v, bool) for v in values.values()):
        return None
    program_cost = values.pop("program_cost")
    return {**values, "marketing": {"program_cost": program_cost}}


def _leads_note(report: Report, choice: Choice) -> str:
    from playbook.core.formats import number
    from playbook.core.i18n import _
    from playbook.parts.leads.words import SHOWN_SOURCE

    parts = []
    agreed = float((report.results.get("leads") or {}).get("sla_hours") or report.settings.get("lead_sla_hours") or 0)
    if choice.sla_hours is not None and float(choice.sla_hours) != agreed:
        parts.append(_("Follow-up against an SLA of %(tried)s business hours; the agreed SLA, in the executive summary, "
                       "is %(agreed)s.", tried=number(choice.sla_hours, None), agreed=number(agreed, None)))
    if choice.lead_source in SHOWN_SOURCE:
        parts.append(_(SHOWN_SOURCE[choice.lead_source]))
    return " ".join(parts)


def planner_values(results: dict[str, Any]) -> dict[str, Any] | None:
    """The experiment planner's starting values: the engagement's own figures (``experiment.planner_inputs``: its
    experiment, else its team and the won revenue per rep its deal list records). None when it has neither: the
    page then says what planning needs, never a planner filled with made-up figures."""
    from playbook.parts.economics.experiment import planner_inputs

    e, p, a = (results.get(k) for k in ("experiment", "prospecting", "attribution"))
    own = (e and e.get("control") and e.get("treatment")) or (p and p.get("reps") and a and a.get("won_revenue"))
    return planner_inputs(results) if own else None
