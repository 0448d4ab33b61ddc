"""One retry policy for every provider: bounded, exponential backoff with full jitter.

What is retried: timeouts, connection errors, HTTP 408/409/5xx, 429 and malformed 2xx bodies.
What is not: 401/403 and every other 4xx, which fail at once. A 429's ``Retry-After`` (or
``retry-after-ms``, or the ``x-ratelimit-reset-*`` headers of OpenAI and Anthropic) is honoured
as the least wait when it is at most ``max_retry_after`` seconds (the jittered backoff is added
on top, so that clients told the same instant spread out); otherwise the policy's own backoff
applies.

The backoff for retry ``n`` (0-based) is drawn uniformly from ``[0, min(max_delay,
base_delay * 2**n)]`` ("full jitter", the AWS architecture blog's recommendation), so that many
clients that failed together do not retry together.

Example::

    >>> from ferrosynth.llm import RetryPolicy
    >>> policy = RetryPolicy(max_retries=3, base_delay=1.0, max_delay=4.0, jitter="none")
    >>> [policy.backoff(n) for n in range(4)]
    [1.0, 2.0, 4.0, 4.0]
    >>> policy.backoff(0, retry_after=2.5)
    2.5
    >>> from ferrosynth.llm import retry_after_from_headers
    >>> retry_after_from_headers({"retry-after-ms": "250"})
    0.25
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Literal

from ferrosynth.llm.errors import (
    AuthenticationError,
    InvalidResponseError,
    ProviderConnectionError,
    ProviderError,
    ProviderTimeoutError,
    RateLimitError,
)

__all__ = ["RetryPolicy", "is_retryable", "retry_after_from_headers"]

JITTER_MODES = ("full", "none")
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_UNIT = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry a failed request.

    ``max_retries`` retries follow the first attempt (so at most ``max_retries + 1`` requests);
    ``jitter`` is ``"full"`` (default) or ``"none"`` (deterministic, for tests and docs).
    """

    max_retries: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    jitter: Literal["full", "none"] = "full"
    max_retry_after: float = 60.0

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {self.max_retries}")
        if self.base_delay < 0 or self.max_delay < 0:
            raise ValueError("base_delay and max_delay must be >= 0")
        if self.jitter not in JITTER_MODES:
            raise ValueError(f"jitter must be one of {JITTER_MODES}, got {self.jitter!r}")

    def backoff(
        self,
        retry: int,
        *,
        retry_after: float | None = None,
        rng: random.Random | None = None,
    ) -> float:
        """Seconds to wait before retry number ``retry`` (0-based).

        A provider's ``retry_after`` within ``max_retry_after`` is the floor: with full jitter
        the wait is ``retry_after`` plus the jittered backoff, so that clients told the same
        instant do not all come back at it; with ``jitter="none"`` it is ``retry_after``.
        """
        cap = min(self.max_delay, self.base_delay * (2.0 ** min(retry, 62)))
        honoured = retry_after is not None and 0 <= retry_after <= self.max_retry_after
        if self.jitter == "none":
            return retry_after if honoured and retry_after is not None else cap
        jittered = (rng or random).uniform(0.0, cap)
        return retry_after + jittered if honoured and retry_after is not None else jittered

    def should_retry(self, error: BaseException, retry: int) -> bool:
        """Whether ``error`` on retry number ``retry`` (0-based) is retried."""
        return retry < self.max_retries and is_retryable(error)


def is_retryable(error: BaseException) -> bool:
    """Timeouts, connection errors, 429, 408/409/5xx and malformed bodies are retryable;
    authentication and other 4xx errors are not."""
    if isinstance(error, AuthenticationError):
        return False
    if isinstance(
        error,
        (RateLimitError, ProviderTimeoutError, ProviderConnectionError, InvalidResponseError),
    ):
        return True
    if isinstance(error, ProviderError):
        code = error.status_code
        return code is not None and (code >= 500 or code in (408, 409))
    return False


def _seconds(value: str) -> float | None:
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    parts = _DURATION.findall(value)  # OpenAI's "6m0s", "1s", "20ms"
    if parts and "".join(n + u for n, u in parts) == value:
        return sum(float(n) * _UNIT[u] for n, u in parts)
    try:  # an HTTP date (Retry-After) or an RFC 3339 time (Anthropic's *-reset)
        when = (
            datetime.fromisoformat(value.replace("Z", "+00:00"))
            if value[:4].isdigit()
            else parsedate_to_datetime(value)
        )
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - time.time())


def retry_after_from_headers(headers: Mapping[str, str]) -> float | None:
    """Seconds a provider asks to wait, from ``retry-after-ms``, ``retry-after``, or the
    rate-limit reset headers; None when it gave no usable advice. Header names are
    case-insensitive."""
    lower = {k.lower(): v for k, v in headers.items()}
    ms = lower.get("retry-after-ms")
    if ms is not None:
        try:
            return max(0.0, float(ms) / 1000.0)
        except ValueError:
            pass
    for name in (
        "retry-after",
        "x-ratelimit-reset-requests",
        "x-ratelimit-reset-tokens",
        "anthropic-ratelimit-requests-reset",
        "anthropic-ratelimit-tokens-reset",
    ):
        value = lower.get(name)
        if value is not None:
            seconds = _seconds(value)
            if seconds is not None:
                return seconds
    return None
