"""How long the shared report takes to build and print, and how big it gets.

Runs the shipped sample engagement once (papermill, no PDF) into a temporary
folder, then times ``report.build`` (HTML from results.json and the executed
notebooks), the same build with the notebooks removed (every chart rendered
from results.json instead), and ``report.pdf`` (headless Chromium). Prints the
figures; asserts nothing.

    .venv/bin/python benchmarks/bench_report.py
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path


def timed(label: str, fn):
    start = time.perf_counter()
    value = fn()
    print(f"{label:<42} {time.perf_counter() - start:6.2f} s")
    return value


def main() -> None:
    from playbook import load
    from playbook.core.engagement import sample_path
    from playbook.report import document as report
    from playbook.run.pipeline import run

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        shutil.copytree(sample_path(), base / "eng")
        timed("playbook run (sample, no PDF)", lambda: run(base / "eng", base / "out", make_pdf=False))
        eng = load(base / "eng")
        html = timed("report.build from executed notebooks", lambda: report.build(base / "out", eng))
        print(f"{'report.html size':<42} {html.stat().st_size / 1024:6.0f} KB")
        shutil.copytree(base / "out", base / "bare")
        shutil.rmtree(base / "bare" / "notebooks")
        timed("report.build from results.json only", lambda: report.build(base / "bare", eng))
        pdf = timed("report.pdf (headless Chromium)", lambda: report.pdf(html, base / "out" / "report.pdf"))
        if pdf is None:
            print("no Chromium: PDF not timed")
            return
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout if shutil.which("pdfinfo") else ""
        pages = next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")
        print(f"{'report.pdf':<42} {pdf.stat().st_size / 1024:6.0f} KB, {pages} pages")


if __name__ == "__main__":
    main()
