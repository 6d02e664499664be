"""The message catalogs against the code: extract, compare, update (README, "Languages").

``python -m tests.catalogs update`` extracts every message from the package and the templates
(``babel.cfg``), rewrites ``playbook/locale/playbook.pot`` and brings each language's ``.po`` up to
date (new messages empty, gone ones dropped), ready for a translator. ``tests/test_i18n.py`` uses
``extracted()`` to fail when the catalogs are stale or a message lacks a translation.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "playbook" / "locale"
POT = LOCALE / "playbook.pot"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "N_": None}


def extracted() -> Catalog:
    """Every message the code and the templates hold, as a catalog without translations."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    catalog = Catalog(project="playbook", fuzzy=False)
    # From the project's root: babel.cfg's patterns (playbook/**.py, templates/**.j2) are matched against paths
    # relative to the folder walked, so walking playbook/ itself would match nothing.
    for filename, lineno, message, comments, context in extract_from_dir(
            ROOT, method_map, options_map, keywords=KEYWORDS, comment_tags=("Translators:",),
            strip_comment_tags=True, directory_filter=_searched):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _searched(dirpath: str) -> bool:
    """Only the package and the templates are searched (not the virtualenv, the tests or the notebooks)."""
    rel = Path(dirpath).resolve().relative_to(ROOT).parts
    return not rel or rel[0] in ("playbook", "templates")


def po_files() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/playbook.po"))


def read(path: Path, locale: str | None = None) -> Catalog:
    with open(path, "rb") as f:
        return read_po(f, locale=locale)


def write(path: Path, catalog: Catalog) -> None:
    with open(path, "wb") as f:
        write_po(f, catalog, no_location=True, sort_output=True, width=100)


def update() -> None:
    template = extracted()
    LOCALE.mkdir(parents=True, exist_ok=True)
    write(POT, template)
    for po in po_files():
        language = po.parent.parent.name
        catalog = read(po, language)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        write(po, catalog)
        missing = sum(1 for m in catalog if m.id and not m.string)
        print(f"{language}: {len(catalog) - 1} messages, {missing} without a translation")


if __name__ == "__main__":
    if sys.argv[1:] != ["update"]:
        sys.exit("usage: python -m tests.catalogs update")
    update()
