"""The embedded task store: one SQLite file in WAL mode, created (and migrated) on first open.

Several processes on one machine may share the file (``--role api`` and ``--role worker``);
writers take turns through SQLite's own lock (``BEGIN IMMEDIATE`` with a long busy timeout).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ferrosynth.store.errors import StoreError
from ferrosynth.store.migrations import MIGRATIONS, render
from ferrosynth.store.sql_tasks import SQLTaskStore
from ferrosynth.store.tasks import NewTask

__all__ = ["SQLiteTaskStore"]

_BUSY_TIMEOUT_MS = 60_000


class SQLiteTaskStore(SQLTaskStore):
    """:class:`~ferrosynth.store.tasks.TaskStore` on one SQLite file."""

    dialect = "sqlite"

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self._write_lock = threading.Lock()
        self.path = Path(path)
        self.url_for_display = f"sqlite:///{self.path}"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._migrate()
        except (sqlite3.Error, OSError) as e:
            raise StoreError(f"cannot open the task store {self.path}: {e}") from e

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=60.0
        )
        conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        # A process killed at any moment loses nothing committed in WAL mode with NORMAL;
        # only a power cut may lose the last transactions.
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn

    @contextmanager
    def _transaction(self, conn: sqlite3.Connection) -> Iterator[None]:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _migrate(self) -> None:
        conn = self._conn()
        with self._transaction(conn):
            conn.execute("CREATE TABLE IF NOT EXISTS fs_meta (key TEXT PRIMARY KEY, value TEXT)")
            row = conn.execute("SELECT value FROM fs_meta WHERE key = 'schema_version'").fetchone()
            current = int(row[0]) if row else 0
            for version, sql in MIGRATIONS:
                if version > current:
                    for statement in render(sql, self.dialect):
                        conn.execute(statement)
                    current = version
            conn.execute(
                "INSERT INTO fs_meta (key, value) VALUES ('schema_version', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(current),),
            )

    def begin_ingest(self, batch_id: str) -> _SQLiteIngest:
        return _SQLiteIngest(self, batch_id)


class _SQLiteIngest:
    """One upload: its own connection and one write transaction, opened at the first chunk."""

    def __init__(self, store: SQLiteTaskStore, batch_id: str) -> None:
        self._store = store
        self._batch_id = batch_id
        self._lock = threading.Lock()  # add/commit/rollback may come from different threads
        self._conn: sqlite3.Connection | None = None

    def add(self, tasks: Sequence[NewTask], credentials: Sequence[tuple[str, bytes]]) -> None:
        with self._lock:
            self._add(tasks, credentials)

    def _add(self, tasks: Sequence[NewTask], credentials: Sequence[tuple[str, bytes]]) -> None:
        if self._conn is None:
            self._conn = self._store._connect()
            self._conn.execute("BEGIN IMMEDIATE")
        cur = self._conn.cursor()
        if credentials:
            self._store.upsert_credentials(cur, credentials)
        self._store._insert_tasks(cur, self._batch_id, tasks)
        cur.close()

    def commit(self) -> None:
        with self._lock:
            self._end(commit=True)

    def rollback(self) -> None:
        with self._lock:
            self._end(commit=False)

    def _end(self, *, commit: bool) -> None:
        if self._conn is not None:
            try:
                self._conn.execute("COMMIT" if commit else "ROLLBACK")
            finally:
                self._conn.close()
                self._conn = None
