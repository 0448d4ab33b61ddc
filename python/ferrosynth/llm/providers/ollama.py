"""Ollama's native ``POST /api/chat`` (for its OpenAI-compatible ``/v1``, use
:class:`~ferrosynth.llm.OpenAIProvider`)."""

from __future__ import annotations

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

__all__ = ["OllamaProvider"]

_OPTIONS = {
    "temperature": "temperature",
    "top_p": "top_p",
    "seed": "seed",
    "max_tokens": "num_predict",
    "max_completion_tokens": "num_predict",
    "frequency_penalty": "frequency_penalty",
    "presence_penalty": "presence_penalty",
}


def _message(message: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"role": message.get("role", "user")}
    content = message.get("content")
    out["content"] = text_of(content)
    if isinstance(content, list):
        images = []
        for part in content:
            if isinstance(part, dict) and part.get("type") == "image_url":
                image = part.get("image_url") or {}
                parsed = data_url(str(image.get("url", "")))
                if parsed is not None:
                    images.append(parsed[1])
        if images:
            out["images"] = images
    if message.get("tool_calls"):
        out["tool_calls"] = [
            {"function": {"name": c["function"]["name"], "arguments": arguments_of(c)}}
            for c in message["tool_calls"]
        ]
    if message.get("name") and out["role"] == "tool":
        out["tool_name"] = message["name"]
    return out


class OllamaProvider(HTTPProvider):
    """Ollama ``POST {base_url}/api/chat`` (``base_url`` without ``/api``; no key)."""

    kind: ClassVar[ProviderKind] = "ollama"
    official_url = "http://localhost:11434"
    env_keys = ()

    def _auth_headers(self, key: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"} if key else {}

    def _request(self, body: ChatBody, model: str) -> tuple[str, dict[str, Any]]:
        payload: dict[str, Any] = {
            "model": model,
            "messages": [_message(m) for m in body.get("messages") or []],
            "stream": False,
        }
        if body.get("tools"):
            payload["tools"] = body["tools"]
        schema = json_schema_of(body.get("response_format"))
        if schema is not None:
            payload["format"] = schema[1]
        elif (body.get("response_format") or {}).get("type") == "json_object":
            payload["format"] = "json"
        options = {o: body[k] for k, o in _OPTIONS.items() if body.get(k) is not None}
        stop = stop_list(body.get("stop"))
        if stop:
            options["stop"] = stop
        if options:
            payload["options"] = options
        return f"{self.base_url}/api/chat", payload

    def _response(self, data: Any, model: str, body: ChatBody) -> LLMResponse:
        message = data["message"]
        calls = [
            tool_call(
                str(c.get("id") or f"call_{i}"),
                c["function"]["name"],
                c["function"].get("arguments", {}),
            )
            for i, c in enumerate(message.get("tool_calls") or [])
        ]
        reason = data.get("done_reason") or "stop"
        if calls:
            reason = "tool_calls"
        content = message.get("content")
        return LLMResponse(
            content=content if content or not calls else None,
            model=str(data.get("model") or model),
            tool_calls=calls,
            finish_reason=reason,
            input_tokens=int(data.get("prompt_eval_count") or 0),
            output_tokens=int(data.get("eval_count") or 0),
            raw=data,
        )
