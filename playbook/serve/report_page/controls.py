"""The controls of one visitor's report page (ipywidgets), each redrawing only the parts it concerns.

What a choice changes, how a part is computed again and drawn, and the words around it are plain Python in
``viewer.py``; this module places the controls at their parts and puts the redrawn HTML on the page.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from playbook.core import formats
from playbook.core.errors import UserError
from playbook.core.html import macro
from playbook.core.i18n import _
from playbook.serve.report_page.viewer import (
    NO_EXPERIMENT,
    NOT_DRAWN,
    TEMPLATE,
    Choice,
    Drawn,
    Report,
    by_wave,
    changed,
    kpi_owners,
    note,
    note_html,
    planner_values,
    redraw,
    staged_html,
    whatif_start,
)

log = logging.getLogger(__name__)
EVERY = ""  # a filter's "every period" / "every owner"

# A part drawn again shows the report's layout of its new figures at once and their phone layout (charts.phone) once
# the reader has paused this long: drawing both takes twice as long, and while a value is being changed again and
# again only the report's layout is drawn (each phone layout is drawn for the last change only).
PHONE_PAUSE = 0.3  # seconds
# What-if values a page keeps as scenarios: each is a row of the scenario table, computed again at every redraw,
# so their number is bounded (a scripted page could otherwise keep thousands and make each redraw take minutes).
KEPT_MAX = 8


class Live:
    """The controls of one page and the parts they redraw (ipywidgets; one per visitor)."""

    def __init__(self, report: Report, consultant: bool = False):
        self.report = report
        self.consultant = consultant  # a consultant's page: the planner lets them fix which reps go in which group
        self.choice = Choice(report.wave)
        self.drawn = Drawn()
        self.stages: dict[str, Any] = {}
        self.seconds: dict[str, float] = {}  # the last redraw of each part, for the benchmark
        self.phones: dict[str, Any] = {}  # the phone layouts to draw once the reader pauses, by part (_draw)

    # the place where a part is drawn again
    def stage(self, name: str):
        import ipywidgets as w

        if name not in self.stages:
            self.stages[name] = w.HTML(layout=w.Layout(width="100%"))
            self.stages[name].add_class("pb-rp-stage")
            self.stages[name].add_class(f"pb-rp-stage-{name}")
        return self.stages[name]

    def choose(self, **change: Any) -> None:
        """Apply the reader's choice and redraw the parts it concerns."""
        import time

        before = self.choice
        self.choice = replace(self.choice, **change)
        for name in self.stages:
            if any(changed(self.report, name, c) for c in (before, self.choice)) and \
                    self._concerns(name, change):
                start = time.perf_counter()
                self._draw(name)
                self.seconds[name] = time.perf_counter() - start

    @staticmethod
    def _concerns(name: str, change: dict[str, Any]) -> bool:
        keys = set(change)
        return (("wave" in keys and by_wave(name)) or ("basis" in keys and name == "credibility")
                or (keys & {"kpi_period", "kpi_owner"} and name == "kpis")
                or (keys & {"whatif", "kept"} and name == "economics")
                or (keys & {"sla_hours", "lead_source"} and name == "leads"))

    def _draw(self, name: str) -> None:
        """Draw part ``name`` again: in a kernel, the report's layout now and the phone's after a pause (``PHONE_PAUSE``;
        a choice made meanwhile draws again instead); elsewhere (no event loop) both at once."""
        import asyncio

        pending = self.phones.pop(name, None)
        if pending is not None:
            pending.cancel()
        if not changed(self.report, name, self.choice):
            self.stages[name].value = ""  # the run's drawing shows again
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        blocks = ((self._show(name, phone=loop is None) or {}).get("content") or {}).get("blocks", [])
        if loop is not None and any(b["kind"] == "figure" and not b.get("phone_svg") for b in blocks):
            self.phones[name] = loop.call_later(PHONE_PAUSE, self._draw_phone, name, self.choice)

    def _draw_phone(self, name: str, choice: Choice) -> None:
        self.phones.pop(name, None)
        if choice == self.choice:
            self._show(name, phone=True)

    def _show(self, name: str, phone: bool) -> dict[str, Any] | None:
        """Put part ``name`` drawn for the current choice on the page; its section, None when it could not be drawn."""
        stage = self.stages[name]
        try:
            with formats.use(self.report.settings):
                sec = redraw(self.report, name, self.choice, self.drawn, phone)
                stage.value = staged_html(sec, self._note(name))
            return sec
        except UserError as exc:
            stage.value = note_html(exc.message, "pb-invalid")
        except Exception:  # the page stays usable; the reason goes to the server's log
            log.exception("could not redraw %s", name)
            stage.value = note_html(_(NOT_DRAWN), "pb-invalid")
        return None

    def _note(self, name: str) -> str:
        return note(self.report, name, self.choice)

    # the controls
    def waves(self):
        """The wave picker, above the parts read from one wave's answers; None with fewer than two waves."""
        import ipywidgets as w

        waves = self.report.waves
        if len(waves) < 2:
            return None
        with formats.use(self.report.settings):
            picker = w.ToggleButtons(options=[(formats.period(v), v) for v in waves],
                                     value=self.report.wave if self.report.wave in waves else waves[-1],
                                     description=_("Wave"),
                                     style={"description_width": "initial", "button_width": "auto"})
            note = w.HTML(note_html(_("Parts 1 to 4 show the answers of the wave chosen here; the executive summary "
                                      "is for %(wave)s.", wave=formats.period(self.report.wave))))
            box = self._box(_("Choose a wave"), [picker, note])
        picker.add_class("pb-rp-wave")
        picker.observe(lambda ch: self.choose(wave=ch["new"]), names="value")
        return box

    def part(self, name: str):
        """The controls of part ``name`` with the place it is drawn again; None when nothing can change it."""
        import ipywidgets as w

        sec = self.report.section(name)
        controls: list[Any] = []
        title = ""
        if sec["content"] is not None:
            if name == "credibility":
                title, controls = _("Whose ratings"), self._credibility()
            elif name == "kpis":
                title, controls = _("Filter the KPIs"), self._kpis()
            elif name == "economics":
                title, controls = _("What if?"), self._whatif()
            elif name == "leads":
                title, controls = self._leads()
        if not controls and not (by_wave(name) and len(self.report.waves) > 1):
            return None
        if not controls:
            return self.stage(name)
        box = self._box(title, controls)
        return w.VBox([box, self.stage(name)], layout=w.Layout(width="100%"))

    def _box(self, title: str, children: list[Any]):
        import ipywidgets as w

        box = w.VBox([w.HTML(macro(TEMPLATE, "controls_head", title)), *children], layout=w.Layout(width="100%"))
        box.add_class("pb-controls")
        return box

    def _credibility(self) -> list[Any]:
        import ipywidgets as w

        from playbook.parts.credibility.views import VIEW_LABELS

        basis = (self.report.results.get("credibility") or {}).get("basis", "sales")
        toggle = w.ToggleButtons(options=[(_(label), v) for v, label in VIEW_LABELS.items()], value=basis,
                                 style={"button_width": "auto"})
        toggle.add_class("pb-rp-view")
        toggle.observe(lambda ch: self.choose(basis=ch["new"]), names="value")
        return [toggle]

    def _kpis(self) -> list[Any]:
        import ipywidgets as w

        from playbook.parts.kpis.words import owner as owner_name

        kpis = self.report.results.get("kpis") or {}
        owners = kpi_owners(kpis)
        if not owners:
            return []
        style = {"description_width": "70px"}
        layout = w.Layout(width="100%", max_width="360px")
        periods = kpis.get("period_list") or []
        # "" (not None) stands for "every": a Dropdown whose value is None shows nothing chosen at all.
        with formats.use(self.report.settings):
            period = w.Dropdown(options=[(_("To date (every period)"), EVERY),
                                         *[(formats.period(p), p) for p in periods]],
                                value=EVERY, description=_("Period"), style=style, layout=layout)
            owner = w.Dropdown(options=[(_("Every owner"), EVERY), *[(owner_name(o), o) for o in owners]],
                               value=EVERY, description=_("Owner"), style=style, layout=layout)
        period.add_class("pb-rp-period")
        owner.add_class("pb-rp-owner")
        period.observe(lambda ch: self.choose(kpi_period=ch["new"] or None), names="value")
        owner.observe(lambda ch: self.choose(kpi_owner=ch["new"] or None), names="value")
        return [period, owner]

    def _whatif(self) -> list[Any]:
        import ipywidgets as w

        from playbook.parts.economics.whatif import whatif_controls

        start_values = whatif_start(self.report.results)
        if start_values is None:
            return []
        with formats.use(self.report.settings):
            controls = whatif_controls(start_values)
            reset = w.Button(description=_("Back to the engagement's figures"), layout=w.Layout(width="auto"))
            keep = w.Button(description=_("Keep these values as a scenario"), layout=w.Layout(width="auto"))
            name = _("What-if %(n)s")
        start = {k: c.value for k, c in controls.items()}

        def values() -> tuple[tuple[str, float], ...]:
            return tuple((k, float(c.value)) for k, c in controls.items())

        def update(_change: Any = None) -> None:
            self.choose(whatif=None if dict(values()) == start else values())

        def restore(_button: Any) -> None:
            for k, c in controls.items():
                c.unobserve(update, names="value")
                c.value = start[k]
                c.observe(update, names="value")
            update()

        def keep_values(_button: Any) -> None:
            if len(self.choice.kept) >= KEPT_MAX or dict(values()) == start \
                    or values() in [v for _, v in self.choice.kept]:
                return  # the page holds its most, or the current plan, or kept already
            self.choose(kept=(*self.choice.kept, (name % {"n": len(self.choice.kept) + 1}, values())))
            if len(self.choice.kept) >= KEPT_MAX:
                with formats.use(self.report.settings):
                    keep.description = _("%(n)s scenarios kept, the most one page holds", n=KEPT_MAX)
                keep.disabled = True

        for c in controls.values():
            c.add_class("pb-rp-whatif")
            c.observe(update, names="value")
        reset.on_click(restore)
        keep.on_click(keep_values)
        keep.add_class("pb-rp-keep")
        return [*controls.values(), w.HBox([keep, reset], layout=w.Layout(flex_flow="row wrap"))]

    def _leads(self) -> tuple[str, list[Any]]:
        """The SLA to try (the follow-up figures redraw) and the source whose funnel and reasons are shown."""
        import ipywidgets as w

        from playbook.core.i18n import _
        from playbook.parts.leads.words import source_name

        # From results.json (None exactly when the run's snapshot holds no leads; its sources in the model's order,
        # every source then all of them), so the page is drawn without the snapshot or numpy
        result = self.report.results.get("leads")
        if not result:
            return "", []
        agreed = float(result["sla_hours"])
        with formats.use(self.report.settings):
            style = {"description_width": "190px"}
            layout = w.Layout(width="100%", max_width="460px")
            sla = w.FloatSlider(value=agreed, min=0.5, max=max(40.0, agreed * 2), step=0.5, continuous_update=False,
                                readout_format=".1f", description=_("SLA (business hours)"), style=style,
                                layout=layout)
            source = w.Dropdown(options=[(source_name(s), s) for s in result["sources"]], value="marketing",
                                description=_("Funnel of"), style=style, layout=layout)
            title = _("Try another SLA, or another source")
        sla.add_class("pb-rp-sla")
        source.add_class("pb-rp-source")
        sla.observe(lambda ch: self.choose(sla_hours=None if ch["new"] == agreed else float(ch["new"])),
                    names="value")
        source.observe(lambda ch: self.choose(lead_source=None if ch["new"] == "marketing" else ch["new"]),
                       names="value")
        return title, [sla, source]

    def planner(self):
        """The experiment planner: how many reps each group needs, and who goes in which group; from the
        engagement's own figures only. Without them, a sentence saying what planning needs (never a tool filled
        with made-up figures); None when the part was not assessed (its section says so)."""
        import ipywidgets as w

        if self.report.section("economics")["content"] is None:
            return None
        v = planner_values(self.report.results)
        with formats.use(self.report.settings):
            if v is None:
                panel = w.HTML(note_html(_(NO_EXPERIMENT)))
            else:
                from playbook.parts.economics.whatif import planner_panel

                panel = planner_panel(None, v["reps"], v["target_lift"], v["control_mean"], v["control_sd"],
                                      v["seed"], split=self.consultant)
        panel.add_class("pb-controls")
        panel.add_class("pb-rp-planner")
        return panel
