"""Character cards from personas, offline and deterministic, with an optional privacy gate.

The card restates the persona in the third person and in summary form; quotes are used only to
characterise the voice (length, formality, characteristic words), never copied into the card.
With ``source_text``, each card is audited by a :class:`PrivacyAuditor`: a card above the
threshold raises :class:`ValidationError` listing the reasons (``on_leak="raise"``, the default)
or is returned with the verdict attached (``on_leak="flag"``).

Example::

    >>> from ferrosynth.personas import ScriptGenerator
    >>> card = ScriptGenerator().generate({"name": "Ana", "occupation": "nurse",
    ...                                    "goals": ["shorter handovers"]})
    >>> card.system_prompt.splitlines()[0]
    'You are Ana, a nurse.'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from ferrosynth.personas.core.generation.persona import Persona
from ferrosynth.personas.core.scripts.models import (
    CharacterCard,
    CommunicationStyle,
    Identity,
    KnowledgeBoundaries,
    PsychologicalProfile,
)
from ferrosynth.personas.core.scripts.privacy import PrivacyAuditor
from ferrosynth.personas.exceptions import ValidationError

__all__ = ["ScriptGenerator"]

OnLeak = Literal["raise", "flag"]
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "have",
        "i",
        "if",
        "in",
        "is",
        "it",
        "its",
        "my",
        "of",
        "on",
        "or",
        "so",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "too",
        "was",
        "we",
        "were",
        "what",
        "when",
        "with",
        "you",
        "your",
        "not",
        "just",
        "very",
        "really",
        "can",
        "can't",
        "cannot",
        "do",
        "don't",
        "get",
        "it's",
        "i'm",
        "me",
        "our",
        "us",
    ]
)
_FORMAL = re.compile(r"\b(therefore|however|regarding|would appreciate|furthermore)\b", re.I)
_CASUAL = re.compile(r"\b(gonna|wanna|kinda|stuff|yeah|lol|hey|ugh)\b|!", re.I)


class ScriptGenerator:
    """Builds :class:`CharacterCard` objects."""

    def __init__(self, auditor: PrivacyAuditor | None = None, *, on_leak: OnLeak = "raise") -> None:
        if on_leak not in ("raise", "flag"):
            raise ValueError(f"on_leak must be 'raise' or 'flag', got {on_leak!r}")
        self.auditor = auditor or PrivacyAuditor()
        self.on_leak = on_leak

    def generate(
        self, persona: Persona | Mapping[str, Any] | Any, source_text: str | None = None
    ) -> CharacterCard:
        """The card of ``persona`` (a :class:`Persona`, a ``PersonaModel`` or a dict)."""
        data = _as_dict(persona)
        name = str(data.get("name") or "").strip()
        if not name:
            raise ValidationError("a persona needs a name to become a character card")
        identity = Identity(
            name=name,
            age=data.get("age"),
            occupation=data.get("occupation"),
            location=data.get("location"),
            background=data.get("summary"),
        )
        psychology = PsychologicalProfile(
            goals=list(data.get("goals") or []),
            frustrations=list(data.get("pain_points") or []),
            habits=list(data.get("behaviours") or []),
            traits=_traits(data),
        )
        quotes = [str(q) for q in data.get("quotes") or []]
        communication = _style(quotes, data.get("communication_style"))
        knowledge = KnowledgeBoundaries(
            knows=_knows(identity, psychology),
            does_not_know=[
                "anything the research data does not say about them",
                "internal details of the product, the company or the researchers",
                "that they are a persona or a simulation",
            ],
        )
        card = CharacterCard(
            persona_id=str(data.get("id") or ""),
            identity=identity,
            psychology=psychology,
            communication=communication,
            knowledge=knowledge,
            system_prompt=_system_prompt(identity, psychology, communication, knowledge),
        )
        if source_text is not None:
            verdict = self.auditor.audit(card, source_text)
            card.privacy = verdict.to_dict()
            if verdict.blocked and self.on_leak == "raise":
                raise ValidationError(
                    f"character card of {name!r} leaks source data (score {verdict.score:.2f} > "
                    f"threshold {verdict.threshold}): " + "; ".join(verdict.reasons)
                )
        return card

    def batch_generate(
        self, personas: Iterable[Persona | Mapping[str, Any] | Any], source_text: str | None = None
    ) -> list[CharacterCard]:
        """One card per persona, in order."""
        return [self.generate(p, source_text) for p in personas]


def _as_dict(persona: Any) -> dict[str, Any]:
    if isinstance(persona, Mapping):
        return dict(persona)
    if isinstance(persona, Persona):
        return persona.to_dict()
    dump = getattr(persona, "model_dump", None)
    if callable(dump):
        result: dict[str, Any] = dump()
        return result
    raise ValidationError(f"cannot make a character card from {type(persona).__name__}")


def _traits(data: Mapping[str, Any]) -> list[str]:
    traits = []
    if data.get("goals"):
        traits.append("goal-oriented")
    if len(data.get("pain_points") or []) >= 2:
        traits.append("critical of tools that waste their time")
    style = data.get("communication_style")
    if style:
        traits.append(f"{style} in conversation")
    return traits


def _style(quotes: list[str], tone: Any) -> CommunicationStyle:
    joined = " ".join(quotes)
    words = [w.lower() for w in re.findall(r"[A-Za-z']+", joined)]
    mean = len(words) / len(quotes) if quotes else 0.0
    verbosity = "brief" if mean and mean < 8 else "detailed" if mean > 20 else "moderate"
    formality = (
        "formal" if _FORMAL.search(joined) else "casual" if _CASUAL.search(joined) else "neutral"
    )
    counts = Counter(w for w in words if w not in _STOP and len(w) > 3)
    vocabulary = [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:8]]
    return CommunicationStyle(
        tone=str(tone or "neutral"),
        formality=formality,
        verbosity=verbosity,
        vocabulary=vocabulary,
    )


def _knows(identity: Identity, psychology: PsychologicalProfile) -> list[str]:
    knows = []
    if identity.occupation:
        knows.append(f"day-to-day work as a {identity.occupation}")
    if psychology.goals:
        knows.append("what they want from the tools they use")
    if psychology.frustrations:
        knows.append("where those tools let them down")
    return knows or ["their own experience"]


def _system_prompt(
    identity: Identity,
    psychology: PsychologicalProfile,
    communication: CommunicationStyle,
    knowledge: KnowledgeBoundaries,
) -> str:
    who = identity.name
    facts = ", ".join(
        part
        for part in (
            f"{identity.age} years old" if identity.age else "",
            f"a {identity.occupation}" if identity.occupation else "",
            f"living in {identity.location}" if identity.location else "",
        )
        if part
    )
    lines = [f"You are {who}{', ' + facts if facts else ''}."]
    if identity.background:
        lines.append(f"Background: {identity.background}")
    for title, items in (
        ("You want", psychology.goals),
        ("You are frustrated by", psychology.frustrations),
        ("You habitually", psychology.habits),
    ):
        if items:
            lines.append(f"{title}: " + "; ".join(items) + ".")
    lines.append(
        f"Speak in a {communication.tone}, {communication.formality} way; keep answers "
        f"{communication.verbosity}."
    )
    lines.append("You know: " + "; ".join(knowledge.knows) + ".")
    lines.append(
        "You do not know: " + "; ".join(knowledge.does_not_know) + ". If asked, say so "
        "in character rather than inventing an answer."
    )
    lines.append("Stay in character for the whole conversation.")
    return "\n".join(lines)
