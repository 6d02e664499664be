"""How the KPI part scales: 60 metrics by 60 monthly periods (issue 4, "Scale").

Builds a temporary engagement with ``kpis.csv`` and ``kpi_values.csv`` of that size,
then times loading and validating the files, scoring, and building each chart and
rendering it to SVG, and prints the size of the KPI section as the report would
embed it (the SVGs plus the scorecard table as HTML). The report must stay under
5 MB. Prints the figures; asserts nothing.

    .venv/bin/python benchmarks/bench_kpis.py [metrics] [periods]
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

UNITS = ("count", "currency", "percent", "ratio", "days", "hours")


def build(folder: Path, metrics: int, periods: int) -> None:
    (folder / "engagement.yaml").write_text(
        "id: bench\nclient: Bench Co\nperiod: 2026-Q4\nrespondents:\n"
        "  - {id: s, name: S, side: sales, role: leader}\n", encoding="utf-8")
    months = [f"{2022 + i // 12}-{i % 12 + 1:02d}" for i in range(periods)]
    defs = ["metric,name,unit,direction,owner,designation,indicator,aggregation"]
    values = ["metric,period,goal,actual"]
    for k in range(metrics):
        unit = UNITS[k % len(UNITS)]
        direction = "lower" if unit in ("days", "hours") else "higher"
        defs.append(f"m-{k:02d},Shared metric number {k},{unit},{direction},"
                    f"{('marketing', 'sales', 'shared')[k % 3]},{('managed', 'monitored')[k % 2]},"
                    f"{('leading', 'lagging')[k % 4 == 3]},{'last' if k % 7 == 0 else ''}")
        goal = {"percent": 60, "currency": 250000, "ratio": 3}.get(unit, 40)
        for i, p in enumerate(months):
            actual = "" if i >= periods - 2 else f"{goal * (0.75 + ((k * 7 + i * 3) % 40) / 100):.2f}"
            values.append(f"m-{k:02d},{p},{goal},{actual}")
    (folder / "kpis.csv").write_text("\n".join(defs) + "\n", encoding="utf-8")
    (folder / "kpi_values.csv").write_text("\n".join(values) + "\n", encoding="utf-8")


def timed(label: str, fn):
    start = time.perf_counter()
    out = fn()
    print(f"{label:<44} {time.perf_counter() - start:8.3f} s")
    return out


def main(metrics: int = 60, periods: int = 60) -> None:
    from playbook.core.engagement import load
    from playbook.parts.charts import to_svg
    from playbook.parts.kpis import model as kpis
    from playbook.parts.kpis import views

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        build(folder, metrics, periods)
        print(f"{metrics} metrics x {periods} monthly periods = {metrics * periods} values")
        eng = load(folder)
        timed("load + validate kpis.csv and kpi_values.csv", lambda: kpis.read(eng))
        result = timed("evaluate (load, validate, score)", lambda: kpis.evaluate(eng))
        size_json = len(json.dumps({"kpis": result}))
        timed("import altair and pandas (once per process)", lambda: __import__("playbook.parts.kpis.views") and
              __import__("altair") and __import__("pandas"))
        section = timed("report_section (findings, charts, table)", lambda: views.report_section({"kpis": result}))
        total_svg = 0
        for title, chart in section["figures"].values():
            svg = timed(f"  to SVG: {title[:34]}", lambda chart=chart: to_svg(chart))
            total_svg += len(svg.encode())
            print(f"{'':<44} {len(svg.encode()) / 1024:8.1f} KiB")
        table = sum(len(t.to_html().encode()) for _, t in section["tables"].values())
        print(f"{'results.json kpis block':<44} {size_json / 1024:8.1f} KiB")
        print(f"{'scorecard table as HTML':<44} {table / 1024:8.1f} KiB")
        total = total_svg + table
        print(f"{'KPI section of the report (SVG + table)':<44} {total / 1024 / 1024:8.2f} MiB (budget: the whole "
              "report under 5 MB)")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)
