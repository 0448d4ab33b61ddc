"""Pydantic v2 models: the configuration and the output of a generation run.

Field names, defaults and shapes match ``aumai_datasynthesizer.models``.
"""

from __future__ import annotations

import warnings
from enum import Enum
from pathlib import Path

import orjson
from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, model_serializer

__all__ = ["ConversationTurn", "DataType", "GeneratorConfig", "SyntheticDataset"]


class DataType(str, Enum):
    """The kinds of synthetic data ferrosynth generates."""

    text = "text"
    json = "json"
    conversation = "conversation"
    tool_call = "tool_call"
    agent_trace = "agent_trace"
    persona = "persona"

    def __str__(self) -> str:
        return f"DataType.{self.name}"


with warnings.catch_warnings():
    # `schema` shadows a deprecated BaseModel classmethod; the reference API names it so.
    warnings.filterwarnings("ignore", message=".*shadows an attribute.*", category=UserWarning)

    class GeneratorConfig(BaseModel):
        """Configuration of a generation run.

        ``count`` must be > 0 (default 10). ``seed=None`` draws a fresh seed, recorded in the
        result's ``metadata["seed"]``. ``schema`` is a JSON Schema used when
        ``data_type=DataType.json``. ``constraints`` holds type-specific options:
        ``min_sentences``/``max_sentences`` (text), ``template`` (conversation), ``tool``
        (tool_call); ferrosynth adds ``tools``, ``domain`` and the agent settings described in
        ``docs/agent-data.md``.
        """

        data_type: DataType
        count: int = Field(gt=0, default=10)
        seed: int | None = None
        schema: dict[str, object] | None = None  # type: ignore[assignment]
        constraints: dict[str, object] = Field(default_factory=dict)


class ConversationTurn(BaseModel):
    """One turn of a conversation: ``role``, ``content`` and optional ``tool_calls``.

    In tool-use conversations an ``assistant`` turn's ``tool_calls`` holds OpenAI-style calls
    (``{"id", "type": "function", "function": {"name", "arguments"}}``) and each ``tool`` turn
    names the call it answers in ``tool_call_id``.
    """

    role: str
    content: str
    tool_calls: list[dict[str, object]] | None = None
    tool_call_id: str | None = None

    @model_serializer(mode="wrap")
    def _drop_unset_call_id(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        # Turns that answer no call dump exactly as the reference's three keys.
        data: dict[str, object] = handler(self)
        if data.get("tool_call_id") is None:
            data.pop("tool_call_id", None)
        return data


class SyntheticDataset(BaseModel):
    """The output of a run: the config, the samples and metadata.

    ``metadata`` holds ``generated_count``, ``generation_time_ms``, ``data_type`` and ``seed``
    (the seed actually used, so any run can be repeated).
    """

    config: GeneratorConfig
    samples: list[dict[str, object]]
    metadata: dict[str, object] = Field(default_factory=dict)

    def to_jsonl(self, path: str | Path) -> Path:
        """Write the samples as JSON Lines (orjson), atomically; return the path written."""
        from ferrosynth.io.jsonl import write_objects

        return write_objects(path, self.samples)

    def to_jsonl_bytes(self) -> bytes:
        """The samples as JSON Lines bytes."""
        return b"".join(orjson.dumps(s) + b"\n" for s in self.samples)
