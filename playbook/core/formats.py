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

What a person reads follows METHOD §13 (numbers for people):

- ``change(a, b, kind)`` writes a change between two shown figures ("46% → 77%, up 31 points"): the change is the
  difference of the figures *as shown*, and a change of shares is in points. ``difference`` is the change alone
  ("up 31 points", or signed for a table: "+31 points"); ``figure(v, kind)`` one figure of a kind, so every page
  has one precision per kind (shares and 0–100 scores whole percents, ratings one decimal, money compact).
- Negative numbers carry the locale's minus sign (CLDR's: ``-`` in en_US, ``−`` U+2212 in sv_SE), never ``-0``;
  the charts' d3 locale carries the same sign.
- ``money(v, compact=True)`` is the one compact rule for text, tables and chart axes (``money_ticks`` labels an
  axis with it).
- ``day(d)`` and ``period(label)`` write dates and periods in the locale's long or medium form
  (``3 December 2026``, ``Dec 2026``, ``Q4 2026``), never ISO.

The formatted strings keep CLDR's no-break spaces (``25\u00a0%``, ``1.234.567\u00a0€``) so
that a number never wraps away from its unit.
"""

from __future__ import annotations

import copy
import json
import math
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.numbers import (
    NumberPattern,
    format_compact_currency,
    get_currency_name,
    get_currency_precision,
    get_currency_symbol,
    is_currency,
)

from playbook.core import i18n
from playbook.core.i18n import _, ngettext

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


def minus() -> str:
    """The active locale's minus sign, as CLDR has it: ``-`` in en_US and de_DE, ``−`` (U+2212) in sv_SE or fi_FI."""
    return _locale(active().locale).number_symbols["latn"].get("minusSign", "-")


def _minus(text: str) -> str:
    """``text`` (a number Babel wrote with ``-``) with the locale's own minus sign."""
    sign = minus()
    return text if sign == "-" else text.replace("-", sign)


def _compact_rounded(v: float, digits: int) -> float | None:
    """``v`` rounded as the locale's short compact form shows it (``741600`` -> ``742000`` for ``$742K``); None
    where the locale abbreviates nothing at this size (de_DE below a million). A rounding that reaches the next
    size is shown at that size (``999600`` is ``$1M``, never ``$1000K``)."""
    patterns = _locale(active().locale).compact_currency_formats["short"]["other"]
    sizes = sorted(int(k) for k in patterns)
    for _attempt in range(2):
        size = max((k for k in sizes if k <= abs(v)), default=None)
        if size is None:
            return None
        pattern = str(patterns[str(size)].pattern)
        if not any(c.isalpha() for c in pattern.replace("¤", "")):
            return None
        divisor = size / 10 ** (pattern.count("0") - 1)
        rounded = float(_half_up(v / divisor, digits)) * divisor
        if max((k for k in sizes if k <= abs(rounded)), default=size) == size:
            return rounded
        v = rounded
    return v


def _compact_digits(v, digits: int | None = None) -> int:
    """Decimals of a compact amount: ``digits`` (default 1) from a million up, none below (``$1.2M``, ``$160K``)."""
    return (1 if digits is None else digits) if abs(v) >= 1_000_000 else 0


def money(v, compact: bool = False, cents: bool = False, digits: int | None = None) -> str:
    """An amount in the active currency: ``$1,234,567``, ``1.234.567 €``; cents only below 100 (``$1.98``).

    ``cents`` always writes the currency's minor unit (``$1,234.50``: a ratio such as revenue per dollar).
    ``compact`` abbreviates from 10,000 up as the locale does (``$160K``, ``$1.2M``, ``1,2 Mio. €``): the one
    rule for text, tables and chart axes wherever the exact amount does not matter. ``digits`` sets the decimals
    of compact amounts from a million up (``$1.63M``) where figures shown together must tell apart changes of a
    tenth of a million.
    """
    if _missing(v):
        return "–"
    style = active()
    if compact and abs(v) >= COMPACT_FROM:
        rounded = _compact_rounded(v, _compact_digits(v, digits))
        if rounded is not None:
            return _minus(format_compact_currency(rounded, style.currency, locale=style.locale,
                                                  fraction_digits=_compact_digits(v, digits)))
        # the locale abbreviates nothing at this size (de: 160000 €): the full amount, grouped, reads better
    precision = get_currency_precision(style.currency)
    digits = precision if cents or (abs(v) < 100 and not float(v).is_integer()) else 0
    rounded = _half_up(v, digits)
    if rounded == 0:
        rounded = rounded.copy_abs()  # never "-$0"
    return _minus(_pattern(style.locale, "currency", digits).apply(rounded, style.locale, currency=style.currency,
                                                                  currency_digits=False))


def money_ticks(values) -> list[str]:
    """Labels for an axis of amounts, by the compact rule of ``money``: when the largest is 10,000 or more every
    label is compact (``$0``, ``$5K``, ``$10K``, never ``$5,000`` beside ``$10K``), each exact."""
    values = list(values)
    big = max((abs(v) for v in values), default=0) >= COMPACT_FROM
    style = active()
    out = []
    for v in values:
        text = None
        if big and v:
            for digits in (0, 1, 2):
                rounded = _compact_rounded(v, digits)
                if rounded is not None and abs(rounded - v) < 1e-6 * max(1.0, abs(v)):
                    text = _minus(format_compact_currency(rounded, style.currency, locale=style.locale,
                                                          fraction_digits=digits))
                    break
        out.append(text or money(v))
    return out


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
    if rounded == 0:
        rounded = rounded.copy_abs()
    text = _minus(_pattern(locale, "percent", digits).apply(rounded, locale))
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
        if rounded == 0:
            rounded = rounded.copy_abs()
        text = _locale(locale).decimal_formats[None].apply(rounded, locale)
    else:
        rounded = _half_up(v, digits)
        if rounded == 0:
            rounded = rounded.copy_abs()
        text = _pattern(locale, "decimal", digits).apply(rounded, locale)
    text = _minus(text)
    return _signed(text, rounded, locale) if signed else text


# -- figures of a kind, and the change between two of them (METHOD 13) -------------------------------------------
SHARE, RATING, DECIMAL, MONEY, COUNT = "share", "rating", "decimal", "money", "count"
KINDS = (SHARE, RATING, DECIMAL, MONEY, COUNT)  # a rating (1-5) and a decimal (hours, days) show one decimal


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")


def figure(v, kind: str = SHARE) -> str:
    """One figure as every page shows its kind: a share or a 0–100 score as a whole percent (``77%``), a rating
    to one decimal (``4.3``), money compact (``$742K``), a count whole (``12``)."""
    _check_kind(kind)
    if kind == SHARE:
        return share(v)
    if kind in (RATING, DECIMAL):
        return number(v, 1)
    if kind == MONEY:
        return money(v, compact=True)
    return number(v, 0)


def _shown(v, kind: str) -> Decimal:
    """``v`` as ``figure`` shows it, in the unit it is read in (points for a share)."""
    if kind == SHARE:
        return _half_up(v, 2) * 100
    if kind in (RATING, DECIMAL):
        return _half_up(v, 1)
    if kind == MONEY:
        if abs(v) >= COMPACT_FROM:
            rounded = _compact_rounded(v, _compact_digits(v))
            if rounded is not None:
                return Decimal(str(rounded))
        return _half_up(v, 0 if abs(v) >= 100 or float(v).is_integer() else 2)
    return _half_up(v, 0)


def delta(a, b, kind: str = SHARE) -> Decimal | None:
    """The change from ``a`` to ``b`` as the difference of the two figures as shown (points for shares)."""
    _check_kind(kind)
    if _missing(a) or _missing(b):
        return None
    return _shown(b, kind) - _shown(a, kind)


def _size(d: Decimal, kind: str) -> str:
    """The size of a change ``d`` (already in the unit read), without its sign."""
    if kind == SHARE:
        return ngettext("%(points)s point", "%(points)s points", int(abs(d)),
                        points=number(abs(d), 0))
    if kind in (RATING, DECIMAL):
        return number(abs(d), 1)
    if kind == MONEY:
        return money(float(abs(d)), compact=True)
    return number(abs(d), 0)


def difference(a, b, kind: str = SHARE, signed: bool = False) -> str:
    """The change from ``a`` to ``b`` alone: ``up 31 points``, ``down 0.4``, ``no change``; ``signed`` for a
    table's column: ``+31 points``, ``−0.4`` (the locale's signs), ``0``. A missing figure reads "–"."""
    d = delta(a, b, kind)
    if d is None:
        return "–"
    size = _size(d, kind)
    if signed:
        if d == 0:
            return size
        symbols = _locale(active().locale).number_symbols["latn"]
        return (symbols["plusSign"] if d > 0 else minus()) + size
    if d == 0:
        return _("no change")
    return _("up %(size)s", size=size) if d > 0 else _("down %(size)s", size=size)


def change(a, b, kind: str = SHARE) -> str:
    """A change between two shown figures: ``46% → 77%, up 31 points`` (the change is their shown difference)."""
    return _("%(before)s → %(after)s, %(change)s", before=figure(a, kind), after=figure(b, kind),
             change=difference(a, b, kind))


# -- dates and periods -----------------------------------------------------------------------------------------------
def day(d: date | datetime | str | None, form: str = "long") -> str:
    """A day in the locale's ``long`` (``December 3, 2026``, ``3. Dezember 2026``) or ``medium`` form
    (``Dec 3, 2026``); an ISO date or timestamp is read first. Missing reads "–"."""
    if d is None or d == "":
        return "–"
    if isinstance(d, str):
        text = d.strip()
        try:
            d = datetime.fromisoformat(text.replace("Z", "+00:00")) if "T" in text or " " in text else \
                date.fromisoformat(text)
        except ValueError:
            return text
    if isinstance(d, datetime):
        d = d.date()
    return format_date(d, format=form, locale=active().locale)


def period(label: Any, form: str = "medium") -> str:
    """A period label for people: ``2026-12`` -> ``Dec 2026`` (``December 2026`` long), ``2026-Q4`` -> ``Q4 2026``
    (as the locale writes quarters), ``2026-09-30`` -> a day; any other label (a year, a wave's own name) as it is."""
    import re

    text = "" if label is None else str(label).strip()
    month = re.fullmatch(r"(\d{4})-(\d{2})", text)
    quarter = re.fullmatch(r"(\d{4})-?[Qq]([1-4])", text)
    locale = active().locale
    if month and 1 <= int(month.group(2)) <= 12:
        return format_skeleton("yMMMM" if form == "long" else "yMMM", date(int(month.group(1)), int(month.group(2)), 1),
                               locale=locale)
    if quarter:
        return format_skeleton("yQQQ", date(int(quarter.group(1)), 3 * int(quarter.group(2)), 1), locale=locale)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return day(text, form)
    return text


def periods_short(labels: list[Any]) -> list[str]:
    """Period labels for a crowded axis: when all are months or quarters of one year, without the year (``Jul``,
    ``Q3``, as the locale writes them; the year goes in the title), else as ``period`` writes them."""
    import re

    found = [re.fullmatch(r"(\d{4})-(?:(\d{2})|[Qq]([1-4]))", str(label).strip()) for label in labels]
    if not labels or not all(found) or len({m.group(1) for m in found}) > 1:
        return [period(label) for label in labels]
    locale = active().locale
    return [format_date(date(int(m.group(1)), int(m.group(2)), 1), "LLL", locale=locale) if m.group(2) else
            format_date(date(int(m.group(1)), 3 * int(m.group(3)), 1), "QQQ", locale=locale) for m in found]


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
    """The currency's name in the active language: ``EUR`` -> ``Euro`` (English, German), ``euro`` (French)."""
    return get_currency_name(code, locale=i18n.active())


def locale_name(name: str) -> str:
    """The locale's name in the active language: ``de_DE`` -> ``German (Germany)``, ``Deutsch (Deutschland)``."""
    return _locale(name).get_display_name(i18n.active()) or name


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
        "minus": symbols.get("minusSign", "-"),
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


def zone_name(tz: str | None) -> str:
    """A time zone for people in the active locale: ``America/Chicago`` -> ``Central Time (Chicago)``; ``UTC`` as
    itself; a name the zone data does not know, as written."""
    from babel.dates import get_timezone_location, get_timezone_name

    zone = _zone(tz)
    if tz and zone.key != tz:
        return str(tz)
    if zone.key == "UTC" or zone.key.startswith("Etc/"):
        return "UTC"
    locale = active().locale
    city = get_timezone_location(zone, locale=locale, return_city=True)
    return f"{get_timezone_name(zone, locale=locale)} ({city})"


def hours(text: str) -> str:
    """Opening hours ``"09:00-17:00"`` for people in the active locale: ``9:00 AM–5:00 PM`` (en_US),
    ``09:00–17:00`` (de_DE); text that is not two times, as written."""
    import datetime as dt

    from babel.dates import format_time

    try:
        start, end = (dt.time.fromisoformat(t.strip()) for t in str(text).split("-"))
    except ValueError:
        return str(text)
    locale = active().locale
    return f"{format_time(start, 'short', locale=locale)}\u2013{format_time(end, 'short', locale=locale)}"


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


def time_of_day(value: Any, tz: str | None = None) -> str:
    """The time of day of a moment, to the minute, in time zone ``tz`` (default UTC) and the active locale:
    ``9:25 AM`` (en_US), ``09:25`` (de_DE)."""
    import datetime as dt

    from babel.dates import format_time

    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return format_time(value.astimezone(_zone(tz)), "short", locale=active().locale)


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
