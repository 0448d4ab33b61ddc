"""Ollama: ``POST /api/chat`` (one JSON object, or NDJSON lines when ``stream`` is not false)."""

from __future__ import annotations

from typing import Any

import orjson

from ferrosynth.mock.ask import (
    Ask,
    BadRequest,
    Reply,
    Tool,
    as_list,
    as_object,
    request_key,
    text_pieces,
)

__all__ = ["CREATED_AT", "error_body", "parse", "render", "stream"]

#: ``created_at`` of every answer: a fixed time, so that answers stay pure.
CREATED_AT = "2025-01-01T00:00:00Z"


def parse(body: Any, path_model: str | None = None) -> Ask:
    """The :class:`Ask` of an Ollama ``/api/chat`` body."""
    body = as_object(body, "body")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise BadRequest("model is required", param="model")
    messages = as_list(body.get("messages"), "messages")
    openai_messages: list[dict[str, Any]] = []
    for i, message in enumerate(messages):
        message = as_object(message, f"messages[{i}]")
        entry = {"role": message.get("role", "user"), "content": message.get("content", "")}
        calls = message.get("tool_calls")
        if isinstance(calls, list):
            entry["tool_calls"] = [
                {
                    "type": "function",
                    "function": {
                        "name": c.get("function", {}).get("name", ""),
                        "arguments": orjson.dumps(c.get("function", {}).get("arguments")).decode(),
                    },
                }
                for c in calls
                if isinstance(c, dict)
            ]
        openai_messages.append(entry)
    if not openai_messages:
        raise BadRequest("messages must hold at least one message", param="messages")
    ask = Ask(key=request_key("ollama", body), model=model, messages=openai_messages)
    for i, tool in enumerate(as_list(body.get("tools") or [], "tools")):
        function = as_object(as_object(tool, f"tools[{i}]").get("function"), f"tools[{i}]")
        name = function.get("name")
        if not isinstance(name, str) or not name:
            raise BadRequest(f"tools[{i}].function.name is required", param=f"tools[{i}]")
        parameters = function.get("parameters") or {"type": "object"}
        schema = as_object(parameters, f"tools[{i}].function.parameters")
        ask.tools.append(Tool(name, schema, str(function.get("description") or "")))
    fmt = body.get("format")
    if fmt == "json":
        ask.json_mode = True
    elif isinstance(fmt, dict):
        ask.schema = fmt
    elif fmt not in (None, ""):
        raise BadRequest("format must be 'json' or a JSON Schema object", param="format")
    options = body.get("options")
    if isinstance(options, dict):
        limit = options.get("num_predict")
        if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0:
            ask.max_tokens = limit
    ask.stream = body.get("stream", True) is not False
    return ask


def _message(reply: Reply, content: str) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if reply.tool_calls:
        message["tool_calls"] = [
            {"function": {"name": c.name, "arguments": orjson.loads(c.arguments)}}
            for c in reply.tool_calls
        ]
    return message


def _final(ask: Ask, reply: Reply, content: str) -> dict[str, Any]:
    return {
        "model": ask.model,
        "created_at": CREATED_AT,
        "message": _message(reply, content),
        "done_reason": "length" if reply.finish == "length" else "stop",
        "done": True,
        "total_duration": 1_000_000 * (1 + reply.output_tokens),
        "load_duration": 0,
        "prompt_eval_count": reply.input_tokens,
        "prompt_eval_duration": 100_000 * reply.input_tokens,
        "eval_count": reply.output_tokens,
        "eval_duration": 1_000_000 * reply.output_tokens,
    }


def render(ask: Ask, replies: list[Reply]) -> bytes:
    """The final chat response object."""
    reply = replies[0]
    return orjson.dumps(_final(ask, reply, reply.text or ""))


def stream(ask: Ask, replies: list[Reply]) -> list[bytes]:
    """NDJSON: one object per text piece (``done: false``), then the final one with counts."""
    reply = replies[0]
    lines = []
    if not reply.tool_calls:
        for piece in text_pieces(reply.text or ""):
            partial = {
                "model": ask.model,
                "created_at": CREATED_AT,
                "message": {"role": "assistant", "content": piece},
                "done": False,
            }
            lines.append(orjson.dumps(partial) + b"\n")
    final = _final(ask, reply, "")
    if reply.tool_calls:
        final["message"] = _message(reply, "")
    lines.append(orjson.dumps(final) + b"\n")
    return lines


def error_body(status: int, message: str, param: str | None = None) -> bytes:
    """An error in Ollama's shape: ``{"error": message}``."""
    return orjson.dumps({"error": message})
