"""Typed constraints: one Pydantic model per data type, for code that wants its editor and type
checker to know the keys.

``GeneratorConfig.constraints`` stays the reference's free-form dict; these models build one::

    >>> from ferrosynth import DataGenerator, DataType, GeneratorConfig
    >>> from ferrosynth.constraint_models import TextConstraints
    >>> c = TextConstraints(min_sentences=1, max_sentences=2, domain="coding")
    >>> c.as_dict()
    {'min_sentences': 1, 'max_sentences': 2, 'domain': 'coding'}
    >>> config = GeneratorConfig(data_type=DataType.text, count=2, seed=1, constraints=c.as_dict())
    >>> len(DataGenerator().generate_text(config))
    2

The models check *types* and *names* only (a misspelt field is an error here); the rules on the
values (ranges, ``min_sentences <= max_sentences``, known domains and template names) are checked
once, by the Rust core, when the plan is compiled, whichever way the constraints were written.
``tests/test_registry.py`` holds the field names of each model equal to the keys the core reads
(``_native.CONSTRAINT_KEYS``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, StrictBool

from ferrosynth.models import DataType

__all__ = [
    "CONSTRAINT_MODELS",
    "AgentTraceConstraints",
    "Constraints",
    "ConversationConstraints",
    "JsonConstraints",
    "PersonaConstraints",
    "PersonaUser",
    "TextConstraints",
    "ToolCallConstraints",
]

Domain = Literal["general", "customer_support", "coding", "research"]


class Constraints(BaseModel):
    """Base of the per-type models: unknown fields are refused; unset fields are left out."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def as_dict(self) -> dict[str, Any]:
        """The ``constraints`` dict for :class:`~ferrosynth.GeneratorConfig` (unset fields left
        out, so the core's defaults apply)."""
        return self.model_dump(exclude_none=True)


class TextConstraints(Constraints):
    """``text``: sentences per paragraph (1..10000; defaults 1 and 5) and the prose domain
    (``lorem`` words by default)."""

    min_sentences: int | None = None
    max_sentences: int | None = None
    domain: Domain | Literal["lorem"] | None = None


class JsonConstraints(Constraints):
    """``json`` reads no constraints (the schema is ``GeneratorConfig.schema``)."""


class PersonaUser(Constraints):
    """The object form of the ``persona`` constraint: a persona of ``domain`` is the user of each
    conversation or trace (default: the run's domain, and ``general`` for customer support,
    whose users are customers). ``persona=True`` is ``PersonaUser()``."""

    domain: Domain | None = None


class _AgentSettings(Constraints):
    """The agent settings shared by traces and tool-use conversations (see
    ``docs/agent-data.md``), and ``persona``, which template conversations read too: one
    persona per sample as the user (see ``docs/data-types.md``)."""

    tools: list[dict[str, Any]] | dict[str, Any] | str | None = None
    tool_use_rate: float | None = None
    failure_rate: float | None = None
    max_retries: int | None = None
    max_tool_calls: int | None = None
    model: str | None = None
    provider: str | None = None
    domain: Domain | None = None
    persona: StrictBool | PersonaUser | None = None


class ConversationConstraints(_AgentSettings):
    """``conversation``: a template (built-in name, inline turns or a file), or tool use."""

    template: str | list[dict[str, Any]] | None = None
    template_file: str | None = None
    mode: Literal["template", "tool_use"] | None = None
    max_parallel_calls: int | None = None
    min_turns: int | None = None
    max_turns: int | None = None


class ToolCallConstraints(Constraints):
    """``tool_call``: a built-in tool template name, or your own ``tools``."""

    tool: str | None = None
    tools: list[dict[str, Any]] | dict[str, Any] | str | None = None


class AgentTraceConstraints(_AgentSettings):
    """``agent_trace``: the agent settings."""


class PersonaConstraints(Constraints):
    """``persona``: the domain of goals, pain points and quotes."""

    domain: Domain | None = None


#: The constraints model of each data type.
CONSTRAINT_MODELS: dict[DataType, type[Constraints]] = {
    DataType.text: TextConstraints,
    DataType.json: JsonConstraints,
    DataType.conversation: ConversationConstraints,
    DataType.tool_call: ToolCallConstraints,
    DataType.agent_trace: AgentTraceConstraints,
    DataType.persona: PersonaConstraints,
}
