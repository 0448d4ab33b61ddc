"""Prompt templates with ``{field}`` references into a sample.

A reference is a field name, or a path into nested objects and lists with dots or brackets:
``{name}``, ``{user.email}``, ``{turns[0].content}`` (``{{`` and ``}}`` are literal braces). A
string value is inserted as it is; any other value as compact JSON. Every reference is checked
against a sample before anything is sent (:meth:`PromptTemplate.missing`).

Example::

    >>> from ferrosynth.runner import PromptTemplate
    >>> t = PromptTemplate("Summarise {title} for {user.name}; tags: {tags}")
    >>> t.fields
    ('title', 'user.name', 'tags')
    >>> t.render({"title": "Q3", "user": {"name": "Ada"}, "tags": ["a", "b"]})
    'Summarise Q3 for Ada; tags: ["a","b"]'
    >>> t.missing({"title": "Q3"})
    ['user.name', 'tags']
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Any

import orjson

from ferrosynth.runner.errors import RunnerInputError

__all__ = ["PromptTemplate"]

_PART = re.compile(r"([^.\[\]]+)|\[([^\]]*)\]")
_MISSING = object()


def _path(field: str) -> tuple[str, ...]:
    parts = []
    position = 0
    for match in _PART.finditer(field):
        if match.start() != position and field[position : match.start()] != ".":
            raise ValueError(field)
        parts.append(match.group(1) if match.group(1) is not None else match.group(2))
        position = match.end()
    if position != len(field) or not parts:
        raise ValueError(field)
    return tuple(parts)


def _lookup(sample: Any, path: tuple[str, ...]) -> Any:
    value = sample
    for part in path:
        if isinstance(value, Mapping):
            value = value.get(part, _MISSING)
        elif isinstance(value, list) and part.lstrip("-").isdigit():
            index = int(part)
            value = value[index] if -len(value) <= index < len(value) else _MISSING
        else:
            return _MISSING
        if value is _MISSING:
            return _MISSING
    return value


class PromptTemplate:
    """A prompt with ``{field}`` references; see the module docs."""

    def __init__(self, text: str) -> None:
        self.text = text
        pieces: list[tuple[str, tuple[str, ...] | None, str]] = []
        fields: list[str] = []
        try:
            parsed = list(string.Formatter().parse(text))
        except ValueError as error:
            raise RunnerInputError(f"prompt template: {error}") from None
        for literal, field, spec, conversion in parsed:
            if literal:
                pieces.append((literal, None, ""))
            if field is None:
                continue
            if not field.strip():
                raise RunnerInputError("prompt template: '{}' names no field; write {field_name}")
            if conversion:
                raise RunnerInputError(f"prompt template: conversion '!{conversion}' not supported")
            try:
                path = _path(field)
            except ValueError:
                raise RunnerInputError(
                    f"prompt template: bad field reference {{{field}}}"
                ) from None
            pieces.append(("", path, spec or ""))
            if field not in fields:
                fields.append(field)
        self._pieces = tuple(pieces)
        self.fields = tuple(fields)
        self._paths = {field: _path(field) for field in fields}

    def missing(self, sample: Mapping[str, Any]) -> list[str]:
        """The references ``sample`` cannot fill (empty when it fills them all)."""
        return [f for f, path in self._paths.items() if _lookup(sample, path) is _MISSING]

    def render(self, sample: Mapping[str, Any]) -> str:
        """The prompt for ``sample`` (call :meth:`missing` first: a missing field raises)."""
        out: list[str] = []
        for literal, path, spec in self._pieces:
            if path is None:
                out.append(literal)
                continue
            value = _lookup(sample, path)
            if value is _MISSING:
                raise KeyError(".".join(path))
            if not isinstance(value, str):
                value = orjson.dumps(value).decode() if not spec else value
            out.append(format(value, spec) if spec else value)
        return "".join(out)

    def __repr__(self) -> str:
        return f"PromptTemplate({self.text!r})"
