"""The prompt that asks a model for N personas grounded in the data.

The wording is part of the output (it is hashed into cache keys and shapes the answer), so it is
versioned: change :data:`PROMPT_VERSION` whenever the text changes.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = [
    "DATA_BEGIN",
    "DATA_END",
    "PROMPT_VERSION",
    "SYSTEM_PROMPT",
    "build_messages",
    "personas_schema",
]

PROMPT_VERSION = "personas-prompt/1"
DATA_BEGIN = "<<<DATA"
DATA_END = "DATA>>>"

SYSTEM_PROMPT = (
    "You are a user researcher. You write personas that are grounded in the research data you "
    "are given: every goal, pain point, behaviour and quote must be supported by the data, and "
    "each persona lists the source files it draws on. Do not invent facts the data does not "
    "support. Answer with JSON only."
)

_SHAPE: dict[str, Any] = {
    "personas": [
        {
            "name": "string",
            "age": "integer or null",
            "occupation": "string",
            "location": "string or null",
            "summary": "one or two sentences",
            "demographics": {"key": "value"},
            "goals": ["string"],
            "pain_points": ["string"],
            "behaviours": ["string"],
            "quotes": ["short quote in the persona's voice, paraphrased from the data"],
            "communication_style": "string",
            "sources": ["source file names from the data headers"],
        }
    ]
}


def build_messages(
    data_text: str, count: int, *, part: int = 1, parts: int = 1, detail: str = "standard"
) -> list[dict[str, str]]:
    """The chat messages asking for exactly ``count`` personas from ``data_text``."""
    scope = f" This is part {part} of {parts} of the data." if parts > 1 else ""
    user = (
        f"Generate exactly {count} distinct persona(s) from the research data below.{scope} "
        f"Detail level: {detail}. Return a JSON object of this shape:\n"
        f"{json.dumps(_SHAPE, indent=2)}\n\n"
        f"{DATA_BEGIN}\n{data_text.strip()}\n{DATA_END}"
    )
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


_TEXT: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 200}
_TEXTS: dict[str, Any] = {"type": "array", "items": _TEXT, "minItems": 1, "maxItems": 4}


def personas_schema(count: int) -> dict[str, Any]:
    """The JSON Schema of an answer with exactly ``count`` personas (``json_schema`` mode)."""
    persona = {
        "type": "object",
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 60},
            "age": {"type": "integer", "minimum": 18, "maximum": 90},
            "occupation": _TEXT,
            "location": _TEXT,
            "summary": _TEXT,
            "goals": _TEXTS,
            "pain_points": _TEXTS,
            "behaviours": _TEXTS,
            "quotes": _TEXTS,
            "communication_style": _TEXT,
            "sources": {"type": "array", "items": _TEXT, "maxItems": 8},
        },
        "required": [
            "name",
            "age",
            "occupation",
            "location",
            "summary",
            "goals",
            "pain_points",
            "behaviours",
            "quotes",
            "communication_style",
            "sources",
        ],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {
            "personas": {"type": "array", "items": persona, "minItems": count, "maxItems": count},
        },
        "required": ["personas"],
        "additionalProperties": False,
    }
