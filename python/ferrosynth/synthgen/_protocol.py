"""The parts of the Synthgen wire protocol that the sync and the async client share.

Nothing here does I/O: building upload chunks, reading answers into models, turning an error
answer into :class:`~ferrosynth.synthgen.exceptions.APIError`, parsing export lines.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from ferrosynth.synthgen.exceptions import APIError
from ferrosynth.synthgen.models import (
    CalendarInterval,
    Task,
    TaskResponse,
    TaskStatus,
    UsageStatsResponse,
)

M = TypeVar("M", bound=BaseModel)

BATCHES = "/api/v1/batches"
TASKS = "/api/v1/tasks"
_TIME_RANGE = re.compile(r"^(\d+)([mhd])$")
_TIME_RANGE_MAX = {"m": 1440, "h": 720, "d": 365}
_DETAIL_LIMIT = 300


def request_line(method: str, path: str) -> str:
    return f"{method} {path}"


def error_from_response(method: str, path: str, response: httpx.Response) -> APIError:
    """An :class:`APIError` naming the call, the status and the server's ``detail`` (truncated).

    The response body must have been read.
    """
    detail = ""
    try:
        body = response.json()
        raw = body.get("detail", body) if isinstance(body, dict) else body
        detail = raw if isinstance(raw, str) else json.dumps(raw, separators=(",", ":"))
    except (ValueError, UnicodeDecodeError):
        detail = response.text
    detail = detail.strip()
    if len(detail) > _DETAIL_LIMIT:
        detail = detail[:_DETAIL_LIMIT] + "..."
    reason = response.reason_phrase or ""
    message = f"{request_line(method, path)}: HTTP {response.status_code} {reason}".rstrip()
    if response.status_code == 401:
        message += " (authentication failed: check the API key)"
    if detail:
        message += f": {detail}"
    return APIError(message, status_code=response.status_code, response=response)


def unreachable(method: str, path: str, base_url: str, error: Exception, attempts: int) -> APIError:
    kind = type(error).__name__
    text = str(error) or kind
    return APIError(
        f"{request_line(method, path)}: no answer from {base_url} after {attempts} attempt(s): "
        f"{kind}: {text}"
    )


def json_body(method: str, path: str, response: httpx.Response) -> Any:
    """The answer's JSON (``None`` for an empty body or ``null``)."""
    if not response.content:
        return None
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError) as e:
        raise APIError(
            f"{request_line(method, path)}: the answer is not JSON: {response.text[:100]!r}",
            status_code=response.status_code,
            response=response,
        ) from e


def to_model(model: type[M], data: Any, method: str, path: str, response: httpx.Response) -> M:
    """``data`` read as ``model``; an answer of the wrong shape is an :class:`APIError`."""
    try:
        return model.model_validate(data)
    except PydanticValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "<root>"
        raise APIError(
            f"{request_line(method, path)}: the answer is not a valid {model.__name__}: "
            f"{where}: {first['msg']} ({e.error_count()} error(s))",
            status_code=response.status_code,
            response=response,
        ) from e


def chunks(tasks: Iterable[Task], chunk_size: int) -> Iterator[list[Task]]:
    """``tasks`` in lists of ``chunk_size`` (the last may be shorter); never materialises all."""
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    it = iter(tasks)
    while chunk := list(itertools.islice(it, chunk_size)):
        for i, task in enumerate(chunk):
            if not isinstance(task, Task):
                raise TypeError(f"tasks must be Task objects; item {i} is {type(task).__name__}")
        yield chunk


def encode_chunk(chunk: list[Task]) -> bytes:
    """The JSONL upload of one chunk: every key present, ``null`` for missing values."""
    return "\n".join(task.model_dump_json() for task in chunk).encode("utf-8")


def upload_files(chunk: list[Task]) -> dict[str, tuple[str, bytes, str]]:
    return {"file": ("batch.jsonl", encode_chunk(chunk), "application/x-jsonlines")}


def status_param(task_status: TaskStatus | str | None) -> dict[str, str]:
    if task_status is None:
        return {}
    try:
        return {"task_status": TaskStatus(task_status).value}
    except ValueError:
        valid = ", ".join(s.value for s in TaskStatus)
        raise ValueError(f"task_status must be one of {valid}; got {task_status!r}") from None


def stats_params(time_range: str, interval: CalendarInterval | str) -> dict[str, str]:
    """Check ``time_range`` (``Xm`` up to 1440, ``Xh`` up to 720, ``Xd`` up to 365) and ``interval``
    before anything is sent; a bad value is an :class:`APIError` without a status code."""
    match = _TIME_RANGE.match(time_range) if isinstance(time_range, str) else None
    if match is None or not 0 < int(match[1]) <= _TIME_RANGE_MAX[match[2]]:
        raise APIError(
            f"invalid time_range {time_range!r}: expected Xm (X <= 1440), Xh (X <= 720) or "
            "Xd (X <= 365) with X > 0"
        )
    try:
        value = CalendarInterval(interval).value
    except ValueError:
        valid = ", ".join(i.value for i in CalendarInterval)
        raise APIError(f"invalid interval {interval!r}: valid intervals are {valid}") from None
    return {"time_range": time_range, "interval": value}


def usage_stats(data: Any, method: str, path: str, response: httpx.Response) -> UsageStatsResponse:
    """Stats with ``summary.cache_hit_rate`` as a fraction (the server sends a percentage)."""
    stats = to_model(UsageStatsResponse, data, method, path, response)
    stats.summary.cache_hit_rate = stats.summary.cache_hit_rate / 100.0
    return stats


class _ExportChunk(BaseModel):
    """One NDJSON line of the export (``total`` is not needed)."""

    tasks: list[TaskResponse]


def export_line(line: str, path: str) -> list[TaskResponse]:
    """The tasks of one NDJSON export line (``{"tasks": [...], "total": n}``); blank lines: none.

    The line is parsed and validated in one pass by pydantic-core (no intermediate dicts).
    """
    if not line.strip():
        return []
    try:
        return _ExportChunk.model_validate_json(line).tasks
    except PydanticValidationError as e:
        first = e.errors()[0]
        loc = first["loc"]
        if first["type"] == "json_invalid":
            problem = "is not JSON"
        elif len(loc) <= 1:
            problem = "has no 'tasks' list"
        else:
            where = ".".join(str(p) for p in loc)
            problem = f"holds an invalid task: {where}: {first['msg']}"
        raise APIError(f"GET {path}: an export line {problem}: {line[:100]!r}") from e
