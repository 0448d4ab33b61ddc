"""A minimal HTTP/1.1 server protocol on asyncio: keep-alive, pipelining, chunked bodies.

Only what the mock endpoint needs, kept small for speed: request line and headers, a body by
``Content-Length`` or chunked transfer encoding, ``Expect: 100-continue``, responses with a length
or streamed in chunks, delayed responses without blocking other connections.
"""

from __future__ import annotations

import asyncio
from http import HTTPStatus

from ferrosynth.mock.app import MockApp, Request, Response

__all__ = ["HttpProtocol"]

_MAX_HEAD = 64 * 1024
_MAX_BODY = 64 * 1024 * 1024
_SERVER = b"server: ferrosynth-mock\r\n"
_STATUS_LINES = {s.value: b"HTTP/1.1 %d %s\r\n" % (s.value, s.phrase.encode()) for s in HTTPStatus}


class _MalformedError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class HttpProtocol(asyncio.Protocol):
    """One client connection; requests are answered in order (pipelining-safe)."""

    def __init__(self, app: MockApp, connections: set[HttpProtocol]) -> None:
        self._app = app
        self._connections = connections
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None
        self._waiting = False  # a delayed or streamed response is in progress
        self._timer: asyncio.TimerHandle | None = None
        self._continued = False
        self._closing = False  # closed by us: read nothing more from this connection

    # -- asyncio callbacks -----------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but behave as one
        self._transport = transport  # type: ignore[assignment]
        self._connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self._connections.discard(self)
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
            self._app.finished()
        self._transport = None

    def data_received(self, data: bytes) -> None:
        if self._closing:
            return
        self._buffer += data
        if not self._waiting:
            self._process()

    def _close(self) -> None:
        """Close after what was written; ignore anything the client sends from now on."""
        self._closing = True
        if self._transport is not None:
            self._transport.close()

    def abort(self) -> None:
        """Close the connection at once (server shutdown)."""
        if self._transport is not None:
            self._transport.abort()

    # -- requests --------------------------------------------------------------------------

    def _process(self) -> None:
        while self._transport is not None and not self._waiting and not self._closing:
            try:
                parsed = self._parse()
            except _MalformedError as error:
                self._write_simple(error.status, str(error).encode())
                self._close()
                return
            if parsed is None:
                return
            request, keep_alive = parsed
            app = self._app
            app.started()
            response = app.handle(request)
            if response.delay > 0.0 or response.action != "answer":
                self._waiting = True
                loop = asyncio.get_running_loop()
                self._timer = loop.call_later(response.delay, self._deferred, response, keep_alive)
                return
            self._respond(response, keep_alive)

    def _deferred(self, response: Response, keep_alive: bool) -> None:
        self._timer = None
        self._waiting = False
        if response.action != "answer":
            self._app.finished()
            self._close()
            return
        self._respond(response, keep_alive)
        if not self._waiting:
            self._process()

    def _respond(self, response: Response, keep_alive: bool) -> None:
        transport = self._transport
        if transport is None:  # pragma: no cover - closed while waiting
            self._app.finished()
            return
        extra = b"".join(name + b": " + value + b"\r\n" for name, value in response.headers)
        if not keep_alive:
            extra += b"connection: close\r\n"
        body = response.body
        content_type = response.content_type.encode()
        if isinstance(body, bytes):
            transport.write(
                _STATUS_LINES[response.status]
                + _SERVER
                + b"content-type: "
                + content_type
                + b"\r\ncontent-length: "
                + str(len(body)).encode()
                + b"\r\n"
                + extra
                + b"\r\n"
                + body
            )
            self._app.finished()
            if not keep_alive:
                self._close()
            return
        head = (
            _STATUS_LINES[response.status]
            + _SERVER
            + b"content-type: "
            + content_type
            + b"; charset=utf-8\r\ntransfer-encoding: chunked\r\ncache-control: no-cache\r\n"
            + extra
            + b"\r\n"
        )
        if response.chunk_delay <= 0.0:
            transport.write(head + b"".join(_chunk(c) for c in body) + b"0\r\n\r\n")
            self._app.finished()
            if not keep_alive:
                self._close()
            return
        transport.write(head)
        self._waiting = True
        self._stream_step(list(reversed(body)), response.chunk_delay, keep_alive)

    def _stream_step(self, pending: list[bytes], delay: float, keep_alive: bool) -> None:
        self._timer = None
        transport = self._transport
        if transport is None:  # pragma: no cover - the client went away mid-stream
            return
        if pending:
            transport.write(_chunk(pending.pop()))
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(delay, self._stream_step, pending, delay, keep_alive)
            return
        transport.write(b"0\r\n\r\n")
        self._app.finished()
        self._waiting = False
        if not keep_alive:
            self._close()
            return
        self._process()

    def _write_simple(self, status: int, message: bytes) -> None:
        assert self._transport is not None
        self._transport.write(
            _STATUS_LINES.get(status, b"HTTP/1.1 400 Bad Request\r\n")
            + _SERVER
            + b"content-type: text/plain\r\ncontent-length: "
            + str(len(message)).encode()
            + b"\r\nconnection: close\r\n\r\n"
            + message
        )

    def _parse(self) -> tuple[Request, bool] | None:
        buffer = self._buffer
        end = buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(buffer) > _MAX_HEAD:
                raise _MalformedError(431, "request head too large")
            return None
        lines = bytes(buffer[:end]).split(b"\r\n")
        try:
            method, target, version = lines[0].split(b" ")
        except ValueError:
            raise _MalformedError(400, "malformed request line") from None
        headers: dict[bytes, bytes] = {}
        for line in lines[1:]:
            name, sep, value = line.partition(b":")
            if not sep:
                raise _MalformedError(400, "malformed header line")
            headers[name.strip().lower()] = value.strip()
        start = end + 4
        if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
            decoded = _dechunk(buffer, start)
            if decoded is None:
                self._maybe_continue(headers)
                return None
            body, stop = decoded
        else:
            try:
                length = int(headers.get(b"content-length", b"0"))
            except ValueError:
                raise _MalformedError(400, "malformed content-length") from None
            if length < 0 or length > _MAX_BODY:
                raise _MalformedError(413, "request body too large")
            stop = start + length
            if len(buffer) < stop:
                self._maybe_continue(headers)
                return None
            body = bytes(buffer[start:stop])
        del buffer[:stop]
        self._continued = False
        connection = headers.get(b"connection", b"").lower()
        keep_alive = (
            connection != b"close" if version == b"HTTP/1.1" else connection == b"keep-alive"
        )
        path, _, query = target.decode("latin-1").partition("?")
        return Request(method.decode("latin-1"), path, query, headers, body), keep_alive

    def _maybe_continue(self, headers: dict[bytes, bytes]) -> None:
        if not self._continued and headers.get(b"expect", b"").lower() == b"100-continue":
            self._continued = True
            assert self._transport is not None
            self._transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def _dechunk(buffer: bytearray, start: int) -> tuple[bytes, int] | None:
    """The body of a chunked request starting at ``start`` and where it ends; None if partial."""
    parts: list[bytes] = []
    at = start
    total = 0
    while True:
        eol = buffer.find(b"\r\n", at)
        if eol < 0:
            return None
        try:
            size = int(bytes(buffer[at:eol]).split(b";")[0], 16)
        except ValueError:
            raise _MalformedError(400, "malformed chunk size") from None
        total += size
        if total > _MAX_BODY:
            raise _MalformedError(413, "request body too large")
        at = eol + 2
        if size == 0:
            trailer_end = buffer.find(b"\r\n\r\n", at - 2)
            if trailer_end < 0:
                return None
            return b"".join(parts), trailer_end + 4
        if len(buffer) < at + size + 2:
            return None
        parts.append(bytes(buffer[at : at + size]))
        at += size + 2
