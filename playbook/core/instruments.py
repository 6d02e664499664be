"""The questions the playbook asks, loaded from ``playbook/data/instruments.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

YESNO = "yesno"
RATING = "rating"
# "Don't know" is an answer to every item (METHOD 7): it completes the item and counts in no share or mean.
DONT_KNOW = "dont_know"
DONT_KNOW_SPELLINGS = ("dont_know", "don't know", "?")


@dataclass(frozen=True)
class Item:
    id: str
    instrument: str  # MSE, SSE, SYM, CS1, CS2, CS3
    text: str
    answer: str  # yesno | rating
    about: str  # marketing | sales | company
    level: int | None = None  # credibility level for CS items
    short: str = ""  # the item named in at most 40 characters, for charts and what clients read (METHOD 13)

    @property
    def label(self) -> str:
        """The item's short statement (its id only when the instruments give it none)."""
        return self.short or self.id


@dataclass(frozen=True)
class Instrument:
    code: str
    title: str
    intro: str
    answer: str
    about: str
    level: int | None
    items: tuple[Item, ...]


@lru_cache(maxsize=1)
def instruments() -> dict[str, Instrument]:
    raw = yaml.safe_load(resources.files("playbook").joinpath("data/instruments.yaml").read_text("utf-8"))
    out: dict[str, Instrument] = {}
    for code, spec in raw["instruments"].items():
        short = spec.get("short") or {}
        items = tuple(
            Item(item_id, code, text, spec["answer"], spec["about"], spec.get("level"), str(short.get(item_id, "")))
            for item_id, text in spec["items"].items()
        )
        out[code] = Instrument(code, spec["title"], spec["intro"], spec["answer"], spec["about"], spec.get("level"), items)
    return out


@lru_cache(maxsize=1)
def items() -> dict[str, Item]:
    """Every item by id, in questionnaire order."""
    return {item.id: item for inst in instruments().values() for item in inst.items}


SHORT_MAX = 40  # characters of an item's short statement


def label(item_id: str) -> str:
    """The short statement of ``item_id`` (``CS1-3`` -> ``Marketers spend time in the field``), as charts and
    findings name an item; an id the instruments do not know is returned as it is."""
    found = items().get(item_id)
    return found.label if found is not None else item_id


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
