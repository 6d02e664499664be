"""The questions the playbook asks (METHOD 1, 13 and 15).

Structure and English wording live in ``playbook/data/instruments.yaml``: every instrument's
answer type, whom its statements are about, its item ids, and the words. Each other language
has one file, ``playbook/data/instruments/<lang>.yaml``, holding only words keyed by the same
instrument codes and item ids: ``title``, ``intro``, ``items`` (the statement a respondent reads)
and ``short`` (the item named in at most 40 characters, for charts and what clients read). Ids are
a stable contract; words may change freely.

An item's ``text``, ``short`` and ``label`` and an instrument's ``title`` and ``intro`` are read in
the active language (``formats.use(settings)`` makes the engagement's language active, see
``core/i18n.py``) at the moment they are read, so a form or a report built before the block that
activates the language still shows the client's words. A language file that lacks an id, holds one
the English file does not, leaves a text empty or a short label longer than 40 characters is
refused with one message naming the file and the id.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import yaml

from playbook.core import i18n
from playbook.core.errors import UserError
from playbook.core.files import yaml_section

YESNO = "yesno"
RATING = "rating"
# "Don't know" is an answer to every item (METHOD 7): it completes the item and counts in no share or mean.
DONT_KNOW = "dont_know"
DONT_KNOW_SPELLINGS = ("dont_know", "don't know", "?")

SHORT_MAX = 40  # characters of an item's short statement, in every language
SOURCE_FILE = "data/instruments.yaml"  # structure and English words (inside the package)
WORDING_DIR = "data/instruments"  # one <lang>.yaml per other language


class WordingError(UserError):
    """A language's wording file does not match the English instruments (a missing or unknown id, an empty
    text, a short label too long)."""


@dataclass(frozen=True)
class Wording:
    """The words of every instrument in one language, keyed by instrument code and item id."""

    language: str
    titles: dict[str, str]
    intros: dict[str, str]
    items: dict[str, str]
    short: dict[str, str]


def words() -> Wording:
    """The instruments' words in the active language."""
    return wording(i18n.active())


@dataclass(frozen=True)
class Item:
    id: str
    instrument: str  # MSE, SSE, SYM, CS1, CS2, CS3
    answer: str  # yesno | rating
    about: str  # marketing | sales | company
    level: int | None = None  # credibility level for CS items

    @property
    def text(self) -> str:
        """The statement a respondent reads, in the active language."""
        return words().items[self.id]

    @property
    def short(self) -> str:
        """The item named in at most 40 characters, in the active language (METHOD 13)."""
        return words().short[self.id]

    @property
    def label(self) -> str:
        """The item's short statement, as charts and findings name it."""
        return self.short


@dataclass(frozen=True)
class Instrument:
    code: str
    answer: str
    about: str
    level: int | None
    items: tuple[Item, ...]

    @property
    def title(self) -> str:
        return words().titles[self.code]

    @property
    def intro(self) -> str:
        return words().intros[self.code]


def _package():
    return resources.files("playbook")


@cache
def _source() -> dict:
    return yaml.safe_load(_package().joinpath(SOURCE_FILE).read_text("utf-8"))["instruments"]


@lru_cache(maxsize=1)
def instruments() -> dict[str, Instrument]:
    """Every instrument by code, in questionnaire order (structure; words are read in the active language)."""
    out: dict[str, Instrument] = {}
    for code, spec in _source().items():
        items = tuple(Item(item_id, code, spec["answer"], spec["about"], spec.get("level")) for item_id in spec["items"])
        out[code] = Instrument(code, spec["answer"], spec["about"], spec.get("level"), items)
    return out


@lru_cache(maxsize=1)
def items() -> dict[str, Item]:
    """Every item by id, in questionnaire order."""
    return {item.id: item for inst in instruments().values() for item in inst.items}


def wording_file(language: str):
    """Where the words of ``language`` live in the package (English: the instruments file itself)."""
    if language == i18n.SOURCE:
        return _package().joinpath(SOURCE_FILE)
    return _package().joinpath(WORDING_DIR, f"{language}.yaml")


def wording_languages() -> tuple[str, ...]:
    """English and every language with a wording file, sorted after English."""
    folder = _package().joinpath(WORDING_DIR)
    found = [f.name[: -len(".yaml")] for f in folder.iterdir() if f.name.endswith(".yaml")] if folder.is_dir() else []
    return (i18n.SOURCE, *sorted(found))


@cache
def wording(language: str) -> Wording:
    """The instruments' words in ``language``, checked against the English ids; ``WordingError`` names the file
    and the id when they do not match."""
    path = wording_file(language)
    where = f"playbook/{SOURCE_FILE}" if language == i18n.SOURCE else f"playbook/{WORDING_DIR}/{language}.yaml"
    if not path.is_file():
        raise WordingError(f"{where}: there is no wording of the instruments for language {language!r}; "
                           f"shipped wordings: {', '.join(wording_languages())}.")
    return read_wording(path, language, where)


def read_wording(path, language: str, where: str | None = None) -> Wording:
    """The words in one wording file (``path``), checked against the English ids; ``where`` names the file in
    the message (default: ``path``)."""
    where = where or str(path)
    spec = yaml_section(path.read_text("utf-8"), "instruments", where, WordingError,
                        "each instrument by its code (MSE, SSE...)")
    return _checked(where, language, spec)


def _text(key: str, value: object, problems: list[str]) -> str:
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{key} has no text")
        return ""
    return value.strip()


def _checked(where: str, language: str, spec: dict) -> Wording:
    problems: list[str] = []
    titles, intros, texts, short = {}, {}, {}, {}
    source = _source()
    problems += [f"instrument {code} is not one the playbook asks" for code in spec if code not in source]
    for code, src in source.items():
        mine = spec.get(code)
        if not isinstance(mine, dict):
            problems.append(f"instrument {code} is missing")
            continue
        titles[code] = _text(f"{code} title", mine.get("title"), problems)
        intros[code] = _text(f"{code} intro", mine.get("intro"), problems)
        for part, into in (("items", texts), ("short", short)):
            given = mine.get(part) if isinstance(mine.get(part), dict) else {}
            problems += [f"{code} {part}: {i} is missing" for i in src["items"] if i not in given]
            problems += [f"{code} {part}: {i} is not an item of {code}" for i in given if i not in src["items"]]
            into.update({i: _text(f"{code} {part}: {i}", given[i], problems) for i in src["items"] if i in given})
    problems += [f"short label of {i} has {len(s)} characters, more than {SHORT_MAX}"
                 for i, s in short.items() if len(s) > SHORT_MAX]
    if problems:
        raise WordingError(f"{where}: {'; '.join(problems)}.")
    return Wording(language, titles, intros, texts, short)


def label(item_id: str) -> str:
    """The short statement of ``item_id`` in the active language (``CS1-3`` -> ``Marketers spend time in the
    field``), as charts and findings name an item; an id the instruments do not know is returned as it is."""
    return words().short.get(item_id, item_id)


def item_ids(code: str) -> list[str]:
    return [i.id for i in instruments()[code].items]


def level_items(level: int) -> list[str]:
    return item_ids(f"CS{level}")


def is_scored(value: object) -> bool:
    """Whether an answer counts in shares and means: yes/no or a rating, not "don't know"."""
    return value != DONT_KNOW


def parse_answer(item: Item, raw: object) -> str | int:
    """Normalise one answer; raise ValueError with the allowed values when it is wrong.

    Every item also takes "don't know" (``dont_know``, ``don't know`` or ``?``, in any case),
    normalised to ``dont_know``.
    """
    text = str(raw).strip()
    low = text.lower().replace("\u2019", "'")  # a typographic apostrophe, as phones type it
    if low in DONT_KNOW_SPELLINGS:
        return DONT_KNOW
    if item.answer == YESNO:
        if low in ("yes", "no"):
            return low
        raise ValueError("yes, no or dont_know")
    try:
        value = int(text)
    except ValueError:
        # Spreadsheet exports often write 4 as "4.0": a whole number all the same. "4.5" is not.
        try:
            number = float(text)
        except ValueError:
            raise ValueError("a whole number from 1 to 5, or dont_know") from None
        if not number.is_integer():
            raise ValueError("a whole number from 1 to 5, or dont_know") from None
        value = int(number)
    if not 1 <= value <= 5:
        raise ValueError("a whole number from 1 to 5, or dont_know")
    return value
