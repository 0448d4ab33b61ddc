"""The waiting logic of ``monitor_batch``, shared by the sync and the async client."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from ferrosynth.synthgen.exceptions import APIError
from ferrosynth.synthgen.models import Batch, Task, TaskStatus

_FINAL = (TaskStatus.COMPLETED, TaskStatus.FAILED)


@dataclass
class MonitorPlan:
    tasks: Iterable[Task] | None
    batch_id: str
    poll_interval: float
    deadline: float | None

    @classmethod
    def of(
        cls,
        tasks: Iterable[Task] | None,
        batch_id: str | None,
        poll_interval: float,
        timeout: float | None,
    ) -> MonitorPlan:
        if (tasks is None) == (batch_id is None):
            raise ValueError("monitor_batch needs either tasks= or batch_id= (exactly one)")
        if poll_interval < 0:
            raise ValueError(f"poll_interval must be >= 0 seconds, got {poll_interval!r}")
        deadline = None if timeout is None else time.monotonic() + timeout
        return cls(tasks, batch_id or "", poll_interval, deadline)

    @staticmethod
    def finished(batch: Batch | None, total: int) -> bool:
        """Every task is in a final state: the counters say so, or the batch status does (a
        server that counts cached tasks apart from completed ones is covered either way)."""
        if batch is None:
            return False
        return batch.done_tasks >= total or batch.batch_status in _FINAL

    def delay(self, poll: int) -> float:
        """Seconds before poll ``poll + 1``: 50 ms, doubling up to ``poll_interval``, so that a
        small batch is seen done at once and a large one is not polled more than needed."""
        return min(self.poll_interval, 0.05 * 2.0 ** min(poll, 30))

    def check_deadline(self, batch_id: str) -> None:
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise APIError(
                f"batch {batch_id} is not finished after the monitor's timeout; it keeps running "
                "on the server (monitor_batch(batch_id=...) follows it again)"
            )
