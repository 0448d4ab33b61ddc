"""Adaptive concurrency: find a provider's real limit instead of hammering it.

:class:`AdaptiveLimiter` bounds the requests in flight with a limit that moves by AIMD, the rule
TCP congestion control uses: every ``limit`` successes add one slot (additive increase, about one
per round trip of the whole window), and an overload signal (HTTP 429, 503 or 529) multiplies the
limit by ``backoff`` (multiplicative decrease). Only one cut happens per window: overloads of
requests that started before the last cut are the same congestion event, not a new one.

One limiter belongs to one event loop (asyncio); share it between the coroutines of a batch.

Example::

    >>> import asyncio
    >>> from ferrosynth.llm import AdaptiveLimiter
    >>> async def main():
    ...     limiter = AdaptiveLimiter(initial=4, min_limit=1, max_limit=8)
    ...     async with limiter.slot() as slot:
    ...         slot.overloaded()       # the provider answered 429
    ...     return limiter.limit
    >>> asyncio.run(main())
    2
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Literal

from ferrosynth.llm.errors import ProviderError, RateLimitError

__all__ = ["AdaptiveLimiter", "Outcome", "Slot"]

#: How a request that held a slot ended: ``overload`` cuts the limit, ``success`` grows it,
#: ``error`` (any other failure) leaves it.
Outcome = Literal["success", "overload", "error"]
OUTCOMES = ("success", "overload", "error")


class Slot:
    """One acquired slot; mark how the request ended before it is released."""

    __slots__ = ("outcome", "ticket")

    def __init__(self, ticket: int) -> None:
        self.ticket = ticket
        self.outcome: Outcome = "success"

    def overloaded(self) -> None:
        """The request was refused for load (429/503): the limit will be cut."""
        self.outcome = "overload"

    def failed(self) -> None:
        """The request failed for another reason: the limit stays."""
        self.outcome = "error"


def is_overload(error: BaseException) -> bool:
    """HTTP 429, 503 and 529 (Anthropic's "overloaded") are overload signals."""
    return isinstance(error, RateLimitError) or (
        isinstance(error, ProviderError) and error.status_code in (503, 529)
    )


class AdaptiveLimiter:
    """A concurrency limit that adapts: cut on 429/503, grow on success (AIMD).

    ``limit`` starts at ``initial`` and stays within ``[min_limit, max_limit]``; ``in_flight``
    counts held slots and ``peak_in_flight`` the most ever held at once.
    """

    def __init__(
        self,
        initial: int = 16,
        *,
        min_limit: int = 1,
        max_limit: int = 1024,
        backoff: float = 0.5,
    ) -> None:
        if not 1 <= min_limit <= initial <= max_limit:
            raise ValueError(
                f"need 1 <= min_limit <= initial <= max_limit, got {min_limit}, {initial}, "
                f"{max_limit}"
            )
        if not 0.0 < backoff < 1.0:
            raise ValueError(f"backoff must be in (0, 1), got {backoff}")
        self.min_limit = min_limit
        self.max_limit = max_limit
        self.backoff = backoff
        self._limit = float(initial)
        self._in_flight = 0
        self.peak_in_flight = 0
        self._ticket = 0
        self._last_cut = -1
        self._successes = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def limit(self) -> int:
        """The current concurrency limit."""
        return int(self._limit)

    @property
    def in_flight(self) -> int:
        """Slots held now."""
        return self._in_flight

    async def acquire(self) -> Slot:
        """Wait for a free slot and take it (first come, first served)."""
        if self._in_flight < int(self._limit) and not self._waiters:
            self._in_flight += 1
        else:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter  # the releaser counted our slot in `_in_flight` already
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    self._in_flight -= 1  # granted and cancelled at once: pass the slot on
                    self._wake()
                raise
        self.peak_in_flight = max(self.peak_in_flight, self._in_flight)
        self._ticket += 1
        return Slot(self._ticket)

    def release(self, slot: Slot) -> None:
        """Give the slot back and adapt the limit to its outcome."""
        if slot.outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}, got {slot.outcome!r}")
        self._in_flight -= 1
        if slot.outcome == "overload":
            if slot.ticket > self._last_cut:
                self._limit = max(float(self.min_limit), self._limit * self.backoff)
                self._last_cut = self._ticket
                self._successes = 0
        elif slot.outcome == "success":
            self._successes += 1
            if self._successes >= int(self._limit):
                self._successes = 0
                self._limit = min(float(self.max_limit), self._limit + 1.0)
        self._wake()

    def _wake(self) -> None:
        while self._waiters and self._in_flight < int(self._limit):
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                self._in_flight += 1

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[Slot]:
        """``async with limiter.slot() as slot:`` — an exception marks the outcome itself
        (overload for 429/503, error otherwise)."""
        slot = await self.acquire()
        try:
            yield slot
        except BaseException as error:
            if slot.outcome == "success":
                slot.outcome = "overload" if is_overload(error) else "error"
            raise
        finally:
            self.release(slot)

    def __repr__(self) -> str:
        return f"AdaptiveLimiter(limit={self.limit}, in_flight={self.in_flight})"
