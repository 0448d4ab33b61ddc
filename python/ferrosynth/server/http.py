"""A lean HTTP/1.1 client for the provider calls: keep-alive connections pooled per origin.

The worker's hot path is one small JSON POST and one small JSON answer per task; a general client
(aiohttp) spends most of its time on machinery this does not need. This one writes the request
in one buffer, parses the status line and headers of the answer, reads a ``Content-Length`` or
chunked body, and puts the connection back in the pool. TLS (``https://``) goes through asyncio's
own SSL transport. Anything unusual (a ``1xx`` answer, an upgrade) is an error, reported as a
connection problem and retried by the caller's rules.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["HTTPClient", "HTTPError", "Response"]

_MAX_HEADER = 64 * 1024
_MAX_BODY = 256 * 1024 * 1024


class HTTPError(Exception):
    """The connection failed or the answer was not HTTP/1.x as expected."""


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: bytes
    host_header: bytes


def _target(url: str) -> _Target:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default = (parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    header = host if default else f"{host}:{port}"
    return _Target(parts.scheme, parts.hostname, port, path.encode(), header.encode("idna"))


class _Conn:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    def close(self) -> None:
        self.writer.close()


class HTTPClient:
    """``await client.post(url, body, headers)`` -> :class:`Response`; ``await client.close()``."""

    def __init__(self, limit_per_origin: int = 64) -> None:
        self._idle: dict[tuple[str, str, int], deque[_Conn]] = {}
        self._targets: dict[str, _Target] = {}
        self._ssl: ssl.SSLContext | None = None
        self._limit = limit_per_origin

    async def close(self) -> None:
        for pool in self._idle.values():
            while pool:
                pool.pop().close()
        self._idle.clear()

    async def _connect(self, t: _Target) -> _Conn:
        ctx = None
        if t.scheme == "https":
            if self._ssl is None:
                self._ssl = ssl.create_default_context()
            ctx = self._ssl
        reader, writer = await asyncio.open_connection(
            t.host, t.port, ssl=ctx, limit=_MAX_HEADER * 4
        )
        return _Conn(reader, writer)

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> Response:
        t = self._targets.get(url)
        if t is None:
            t = self._targets[url] = _target(url)
        key = (t.scheme, t.host, t.port)
        head = [
            b"POST ", t.path, b" HTTP/1.1\r\nHost: ", t.host_header,
            b"\r\nContent-Length: ", str(len(body)).encode(), b"\r\n",
        ]  # fmt: skip
        for name, value in headers.items():
            head += [name.encode("latin-1"), b": ", value.encode("latin-1"), b"\r\n"]
        head.append(b"\r\n")
        request = b"".join(head) + body
        pool = self._idle.setdefault(key, deque())
        # a pooled connection may have been closed by the server meanwhile: one fresh retry
        for attempt in (0, 1):
            reused = bool(pool) and attempt == 0
            conn = pool.pop() if reused else await self._connect(t)
            try:
                conn.writer.write(request)
                response, keep = await _read_response(conn.reader)
            except (OSError, asyncio.IncompleteReadError, HTTPError, ValueError) as e:
                conn.close()
                if reused:
                    continue
                raise HTTPError(f"{type(e).__name__}: {e}") from e
            except BaseException:
                conn.close()
                raise
            if keep and len(pool) < self._limit:
                pool.append(conn)
            else:
                conn.close()
            return response
        raise HTTPError("connection closed")  # pragma: no cover - the loop always returns


async def _read_response(reader: asyncio.StreamReader) -> tuple[Response, bool]:
    try:
        raw = await reader.readuntil(b"\r\n\r\n")
    except asyncio.LimitOverrunError as e:
        raise HTTPError("response headers too large") from e
    lines = raw[:-4].split(b"\r\n")
    status_line = lines[0].split(b" ", 2)
    if len(status_line) < 2 or not status_line[0].startswith(b"HTTP/1."):
        raise HTTPError(f"not an HTTP/1.x response: {lines[0][:80]!r}")
    status = int(status_line[1])
    if status < 200:
        raise HTTPError(f"unexpected informational response {status}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
    keep = headers.get("connection", "").lower() != "close" and status_line[0] != b"HTTP/1.0"
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = await _read_chunked(reader)
    elif "content-length" in headers:
        length = int(headers["content-length"])
        if length > _MAX_BODY:
            raise HTTPError(f"response body of {length} bytes is too large")
        body = await reader.readexactly(length) if length else b""
    else:
        body = await reader.read(_MAX_BODY)
        keep = False
    return Response(status, headers, body), keep


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers
                pass
            return b"".join(parts)
        total += size
        if total > _MAX_BODY:
            raise HTTPError("response body too large")
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)
