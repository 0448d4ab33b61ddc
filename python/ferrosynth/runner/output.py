"""The output: one JSONL line per request, appended and ``fsync``-ed in groups.

A line, in the OpenAI Batch API's output shape plus the runner's accounting::

    {"custom_id": "q-1",
     "response": {"status_code": 200, "body": {<the chat.completion object>}},
     "error": null,
     "usage": {"prompt_tokens": 12, "completion_tokens": 30, "total_tokens": 42},
     "cached": false, "cost": 0.0000198}

A failed request has ``"error": {"code": ..., "message": ...}``, ``"response"`` with the HTTP
status and body when the server answered (else null), ``"usage": null`` and ``"cost": 0``.
``cost`` is in US dollars, null when the model's price is unknown.

Lines are in completion order, not input order (as with the OpenAI Batch API): join on
``custom_id``. The file is only ever appended to. :class:`OutputLog` batches the lines that
complete while the previous group is being written ("group commit"), so one ``fsync`` covers
many answers; an answer counts as done only once its group is durable and in the resume record.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from ferrosynth.runner.resume import DoneEntry, ResumeRecord

__all__ = ["OutputLog", "error_line", "success_line"]


def _cost_json(cost: Decimal | None) -> bytes:
    return b"null" if cost is None else orjson.dumps(float(cost))


def success_line(
    custom_id: str,
    status: int,
    body: bytes | dict[str, Any],
    *,
    input_tokens: int,
    output_tokens: int,
    cached: bool,
    cost: Decimal | None,
) -> bytes:
    """One output line for an answer. ``body`` may be the raw JSON bytes of the response
    (spliced in unchanged when it is one line) or a parsed object."""
    raw = orjson.dumps(body) if isinstance(body, dict) or b"\n" in body else body
    usage = b'{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}' % (
        input_tokens,
        output_tokens,
        input_tokens + output_tokens,
    )
    return b'{"custom_id":%s,"response":{"status_code":%d,"body":%s},"error":null,' % (
        orjson.dumps(custom_id),
        status,
        raw,
    ) + b'"usage":%s,"cached":%s,"cost":%s}\n' % (
        usage,
        b"true" if cached else b"false",
        _cost_json(cost),
    )


def error_line(
    custom_id: str, code: str, message: str, *, status: int | None, body: Any = None
) -> bytes:
    """One output line for a request that failed for good."""
    response = None if status is None else {"status_code": status, "body": body}
    return (
        orjson.dumps(
            {
                "custom_id": custom_id,
                "response": response,
                "error": {"code": code, "message": message},
                "usage": None,
                "cached": False,
                "cost": 0,
            }
        )
        + b"\n"
    )


class OutputLog:
    """Append-only, group-committed writer of an output file and its resume record.

    ``add`` is called from the event loop for each finished request; :meth:`run` writes what
    has gathered (one ``write``, one ``fsync``, one record transaction, off the loop) and calls
    ``on_commit`` with the entries that are now durable.
    """

    def __init__(
        self,
        path: Path,
        record: ResumeRecord,
        *,
        on_commit: Callable[[Sequence[DoneEntry]], None],
        fsync: bool = True,
    ) -> None:
        self.path = path
        self.record = record
        self.on_commit = on_commit
        self.fsync = fsync
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._offset = os.fstat(self._fd).st_size
        self._lines: list[bytes] = []
        self._entries: list[DoneEntry] = []
        self._wake = asyncio.Event()
        self._committed = asyncio.Event()
        self._closing = False
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="ferrosynth-output")
        self.commits = 0

    def add(self, line: bytes, entry: DoneEntry) -> None:
        self._lines.append(line)
        self._entries.append(entry)
        self._wake.set()

    @property
    def pending(self) -> int:
        return len(self._lines)

    async def wait_below(self, limit: int) -> None:
        """Wait until fewer than ``limit`` lines wait for their commit: the back-pressure that
        keeps memory flat when the disk is slower than the answers (a slow ``fsync``)."""
        while len(self._lines) >= limit and not self._closing:
            self._committed.clear()
            await self._committed.wait()

    def _commit(self, lines: list[bytes], entries: list[DoneEntry]) -> None:
        data = memoryview(b"".join(lines))
        while data:
            written = os.write(self._fd, data)
            data = data[written:]
        if self.fsync:
            os.fsync(self._fd)
        self._offset += sum(map(len, lines))
        self.record.record(entries, self._offset)

    async def _flush(self) -> None:
        lines, entries = self._lines, self._entries
        self._lines, self._entries = [], []
        self._wake.clear()
        if not lines:
            return
        loop = asyncio.get_running_loop()
        # Shielded: a cancelled run still finishes the write it started, so that the file and
        # the record agree.
        await asyncio.shield(loop.run_in_executor(self._executor, self._commit, lines, entries))
        self.commits += 1
        self.on_commit(entries)
        self._committed.set()

    async def run(self) -> None:
        """Commit groups until :meth:`close` is called, then commit the rest."""
        while not self._closing:
            await self._wake.wait()
            await self._flush()
        await self._flush()

    async def close(self) -> None:
        self._closing = True
        self._wake.set()
        self._committed.set()

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True)
        os.close(self._fd)
