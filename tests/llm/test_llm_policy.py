"""RetryPolicy arithmetic, header parsing, and the AdaptiveLimiter's AIMD."""

from __future__ import annotations

import asyncio
import random
from email.utils import formatdate

import pytest

from ferrosynth.llm import (
    AdaptiveLimiter,
    AuthenticationError,
    InvalidResponseError,
    ProviderError,
    ProviderTimeoutError,
    RateLimitError,
    RetryPolicy,
    is_retryable,
    retry_after_from_headers,
)

WHERE = {"provider": "openai", "url": "http://127.0.0.1:1/v1/chat/completions"}


def test_full_jitter_stays_under_the_exponential_cap() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=4.0)
    rng = random.Random(1)
    for retry in range(8):
        cap = min(4.0, 0.5 * 2**retry)
        draws = [policy.backoff(retry, rng=rng) for _ in range(200)]
        assert all(0.0 <= d <= cap for d in draws)
        assert max(draws) > cap * 0.8  # it really spreads up to the cap


def test_retry_after_wins_unless_beyond_the_bound() -> None:
    policy = RetryPolicy(jitter="none", base_delay=1.0, max_retry_after=10.0)
    assert policy.backoff(3, retry_after=7.0) == 7.0
    assert policy.backoff(0, retry_after=3600.0) == 1.0


def test_retry_after_is_a_floor_with_jitter_on_top() -> None:
    policy = RetryPolicy(base_delay=0.1, max_delay=1.0)
    rng = random.Random(3)
    draws = [policy.backoff(2, retry_after=0.5, rng=rng) for _ in range(200)]
    assert all(0.5 <= d <= 0.5 + 0.4 for d in draws)
    assert len(set(draws)) == 200  # spread: not everyone back at the same instant


def test_policy_validates_its_fields() -> None:
    with pytest.raises(ValueError, match="jitter"):
        RetryPolicy(jitter="half")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(max_retries=-1)


def test_what_is_retried() -> None:
    assert is_retryable(RateLimitError("x", status_code=429, **WHERE))
    assert is_retryable(ProviderTimeoutError("x", **WHERE))
    assert is_retryable(InvalidResponseError("x", status_code=200, **WHERE))
    assert is_retryable(ProviderError("x", status_code=503, **WHERE))
    assert is_retryable(ProviderError("x", status_code=408, **WHERE))
    assert not is_retryable(AuthenticationError("x", status_code=401, **WHERE))
    assert not is_retryable(ProviderError("x", status_code=400, **WHERE))
    assert not is_retryable(ProviderError("x", status_code=404, **WHERE))
    assert not is_retryable(ValueError("x"))
    policy = RetryPolicy(max_retries=2)
    error = ProviderError("x", status_code=500, **WHERE)
    assert policy.should_retry(error, 1)
    assert not policy.should_retry(error, 2)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "3"}, 3.0),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"x-ratelimit-reset-requests": "6m0s"}, 360.0),
        ({"x-ratelimit-reset-tokens": "20ms"}, 0.02),
        ({"Retry-After": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_headers(headers: dict[str, str], expected: float | None) -> None:
    assert retry_after_from_headers(headers) == expected


def test_retry_after_as_an_http_date_and_an_rfc3339_time() -> None:
    import time
    from datetime import datetime, timezone

    date = formatdate(time.time() + 30, usegmt=True)
    seconds = retry_after_from_headers({"Retry-After": date})
    assert seconds is not None
    assert 25 <= seconds <= 31
    iso = datetime.fromtimestamp(time.time() + 30, tz=timezone.utc).isoformat()
    seconds = retry_after_from_headers({"anthropic-ratelimit-requests-reset": iso})
    assert seconds is not None
    assert 25 <= seconds <= 31


def test_limiter_cuts_once_per_window_and_grows_back() -> None:
    async def main() -> None:
        limiter = AdaptiveLimiter(initial=8, min_limit=1, max_limit=16)
        slots = [await limiter.acquire() for _ in range(8)]
        assert limiter.in_flight == 8
        for slot in slots:  # one congestion event: 8 requests that were in flight together
            slot.overloaded()
            limiter.release(slot)
        assert limiter.limit == 4
        for _ in range(4):  # a window of successes adds one slot
            async with limiter.slot():
                pass
        assert limiter.limit == 5
        with pytest.raises(RateLimitError):
            async with limiter.slot():
                raise RateLimitError("x", status_code=429, **WHERE)
        assert limiter.limit == 2

    asyncio.run(main())


def test_limiter_bounds_concurrency() -> None:
    async def main() -> int:
        limiter = AdaptiveLimiter(initial=3, max_limit=3)
        in_flight = 0
        peak = 0

        async def work() -> None:
            nonlocal in_flight, peak
            async with limiter.slot():
                in_flight += 1
                peak = max(peak, in_flight)
                await asyncio.sleep(0.001)
                in_flight -= 1

        await asyncio.gather(*(work() for _ in range(50)))
        assert limiter.in_flight == 0
        assert limiter.peak_in_flight == 3
        return peak

    assert asyncio.run(main()) == 3


def test_overload_signals() -> None:
    from ferrosynth.llm.limiter import is_overload

    assert is_overload(RateLimitError("x", status_code=429, **WHERE))
    assert is_overload(ProviderError("x", status_code=503, **WHERE))
    assert is_overload(ProviderError("x", status_code=529, **WHERE))
    assert not is_overload(ProviderError("x", status_code=500, **WHERE))
    assert not is_overload(ProviderTimeoutError("x", **WHERE))


def test_limiter_validates() -> None:
    with pytest.raises(ValueError, match="min_limit"):
        AdaptiveLimiter(initial=0)
    with pytest.raises(ValueError, match="backoff"):
        AdaptiveLimiter(backoff=1.5)
