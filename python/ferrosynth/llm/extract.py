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

_FENCE = re.compile(r"```[ \t]*(?:json5?|JSON|javascript|js)?[ \t]*\n(.*?)```", re.DOTALL)
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


def extract_json_objects(text: str) -> list[Any]:
    """All JSON objects and arrays in ``text`` (fenced blocks first); ``[]`` when none."""
    values: list[Any] = []
    fenced = _FENCE.findall(text)
    for block in fenced:
        block = block.strip()
        try:
            values.append(json.loads(block))
        except json.JSONDecodeError:
            values.extend(_scan(block))
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
