"""Rows of the store as the contract's JSON (specs/synthgen-api.md §4).

Task records are assembled as text: ``body``, ``completions`` and ``source`` are already compact
JSON in the store, so an export line is spliced together without parsing them again.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import orjson

from ferrosynth.store.tasks import BatchRow, TaskRow, TotalsRow

__all__ = ["batch_json", "iso", "task_json", "totals_json"]

_UTC = timezone.utc


def iso(ts: float | None) -> str | None:
    """ISO-8601 in UTC with an offset, as the client's pydantic models parse it."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, _UTC).isoformat()


def _s(value: str | None) -> str:
    return "null" if value is None else orjson.dumps(value).decode()


def task_json(t: TaskRow) -> str:
    """A TaskRecord (§4.3) as compact JSON text; never the task's api_key."""
    return (
        f'{{"message_id":{_s(t.message_id)},"batch_id":{_s(t.batch_id)},'
        f'"custom_id":{_s(t.custom_id)},"status":"{t.status}","body":{t.body},'
        f'"completions":{t.completions or "null"},"cached":{"true" if t.cached else "false"},'
        f'"created_at":{_s(iso(t.created_at))},"started_at":{_s(iso(t.started_at))},'
        f'"completed_at":{_s(iso(t.completed_at))},'
        f'"duration":{"null" if t.duration_ms is None else t.duration_ms},'
        f'"dataset":{_s(t.dataset)},"source":{t.source or "null"}}}'
    )


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
