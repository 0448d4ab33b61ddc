"""Token counts for ``usage``: the LLM layer's offline estimator.

Until ``ferrosynth.llm.tokens`` is importable, a coarse stand-in (4 characters a token) is used,
so that the mock endpoint never depends on the order in which the two land.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

import orjson

__all__ = ["estimate_request_tokens", "estimate_tokens"]


def _fallback_tokens(text: str) -> int:
    return (len(text) + 3) // 4


def _fallback_request_tokens(body: Mapping[str, Any]) -> int:
    total = 3
    for message in body.get("messages") or ():
        total += 3 + _fallback_tokens(orjson.dumps(message.get("content")).decode())
    if body.get("tools"):
        total += _fallback_tokens(orjson.dumps(body["tools"]).decode())
    return total


def _load() -> tuple[Callable[[str], int], Callable[[Mapping[str, Any]], int]]:
    try:
        module = importlib.import_module("ferrosynth.llm.tokens")
    except ImportError:
        return _fallback_tokens, _fallback_request_tokens
    return module.estimate_tokens, module.estimate_request_tokens


estimate_tokens, estimate_request_tokens = _load()
