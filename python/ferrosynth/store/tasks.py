"""The task store of the Synthgen-compatible server: records, and the protocol both stores follow.

A task is one provider request of a batch. Its life: ``PENDING`` -> (``PROCESSING``) ->
``COMPLETED`` or ``FAILED``, never changing once terminal. A worker *claims* tasks (the store
marks them with the worker's id in the same transaction that selects them, so no two workers get
the same task), calls the provider, and *finishes* them. A worker that stops sending heartbeats
loses its claims, and its tasks go back to the queue: a crash at any moment loses nothing, and an
answer that is stored is never requested again.

Two implementations share one SQL core (:mod:`ferrosynth.store.sql_tasks`):
:class:`~ferrosynth.store.sqlite_tasks.SQLiteTaskStore` (one file, WAL) and
:class:`~ferrosynth.store.postgres.PostgresTaskStore` (``FOR UPDATE SKIP LOCKED`` claims).
:func:`open_task_store` picks one from a URL.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple, Protocol

from ferrosynth.store.errors import StoreURLError

__all__ = [
    "TERMINAL",
    "BatchRow",
    "ClaimedTask",
    "Ingest",
    "NewTask",
    "StatsRow",
    "TaskOutcome",
    "TaskRow",
    "TaskStatus",
    "TaskStore",
    "TotalsRow",
    "open_task_store",
]

TaskStatus = Literal["PENDING", "PROCESSING", "COMPLETED", "FAILED"]
TERMINAL: tuple[TaskStatus, ...] = ("COMPLETED", "FAILED")


class NewTask(NamedTuple):
    """One accepted upload line, ready to insert (``body``/``source`` are JSON text).

    A named tuple: an upload builds one per line, and a tuple is the cheapest record to build.
    """

    message_id: str
    custom_id: str | None
    url: str
    method: str
    body: str
    cache_key: str
    use_cache: bool
    track_progress: bool
    dataset: str | None
    source: str | None
    cred_id: str | None


class ClaimedTask(NamedTuple):
    """A task a worker now owns: what it needs to make the provider call.

    A named tuple, like the other per-task records: a frozen dataclass costs several times as
    much to build, and a worker builds one per task.
    """

    seq: int
    message_id: str
    batch_id: str
    url: str
    body: str
    cache_key: str
    use_cache: bool
    cred_id: str | None
    secret: bytes | None
    started_at: float


class TaskOutcome(NamedTuple):
    """The terminal state a worker writes for a claimed task (a named tuple: one per task)."""

    seq: int
    status: Literal["COMPLETED", "FAILED"]
    completions: str
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    completed_at: float
    duration_ms: int
    cached: bool = False


class TaskRow(NamedTuple):
    """A task as the API shows it (``body``, ``completions``, ``source`` are JSON text).

    A named tuple, built straight from the database row (an export makes millions of them);
    ``cached`` is 0/1 as stored.
    """

    message_id: str
    batch_id: str
    custom_id: str | None
    status: TaskStatus
    body: str
    completions: str | None
    cached: int
    created_at: float
    started_at: float | None
    completed_at: float | None
    duration_ms: int | None
    dataset: str | None
    source: str | None


@dataclass(frozen=True, slots=True)
class BatchRow:
    """The aggregate of one batch's tasks (see the contract's §6.2)."""

    batch_id: str
    total: int
    completed_fresh: int
    completed_all: int
    failed: int
    processing: int
    cached: int
    created_at: float
    started_at: float | None
    completed_at: float | None
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


@dataclass(frozen=True, slots=True)
class StatsRow:
    """One finished task inside a stats window."""

    completed_at: float
    status: TaskStatus
    cached: bool
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    duration_ms: int | None


@dataclass(frozen=True, slots=True)
class TotalsRow:
    """Counters over every task in the store."""

    total: int
    completed_fresh: int
    failed: int
    cached: int
    processing: int
    pending: int
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class Ingest(Protocol):
    """One upload's transaction: tasks added in chunks, visible only after :meth:`commit`."""

    def add(self, tasks: Sequence[NewTask], credentials: Sequence[tuple[str, bytes]]) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class TaskStore(Protocol):
    """What the server needs from a store. Every method is blocking and thread-safe."""

    url_for_display: str

    def begin_ingest(self, batch_id: str) -> Ingest: ...

    # workers
    def heartbeat(self, worker_id: str) -> None: ...
    def release_stale(self, ttl_s: float) -> int: ...
    def unregister(self, worker_id: str) -> None: ...
    def claim(self, worker_id: str, limit: int) -> list[ClaimedTask]: ...
    def finish(self, worker_id: str, outcomes: Sequence[TaskOutcome]) -> int: ...
    def owned(self, worker_id: str) -> set[int]: ...
    def collect_credentials(self, older_than_s: float) -> int: ...

    # reads
    def batch(self, batch_id: str) -> BatchRow | None: ...
    def batches(self) -> list[BatchRow]: ...
    def export(
        self, batch_id: str, status: TaskStatus | None, chunk: int
    ) -> Iterator[list[TaskRow]]: ...
    def count_tasks(self, batch_id: str, status: TaskStatus | None) -> int: ...
    def page(self, batch_id: str, status: TaskStatus, offset: int, limit: int) -> list[TaskRow]: ...
    def task(self, message_id: str) -> TaskRow | None: ...
    def stats_rows(self, batch_id: str, since: float, until: float) -> list[StatsRow]: ...
    def totals(self) -> TotalsRow: ...
    def queue_depth(self) -> int: ...
    def live_workers(self, ttl_s: float) -> int: ...

    # deletes
    def delete_batch(self, batch_id: str) -> int: ...
    def delete_task(self, message_id: str) -> bool: ...

    def close(self) -> None: ...


def open_task_store(url: str) -> TaskStore:
    """A store from a URL: ``sqlite:///path/to/file.db`` (or a bare path), or ``postgresql://...``.

    The schema is created or migrated on open.
    """
    if url.startswith(("postgresql://", "postgres://")):
        from ferrosynth.store.postgres import PostgresTaskStore

        return PostgresTaskStore(url)
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
    elif url.startswith("sqlite://"):
        raise StoreURLError(f"bad store URL {url!r}: a SQLite URL is sqlite:///path/to/file.db")
    elif "://" in url:
        raise StoreURLError(
            f"bad store URL {url!r}: expected sqlite:///path/to/file.db, a file path, "
            "or postgresql://user@host:port/dbname"
        )
    else:
        path = url
    from ferrosynth.store.sqlite_tasks import SQLiteTaskStore

    return SQLiteTaskStore(path)
