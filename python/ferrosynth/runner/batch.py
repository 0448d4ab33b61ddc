"""Requests in the OpenAI Batch API line format, read as a stream.

One line per request::

    {"custom_id": "q-1", "method": "POST", "url": "/v1/chat/completions",
     "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}]}}

``method`` (``POST``) and ``url`` (``/v1/chat/completions``) may be omitted. Two optional keys
route a line elsewhere than the run's default: ``provider`` (``openai``, ``anthropic``,
``gemini``, ``ollama``) and ``base_url``. Every other key is an error, so that a typo is not
silently ignored.

Example::

    >>> from ferrosynth.runner import parse_request
    >>> r = parse_request(b'{"custom_id": "a", "body": {"messages": []}}', where="in.jsonl:1")
    Traceback (most recent call last):
    ...
    ferrosynth.runner.errors.RunnerInputError: in.jsonl:1: body.messages must be a non-empty list
    >>> body = {"messages": [{"role": "user", "content": "x"}]}
    >>> r = parse_request({"custom_id": "a", "body": body})
    >>> r.custom_id, r.provider
    ('a', None)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from ferrosynth.runner.errors import RunnerInputError

__all__ = ["PROVIDERS", "BatchRequest", "iter_request_lines", "parse_request", "trusted_request"]

PROVIDERS = ("openai", "anthropic", "gemini", "ollama")
CHAT_URLS = ("/v1/chat/completions", "/chat/completions")
_KEYS = frozenset({"custom_id", "method", "url", "body", "provider", "base_url"})
MAX_CUSTOM_ID = 512


@dataclass(frozen=True, slots=True)
class BatchRequest:
    """One request: its ``custom_id``, the chat-completions ``body`` and an optional route."""

    custom_id: str
    body: dict[str, Any]
    provider: str | None = None
    base_url: str | None = None


def trusted_request(line: bytes | str | Mapping[str, Any], *, where: str = "") -> BatchRequest:
    """Parse a request that :func:`parse_request` has already checked (the run's second pass
    over a checked file): no checks, only what the runner reads."""
    data: Any = orjson.loads(line) if isinstance(line, (bytes, str)) else line
    return BatchRequest(data["custom_id"], data["body"], data.get("provider"), data.get("base_url"))


def parse_request(line: bytes | str | Mapping[str, Any], *, where: str = "") -> BatchRequest:
    """Parse and check one request (a JSONL line or an already parsed mapping)."""
    if isinstance(line, (bytes, str)):
        try:
            data: Any = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            raise RunnerInputError(f"not valid JSON ({error})", where=where) from None
    else:
        data = line
    if type(data) is not dict and not isinstance(data, Mapping):
        raise RunnerInputError(
            f"a request must be a JSON object, not {type(data).__name__}", where=where
        )
    unknown = set(data) - _KEYS
    if unknown:
        raise RunnerInputError(
            f"unknown key(s) {sorted(unknown)}; a request has {sorted(_KEYS)}", where=where
        )
    custom_id = data.get("custom_id")
    if not isinstance(custom_id, str) or not custom_id:
        raise RunnerInputError("custom_id must be a non-empty string", where=where)
    if len(custom_id) > MAX_CUSTOM_ID:
        raise RunnerInputError(f"custom_id is longer than {MAX_CUSTOM_ID} characters", where=where)
    method = data.get("method", "POST")
    if method != "POST":
        raise RunnerInputError(f"method must be 'POST', got {method!r}", where=where)
    url = data.get("url", CHAT_URLS[0])
    if url not in CHAT_URLS:
        raise RunnerInputError(
            f"url {url!r} is not supported; the runner sends chat completions ({CHAT_URLS[0]!r})",
            where=where,
        )
    body = data.get("body")
    if not isinstance(body, dict):
        raise RunnerInputError("body must be a JSON object", where=where)
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise RunnerInputError("body.messages must be a non-empty list", where=where)
    model = body.get("model")
    if model is not None and not isinstance(model, str):
        raise RunnerInputError("body.model must be a string", where=where)
    provider = data.get("provider")
    if provider is not None and provider not in PROVIDERS:
        raise RunnerInputError(
            f"unknown provider {provider!r}; expected one of: {', '.join(PROVIDERS)}",
            where=where,
        )
    base_url = data.get("base_url")
    if base_url is not None and (
        not isinstance(base_url, str) or not base_url.startswith(("http://", "https://"))
    ):
        raise RunnerInputError(f"base_url must be an http(s) URL, got {base_url!r}", where=where)
    return BatchRequest(custom_id, body, provider, base_url)


def iter_request_lines(source: Path | Iterable[Any]) -> Iterator[tuple[str, bytes | Any]]:
    """``(where, raw)`` per request: the lines of a JSONL file (blank lines skipped) or the
    items of an iterable, read lazily so that memory does not grow with the input."""
    if isinstance(source, Path):
        name = str(source)
        with source.open("rb") as handle:
            for number, line in enumerate(handle, 1):
                if line.strip():
                    yield f"{name}:{number}", line
        return
    for number, item in enumerate(source, 1):
        yield f"request {number}", item
