"""The mock endpoint's settings: seed, latency and the faults it injects."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal, get_args

from ferrosynth.errors import ConfigError

__all__ = ["FAULT_KINDS", "LATENCY_DISTRIBUTIONS", "FaultKind", "LatencyDistribution", "MockConfig"]

#: What an injected fault does to a request:
#: ``"429"`` rate-limit answer with ``Retry-After``; ``"500"``/``"503"`` server errors in the
#: provider's error shape; ``"timeout"`` holds the request ``hang_s`` seconds, then closes the
#: connection without an answer; ``"malformed"`` answers 200 with truncated JSON;
#: ``"disconnect"`` closes the connection at once without an answer.
FaultKind = Literal["429", "500", "503", "timeout", "malformed", "disconnect"]
FAULT_KINDS: tuple[FaultKind, ...] = get_args(FaultKind)

#: How the latency of each answer is drawn around ``latency_ms``: always exactly the mean
#: (``"fixed"``), uniform on ``[0, 2*mean]``, or exponential with that mean (a long tail).
LatencyDistribution = Literal["fixed", "uniform", "exponential"]
LATENCY_DISTRIBUTIONS: tuple[LatencyDistribution, ...] = get_args(LatencyDistribution)


@dataclass(frozen=True)
class MockConfig:
    """Settings of one mock endpoint; every field is checked when the object is built.

    ``seed`` makes the answers: an answer is a pure function of ``(seed, request body)``.
    Faults and latency are drawn from their own stream (also seeded by ``seed``), one draw per
    request in the order the server receives them.
    """

    seed: int = 0
    latency_ms: float = 0.0
    latency_distribution: LatencyDistribution = "fixed"
    error_rate: float = 0.0
    error_kinds: tuple[FaultKind, ...] = ("429", "500")
    retry_after_s: float = 1.0
    hang_s: float = 30.0
    rate_limit: float | None = None
    rate_limit_burst: int | None = None
    api_key: str | None = field(default=None, repr=False)
    stream_chunk_delay_ms: float = 0.0
    cache_size: int = 4096

    def __post_init__(self) -> None:
        if not isinstance(self.seed, int) or isinstance(self.seed, bool):
            raise ConfigError(f"seed must be an int, got {self.seed!r}", "seed")
        _non_negative(self.latency_ms, "latency_ms")
        _non_negative(self.retry_after_s, "retry_after_s")
        _non_negative(self.hang_s, "hang_s")
        _non_negative(self.stream_chunk_delay_ms, "stream_chunk_delay_ms")
        if self.latency_distribution not in LATENCY_DISTRIBUTIONS:
            raise ConfigError(
                f"unknown latency_distribution {self.latency_distribution!r}; expected one of "
                + ", ".join(LATENCY_DISTRIBUTIONS),
                "latency_distribution",
            )
        if not 0.0 <= self.error_rate <= 1.0:
            raise ConfigError(f"error_rate must be in [0, 1], got {self.error_rate}", "error_rate")
        if not self.error_kinds:
            raise ConfigError("error_kinds must name at least one fault", "error_kinds")
        for kind in self.error_kinds:
            if kind not in FAULT_KINDS:
                raise ConfigError(
                    f"unknown fault kind {kind!r}; expected one of " + ", ".join(FAULT_KINDS),
                    "error_kinds",
                )
        if self.rate_limit is not None and not (
            math.isfinite(self.rate_limit) and self.rate_limit > 0
        ):
            raise ConfigError(
                f"rate_limit must be > 0 requests/s, got {self.rate_limit}", "rate_limit"
            )
        if self.rate_limit_burst is not None and self.rate_limit_burst < 1:
            raise ConfigError(
                f"rate_limit_burst must be >= 1, got {self.rate_limit_burst}", "rate_limit_burst"
            )
        if self.cache_size < 0:
            raise ConfigError(f"cache_size must be >= 0, got {self.cache_size}", "cache_size")

    @property
    def burst(self) -> int:
        """Requests the rate limit lets through at once (default: one second's worth)."""
        if self.rate_limit_burst is not None:
            return self.rate_limit_burst
        return max(1, math.ceil(self.rate_limit or 1))


def _non_negative(value: float, name: str) -> None:
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
        raise ConfigError(f"{name} must be a finite number >= 0, got {value!r}", name)
