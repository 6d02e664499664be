"""Checking an engagement's YAML files against their JSON Schemas (``playbook/data/<name>.schema.json``).

A schema declares once each key's type, range and allowed values. Two keywords of our own make its
messages read well:

- ``x-allowed``: what a key accepts, in plain words ("a number from 0 to 1"); every message quotes it;
- ``x-messages``: the sentence forms of a file's messages (keys ``invalid``, ``shape``, ``missing``,
  ``unknown``), inherited by every key below the one that declares them; ``MESSAGES`` holds the forms
  used when a schema declares none.

Only one problem is reported: the first in the schema's order of keys (unknown keys first, a list or
mapping before what it holds), which is the order in which a reader would meet it.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from playbook.core.errors import UserError

# Our schemas use no "format" keyword. jsonschema imports every optional format checker it finds
# installed, and rfc3987_syntax (installed beside Jupyter, used only for the "iri" formats) compiles a
# grammar on import: 0.7 s of CPU in every process, respondents' form kernels included. Unless
# something in this process has loaded it already, jsonschema is told it is absent.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

from jsonschema import Draft202012Validator, validators  # noqa: E402
from jsonschema.exceptions import ValidationError  # noqa: E402

# {path}: where the key is (settings.kpi_watch, respondents[2].side); {value}: what the file holds;
# {allowed}: the key's x-allowed; {enum}: its allowed values; {known}: the keys allowed beside it.
MESSAGES = {
    "invalid": "{path} is {value}; it must be {allowed}.",  # a value of the wrong type or out of range
    "shape": "{path} must be {allowed}.",  # a list or mapping where another shape belongs
    "missing": "{path} is missing; it must be {allowed}.",  # absent, or present with no value
    "unknown": "{path} is not a known field; allowed fields are {known}.",
}


def _number(checker: Any, value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _integer(checker: Any, value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# Stricter than JSON's numbers: true/false, .nan and .inf are not numbers, and 2.0 is not a whole number.
Validator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine_many({"number": _number, "integer": _integer}),
)


@cache
def load(name: str) -> dict[str, Any]:
    """The schema ``name`` (``engagement``, ``prospecting``), read once from the package."""
    text = resources.files("playbook").joinpath(f"data/{name}.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


@cache
def _validator(name: str, at: tuple[str, ...]) -> Any:
    """A validator for the part of schema ``name`` that describes the key at ``at`` ((): the whole file)."""
    root = load(name)
    if not at:
        return Validator(root)
    node = _walk(root, at)[-1]
    if node is None:
        raise KeyError(f"{name}.schema.json declares no {'.'.join(at)}")
    return Validator({**node, "$defs": root.get("$defs", {})})


def check(instance: Any, name: str, source: str, at: tuple[str, ...] = ()) -> None:
    """Raise ``UserError`` naming ``source`` and the first problem of ``instance`` against schema ``name``.

    ``at`` checks only the key at that path (``("settings",)``: the ``settings:`` mapping).
    """
    issues = [issue for error in _validator(name, at).iter_errors(instance) for issue in _issues(error, at)]
    if issues:
        root = load(name)
        path, kind, value = min(issues, key=lambda issue: _position(root, issue[0]))
        raise UserError(_message(root, source, path, kind, value))


def check_value(value: Any, name: str, rule: str, label: str) -> None:
    """Raise ``UserError`` when ``value`` breaks the rule ``$defs/<rule>`` of schema ``name``; ``label`` names it."""
    if not _rule(name, rule).is_valid(value):
        allowed = load(name)["$defs"][rule]["x-allowed"]
        raise UserError(MESSAGES["invalid"].format(path=label, value=_show(value), allowed=allowed))


@cache
def _rule(name: str, rule: str) -> Any:
    return Validator(load(name)["$defs"][rule])


def _issues(error: ValidationError, at: tuple[str, ...]) -> Iterator[tuple[tuple, str, Any]]:
    """(path, kind, value) of each problem in ``error``: a missing key and an unknown key are each one."""
    path = (*at, *error.absolute_path)
    if error.validator == "required":
        for key in error.validator_value:
            if key not in error.instance:
                yield (*path, key), "missing", None
    elif error.validator == "additionalProperties":
        known = error.schema.get("properties", {})
        for key, value in error.instance.items():
            if key not in known:
                yield (*path, key), "unknown", value
    else:
        value = error.instance
        kind = "missing" if value is None else "shape" if isinstance(value, (dict, list)) else "invalid"
        yield path, kind, value


def _deref(root: dict, node: dict) -> dict:
    """``node`` with its local ``$ref`` (``#/$defs/...``) followed; keys beside the ``$ref`` win."""
    while "$ref" in node:
        target: Any = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _walk(root: dict, path: tuple) -> list[dict | None]:
    """The schemas along ``path``, from the root's; None from the first step the schema does not declare."""
    nodes: list[dict | None] = [_deref(root, root)]
    for step in path:
        node = nodes[-1]
        if node is None:
            child = None
        elif "items" in node and isinstance(step, int):
            child = node["items"]
        else:
            child = node.get("properties", {}).get(step)
            if child is None and isinstance(node.get("additionalProperties"), dict):  # a mapping of named entries
                child = node["additionalProperties"]
        nodes.append(None if child is None else _deref(root, child))
    return nodes


def _position(root: dict, path: tuple) -> tuple[int, ...]:
    """Where a problem at ``path`` comes in the schema's order: unknown keys first, then declared keys in order."""
    out = []
    for node, step in zip(_walk(root, path), path):
        if node is not None and "items" in node and isinstance(step, int):
            out.append(step)
        else:
            keys = list((node or {}).get("properties", {}))
            out.append(keys.index(step) if step in keys else -1)
    return tuple(out)


def _where(path: tuple, nodes: list[dict | None]) -> str:
    """``categories[2].win_rate``: mapping keys joined by dots, list items numbered from 1."""
    text = ""
    for node, step in zip(nodes, path):
        if node is not None and "items" in node and isinstance(step, int):
            text += f"[{step + 1}]"
        else:
            text += f".{step}" if text else str(step)
    return text


def _message(root: dict, source: str, path: tuple, kind: str, value: Any) -> str:
    nodes = _walk(root, path)
    node = nodes[-1] or {}
    allowed = node.get("x-allowed", "")
    if not path:
        return f"{source} must be {allowed}."
    forms = dict(MESSAGES)
    for n in nodes:
        forms.update((n or {}).get("x-messages", {}))
    parent = nodes[-2] or {}
    sentence = forms[kind].format(
        path=_where(path, nodes), value=_show(value), allowed=allowed,
        enum=", ".join(str(v) for v in node.get("enum", ())),
        known=", ".join(str(k) for k in parent.get("properties", {})),
    )
    return f"{source}: {sentence}"


def _show(value: Any) -> str:
    """A value as the file holds it, cut short when long."""
    if isinstance(value, date):
        return f"the date {value.isoformat()} (put it in quotes to use it as text)"
    text = repr(value)
    if len(text) > 80:
        text = text[:76] + ("...'" if isinstance(value, str) else "...")
    return text
