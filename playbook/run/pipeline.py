"""``playbook run``: read the engagement once, execute the notebooks, write results and the report.

One way through: the engagement folder is read and validated once into a snapshot
(responses.csv imported into the store on the way); every notebook computes from that
snapshot; results.json is assembled from the executed notebooks' tagged outputs and the
report from those outputs and the same snapshot. Everything is built in a temporary
folder beside the output and moved into place at the end, so a failure never leaves a
half-written report.

A run is three steps, each also a command of its own so an orchestrator can run them on
several machines (``playbook plan`` writes them down): the snapshot step (``snapshot``),
one papermill job per notebook, and the assembly step (``assemble``).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playbook.core import snapshot as snapshots
from playbook.core.engagement import Engagement, load
from playbook.core.errors import UserError
from playbook.core.files import atomic
from playbook.core.snapshot import Snapshot
from playbook.parts import PARTS, Part, take_snapshot
from playbook.report import deck
from playbook.report import document as report
from playbook.report import pdf as printer
from playbook.run import latest, outputs, results
from playbook.run.runner import Running, notebook_jobs

ARTIFACTS = ("notebooks", snapshots.FILE, "results.json", "report.html", "report.pdf", "report.pptx")


class RunFailed(Exception):
    """A notebook or the report failed for a reason that is not the user's input."""


@dataclass
class RunSummary:
    engagement: Engagement
    out: Path
    parts: list[str]
    seconds: float
    pdf: Path | None
    notes: list[str]
    deck: Path | None = None


def _check_out(out: Path, eng: Engagement) -> None:
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out}: exists and is not a folder; give a folder for the report.")
    if out.resolve() == eng.path:
        raise UserError(f"--out {out}: must not be the engagement folder itself; use a separate folder.")


def _place(tmp: Path, out: Path) -> None:
    """Move the finished artifacts into ``out``, replacing older ones."""
    out.mkdir(parents=True, exist_ok=True)
    for name in ARTIFACTS:
        src, dst = tmp / name, out / name
        if not src.exists():
            if dst.exists() and name in ("report.pdf", "report.pptx"):  # a stale one would contradict the new HTML
                dst.unlink()
            continue
        if dst.is_dir():
            old = out / f".{name}.old"
            shutil.rmtree(old, ignore_errors=True)
            dst.rename(old)
            src.rename(dst)
            shutil.rmtree(old, ignore_errors=True)
        else:
            src.replace(dst)


def _engagement(directory: str | Path, out: str | Path) -> tuple[Engagement, Path]:
    eng = load(directory)
    out = Path(out)
    _check_out(out, eng)
    return eng, out


def _take(eng: Engagement) -> tuple[Snapshot, list[Part]]:
    """The snapshot step: every input read and validated once, responses.csv imported; the parts assessed."""
    snap = take_snapshot(eng, import_answers=True)
    return snap, assessed(snap)


def assessed(snap: Snapshot) -> list[Part]:
    return [p for p in PARTS if p.assessed(snap)]


def _assemble(folder: Path, snap: Snapshot, parts: list[Part], progress: Callable[[str], None], make_pdf: bool,
              branding) -> tuple[Path | None, list[str]]:
    """The assembly step: results.json from ``folder/notebooks``' tagged outputs, then the report, deck and PDF."""
    notebooks = [folder / "notebooks" / name for name in dict.fromkeys(p.notebook for p in parts)]
    res = results.header(snap.engagement)
    res.update(outputs.results_blocks(notebooks))
    missing = [p.name for p in parts if all(res[k] is None for k in p.keys)]
    if missing:
        raise RunFailed(f"the notebooks gave no results for {', '.join(missing)}")
    results.write(res, folder / "results.json")
    html_path = report.build(folder, snap)
    if branding is not None:
        progress("Writing report.pptx")
        deck.build(folder, snap, branding)
    notes: list[str] = []
    pdf_path = None
    if make_pdf and printer.chromium() is None:  # one message, not "printing" and then "no Chromium"
        printer.pdf(html_path, folder / "report.pdf")  # removes an older PDF that would contradict the new report
        notes.append(printer.CHROMIUM_HELP)
    elif make_pdf:
        progress("Printing report.pdf with headless Chromium")
        try:
            pdf_path = printer.pdf(html_path, folder / "report.pdf")
        except RuntimeError as exc:  # Chromium is there but failed: the HTML report still stands
            pdf_path = None
            notes.append(f"report.pdf was not written: {exc}")
        if pdf_path is None and not notes:
            notes.append(printer.CHROMIUM_HELP)
    return pdf_path, notes


def run(directory: str | Path, out: str | Path, progress: Callable[[str], None] = lambda s: None,
        make_pdf: bool = True, make_deck: bool = True, workers: int | None = None) -> RunSummary:
    """The snapshot step, every notebook (``workers`` at once, default one per core), the assembly step."""
    start = time.perf_counter()
    eng, out = _engagement(directory, out)
    branding = deck.brand(eng) if make_deck else None  # the logo and the deck template checked before any work
    snap, parts = _take(eng)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    pdf_path = None
    running = None
    try:
        snap_path = snapshots.save(snap, tmp / snapshots.FILE)
        names = list(dict.fromkeys(p.notebook for p in parts))  # named as the "done" lines name them
        progress(f"Running {len(names)} notebook(s) for {eng.client} ({eng.id}): {', '.join(names)}")
        running = Running(eng, parts, tmp / "notebooks", snap_path, progress, workers)
        failed = [o for o in running.wait() if o.error]
        if failed:
            raise RunFailed("; ".join(f"notebook {o.path.name} failed: {o.error}" for o in failed))
        pdf_path, notes = _assemble(tmp, snap, parts, progress, make_pdf, branding)
        _place(tmp, out)
        latest.record(eng, out, notes)  # where the client's report and `playbook share` find these results
    finally:
        if running is not None:
            running.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return RunSummary(eng, out, [p.name for p in parts], time.perf_counter() - start,
                      out / "report.pdf" if pdf_path else None, notes,
                      out / "report.pptx" if branding is not None else None)


def snapshot(directory: str | Path, out: str | Path) -> tuple[Path, list[Part]]:
    """``playbook snapshot``: the snapshot step alone, written to ``out/snapshot.pickle`` (and ``out/notebooks``
    made, the notebooks' output and working folder). Returns the file and the parts assessed."""
    eng, out = _engagement(directory, out)
    snap, parts = _take(eng)
    (out / "notebooks").mkdir(parents=True, exist_ok=True)
    return snapshots.save(snap, out / snapshots.FILE), parts


def assemble(directory: str | Path, out: str | Path, progress: Callable[[str], None] = lambda s: None,
             make_pdf: bool = True, make_deck: bool = True) -> RunSummary:
    """``playbook assemble``: the assembly step alone, into ``out``, from the snapshot and executed notebooks there."""
    start = time.perf_counter()
    eng, out = _engagement(directory, out)
    branding = deck.brand(eng) if make_deck else None
    snap_file = out / snapshots.FILE
    if not snap_file.is_file():
        raise UserError(f"{out}: no {snapshots.FILE} here; run 'playbook snapshot {directory} --out {out}' first.")
    snap = snapshots.load(snap_file)
    if snap.engagement.id != eng.id:
        raise UserError(f"{out}: this snapshot is of engagement '{snap.engagement.id}', not '{eng.id}'.")
    parts = assessed(snap)
    absent = [j.notebook for j in notebook_jobs(eng, parts, out / "notebooks", snap_file) if not j.output.is_file()]
    if absent:
        raise UserError(f"{out / 'notebooks'}: {', '.join(absent)} not executed yet; run the notebook steps of "
                        f"'playbook plan {directory} --out {out}' first.")
    pdf_path, notes = _assemble(out, snap, parts, progress, make_pdf, branding)
    latest.record(eng, out, notes)
    return RunSummary(eng, out, [p.name for p in parts], time.perf_counter() - start, pdf_path, notes,
                      out / "report.pptx" if branding is not None else None)


def plan(directory: str | Path, out: str | Path, make_pdf: bool = True, make_deck: bool = True) -> Path:
    """``playbook plan``: ``out/plan.json``, the run's steps for an orchestrator (see the README).

    Every path is absolute. Each notebook step is one papermill job whose kernel must run in the step's
    ``cwd`` (``out/notebooks``, which the snapshot step makes): its ``snapshot`` parameter is relative to it,
    exactly as ``playbook run`` passes it. The engagement is read and validated; nothing else is written.
    """
    eng, out = _engagement(directory, out)
    out = out.resolve()
    if make_deck:
        deck.brand(eng)
    snap = take_snapshot(eng)  # validated, responses.csv laid over the store in memory: the parts to plan
    jobs = notebook_jobs(eng, assessed(snap), out / "notebooks", out / snapshots.FILE)
    flags = ([] if make_pdf else ["--no-pdf"]) + ([] if make_deck else ["--no-deck"])
    steps: list[dict] = [{"step": "snapshot", "command": ["playbook", "snapshot", str(eng.path), "--out", str(out)]}]
    steps += [{"step": "notebook", "notebook": j.notebook, "input": str(j.input), "output": str(j.output),
               "cwd": str(j.cwd), "kernel": "python3", "parameters": j.parameters} for j in jobs]
    steps.append({"step": "assemble", "command": ["playbook", "assemble", str(eng.path), "--out", str(out), *flags]})
    doc = {"engagement": eng.id, "engagement_dir": str(eng.path), "out": str(out), "steps": steps}
    out.mkdir(parents=True, exist_ok=True)
    with atomic(out / "plan.json") as tmp:
        tmp.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return out / "plan.json"


def demo(out: str | Path, progress: Callable[[str], None] = lambda s: None, make_pdf: bool = True,
         make_deck: bool = True) -> RunSummary:
    """Run the shipped sample engagement, copied into ``out/engagement`` so its forms can be tried."""
    from playbook.core.engagement import sample_path

    out = Path(out)
    target = out / "engagement"
    if not (target / "engagement.yaml").is_file():
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".engagement.", dir=out))
        shutil.copytree(sample_path(), staging, dirs_exist_ok=True)
        staging.rename(target)
        progress(f"Copied the sample engagement to {target}")
    else:
        progress(f"Using the demo engagement already in {target}")
    return run(target, out, progress, make_pdf, make_deck)
