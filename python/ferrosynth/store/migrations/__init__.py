"""The task store's schema, as numbered migrations applied in order by the server itself.

Each migration is SQL in one dialect-neutral spelling; ``{id}`` (the auto-increment key),
``{real}`` (a float column) and ``{blob}`` (bytes) are filled in per store; a statement that
starts with ``[sqlite]`` or ``[postgresql]`` is for that store only. A store records the
last applied version in ``fs_meta`` and applies what is missing inside one transaction (under an
advisory lock on PostgreSQL, so that several servers starting at once migrate once).
"""

from __future__ import annotations

__all__ = ["MIGRATIONS", "render"]

_V1 = """
CREATE TABLE IF NOT EXISTS fs_tasks (
    seq {id},
    message_id TEXT NOT NULL UNIQUE,
    batch_id TEXT NOT NULL,
    custom_id TEXT,
    url TEXT NOT NULL,
    method TEXT NOT NULL,
    body TEXT NOT NULL,
    cache_key TEXT NOT NULL,
    use_cache INTEGER NOT NULL,
    track_progress INTEGER NOT NULL,
    dataset TEXT,
    source TEXT,
    cred_id TEXT,
    status TEXT NOT NULL,
    cached INTEGER NOT NULL DEFAULT 0,
    completions TEXT,
    prompt_tokens BIGINT NOT NULL DEFAULT 0,
    completion_tokens BIGINT NOT NULL DEFAULT 0,
    total_tokens BIGINT NOT NULL DEFAULT 0,
    created_at {real} NOT NULL,
    started_at {real},
    completed_at {real},
    duration_ms BIGINT,
    worker TEXT,
    claims INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS fs_tasks_batch ON fs_tasks (batch_id, seq);
CREATE INDEX IF NOT EXISTS fs_tasks_cache ON fs_tasks (cache_key) WHERE status = 'COMPLETED';
CREATE INDEX IF NOT EXISTS fs_tasks_queue ON fs_tasks (seq)
    WHERE worker IS NULL AND status IN ('PENDING', 'PROCESSING');
CREATE INDEX IF NOT EXISTS fs_tasks_worker ON fs_tasks (worker) WHERE worker IS NOT NULL;
CREATE INDEX IF NOT EXISTS fs_tasks_cred ON fs_tasks (cred_id) WHERE cred_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS fs_credentials (
    cred_id TEXT PRIMARY KEY,
    secret {blob} NOT NULL,
    touched_at {real} NOT NULL
);
CREATE TABLE IF NOT EXISTS fs_workers (
    worker_id TEXT PRIMARY KEY,
    heartbeat {real} NOT NULL
)
"""

# SQLite: a batch's aggregate (GET /batches/{id}, polled by every client) read from one index
# alone; without it each poll visits every row of the batch in the table (a B-tree descent per
# task), 2.2x the CPU. Not on PostgreSQL: there an index-only scan needs the visibility map,
# which the rows of a batch being processed never have (each poll read the heap anyway), and
# every claim and every outcome (non-HOT updates) would pay for one more index entry: +7 µs of
# database CPU per task, measured.
_V2 = """
[sqlite] CREATE INDEX IF NOT EXISTS fs_tasks_agg ON fs_tasks (batch_id, status, cached, created_at,
    started_at, completed_at, prompt_tokens, completion_tokens, total_tokens)
"""

#: (version, SQL statements separated by ';').
MIGRATIONS: tuple[tuple[int, str], ...] = ((1, _V1), (2, _V2))

_DIALECTS = {
    "sqlite": {"id": "INTEGER PRIMARY KEY AUTOINCREMENT", "real": "REAL", "blob": "BLOB"},
    "postgresql": {"id": "BIGSERIAL PRIMARY KEY", "real": "DOUBLE PRECISION", "blob": "BYTEA"},
}


def render(sql: str, dialect: str) -> list[str]:
    """The statements of one migration in one dialect."""
    text = sql.format(**_DIALECTS[dialect])
    out = []
    for part in text.split(";"):
        statement = part.strip()
        if statement.startswith("["):
            only, _, statement = statement[1:].partition("]")
            if only != dialect:
                continue
            statement = statement.strip()
        if statement:
            out.append(statement)
    return out
