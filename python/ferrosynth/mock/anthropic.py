"""Anthropic Messages: ``POST /v1/messages`` (text and ``tool_use`` blocks; SSE with ``stream``)."""

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
    hex_id,
    json_pieces,
    request_key,
    text_of,
    text_pieces,
)

__all__ = ["error_body", "parse", "render", "stream"]

_STOP = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use"}
_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
    500: "api_error",
    503: "overloaded_error",
    529: "overloaded_error",
}


def parse(body: Any, path_model: str | None = None) -> Ask:
    """The :class:`Ask` of an Anthropic Messages body."""
    body = as_object(body, "body")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise BadRequest("model: Field required", param="model")
    max_tokens = body.get("max_tokens")
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
        raise BadRequest("max_tokens: Field required (an integer >= 1)", param="max_tokens")
    raw_messages = as_list(body.get("messages"), "messages")
    if not raw_messages:
        raise BadRequest("messages: at least one message is required", param="messages")
    messages: list[dict[str, Any]] = []
    system = body.get("system")
    if system:
        messages.append({"role": "system", "content": text_of(system)})
    for i, message in enumerate(raw_messages):
        messages.extend(_openai_messages(as_object(message, f"messages.{i}"), i))
    ask = Ask(
        key=request_key("anthropic", body),
        model=model,
        messages=messages,
        max_tokens=max_tokens,
        stream=body.get("stream") is True,
    )
    for i, tool in enumerate(as_list(body.get("tools") or [], "tools")):
        tool = as_object(tool, f"tools.{i}")
        name = tool.get("name")
        if not isinstance(name, str) or not name:
            raise BadRequest(f"tools.{i}.name: Field required", param=f"tools.{i}.name")
        if "input_schema" not in tool and "type" in tool:
            continue  # a server tool (web search, code execution...): nothing to generate
        schema = as_object(tool.get("input_schema"), f"tools.{i}.input_schema")
        ask.tools.append(Tool(name, schema, str(tool.get("description") or "")))
    choice = body.get("tool_choice")
    if choice is not None:
        choice = as_object(choice, "tool_choice")
        kind = choice.get("type")
        if kind == "any":
            ask.tool_mode = "required"
        elif kind == "none":
            ask.tool_mode = "none"
        elif kind == "tool":
            if not isinstance(choice.get("name"), str):
                raise BadRequest("tool_choice.name: Field required", param="tool_choice.name")
            ask.tool_name = choice["name"]
        elif kind != "auto":
            raise BadRequest(
                f"tool_choice.type must be 'auto', 'any', 'tool' or 'none', got {kind!r}",
                param="tool_choice.type",
            )
    output_format = body.get("output_format")
    if isinstance(output_format, dict) and output_format.get("type") == "json_schema":
        ask.schema = as_object(output_format.get("schema"), "output_format.schema")
    return ask


def _openai_messages(message: dict[str, Any], i: int) -> list[dict[str, Any]]:
    role = message.get("role")
    if role not in ("user", "assistant"):
        raise BadRequest(
            f"messages.{i}.role: Input should be 'user' or 'assistant'", param=f"messages.{i}.role"
        )
    content = message.get("content")
    if isinstance(content, str):
        return [{"role": role, "content": content}]
    blocks = as_list(content, f"messages.{i}.content")
    out: list[dict[str, Any]] = []
    texts: list[str] = []
    calls: list[dict[str, Any]] = []
    for block in blocks:
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if kind == "text":
            texts.append(str(block.get("text", "")))
        elif kind == "tool_use":
            arguments = orjson.dumps(block.get("input", {})).decode()
            function = {"name": block.get("name", ""), "arguments": arguments}
            calls.append({"id": block.get("id", ""), "type": "function", "function": function})
        elif kind == "tool_result":
            out.append(
                {
                    "role": "tool",
                    "tool_call_id": block.get("tool_use_id", ""),
                    "content": text_of(block.get("content")),
                }
            )
    if texts or calls:
        entry: dict[str, Any] = {"role": role, "content": "\n".join(texts) or None}
        if calls:
            entry["tool_calls"] = calls
        out.append(entry)
    return out


def _content(reply: Reply) -> list[dict[str, Any]]:
    if reply.tool_calls:
        return [
            {
                "type": "tool_use",
                "id": "toolu_" + c.id[5:],
                "name": c.name,
                "input": orjson.loads(c.arguments),
            }
            for c in reply.tool_calls
        ]
    return [{"type": "text", "text": reply.text or ""}]


def _usage(reply: Reply) -> dict[str, int]:
    return {
        "input_tokens": reply.input_tokens,
        "output_tokens": reply.output_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
    }


def _message(ask: Ask, reply: Reply, content: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": "msg_" + hex_id(ask.key),
        "type": "message",
        "role": "assistant",
        "model": ask.model,
        "content": content,
        "stop_reason": _STOP[reply.finish],
        "stop_sequence": None,
        "usage": _usage(reply),
    }


def render(ask: Ask, replies: list[Reply]) -> bytes:
    """The ``message`` JSON of the (single) reply."""
    reply = replies[0]
    return orjson.dumps(_message(ask, reply, _content(reply)))


def stream(ask: Ask, replies: list[Reply]) -> list[bytes]:
    """Anthropic's event stream: ``message_start`` ... ``message_stop``."""
    reply = replies[0]

    def event(name: str, data: dict[str, Any]) -> bytes:
        return b"event: " + name.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"

    start = _message(ask, reply, [])
    start["stop_reason"] = None
    start["usage"] = {**_usage(reply), "output_tokens": 1}
    events = [event("message_start", {"type": "message_start", "message": start})]
    for index, block in enumerate(_content(reply)):
        if block["type"] == "tool_use":
            opening = {**block, "input": {}}
            deltas = [
                {"type": "input_json_delta", "partial_json": piece}
                for piece in json_pieces(orjson.dumps(block["input"]).decode())
            ]
        else:
            opening = {"type": "text", "text": ""}
            deltas = [{"type": "text_delta", "text": p} for p in text_pieces(block["text"])]
        events.append(
            event(
                "content_block_start",
                {"type": "content_block_start", "index": index, "content_block": opening},
            )
        )
        events.extend(
            event(
                "content_block_delta", {"type": "content_block_delta", "index": index, "delta": d}
            )
            for d in deltas
        )
        events.append(event("content_block_stop", {"type": "content_block_stop", "index": index}))
    delta = {"stop_reason": _STOP[reply.finish], "stop_sequence": None}
    events.append(
        event(
            "message_delta",
            {
                "type": "message_delta",
                "delta": delta,
                "usage": {"output_tokens": reply.output_tokens},
            },
        )
    )
    events.append(event("message_stop", {"type": "message_stop"}))
    return events


def error_body(status: int, message: str, param: str | None = None) -> bytes:
    """An error in Anthropic's shape: ``{"type": "error", "error": {"type", "message"}}``."""
    kind = _ERROR_TYPES.get(status, "invalid_request_error")
    return orjson.dumps({"type": "error", "error": {"type": kind, "message": message}})
