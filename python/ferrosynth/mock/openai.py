"""OpenAI chat completions: ``POST /v1/chat/completions`` (JSON or server-sent events)."""

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
    text_pieces,
)

__all__ = ["CREATED", "error_body", "parse", "render", "stream"]

#: ``created`` of every answer: a fixed time (2025-01-01T00:00:00Z), so answers stay pure.
CREATED = 1_735_689_600
_FINGERPRINT = "fp_ferrosynth"
_ERROR_TYPES = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    404: ("invalid_request_error", "not_found"),
    429: ("requests", "rate_limit_exceeded"),
    500: ("server_error", None),
    503: ("server_error", "service_unavailable"),
}


def parse(body: Any, path_model: str | None = None) -> Ask:
    """The :class:`Ask` of an OpenAI chat-completions body."""
    body = as_object(body, "body")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise BadRequest("you must provide a model parameter (a non-empty string)", param="model")
    messages = as_list(body.get("messages"), "messages")
    if not messages:
        raise BadRequest("messages must hold at least one message", param="messages")
    for i, message in enumerate(messages):
        as_object(message, f"messages[{i}]")
        if not isinstance(message.get("role"), str):
            raise BadRequest(f"messages[{i}].role is required", param=f"messages[{i}].role")
    ask = Ask(key=request_key("openai", body), model=model, messages=messages, original=body)
    if body.get("tools") is not None:
        for i, tool in enumerate(as_list(body["tools"], "tools")):
            function = as_object(as_object(tool, f"tools[{i}]").get("function"), f"tools[{i}]")
            name = function.get("name")
            if not isinstance(name, str) or not name:
                raise BadRequest(f"tools[{i}].function.name is required", param=f"tools[{i}]")
            parameters = function.get("parameters") or {"type": "object", "properties": {}}
            ask.tools.append(Tool(name, as_object(parameters, f"tools[{i}].function.parameters")))
    choice = body.get("tool_choice")
    if isinstance(choice, str):
        if choice not in ("auto", "none", "required"):
            raise BadRequest(
                f"tool_choice must be 'auto', 'none', 'required' or an object, got {choice!r}",
                param="tool_choice",
            )
        ask.tool_mode = choice  # type: ignore[assignment]
    elif isinstance(choice, dict):
        chosen = choice.get("function")
        name = chosen.get("name") if isinstance(chosen, dict) else None
        if not isinstance(name, str):
            raise BadRequest("tool_choice.function.name is required", param="tool_choice")
        ask.tool_name = name
    if (ask.tool_mode == "required" or ask.tool_name) and not ask.tools:
        raise BadRequest("tool_choice requires tools", param="tool_choice")
    response_format = body.get("response_format")
    if response_format is not None:
        response_format = as_object(response_format, "response_format")
        kind = response_format.get("type")
        if kind == "json_schema":
            spec = as_object(response_format.get("json_schema"), "response_format.json_schema")
            schema = spec.get("schema", {})
            if not isinstance(schema, (dict, bool)):
                raise BadRequest(
                    "response_format.json_schema.schema must be an object",
                    param="response_format.json_schema.schema",
                )
            ask.schema = schema  # type: ignore[assignment]
        elif kind == "json_object":
            ask.json_mode = True
        elif kind != "text":
            raise BadRequest(
                f"response_format.type must be 'text', 'json_object' or 'json_schema', "
                f"got {kind!r}",
                param="response_format.type",
            )
    max_tokens = body.get("max_completion_tokens", body.get("max_tokens"))
    if max_tokens is not None:
        if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
            raise BadRequest("max_tokens must be an integer >= 1", param="max_tokens")
        ask.max_tokens = max_tokens
    n = body.get("n", 1)
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 128:
        raise BadRequest("n must be an integer in [1, 128]", param="n")
    ask.n = n
    ask.stream = body.get("stream") is True
    options = body.get("stream_options")
    ask.include_usage = isinstance(options, dict) and options.get("include_usage") is True
    return ask


def _message(reply: Reply) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.text, "refusal": None}
    if reply.tool_calls:
        message["tool_calls"] = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
            for c in reply.tool_calls
        ]
    return message


def _usage(replies: list[Reply]) -> dict[str, int]:
    prompt = replies[0].input_tokens
    completion = sum(r.output_tokens for r in replies)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def render(ask: Ask, replies: list[Reply]) -> bytes:
    """The ``chat.completion`` JSON of ``replies``."""
    return orjson.dumps(
        {
            "id": "chatcmpl-" + hex_id(ask.key),
            "object": "chat.completion",
            "created": CREATED,
            "model": ask.model,
            "choices": [
                {
                    "index": i,
                    "message": _message(reply),
                    "logprobs": None,
                    "finish_reason": reply.finish,
                }
                for i, reply in enumerate(replies)
            ],
            "usage": _usage(replies),
            "system_fingerprint": _FINGERPRINT,
        }
    )


def stream(ask: Ask, replies: list[Reply]) -> list[bytes]:
    """The server-sent events of ``replies``: ``chat.completion.chunk`` objects, then ``[DONE]``."""
    head = {
        "id": "chatcmpl-" + hex_id(ask.key),
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": ask.model,
        "system_fingerprint": _FINGERPRINT,
    }
    usage_field: dict[str, Any] = {"usage": None} if ask.include_usage else {}

    def event(index: int, delta: dict[str, Any], finish: str | None = None) -> bytes:
        choice = {"index": index, "delta": delta, "logprobs": None, "finish_reason": finish}
        chunk = {**head, "choices": [choice], **usage_field}
        return b"data: " + orjson.dumps(chunk) + b"\n\n"

    events: list[bytes] = []
    for i, reply in enumerate(replies):
        events.append(event(i, {"role": "assistant", "content": "", "refusal": None}))
        if reply.tool_calls:
            for j, call in enumerate(reply.tool_calls):
                start = {"index": j, "id": call.id, "type": "function"}
                function = {"name": call.name, "arguments": ""}
                events.append(event(i, {"tool_calls": [{**start, "function": function}]}))
                for piece in json_pieces(call.arguments):
                    delta = {"tool_calls": [{"index": j, "function": {"arguments": piece}}]}
                    events.append(event(i, delta))
        else:
            events.extend(event(i, {"content": piece}) for piece in text_pieces(reply.text or ""))
        events.append(event(i, {}, reply.finish))
    if ask.include_usage:
        chunk = {**head, "choices": [], "usage": _usage(replies)}
        events.append(b"data: " + orjson.dumps(chunk) + b"\n\n")
    events.append(b"data: [DONE]\n\n")
    return events


def error_body(status: int, message: str, param: str | None = None) -> bytes:
    """An error in OpenAI's shape: ``{"error": {"message", "type", "param", "code"}}``."""
    kind, code = _ERROR_TYPES.get(status, ("invalid_request_error", None))
    return orjson.dumps({"error": {"message": message, "type": kind, "param": param, "code": code}})
