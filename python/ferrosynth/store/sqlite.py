"""Opening SQLite the one way the store does it: WAL, a busy timeout, autocommit.

WAL lets readers proceed while one writer writes, across processes; the busy timeout makes a
writer that finds the database locked wait (up to ``timeout`` seconds) instead of failing with
"database is locked". Writes that must be atomic use :func:`write` (``BEGIN IMMEDIATE``: the
write lock is taken up front, so two writers never deadlock upgrading a read lock).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["DEFAULT_TIMEOUT", "connect", "write"]

#: Seconds a connection waits for a lock held by another connection or process.
DEFAULT_TIMEOUT = 30.0


def connect(
    path: str | Path, *, readonly: bool = False, timeout: float = DEFAULT_TIMEOUT
) -> sqlite3.Connection:
    """A connection to the database at ``path`` (created, with its folder, unless
    ``readonly``), in WAL mode, autocommit, usable from any thread (callers serialise use)."""
    path = Path(path)
    if readonly:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        conn = sqlite3.connect(
            uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False
        )
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    return conn


@contextmanager
def write(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction that takes the lock at once (``BEGIN IMMEDIATE``)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
