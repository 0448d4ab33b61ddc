"""Structured output: ask for JSON that fits a schema, check it, re-ask once with the errors.

The schema is a JSON Schema (``dict``, checked with the ``jsonschema`` package) or a Pydantic
model (checked by Pydantic, and the answer returned as an instance). The request carries it as
an OpenAI ``response_format`` (each provider maps that to its own API); the answer's JSON is
extracted (:func:`~ferrosynth.llm.extract_json`) and validated. If it fails, the conversation is
sent again with the answer and the validation errors appended — once by default — before
:class:`~ferrosynth.llm.StructuredOutputError` is raised.

Example::

    >>> from ferrosynth.llm import Schema
    >>> schema = Schema({"type": "object", "properties": {"age": {"type": "integer"}},
    ...                  "required": ["age"]})
    >>> schema.errors({"age": "ten"})
    ["$.age: 'ten' is not of type 'integer'"]
    >>> schema.errors({"age": 10})
    []
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from ferrosynth.llm.base import LLMProvider
from ferrosynth.llm.errors import StructuredOutputError
from ferrosynth.llm.extract import extract_json
from ferrosynth.llm.types import ChatBody, LLMResponse

__all__ = ["Schema", "StructuredResult", "acomplete_structured", "complete_structured"]

REASK = (
    "Your previous answer did not match the required JSON Schema. Errors:\n{errors}\n"
    "Answer again with only the corrected JSON."
)


class Schema:
    """A JSON Schema or a Pydantic model, with one way to check a value against it."""

    def __init__(
        self, schema: Mapping[str, Any] | type[BaseModel], name: str | None = None
    ) -> None:
        self.model: type[BaseModel] | None = None
        if isinstance(schema, type) and issubclass(schema, BaseModel):
            self.model = schema
            self.json_schema: dict[str, Any] = schema.model_json_schema()
            self.name = name or schema.__name__
        else:
            self.json_schema = dict(schema)
            self.name = name or str(self.json_schema.get("title") or "output")
        self._validator: Any = None

    def response_format(self) -> dict[str, Any]:
        """The OpenAI ``response_format`` asking for this schema."""
        return {
            "type": "json_schema",
            "json_schema": {"name": self.name, "schema": self.json_schema},
        }

    def errors(self, value: Any) -> list[str]:
        """Validation messages (``$.path: message``), ``[]`` when ``value`` fits."""
        if self.model is not None:
            try:
                self.model.model_validate(value)
            except PydanticValidationError as error:
                return [
                    f"$.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                    if e["loc"]
                    else f"$: {e['msg']}"
                    for e in error.errors()
                ]
            return []
        if self._validator is None:
            # imported by name: an optional dependency (the `llm` extra) without type stubs
            jsonschema = importlib.import_module("jsonschema")
            cls = jsonschema.validators.validator_for(self.json_schema)
            cls.check_schema(self.json_schema)
            self._validator = cls(self.json_schema)
        return [
            f"{e.json_path}: {e.message}"
            for e in sorted(self._validator.iter_errors(value), key=lambda e: e.json_path)
        ]

    def parse(self, value: Any) -> Any:
        """``value`` as the Pydantic model (when the schema is one), else unchanged."""
        return self.model.model_validate(value) if self.model is not None else value


@dataclass(frozen=True)
class StructuredResult:
    """The validated ``value`` (a model instance for a Pydantic schema), the final
    ``response``, and ``attempts`` (1, or 2 after a re-ask)."""

    value: Any
    response: LLMResponse
    attempts: int


def _check(schema: Schema, response: LLMResponse) -> tuple[Any, list[str]]:
    text = response.content or ""
    if not text and response.tool_calls:  # some models answer through a tool call
        text = str(response.tool_calls[0]["function"].get("arguments", ""))
    try:
        value = extract_json(text)
    except StructuredOutputError:
        return None, ["$: the answer contains no JSON"]
    return value, schema.errors(value)


async def acomplete_structured(
    provider: LLMProvider,
    body: ChatBody,
    schema: Schema | Mapping[str, Any] | type[BaseModel],
    *,
    reasks: int = 1,
    timeout: float | None = None,
) -> StructuredResult:
    """Ask ``provider`` for JSON valid against ``schema``; re-ask up to ``reasks`` times
    with the validation errors; raise :class:`StructuredOutputError` if it never fits."""
    spec = schema if isinstance(schema, Schema) else Schema(schema)
    request = dict(body)
    request.setdefault("response_format", spec.response_format())
    messages = list(request.get("messages") or [])
    errors: list[str] = []
    response: LLMResponse | None = None
    for attempt in range(1, reasks + 2):
        request["messages"] = messages
        response = await provider.acomplete(request, timeout=timeout)
        value, errors = _check(spec, response)
        if not errors:
            return StructuredResult(spec.parse(value), response, attempt)
        messages = [
            *messages,
            {"role": "assistant", "content": response.content or ""},
            {"role": "user", "content": REASK.format(errors="\n".join(errors[:20]))},
        ]
    assert response is not None
    raise StructuredOutputError(
        f"the answer does not match the schema after {reasks + 1} attempts: "
        + "; ".join(errors[:5]),
        errors=errors,
        text=response.content or json.dumps(response.tool_calls),
    )


def complete_structured(
    provider: LLMProvider,
    body: ChatBody,
    schema: Schema | Mapping[str, Any] | type[BaseModel],
    *,
    reasks: int = 1,
    timeout: float | None = None,
) -> StructuredResult:
    """Blocking :func:`acomplete_structured`."""
    return provider._sync_runner().run(
        acomplete_structured(provider, body, schema, reasks=reasks, timeout=timeout)
    )
