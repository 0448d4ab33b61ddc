"""Anthropic Messages: ``POST {base_url}/v1/messages``.

Mapping from the OpenAI body: ``system`` messages become the top-level ``system``; tool calls
become ``tool_use`` blocks and ``tool`` messages ``tool_result`` blocks (consecutive turns of
one role are merged, as the API requires); ``tools``/``tool_choice`` map to their Anthropic
forms; ``max_tokens`` defaults to 4096 (the API requires one). A ``response_format`` JSON Schema
is sent as one forced tool whose input schema is the schema (this works on every Claude model);
the tool's input comes back as the JSON ``content``.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from ferrosynth.llm.providers._base import HTTPProvider
from ferrosynth.llm.providers._convert import (
    arguments_of,
    data_url,
    json_schema_of,
    stop_list,
    text_of,
    tool_call,
)
from ferrosynth.llm.types import ChatBody, LLMResponse, ProviderKind

__all__ = ["AnthropicProvider"]

API_VERSION = "2023-06-01"
DEFAULT_MAX_TOKENS = 4096
_STOP = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
}


def _blocks(content: Any) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    blocks: list[dict[str, Any]] = []
    for part in content or []:
        if not isinstance(part, dict):
            continue
        if part.get("type") == "text":
            blocks.append({"type": "text", "text": str(part.get("text", ""))})
        elif part.get("type") == "image_url":
            url = str((part.get("image_url") or {}).get("url", ""))
            parsed = data_url(url)
            source = (
                {"type": "base64", "media_type": parsed[0], "data": parsed[1]}
                if parsed
                else {"type": "url", "url": url}
            )
            blocks.append({"type": "image", "source": source})
    return blocks


def _tool_choice(choice: Any) -> dict[str, Any] | None:
    if choice is None:
        return None
    if choice == "auto":
        return {"type": "auto"}
    if choice == "required":
        return {"type": "any"}
    if choice == "none":
        return {"type": "none"}
    if isinstance(choice, dict) and choice.get("type") == "function":
        return {"type": "tool", "name": choice["function"]["name"]}
    raise ValueError(f"anthropic: unsupported tool_choice {choice!r}")


def _messages(body: ChatBody) -> tuple[str, list[dict[str, Any]]]:
    system: list[str] = []
    turns: list[dict[str, Any]] = []
    for message in body.get("messages") or []:
        role = message.get("role")
        blocks: list[dict[str, Any]]
        if role in ("system", "developer"):
            system.append(text_of(message.get("content")))
            continue
        if role == "tool":
            role, blocks = (
                "user",
                [
                    {
                        "type": "tool_result",
                        "tool_use_id": str(message.get("tool_call_id", "")),
                        "content": text_of(message.get("content")),
                    }
                ],
            )
        else:
            role = "assistant" if role == "assistant" else "user"
            blocks = _blocks(message.get("content"))
            for call in message.get("tool_calls") or []:
                blocks.append(
                    {
                        "type": "tool_use",
                        "id": call.get("id", ""),
                        "name": call["function"]["name"],
                        "input": arguments_of(call),
                    }
                )
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(blocks)
        else:
            turns.append({"role": role, "content": blocks})
    return "\n\n".join(s for s in system if s), turns


class AnthropicProvider(HTTPProvider):
    """Anthropic ``POST {base_url}/v1/messages`` (``base_url`` without ``/v1``, as in
    Anthropic's SDK); key from ``ANTHROPIC_API_KEY``."""

    kind: ClassVar[ProviderKind] = "anthropic"
    official_url = "https://api.anthropic.com"
    env_keys = ("ANTHROPIC_API_KEY",)

    def _auth_headers(self, key: str | None) -> dict[str, str]:
        headers = {"anthropic-version": API_VERSION}
        if key:
            headers["x-api-key"] = key
        return headers

    def _request(self, body: ChatBody, model: str) -> tuple[str, dict[str, Any]]:
        system, messages = _messages(body)
        max_tokens = body.get("max_completion_tokens") or body.get("max_tokens")
        payload: dict[str, Any] = {
            "model": model,
            "messages": messages,
            "max_tokens": int(max_tokens or DEFAULT_MAX_TOKENS),
        }
        if system:
            payload["system"] = system
        for key in ("temperature", "top_p"):
            if body.get(key) is not None:
                payload[key] = body[key]
        stop = stop_list(body.get("stop"))
        if stop:
            payload["stop_sequences"] = stop
        tools = [
            {
                "name": t["function"]["name"],
                "description": t["function"].get("description", ""),
                "input_schema": t["function"].get("parameters") or {"type": "object"},
            }
            for t in body.get("tools") or []
            if t.get("type", "function") == "function"
        ]
        choice = _tool_choice(body.get("tool_choice"))
        schema = json_schema_of(body.get("response_format"))
        if schema is not None:
            name, spec = schema
            tools.append({"name": name, "description": "Respond with this.", "input_schema": spec})
            choice = {"type": "tool", "name": name}
        if tools:
            payload["tools"] = tools
        if choice is not None and tools:
            payload["tool_choice"] = choice
        return f"{self.base_url}/v1/messages", payload

    def _response(self, data: Any, model: str, body: ChatBody) -> LLMResponse:
        schema = json_schema_of(body.get("response_format"))
        texts: list[str] = []
        calls: list[dict[str, Any]] = []
        structured: str | None = None
        for block in data["content"]:
            kind = block.get("type")
            if kind == "text":
                texts.append(str(block.get("text", "")))
            elif kind == "tool_use":
                if schema is not None and block.get("name") == schema[0]:
                    structured = json.dumps(block.get("input", {}))
                else:
                    calls.append(tool_call(str(block["id"]), block["name"], block.get("input", {})))
        reason = _STOP.get(str(data.get("stop_reason")), data.get("stop_reason"))
        if structured is not None:
            content: str | None = structured
            reason = "stop" if reason == "tool_calls" else reason
        else:
            content = "".join(texts) if texts or not calls else None
        usage = data.get("usage") or {}
        cached = int(usage.get("cache_read_input_tokens") or 0)
        written = int(usage.get("cache_creation_input_tokens") or 0)
        return LLMResponse(
            content=content,
            model=str(data.get("model") or model),
            tool_calls=calls,
            finish_reason=reason,
            input_tokens=int(usage.get("input_tokens") or 0) + cached + written,
            output_tokens=int(usage.get("output_tokens") or 0),
            cached_input_tokens=cached,
            raw=data,
        )
