"""The synchronous Synthgen client (:class:`SynthgenClient`), on one :class:`httpx.Client`.

Example (against a running server; see ``docs/synthgen-client.md``)::

    from ferrosynth.synthgen import SynthgenClient
    from ferrosynth.synthgen.models import Task

    with SynthgenClient(base_url="http://localhost:8000", api_key="key") as client:
        results = client.monitor_batch(tasks=[Task(url=..., body={...})])
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import os
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from ferrosynth.synthgen import _protocol as p
from ferrosynth.synthgen._config import resolve_config
from ferrosynth.synthgen._display import MonitorDisplay
from ferrosynth.synthgen._monitor import MonitorPlan
from ferrosynth.synthgen._retry import RetryPolicy, retry_after, retryable_error, retryable_status
from ferrosynth.synthgen.exceptions import APIError, SynthgenError
from ferrosynth.synthgen.models import (
    Batch,
    BatchList,
    BulkTaskResponse,
    CalendarInterval,
    HealthResponse,
    Task,
    TaskResponse,
    TaskStatsResponse,
    TaskStatus,
    UsageStatsResponse,
)

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["SynthgenClient"]

log = logging.getLogger("ferrosynth.synthgen")


class SynthgenClient:
    """A client of a Synthgen-compatible batch server (``ferrosynth server`` or any other).

    Settings come from the arguments, then ``SYNTHGEN_BASE_URL`` / ``SYNTHGEN_API_KEY``, then the
    JSON ``config_file`` (keys ``base_url``, ``api_key``, ``timeout``, ``max_retries``).
    ``timeout`` is in seconds, per network operation. Transient failures (connection errors,
    timeouts, 408, 429, 5xx) are retried ``max_retries`` times with exponential backoff and
    jitter (``retry`` sets the delays); any other error answer raises
    :class:`~ferrosynth.synthgen.exceptions.APIError` at once.
    """

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float | None = None,
        config_file: str | os.PathLike[str] | None = None,
        *,
        max_retries: int | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        if retry is not None and max_retries is None:
            max_retries = retry.max_retries
        cfg = resolve_config(base_url, api_key, timeout, max_retries, config_file)
        base = retry or RetryPolicy()
        self.base_url = cfg.base_url
        self.timeout = cfg.timeout
        self.retry = dataclasses.replace(base, max_retries=cfg.max_retries)
        headers = {"Accept": "application/json", "User-Agent": "ferrosynth-synthgen"}
        if cfg.api_key:
            headers["Authorization"] = f"Bearer {cfg.api_key}"
        self._http = httpx.Client(base_url=cfg.base_url, timeout=cfg.timeout, headers=headers)

    def __repr__(self) -> str:
        return f"SynthgenClient(base_url={self.base_url!r})"

    # -- lifecycle --------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connections; the client cannot be used afterwards."""
        self._http.close()

    def __enter__(self) -> SynthgenClient:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- transport --------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
        stream: bool = False,
    ) -> httpx.Response:
        """One call with the retry policy; returns a 2xx answer (unread if ``stream``)."""
        if self._http.is_closed:
            raise SynthgenError("the SynthgenClient is closed")
        idempotent = method != "POST"
        attempt = 0
        while True:
            request = self._http.build_request(method, path, params=params, files=files)
            try:
                response = self._http.send(request, stream=stream)
            except httpx.TransportError as e:
                if attempt >= self.retry.max_retries or not retryable_error(
                    e, idempotent=idempotent
                ):
                    raise p.unreachable(method, path, self.base_url, e, attempt + 1) from e
                wait = self.retry.backoff(attempt)
                log.info(
                    "%s %s: %s; retry %d in %.2fs",
                    method,
                    path,
                    type(e).__name__,
                    attempt + 1,
                    wait,
                )
            else:
                if response.is_success:
                    return response
                response.read()
                response.close()
                if attempt >= self.retry.max_retries or not retryable_status(
                    response.status_code, idempotent=idempotent
                ):
                    raise p.error_from_response(method, path, response)
                wait = self.retry.backoff(attempt, retry_after=retry_after(response))
                log.info(
                    "%s %s: HTTP %d; retry %d in %.2fs",
                    method,
                    path,
                    response.status_code,
                    attempt + 1,
                    wait,
                )
            time.sleep(wait)
            attempt += 1

    def _json(
        self, method: str, path: str, params: dict[str, str] | None = None
    ) -> tuple[Any, httpx.Response]:
        response = self._send(method, path, params=params)
        return p.json_body(method, path, response), response

    # -- tasks ------------------------------------------------------------------------------

    def get_task(self, message_id: str) -> TaskResponse:
        """A task by its ``message_id``; an unknown id raises :class:`APIError` with status 404."""
        path = f"{p.TASKS}/{message_id}"
        data, response = self._json("GET", path)
        if data is None:
            raise APIError(f"GET {path}: task {message_id!r} not found", 404, response)
        return p.to_model(TaskResponse, data, "GET", path, response)

    def delete_task(self, message_id: str) -> None:
        """Delete a task; an unknown id raises :class:`APIError` with status 404."""
        self._send("DELETE", f"{p.TASKS}/{message_id}")

    def get_task_stats(self) -> TaskStatsResponse:
        """Counters over every task on the server."""
        path = f"{p.TASKS}/stats"
        data, response = self._json("GET", path)
        return p.to_model(TaskStatsResponse, data, "GET", path, response)

    # -- batches ----------------------------------------------------------------------------

    def get_batches(self) -> BatchList:
        """Every batch, newest first."""
        data, response = self._json("GET", p.BATCHES)
        return p.to_model(BatchList, data, "GET", p.BATCHES, response)

    def get_batch(self, batch_id: str) -> Batch | None:
        """A batch's counters, or ``None`` if the server knows no batch of that id."""
        path = f"{p.BATCHES}/{batch_id}"
        data, response = self._json("GET", path)
        return None if data is None else p.to_model(Batch, data, "GET", path, response)

    def delete_batch(self, batch_id: str) -> None:
        """Delete a batch and all its tasks (no error if it does not exist)."""
        self._send("DELETE", f"{p.BATCHES}/{batch_id}")

    def create_batch(
        self, tasks: Iterable[Task], chunk_size: int = 1000, *, batch_id: str | None = None
    ) -> BulkTaskResponse:
        """Upload ``tasks`` in chunks of ``chunk_size`` (one POST each, all to one batch).

        ``tasks`` may be any iterable (a generator is read one chunk at a time). ``batch_id``
        adds the tasks to that batch; by default a new id is made. Returns the batch id and the
        number of tasks the server accepted. A chunk is resent only when the server cannot have
        stored it (no connection, 429, 503), so a retry never duplicates tasks.
        """
        bid = batch_id or str(uuid.uuid4())
        total = 0
        for chunk in p.chunks(tasks, chunk_size):
            response = self._send(
                "POST", p.BATCHES, params={"batch_id": bid}, files=p.upload_files(chunk)
            )
            data = p.json_body("POST", p.BATCHES, response)
            total += p.to_model(BulkTaskResponse, data, "POST", p.BATCHES, response).total_tasks
        return BulkTaskResponse(batch_id=bid, total_tasks=total)

    def iter_batch_tasks(
        self, batch_id: str, task_status: TaskStatus | str | None = None
    ) -> Iterator[TaskResponse]:
        """Stream a batch's tasks (optionally only those in ``task_status``) as they arrive.

        The NDJSON export is parsed line by line, so memory stays flat however large the batch.
        """
        params = p.status_param(task_status)
        path = f"{p.BATCHES}/{batch_id}/tasks/export"
        response = self._send("GET", path, params=params, stream=True)
        try:
            for line in response.iter_lines():
                yield from p.export_line(line, path)
        except httpx.TransportError as e:
            raise APIError(
                f"GET {path}: the export stream broke off: {type(e).__name__}: {e}"
            ) from e
        finally:
            response.close()

    def get_batch_tasks(
        self, batch_id: str, task_status: TaskStatus | str | None = None
    ) -> list[TaskResponse]:
        """A batch's tasks (optionally only those in ``task_status``), in the server's order."""
        return list(self.iter_batch_tasks(batch_id, task_status))

    def export_batch_tasks(
        self,
        batch_id: str,
        path: str | os.PathLike[str],
        task_status: TaskStatus | str | None = None,
    ) -> int:
        """Write a batch's tasks to ``path`` as JSONL (one task per line), streamed; returns the
        number of tasks. The file appears only when complete."""
        target = Path(path)
        tmp = target.with_name(target.name + ".part")
        count = 0
        try:
            with tmp.open("w", encoding="utf-8") as f:
                for task in self.iter_batch_tasks(batch_id, task_status):
                    f.write(task.model_dump_json() + "\n")
                    count += 1
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
        return count

    def get_batch_stats(
        self,
        batch_id: str,
        time_range: str = "24h",
        interval: CalendarInterval | str = CalendarInterval.HOUR_SHORT,
    ) -> UsageStatsResponse:
        """Time-bucketed statistics of a batch over the last ``time_range`` (``5m``, ``2h``,
        ``7d``), in buckets of ``interval``. ``summary.cache_hit_rate`` is a fraction (0-1)."""
        params = p.stats_params(time_range, interval)
        path = f"{p.BATCHES}/{batch_id}/stats"
        data, response = self._json("GET", path, params)
        return p.usage_stats(data, "GET", path, response)

    # -- health and monitoring --------------------------------------------------------------

    def check_health(self) -> HealthResponse:
        """The server's health (``GET /health``)."""
        data, response = self._json("GET", "/health")
        return p.to_model(HealthResponse, data, "GET", "/health", response)

    def monitor_batch(
        self,
        tasks: Iterable[Task] | None = None,
        batch_id: str | None = None,
        cost_by_1m_input_token: float = 0.0,
        cost_by_1m_output_token: float = 0.0,
        *,
        chunk_size: int = 1000,
        poll_interval: float = 2.0,
        timeout: float | None = None,
        display: bool | None = None,
        console: Console | None = None,
    ) -> list[TaskResponse]:
        """Submit ``tasks`` (or follow the existing ``batch_id``), wait until every task is done,
        and return all of them.

        While waiting, a live panel shows progress, tokens and the cost at the given prices per
        million tokens, on stderr when it is a terminal (``display=True``/``False`` forces it on or
        off; ``console`` draws on a rich console of your own). ``timeout`` (seconds) bounds the
        wait: past it, :class:`APIError` is raised and the batch keeps running on the server.
        Polls start 50 ms apart and slow down to ``poll_interval`` seconds.
        """
        plan = MonitorPlan.of(tasks, batch_id, poll_interval, timeout)
        view = MonitorDisplay(console, display, cost_by_1m_input_token, cost_by_1m_output_token)
        health = self.check_health()
        view.health(health)
        if plan.tasks is not None:
            created = self.create_batch(plan.tasks, chunk_size)
            bid, total = created.batch_id, created.total_tasks
        else:
            bid = plan.batch_id
            existing = self.get_batch(bid)
            if existing is None:
                raise APIError(f"GET {p.BATCHES}/{bid}: batch {bid!r} not found", 404)
            total = existing.total_tasks
        batch: Batch | None = None
        view.start(bid, total)
        try:
            for poll in itertools.count():
                batch = self.get_batch(bid)
                view.update(batch)
                if plan.finished(batch, total):
                    break
                plan.check_deadline(bid)
                time.sleep(plan.delay(poll))
            results = self.get_batch_tasks(bid)
        except BaseException:
            view.stop(batch)
            raise
        view.stop(batch, len(results))
        return results
