"""Character cards: a persona made ready for role-play (identity, psychology, voice, limits,
and the system prompt that puts a model in character)."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CharacterCard",
    "CommunicationStyle",
    "Identity",
    "KnowledgeBoundaries",
    "PsychologicalProfile",
]


class Identity(BaseModel):
    """Who the character is."""

    model_config = ConfigDict(extra="forbid")

    name: str
    age: int | None = None
    occupation: str | None = None
    location: str | None = None
    background: str | None = None


class PsychologicalProfile(BaseModel):
    """What drives the character and what gets in their way."""

    model_config = ConfigDict(extra="forbid")

    goals: list[str] = Field(default_factory=list)
    frustrations: list[str] = Field(default_factory=list)
    habits: list[str] = Field(default_factory=list)
    traits: list[str] = Field(default_factory=list)


class CommunicationStyle(BaseModel):
    """How the character talks."""

    model_config = ConfigDict(extra="forbid")

    tone: str = "neutral"
    formality: Literal["casual", "neutral", "formal"] = "neutral"
    verbosity: Literal["brief", "moderate", "detailed"] = "moderate"
    vocabulary: list[str] = Field(default_factory=list)


class KnowledgeBoundaries(BaseModel):
    """What the character knows, and what they must not claim to know."""

    model_config = ConfigDict(extra="forbid")

    knows: list[str] = Field(default_factory=list)
    does_not_know: list[str] = Field(default_factory=list)


class CharacterCard(BaseModel):
    """A role-play card built from one persona (see :class:`ScriptGenerator`)."""

    model_config = ConfigDict(extra="forbid")

    persona_id: str
    identity: Identity
    psychology: PsychologicalProfile
    communication: CommunicationStyle
    knowledge: KnowledgeBoundaries
    system_prompt: str
    privacy: dict[str, Any] | None = Field(
        None, description="The privacy audit's result, when the card was audited."
    )

    def text(self) -> str:
        """Every text the card would show a model (what the privacy audit reads)."""
        data = self.model_dump(exclude={"privacy", "persona_id"})
        return json.dumps(data, ensure_ascii=False)
