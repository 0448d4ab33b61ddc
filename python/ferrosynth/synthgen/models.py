"""The Synthgen API's data: the task you submit (:class:`Task`) and the answers the server sends.

Names and fields follow ``synthgen-client`` 0.0.7 (``from synthgen.models import Task, TaskStatus``
becomes ``from ferrosynth.synthgen.models import ...``); the wire format is the one in
``specs/synthgen-api.md``. Answers ignore keys they do not know, so a newer server stays readable.

Example::

    >>> from ferrosynth.synthgen.models import Task, TaskStatus
    >>> t = Task(url="http://127.0.0.1:8001/v1/chat/completions", body={"model": "m"})
    >>> (t.method, t.use_cache, t.track_progress, TaskStatus("FAILED") is TaskStatus.FAILED)
    ('POST', True, True, True)
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Batch",
    "BatchList",
    "BulkTaskResponse",
    "CalendarInterval",
    "HealthResponse",
    "HealthStatus",
    "ServiceStatus",
    "StatsSummary",
    "Task",
    "TaskResponse",
    "TaskStatsResponse",
    "TaskStatus",
    "TimeSeriesDataPoint",
    "UsageStatsResponse",
]


class _StrEnum(str, Enum):
    """A string enum that prints as its value (``f"{TaskStatus.FAILED}"`` is ``FAILED``)."""

    def __str__(self) -> str:
        return str(self.value)


class TaskStatus(_StrEnum):
    """Where a task (or a batch, by aggregation) is: the four states of the API, upper case."""

    PENDING = "PENDING"
    PROCESSING = "PROCESSING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class HealthStatus(_StrEnum):
    """The health of one component."""

    HEALTHY = "healthy"
    UNHEALTHY = "unhealthy"


class CalendarInterval(_StrEnum):
    """The bucket size of :meth:`~ferrosynth.synthgen.SynthgenClient.get_batch_stats` (calendar
    intervals: a month is a calendar month). Case matters: ``1M`` is a month, ``1m`` a minute."""

    MINUTE = "minute"
    MINUTE_SHORT = "1m"
    HOUR = "hour"
    HOUR_SHORT = "1h"
    DAY = "day"
    DAY_SHORT = "1d"
    WEEK = "week"
    WEEK_SHORT = "1w"
    MONTH = "month"
    MONTH_SHORT = "1M"
    QUARTER = "quarter"
    QUARTER_SHORT = "1q"
    YEAR = "year"
    YEAR_SHORT = "1y"


class Task(BaseModel):
    """One request for the server to send to an LLM provider (a line of the upload).

    ``url`` is the provider endpoint (e.g. ``.../v1/chat/completions``), ``body`` the request sent
    to it as is, ``api_key`` the provider's key (sent by the server as a Bearer token; never shown
    in ``repr``). ``use_cache`` lets the server reuse an earlier answer to the same body;
    ``track_progress`` makes it record the PROCESSING state. Unknown keywords are an error, so a
    misspelt flag does not silently fall back to its default.
    """

    model_config = ConfigDict(extra="forbid")

    url: str
    body: dict[str, Any]
    api_key: str | None = Field(default=None, repr=False)
    custom_id: str | None = None
    method: str = "POST"
    dataset: str | None = None
    source: dict[str, Any] | None = None
    use_cache: bool = True
    track_progress: bool = True


class BulkTaskResponse(BaseModel):
    """What :meth:`create_batch` returns: the batch id and the number of tasks the server took."""

    batch_id: str
    total_tasks: int


class TaskResponse(BaseModel):
    """A task as the server keeps it: its state, the submitted ``body`` and, once done, the
    provider's answer in ``completions`` (``{"error": ...}`` when it failed). ``duration`` is in
    milliseconds."""

    message_id: str
    batch_id: str | None = None
    custom_id: str | None = None
    status: TaskStatus
    body: dict[str, Any] | None = None
    cached: bool = False
    created_at: datetime
    started_at: datetime | None = None
    completed_at: datetime | None = None
    duration: int | None = None
    dataset: str | None = None
    source: dict[str, Any] | None = None
    completions: dict[str, Any] | None = None

    @property
    def content(self) -> str | None:
        """The text of the first choice of an OpenAI-style answer, or ``None``."""
        try:
            value = (self.completions or {})["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            return None
        return value if isinstance(value, str) else None


class Batch(BaseModel):
    """A batch's counters, times and token sums (token sums leave out cached tasks).

    ``completed_tasks`` counts fresh completions only; cached ones are in ``cached_tasks``.
    ``duration`` is in seconds.
    """

    batch_id: str
    batch_status: TaskStatus
    total_tasks: int
    completed_tasks: int
    failed_tasks: int
    pending_tasks: int
    processing_tasks: int
    cached_tasks: int
    created_at: datetime
    started_at: datetime | None = None
    completed_at: datetime | None = None
    duration: int | None = None
    total_tokens: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def done_tasks(self) -> int:
        """Tasks in a final state (completed, cached or failed)."""
        return self.completed_tasks + self.cached_tasks + self.failed_tasks


class BatchList(BaseModel):
    """Every batch on the server, newest first."""

    total: int
    batches: list[Batch]


class ServiceStatus(BaseModel):
    """The components behind the API (a server without RabbitMQ or Elasticsearch reports its own
    worker pool and store under those names)."""

    api: HealthStatus = HealthStatus.HEALTHY
    rabbitmq: HealthStatus = HealthStatus.UNHEALTHY
    elasticsearch: HealthStatus = HealthStatus.UNHEALTHY
    task_queue_consumers: int = 0
    task_queue_messages: int = 0
    batch_queue_consumers: int = 0
    batch_queue_messages: int = 0

    @property
    def queue_consumers(self) -> int:
        """Workers consuming the queues (task and batch queues together), as the README reads it."""
        return self.task_queue_consumers + self.batch_queue_consumers

    @property
    def queue_messages(self) -> int:
        """Messages waiting in the queues (task and batch queues together)."""
        return self.task_queue_messages + self.batch_queue_messages


class HealthResponse(BaseModel):
    """The answer of ``GET /health``."""

    status: HealthStatus
    services: ServiceStatus
    error: str | None = None


class TimeSeriesDataPoint(BaseModel):
    """One time bucket of :meth:`get_batch_stats` (``timestamp``: ``YYYY-MM-DD HH:MM:SS`` UTC)."""

    timestamp: str
    total_tasks: int
    completed_tasks: int
    failed_tasks: int
    cached_tasks: int
    total_tokens: int
    prompt_tokens: int
    completion_tokens: int
    avg_duration_ms: int
    tokens_per_second: float


class StatsSummary(BaseModel):
    """The window's totals; ``cache_hit_rate`` is a fraction from 0 to 1 (the server sends a
    percentage, the client divides it by 100 so that ``f"{rate:.2%}"`` prints what it says)."""

    total_tasks: int
    completed_tasks: int
    failed_tasks: int
    cached_tasks: int
    total_tokens: int
    completion_tokens: int
    average_response_time: int
    tokens_per_second: float
    cache_hit_rate: float


class UsageStatsResponse(BaseModel):
    """Time-bucketed statistics of one batch."""

    time_range: str
    interval: str
    current_time: str
    time_series: list[TimeSeriesDataPoint]
    summary: StatsSummary


class TaskStatsResponse(BaseModel):
    """Counters over every task on the server (token sums include cached tasks)."""

    total_tasks: int
    completed_tasks: int
    failed_tasks: int
    cached_tasks: int
    processing_tasks: int
    pending_tasks: int
    total_tokens: int
    prompt_tokens: int
    completion_tokens: int
