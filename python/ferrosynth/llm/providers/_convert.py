"""Helpers shared by the request/response mappings of the providers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = [
    "arguments_of",
    "data_url",
    "json_schema_of",
    "stop_list",
    "text_of",
    "tool_call",
]


def text_of(content: Any) -> str:
    """The text of an OpenAI message ``content`` (a string or a list of parts)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            str(p.get("text", "")) for p in content if isinstance(p, Mapping) and "text" in p
        )
    return str(content)


def data_url(url: str) -> tuple[str, str] | None:
    """``(mime type, base64 data)`` of a ``data:`` URL, else None."""
    if not url.startswith("data:") or ";base64," not in url:
        return None
    head, data = url[5:].split(";base64,", 1)
    return head or "application/octet-stream", data


def json_schema_of(response_format: Any) -> tuple[str, dict[str, Any]] | None:
    """``(name, schema)`` of an OpenAI ``response_format`` of type ``json_schema``."""
    if not isinstance(response_format, Mapping) or response_format.get("type") != "json_schema":
        return None
    spec = response_format.get("json_schema") or {}
    schema = spec.get("schema") or {"type": "object"}
    return str(spec.get("name") or "output"), dict(schema)


def arguments_of(call: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments of an OpenAI tool call as a dict (they travel as a JSON string)."""
    arguments = call.get("function", {}).get("arguments", "{}")
    if isinstance(arguments, Mapping):
        return dict(arguments)
    try:
        value = json.loads(arguments or "{}")
    except json.JSONDecodeError:
        return {"_raw": arguments}
    return value if isinstance(value, dict) else {"_value": value}


def tool_call(ident: str, name: str, arguments: Any) -> dict[str, Any]:
    """An OpenAI-shape tool call."""
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return {"id": ident, "type": "function", "function": {"name": name, "arguments": text}}


def stop_list(stop: Any) -> list[str] | None:
    """OpenAI ``stop`` (a string or a list) as a list."""
    if stop is None:
        return None
    return [stop] if isinstance(stop, str) else [str(s) for s in stop]
