"""Gemini: ``POST /v1beta/models/{model}:generateContent`` (and ``:streamGenerateContent``)."""

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
    request_key,
    text_of,
    text_pieces,
)

__all__ = ["error_body", "parse", "render", "stream"]

_FINISH = {"stop": "STOP", "length": "MAX_TOKENS", "tool_calls": "STOP"}
_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


def parse(body: Any, path_model: str | None = None) -> Ask:
    """The :class:`Ask` of a ``generateContent`` body; the model comes from the path."""
    body = as_object(body, "body")
    contents = as_list(body.get("contents"), "contents")
    if not contents:
        raise BadRequest("contents is not specified", param="contents")
    messages: list[dict[str, Any]] = []
    system = body.get("systemInstruction", body.get("system_instruction"))
    if isinstance(system, dict):
        messages.append({"role": "system", "content": text_of(system.get("parts"))})
    for i, content in enumerate(contents):
        messages.extend(_openai_messages(as_object(content, f"contents[{i}]"), i))
    model = path_model or "gemini"
    ask = Ask(key=request_key("gemini", body, model), model=model, messages=messages)
    for i, group in enumerate(as_list(body.get("tools") or [], "tools")):
        group = as_object(group, f"tools[{i}]")
        declarations = group.get("functionDeclarations", group.get("function_declarations", []))
        for j, declaration in enumerate(as_list(declarations, f"tools[{i}].functionDeclarations")):
            where = f"tools[{i}].functionDeclarations[{j}]"
            declaration = as_object(declaration, where)
            name = declaration.get("name")
            if not isinstance(name, str) or not name:
                raise BadRequest(f"{where}.name is required", param=f"{where}.name")
            schema = declaration.get("parametersJsonSchema", declaration.get("parameters"))
            parameters = as_object(schema or {"type": "object"}, f"{where}.parameters")
            description = str(declaration.get("description") or "")
            ask.tools.append(Tool(name, parameters, description))
    config = body.get("toolConfig", body.get("tool_config"))
    calling = config.get("functionCallingConfig") if isinstance(config, dict) else None
    if isinstance(calling, dict):
        mode = calling.get("mode", "AUTO")
        allowed = calling.get("allowedFunctionNames") or []
        if mode in ("ANY", "VALIDATED"):
            ask.tool_mode = "required"
            if isinstance(allowed, list) and len(allowed) == 1:
                ask.tool_name = str(allowed[0])
        elif mode == "NONE":
            ask.tool_mode = "none"
        elif mode != "AUTO":
            raise BadRequest(
                f"functionCallingConfig.mode must be AUTO, ANY or NONE, got {mode!r}",
                param="toolConfig.functionCallingConfig.mode",
            )
    generation = body.get("generationConfig", body.get("generation_config"))
    if isinstance(generation, dict):
        schema = generation.get("responseJsonSchema", generation.get("responseSchema"))
        if schema is not None:
            ask.schema = as_object(schema, "generationConfig.responseSchema")
        elif generation.get("responseMimeType") == "application/json":
            ask.json_mode = True
        limit = generation.get("maxOutputTokens")
        if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0:
            ask.max_tokens = limit
        count = generation.get("candidateCount", 1)
        if isinstance(count, int) and 1 <= count <= 8:
            ask.n = count
    return ask


def _openai_messages(content: dict[str, Any], i: int) -> list[dict[str, Any]]:
    role = "assistant" if content.get("role") == "model" else "user"
    out: list[dict[str, Any]] = []
    texts: list[str] = []
    calls: list[dict[str, Any]] = []
    for part in as_list(content.get("parts", []), f"contents[{i}].parts"):
        if not isinstance(part, dict):
            continue
        if isinstance(part.get("text"), str):
            texts.append(part["text"])
        elif isinstance(part.get("functionCall"), dict):
            call = part["functionCall"]
            arguments = orjson.dumps(call.get("args", {})).decode()
            function = {"name": call.get("name", ""), "arguments": arguments}
            calls.append({"id": str(call.get("id", "")), "type": "function", "function": function})
        elif isinstance(part.get("functionResponse"), dict):
            response = part["functionResponse"]
            result = orjson.dumps(response.get("response", {})).decode()
            out.append(
                {"role": "tool", "tool_call_id": response.get("name", ""), "content": result}
            )
    if texts or calls:
        entry: dict[str, Any] = {"role": role, "content": "\n".join(texts) or None}
        if calls:
            entry["tool_calls"] = calls
        out.append(entry)
    return out


def _parts(reply: Reply) -> list[dict[str, Any]]:
    if reply.tool_calls:
        return [
            {"functionCall": {"name": c.name, "args": orjson.loads(c.arguments)}}
            for c in reply.tool_calls
        ]
    return [{"text": reply.text or ""}]


def _response(ask: Ask, replies: list[Reply], parts: list[list[dict[str, Any]]]) -> bytes:
    prompt = replies[0].input_tokens
    output = sum(r.output_tokens for r in replies)
    return orjson.dumps(
        {
            "candidates": [
                {
                    "content": {"role": "model", "parts": p},
                    "finishReason": _FINISH[reply.finish],
                    "index": i,
                }
                for i, (reply, p) in enumerate(zip(replies, parts, strict=True))
            ],
            "usageMetadata": {
                "promptTokenCount": prompt,
                "candidatesTokenCount": output,
                "totalTokenCount": prompt + output,
            },
            "modelVersion": ask.model,
            "responseId": hex_id(ask.key),
        }
    )


def render(ask: Ask, replies: list[Reply]) -> bytes:
    """The ``GenerateContentResponse`` JSON of ``replies``."""
    return _response(ask, replies, [_parts(r) for r in replies])


def stream(ask: Ask, replies: list[Reply]) -> list[bytes]:
    """``streamGenerateContent?alt=sse``: one response per text piece, the last with usage."""
    reply = replies[0]
    if reply.tool_calls:
        return [b"data: " + _response(ask, [reply], [_parts(reply)]) + b"\n\n"]
    pieces = text_pieces(reply.text or "") or [""]
    events = []
    for piece in pieces:
        events.append(b"data: " + _response(ask, [reply], [[{"text": piece}]]) + b"\n\n")
    return events


def error_body(status: int, message: str, param: str | None = None) -> bytes:
    """An error in Google's shape: ``{"error": {"code", "message", "status"}}``."""
    return orjson.dumps(
        {"error": {"code": status, "message": message, "status": _STATUS.get(status, "UNKNOWN")}}
    )
