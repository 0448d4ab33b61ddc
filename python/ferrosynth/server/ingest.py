"""Batch upload: a multipart stream parsed as it arrives, stored in chunks, committed at the end.

The request body is never held whole: bytes go through a streaming multipart parser into a line
splitter, complete lines are parsed into tasks, and every few thousand tasks go to the store
inside the upload's one transaction. The transaction commits before the reply, so the batch is
visible with its full total as soon as the upload call returns, and an upload that fails (too
large, disconnected) leaves nothing behind. Malformed lines are counted and reported, never fatal.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import itertools
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from ferrosynth.errors import FerrosynthError
from ferrosynth.server.keys import Keyring
from ferrosynth.store.tasks import NewTask

__all__ = [
    "UploadRejectedError",
    "UploadReport",
    "UploadTooLargeError",
    "cache_key",
    "new_message_ids",
    "read_upload",
]

_CHUNK_TASKS = 5000
_MAX_LINE_BYTES = 16 << 20
_MAX_REPORTED = 20


class UploadRejectedError(FerrosynthError):
    """The upload cannot be read as a batch; ``status`` is the HTTP status to answer."""

    def __init__(self, status: int, detail: Any) -> None:
        super().__init__(str(detail))
        self.status = status
        self.detail = detail


class UploadTooLargeError(UploadRejectedError):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"Upload larger than the limit of {limit} bytes")


@dataclass
class UploadReport:
    accepted: int = 0
    rejected: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def reject(self, line: int, reason: str) -> None:
        self.rejected += 1
        if len(self.errors) < _MAX_REPORTED:
            self.errors.append({"line": line, "error": reason})


def cache_key(body: Any) -> str:
    """The contract's cache key: SHA-256 of the body's canonical JSON (sorted keys, compact),
    base64. Non-ASCII text is hashed as UTF-8 where upstream escapes it; the key only ever meets
    keys made here."""
    canonical = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    return base64.b64encode(hashlib.sha256(canonical).digest()).decode()


_counter = itertools.count()


def new_message_ids(n: int) -> list[str]:
    """``n`` UUIDv7-shaped ids: the millisecond clock first, then a per-process counter, then
    random bits. Time-ordered ids land at the right edge of the store's index (inserts stay
    fast), and are unique across processes (40 random bits) and within one (the counter)."""
    prefix = f"{time.time_ns() // 1_000_000:012x}"
    head = f"{prefix[:8]}-{prefix[8:12]}-7"
    rnd = os.urandom(5 * n).hex()
    out = []
    for i in range(n):
        c = f"{next(_counter) & 0xFFFFFFFF:08x}"
        r = rnd[10 * i : 10 * i + 10]
        out.append(f"{head}{c[:3]}-8{c[3:6]}-{c[6:]}{r}")
    return out


def _opt_str(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else orjson.dumps(value).decode()


class _Lines:
    """Splits a byte stream into lines, bounding what one line may hold."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.out: list[bytes | None] = []  # None: a line that was too long
        self.oversized = False

    def feed(self, data: bytes) -> None:
        start = 0
        while True:
            nl = data.find(b"\n", start)
            if nl < 0:
                if not self.oversized:
                    self.buf += data[start:]
                    if len(self.buf) > _MAX_LINE_BYTES:
                        self.oversized = True
                        self.buf.clear()
                return
            if self.oversized:
                self.out.append(None)
                self.oversized = False
            else:
                if self.buf:
                    self.buf += data[start:nl]
                    self.out.append(bytes(self.buf))
                    self.buf.clear()
                else:
                    self.out.append(data[start:nl])
            start = nl + 1

    def finish(self) -> None:
        if self.oversized:
            self.out.append(None)
        elif self.buf:
            self.out.append(bytes(self.buf))
        self.buf.clear()
        self.oversized = False


class _TaskBuilder:
    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring
        self.report = UploadReport()
        self.line_no = 0
        self._cred_ids: dict[str, str] = {}
        self.new_credentials: list[tuple[str, bytes]] = []

    def build(self, lines: list[bytes | None]) -> list[NewTask]:
        # The hot loop of an upload: one pass per line, locals bound, checks inlined.
        tasks: list[NewTask] = []
        append = tasks.append
        ids = iter(new_message_ids(len(lines)))
        loads, dumps, sort_keys = orjson.loads, orjson.dumps, orjson.OPT_SORT_KEYS
        sha256, b64 = hashlib.sha256, base64.b64encode
        report, cred_ids = self.report, self._cred_ids
        line_no = self.line_no
        for raw in lines:
            line_no += 1
            if raw is None:
                report.reject(line_no, f"line longer than {_MAX_LINE_BYTES} bytes")
                continue
            try:
                obj = loads(raw)
            except orjson.JSONDecodeError as e:
                if raw.strip():
                    report.reject(line_no, f"not JSON: {e}")
                continue
            if not isinstance(obj, dict):
                report.reject(line_no, "not a JSON object")
                continue
            url, method, body = obj.get("url"), obj.get("method"), obj.get("body")
            if not isinstance(url, str) or not url:
                report.reject(line_no, "missing 'url'")
                continue
            if not isinstance(method, str):
                report.reject(line_no, "missing 'method'")
                continue
            if not isinstance(body, dict):
                report.reject(line_no, "'body' must be a JSON object")
                continue
            api_key = obj.get("api_key")
            cred_id = None
            if isinstance(api_key, str):
                cred_id = cred_ids.get(api_key)
                if cred_id is None:
                    cred_id = cred_ids[api_key] = self.keyring.key_id(api_key)
                    self.new_credentials.append((cred_id, self.keyring.seal(api_key)))
            custom_id, dataset, source = obj.get("custom_id"), obj.get("dataset"), obj.get("source")
            append(
                NewTask(
                    next(ids),
                    custom_id
                    if custom_id is None or isinstance(custom_id, str)
                    else _opt_str(custom_id),
                    url,
                    method,
                    dumps(body).decode(),
                    b64(sha256(dumps(body, option=sort_keys)).digest()).decode(),  # cache_key()
                    obj.get("use_cache") is True,
                    obj.get("track_progress") is True,
                    dataset if dataset is None or isinstance(dataset, str) else _opt_str(dataset),
                    dumps(source).decode() if isinstance(source, dict) else None,
                    cred_id,
                )
            )
        self.line_no = line_no
        report.accepted += len(tasks)
        return tasks


async def read_upload(
    content_type: str,
    chunks: AsyncIterator[bytes],
    *,
    keyring: Keyring,
    max_bytes: int,
    store_chunk: Callable[[Sequence[NewTask], Sequence[tuple[str, bytes]]], Awaitable[None]],
) -> UploadReport:
    """Parse a ``multipart/form-data`` upload with a ``file`` part of JSONL; every parsed chunk
    of tasks is handed to ``store_chunk`` as it completes. Raises :class:`UploadRejectedError`."""
    from python_multipart.multipart import MultipartParser, parse_options_header

    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise UploadRejectedError(422, _missing_file())

    lines = _Lines()
    builder = _TaskBuilder(keyring)
    state: dict[str, Any] = {"field": b"", "value": b"", "headers": {}, "in_file": False}
    seen_file = False
    bad_name: list[str] = []

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        state["headers"][state["field"].lower()] = state["value"]
        state["field"], state["value"] = b"", b""

    def on_headers_finished() -> None:
        nonlocal seen_file
        _, disp = parse_options_header(state["headers"].get(b"content-disposition", b""))
        state["in_file"] = False
        if disp.get(b"name") == b"file" and not seen_file:
            seen_file = True
            filename = disp.get(b"filename", b"").decode("utf-8", "replace")
            if not filename.lower().endswith(".jsonl"):
                bad_name.append(filename)
            else:
                state["in_file"] = True

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if state["in_file"]:
            lines.feed(data[start:end])

    def on_part_end() -> None:
        if state["in_file"]:
            lines.finish()
        state["in_file"] = False
        state["headers"] = {}

    parser = MultipartParser(
        boundary,
        {
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )

    # Parsing the next chunk overlaps with storing the previous one (the database driver runs
    # in a thread and releases the GIL); at most one chunk waits to be stored.
    storing: asyncio.Future[None] | None = None

    async def flush(force: bool) -> None:
        nonlocal storing
        if lines.out and (force or len(lines.out) >= _CHUNK_TASKS):
            batch, lines.out = lines.out, []
            tasks = builder.build(batch)
            creds, builder.new_credentials = builder.new_credentials, []
            if tasks or creds:
                if storing is not None:
                    await storing
                storing = asyncio.ensure_future(store_chunk(tasks, creds))
        if force and storing is not None:
            await storing
            storing = None

    try:
        return await _pump(chunks, parser, max_bytes, flush, bad_name, lambda: seen_file, builder)
    finally:
        if storing is not None:  # let a chunk being stored finish before the caller rolls back
            with contextlib.suppress(Exception):
                await storing


async def _pump(
    chunks: AsyncIterator[bytes],
    parser: Any,
    max_bytes: int,
    flush: Callable[[bool], Awaitable[None]],
    bad_name: list[str],
    seen_file: Callable[[], bool],
    builder: _TaskBuilder,
) -> UploadReport:
    total = 0
    async for chunk in chunks:
        total += len(chunk)
        if total > max_bytes:
            raise UploadTooLargeError(max_bytes)
        try:
            parser.write(chunk)
        except Exception as e:
            raise UploadRejectedError(400, f"Malformed multipart body: {e}") from e
        if bad_name:
            raise UploadRejectedError(400, "Only JSONL files are supported")
        await flush(False)
    try:
        parser.finalize()
    except Exception as e:
        raise UploadRejectedError(400, f"Malformed multipart body: {e}") from e
    if bad_name:
        raise UploadRejectedError(400, "Only JSONL files are supported")
    if not seen_file():
        raise UploadRejectedError(422, _missing_file())
    await flush(True)
    return builder.report


def _missing_file() -> list[dict[str, Any]]:
    return [{"type": "missing", "loc": ["body", "file"], "msg": "Field required", "input": None}]
