"""The parsed persona: one plain record, with a deterministic id."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Persona", "persona_id"]


@dataclass
class Persona:
    """One persona as parsed from a model's answer (see :class:`PersonaParser`)."""

    name: str
    id: str = ""
    age: int | None = None
    occupation: str | None = None
    location: str | None = None
    summary: str | None = None
    demographics: dict[str, Any] = field(default_factory=dict)
    goals: list[str] = field(default_factory=list)
    pain_points: list[str] = field(default_factory=list)
    behaviours: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    communication_style: str | None = None
    sources: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The persona as JSON-ready dict, fields in declaration order."""
        return asdict(self)


def persona_id(persona: Persona, *, index: int, seed: int, source_digest: str) -> str:
    """A stable id: a digest of the inputs' digest, the seed, the position and the content.

    The same inputs, seed and answer give the same id in every process (no ``hash()``, no
    clock, no randomness).
    """
    content = persona.to_dict()
    content.pop("id", None)
    canonical = json.dumps(
        [source_digest, seed, index, content], sort_keys=True, ensure_ascii=False
    ).encode()
    return "persona-" + hashlib.sha256(canonical).hexdigest()[:16]
