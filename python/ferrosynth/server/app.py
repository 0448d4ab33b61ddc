"""The Synthgen-compatible HTTP API (specs/synthgen-api.md) as a FastAPI application.

:func:`create_app` wires a store, the settings and (for ``--role all``) the worker pool into the
routes. Every store call runs in a thread so the event loop keeps serving while SQL runs.
OpenAPI is served at ``/docs``; the dashboard at ``/dashboard/``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import orjson
from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import Response, StreamingResponse

from ferrosynth.server.auth import check_bearer
from ferrosynth.server.config import ServerConfig
from ferrosynth.server.ingest import UploadRejectedError, read_upload
from ferrosynth.server.keys import Keyring
from ferrosynth.server.render import batch_json, task_dict, task_json, totals_json
from ferrosynth.server.stats import parse_time_range, usage_stats
from ferrosynth.server.worker import WorkerPool
from ferrosynth.store.tasks import NewTask, TaskStore

__all__ = ["create_app"]

log = logging.getLogger("ferrosynth.server")

_EXPORT_CHUNK = 2000
_STATIC = Path(__file__).parent / "static"


class TaskStatusParam(str, Enum):
    PENDING = "PENDING"
    PROCESSING = "PROCESSING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class IntervalParam(str, Enum):
    minute = "minute"
    m1 = "1m"
    hour = "hour"
    h1 = "1h"
    day = "day"
    d1 = "1d"
    week = "week"
    w1 = "1w"
    month = "month"
    M1 = "1M"
    quarter = "quarter"
    q1 = "1q"
    year = "year"
    y1 = "1y"


def _json(value: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(value), status_code=status, media_type="application/json")


def _raw_json(text: bytes) -> Response:
    return Response(text, media_type="application/json")


def create_app(
    store: TaskStore, config: ServerConfig, *, pool: WorkerPool | None = None
) -> FastAPI:
    """The application. With ``pool`` given (or ``config.role == "all"`` and none given) the
    worker pool runs inside it, started and stopped with the application."""
    keyring = Keyring(config.secret or config.api_key or uuid.uuid4().hex)
    if pool is None and config.role == "all":
        pool = WorkerPool(store, config, keyring)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if pool is not None:
            await pool.start()
        try:
            yield
        finally:
            if pool is not None:
                await pool.stop()
            upload_threads.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(
        title="ferrosynth server",
        description="A Synthgen-compatible LLM batch server (see docs/server).",
        lifespan=lifespan,
    )
    app.state.api_key_bytes = config.api_key.encode() if config.api_key else None
    app.state.store = store
    app.state.pool = pool
    if config.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(config.cors_origins),
            allow_methods=["*"],
            allow_headers=["*"],
        )
    auth = [Depends(check_bearer)]
    # Uploads get threads of their own: an upload holds SQLite's write lock across its chunks,
    # and the workers' writes that wait for it must not take every thread the upload needs.
    upload_threads = ThreadPoolExecutor(max_workers=4, thread_name_prefix="fs-upload")

    async def run(fn: Any, *args: Any) -> Any:
        return await asyncio.to_thread(fn, *args)

    async def run_upload(fn: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(upload_threads, fn, *args)

    @app.get("/", include_in_schema=False)
    async def root() -> Response:
        return _json({"message": "ferrosynth server", "docs_url": "/docs", "redoc_url": "/redoc"})

    @app.get("/health", summary="Health (public)")
    async def health() -> Response:
        services: dict[str, Any] = {"api": "healthy"}
        error = None
        try:
            workers = await run(store.live_workers, config.lease_ttl_s)
            depth = await run(store.queue_depth)
            services["elasticsearch"] = "healthy"
        except Exception as e:  # the store is down: say so, still answer
            workers, depth, error = 0, 0, f"task store unavailable: {type(e).__name__}"
            services["elasticsearch"] = "unhealthy"
        services["rabbitmq"] = "healthy" if workers > 0 else "unhealthy"
        services.update(
            task_queue_consumers=workers,
            task_queue_messages=depth,
            batch_queue_consumers=workers,
            batch_queue_messages=0,
        )
        if error is None and workers == 0:
            error = "no live worker is processing tasks"
        status = "healthy" if services["elasticsearch"] == "healthy" else "unhealthy"
        return _json({"status": status, "services": services, "error": error})

    @app.get("/token", dependencies=auth, summary="Check the API key")
    async def token() -> Response:
        return _json({"isValid": True})

    @app.post(
        "/api/v1/batches",
        dependencies=auth,
        summary="Upload a chunk of tasks (multipart field `file`, JSONL)",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file"],
                            "properties": {"file": {"type": "string", "format": "binary"}},
                        }
                    }
                },
            }
        },
    )
    async def upload(request: Request, batch_id: str | None = None) -> Response:
        bid = batch_id or str(uuid.uuid4())
        ingest = store.begin_ingest(bid)

        async def store_chunk(tasks: Sequence[NewTask], creds: Sequence[tuple[str, bytes]]) -> None:
            await run_upload(ingest.add, tasks, creds)

        try:
            report = await read_upload(
                request.headers.get("content-type", ""),
                request.stream(),
                keyring=keyring,
                max_bytes=config.max_upload_bytes,
                store_chunk=store_chunk,
            )
            await run_upload(ingest.commit)
        except UploadRejectedError as e:
            await run_upload(ingest.rollback)
            return _json({"detail": e.detail}, e.status)
        except BaseException as e:
            with contextlib.suppress(Exception):
                await run_upload(ingest.rollback)
            if isinstance(e, Exception):
                log.exception("upload of batch %s failed", bid)
                return _json({"detail": f"Failed to process bulk request: {type(e).__name__}"}, 500)
            raise
        if pool is not None:
            pool.wake()
        return _json(
            {
                "batch_id": bid,
                "total_tasks": report.accepted,
                "rejected_lines": report.rejected,
                "errors": report.errors,
            }
        )

    @app.get("/api/v1/batches", dependencies=auth, summary="All batches, newest first")
    async def list_batches() -> Response:
        rows = await run(store.batches)
        return _json({"total": len(rows), "batches": [batch_json(b) for b in rows]})

    @app.get("/api/v1/batches/{batch_id}", dependencies=auth, summary="One batch (null if unknown)")
    async def get_batch(batch_id: str) -> Response:
        row = await run(store.batch, batch_id)
        return _json(None if row is None else batch_json(row))

    @app.get(
        "/api/v1/batches/{batch_id}/tasks/export",
        dependencies=auth,
        summary="Stream a batch's tasks as NDJSON",
    )
    async def export(batch_id: str, task_status: TaskStatusParam | None = None) -> Response:
        status = task_status.value if task_status else None
        total = await run(store.count_tasks, batch_id, status)

        async def lines() -> AsyncIterator[bytes]:
            if total == 0:
                yield b'{"tasks":[],"total":0}\n'
                return
            chunks = store.export(batch_id, status, _EXPORT_CHUNK)  # type: ignore[arg-type]
            while True:
                rows = await run(next, chunks, None)
                if rows is None:
                    return
                yield orjson.dumps({"tasks": [task_dict(t) for t in rows], "total": total}) + b"\n"

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    @app.get("/api/v1/batches/{batch_id}/tasks", dependencies=auth, summary="A page of tasks")
    async def page(
        batch_id: str,
        task_status: TaskStatusParam = TaskStatusParam.COMPLETED,
        page: Annotated[int, Query(ge=1)] = 1,
        page_size: Annotated[int, Query(ge=1, le=10000)] = 100,
    ) -> Response:
        total = await run(store.count_tasks, batch_id, task_status.value)
        rows = await run(store.page, batch_id, task_status.value, (page - 1) * page_size, page_size)
        return _json(
            {
                "total": total,
                "page": page,
                "page_size": page_size,
                "tasks": [task_dict(t) for t in rows],
            }
        )

    @app.get("/api/v1/batches/{batch_id}/stats", dependencies=auth, summary="Time series")
    async def stats(
        batch_id: str, time_range: str = "24h", interval: IntervalParam = IntervalParam.h1
    ) -> Response:
        try:
            seconds = parse_time_range(time_range)
        except ValueError as e:
            return _json({"detail": f"Invalid time_range parameter: {e}"}, 400)

        now = time.time()
        rows = await run(store.stats_rows, batch_id, now - seconds, now)
        return _json(usage_stats(rows, time_range, interval.value, now))

    @app.delete(
        "/api/v1/batches/{batch_id}",
        dependencies=auth,
        status_code=204,
        summary="Delete a batch and cancel its work",
    )
    async def delete_batch(batch_id: str) -> Response:
        await run(store.delete_batch, batch_id)
        if pool is not None:
            pool.cancel_batch(batch_id)
        return Response(status_code=204)

    @app.get("/api/v1/tasks/stats", dependencies=auth, summary="Counters over all tasks")
    async def task_stats() -> Response:
        return _json(totals_json(await run(store.totals)))

    @app.get("/api/v1/tasks/{message_id}", dependencies=auth, summary="One task (null if unknown)")
    async def get_task(message_id: str) -> Response:
        row = await run(store.task, message_id)
        return _raw_json(b"null" if row is None else task_json(row))

    @app.delete(
        "/api/v1/tasks/{message_id}", dependencies=auth, status_code=204, summary="Delete a task"
    )
    async def delete_task(message_id: str) -> Response:
        if not await run(store.delete_task, message_id):
            return _json({"detail": f"Task with message_id {message_id} not found"}, 404)
        if pool is not None:
            pool.cancel_task(message_id)
        return Response(status_code=204)

    if _STATIC.is_dir():
        from fastapi.staticfiles import StaticFiles

        app.mount("/dashboard", StaticFiles(directory=_STATIC, html=True), name="dashboard")

    return app
