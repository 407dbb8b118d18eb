"""One catalogue of the texts people read (中文): labels, warning, report and audit sentences, refusals,
and the explorer's and editor's words — ``zh.yaml`` beside this module, loaded once.

Python reads it here; the browser reads the same catalogue as JSON through ``static/texts.js`` — inlined
in the explorer's page, and at ``GET /texts.json`` (:func:`as_json`) for any other page — so both show
the same words.

- :func:`label` and :func:`labels`: a label table, keyed by the API's enum values
  (``label("status", "GREEN") == "达标"``);
- :func:`words`: a list of words (a table's column headings);
- :func:`say`: a sentence template filled in (``say("folded", count=3) == "其他 3 项"``); ``{name}`` takes a
  parameter, ``{name:table}`` the label of its value in a table, a list is joined with "、".

To add a word: put it in ``zh.yaml`` (a new table, or a key of an existing one) and read it with these
functions — never a dict of Chinese words in a module (``tests/test_texts.py`` checks).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any

import yaml

__all__ = ["as_json", "as_json_value", "catalogue", "fill", "label", "labels", "say", "words"]

#: ``{name}`` or ``{name:table}`` in a template.
PLACEHOLDER = re.compile(r"\{(\w+)(?::(\w+))?\}")


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({str(k): _frozen(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


@cache
def catalogue() -> Mapping[str, Any]:
    """The whole catalogue, read-only (loaded once)."""
    text = files("zhengai.texts").joinpath("zh.yaml").read_text(encoding="utf-8")
    return _frozen(yaml.safe_load(text))


@cache
def _at(path: str) -> Any:
    node: Any = catalogue()
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            raise KeyError(f"no text {path!r} in the catalogue (zhengai/texts/zh.yaml)")
        node = node[part]
    return node


@cache  # asked for every warning's message: the check is done once per table
def labels(table: str) -> Mapping[str, str]:
    """A label table: code → word (e.g. ``labels("level")["SCHOOL"] == "学校"``)."""
    found = _at(table)
    if not isinstance(found, Mapping):
        raise KeyError(f"{table!r} is not a label table")
    return found


def label(table: str, key: object) -> str:
    """The word for ``key`` (an enum value or its name) in ``table``."""
    return labels(table)[str(key)]


def words(path: str) -> tuple[str, ...]:
    """A list of words at ``path`` (dotted), e.g. a table's column headings."""
    found = _at(path)
    if not isinstance(found, tuple):
        raise KeyError(f"{path!r} is not a list of words")
    return found


@cache
def _parts(template: str) -> tuple[tuple[str, str | None, str | None], ...]:
    """``template`` cut into (literal text, placeholder's name, its label table) pieces, parsed once."""
    parts: list[tuple[str, str | None, str | None]] = []
    at = 0
    for m in PLACEHOLDER.finditer(template):
        parts.append((template[at:m.start()], m.group(1), m.group(2)))
        at = m.end()
    parts.append((template[at:], None, None))
    return tuple(parts)


def fill(template: str, params: Mapping[str, object]) -> str:
    """``template`` with its placeholders replaced (a missing parameter is an error)."""
    out: list[str] = []
    for text, name, table in _parts(template):
        out.append(text)
        if name is None:
            continue
        if name not in params:
            raise KeyError(f"template {template!r} needs the parameter {name!r}")
        value = params[name]
        if table is not None:
            out.append(label(table, value))
        elif type(value) is not str and isinstance(value, Sequence):
            out.append("、".join(str(v) for v in value))
        else:
            out.append(str(value))
    return "".join(out)


def problem(code: str | None, params: Mapping[str, object], fallback: str) -> str:
    """A refused request's problem in words by its code (the catalogue's ``problem`` table), else
    ``fallback`` (the service's own words)."""
    if not code or code == "INVALID":
        return fallback
    try:
        return say(f"problem.{code}", **params)
    except KeyError:  # no words for the code, or a parameter they need is missing
        return fallback


def say(path: str, **params: object) -> str:
    """The sentence at ``path`` (dotted: ``"warning.stale"``) filled in with ``params``."""
    template = _at(path)
    if not isinstance(template, str):
        raise KeyError(f"{path!r} is not a sentence")
    return fill(template, params)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def as_json_value() -> dict[str, Any]:
    """The catalogue as plain JSON values (dicts, lists, strings)."""
    return _plain(catalogue())


@cache
def as_json() -> tuple[bytes, str]:
    """The catalogue as UTF-8 JSON for the browser, with its ETag."""
    body = json.dumps(as_json_value(), ensure_ascii=False, separators=(",", ":")).encode()
    return body, '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
