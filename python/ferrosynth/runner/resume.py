"""The resume record: which requests of an output file are answered, in SQLite beside it.

The output JSONL is the truth; the record is an index of it. Every group of answers is appended
to the output and ``fsync``-ed *first*; only then is it entered here, with the byte offset of the
output that the record now covers. So after a crash the record never claims more than the file
holds, and :meth:`ResumeRecord.reconcile` brings it up to date by reading the output from that
offset on (after cutting a torn last line, which a crash in the middle of a write can leave).
Lookups are indexed, so memory does not grow with the number of requests.

The record lives at ``OUTPUT.resume.sqlite`` (SQLite, WAL); deleting it is safe (it is rebuilt
from the output), deleting the output while keeping it is detected and the record is rebuilt.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import orjson

__all__ = ["DoneEntry", "ResumeRecord", "record_path", "repair_tail"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS done (custom_id TEXT PRIMARY KEY, ok INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS seen (custom_id TEXT PRIMARY KEY, line TEXT NOT NULL) WITHOUT ROWID;
"""
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class DoneEntry:
    """What the record keeps of one output line."""

    custom_id: str
    ok: bool
    cost: Decimal | None
    input_tokens: int
    output_tokens: int
    cached: bool = False


def record_path(output: Path) -> Path:
    """Where the resume record of ``output`` lives."""
    return output.with_name(output.name + ".resume.sqlite")


def repair_tail(path: Path) -> int:
    """Cut a torn last line (no final newline) off ``path``; return the file's size after."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return 0
    if size == 0:
        return 0
    with path.open("rb+") as handle:
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return size
        # Walk back to the last newline; everything after it is a partial write.
        pos = size
        keep = 0
        while pos > 0:
            start = max(0, pos - _CHUNK)
            handle.seek(start)
            block = handle.read(pos - start)
            cut = block.rfind(b"\n")
            if cut >= 0:
                keep = start + cut + 1
                break
            pos = start
        handle.truncate(keep)
        handle.flush()
        os.fsync(handle.fileno())
        return keep


def entry_of(line: bytes) -> DoneEntry | None:
    """The :class:`DoneEntry` of one output line; None for a line that is not one of ours."""
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("custom_id"), str):
        return None
    usage = data.get("usage") or {}
    cost = data.get("cost")
    return DoneEntry(
        custom_id=data["custom_id"],
        ok=data.get("error") is None,
        cost=Decimal(str(cost)) if isinstance(cost, (int, float)) else None,
        input_tokens=int(usage.get("prompt_tokens") or 0),
        output_tokens=int(usage.get("completion_tokens") or 0),
        cached=data.get("cached") is True,
    )


@dataclass(frozen=True, slots=True)
class Totals:
    """Everything recorded so far for one output."""

    answered: int = 0
    failed: int = 0
    spent_usd: Decimal = Decimal(0)
    input_tokens: int = 0
    output_tokens: int = 0


class ResumeRecord:
    """The index of an output file's answered requests (see the module docs)."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.path = record_path(output)
        self._db = self._connect()
        self._reader = self._connect()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        return db

    def close(self) -> None:
        self._reader.close()
        self._db.close()

    # -- totals -------------------------------------------------------------------------------
    def _meta(self, db: sqlite3.Connection | None = None) -> dict[str, str]:
        return dict((db or self._reader).execute("SELECT key, value FROM meta").fetchall())

    def totals(self) -> Totals:
        meta = self._meta()
        return Totals(
            answered=int(meta.get("answered", 0)),
            failed=int(meta.get("failed", 0)),
            spent_usd=Decimal(meta.get("spent_usd", "0")),
            input_tokens=int(meta.get("input_tokens", 0)),
            output_tokens=int(meta.get("output_tokens", 0)),
        )

    @property
    def offset(self) -> int:
        return int(self._meta().get("offset", 0))

    # -- writing ------------------------------------------------------------------------------
    def record(self, entries: Sequence[DoneEntry], offset: int) -> None:
        """Enter answers that are already durable in the output, up to byte ``offset``."""
        db = self._db
        meta = self._meta(db)
        answered = int(meta.get("answered", 0))
        failed = int(meta.get("failed", 0))
        spent = Decimal(meta.get("spent_usd", "0"))
        tokens_in = int(meta.get("input_tokens", 0))
        tokens_out = int(meta.get("output_tokens", 0))
        rows = []
        for entry in entries:
            rows.append((entry.custom_id, int(entry.ok)))
            if entry.ok:
                answered += 1
            else:
                failed += 1
            if entry.cost is not None:
                spent += entry.cost
            tokens_in += entry.input_tokens
            tokens_out += entry.output_tokens
        db.execute("BEGIN")
        try:
            db.executemany("INSERT OR IGNORE INTO done VALUES (?, ?)", rows)
            db.executemany(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                [
                    ("offset", str(offset)),
                    ("answered", str(answered)),
                    ("failed", str(failed)),
                    ("spent_usd", str(spent)),
                    ("input_tokens", str(tokens_in)),
                    ("output_tokens", str(tokens_out)),
                ],
            )
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def reconcile(self) -> int:
        """Repair the output's tail and enter every line past the recorded offset; return how
        many lines were added. Rebuilds from scratch when the output is shorter than recorded."""
        size = repair_tail(self.output)
        offset = self.offset
        if size < offset:  # the output was replaced or truncated: start the index anew
            self._db.executescript("DELETE FROM done; DELETE FROM meta;")
            offset = 0
        if size == offset:
            return 0
        added = 0
        batch: list[DoneEntry] = []
        with self.output.open("rb") as handle:
            handle.seek(offset)
            position = offset
            for line in handle:
                position += len(line)
                entry = entry_of(line)
                if entry is not None:
                    batch.append(entry)
                    added += 1
                if len(batch) >= 10_000:
                    self.record(batch, position)
                    batch = []
            self.record(batch, position)
        return added

    # -- reading ------------------------------------------------------------------------------
    def done_among(self, custom_ids: Iterable[str]) -> set[str]:
        """Which of ``custom_ids`` have an answer (or a final error) in the output."""
        ids = list(custom_ids)
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                row[0]
                for row in self._reader.execute(
                    f"SELECT custom_id FROM done WHERE custom_id IN ({marks})", chunk
                )
            )
        return found

    # -- the input check's duplicate detector -------------------------------------------------
    def start_check(self) -> None:
        self._db.execute("DELETE FROM seen")
        self._db.execute("BEGIN")

    def first_seen(self, rows: Sequence[tuple[str, str]]) -> tuple[str, str, str] | None:
        """Enter ``(custom_id, where)`` rows; return ``(custom_id, where, first_where)`` of
        the first duplicate, if any."""
        try:
            self._db.executemany("INSERT INTO seen VALUES (?, ?)", rows)
        except sqlite3.IntegrityError:
            for custom_id, where in rows:
                first = self._db.execute(
                    "SELECT line FROM seen WHERE custom_id = ?", (custom_id,)
                ).fetchone()
                if first is not None and first[0] != where:
                    return custom_id, where, str(first[0])
                if first is None:
                    self._db.execute("INSERT INTO seen VALUES (?, ?)", (custom_id, where))
        return None

    def end_check(self) -> None:
        self._db.execute("DELETE FROM seen")
        self._db.execute("COMMIT")
