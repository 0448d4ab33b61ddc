"""The task store's batch aggregate (§6.2), on both stores, and the migration that serves it."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from ferrosynth.store.migrations import MIGRATIONS, render
from ferrosynth.store.sql_tasks import _BATCH_GROUPS
from ferrosynth.store.tasks import NewTask, TaskOutcome, open_task_store


def _tasks(prefix: str, n: int) -> list[NewTask]:
    url = "http://127.0.0.1:9/v1"
    return [
        NewTask(
            f"{prefix}-{i}",
            None,
            url,
            "POST",
            f'{{"q":{i}}}',
            f"{prefix}-k{i}",
            True,
            True,
            None,
            None,
            None,
        )
        for i in range(n)
    ]


def _ingest(store: object, batch_id: str, tasks: list[NewTask]) -> None:
    ingest = store.begin_ingest(batch_id)  # type: ignore[attr-defined]
    ingest.add(tasks, [])
    ingest.commit()


def test_batch_aggregate_counts_every_state_and_orders_newest_first(store_url: str) -> None:
    store = open_task_store(store_url)
    try:
        _ingest(store, "old", _tasks("o", 3))
        time.sleep(0.01)
        _ingest(store, "new", _tasks("n", 10))
        claimed = [t for t in store.claim("w1", 13) if t.batch_id == "new"]
        assert len(claimed) == 10
        t0 = time.time()
        outcomes = [
            # two fresh answers, one cached copy, two failures; three stay PROCESSING
            TaskOutcome(claimed[0].seq, "COMPLETED", "{}", 10, 5, 15, t0 + 1, 7),
            TaskOutcome(claimed[1].seq, "COMPLETED", "{}", 20, 6, 26, t0 + 3, 8),
            TaskOutcome(claimed[2].seq, "COMPLETED", "{}", 99, 99, 198, t0 + 2, 0, cached=True),
            TaskOutcome(claimed[3].seq, "FAILED", '{"error":"x"}', 0, 0, 0, t0 + 4, 9),
            TaskOutcome(claimed[4].seq, "FAILED", '{"error":"y"}', 0, 0, 0, t0 + 2, 9),
        ]
        assert store.finish("w1", outcomes) == 5
        store.unregister("w1")  # unfinished claims go back to the queue, still PROCESSING
        assert [t.batch_id for t in store.claim("w2", 3)] == ["old"] * 3

        row = store.batch("new")
        assert row is not None
        assert row.total == 10
        assert row.completed_fresh == 2
        assert row.completed_all == 3
        assert row.cached == 1
        assert row.failed == 2
        assert row.processing == 5  # claimed tasks with track_progress are PROCESSING
        assert (row.prompt_tokens, row.completion_tokens, row.total_tokens) == (30, 11, 41)
        assert row.completed_at == pytest.approx(t0 + 4)
        assert row.started_at is not None
        assert row.started_at <= t0
        old = store.batch("old")
        assert old is not None
        assert (old.total, old.completed_all) == (3, 0)
        assert old.started_at is not None  # the first claim took them too
        assert row.created_at > old.created_at

        listed = store.batches()
        assert [b.batch_id for b in listed] == ["new", "old"]
        assert listed[0] == row
        assert store.batch("missing") is None
    finally:
        store.close()


def test_batch_aggregate_is_read_from_the_covering_index(tmp_path: Path) -> None:
    store = open_task_store(str(tmp_path / "t.db"))
    store.close()
    conn = sqlite3.connect(tmp_path / "t.db")
    plan = " ".join(
        str(r[3])
        for r in conn.execute(
            "EXPLAIN QUERY PLAN " + _BATCH_GROUPS.format(where="WHERE batch_id = ?"), ("b",)
        )
    )
    conn.close()
    # a poll of GET /batches/{id} must not visit the table's rows (one B-tree descent per task)
    assert "COVERING INDEX fs_tasks_agg" in plan, plan


def test_a_version_1_store_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path)
    for statement in render(MIGRATIONS[0][1], "sqlite"):
        conn.execute(statement)
    conn.execute("CREATE TABLE fs_meta (key TEXT PRIMARY KEY, value TEXT)")
    conn.execute("INSERT INTO fs_meta VALUES ('schema_version', '1')")
    conn.commit()
    conn.close()

    open_task_store(str(path)).close()

    conn = sqlite3.connect(path)
    version = conn.execute("SELECT value FROM fs_meta WHERE key = 'schema_version'").fetchone()
    index = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'fs_tasks_agg'"
    ).fetchall()
    conn.close()
    assert version == (str(MIGRATIONS[-1][0]),)
    assert index == [("fs_tasks_agg",)]


def test_store_only_statements_are_rendered_for_their_store() -> None:
    sql = "CREATE TABLE a (x {real}); [sqlite] CREATE INDEX i ON a (x); [postgresql] SELECT 1"
    assert render(sql, "sqlite") == ["CREATE TABLE a (x REAL)", "CREATE INDEX i ON a (x)"]
    assert render(sql, "postgresql") == ["CREATE TABLE a (x DOUBLE PRECISION)", "SELECT 1"]
    assert not any("fs_tasks_agg" in s for s in render(MIGRATIONS[1][1], "postgresql"))
