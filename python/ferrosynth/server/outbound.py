"""The provider call of one task, with the contract's retry rules (specs/synthgen-api.md §7).

``POST <url>`` with the task's body sent byte for byte, ``Authorization: Bearer <api_key>`` (an
empty key still sends the header) and the attribution headers. Retried: timeouts, connection
errors, 5xx, 429 (``Retry-After`` honoured), and a 2xx body whose ``error.code`` is 429 or 5xx.
Permanent: 401 and other 4xx, a body that is not JSON, a 2xx body with another numeric
``error.code``. Delays double from the base, capped, with full jitter.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson

from ferrosynth.server.http import HTTPClient, HTTPError

__all__ = ["CallResult", "RetryRules", "call_provider", "failure"]

_MAX_ERROR_BODY = 300


@dataclass(frozen=True)
class RetryRules:
    max_retries: int = 5
    base_s: float = 0.5
    max_s: float = 30.0
    timeout_s: float = 120.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_s)
        return random.uniform(0.0, min(self.max_s, self.base_s * (2**attempt)))


class CallResult(NamedTuple):
    """One provider call's outcome (a named tuple: the worker makes one per task)."""

    ok: bool
    completions: str  # JSON text: the provider's answer, or {"error": ...}
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    duration_ms: int


class _RetryableError(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class _PermanentError(Exception):
    pass


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _usage(answer: dict[str, Any]) -> tuple[int, int, int]:
    usage = answer.get("usage")
    if not isinstance(usage, dict):
        return 0, 0, 0

    def num(key: str) -> int:
        value = usage.get(key)
        return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0

    return num("prompt_tokens"), num("completion_tokens"), num("total_tokens")


def _short(raw: bytes) -> str:
    text = raw[:_MAX_ERROR_BODY].decode("utf-8", "replace")
    return text + ("…" if len(raw) > _MAX_ERROR_BODY else "")


async def _attempt(
    client: HTTPClient, url: str, body: bytes, headers: dict[str, str], timeout: float
) -> tuple[bytes, dict[str, Any]]:
    try:
        response = await client.post(url, body, headers, timeout)
    except (asyncio.TimeoutError, TimeoutError) as e:
        raise _RetryableError(f"provider timed out after {timeout:g} s") from e
    except (HTTPError, OSError) as e:
        raise _RetryableError(f"cannot reach the provider: {type(e).__name__}: {e}") from e
    raw, status = response.body, response.status
    retry_after = _retry_after(response.headers.get("retry-after"))
    if status == 429:
        raise _RetryableError("provider answered 429 Too Many Requests", retry_after)
    if status >= 500:
        raise _RetryableError(f"provider answered {status}: {_short(raw)}")
    if status >= 400:
        raise _PermanentError(f"provider answered {status}: {_short(raw)}")
    try:
        answer = orjson.loads(raw)
    except orjson.JSONDecodeError as e:
        raise _PermanentError(f"provider answered {status} with a body that is not JSON") from e
    if not isinstance(answer, dict):
        raise _PermanentError(f"provider answered {status} with JSON that is not an object")
    error = answer.get("error")
    if isinstance(error, dict):
        code = error.get("code")
        if isinstance(code, str) and code.isdigit():
            code = int(code)
        if isinstance(code, int) and not isinstance(code, bool):
            message = f"provider error {code}: {str(error.get('message', ''))[:200]}"
            if code == 429:
                raise _RetryableError(message, retry_after)
            if code >= 500:
                raise _RetryableError(message)
            raise _PermanentError(message)
    return raw, answer


async def call_provider(
    client: HTTPClient,
    url: str,
    body: str,
    api_key: str | None,
    rules: RetryRules,
    extra_headers: dict[str, str],
    started: float,
) -> CallResult:
    """Make the call, retrying per the rules; never raises for a provider problem."""
    headers = {
        "Authorization": f"Bearer {api_key or ''}",
        "Content-Type": "application/json",
        **extra_headers,
    }
    payload = body.encode()
    attempt = 0
    while True:
        t0 = time.monotonic()
        try:
            _raw, answer = await _attempt(client, url, payload, headers, rules.timeout_s)
        except _RetryableError as e:
            if attempt >= rules.max_retries:
                return failure(f"{e} (gave up after {attempt + 1} attempts)", started)
            await asyncio.sleep(rules.delay(attempt, e.retry_after))
            attempt += 1
            continue
        except _PermanentError as e:
            return failure(str(e), started)
        except UnicodeError:
            return failure("the task's api_key is not latin-1 text (an HTTP header)", started)
        except ValueError:
            return failure(f"invalid provider url {url!r}", started)
        prompt, completion, total = _usage(answer)
        return CallResult(
            ok=True,
            # re-serialised compactly: an export line must hold no raw newline of the provider's
            completions=orjson.dumps(answer).decode(),
            prompt_tokens=prompt,
            completion_tokens=completion,
            total_tokens=total,
            duration_ms=round((time.monotonic() - t0) * 1000),
        )


def failure(message: str, started: float) -> CallResult:
    """A FAILED outcome: ``{"error": message}``, timed from the start of processing."""
    return CallResult(
        ok=False,
        completions=orjson.dumps({"error": message}).decode(),
        prompt_tokens=0,
        completion_tokens=0,
        total_tokens=0,
        duration_ms=max(0, round((time.time() - started) * 1000)),
    )
