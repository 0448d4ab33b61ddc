"""What a run reports while it goes and when it ends.

The runner calls a progress callback with a :class:`RunProgress` snapshot a few times a second
and once at the end; the CLI draws it with rich, a library user can log or chart it. A request
counts as ``done`` only once its answer is durable in the output.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

__all__ = ["RunProgress", "RunSummary", "StopReason", "usd"]

#: Why a run ended: everything was answered; every request was sent but some failed for now
#: (retryable errors once the retries ran out: not written, a rerun sends them again); the
#: budget would have been crossed; or it was interrupted (Ctrl-C / SIGTERM).
StopReason = Literal["complete", "incomplete", "budget", "interrupted"]


@dataclass(frozen=True, slots=True)
class RunProgress:
    """A snapshot of a run.

    Counts are of this run except ``previously_done`` (answers found in the output from earlier
    runs) and ``spent_usd`` (the whole output's spend, earlier runs included).
    ``projected_usd`` is the spend at completion, extrapolated from the cost per answer so far.
    """

    total: int  # requests in the input (None-free: 0 when the input is not counted)
    previously_done: int
    done: int
    failed: int
    cached: int
    deferred: int  # failed for now (429, 5xx, timeout, connection): no line, sent again on rerun
    in_flight: int
    concurrency_limit: int
    elapsed_s: float
    requests_per_s: float
    tokens_per_s: float
    input_tokens: int
    output_tokens: int
    spent_usd: Decimal
    projected_usd: Decimal | None
    eta_s: float | None

    @property
    def remaining(self) -> int:
        finished = self.previously_done + self.done + self.failed + self.cached
        return max(0, self.total - finished)


@dataclass(frozen=True, slots=True)
class RunSummary:
    """The end of a run: its last :class:`RunProgress`, why it stopped, and where it wrote."""

    progress: RunProgress
    stopped: StopReason
    output: str
    output_lines: int

    def line(self) -> str:
        """The one-line summary the CLI prints."""
        p = self.progress
        spend = usd(p.spent_usd)
        text = (
            f"{self.stopped}: {p.done} answered, {p.failed} failed, {p.cached} cached"
            f" ({p.previously_done} from earlier runs)"
            + (f", {p.deferred} failed for now" if p.deferred else "")
            + f" in {p.elapsed_s:.1f} s"
            f" ({p.requests_per_s:.0f} req/s); {p.input_tokens + p.output_tokens} tokens;"
            f" spent {spend} in total; {self.output_lines} lines in {self.output}"
        )
        if self.stopped != "complete":
            text += f"; {p.remaining} requests left: run the same command again to resume"
            if p.deferred:
                text += " (and retry those that failed for now)"
        return text


def usd(amount: Decimal | None) -> str:
    """Dollars for people: cents and more above $1, micro-dollars below."""
    if amount is None:
        return "unknown"
    return f"${amount:.4f}" if abs(amount) >= 1 else f"${amount:.6f}"


class Meter:
    """Counts of a run, turned into :class:`RunProgress` snapshots."""

    def __init__(self, total: int, previously_done: int, spent_before: Decimal) -> None:
        self.total = total
        self.previously_done = previously_done
        self.spent_before = spent_before
        self.started = time.monotonic()
        self.done = 0
        self.failed = 0
        self.cached = 0
        self.deferred = 0
        self.spent = Decimal(0)
        self.input_tokens = 0
        self.output_tokens = 0

    def snapshot(self, *, in_flight: int, limit: int) -> RunProgress:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        finished = self.done + self.failed + self.cached
        rate = finished / elapsed
        remaining = max(0, self.total - self.previously_done - finished)
        projected: Decimal | None = None
        if self.done:
            projected = self.spent_before + self.spent / self.done * (self.done + remaining)
        elif remaining == 0:
            projected = self.spent_before
        return RunProgress(
            total=self.total,
            previously_done=self.previously_done,
            done=self.done,
            failed=self.failed,
            cached=self.cached,
            deferred=self.deferred,
            in_flight=in_flight,
            concurrency_limit=limit,
            elapsed_s=elapsed,
            requests_per_s=rate,
            tokens_per_s=(self.input_tokens + self.output_tokens) / elapsed,
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            spent_usd=self.spent_before + self.spent,
            projected_usd=projected,
            eta_s=remaining / rate if rate > 0 else None,
        )
