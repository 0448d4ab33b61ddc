"""When a request is tried again, and how long the client waits first.

Transient failures are retried with exponential backoff and full jitter: connection errors,
timeouts, 408, 429 and 5xx. A ``Retry-After`` header (seconds) is honoured, capped at
``max_delay``. Other 4xx answers (401, 404, 422, ...) are final: they surface at once.

The upload (``POST /api/v1/batches``) is not idempotent (a resent chunk would be stored twice), so
it is retried only when the server cannot have taken it: the connection was never made, or the
answer was 429 or 503.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import httpx

__all__ = ["RetryPolicy"]

_RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
_RETRY_STATUS_UNSENT = frozenset({429, 503})


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter: before retry ``n`` (from 0) the client sleeps a
    random time in ``[0, min(max_delay, base_delay * 2**n)]``.

    Example::

        >>> p = RetryPolicy(max_retries=3, base_delay=0.5, max_delay=2.0)
        >>> all(0 <= p.delay(n) <= min(2.0, 0.5 * 2**n) for n in range(6))
        True
        >>> p.delay(0, retry_after=1.5)
        1.5
    """

    max_retries: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0

    def __post_init__(self) -> None:
        if self.max_retries < 0 or self.base_delay < 0 or self.max_delay < 0:
            raise ValueError(f"RetryPolicy values must be non-negative: {self}")

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """Seconds to sleep before retry number ``retry`` (0 for the first retry)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_delay)
        cap = min(self.max_delay, self.base_delay * 2.0 ** min(retry, 62))
        return random.uniform(0.0, cap)  # jitter, not cryptography


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
