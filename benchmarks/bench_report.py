"""How long the shared report and the deck take to build, and how big they get.

Runs the shipped sample engagement once (papermill, no PDF, no deck) into a temporary
folder, then times ``document.build`` (HTML from results.json and the executed
notebooks), the same build with the notebooks removed (every chart rendered from
results.json instead), ``deck.build`` (report.pptx: goal at most 1 s and 5 MB for the
demo) and ``report.pdf`` (headless Chromium). With ``--large`` it also builds the
generated large engagement of ``bench_scale.py`` and times its deck. Prints the figures;
asserts nothing.

    .venv/bin/python benchmarks/bench_report.py [--large]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def timed(label: str, fn):
    start = time.perf_counter()
    value = fn()
    print(f"{label:<46} {time.perf_counter() - start:6.2f} s")
    return value


def _deck(label: str, out: Path) -> None:
    """Time report.pptx for the run in ``out`` (twice: the first pays for importing python-pptx)."""
    from playbook.core import snapshot
    from playbook.report import deck

    snap = snapshot.load(out / snapshot.FILE)
    brand = deck.brand(snap.engagement)
    timed(f"deck.build, {label} (first, with imports)", lambda: deck.build(out, snap, brand))
    path = timed(f"deck.build, {label}", lambda: deck.build(out, snap, brand))
    from pptx import Presentation

    slides = len(Presentation(str(path)).slides)
    print(f"{'report.pptx, ' + label:<46} {path.stat().st_size / 1024:6.0f} KB, {slides} slides")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--large", action="store_true", help="also the generated large engagement (slow)")
    args = parser.parse_args()

    from playbook.core import snapshot
    from playbook.core.engagement import sample_path
    from playbook.report import document
    from playbook.report import pdf as printer
    from playbook.run.pipeline import run

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        shutil.copytree(sample_path(), base / "eng")
        timed("playbook run (sample, no PDF, no deck)",
              lambda: run(base / "eng", base / "out", make_pdf=False, make_deck=False))
        snap = snapshot.load(base / "out" / snapshot.FILE)
        html = timed("report.html from executed notebooks", lambda: document.build(base / "out", snap))
        print(f"{'report.html size':<46} {html.stat().st_size / 1024:6.0f} KB")
        shutil.copytree(base / "out", base / "bare")
        shutil.rmtree(base / "bare" / "notebooks")
        timed("report.html from results.json only", lambda: document.build(base / "bare", snap))
        _deck("demo", base / "out")
        if args.large:
            from bench_scale import build

            build(base / "large")
            timed("playbook run (large, no PDF, no deck)",
                  lambda: run(base / "large", base / "large-out", make_pdf=False, make_deck=False))
            _deck("large", base / "large-out")
        pdf = timed("report.pdf (headless Chromium)", lambda: printer.pdf(html, base / "out" / "report.pdf"))
        if pdf is None:
            print("no Chromium: PDF not timed")
            return
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout if shutil.which("pdfinfo") else ""
        pages = next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")
        print(f"{'report.pdf':<46} {pdf.stat().st_size / 1024:6.0f} KB, {pages} pages")


if __name__ == "__main__":
    main()
