"""What every provider's request comes down to: a normalized :class:`Ask`, and the :class:`Reply`.

Each provider module parses its own request body into an :class:`Ask` (OpenAI-shaped messages
and tools, so that one token estimator prices them all) and renders a :class:`Reply` in its own
response shape. The reply itself is made in :mod:`ferrosynth.mock.answers`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from hashlib import blake2b
from typing import Any, Literal

import orjson

__all__ = ["Ask", "BadRequest", "Reply", "Tool", "ToolCall", "ToolMode", "request_key"]

ToolMode = Literal["auto", "none", "required"]
FinishReason = Literal["stop", "length", "tool_calls"]

#: Keys that change how an answer is delivered, never what it says.
_DELIVERY_KEYS = frozenset({"stream", "stream_options"})
_INDEX_MASK = (1 << 62) - 1


class BadRequest(Exception):  # noqa: N818 - a control-flow signal inside the mock, never public
    """A request the endpoint refuses: answered with ``status`` in the provider's error shape."""

    def __init__(self, message: str, status: int = 400, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.param = param


@dataclass(frozen=True)
class Tool:
    """A function the model may call: its name and its JSON Schema ``parameters``."""

    name: str
    parameters: Mapping[str, Any]
    description: str = ""


@dataclass(frozen=True)
class ToolCall:
    """A generated call: ``arguments`` is a JSON object text valid against the parameters."""

    id: str
    name: str
    arguments: str

    def arguments_object(self) -> Any:
        """The arguments as a Python object."""
        return orjson.loads(self.arguments)


@dataclass
class Ask:
    """A request of any provider, normalized.

    ``key`` identifies the request (a hash of the provider, the path's model and the body
    without delivery-only keys such as ``stream``): the answer is a function of it and the seed.
    """

    key: int
    model: str
    messages: list[dict[str, Any]]
    tools: list[Tool] = field(default_factory=list)
    tool_mode: ToolMode = "auto"
    tool_name: str | None = None
    schema: Mapping[str, Any] | None = None
    json_mode: bool = False
    max_tokens: int | None = None
    n: int = 1
    stream: bool = False
    include_usage: bool = False
    original: Mapping[str, Any] | None = None  # the body itself, when it is OpenAI's

    def openai_body(self) -> Mapping[str, Any]:
        """The request as an OpenAI chat-completions body (what the token estimator reads)."""
        if self.original is not None:
            return self.original
        body: dict[str, Any] = {"model": self.model, "messages": self.messages}
        if self.tools:
            body["tools"] = [
                {
                    "type": "function",
                    "function": {
                        "name": t.name,
                        "description": t.description,
                        "parameters": t.parameters,
                    },
                }
                for t in self.tools
            ]
        if self.schema is not None:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "response", "schema": self.schema},
            }
        return body

    @property
    def after_tool_result(self) -> bool:
        """Whether the conversation ends with a tool result (then the model answers in text)."""
        return bool(self.messages) and self.messages[-1].get("role") == "tool"


@dataclass
class Reply:
    """The answer to an :class:`Ask` (one choice)."""

    text: str | None
    tool_calls: list[ToolCall]
    finish: FinishReason
    input_tokens: int
    output_tokens: int
    parsed: Any = None  # the structured-output object when the ask had a schema or json_mode


def request_key(provider: str, body: Mapping[str, Any], extra: str = "") -> int:
    """A 62-bit key of the request: stable across key order, blind to ``stream``."""
    canonical = {k: v for k, v in body.items() if k not in _DELIVERY_KEYS}
    raw = orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS)
    digest = blake2b(raw, digest_size=8, person=provider.encode()[:16])
    digest.update(extra.encode())
    return int.from_bytes(digest.digest(), "little") & _INDEX_MASK


def as_object(value: Any, where: str) -> dict[str, Any]:
    """``value`` if it is a JSON object, else a 400 naming ``where``."""
    if not isinstance(value, dict):
        raise BadRequest(f"{where} must be an object, got {_kind(value)}", param=where)
    return value


def as_list(value: Any, where: str) -> list[Any]:
    """``value`` if it is a JSON array, else a 400 naming ``where``."""
    if not isinstance(value, list):
        raise BadRequest(f"{where} must be an array, got {_kind(value)}", param=where)
    return value


def _kind(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def text_pieces(text: str) -> list[str]:
    """``text`` cut into word-sized streaming deltas that concatenate back to ``text``."""
    pieces: list[str] = []
    start = 0
    for i, ch in enumerate(text):
        if ch == " " and i > start:
            pieces.append(text[start:i])
            start = i
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def json_pieces(text: str, size: int = 24) -> list[str]:
    """A JSON text cut into fixed-size deltas (as providers stream tool arguments)."""
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def hex_id(key: int, length: int = 24) -> str:
    """A stable hexadecimal id for response ``key``."""
    return blake2b(key.to_bytes(8, "little"), digest_size=length // 2).hexdigest()


def text_of(content: Any) -> str:
    """The text of a message ``content``: a string, or the text parts of a list of parts."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                parts.append(part["text"])
        return "\n".join(parts)
    return orjson.dumps(content).decode()
