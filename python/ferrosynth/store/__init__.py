"""The one place that knows SQL: the request cache, the runner's resume record, the server's tasks.

SQLite (WAL mode, a busy timeout, safe for several processes) by default; PostgreSQL where the
server needs it. :mod:`ferrosynth.store.sqlite` opens connections the one way the store does;
:mod:`ferrosynth.store.cache` is the LLM request cache.
"""

from __future__ import annotations

from ferrosynth.store.cache import RequestCache, cache_key

__all__ = ["RequestCache", "cache_key"]
