"""Requests-per-minute and tokens-per-minute limits: token buckets on the event loop.

A bucket holds at most ``burst`` seconds' worth of its rate (1 s by default, so that a run does
not send a whole minute's quota in its first second and then stall) and refills continuously.
A request takes one request-token and its estimated tokens (input plus ``max_tokens`` when the
body sets it); when a request needs more tokens than a bucket can ever hold it waits for a full
bucket and takes it all, so a large request is slowed, never refused.

Example::

    >>> import asyncio
    >>> from ferrosynth.runner import RateLimits
    >>> limits = RateLimits(rpm=600)      # 10 requests per second
    >>> asyncio.run(limits.acquire(tokens=0)) is None
    True
"""

from __future__ import annotations

import asyncio
import time

__all__ = ["RateLimits", "TokenBucket"]


class TokenBucket:
    """``rate`` units per second, at most ``capacity`` banked."""

    __slots__ = ("_level", "_lock", "_stamp", "capacity", "rate")

    def __init__(self, per_minute: float, *, burst_seconds: float = 1.0) -> None:
        if per_minute <= 0:
            raise ValueError(f"a per-minute limit must be > 0, got {per_minute}")
        self.rate = per_minute / 60.0
        self.capacity = max(1.0, self.rate * burst_seconds)
        self._level = self.capacity
        self._stamp = time.monotonic()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = time.monotonic()
        self._level = min(self.capacity, self._level + (now - self._stamp) * self.rate)
        self._stamp = now

    async def take(self, amount: float) -> None:
        """Wait until ``amount`` can be taken, then take it (first come, first served)."""
        amount = min(amount, self.capacity)
        async with self._lock:
            self._refill()
            while self._level < amount:
                await asyncio.sleep((amount - self._level) / self.rate)
                self._refill()
            self._level -= amount


class RateLimits:
    """The run's RPM and TPM limits (either may be None: no limit)."""

    def __init__(self, *, rpm: float | None = None, tpm: float | None = None) -> None:
        self.requests = TokenBucket(rpm) if rpm else None
        self.tokens = TokenBucket(tpm) if tpm else None

    @property
    def active(self) -> bool:
        return self.requests is not None or self.tokens is not None

    async def acquire(self, *, tokens: int) -> None:
        if self.requests is not None:
            await self.requests.take(1)
        if self.tokens is not None:
            await self.tokens.take(tokens)
