"""Won revenue as recorded in the deal list: in all, by source, and marketing-sourced and -influenced (METHOD 4, 12).

``deals.csv``: ``deal_id,rep,amount,won,source,marketing_touches``. Validation is
vectorised (pandas), so a CRM export of a few hundred thousand deals is checked in
well under a second; the message names the first bad row, counted like a
spreadsheet (header row 1, first deal row 2). Lines starting with ``#`` are comments.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from playbook.core.engagement import Engagement
from playbook.core.errors import UserError
from playbook.core.files import read_text, uncommented

FILE = "deals.csv"
COLUMNS = ("deal_id", "rep", "amount", "won", "source", "marketing_touches")
SOURCES = ("marketing", "sales", "partner", "other")
WON = ("yes", "no")


def _first_problem(df, checks: list[tuple[str, Any, str]]) -> tuple[int, str, str] | None:
    """The earliest row failing any check: (row index, column, message); checks in column order."""
    best: tuple[int, int, str, str] | None = None
    for order, (column, mask, message) in enumerate(checks):
        hits = mask.to_numpy().nonzero()[0]
        if len(hits) and (best is None or (hits[0], order) < best[:2]):
            best = (int(hits[0]), order, column, message)
    return None if best is None else (best[0], best[2], best[3])


def _map_unique(series, fn):
    """``fn`` applied once per distinct value (CRM columns repeat a lot: reps, yes/no, sources)."""
    import pandas as pd

    codes, uniques = pd.factorize(series)
    mapped = pd.Series([fn(u) for u in uniques], dtype=object)
    if mapped.empty:
        return series
    return pd.Series(mapped.to_numpy()[codes], index=series.index)


def _number(series):
    """Text to float (NaN when not a number), converting each distinct value once."""
    import pandas as pd

    codes, uniques = pd.factorize(series)
    values = pd.to_numeric(pd.Series(uniques, dtype=object), errors="coerce").to_numpy(dtype=float)
    return pd.Series(values[codes] if len(values) else [], index=series.index, dtype=float)


def _read(path: Path):
    import pandas as pd

    text, commented = uncommented(read_text(path))
    if not text.strip():
        if commented:
            return None
        raise UserError(f"{path.name}: the file is empty; it needs a header row with {', '.join(COLUMNS)}.")
    # the header: the first line that is neither blank nor a comment
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if line.strip())
    try:
        # header=None: a row with more fields than the header is an error, never a silent index column
        df = pd.read_csv(io.StringIO("\n".join(lines[first:])), header=None, dtype=object, keep_default_na=False,
                         skip_blank_lines=False)
    except pd.errors.ParserError as exc:
        raise UserError(f"{path.name}: not a valid CSV file ({str(exc).strip()}); each row needs as many "
                        "comma-separated values as the header.") from None
    df.columns = [str(c).strip().lower() for c in df.iloc[0].fillna("")]
    df = df.iloc[1:]
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise UserError(f"{path.name}: column {', '.join(missing)} is missing; the columns are {', '.join(COLUMNS)}.")
    twice = [c for c in COLUMNS if list(df.columns).count(c) > 1]
    if twice:
        raise UserError(f"{path.name}: column {twice[0]} appears twice in the header; each column must appear once.")
    df = df[list(COLUMNS)].fillna("")
    for c in COLUMNS:
        df[c] = _map_unique(df[c], str.strip)
    df.index = df.index + first + 1  # spreadsheet row numbers: the file's first line is row 1
    df = df[(df != "").any(axis=1)]
    if df.empty:
        if commented:
            return None  # the header as ``playbook new`` writes it: not filled in yet
        raise UserError(f"{path.name}: the file has a header but no deals; add one row per deal or remove the file.")
    return df


def parse(path: Path):
    """The validated deals of a ``deals.csv`` as a DataFrame (amount float, won bool, touches int); None when the
    file holds only comments and its header (as ``playbook new`` writes it)."""
    import pandas as pd

    df = _read(path)
    if df is None:
        return None
    amount = _number(df["amount"])
    touches = _number(df["marketing_touches"])
    won = _map_unique(df["won"], str.lower)
    source = _map_unique(df["source"], str.lower)
    bad_amount = amount.isna() | ~amount.abs().lt(float("inf"))
    checks = [
        ("deal_id", df["deal_id"] == "", "deal_id is empty; every deal needs an id"),
        ("deal_id", df["deal_id"].duplicated(), "deal_id {value!r} is used twice; ids must be unique"),
        ("rep", df["rep"] == "", "rep is empty; name the rep who owns the deal"),
        ("amount", bad_amount, "amount {value!r} is not a number; it must be a number of 0 or more"),
        ("amount", ~bad_amount & amount.lt(0), "amount {value!r} is negative; it must be a number of 0 or more"),
        ("won", ~won.isin(WON), "won {value!r} is not allowed; it must be yes or no"),
        ("source", ~source.isin(SOURCES), "source {value!r} is unknown; allowed: " + ", ".join(SOURCES)),
        ("marketing_touches", ~touches.abs().lt(float("inf")) | touches.lt(0) | touches.ne(touches.round()),
         "marketing_touches {value!r} is not allowed; it must be a whole number of 0 or more"),
    ]
    problem = _first_problem(df, checks)
    if problem is not None:
        pos, column, message = problem
        row, value = df.index[pos], df[column].iloc[pos]
        text = message.format(value=value if len(value) <= 40 else value[:37] + "...")
        if column == "deal_id" and "twice" in text:
            first = df.index[(df["deal_id"] == value).to_numpy().argmax()]
            text += f" (first used in row {first})"
        raise UserError(f"{path.name}, row {row}, column {column}: {text}.")
    return pd.DataFrame({
        "deal_id": df["deal_id"], "rep": df["rep"], "amount": amount.astype(float), "won": won.eq("yes"),
        "source": source, "marketing_touches": touches.astype(int),
    })


def load(eng: Engagement):
    """The engagement's validated deals, or None when it has no ``deals.csv``."""
    path = eng.file(FILE)
    return None if path is None else parse(path)


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole > 0 else None


def evaluate(deals) -> dict[str, Any]:
    """The ``attribution`` block of results.json: won revenue recorded in the deal list, in all and by source, and
    marketing's sourced and influenced revenue with their shares (METHOD 4, 12)."""
    won = deals[deals["won"]]
    total = float(won["amount"].sum())
    sourced = float(won.loc[won["source"].eq("marketing"), "amount"].sum())
    influenced = float(won.loc[won["source"].eq("marketing") | won["marketing_touches"].gt(0), "amount"].sum())
    by_source = won.groupby("source")["amount"].sum()
    return {
        "sourced_revenue": sourced,
        "influenced_revenue": influenced,
        "sourced_share": _share(sourced, total),
        "influenced_share": _share(influenced, total),
        "won_revenue": total,
        "deals": int(len(deals)),
        "won_deals": int(len(won)),
        "by_source": {s: float(by_source.get(s, 0.0)) for s in SOURCES},
    }

