"""The shared report: one self-contained HTML file (and a PDF) for the client.

Built from ``results.json`` and the executed notebooks: findings, figures (SVG)
and tables are the outputs the notebooks tagged with ``playbook`` metadata, so
the report shows exactly what the analysis produced. Nothing in the file loads
from the network; client text is escaped by the template.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import nbformat

from .instruments import instruments, items
from .resources import templates_dir
from .results import PARTS
from .runner import NOTEBOOKS
from .summary import executive

TITLES = {
    "self_evaluation": "Self-evaluations and symptoms",
    "credibility": "Credibility stage",
    "kpis": "Shared KPIs: goals against actuals",
    "economics": "Prospecting economics, attribution and the lead experiment",
}
CHROMIUM_HELP = ("no Chromium found, so report.pdf was not written (report.html was); install it with "
                 "'apt-get install chromium' (Debian/Ubuntu) and run 'playbook report' again.")


def collect(notebook: Path) -> dict[str, list]:
    """The tagged outputs of an executed notebook, in order."""
    found: dict[str, list] = {"findings": [], "figures": [], "tables": []}
    nb = nbformat.read(str(notebook), as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("playbook")
            if not meta:
                continue
            if meta["kind"] == "findings":
                found["findings"].extend(meta["lines"])
            elif meta["kind"] == "figure":
                svg = out["data"].get("image/svg+xml", "")
                found["figures"].append({"title": meta["title"], "svg": _clean_svg(svg)})
            elif meta["kind"] == "table":
                found["tables"].append({"title": meta["title"], "html": meta["html"]})
    return found


def _clean_svg(svg: str | list) -> str:
    text = "".join(svg) if isinstance(svg, list) else svg
    start = text.find("<svg")
    text = text[start:] if start >= 0 else ""
    if "<script" in text.lower() or "javascript:" in text.lower():  # never expected from vl-convert
        return ""
    return text


def sections(results: dict[str, Any], notebooks: Path) -> list[dict[str, Any]]:
    out = []
    for part in PARTS:
        nb = notebooks / NOTEBOOKS[part]
        content = collect(nb) if nb.is_file() else None
        out.append({"part": part, "title": TITLES[part], "content": content})
    return out


def thresholds(settings: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        ("Credibility gap", "more than one 'yes' from the marketing leader (seed rule)"),
        ("Leaders should meet", "one or more 'yes' from the sales leader (seed rule)"),
        ("Symptom severity", f"low up to {settings['symptoms_low_max']}, moderate up to "
                             f"{settings['symptoms_moderate_max']}, severe above"),
        ("Level established", f"score of at least {settings['stage_threshold']:.2f} on a 0–1 scale "
                              f"(mean rating {1 + 4 * settings['stage_threshold']:.1f} of 5)"),
        ("Perception gap flagged", f"marketing and sales means {settings['perception_gap_flag']:.1f} points apart or more"),
        ("KPI status", f"on track at 100% attainment or more, watch from {settings['kpi_watch'] * 100:.0f}%, "
                       "off track below"),
    ]


def render(results: dict[str, Any], notebooks: Path, eng=None) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(templates_dir() / "report")),
                      autoescape=select_autoescape(["html", "j2"]))
    settings = results.get("settings", {})
    answers = []
    if eng is not None and settings.get("show_individual_answers"):
        from .responses import current_answers

        answers = current_answers(eng, wave=results.get("wave"))
    return env.get_template("report.html.j2").render(
        r=results,
        today=date.today().isoformat(),
        summary=executive(results),
        sections=sections(results, notebooks),
        thresholds=thresholds(settings),
        respondents=eng.respondents if eng is not None else [],
        answers=answers,
        items=items(),
        instruments=instruments(),
        paper=settings.get("paper_size", "A4"),
        firm=settings.get("firm_name", ""),
    )


def build(out: Path, eng=None) -> Path:
    """Write ``out/report.html`` from ``out/results.json`` and ``out/notebooks``."""
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    html = render(results, out / "notebooks", eng)
    path = out / "report.html"
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
    return path


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def pdf(html_path: Path, pdf_path: Path, timeout: int = 120) -> Path | None:
    """Print the HTML report to PDF with headless Chromium; None when Chromium is missing."""
    exe = chromium()
    if exe is None:
        return None
    with tempfile.TemporaryDirectory() as profile:
        tmp = pdf_path.with_suffix(".pdf.tmp")
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--no-first-run", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--disable-extensions", f"--user-data-dir={profile}",
               "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
               f"--print-to-pdf={tmp}", html_path.resolve().as_uri()]
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout, check=False)
        if not tmp.is_file() or tmp.stat().st_size == 0:
            raise RuntimeError(f"Chromium ({exe}) did not produce a PDF")
        tmp.replace(pdf_path)
    return pdf_path
