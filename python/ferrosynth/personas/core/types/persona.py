"""Typed dictionaries for personas in their plain-JSON form (``PersonaModel.to_dict()``).

Example::

    >>> from ferrosynth.personas import PersonaDict, PersonaIdentityDict
    >>> identity: PersonaIdentityDict = {"name": "Alice Smith", "age": 32}
    >>> persona: PersonaDict = {"identity": identity}
    >>> persona["identity"]["name"]
    'Alice Smith'
"""

from __future__ import annotations

from typing import TypedDict

__all__ = [
    "PersonaBehaviourDict",
    "PersonaDemographicsDict",
    "PersonaDict",
    "PersonaIdentityDict",
    "PersonaPreferencesDict",
]


class PersonaIdentityDict(TypedDict, total=False):
    """Who the persona is."""

    id: str
    name: str
    age: int
    occupation: str


class PersonaDemographicsDict(TypedDict, total=False):
    """Where and how the persona lives; any further keys the model gave are kept."""

    location: str
    education: str
    income: str
    family: str


class PersonaBehaviourDict(TypedDict, total=False):
    """What the persona wants, struggles with and does."""

    goals: list[str]
    pain_points: list[str]
    behaviours: list[str]


class PersonaPreferencesDict(TypedDict, total=False):
    """How the persona speaks and what they prefer."""

    quotes: list[str]
    communication_style: str
    tools: list[str]


class PersonaDict(TypedDict, total=False):
    """A persona as nested plain JSON."""

    identity: PersonaIdentityDict
    demographics: PersonaDemographicsDict
    behaviour: PersonaBehaviourDict
    preferences: PersonaPreferencesDict
    sources: list[str]
