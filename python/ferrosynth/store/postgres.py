"""The shared task store: PostgreSQL (psycopg 3), for several servers on several machines.

Workers claim with ``FOR UPDATE SKIP LOCKED``, so any number of ``ferrosynth server --role worker``
processes share one queue without processing a task twice. The schema is created and migrated by
whichever server starts first (under an advisory lock). Uploads go in with ``COPY``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

from ferrosynth.store.errors import StoreError
from ferrosynth.store.migrations import MIGRATIONS, render
from ferrosynth.store.sql_tasks import INSERT_COLS, SQLTaskStore, task_rows
from ferrosynth.store.tasks import NewTask

__all__ = ["PostgresTaskStore"]

_MIGRATION_LOCK = 0x66_73_74_6F  # "fsto": one advisory lock id for schema changes


def _redact(url: str) -> str:
    """The URL without its password, for messages and the health page."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


class PostgresTaskStore(SQLTaskStore):
    """:class:`~ferrosynth.store.tasks.TaskStore` on PostgreSQL."""

    dialect = "postgresql"
    lock_clause = "FOR UPDATE SKIP LOCKED"

    def __init__(self, url: str) -> None:
        super().__init__()
        try:
            import psycopg  # noqa: F401
        except ImportError as e:  # pragma: no cover - the `server` extra brings it
            raise StoreError(
                "a postgresql:// store needs psycopg: pip install 'ferrosynth[server]'"
            ) from e
        self._url = url
        self.url_for_display = _redact(url)
        try:
            self._migrate()
        except Exception as e:
            if isinstance(e, StoreError):
                raise
            raise StoreError(f"cannot open the task store {self.url_for_display}: {e}") from e

    def _connect(self) -> Any:
        import psycopg

        return psycopg.connect(self._url, autocommit=True)

    def _transaction(self, conn: Any) -> AbstractContextManager[Any]:
        tx: AbstractContextManager[Any] = conn.transaction()
        return tx

    def _q(self, sql: str) -> str:
        return sql.replace("?", "%s")

    def _migrate(self) -> None:
        conn = self._conn()
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS fs_meta (key TEXT PRIMARY KEY, value TEXT)")
            row = conn.execute("SELECT value FROM fs_meta WHERE key = 'schema_version'").fetchone()
            current = int(row[0]) if row else 0
            for version, sql in MIGRATIONS:
                if version > current:
                    for statement in render(sql, self.dialect):
                        conn.execute(statement)
                    current = version
            conn.execute(
                "INSERT INTO fs_meta (key, value) VALUES ('schema_version', %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(current),),
            )

    def _insert_tasks(self, cur: Any, batch_id: str, tasks: Sequence[NewTask]) -> None:
        with cur.copy(f"COPY fs_tasks ({INSERT_COLS}) FROM STDIN") as copy:
            write_row = copy.write_row
            for row in task_rows(batch_id, tasks):
                write_row(row)

    def begin_ingest(self, batch_id: str) -> _PostgresIngest:
        return _PostgresIngest(self, batch_id)


class _PostgresIngest:
    """One upload: its own connection and one transaction."""

    def __init__(self, store: PostgresTaskStore, batch_id: str) -> None:
        self._store = store
        self._batch_id = batch_id
        self._lock = threading.Lock()  # add/commit/rollback may come from different threads
        self._conn: Any = None

    def add(self, tasks: Sequence[NewTask], credentials: Sequence[tuple[str, bytes]]) -> None:
        with self._lock:
            self._add(tasks, credentials)

    def _add(self, tasks: Sequence[NewTask], credentials: Sequence[tuple[str, bytes]]) -> None:
        if self._conn is None:
            import psycopg

            self._conn = psycopg.connect(self._store._url, autocommit=False)
        with self._conn.cursor() as cur:
            if credentials:
                self._store.upsert_credentials(cur, credentials)
            self._store._insert_tasks(cur, self._batch_id, tasks)

    def commit(self) -> None:
        with self._lock:
            self._end(commit=True)

    def rollback(self) -> None:
        with self._lock:
            self._end(commit=False)

    def _end(self, *, commit: bool) -> None:
        if self._conn is not None:
            try:
                if commit:
                    self._conn.commit()
                else:
                    self._conn.rollback()
            finally:
                self._conn.close()
                self._conn = None
