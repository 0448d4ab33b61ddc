"""Tolerant parsing of a model's answer into :class:`Persona` records.

Models wrap JSON in code fences, add prose before and after, nest the list under a key of their
choosing (``personas``, ``data``, ``results``, ...) and name fields their own way
(``painPoints``, ``frustrations``, ``role``, ...). The parser accepts all of that and reports what
it could not use instead of failing silently.

Example::

    >>> from ferrosynth.personas import PersonaParser
    >>> answer = '{"personas": [{"full_name": "Ana", "painPoints": "slow"}]}'
    >>> text = "Here you go:\\n```json\\n" + answer + "\\n```"
    >>> result = PersonaParser().parse(text)
    >>> result.personas[0].name, result.personas[0].pain_points
    ('Ana', ['slow'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ferrosynth.llm import extract_json, extract_json_objects
from ferrosynth.personas.core.generation.persona import Persona

__all__ = ["ParseResult", "PersonaParser"]

#: Field name -> the spellings models use for it (compared case- and separator-insensitively).
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "full_name", "persona_name", "persona", "display_name"),
    "age": ("age", "age_years"),
    "occupation": ("occupation", "role", "job", "job_title", "title", "profession", "position"),
    "location": ("location", "city", "place", "lives_in", "region"),
    "summary": ("summary", "description", "bio", "background", "overview", "about"),
    "demographics": ("demographics", "demographic", "profile", "details"),
    "goals": ("goals", "goal", "objectives", "motivations", "needs", "aims"),
    "pain_points": (
        "pain_points",
        "painpoints",
        "pains",
        "frustrations",
        "challenges",
        "problems",
    ),
    "behaviours": ("behaviours", "behaviors", "behaviour", "behavior", "habits", "patterns"),
    "quotes": ("quotes", "quote", "key_quotes", "representative_quotes", "sayings"),
    "communication_style": ("communication_style", "tone", "voice", "style"),
    "sources": ("sources", "source", "evidence", "source_files", "based_on"),
    "id": ("id", "persona_id"),
}
_LIST_FIELDS = ("goals", "pain_points", "behaviours", "quotes", "sources")
_WRAPPERS = ("personas", "persona_list", "users", "profiles", "data", "results", "items", "output")


def _norm(key: str) -> str:
    return re.sub(r"[^a-z0-9]", "", key.lower())


_LOOKUP = {_norm(alias): name for name, aliases in ALIASES.items() for alias in aliases}
_WRAPPER_KEYS = {_norm(k) for k in _WRAPPERS}


@dataclass
class ParseResult:
    """What :meth:`PersonaParser.parse` found: the personas and the problems with the rest."""

    personas: list[Persona] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    raw: str = ""

    @property
    def success(self) -> bool:
        """At least one persona and no item rejected."""
        return bool(self.personas) and not self.errors


class PersonaParser:
    """Turns model output (text or already-decoded JSON) into personas."""

    def parse(self, text: str) -> ParseResult:
        """Parse ``text``; never raises on bad input (see :attr:`ParseResult.errors`)."""
        result = ParseResult(raw=text)
        for item in self._items(self._decode(text)):
            persona = self.parse_item(item, result.errors)
            if persona is not None:
                result.personas.append(persona)
        if not result.personas and not result.errors:
            result.errors.append("no persona objects found in the answer")
        return result

    def parse_item(self, item: object, errors: list[str]) -> Persona | None:
        """One persona from one decoded JSON object; a reason is appended to ``errors`` if not."""
        if not isinstance(item, dict):
            errors.append(f"expected a JSON object for a persona, got {type(item).__name__}")
            return None
        fields: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for key, value in item.items():
            name = _LOOKUP.get(_norm(str(key)))
            if name is None or name in fields:
                extra[str(key)] = value
            else:
                fields[name] = value
        if isinstance(fields.get("name"), dict):  # {"persona": {...}} nesting
            nested = self.parse_item(fields["name"], errors)
            return nested
        name = _text(fields.get("name"))
        if not name:
            errors.append(f"persona object without a name (keys: {', '.join(map(str, item))})")
            return None
        demographics = fields.get("demographics")
        if not isinstance(demographics, dict):
            if demographics is not None:
                extra["demographics"] = demographics
            demographics = {}
        demographics = dict(demographics)
        # Age, occupation and location are often nested in demographics.
        for key in ("age", "occupation", "location"):
            if key not in fields:
                for dkey in list(demographics):
                    if _LOOKUP.get(_norm(str(dkey))) == key:
                        fields[key] = demographics.pop(dkey)
                        break
        return Persona(
            id=_text(fields.get("id")) or "",
            name=name,
            age=_age(fields.get("age")),
            occupation=_text(fields.get("occupation")),
            location=_text(fields.get("location")),
            summary=_text(fields.get("summary")),
            demographics=demographics,
            goals=_strings(fields.get("goals")),
            pain_points=_strings(fields.get("pain_points")),
            behaviours=_strings(fields.get("behaviours")),
            quotes=_strings(fields.get("quotes")),
            communication_style=_text(fields.get("communication_style")),
            sources=_strings(fields.get("sources")),
            extra=extra,
        )

    @staticmethod
    def _decode(text: str) -> object:
        try:
            value = extract_json(text)
        except ValueError:
            value = None
        try:
            objects: list[Any] = list(extract_json_objects(text))
        except ValueError:
            objects = []
        # Several objects separated by prose ("Persona 1: {...} Persona 2: {...}").
        several = len(objects) > 1 and all(isinstance(o, dict) for o in objects)
        if (value is None or isinstance(value, dict)) and several:
            return objects
        return value if value is not None else (objects or None)

    def _items(self, value: object) -> list[object]:
        """The persona objects inside ``value``: a list, a wrapper object, or one persona."""
        if value is None:
            return []
        if isinstance(value, list):
            if len(value) == 1 and isinstance(value[0], dict) and self._wrapped(value[0]):
                return self._items(value[0])
            return list(value)
        if isinstance(value, dict):
            is_persona = any(_LOOKUP.get(_norm(str(k))) == "name" for k in value)
            inner = None if is_persona else self._wrapped(value)
            if inner is not None:
                return self._items(inner)
            return [value]
        return [value]

    @staticmethod
    def _wrapped(value: dict[str, Any]) -> object | None:
        for key, inner in value.items():
            if _norm(str(key)) in _WRAPPER_KEYS and isinstance(inner, (list, dict)):
                return inner
        return None


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    text = str(value).strip()
    return text or None


def _age(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        match = re.search(r"\d{1,3}", value)
        return int(match.group()) if match else None
    return None


def _strings(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if isinstance(value, dict) and ("text" in value or "quote" in value):
        value = [value]
    if isinstance(value, dict):
        value = [f"{k}: {v}" for k, v in value.items()]
    if not isinstance(value, (list, tuple)):
        value = [value]
    out: list[str] = []
    for item in value:
        text = _text(item.get("text") or item.get("quote") if isinstance(item, dict) else item)
        if text:
            out.append(text)
    return out
