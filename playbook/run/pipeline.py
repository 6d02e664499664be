"""``playbook run``: read the engagement once, execute the notebooks, write results and the report.

One way through: the engagement folder is read and validated once into a snapshot
(responses.csv imported into the store on the way); every notebook computes from that
snapshot; results.json is assembled from the executed notebooks' tagged outputs and the
report from those outputs and the same snapshot. Everything is built in a temporary
folder beside the output and moved into place at the end, so a failure never leaves a
half-written report.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playbook.core import snapshot as snapshots
from playbook.core.engagement import Engagement, load
from playbook.core.errors import UserError
from playbook.parts import PARTS, take_snapshot
from playbook.report import deck
from playbook.report import document as report
from playbook.report import pdf as printer
from playbook.run import outputs, results
from playbook.run.runner import Running

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


def run(directory: str | Path, out: str | Path, progress: Callable[[str], None] = lambda s: None,
        make_pdf: bool = True, make_deck: bool = True) -> RunSummary:
    start = time.perf_counter()
    eng = load(directory)
    out = Path(out)
    _check_out(out, eng)
    branding = deck.brand(eng) if make_deck else None  # the logo and the deck template checked before any work
    snap = take_snapshot(eng, import_answers=True)  # every input read and validated, once
    parts = [p for p in PARTS if p.assessed(snap)]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    notes: list[str] = []
    pdf_path = None
    running = None
    try:
        snap_path = snapshots.save(snap, tmp / snapshots.FILE)
        names = [p.name for p in parts]
        progress(f"Running {len(parts)} notebook(s) for {eng.client} ({eng.id}): {', '.join(names)}")
        running = Running(eng, parts, tmp / "notebooks", snap_path, progress)
        outcomes = running.wait()
        failed = [o for o in outcomes if o.error]
        if failed:
            raise RunFailed("; ".join(f"notebook {o.path.name} failed: {o.error}" for o in failed))
        res = results.header(eng)
        res.update(outputs.results_blocks([o.path for o in outcomes]))
        missing = [p.name for p in parts if all(res[k] is None for k in p.keys)]
        if missing:
            raise RunFailed(f"the notebooks gave no results for {', '.join(missing)}")
        results.write(res, tmp / "results.json")
        html_path = report.build(tmp, snap)
        if branding is not None:
            progress("Writing report.pptx")
            deck.build(tmp, snap, branding)
        if make_pdf:
            progress("Printing report.pdf with headless Chromium")
            try:
                pdf_path = printer.pdf(html_path, tmp / "report.pdf")
            except RuntimeError as exc:  # Chromium is there but failed: the HTML report still stands
                pdf_path = None
                notes.append(f"report.pdf was not written: {exc}")
            if pdf_path is None and not notes:
                notes.append(printer.CHROMIUM_HELP)
        _place(tmp, out)
    finally:
        if running is not None:
            running.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return RunSummary(eng, out, [p.name for p in parts], time.perf_counter() - start,
                      out / "report.pdf" if pdf_path else None, notes,
                      out / "report.pptx" if branding is not None else None)


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
