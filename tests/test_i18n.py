"""The client's language (METHOD §15): catalogs complete and current, the language chosen and refused."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from playbook.cli import main
from playbook.core import formats, html, i18n, settings
from playbook.core.errors import UserError

from . import catalogs
from .conftest import write_engagement

PLACEHOLDER = re.compile(r"%\((\w+)\)[sdf]")


def _ids(catalog) -> set[tuple[str, str | None]]:
    return {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in catalog if m.id}


def test_the_catalogs_hold_exactly_the_messages_of_the_code():
    """Stale catalogs fail: run ``python -m tests.catalogs update`` and translate what it reports."""
    code = _ids(catalogs.extracted())
    assert _ids(catalogs.read(catalogs.POT)) == code, "playbook.pot is stale: python -m tests.catalogs update"
    for po in catalogs.po_files():
        assert _ids(catalogs.read(po)) == code, f"{po} is stale: python -m tests.catalogs update"


def _plural_calls():
    """Every ``ngettext("one", "many", ...)`` written in the package's code and templates: (where, one, many)."""
    import ast
    from pathlib import Path

    root = Path(catalogs.LOCALE).parent
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "ngettext" and len(node.args) >= 2
                    and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args[:2])):
                yield f"{path.name}:{node.lineno}", node.args[0].value, node.args[1].value
    for path in sorted((root.parent / "templates").rglob("*.j2")):
        for one, many in re.findall(r'ngettext\(\s*"([^"]*)"\s*,\s*"([^"]*)"', path.read_text(encoding="utf-8")):
            yield path.name, one, many


def _message_calls():
    """Every ``_("…")``, ``N_("…")``, ``pgettext("ctx", "…")`` written in the package's code: (where, context, id)."""
    import ast
    from pathlib import Path

    for path in sorted(Path(catalogs.LOCALE).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(node.func, "id", None) if isinstance(node, ast.Call) else None
            args = node.args if name in ("_", "N_", "pgettext") else []
            if name == "pgettext" and len(args) >= 2 and all(isinstance(a, ast.Constant) for a in args[:2]):
                yield f"{path.name}:{node.lineno}", args[0].value, args[1].value
            elif name in ("_", "N_") and args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                yield f"{path.name}:{node.lineno}", None, args[0].value


def test_every_message_in_the_code_is_in_the_catalogs():
    """Extraction misses a call written inside another call's arguments (``_("Overdue: %(list)s", list=", ".join(
    _("due %(day)s", ...) ...))``): the inner message then shows in English in every language. Such a message is
    made first, in a name of its own, or marked once with ``N_`` where it is written."""
    known = _ids(catalogs.read(catalogs.POT))
    missed = [(where, message) for where, context, message in _message_calls() if (message, context) not in known]
    assert missed == []


def test_no_message_is_made_of_a_lookups_key():
    """``_(TABLE["basis"])`` puts "basis" in the catalogs as a message to translate (and the table's own message is
    never looked up under that name): such lookups go through ``i18n.word(TABLE, key)``."""
    import ast
    from pathlib import Path

    found = []
    for path in sorted((Path(catalogs.LOCALE).parent).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("_", "ngettext", "N_") and node.args:
                first = node.args[0]
                if not isinstance(first, ast.Constant) and any(
                        isinstance(c, ast.Constant) and isinstance(c.value, str) for c in ast.walk(first)):
                    found.append(f"{path.name}:{node.lineno}")
    assert found == []


def test_each_plural_in_the_code_is_the_catalogs_plural():
    """A call inside ngettext's arguments hides its plural from extraction (the catalog then holds the singular only
    and every language shows English); two calls with one singular but different plurals share one entry (a
    template's %(num)s against the code's %(n)s then fails at run time in every other language)."""
    plurals = {m.id[0]: m.id[1] for m in catalogs.read(catalogs.POT) if isinstance(m.id, tuple)}
    wrong = [(where, one, plurals.get(one)) for where, one, many in _plural_calls() if plurals.get(one) != many]
    assert wrong == []


@pytest.mark.parametrize("language", [lang for lang in i18n.shipped() if lang != i18n.SOURCE])
def test_every_message_of_a_shipped_language_is_translated(language):
    catalog = catalogs.read(catalogs.LOCALE / language / "LC_MESSAGES" / "playbook.po", language)
    missing, fuzzy, wrong = [], [], []
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if not all(strings):
            missing.append(ids[0])
        if m.fuzzy:
            fuzzy.append(ids[0])
        wanted = set(PLACEHOLDER.findall(ids[-1])) - {"n"}
        if any(s and set(PLACEHOLDER.findall(s)) - {"n"} != wanted for s in strings):
            wrong.append(ids[0])
    assert (missing, fuzzy, wrong) == ([], [], [])


def test_the_source_language_is_always_shipped_and_the_locale_chooses_by_default():
    assert i18n.shipped()[0] == "en"
    assert settings.resolve({})["language"] == "en"
    assert settings.resolve({"locale": "en_GB"})["language"] == "en"
    assert settings.resolve({"locale": "ja_JP"})["language"] == "en"  # not shipped: English


def test_a_language_the_playbook_does_not_ship_is_refused_naming_the_shipped_ones(tmp_path):
    with pytest.raises(UserError) as err:
        settings.resolve({"language": "xx"})
    assert "'settings.language'" in err.value.message and ", ".join(i18n.shipped()) in err.value.message
    eng = write_engagement(tmp_path / "e", settings={"language": "tlh"})
    res = CliRunner().invoke(main, ["run", str(eng), "--out", str(tmp_path / "out"), "--no-pdf", "--no-deck"])
    assert res.exit_code == 2 and "tlh" in res.output and "en" in res.output
    assert not (tmp_path / "out").exists()


def test_a_catalog_translates_code_and_templates_in_the_active_language(tmp_path, monkeypatch):
    """A language with a catalog becomes shipped and is used by ``_`` and the templates while it is active."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    folder = tmp_path / "locale" / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalog = Catalog(locale="de")
    catalog.add("Thank you, %(name)s.", "Danke, %(name)s.")
    catalog.add(("%(n)s answer", "%(n)s answers"), ("%(n)s Antwort", "%(n)s Antworten"))
    with open(folder / "playbook.po", "wb") as f:
        write_po(f, catalog)
    monkeypatch.setattr(i18n, "catalog_dir", lambda: tmp_path / "locale")
    i18n.shipped.cache_clear()
    i18n.translations.cache_clear()
    try:
        assert i18n.shipped() == ("en", "de")
        assert settings.resolve({"locale": "de_DE"})["language"] == "de"
        with formats.use({"locale": "de_DE"}):
            assert i18n._("Thank you, %(name)s.", name="Zoë") == "Danke, Zoë."
            assert i18n.ngettext("%(n)s answer", "%(n)s answers", 3) == "3 Antworten"
            page = html.environment().from_string('{{ _("Thank you, %(name)s.", name=who) }}')
            assert page.render(who="<b>") == "Danke, &lt;b&gt;."
        with formats.use({"locale": "de_DE", "language": "en"}):
            assert i18n._("Thank you, %(name)s.", name="Zoë") == "Thank you, Zoë."
        assert i18n._("Thank you, %(name)s.", name="Zoë") == "Thank you, Zoë."  # the block ended
    finally:
        i18n.shipped.cache_clear()
        i18n.translations.cache_clear()


def test_refusals_speak_the_engagements_language_else_the_browsers(tmp_path):
    """A link refused for a German engagement reads German; with no engagement known, the browser's language."""
    from playbook.core.engagement import load
    from playbook.outreach import links
    from playbook.serve.gate import browser_language

    assert browser_language("ja-JP, de-CH;q=0.9, en;q=0.8") == "de"  # ja not shipped: the next one
    assert browser_language("en-GB,en;q=0.9") == "en" and browser_language("") == "en"
    assert browser_language("de;q=0, en") == "en"  # q=0: not wanted
    eng = load(write_engagement(tmp_path / "e", settings={"locale": "de_DE"}))
    assert links.refusal(eng, links.EXPIRED).message == "Dieser Link ist abgelaufen; bitten Sie Cy Consultant um einen neuen."
    assert links.refusal(None).message.startswith("This link is not valid.")  # English stays active
