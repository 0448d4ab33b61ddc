"""The SDK's Pydantic models: what to generate, and what came out.

Example::

    >>> from ferrosynth.personas import PersonaConfig
    >>> PersonaConfig(count=2, provider="mock").model
    'mock-personas'
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ferrosynth.personas.core.generation.persona import Persona
from ferrosynth.personas.core.providers.factory import ProviderName

__all__ = [
    "DEFAULT_MODELS",
    "ExperimentConfig",
    "GenerationResultModel",
    "PersonaConfig",
    "PersonaModel",
]

#: The model used when a configuration names a provider but no model.
DEFAULT_MODELS: dict[str, str] = {
    "openai": "gpt-4o-mini",
    "anthropic": "claude-3-5-haiku-latest",
    "gemini": "gemini-2.0-flash",
    "ollama": "llama3.2",
    "mock": "mock-personas",
}


class PersonaConfig(BaseModel):
    """How to generate: which provider and model, how many personas, limits."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    count: int = Field(3, ge=1, le=1000, description="Personas to generate.")
    provider: ProviderName = "openai"
    model: str | None = Field(None, description="Model name; the provider's default if unset.")
    base_url: str | None = Field(None, description="An OpenAI-compatible or other endpoint.")
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    max_tokens: int = Field(4096, ge=1)
    seed: int = Field(0, ge=0, description="Sent to providers that take a seed; part of ids.")
    detail_level: Literal["minimal", "standard", "detailed"] = "standard"
    max_cost: Decimal | None = Field(None, ge=0, description="Budget in USD; None = no limit.")
    timeout: float = Field(60.0, gt=0, description="Seconds per request.")
    max_retries: int = Field(3, ge=0, description="Retries of 429/5xx/timeouts per request.")
    context_window: int | None = Field(None, ge=256, description="Override, in tokens.")
    response_format: Literal["json_object", "json_schema", "none"] = Field(
        "json_object",
        description="JSON mode, a JSON Schema of exactly `count` personas, or prompt only.",
    )

    @model_validator(mode="after")
    def _default_model(self) -> PersonaConfig:
        if self.model is None:
            object.__setattr__(self, "model", DEFAULT_MODELS[self.provider])
        return self


class ExperimentConfig(PersonaConfig):
    """An experiment: a named, described generation setting stored as ``config.yaml``."""

    name: str = Field(..., min_length=1, description="Shown name; the folder is its slug.")
    description: str = ""


class PersonaModel(BaseModel):
    """One generated persona."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    age: int | None = None
    occupation: str | None = None
    location: str | None = None
    summary: str | None = None
    demographics: dict[str, Any] = Field(default_factory=dict)
    goals: list[str] = Field(default_factory=list)
    pain_points: list[str] = Field(default_factory=list)
    behaviours: list[str] = Field(default_factory=list)
    quotes: list[str] = Field(default_factory=list)
    communication_style: str | None = None
    sources: list[str] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def from_persona(cls, persona: Persona) -> PersonaModel:
        """The model of a parsed :class:`Persona`."""
        return cls(**persona.to_dict())

    def to_persona(self) -> Persona:
        """The plain :class:`Persona` record."""
        return Persona(**self.model_dump())

    def to_markdown(self) -> str:
        """The persona as a Markdown section."""
        facts = [("Age", self.age), ("Occupation", self.occupation), ("Location", self.location)]
        facts += [(str(k).replace("_", " ").capitalize(), v) for k, v in self.demographics.items()]
        lines = [f"## {self.name}", "", f"*id: `{self.id}`*", ""]
        lines += [f"- **{k}:** {v}" for k, v in facts if v not in (None, "")]
        if self.summary:
            lines += ["", self.summary]
        for title, items in (
            ("Goals", self.goals),
            ("Pain points", self.pain_points),
            ("Behaviours", self.behaviours),
        ):
            if items:
                lines += ["", f"### {title}", "", *(f"- {item}" for item in items)]
        if self.quotes:
            lines += ["", "### Quotes", "", *(f"> {q}" for q in self.quotes)]
        if self.communication_style:
            lines += ["", f"**Communication style:** {self.communication_style}"]
        if self.sources:
            lines += ["", "**Sources:** " + ", ".join(f"`{s}`" for s in self.sources)]
        return "\n".join(lines) + "\n"


class GenerationResultModel(BaseModel):
    """The outcome of a generation: personas plus provenance, usage and cost.

    Nothing in it depends on the clock or the machine, so the same inputs, seed and answers give
    byte-identical :meth:`to_json` files.
    """

    personas: list[PersonaModel]
    provider: str
    model: str
    seed: int = 0
    requested_count: int
    source_files: list[str] = Field(default_factory=list)
    source_digest: str = ""
    prompt_version: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: Decimal | None = None
    requests: int = 0
    cache_hits: int = 0
    chunks: int = 1

    @property
    def total_tokens(self) -> int:
        """Input plus output tokens."""
        return self.input_tokens + self.output_tokens

    def to_json_text(self) -> str:
        """The canonical JSON text (2-space indent, UTF-8, trailing newline)."""
        data = self.model_dump(mode="json")
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    def to_json(self, output_dir: str | Path) -> Path:
        """Write ``personas.json`` into ``output_dir`` (created if needed); returns its path."""
        return _write(Path(output_dir) / "personas.json", self.to_json_text())

    def to_markdown(self, output_dir: str | Path) -> Path:
        """Write ``personas.md`` into ``output_dir`` (created if needed); returns its path."""
        cost = "unknown" if self.cost_usd is None else f"${self.cost_usd}"
        head = [
            "# Personas",
            "",
            f"{len(self.personas)} persona(s) from {len(self.source_files)} file(s) by "
            f"`{self.provider}` / `{self.model}` (seed {self.seed}); "
            f"{self.input_tokens} input + {self.output_tokens} output tokens, cost {cost}.",
            "",
        ]
        text = "\n".join(head) + "\n".join(p.to_markdown() for p in self.personas)
        return _write(Path(output_dir) / "personas.md", text)


def _write(path: Path, text: str) -> Path:
    """Write atomically: a temporary file beside ``path``, renamed when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    temporary.write_text(text, encoding="utf-8", newline="\n")
    temporary.replace(path)
    return path
