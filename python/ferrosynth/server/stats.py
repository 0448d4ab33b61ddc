"""The batch time series (specs/synthgen-api.md §4.7, §6.5): calendar buckets on completed_at."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

from ferrosynth.server.render import iso
from ferrosynth.store.tasks import StatsRow

__all__ = ["INTERVALS", "CalendarInterval", "parse_time_range", "usage_stats"]

CalendarInterval = Literal[
    "minute", "1m", "hour", "1h", "day", "1d", "week", "1w", "month", "1M", "quarter", "1q",
    "year", "1y",
]  # fmt: skip
INTERVALS: dict[str, str] = {
    "minute": "minute", "1m": "minute", "hour": "hour", "1h": "hour", "day": "day", "1d": "day",
    "week": "week", "1w": "week", "month": "month", "1M": "month", "quarter": "quarter",
    "1q": "quarter", "year": "year", "1y": "year",
}  # fmt: skip
_RANGE = re.compile(r"^(\d+)([mhd])$")
_LIMITS = {"m": (1440, 60), "h": (720, 3600), "d": (365, 86400)}
_UTC = timezone.utc


def parse_time_range(value: str) -> float:
    """``30m``/``24h``/``7d`` -> seconds; ``ValueError`` saying what is wrong."""
    match = _RANGE.match(value)
    if not match:
        raise ValueError(f"{value!r} is not of the form <number><m|h|d>, e.g. 24h")
    amount, unit = int(match.group(1)), match.group(2)
    limit, seconds = _LIMITS[unit]
    if amount <= 0 or amount > limit:
        raise ValueError(f"{value!r} must be between 1{unit} and {limit}{unit}")
    return float(amount * seconds)


def _floor(ts: float, unit: str) -> datetime:
    d = datetime.fromtimestamp(ts, _UTC)
    if unit == "minute":
        return d.replace(second=0, microsecond=0)
    if unit == "hour":
        return d.replace(minute=0, second=0, microsecond=0)
    day = d.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "day":
        return day
    if unit == "week":  # ISO weeks start on Monday, as Elasticsearch's calendar weeks do
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return day.replace(day=1, month=(day.month - 1) // 3 * 3 + 1)
    return day.replace(day=1, month=1)


def _next(d: datetime, unit: str) -> datetime:
    if unit == "minute":
        return d + timedelta(minutes=1)
    if unit == "hour":
        return d + timedelta(hours=1)
    if unit == "day":
        return d + timedelta(days=1)
    if unit == "week":
        return d + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[unit]
    index = d.month - 1 + months
    return d.replace(year=d.year + index // 12, month=index % 12 + 1)


def _tps(completion_tokens: int, duration_ms: int) -> float:
    return round(completion_tokens / (duration_ms / 1000), 2) if duration_ms > 0 else 0.0


def _point(label: str, rows: Sequence[StatsRow]) -> dict[str, Any]:
    durations = [r.duration_ms for r in rows if r.duration_ms is not None]
    completion = sum(r.completion_tokens for r in rows)
    return {
        "timestamp": label,
        "total_tasks": len(rows),
        "completed_tasks": sum(1 for r in rows if r.status == "COMPLETED" and not r.cached),
        "failed_tasks": sum(1 for r in rows if r.status == "FAILED"),
        "cached_tasks": sum(1 for r in rows if r.cached),
        "total_tokens": sum(r.total_tokens for r in rows),
        "prompt_tokens": sum(r.prompt_tokens for r in rows),
        "completion_tokens": completion,
        "avg_duration_ms": round(sum(durations) / len(durations)) if durations else 0,
        "tokens_per_second": _tps(completion, sum(durations)),
    }


def usage_stats(
    rows: Sequence[StatsRow], time_range: str, interval: str, now: float | None = None
) -> dict[str, Any]:
    """UsageStats for the rows of one batch already limited to the window."""
    now = time.time() if now is None else now
    unit = INTERVALS[interval]
    buckets: dict[datetime, list[StatsRow]] = {}
    for r in rows:
        buckets.setdefault(_floor(r.completed_at, unit), []).append(r)
    series = []
    if buckets:
        cursor, last = min(buckets), max(buckets)
        while cursor <= last:
            series.append(_point(cursor.strftime("%Y-%m-%d %H:%M:%S"), buckets.get(cursor, [])))
            cursor = _next(cursor, unit)
    total = len(rows)
    cached = sum(1 for r in rows if r.cached)
    prompt = sum(r.prompt_tokens for r in rows)
    completion = sum(r.completion_tokens for r in rows)
    durations = [r.duration_ms for r in rows if r.duration_ms is not None]
    completed_ms = sum(r.duration_ms or 0 for r in rows if r.status == "COMPLETED")
    summary = {
        "total_tasks": total,
        "completed_tasks": sum(1 for r in rows if r.status == "COMPLETED" and not r.cached),
        "failed_tasks": sum(1 for r in rows if r.status == "FAILED"),
        "cached_tasks": cached,
        "processing_tasks": sum(1 for r in rows if r.status == "PROCESSING"),
        "total_tokens": sum(r.total_tokens for r in rows),
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_prompt_tokens": prompt,
        "total_completion_tokens": completion,
        "average_response_time": round(sum(durations) / len(durations)) if durations else 0,
        "tokens_per_second": _tps(completion, completed_ms),
        "cache_hit_rate": round(cached / total * 100, 2) if total else 0.0,
    }
    return {
        "time_range": time_range,
        "interval": interval,
        "current_time": iso(now),
        "time_series": series,
        "summary": summary,
    }
