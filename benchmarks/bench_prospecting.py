"""How long the economics part takes on a large CRM export.

Generates a 200,000-deal ``deals.csv`` in a temporary folder, then times its
validation, the attribution figures, the whole economics part on the sample
engagement and the charts (built and rendered to SVG). Prints the figures;
asserts nothing.

    .venv/bin/python benchmarks/bench_prospecting.py [number-of-deals]

``make_deals`` is also how the sample engagement's ``deals.csv`` was made:
``make_deals(360, seed=2026)``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SOURCES = np.array(["marketing", "sales", "partner", "other"])
SOURCE_WEIGHTS = [0.22, 0.55, 0.15, 0.08]


def make_deals(n: int, seed: int = 2026, reps: int = 24) -> str:
    """The text of a plausible deals.csv with ``n`` deals, the same for the same seed."""
    rng = np.random.default_rng(seed)
    source = rng.choice(SOURCES, size=n, p=SOURCE_WEIGHTS)
    amount = np.round(rng.lognormal(mean=10.6, sigma=0.6, size=n), -2)
    won = rng.random(n) < np.where(source == "partner", 0.42, 0.33)
    touched = np.where(source == "marketing", rng.integers(1, 7, n),
                       np.where(rng.random(n) < 0.45, rng.integers(1, 5, n), 0))
    rep = rng.integers(1, reps + 1, n)
    lines = ["deal_id,rep,amount,won,source,marketing_touches"]
    lines += [f"HFS-{i + 1:06d},rep-{r:02d},{a:.0f},{'yes' if w else 'no'},{s},{t}"
              for i, (r, a, w, s, t) in enumerate(zip(rep, amount, won, source, touched, strict=True))]
    return "\n".join(lines) + "\n"


def _time(label: str, fn, repeat: int = 3):
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<48} {best * 1000:9.1f} ms")
    return value


def main(n: int = 200_000) -> None:
    from playbook.core import engagement
    from playbook.parts.charts import to_svg
    from playbook.parts.economics import attribution
    from playbook.parts.economics import model as economics
    from playbook.parts.economics import views as charts

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deals.csv"
        text = _time(f"generate {n:,} deals", lambda: make_deals(n), repeat=1)
        path.write_text(text, encoding="utf-8")
        print(f"{'deals.csv size':<48} {path.stat().st_size / 1e6:9.1f} MB")
        deals = _time("validate deals.csv (read + checks)", lambda: attribution.parse(path))
        result = _time("attribution (sourced, influenced)", lambda: attribution.evaluate(deals))
        print(f"{'sourced share / influenced share':<48} {result['sourced_share']:.4f} / "
              f"{result['influenced_share']:.4f}")
        head, last = text.rstrip("\n").rsplit("\n", 1)
        cells = last.split(",")
        cells[4] = "webinar"  # an unknown source in the very last row
        path.write_text(head + "\n" + ",".join(cells) + "\n", encoding="utf-8")

        def first_error() -> str:
            try:
                attribution.parse(path)
            except Exception as exc:  # noqa: BLE001 - the benchmark only reports the message
                return str(exc)
            return "(no error)"

        print(f"  error found: {_time('validate with a bad last row', first_error)}")

    eng = engagement.load()
    results = _time("economics.evaluate (sample engagement)", lambda: economics.evaluate(eng))
    a = results["attribution"]
    results_big = {**results, "attribution": {**a, **result}}
    _time("report_section (build charts and tables)", lambda: charts.report_section(results_big))
    sec = charts.report_section(results_big)
    for title, chart in sec["figures"].values():
        _time(f"  to SVG: {title[:38]}", lambda c=chart: to_svg(c), repeat=1)
    rows = sum(len(v) for v in charts.attribution(result).to_dict()["datasets"].values())
    print(f"{'data rows behind the attribution chart':<48} {rows:9d}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
