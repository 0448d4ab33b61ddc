"""A client for Synthgen-compatible batch servers (``ferrosynth server`` among them).

Call-compatible with the README of ``synthgen-client``: change ``from synthgen import ...`` to
``from ferrosynth.synthgen import ...``. Sync (:class:`SynthgenClient`) and async
(:class:`AsyncSynthgenClient`) clients share the same methods, settings and retry policy.
Needs the ``client`` extra (``pip install 'ferrosynth[client]'``, i.e. httpx).

Example::

    >>> from ferrosynth.synthgen import SynthgenClient
    >>> with SynthgenClient(base_url="http://127.0.0.1:8000", api_key="k") as client:
    ...     client.base_url
    'http://127.0.0.1:8000'
"""

from __future__ import annotations

try:
    import httpx as _httpx  # noqa: F401  - checked here for a clear message
except ImportError as _e:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError(
        "ferrosynth.synthgen needs httpx, from the 'client' extra: pip install 'ferrosynth[client]'"
    ) from _e

from ferrosynth.synthgen._display import BatchCost, batch_cost
from ferrosynth.synthgen._retry import RetryPolicy
from ferrosynth.synthgen.async_client import AsyncSynthgenClient
from ferrosynth.synthgen.client import SynthgenClient
from ferrosynth.synthgen.exceptions import APIError, SynthgenError
from ferrosynth.synthgen.models import CalendarInterval, Task, TaskStatus

__all__ = [
    "APIError",
    "AsyncSynthgenClient",
    "BatchCost",
    "CalendarInterval",
    "RetryPolicy",
    "SynthgenClient",
    "SynthgenError",
    "Task",
    "TaskStatus",
    "batch_cost",
]
