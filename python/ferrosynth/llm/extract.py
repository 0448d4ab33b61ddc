"""JSON from model text: code fences, prose around it, several values in one answer.

Models wrap JSON in Markdown fences, put a sentence before it, or answer with several objects.
:func:`extract_json` finds the first JSON object or array (fenced blocks first, then anywhere
in the text); :func:`extract_json_objects` finds all of them, left to right.

Example::

    >>> from ferrosynth.llm import extract_json, extract_json_objects, JSONExtractor
    >>> extract_json('Sure! Here it is:\\n```json\\n{"name": "Alice"}\\n```')
    {'name': 'Alice'}
    >>> extract_json_objects('{"a": 1} some text {"b": 2}')
    [{'a': 1}, {'b': 2}]
    >>> JSONExtractor().extract('The list is [1, 2, 3].')
    [1, 2, 3]
"""

from __future__ import annotations

import json
import re
from typing import Any

from ferrosynth.llm.errors import StructuredOutputError

__all__ = ["JSONExtractor", "extract_json", "extract_json_objects"]

_FENCE_OPEN = re.compile(r"```[ \t]*(?:json5?|JSON|javascript|js)?[ \t]*\n")
_DECODER = json.JSONDecoder()


def _scan(text: str) -> list[Any]:
    """Every JSON object/array in ``text`` that decodes, left to right, not nested in another."""
    found: list[Any] = []
    i = 0
    n = len(text)
    while i < n:
        starts = [p for p in (text.find("{", i), text.find("[", i)) if p >= 0]
        if not starts:
            break
        start = min(starts)
        try:
            value, end = _DECODER.raw_decode(text, start)
        except json.JSONDecodeError:
            i = start + 1
            continue
        found.append(value)
        i = end
    return found


def _fenced(text: str) -> list[Any]:
    """The JSON values of fenced code blocks. A block's value is decoded from just after its
    opening fence, so a ```` ``` ```` inside a JSON string does not end the block early."""
    values: list[Any] = []
    pos = 0
    while (opening := _FENCE_OPEN.search(text, pos)) is not None:
        start = opening.end()
        first = len(text) - len(text[start:].lstrip())
        try:
            value, end = _DECODER.raw_decode(text, first)
        except json.JSONDecodeError:
            close = text.find("```", start)
            if close < 0:
                break
            values.extend(_scan(text[start:close]))
            pos = close + 3
            continue
        values.append(value)
        close = text.find("```", end)
        pos = close + 3 if close >= 0 else end
    return values


def extract_json_objects(text: str) -> list[Any]:
    """All JSON objects and arrays in ``text`` (fenced blocks first); ``[]`` when none."""
    values = _fenced(text)
    if values:
        return values
    stripped = text.strip()
    if stripped:
        try:  # the whole answer is JSON (a bare string or number counts too)
            return [json.loads(stripped)]
        except json.JSONDecodeError:
            pass
    return _scan(text)


def extract_json(text: str) -> Any:
    """The first JSON value in ``text``; raises :class:`~ferrosynth.llm.StructuredOutputError`
    (a ``ValueError``) when there is none."""
    values = extract_json_objects(text)
    if not values:
        raise StructuredOutputError("no JSON found in the model's answer", text=text)
    return values[0]


class JSONExtractor:
    """The extraction functions as an object (the persona SDK's interface)."""

    def extract(self, text: str) -> Any:
        """The first JSON value in ``text`` (raises ``StructuredOutputError`` if none)."""
        return extract_json(text)

    def extract_all(self, text: str) -> list[Any]:
        """Every JSON object/array in ``text``."""
        return extract_json_objects(text)
