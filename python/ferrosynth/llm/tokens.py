"""Offline token estimates: no tokenizer download, no network, deterministic.

The estimate mimics how byte-pair-encoding tokenizers of the GPT-4 family (``cl100k``/``o200k``)
split text: a pre-tokenizer pass cuts text into words (with their leading space), runs of at most
three digits, punctuation runs and whitespace, then each piece is priced by its shape:

- an ASCII word costs one token per started 7 letters (common words are one token; long or rare
  words split);
- CJK and other wide characters cost one token each; other non-ASCII letters one per 3;
- a run of up to 3 digits is one token; punctuation one token per 2 characters; a whitespace
  run one token.

A chat request adds OpenAI's documented framing: 3 tokens per message, 1 per ``name``, 3 to
prime the reply, and the tool and response-format definitions as the model sees them (their JSON).

Accuracy: this is an estimate, for budgets and for realistic ``usage`` in the mock endpoint,
not a bill. No exact tokenizer (tiktoken with its data) is installed in the build environment, so
the estimator has not been calibrated against one here; on English prose it gives about 1.3
tokens per word (4 to 4.5 characters per token), the usual rule of thumb for these tokenizers,
and it is deliberately on the high side for code and JSON. Providers report the real counts in
``usage``, and :class:`~ferrosynth.llm.LLMResponse` carries those.

Example::

    >>> from ferrosynth.llm import estimate_tokens, estimate_request_tokens
    >>> estimate_tokens("Hello, world!")
    4
    >>> estimate_tokens("")
    0
    >>> estimate_request_tokens({"model": "gpt-4o-mini",
    ...     "messages": [{"role": "user", "content": "Hello, world!"}]})
    11
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

__all__ = ["estimate_request_tokens", "estimate_tokens"]

# Words with an optional leading space, contractions, 1-3 digits, punctuation (incl. "_"),
# whitespace: the shape of the cl100k pre-tokenizer with the stdlib `re` module.
_PIECE = re.compile(r"'(?:[sdmt]|ll|ve|re)| ?[^\W\d_]+| ?\d{1,3}| ?(?:[^\s\w]|_)+|\s+")
_TOKENS_PER_MESSAGE = 3
_TOKENS_PER_NAME = 1
_REPLY_PRIMING = 3
_TOOLS_OVERHEAD = 12
_TOKENS_PER_TOOL = 8
_RESPONSE_FORMAT_OVERHEAD = 10
_IMAGE_LOW = 85
_IMAGE_HIGH = 765


def _piece_tokens(piece: str) -> int:
    first = piece[0]
    if first == " " and len(piece) > 1:
        piece = piece[1:]
        first = piece[0]
    if first.isspace():
        return 1
    if first.isdigit():
        return 1
    if first.isalpha():
        if piece.isascii():
            return (len(piece) + 6) // 7
        wide = sum(1 for ch in piece if ord(ch) >= 0x2E80)
        narrow = len(piece) - wide
        return wide + (narrow + 2) // 3
    if piece.startswith("'"):
        return 1
    return (len(piece) + 1) // 2


@lru_cache(maxsize=8192)
def _cached(text: str) -> int:
    return sum(_piece_tokens(p) for p in _PIECE.findall(text))


def estimate_tokens(text: str) -> int:
    """An offline estimate of the number of tokens in ``text`` (0 for the empty string).

    Deterministic: the same text always gives the same number, on every platform.
    """
    if not text:
        return 0
    if len(text) <= 4096:
        return _cached(text)
    return sum(_piece_tokens(p) for p in _PIECE.findall(text))


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def _content_tokens(content: Any) -> int:
    if content is None:
        return 0
    if isinstance(content, str):
        return estimate_tokens(content)
    if isinstance(content, list):
        total = 0
        for part in content:
            if isinstance(part, Mapping):
                kind = part.get("type")
                if kind == "text":
                    total += estimate_tokens(str(part.get("text", "")))
                elif kind == "image_url":
                    image = part.get("image_url")
                    low = isinstance(image, Mapping) and image.get("detail") == "low"
                    total += _IMAGE_LOW if low else _IMAGE_HIGH
                else:
                    total += estimate_tokens(_json(part))
            else:
                total += estimate_tokens(str(part))
        return total
    return estimate_tokens(_json(content))


def _message_tokens(message: Mapping[str, Any]) -> int:
    total = _TOKENS_PER_MESSAGE
    total += estimate_tokens(str(message.get("role", "")))
    total += _content_tokens(message.get("content"))
    name = message.get("name")
    if name:
        total += _TOKENS_PER_NAME + estimate_tokens(str(name))
    for call in message.get("tool_calls") or ():
        function = call.get("function", {}) if isinstance(call, Mapping) else {}
        total += 3 + estimate_tokens(str(function.get("name", "")))
        total += estimate_tokens(str(function.get("arguments", "")))
    tool_call_id = message.get("tool_call_id")
    if tool_call_id:
        total += estimate_tokens(str(tool_call_id))
    return total


def _tool_tokens(tools: Any) -> int:
    if not tools:
        return 0
    total = _TOOLS_OVERHEAD
    for tool in tools:
        function = tool.get("function", tool) if isinstance(tool, Mapping) else {}
        total += _TOKENS_PER_TOOL
        total += estimate_tokens(str(function.get("name", "")))
        total += estimate_tokens(str(function.get("description", "")))
        parameters = function.get("parameters")
        if parameters:
            total += estimate_tokens(_json(parameters))
    return total


def estimate_request_tokens(body: Mapping[str, Any]) -> int:
    """An offline estimate of the input tokens of an OpenAI chat-completions ``body``:
    its messages with their framing, its ``tools`` and its ``response_format`` schema."""
    total = _REPLY_PRIMING
    for message in body.get("messages") or ():
        if isinstance(message, Mapping):
            total += _message_tokens(message)
    total += _tool_tokens(body.get("tools"))
    response_format = body.get("response_format")
    if isinstance(response_format, Mapping) and response_format.get("type") == "json_schema":
        schema = response_format.get("json_schema", {})
        total += _RESPONSE_FORMAT_OVERHEAD + estimate_tokens(_json(schema))
    return total
