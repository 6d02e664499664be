"""Numbers formatted for people, in the client's currency and locale (METHOD §11).

Every amount, percentage and number a person reads goes through this module, which
formats it with Babel (CLDR data for every locale) rather than hand-written formats:
``money(1234567)`` is ``$1,234,567`` for USD/en_US, ``1.234.567 €`` for EUR/de_DE and
``£1,234,567`` for GBP/en_GB; ``share(0.25)`` is ``25%`` or ``25 %``. Missing values
(None, NaN) read "–". results.json keeps plain numbers: nothing in the models formats.

Which currency and locale apply is the *active style*, held in a context variable
(default USD/en_US), so the words and views functions keep their signatures:

- ``use(settings)`` makes the engagement's ``currency`` and ``locale`` active, and its language
  (``i18n``: the ``language`` setting, else the locale's language when shipped). Called
  plainly it stays in force (``pages.start`` does this in a notebook's kernel, for the
  whole page); as ``with use(settings):`` it is undone at the end of the block (the
  report and the deck render inside one).
- ``known_currency`` / ``known_locale`` say whether a setting's value can be used
  (the settings check them when an engagement is loaded).
- ``d3_locale()`` is the active style as a d3/Vega number locale, which the charts'
  theme puts in ``config.locale.number`` so that chart formats such as ``"$~s"`` (d3's
  ``$`` is "the locale's currency") and ``",.0f"`` follow it too; ``money_axis()`` gives
  compact currency labels that are right also where the symbol follows the number.

The formatted strings keep CLDR's no-break spaces (``25\u00a0%``, ``1.234.567\u00a0€``) so
that a number never wraps away from its unit.
"""

from __future__ import annotations

import copy
import json
import math
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import (
    NumberPattern,
    format_compact_currency,
    get_currency_name,
    get_currency_precision,
    get_currency_symbol,
    is_currency,
)

from playbook.core import i18n

DEFAULT_CURRENCY = "USD"
DEFAULT_LOCALE = "en_US"
COMPACT_FROM = 10_000  # amounts below this are written in full even where a compact form is asked for


@dataclass(frozen=True)
class Style:
    """The currency (ISO 4217 code) and locale (``de_DE``) that numbers are formatted in."""

    currency: str = DEFAULT_CURRENCY
    locale: str = DEFAULT_LOCALE


_ACTIVE: ContextVar[Style] = ContextVar("playbook_formats_style", default=Style())  # noqa: B039 (frozen)


class use:  # noqa: N801 - read as a verb: ``formats.use(settings)`` / ``with formats.use(settings):``
    """Make ``settings``' currency and locale active (a mapping with ``currency`` and ``locale``, or a Style).

    Active from the call on; used as a context manager, the previous style returns at the end of the block.
    Missing keys fall back to the defaults (USD, en_US).
    """

    def __init__(self, settings: Any = None):
        self.style = _style(settings)
        self._token = _ACTIVE.set(self.style)
        self._language = i18n.activate(i18n.language_for(_mapping(settings)))

    def __enter__(self) -> Style:
        return self.style

    def __exit__(self, *exc) -> None:
        i18n.deactivate(self._language)
        _ACTIVE.reset(self._token)


def _mapping(settings: Any) -> dict[str, Any]:
    if isinstance(settings, Style):
        return {"locale": settings.locale}
    return dict(settings or {})


def active() -> Style:
    return _ACTIVE.get()


def _style(settings: Any) -> Style:
    if isinstance(settings, Style):
        return settings
    settings = settings or {}
    return Style(str(settings.get("currency") or DEFAULT_CURRENCY),
                 normal_locale(str(settings.get("locale") or DEFAULT_LOCALE)))


def known_currency(code: Any) -> bool:
    """True for an ISO 4217 currency code that CLDR knows (``EUR``; not ``eur`` or ``EUR0``)."""
    return isinstance(code, str) and code.isascii() and code.isupper() and len(code) == 3 and is_currency(code)


def normal_locale(name: str) -> str:
    """``de-DE`` and ``de_de`` as Babel writes them (``de_DE``); an unknown name unchanged."""
    try:
        return str(_locale(name))
    except (ValueError, TypeError, UnknownLocaleError):
        return name


def known_locale(name: Any) -> bool:
    """True for a locale with CLDR data (``en_US``, ``de_DE``, ``fr``); False for ``xx_YY`` or ``''``."""
    if not isinstance(name, str) or not name.strip():
        return False
    try:
        _locale(name)
    except (ValueError, TypeError, UnknownLocaleError):
        return False
    return True


@cache
def _locale(name: str) -> Locale:
    return Locale.parse(name.strip().replace("-", "_"))


@cache
def _pattern(locale: str, kind: str, digits: int) -> NumberPattern:
    """The locale's standard ``kind`` pattern (currency, percent, decimal) with exactly ``digits`` decimals."""
    loc = _locale(locale)
    base = {"currency": loc.currency_formats["standard"], "percent": loc.percent_formats[None],
            "decimal": loc.decimal_formats[None]}[kind]
    pattern = copy.copy(base)
    pattern.frac_prec = (digits, digits)
    return pattern


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _compact_digits(v, digits: int | None) -> int:
    """Decimals of a compact amount: ``digits`` (default 1) from a million up, none below (``$1.2M``, ``$160K``)."""
    return (1 if digits is None else digits) if abs(v) >= 1_000_000 else 0


def money(v, compact: bool = False, cents: bool = False, digits: int | None = None) -> str:
    """An amount in the active currency: ``$1,234,567``, ``1.234.567 €``; cents only below 100 (``$1.98``).

    ``cents`` always writes the currency's minor unit (``$1,234.50``: a ratio such as revenue per dollar).
    ``compact`` abbreviates from 10,000 up as the locale does (``$160K``, ``$1.2M``, ``1,2 Mio. €``): for
    charts' neighbours, headline figures and sentences where the exact amount does not matter. ``digits``
    sets the decimals of compact amounts from a million up (``$1.63M``) where figures shown together must
    tell apart changes of a tenth of a million.
    """
    if _missing(v):
        return "–"
    style = active()
    if compact and abs(v) >= COMPACT_FROM:
        text = format_compact_currency(v, style.currency, locale=style.locale,
                                       fraction_digits=_compact_digits(v, digits))
        symbol = get_currency_symbol(style.currency, style.locale)
        if any(c.isalpha() for c in text.replace(symbol, "")):
            return text
        # the locale abbreviates nothing at this size (de: 160000 €): the full amount, grouped, reads better
    precision = get_currency_precision(style.currency)
    digits = precision if cents or (abs(v) < 100 and not float(v).is_integer()) else 0
    return _pattern(style.locale, "currency", digits).apply(v, style.locale, currency=style.currency,
                                                           currency_digits=False)


def _half_up(v, places: int) -> Decimal:
    """``v`` rounded half away from zero at ``places`` decimals, float noise dropped first.

    People expect 3.75 to read 3.8 and 0.125 to read 13%; binary floats and Babel's default
    (half to even) would give 3.7 or 12% depending on the number.
    """
    return Decimal(str(round(float(v), 9))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _signed(text: str, rounded: Decimal, locale: str) -> str:
    if rounded > 0 and not text.startswith(("-", "\u2212")):
        return _locale(locale).number_symbols["latn"]["plusSign"] + text
    return text


def share(v, signed: bool = False, digits: int = 0) -> str:
    """A fraction as a percentage in the active locale: 0.256 -> ``26%`` (``26 %`` in de_DE), ``+26%`` signed."""
    if _missing(v):
        return "–"
    locale = active().locale
    rounded = _half_up(v, digits + 2)
    text = _pattern(locale, "percent", digits).apply(rounded, locale)
    return _signed(text, rounded, locale) if signed else text


def number(v, digits: int | None = 1, signed: bool = False) -> str:
    """A number with ``digits`` decimals in the active locale: 1234.5 -> ``1,234.5`` (``1.234,5`` in de_DE).

    ``digits=None``: only the decimals it has, up to three (4 -> ``4``, 4.5 -> ``4.5``). ``signed``
    writes a plus sign before a positive number (a change or a gap: ``+0.4``).
    """
    if _missing(v):
        return "–"
    locale = active().locale
    if digits is None:
        rounded = _half_up(v, 3)
        text = _locale(locale).decimal_formats[None].apply(rounded, locale)
    else:
        rounded = _half_up(v, digits)
        text = _pattern(locale, "decimal", digits).apply(rounded, locale)
    return _signed(text, rounded, locale) if signed else text


def p_value(v) -> str:
    """A p-value for people: 'p = 0.012', or 'p < 0.001' below that (never 'p = 0.000')."""
    if _missing(v):
        return "p not available"
    return f"p < {number(0.001, 3)}" if v < 0.001 else f"p = {number(v, 3)}"


def unit() -> str:
    """One unit of the active currency in words of the active language, for "revenue per dollar": dollar, euro,
    pound, yen in English (the last word, lower case); the language's own singular elsewhere ("Euro", "euro")."""
    language = i18n.active()
    if language == i18n.SOURCE:
        return get_currency_name(active().currency, count=1, locale="en").split()[-1].lower()
    return get_currency_name(active().currency, count=1, locale=language)


def currency_name(code: str) -> str:
    """The currency's English name: ``EUR`` -> ``Euro``."""
    return get_currency_name(code, locale="en")


def locale_name(name: str) -> str:
    """The locale's English name: ``de_DE`` -> ``German (Germany)``."""
    return _locale(name).get_display_name("en") or name


def symbol() -> str:
    """The active currency's symbol in the active locale: ``$``, ``€``, ``£``."""
    style = active()
    return get_currency_symbol(style.currency, style.locale)


def currency_affixes() -> tuple[str, str]:
    """What the active locale writes before and after an amount in the active currency: ``("$", "")``,
    ``("", "\u00a0€")``."""
    pattern = _locale(active().locale).currency_formats["standard"]
    sign = symbol()
    return pattern.prefix[0].replace("¤", sign), pattern.suffix[0].replace("¤", sign)


def d3_locale() -> dict[str, Any]:
    """The active style as a d3-format locale (Vega-Lite's ``config.locale.number``)."""
    locale = _locale(active().locale)
    symbols = locale.number_symbols["latn"]
    decimal = locale.decimal_formats[None]
    percent = locale.percent_formats[None]
    primary, secondary = decimal.grouping
    return {
        "decimal": symbols["decimal"],
        "thousands": symbols["group"],
        "grouping": [primary] if primary == secondary else [primary, secondary],
        "currency": list(currency_affixes()),
        "percent": percent.suffix[0] or "%",
    }


def money_axis_label() -> str:
    """A Vega expression for compact axis labels in the active currency (``$1.2M``, ``1,2M €``).

    d3's ``$~s`` puts an SI prefix after the currency's suffix (``1,2 €M``), so where the symbol follows the
    number the label is built from ``~s`` and the symbol; where it leads, ``$~s`` also places a minus well.
    """
    prefix, suffix = currency_affixes()
    if prefix:
        return 'format(datum.value, "$~s")'
    return f"format(datum.value, '~s') + {json.dumps(suffix)}"


# --- dates and times for people (METHOD §13: the locale's long or medium form, never ISO) -------------------------
def _zone(tz: str | None):
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(tz or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def day(value: Any, form: str = "long") -> str:
    """A calendar day in the active locale: ``December 18, 2026`` (en_US), ``18. Dezember 2026`` (de_DE).

    ``value``: a date, a datetime or an ISO text; ``form``: long, medium or full. Missing: "–".
    """
    import datetime as dt

    from babel.dates import format_date

    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if "T" in value or " " in value else dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_date(value, format=form, locale=active().locale)


def moment(value: Any, tz: str | None = None) -> str:
    """A moment (a stored UTC time) for people, to the minute, in the time zone ``tz`` (default UTC) and the active
    locale: ``Dec 3, 2026, 9:25 AM UTC`` (en_US), ``03.12.2026, 09:25`` (de_DE, Europe/Berlin). Missing: "–"."""
    import datetime as dt

    from babel.dates import format_date, format_time

    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    zone = _zone(tz)
    local = value.astimezone(zone)
    locale = active().locale
    text = f"{format_date(local, 'medium', locale=locale)}, {format_time(local, 'short', locale=locale)}"
    return f"{text} UTC" if zone.key == "UTC" else text
def money_shown(v, compact: bool = False, digits: int | None = None) -> float:
    """The amount ``money(v, compact)`` shows, as a number: ``money_shown(1_337_000, compact=True)`` is 1,300,000
    (``$1.3M``). The difference of two shown amounts is what a reader computes from them (METHOD 13)."""
    if _missing(v):
        return math.nan
    style = active()
    amount = Decimal(str(float(v)))
    if compact and abs(v) >= COMPACT_FROM:
        loc = _locale(style.locale)
        shapes = loc.compact_currency_formats["short"]["other"]
        for magnitude in sorted((int(m) for m in shapes), reverse=True):  # as Babel picks the compact form
            zeros = shapes[str(magnitude)].pattern.count("0")
            if abs(v) >= magnitude and shapes[str(magnitude)].pattern.strip() != "0":
                unit_size = Decimal(magnitude // 10 ** (zeros - 1))
                return float(round(amount / unit_size, _compact_digits(v, digits)) * unit_size)
    precision = get_currency_precision(style.currency)
    return float(round(amount, precision if abs(v) < 100 and not float(v).is_integer() else 0))


def money_change(before, after, compact: bool = True, digits: int | None = None) -> str:
    """The change from ``before`` to ``after`` as the two amounts are shown (``money(x, compact, digits=digits)``),
    signed: ``$1.3M`` to ``$1.5M`` is ``+$200K``; a change too fine for the compact form is written in full."""
    if _missing(before) or _missing(after):
        return "–"
    change = money_shown(after, compact, digits) - money_shown(before, compact, digits)
    fits = compact and money_shown(abs(change), True, digits) == abs(change)
    text = money(abs(change), compact=fits, digits=digits)
    symbols = _locale(active().locale).number_symbols["latn"]
    if change > 0:
        return symbols["plusSign"] + text
    return symbols["minusSign"] + text if change < 0 else text
