"""The one place that knows SQL: the request cache, the runner's resume record, the server's tasks.

SQLite (WAL mode, a busy timeout, safe for several processes) by default; PostgreSQL where the
server needs it. :mod:`ferrosynth.store.sqlite` opens connections the one way the store does;
:mod:`ferrosynth.store.cache` is the LLM request cache; :func:`open_task_store` opens the server's
task store (:mod:`ferrosynth.store.tasks`) from a URL.
"""

from __future__ import annotations

from ferrosynth.store.cache import RequestCache, cache_key
from ferrosynth.store.errors import StoreError, StoreURLError
from ferrosynth.store.tasks import TaskStore, open_task_store

__all__ = [
    "RequestCache",
    "StoreError",
    "StoreURLError",
    "TaskStore",
    "cache_key",
    "open_task_store",
]
