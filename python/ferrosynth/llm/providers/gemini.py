"""Gemini ``POST {base_url}/v1beta/models/{model}:generateContent``.

Mapping from the OpenAI body: ``system`` messages become ``systemInstruction``; ``assistant``
turns are ``model`` turns; tool calls are ``functionCall`` parts and ``tool`` messages
``functionResponse`` parts (named after the call they answer); ``tools`` become
``functionDeclarations``; sampling fields go to ``generationConfig``, and a ``response_format``
JSON Schema to ``responseMimeType`` + ``responseJsonSchema``. The key travels in the
``x-goog-api-key`` header, never in the URL.
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

__all__ = ["GeminiProvider"]

_STOP = {
    "STOP": "stop",
    "MAX_TOKENS": "length",
    "SAFETY": "content_filter",
    "RECITATION": "content_filter",
    "PROHIBITED_CONTENT": "content_filter",
    "BLOCKLIST": "content_filter",
    "SPII": "content_filter",
}
_CONFIG = {
    "temperature": "temperature",
    "top_p": "topP",
    "seed": "seed",
    "max_tokens": "maxOutputTokens",
    "max_completion_tokens": "maxOutputTokens",
    "presence_penalty": "presencePenalty",
    "frequency_penalty": "frequencyPenalty",
}


def _parts(content: Any) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"text": content}] if content else []
    parts: list[dict[str, Any]] = []
    for part in content or []:
        if not isinstance(part, dict):
            continue
        if part.get("type") == "text":
            parts.append({"text": str(part.get("text", ""))})
        elif part.get("type") == "image_url":
            url = str((part.get("image_url") or {}).get("url", ""))
            parsed = data_url(url)
            if parsed:
                parts.append({"inlineData": {"mimeType": parsed[0], "data": parsed[1]}})
            else:
                parts.append({"fileData": {"fileUri": url}})
    return parts


def _tool_response(content: Any) -> dict[str, Any]:
    text = text_of(content)
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return {"content": text}
    return value if isinstance(value, dict) else {"content": value}


def _contents(body: ChatBody) -> tuple[str, list[dict[str, Any]]]:
    system: list[str] = []
    contents: list[dict[str, Any]] = []
    names: dict[str, str] = {}  # tool_call_id -> function name
    for message in body.get("messages") or []:
        role = message.get("role")
        if role in ("system", "developer"):
            system.append(text_of(message.get("content")))
            continue
        if role == "tool":
            call_id = str(message.get("tool_call_id", ""))
            name = names.get(call_id) or str(message.get("name") or "tool")
            turn_role = "user"
            parts = [
                {
                    "functionResponse": {
                        "name": name,
                        "response": _tool_response(message.get("content")),
                    }
                }
            ]
        else:
            turn_role = "model" if role == "assistant" else "user"
            parts = _parts(message.get("content"))
            for call in message.get("tool_calls") or []:
                names[str(call.get("id", ""))] = call["function"]["name"]
                parts.append(
                    {"functionCall": {"name": call["function"]["name"], "args": arguments_of(call)}}
                )
        if contents and contents[-1]["role"] == turn_role:
            contents[-1]["parts"].extend(parts)
        else:
            contents.append({"role": turn_role, "parts": parts})
    return "\n\n".join(s for s in system if s), contents


def _tool_config(choice: Any) -> dict[str, Any] | None:
    if choice is None:
        return None
    if choice == "auto":
        mode: dict[str, Any] = {"mode": "AUTO"}
    elif choice == "required":
        mode = {"mode": "ANY"}
    elif choice == "none":
        mode = {"mode": "NONE"}
    elif isinstance(choice, dict) and choice.get("type") == "function":
        mode = {"mode": "ANY", "allowedFunctionNames": [choice["function"]["name"]]}
    else:
        raise ValueError(f"gemini: unsupported tool_choice {choice!r}")
    return {"functionCallingConfig": mode}


class GeminiProvider(HTTPProvider):
    """Gemini ``generateContent`` (``base_url`` without ``/v1beta``); key from
    ``GEMINI_API_KEY`` or ``GOOGLE_API_KEY``."""

    kind: ClassVar[ProviderKind] = "gemini"
    official_url = "https://generativelanguage.googleapis.com"
    env_keys = ("GEMINI_API_KEY", "GOOGLE_API_KEY")

    def _auth_headers(self, key: str | None) -> dict[str, str]:
        return {"x-goog-api-key": key} if key else {}

    def _request(self, body: ChatBody, model: str) -> tuple[str, dict[str, Any]]:
        system, contents = _contents(body)
        payload: dict[str, Any] = {"contents": contents}
        if system:
            payload["systemInstruction"] = {"parts": [{"text": system}]}
        config = {g: body[k] for k, g in _CONFIG.items() if body.get(k) is not None}
        stop = stop_list(body.get("stop"))
        if stop:
            config["stopSequences"] = stop
        schema = json_schema_of(body.get("response_format"))
        if schema is not None:
            config["responseMimeType"] = "application/json"
            config["responseJsonSchema"] = schema[1]
        elif (body.get("response_format") or {}).get("type") == "json_object":
            config["responseMimeType"] = "application/json"
        if config:
            payload["generationConfig"] = config
        declarations = [
            {
                "name": t["function"]["name"],
                "description": t["function"].get("description", ""),
                **(
                    {"parameters": t["function"]["parameters"]}
                    if t["function"].get("parameters")
                    else {}
                ),
            }
            for t in body.get("tools") or []
            if t.get("type", "function") == "function"
        ]
        if declarations:
            payload["tools"] = [{"functionDeclarations": declarations}]
            tool_config = _tool_config(body.get("tool_choice"))
            if tool_config is not None:
                payload["toolConfig"] = tool_config
        name = model.removeprefix("models/")
        return f"{self.base_url}/v1beta/models/{name}:generateContent", payload

    def _response(self, data: Any, model: str, body: ChatBody) -> LLMResponse:
        usage = data.get("usageMetadata") or {}
        candidates = data.get("candidates") or []
        texts: list[str] = []
        calls: list[dict[str, Any]] = []
        reason: str | None = "content_filter" if data.get("promptFeedback") else None
        if candidates:
            candidate = candidates[0]
            for i, part in enumerate((candidate.get("content") or {}).get("parts") or []):
                if "text" in part and not part.get("thought"):
                    texts.append(str(part["text"]))
                elif "functionCall" in part:
                    call = part["functionCall"]
                    ident = str(call.get("id") or f"call_{i}")
                    calls.append(tool_call(ident, call["name"], call.get("args", {})))
            finish = candidate.get("finishReason")
            reason = _STOP.get(str(finish), str(finish).lower()) if finish else None
            if calls and reason == "stop":
                reason = "tool_calls"
        elif not data.get("promptFeedback"):
            raise ValueError("no candidates and no promptFeedback")
        output = int(usage.get("candidatesTokenCount") or 0)
        output += int(usage.get("thoughtsTokenCount") or 0)
        return LLMResponse(
            content="".join(texts) if texts or not calls else None,
            model=str(data.get("modelVersion") or model),
            tool_calls=calls,
            finish_reason=reason,
            input_tokens=int(usage.get("promptTokenCount") or 0),
            output_tokens=output,
            cached_input_tokens=int(usage.get("cachedContentTokenCount") or 0),
            raw=data,
        )
