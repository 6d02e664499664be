"""The client's language (METHOD §15): every word a respondent or client reads, from one set of catalogs.

Words are written in English in the code and the templates and looked up in gettext message
catalogs, one per shipped language: ``playbook/locale/<lang>/LC_MESSAGES/playbook.po`` (English is
the source language and has none). The ``.po`` files are compiled in memory on first use (Babel
reads them and writes the binary form into a buffer), so nothing compiled is committed and a
catalog edit shows on the next run.

How to write a word a client reads:

- In Python: ``_("Executive summary")``; with values, named placeholders in %-style, filled in
  after the lookup: ``_("%(n)s of %(total)s answered", n=3, total=9)``. Plurals:
  ``ngettext("%(n)s action", "%(n)s actions", n)`` (``n`` is filled in too).
- A module-level constant cannot be translated when the module is imported (the language is not
  known yet): mark it with ``N_("...")`` and translate it where it is used, ``_(CONSTANT)``.
- In a Jinja template (``core/html.py`` and the report's environment install these):
  ``{{ _("Page %(n)s", n=page) }}``; the values are escaped, the translation is not.

Which language is active is a context variable, set with the number format by
``formats.use(settings)`` (the engagement's ``language`` setting, else the language of its
``locale`` when it is shipped, else English). The consultant's command line and the server's log
stay in English: they do not go through ``_``.

Extraction (README, "Languages"): ``pybabel extract -F babel.cfg -o playbook/locale/playbook.pot .``
then ``pybabel update -i playbook/locale/playbook.pot -d playbook/locale -D playbook``;
``tests/test_i18n.py`` fails when the catalogs are stale against the code or a message lacks a
translation.

Imports no pandas, altair or ipywidgets (the respondent's form uses it).
"""

from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib import resources
from typing import Any

SOURCE = "en"  # the language the code and templates are written in
DOMAIN = "playbook"

_LANGUAGE: ContextVar[str] = ContextVar("playbook_language", default=SOURCE)


def catalog_dir():
    """``playbook/locale`` inside the installed package."""
    return resources.files("playbook").joinpath("locale")


@cache
def shipped() -> tuple[str, ...]:
    """The languages the playbook ships: English and every language with a catalog, sorted after English."""
    found = []
    root = catalog_dir()
    if root.is_dir():
        for entry in root.iterdir():
            if entry.is_dir() and entry.joinpath("LC_MESSAGES", f"{DOMAIN}.po").is_file():
                found.append(entry.name)
    return (SOURCE, *sorted(lang for lang in found if lang != SOURCE))


def language_for(settings: Any) -> str:
    """The language a client reads for these settings (a mapping): ``language`` when set, else the language
    of ``locale`` when it is shipped, else English. An unshipped ``language`` is returned as is (the
    settings check refuses it)."""
    settings = settings or {}
    chosen = settings.get("language")
    if chosen:
        return str(chosen).strip().lower()
    base = str(settings.get("locale") or "").replace("-", "_").split("_")[0].lower()
    return base if base in shipped() else SOURCE


def active() -> str:
    """The active language (``en``, ``de``...)."""
    return _LANGUAGE.get()


def activate(language: str):
    """Make ``language`` active; returns the token that ``deactivate`` takes to restore the previous one."""
    return _LANGUAGE.set(language if language in shipped() else SOURCE)


def deactivate(token) -> None:
    _LANGUAGE.reset(token)


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """``language`` active for the block only (the command line's English inside an engagement's
    ``formats.use``, whose numbers stay in its locale)."""
    token = activate(language)
    try:
        yield
    finally:
        deactivate(token)


@cache
def translations(language: str) -> _gettext.NullTranslations:
    """The catalog of ``language`` (compiled in memory from its ``.po``); no-op translations for English."""
    if language == SOURCE or language not in shipped():
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    path = catalog_dir().joinpath(language, "LC_MESSAGES", f"{DOMAIN}.po")
    with path.open("rb") as f:
        catalog = read_po(f, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def _fill(text: str, values: dict[str, Any]) -> str:
    return text % values if values else text


def _(message: str, **values: Any) -> str:  # noqa: N802 - gettext's conventional name
    """``message`` in the active language, its ``%(name)s`` placeholders filled in from ``values``."""
    return _fill(translations(active()).gettext(message), values)


def ngettext(singular: str, plural: str, n: int, **values: Any) -> str:
    """The singular or plural form for ``n`` in the active language; ``%(n)s`` and ``values`` filled in."""
    return _fill(translations(active()).ngettext(singular, plural, n), {"n": n, **values})


def pgettext(context: str, message: str, **values: Any) -> str:
    """``message`` in the active language where the same English word needs another translation elsewhere."""
    return _fill(translations(active()).pgettext(context, message), values)


def word(table: dict, key: Any, **values: Any) -> str:
    """``table[key]``, a message marked with ``N_``, in the active language. (Written ``_(TABLE["key"])``, the
    extraction would take the key's own string for a message.)"""
    return _(table[key], **values)


def quote(text: Any) -> str:
    """``text`` in the active language's quotation marks: “Reaches buyers early”, „…“, « … »."""
    return _("“%(text)s”", text=text)


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name
    """Marks ``message`` for the catalogs without translating it (module-level constants)."""
    return message


def install(env) -> None:
    """Give a Jinja environment ``_``, ``gettext``, ``ngettext`` and ``pgettext`` in the active language
    (``jinja2.ext.i18n`` with new-style gettext: placeholders filled in and escaped by Jinja)."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(
        lambda message: translations(active()).gettext(message),
        lambda singular, plural, n: translations(active()).ngettext(singular, plural, n),
        newstyle=True,
        pgettext=lambda context, message: translations(active()).pgettext(context, message),
    )
