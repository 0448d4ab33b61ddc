"""The SQL both task stores share; the subclasses supply connections and a few dialect details.

Queries are written with ``?`` placeholders and rewritten once per store (``%s`` for psycopg).
Booleans are integers 0/1 and times are float seconds since the epoch in both databases, so one
row reader serves both.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

from ferrosynth.store.tasks import (
    BatchRow,
    ClaimedTask,
    NewTask,
    StatsRow,
    TaskOutcome,
    TaskRow,
    TaskStatus,
    TotalsRow,
)

__all__ = ["INSERT_COLS", "SQLTaskStore", "task_rows"]

_ROW_COLS = (
    "message_id, batch_id, custom_id, status, body, completions, cached, created_at, "
    "started_at, completed_at, duration_ms, dataset, source"
)
#: The columns of a new task, in the order of :func:`task_rows`' tuples.
INSERT_COLS = (
    "message_id, batch_id, custom_id, url, method, body, cache_key, use_cache, track_progress, "
    "dataset, source, cred_id, status, created_at"
)
# One row per (batch, status, cached) group, read from the covering index fs_tasks_agg and
# folded into a BatchRow in Python: a handful of groups instead of thirteen CASE sums per task.
_BATCH_GROUPS = (
    "SELECT batch_id, status, cached, COUNT(*), MIN(created_at), MIN(started_at), "
    "MAX(completed_at), SUM(prompt_tokens), SUM(completion_tokens), SUM(total_tokens), "
    "MAX(created_at) FROM fs_tasks {where} GROUP BY batch_id, status, cached"
)

Cursor = Any
Connection = Any


_task_row = TaskRow._make


def task_rows(batch_id: str, tasks: Sequence[NewTask]) -> Iterator[tuple[Any, ...]]:
    """The rows of an upload chunk, ``INSERT_COLS`` in order: what both stores write (SQLite
    with ``executemany``, PostgreSQL with ``COPY``)."""
    now = time.time()
    for t in tasks:
        yield (
            t.message_id, batch_id, t.custom_id, t.url, t.method, t.body, t.cache_key,
            int(t.use_cache), int(t.track_progress), t.dataset, t.source, t.cred_id,
            "PENDING", now,
        )  # fmt: skip


def _batch_rows(groups: Sequence[Sequence[Any]]) -> list[BatchRow]:
    """Fold ``_BATCH_GROUPS`` rows into one :class:`BatchRow` per batch (§6.2's counters),
    newest first (by the latest task ``created_at``)."""
    acc: dict[str, list[Any]] = {}
    for g in groups:
        bid, status, cached, n, created, started, completed, prompt, completion, total, last = g
        a = acc.get(bid)
        if a is None:
            # total, completed_fresh, completed_all, failed, processing, cached, created_at,
            # started_at, completed_at, prompt, completion, total tokens, latest created_at
            a = acc[bid] = [0, 0, 0, 0, 0, 0, None, None, None, 0, 0, 0, last]
        n = int(n)
        a[0] += n
        if status == "COMPLETED":
            a[2] += n
            if not cached:
                a[1] += n
        elif status == "FAILED":
            a[3] += n
        elif status == "PROCESSING":
            a[4] += n
        if cached:
            a[5] += n
        else:
            a[9] += int(prompt or 0)
            a[10] += int(completion or 0)
            a[11] += int(total or 0)
        if created is not None and (a[6] is None or created < a[6]):
            a[6] = created
        if started is not None and (a[7] is None or started < a[7]):
            a[7] = started
        if completed is not None and (a[8] is None or completed > a[8]):
            a[8] = completed
        if last > a[12]:
            a[12] = last
    ordered = sorted(acc.items(), key=lambda item: item[1][12], reverse=True)
    return [
        BatchRow(
            batch_id=bid,
            total=a[0],
            completed_fresh=a[1],
            completed_all=a[2],
            failed=a[3],
            processing=a[4],
            cached=a[5],
            created_at=float(a[6]),
            started_at=a[7],
            completed_at=a[8],
            prompt_tokens=a[9],
            completion_tokens=a[10],
            total_tokens=a[11],
        )
        for bid, a in ordered
    ]


class SQLTaskStore:
    """The shared implementation of :class:`~ferrosynth.store.tasks.TaskStore`."""

    dialect: str = ""
    url_for_display: str = ""
    #: ``FOR UPDATE SKIP LOCKED`` where the database has it.
    lock_clause: str = ""

    def __init__(self) -> None:
        self._local = threading.local()
        self._all: list[Connection] = []
        self._all_lock = threading.Lock()
        # Writers of this process take turns here rather than in the database's lock, whose
        # busy handler sleeps (SQLite backs off by milliseconds). PostgreSQL needs no turn.
        self._write_lock: Any = contextlib.nullcontext()

    # --- what a dialect supplies -------------------------------------------------------------
    def _connect(self) -> Connection:
        raise NotImplementedError

    def _transaction(self, conn: Connection) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def _q(self, sql: str) -> str:
        return sql

    def _insert_tasks(self, cur: Cursor, batch_id: str, tasks: Sequence[NewTask]) -> None:
        cur.executemany(
            self._q(f"INSERT INTO fs_tasks ({INSERT_COLS}) VALUES ({', '.join('?' * 14)})"),
            task_rows(batch_id, tasks),
        )

    # --- connections --------------------------------------------------------------------------
    def _conn(self) -> Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            with self._all_lock:
                self._all.append(conn)
        return conn

    def _write(self, fn: Callable[[Cursor], Any]) -> Any:
        conn = self._conn()
        with self._write_lock, self._transaction(conn):
            cur = conn.cursor()
            try:
                return fn(cur)
            finally:
                cur.close()

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        cur = self._conn().cursor()
        try:
            cur.execute(self._q(sql), tuple(params))
            return list(cur.fetchall())
        finally:
            cur.close()

    def close(self) -> None:
        with self._all_lock:
            conns, self._all = self._all, []
        for conn in conns:
            with contextlib.suppress(Exception):  # closing on shutdown, from any thread
                conn.close()
        self._local = threading.local()

    # --- ingest -------------------------------------------------------------------------------
    def upsert_credentials(self, cur: Cursor, credentials: Sequence[tuple[str, bytes]]) -> None:
        now = time.time()
        cur.executemany(
            self._q(
                "INSERT INTO fs_credentials (cred_id, secret, touched_at) VALUES (?, ?, ?) "
                "ON CONFLICT (cred_id) DO UPDATE SET secret = excluded.secret, "
                "touched_at = excluded.touched_at"
            ),
            [(cid, secret, now) for cid, secret in credentials],
        )

    # --- workers ------------------------------------------------------------------------------
    def heartbeat(self, worker_id: str) -> None:
        now = time.time()
        self._write(
            lambda cur: cur.execute(
                self._q(
                    "INSERT INTO fs_workers (worker_id, heartbeat) VALUES (?, ?) "
                    "ON CONFLICT (worker_id) DO UPDATE SET heartbeat = excluded.heartbeat"
                ),
                (worker_id, now),
            )
        )

    def unregister(self, worker_id: str) -> None:
        """A clean shutdown: the worker's unfinished claims go back to the queue at once."""

        def run(cur: Cursor) -> None:
            cur.execute(
                self._q(
                    "UPDATE fs_tasks SET worker = NULL WHERE worker = ? "
                    "AND status IN ('PENDING', 'PROCESSING')"
                ),
                (worker_id,),
            )
            cur.execute(self._q("DELETE FROM fs_workers WHERE worker_id = ?"), (worker_id,))

        self._write(run)

    def release_stale(self, ttl_s: float) -> int:
        """Claims of workers silent for ``ttl_s`` go back to the queue; returns how many."""
        cutoff = time.time() - ttl_s

        def run(cur: Cursor) -> int:
            cur.execute(
                self._q(
                    "UPDATE fs_tasks SET worker = NULL WHERE worker IS NOT NULL "
                    "AND status IN ('PENDING', 'PROCESSING') AND worker NOT IN "
                    "(SELECT worker_id FROM fs_workers WHERE heartbeat >= ?)"
                ),
                (cutoff,),
            )
            released = int(cur.rowcount or 0)
            cur.execute(self._q("DELETE FROM fs_workers WHERE heartbeat < ?"), (cutoff,))
            return released

        result: int = self._write(run)
        return result

    def claim(self, worker_id: str, limit: int) -> list[ClaimedTask]:
        """Up to ``limit`` queued tasks, now owned by ``worker_id``.

        Tasks whose answer is in the cache are finished inside the same transaction (a copy of
        an earlier COMPLETED task's answer, ``cached`` set) and are not returned.
        """
        now = time.time()

        def run(cur: Cursor) -> list[ClaimedTask]:
            cur.execute(
                self._q(
                    "UPDATE fs_tasks SET worker = ?, started_at = ?, claims = claims + 1, "
                    "status = CASE WHEN track_progress = 1 THEN 'PROCESSING' ELSE status END "
                    "WHERE seq IN (SELECT seq FROM fs_tasks WHERE worker IS NULL "
                    "AND status IN ('PENDING', 'PROCESSING') ORDER BY seq LIMIT ? "
                    f"{self.lock_clause}) "
                    "RETURNING seq, message_id, batch_id, url, body, cache_key, use_cache, cred_id"
                ),
                (worker_id, now, limit),
            )
            rows = cur.fetchall()
            if not rows:
                return []
            wanted = sorted({r[5] for r in rows if r[6]})
            hits: dict[str, Sequence[Any]] = {}
            for i in range(0, len(wanted), 500):
                part = wanted[i : i + 500]
                marks = ", ".join("?" * len(part))
                cur.execute(
                    self._q(
                        "SELECT cache_key, completions, duration_ms, prompt_tokens, "
                        "completion_tokens, total_tokens FROM fs_tasks "
                        f"WHERE status = 'COMPLETED' AND cache_key IN ({marks})"
                    ),
                    tuple(part),
                )
                for hit in cur.fetchall():
                    hits.setdefault(hit[0], hit)
            cached = [r for r in rows if r[6] and r[5] in hits]
            if cached:
                cur.executemany(
                    self._q(
                        "UPDATE fs_tasks SET status = 'COMPLETED', cached = 1, completions = ?, "
                        "duration_ms = ?, prompt_tokens = ?, completion_tokens = ?, "
                        "total_tokens = ?, completed_at = ?, worker = NULL, cred_id = NULL "
                        "WHERE seq = ?"
                    ),
                    [
                        (hit[1], hit[2], hit[3], hit[4], hit[5], now, r[0])
                        for r in cached
                        for hit in (hits[r[5]],)
                    ],
                )
            todo = [r for r in rows if not (r[6] and r[5] in hits)]
            creds = sorted({r[7] for r in todo if r[7]})
            secrets: dict[str, bytes] = {}
            for i in range(0, len(creds), 500):
                part = creds[i : i + 500]
                marks = ", ".join("?" * len(part))
                cur.execute(
                    self._q(
                        f"SELECT cred_id, secret FROM fs_credentials WHERE cred_id IN ({marks})"
                    ),
                    tuple(part),
                )
                secrets.update((cid, bytes(secret)) for cid, secret in cur.fetchall())
            return [
                ClaimedTask(
                    seq=int(r[0]),
                    message_id=r[1],
                    batch_id=r[2],
                    url=r[3],
                    body=r[4],
                    cache_key=r[5],
                    use_cache=bool(r[6]),
                    cred_id=r[7],
                    secret=secrets.get(r[7]) if r[7] else None,
                    started_at=now,
                )
                for r in sorted(todo, key=lambda r: int(r[0]))
            ]

        result: list[ClaimedTask] = self._write(run)
        return result

    def finish(self, worker_id: str, outcomes: Sequence[TaskOutcome]) -> int:
        """Terminal states for claimed tasks; a task no longer owned (deleted, or reclaimed after
        this worker was presumed dead) is left alone. Returns how many were written."""
        if not outcomes:
            return 0

        def run(cur: Cursor) -> int:
            cur.executemany(
                self._q(
                    "UPDATE fs_tasks SET status = ?, cached = ?, completions = ?, "
                    "prompt_tokens = ?, completion_tokens = ?, total_tokens = ?, "
                    "completed_at = ?, duration_ms = ?, "
                    "worker = NULL, cred_id = NULL WHERE seq = ? AND worker = ?"
                ),
                [
                    (
                        o.status,
                        int(o.cached),
                        o.completions,
                        o.prompt_tokens,
                        o.completion_tokens,
                        o.total_tokens,
                        o.completed_at,
                        o.duration_ms,
                        o.seq,
                        worker_id,
                    )
                    for o in outcomes
                ],
            )
            return int(cur.rowcount or 0)

        result: int = self._write(run)
        return result

    def owned(self, worker_id: str) -> set[int]:
        """The tasks ``worker_id`` still owns (a task deleted meanwhile is not among them)."""
        rows = self._read("SELECT seq FROM fs_tasks WHERE worker = ?", (worker_id,))
        return {int(r[0]) for r in rows}

    def collect_credentials(self, older_than_s: float) -> int:
        """Wipe stored provider keys that no unfinished task needs any more."""
        cutoff = time.time() - older_than_s

        def run(cur: Cursor) -> int:
            cur.execute(
                self._q(
                    "DELETE FROM fs_credentials WHERE touched_at < ? AND NOT EXISTS "
                    "(SELECT 1 FROM fs_tasks t WHERE t.cred_id = fs_credentials.cred_id)"
                ),
                (cutoff,),
            )
            return int(cur.rowcount or 0)

        result: int = self._write(run)
        return result

    # --- reads --------------------------------------------------------------------------------
    def batch(self, batch_id: str) -> BatchRow | None:
        rows = _batch_rows(
            self._read(_BATCH_GROUPS.format(where="WHERE batch_id = ?"), (batch_id,))
        )
        return rows[0] if rows else None

    def batches(self) -> list[BatchRow]:
        """Every batch, newest first: by the latest task ``created_at``."""
        return _batch_rows(self._read(_BATCH_GROUPS.format(where="")))

    def export(
        self, batch_id: str, status: TaskStatus | None, chunk: int
    ) -> Iterator[list[TaskRow]]:
        """The batch's tasks in upload order, ``chunk`` at a time (keyset paging: each chunk is
        one short query, so a long export holds no transaction open)."""
        last = -1
        where = "batch_id = ? AND seq > ?" + (" AND status = ?" if status else "")
        while True:
            params: list[Any] = [batch_id, last]
            if status:
                params.append(status)
            params.append(chunk)
            rows = self._read(
                f"SELECT seq, {_ROW_COLS} FROM fs_tasks WHERE {where} ORDER BY seq LIMIT ?",
                params,
            )
            if not rows:
                return
            last = int(rows[-1][0])
            yield [_task_row(r[1:]) for r in rows]
            if len(rows) < chunk:
                return

    def count_tasks(self, batch_id: str, status: TaskStatus | None) -> int:
        if status:
            rows = self._read(
                "SELECT COUNT(*) FROM fs_tasks WHERE batch_id = ? AND status = ?",
                (batch_id, status),
            )
        else:
            rows = self._read("SELECT COUNT(*) FROM fs_tasks WHERE batch_id = ?", (batch_id,))
        return int(rows[0][0])

    def page(self, batch_id: str, status: TaskStatus, offset: int, limit: int) -> list[TaskRow]:
        rows = self._read(
            f"SELECT {_ROW_COLS} FROM fs_tasks WHERE batch_id = ? AND status = ? "
            "ORDER BY completed_at DESC, seq DESC LIMIT ? OFFSET ?",
            (batch_id, status, limit, offset),
        )
        return [_task_row(r) for r in rows]

    def task(self, message_id: str) -> TaskRow | None:
        rows = self._read(f"SELECT {_ROW_COLS} FROM fs_tasks WHERE message_id = ?", (message_id,))
        return _task_row(rows[0]) if rows else None

    def stats_rows(self, batch_id: str, since: float, until: float) -> list[StatsRow]:
        rows = self._read(
            "SELECT completed_at, status, cached, prompt_tokens, completion_tokens, total_tokens, "
            "duration_ms FROM fs_tasks WHERE batch_id = ? AND completed_at >= ? "
            "AND completed_at <= ? ORDER BY completed_at",
            (batch_id, since, until),
        )
        return [
            StatsRow(
                completed_at=float(r[0]),
                status=r[1],
                cached=bool(r[2]),
                prompt_tokens=int(r[3]),
                completion_tokens=int(r[4]),
                total_tokens=int(r[5]),
                duration_ms=None if r[6] is None else int(r[6]),
            )
            for r in rows
        ]

    def totals(self) -> TotalsRow:
        r = self._read(
            "SELECT COUNT(*), "
            "SUM(CASE WHEN status = 'COMPLETED' AND cached = 0 THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN status = 'FAILED' THEN 1 ELSE 0 END), SUM(cached), "
            "SUM(CASE WHEN status = 'PROCESSING' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN status = 'PENDING' THEN 1 ELSE 0 END), "
            "SUM(prompt_tokens), SUM(completion_tokens), SUM(total_tokens) FROM fs_tasks"
        )[0]
        return TotalsRow(*(int(v or 0) for v in r))

    def queue_depth(self) -> int:
        rows = self._read("SELECT COUNT(*) FROM fs_tasks WHERE status IN ('PENDING', 'PROCESSING')")
        return int(rows[0][0])

    def live_workers(self, ttl_s: float) -> int:
        rows = self._read(
            "SELECT COUNT(*) FROM fs_workers WHERE heartbeat >= ?", (time.time() - ttl_s,)
        )
        return int(rows[0][0])

    # --- deletes ------------------------------------------------------------------------------
    def delete_batch(self, batch_id: str) -> int:
        def run(cur: Cursor) -> int:
            cur.execute(self._q("DELETE FROM fs_tasks WHERE batch_id = ?"), (batch_id,))
            return int(cur.rowcount or 0)

        result: int = self._write(run)
        return result

    def delete_task(self, message_id: str) -> bool:
        def run(cur: Cursor) -> int:
            cur.execute(self._q("DELETE FROM fs_tasks WHERE message_id = ?"), (message_id,))
            return int(cur.rowcount or 0)

        return bool(self._write(run))
