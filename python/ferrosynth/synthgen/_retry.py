"""When a request is tried again, and how long the client waits first.

Transient failures are retried with exponential backoff and full jitter: connection errors,
timeouts, 408, 429 and 5xx. A ``Retry-After`` header (seconds) is honoured. Other 4xx answers
(401, 404, 422, ...) are final: they surface at once.

The upload (``POST /api/v1/batches``) is not idempotent (a resent chunk would be stored twice), so
it is retried only when the server cannot have taken it: the connection was never made, or the
answer was 429 or 503.

The delays come from ferrosynth's one retry policy, :class:`ferrosynth.llm.RetryPolicy`
(exponential backoff with full jitter, ``Retry-After`` honoured up to ``max_retry_after``).
"""

from __future__ import annotations

import httpx

from ferrosynth.llm.retry import RetryPolicy

__all__ = ["RetryPolicy"]

_RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
_RETRY_STATUS_UNSENT = frozenset({429, 503})


def retryable_status(status: int, *, idempotent: bool) -> bool:
    """Is an answer with this status worth another try?"""
    return status in (_RETRY_STATUS if idempotent else _RETRY_STATUS_UNSENT)


def retryable_error(error: httpx.TransportError, *, idempotent: bool) -> bool:
    """Is a failure without an answer (connection, timeout, protocol) worth another try?"""
    if idempotent:
        return True
    return isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))


def retry_after(response: httpx.Response) -> float | None:
    """The ``Retry-After`` header in seconds (the HTTP-date form is ignored)."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None
