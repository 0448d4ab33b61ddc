"""Rows of the store as the contract's JSON (specs/synthgen-api.md §4).

Task records are assembled as text: ``body``, ``completions`` and ``source`` are already compact
JSON in the store, so an export line is spliced together without parsing them again.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import orjson

from ferrosynth.store.tasks import BatchRow, TaskRow, TotalsRow

__all__ = ["batch_json", "iso", "task_dict", "task_json", "totals_json"]

_UTC = timezone.utc


_ISO: dict[float, str] = {}


def iso(ts: float | None) -> str | None:
    """ISO-8601 in UTC with an offset, as the client's pydantic models parse it.

    Memoised: the tasks of an upload share ``created_at``, and those of a claim ``started_at``.
    """
    if ts is None:
        return None
    text = _ISO.get(ts)
    if text is None:
        if len(_ISO) > 65_536:
            _ISO.clear()
        text = _ISO[ts] = datetime.fromtimestamp(ts, _UTC).isoformat()
    return text


def task_dict(t: TaskRow) -> dict[str, Any]:
    """A TaskRecord (§4.3) for orjson: the stored JSON texts go in as fragments, unparsed;
    never the task's api_key."""
    return {
        "message_id": t.message_id,
        "batch_id": t.batch_id,
        "custom_id": t.custom_id,
        "status": t.status,
        "body": orjson.Fragment(t.body),
        "completions": None if t.completions is None else orjson.Fragment(t.completions),
        "cached": bool(t.cached),
        "created_at": iso(t.created_at),
        "started_at": iso(t.started_at),
        "completed_at": iso(t.completed_at),
        "duration": None if t.duration_ms is None else int(t.duration_ms),
        "dataset": t.dataset,
        "source": None if t.source is None else orjson.Fragment(t.source),
    }


def task_json(t: TaskRow) -> bytes:
    """A TaskRecord as compact JSON."""
    return orjson.dumps(task_dict(t))


def batch_status(b: BatchRow) -> str:
    """§6.2: PROCESSING while anything runs, PENDING while anything waits, then FAILED if any
    task failed, else COMPLETED."""
    pending = b.total - (b.completed_all + b.failed + b.processing)
    if b.processing > 0:
        return "PROCESSING"
    if pending > 0:
        return "PENDING"
    if b.failed > 0:
        return "FAILED"
    return "COMPLETED"


def batch_json(b: BatchRow) -> dict[str, Any]:
    """A Batch (§4.4)."""
    pending = b.total - (b.completed_all + b.failed + b.processing)
    return {
        "batch_id": b.batch_id,
        "batch_status": batch_status(b),
        "total_tasks": b.total,
        "completed_tasks": b.completed_fresh,
        "failed_tasks": b.failed,
        "pending_tasks": pending,
        "processing_tasks": b.processing,
        "cached_tasks": b.cached,
        "created_at": iso(b.created_at),
        "started_at": iso(b.started_at),
        "completed_at": iso(b.completed_at),
        "duration": None if b.completed_at is None else int(b.completed_at - b.created_at),
        "total_tokens": b.total_tokens,
        "prompt_tokens": b.prompt_tokens,
        "completion_tokens": b.completion_tokens,
    }


def totals_json(t: TotalsRow) -> dict[str, int]:
    """TaskStats (§4.8)."""
    return {
        "total_tasks": t.total,
        "completed_tasks": t.completed_fresh,
        "failed_tasks": t.failed,
        "cached_tasks": t.cached,
        "processing_tasks": t.processing,
        "pending_tasks": t.pending,
        "total_tokens": t.total_tokens,
        "prompt_tokens": t.prompt_tokens,
        "completion_tokens": t.completion_tokens,
    }
