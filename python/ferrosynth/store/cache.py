"""The request cache: answers keyed by what was asked, in SQLite (WAL), shared by processes.

The key is the SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of
``[provider kind, model, full request body]``: it depends on nothing but the request, so it
survives code changes and restarts, and any process computing it finds the same row. A stored
value is the OpenAI ``chat.completion`` JSON of the answer.

``FERROSYNTH_CACHE`` overrides for a whole run (CI): ``off`` (no reads, no writes), ``readonly``
(reads only: a run can never add answers), or a file path (where the cache lives when the code
names none). The default file is ``$XDG_CACHE_HOME/ferrosynth/llm-cache.sqlite3``
(``~/.cache/...``).

Example::

    >>> import tempfile, os
    >>> from ferrosynth.llm import RequestCache, cache_key
    >>> key = cache_key("openai", "gpt-4o-mini", {"messages": [{"role": "user", "content": "Hi"}]})
    >>> len(key)
    64
    >>> with tempfile.TemporaryDirectory() as d:
    ...     with RequestCache(os.path.join(d, "c.sqlite3")) as cache:
    ...         cache.get(key) is None
    ...         cache.put(key, {"object": "chat.completion", "choices": []})
    ...         cache.get(key)["object"], cache.hits, cache.misses
    True
    ('chat.completion', 1, 1)
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, get_args

from ferrosynth.store.sqlite import connect, write

__all__ = ["ENV", "CacheMode", "RequestCache", "cache_key", "default_cache_path"]

#: The environment variable: ``off``, ``readonly`` or a path.
ENV = "FERROSYNTH_CACHE"
CacheMode = Literal["readwrite", "readonly", "off"]
MODES: tuple[str, ...] = get_args(CacheMode)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS llm_cache (
    key TEXT PRIMARY KEY,
    response TEXT NOT NULL,
    created_at REAL NOT NULL
)
"""


def cache_key(kind: str, model: str | None, body: Any) -> str:
    """The SHA-256 hex digest of the canonical JSON of ``[kind, model, body]``."""
    canonical = json.dumps(
        [kind, model, body], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def default_cache_path() -> Path:
    """``$XDG_CACHE_HOME/ferrosynth/llm-cache.sqlite3`` (``~/.cache`` without the variable)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ferrosynth" / "llm-cache.sqlite3"


class RequestCache:
    """LLM answers by request key, in a SQLite file; safe for threads and processes.

    ``mode`` is ``"readwrite"`` (default), ``"readonly"`` (never writes; a missing file is an
    empty cache) or ``"off"`` (never reads nor writes). ``FERROSYNTH_CACHE=off|readonly`` makes
    any mode at most that; ``FERROSYNTH_CACHE=<path>`` is the file when ``path`` is None.
    ``hits`` and ``misses`` count this instance's lookups. A first answer is kept: ``put`` never
    replaces a stored one.
    """

    def __init__(self, path: str | Path | None = None, mode: CacheMode = "readwrite") -> None:
        if mode not in MODES:
            raise ValueError(f"cache mode must be one of {MODES}, got {mode!r}")
        env = os.environ.get(ENV, "").strip()
        if env == "off":
            mode = "off"
        elif env == "readonly" and mode == "readwrite":
            mode = "readonly"
        elif env and env not in ("off", "readonly", "readwrite") and path is None:
            path = env
        self.mode: CacheMode = mode
        self.path = Path(path) if path is not None else default_cache_path()
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0

    def _connection(self) -> sqlite3.Connection | None:
        """The connection of this process (reopened after a fork), None when there is no
        file to read in read-only mode."""
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        if self.mode == "readonly" and not self.path.exists():
            return None
        conn = connect(self.path, readonly=self.mode == "readonly")
        if self.mode == "readwrite":
            conn.execute(_SCHEMA)
        self._conn, self._pid = conn, os.getpid()
        return conn

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored answer for ``key``, or None (a miss)."""
        if self.mode == "off":
            return None
        with self._lock:
            conn = self._connection()
            row = None
            if conn is not None:
                try:
                    row = conn.execute(
                        "SELECT response FROM llm_cache WHERE key = ?", (key,)
                    ).fetchone()
                except sqlite3.OperationalError as error:
                    if "no such table" not in str(error):
                        raise
            if row is None:
                self.misses += 1
                return None
            self.hits += 1
        value: dict[str, Any] = json.loads(row[0])
        return value

    def put(self, key: str, response: dict[str, Any]) -> None:
        """Store ``response`` under ``key`` (a no-op unless read-write; never replaces)."""
        if self.mode != "readwrite":
            return
        text = json.dumps(response, separators=(",", ":"), ensure_ascii=False)
        with self._lock:
            conn = self._connection()
            assert conn is not None  # read-write always has a connection
            with write(conn):
                conn.execute(
                    "INSERT OR IGNORE INTO llm_cache (key, response, created_at) VALUES (?, ?, ?)",
                    (key, text, time.time()),
                )

    def put_many(self, items: Iterable[tuple[str, dict[str, Any] | bytes]]) -> int:
        """Store many answers in one transaction (a no-op unless read-write; never replaces);
        an answer may be given as its JSON text (``bytes``). Returns how many were given."""
        if self.mode != "readwrite":
            return 0
        now = time.time()
        rows = [
            (
                key,
                response.decode()
                if isinstance(response, bytes)
                else json.dumps(response, separators=(",", ":"), ensure_ascii=False),
                now,
            )
            for key, response in items
        ]
        if not rows:
            return 0
        with self._lock:
            conn = self._connection()
            assert conn is not None  # read-write always has a connection
            with write(conn):
                conn.executemany(
                    "INSERT OR IGNORE INTO llm_cache (key, response, created_at) VALUES (?, ?, ?)",
                    rows,
                )
        return len(rows)

    def __len__(self) -> int:
        if self.mode == "off":
            return 0
        with self._lock:
            conn = self._connection()
            if conn is None:
                return 0
            try:
                return int(conn.execute("SELECT count(*) FROM llm_cache").fetchone()[0])
            except sqlite3.OperationalError:
                return 0

    def close(self) -> None:
        """Close this process's connection (the cache reopens on next use)."""
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None

    def __enter__(self) -> RequestCache:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"RequestCache(path={str(self.path)!r}, mode={self.mode!r}, hits={self.hits}, "
            f"misses={self.misses})"
        )
