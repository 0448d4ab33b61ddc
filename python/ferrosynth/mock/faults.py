"""Fault injection and the hard rate limit: what happens to a request before it is answered."""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass

from ferrosynth.mock.config import FaultKind, MockConfig

__all__ = ["Decision", "FaultPlan", "TokenBucket"]


@dataclass(frozen=True)
class Decision:
    """What to do with one request: a fault (or ``None``) after ``delay`` seconds."""

    fault: FaultKind | None
    delay: float


class FaultPlan:
    """Draws the fault and latency of each request from a stream seeded by the config's seed.

    ``stream`` separates the draws of several worker processes serving one port.
    """

    def __init__(self, config: MockConfig, stream: int = 0) -> None:
        self._config = config
        self._rng = random.Random(config.seed * 1_000_003 + stream)
        self._kinds = config.error_kinds

    def next(self) -> Decision:
        """The decision for the next request."""
        config, rng = self._config, self._rng
        fault: FaultKind | None = None
        if config.error_rate > 0.0 and rng.random() < config.error_rate:
            fault = self._kinds[0] if len(self._kinds) == 1 else rng.choice(self._kinds)
        mean = config.latency_ms / 1000.0
        if mean <= 0.0:
            delay = 0.0
        elif config.latency_distribution == "fixed":
            delay = mean
        elif config.latency_distribution == "uniform":
            delay = rng.uniform(0.0, 2.0 * mean)
        else:
            delay = rng.expovariate(1.0 / mean)
        if fault == "timeout":
            delay = config.hang_s
        return Decision(fault, delay)


class TokenBucket:
    """A hard limit of ``rate`` requests/s with bursts of ``burst`` (monotonic clock)."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)
        self._stamp = time.monotonic()

    def take(self) -> float:
        """0.0 when a request may pass (and it is counted); else seconds until one may."""
        now = time.monotonic()
        self._tokens = min(float(self.burst), self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return 0.0
        return max((1.0 - self._tokens) / self.rate, 1e-3)

    @property
    def remaining(self) -> int:
        """Whole requests left in the bucket now."""
        return math.floor(self._tokens)
