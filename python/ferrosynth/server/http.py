"""A lean HTTP/1.1 client for the provider calls: keep-alive connections pooled per origin.

The worker's hot path is one small JSON POST and one small JSON answer per task; a general client
(aiohttp) spends most of its time on machinery this does not need, and so do asyncio's streams.
Each connection is one :class:`asyncio.Protocol` that parses the answer as its bytes arrive and
resolves one future per request; the request goes out in one buffer. Only what the caller needs
is read from the response head (the status, the body's framing, ``Connection``,
``Retry-After``). A ``Content-Length``, chunked, or until-close body is read; then the connection
goes back to the pool. TLS (``https://``) goes through asyncio's own SSL transport. Anything
unusual (a ``1xx`` answer, an upgrade, a head that is not HTTP/1.x) is an :class:`HTTPError`,
which the caller treats as a connection problem and retries.

A timeout is one timer per request that fails the request's future: no task is cancelled, so a
request that times out cannot take anything else down with it. The connection it used is
closed (it is mid-response).
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


@dataclass(frozen=True, slots=True)
class Response:
    """An answer. ``headers`` holds the head's lower-cased names the client reads
    (``content-length``, ``transfer-encoding``, ``connection``, ``retry-after``), not all."""

    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    key: tuple[str, str, int]
    head: bytes  # b"POST <path> HTTP/1.1\r\nHost: <host>\r\nContent-Length: "


def _target(url: str) -> _Target:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default = (parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    header = host if default else f"{host}:{port}"
    head = b"POST " + path.encode() + b" HTTP/1.1\r\nHost: " + header.encode("idna")
    return _Target(
        parts.scheme,
        parts.hostname,
        port,
        (parts.scheme, parts.hostname, port),
        head + b"\r\nContent-Length: ",
    )


_READ_HEADERS = (b"content-length", b"transfer-encoding", b"connection", b"retry-after")


class _Conn(asyncio.Protocol):
    """One keep-alive connection: parses one response at a time, resolving ``waiter``."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[Response] | None = None
        self.closed = False
        self._reset()

    def _reset(self) -> None:
        self._buffer = bytearray()
        self._head_end = -1
        self._status = 0
        self._headers: dict[str, str] = {}
        self._length = -1  # -1: until the connection closes (neither length nor chunked)
        self._chunked = False
        self._keep = True

    # --- asyncio.Protocol -------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is None:
            return
        if self._head_end >= 0 and self._length < 0 and not self._chunked:
            self._finish(bytes(self._buffer[self._head_end :]))  # the body ran until close
            return
        self._fail(HTTPError(f"connection closed: {exc or 'by the server'}"))

    def data_received(self, data: bytes) -> None:
        if self.waiter is None:  # nothing was asked: the connection is out of step
            self.close()
            return
        buffer = self._buffer
        buffer += data
        if self._head_end < 0:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(buffer) > _MAX_HEADER:
                    self._fail(HTTPError("response headers too large"))
                return
            self._head_end = end + 4
            try:
                self._parse_head(bytes(buffer[:end]))
            except (HTTPError, ValueError) as e:
                self._fail(e if isinstance(e, HTTPError) else HTTPError(f"bad response: {e}"))
                return
        start = self._head_end
        if self._chunked:
            try:
                body = _dechunk(buffer, start)
            except ValueError as e:
                self._fail(HTTPError(f"bad chunked body: {e}"))
                return
            if body is None:
                if len(buffer) - start > _MAX_BODY:
                    self._fail(HTTPError("response body too large"))
                return
        elif self._length >= 0:
            if len(buffer) - start < self._length:
                return
            body = bytes(buffer[start : start + self._length])
        else:
            if len(buffer) - start > _MAX_BODY:
                self._fail(HTTPError("response body too large"))
            return  # until close: connection_lost finishes it
        self._finish(body)

    # --- parsing ----------------------------------------------------------------------------
    def _parse_head(self, head: bytes) -> None:
        lines = head.split(b"\r\n")
        status_line = lines[0].split(b" ", 2)
        if len(status_line) < 2 or not status_line[0].startswith(b"HTTP/1."):
            raise HTTPError(f"not an HTTP/1.x response: {lines[0][:80]!r}")
        status = int(status_line[1])
        if status < 200:
            raise HTTPError(f"unexpected informational response {status}")
        self._status = status
        headers = self._headers
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name in _READ_HEADERS:
                headers[name.decode()] = value.strip().decode("latin-1")
        self._keep = (
            headers.get("connection", "").lower() != "close" and status_line[0] != b"HTTP/1.0"
        )
        if "chunked" in headers.get("transfer-encoding", "").lower():
            self._chunked = True
        elif "content-length" in headers:
            length = int(headers["content-length"])
            if length > _MAX_BODY:
                raise HTTPError(f"response body of {length} bytes is too large")
            self._length = length
        else:
            self._keep = False  # the body runs until the server closes

    def _finish(self, body: bytes) -> None:
        response = Response(self._status, self._headers, body)
        keep = self._keep
        waiter, self.waiter = self.waiter, None
        self._reset()
        if not keep:
            self.close()
        if waiter is not None and not waiter.done():
            waiter.set_result(response)

    def _fail(self, error: Exception) -> None:
        waiter, self.waiter = self.waiter, None
        self.close()
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


def _dechunk(buffer: bytearray, start: int) -> bytes | None:
    """The body of a complete chunked message from ``start`` (trailers skipped); None while
    incomplete. Raises ValueError on a malformed chunk size."""
    out = bytearray()
    pos = start
    while True:
        end = buffer.find(b"\r\n", pos)
        if end < 0:
            return None
        size = int(bytes(buffer[pos:end]).split(b";", 1)[0].strip(), 16)
        pos = end + 2
        if size == 0:
            while True:  # trailers, up to the empty line
                end = buffer.find(b"\r\n", pos)
                if end < 0:
                    return None
                if end == pos:
                    return bytes(out)
                pos = end + 2
        if len(buffer) < pos + size + 2:
            return None
        out += buffer[pos : pos + size]
        pos += size + 2


def _expire(waiter: asyncio.Future[Response], timeout: float) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError(f"no answer within {timeout:g} s"))


class HTTPClient:
    """``await client.post(url, body, headers, timeout)`` -> :class:`Response`;
    ``await client.close()``."""

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

    async def _connect(self, t: _Target, timeout: float | None) -> _Conn:
        ctx = None
        if t.scheme == "https":
            if self._ssl is None:
                self._ssl = ssl.create_default_context()
            ctx = self._ssl
        loop = asyncio.get_running_loop()
        connect = loop.create_connection(_Conn, t.host, t.port, ssl=ctx)
        _, conn = await (asyncio.wait_for(connect, timeout) if timeout else connect)
        return conn

    async def post(
        self, url: str, body: bytes, headers: dict[str, str], timeout: float | None = None
    ) -> Response:
        """One request; raises :class:`HTTPError` or ``OSError`` (connection), ``TimeoutError``
        (no complete answer within ``timeout`` seconds), ``ValueError`` (a bad URL, or a
        header that is not latin-1 text)."""
        t = self._targets.get(url)
        if t is None:
            t = self._targets[url] = _target(url)
        extra = "".join([f"{name}: {value}\r\n" for name, value in headers.items()])
        request = b"%s%d\r\n%s\r\n%s" % (t.head, len(body), extra.encode("latin-1"), body)
        pool = self._idle.get(t.key)
        if pool is None:
            pool = self._idle[t.key] = deque()
        while pool and pool[-1].closed:
            pool.pop()
        loop = asyncio.get_running_loop()
        # a pooled connection may have been closed by the server meanwhile: one fresh retry
        for attempt in (0, 1):
            reused = bool(pool) and attempt == 0
            conn = pool.pop() if reused else await self._connect(t, timeout)
            waiter: asyncio.Future[Response] = loop.create_future()
            conn.waiter = waiter
            assert conn.transport is not None
            conn.transport.write(request)
            handle = loop.call_later(timeout, _expire, waiter, timeout) if timeout else None
            try:
                response = await waiter
            except HTTPError:
                if reused:
                    continue
                raise
            except BaseException:  # timed out, cancelled: the connection is mid-response
                conn.waiter = None
                conn.close()
                raise
            finally:
                if handle is not None:
                    handle.cancel()
            if not conn.closed and len(pool) < self._limit:
                pool.append(conn)
            else:
                conn.close()
            return response
        raise HTTPError("connection closed")  # pragma: no cover - the loop always returns
