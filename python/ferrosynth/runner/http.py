"""A lean HTTP/1.1 keep-alive client on raw asyncio, the runner's hot path to OpenAI-compatible
endpoints.

Why not the provider layer's client: at a few thousand requests per second the cost per request
of a general HTTP client (objects per header, a task per request, stream readers) is the whole
CPU budget of one core. This client is one :class:`asyncio.Protocol` per connection, one future
per request, and bytes in and out: the request head is built once per connection and the
response head is parsed only for the status, the body length and ``Retry-After``. Each runner
worker owns one connection, so the configured concurrency is exactly the number of connections.

It speaks only what the runner needs: ``POST`` with a JSON body, ``Content-Length`` or chunked
responses, ``Connection: close``. Errors are :class:`OSError` / :class:`TimeoutError`; the caller
maps them to the LLM layer's typed errors.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["Endpoint", "HttpConnection", "HttpResponse"]

_MAX_HEAD = 64 * 1024


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """A response: status, the body bytes and the ``Retry-After`` header (seconds) if any."""

    status: int
    body: bytes
    retry_after: float | None


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where requests go: ``http(s)://host:port/path`` split once, and the fixed request head."""

    url: str
    host: str
    port: int
    use_tls: bool
    head: bytes  # "POST path HTTP/1.1\r\n...Content-Length: " — the length and body follow

    @classmethod
    def parse(cls, url: str, *, headers: dict[str, str] | None = None) -> Endpoint:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        use_tls = parts.scheme == "https"
        port = parts.port or (443 if use_tls else 80)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        host_header = parts.hostname if parts.port is None else f"{parts.hostname}:{port}"
        lines = [
            f"POST {path} HTTP/1.1",
            f"Host: {host_header}",
            "User-Agent: ferrosynth-runner",
            "Accept: application/json",
            "Content-Type: application/json",
        ]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        head = ("\r\n".join(lines) + "\r\nContent-Length: ").encode("latin-1")
        return cls(url=url, host=parts.hostname, port=port, use_tls=use_tls, head=head)


class _Protocol(asyncio.Protocol):
    """Parses one response at a time off a keep-alive connection."""

    __slots__ = (
        "_buffer",
        "_chunked",
        "_close_after",
        "_head_end",
        "_length",
        "_retry_after",
        "_status",
        "closed",
        "transport",
        "waiter",
    )

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[HttpResponse] | None = None
        self.closed = False
        self._reset()

    def _reset(self) -> None:
        self._buffer = bytearray()
        self._head_end = -1
        self._status = 0
        self._length = -1
        self._chunked = False
        self._close_after = False
        self._retry_after: float | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc or ConnectionResetError("connection closed by the server"))

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        if self._head_end < 0:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(buffer) > _MAX_HEAD:
                    self._fail(ConnectionError("response head too large"))
                return
            self._head_end = end + 4
            try:
                self._parse_head(bytes(buffer[:end]))
            except ValueError as error:
                self._fail(ConnectionError(f"malformed response head: {error}"))
                return
        start = self._head_end
        if self._chunked:
            body = _dechunk(buffer, start)
            if body is None:
                return
        else:
            if len(buffer) - start < self._length:
                return
            body = bytes(buffer[start : start + self._length])
        self._finish(HttpResponse(self._status, body, self._retry_after))

    def _parse_head(self, head: bytes) -> None:
        lines = head.split(b"\r\n")
        status_line = lines[0].split(b" ", 2)
        if len(status_line) < 2 or not status_line[0].startswith(b"HTTP/1."):
            raise ValueError(repr(lines[0][:80]))
        self._status = int(status_line[1])
        self._close_after = status_line[0] == b"HTTP/1.0"
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                self._chunked = b"chunked" in value.lower()
            elif name == b"connection":
                lowered = value.strip().lower()
                self._close_after = lowered == b"close" or (
                    self._close_after and lowered != b"keep-alive"
                )
            elif name == b"retry-after":
                try:
                    self._retry_after = float(value)
                except ValueError:
                    self._retry_after = None
        self._length = length

    def _finish(self, response: HttpResponse) -> None:
        close = self._close_after
        self._reset()
        waiter, self.waiter = self.waiter, None
        if close and self.transport is not None:
            self.closed = True
            self.transport.close()
        if waiter is not None and not waiter.done():
            waiter.set_result(response)

    def _fail(self, error: Exception) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)


def _dechunk(buffer: bytearray, start: int) -> bytes | None:
    """The body of a complete chunked message starting at ``start``; None while incomplete."""
    out = bytearray()
    pos = start
    while True:
        end = buffer.find(b"\r\n", pos)
        if end < 0:
            return None
        size = int(bytes(buffer[pos:end]).split(b";", 1)[0], 16)
        pos = end + 2
        if size == 0:
            return bytes(out) if buffer.find(b"\r\n", pos) >= 0 else None
        if len(buffer) < pos + size + 2:
            return None
        out += buffer[pos : pos + size]
        pos += size + 2


class HttpConnection:
    """One keep-alive connection to an :class:`Endpoint`, (re)opened on demand."""

    __slots__ = ("_protocol", "_ssl", "endpoint")

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self._protocol: _Protocol | None = None
        self._ssl = ssl.create_default_context() if endpoint.use_tls else None

    async def post(self, body: bytes, *, timeout: float | None) -> HttpResponse:
        """Send one request and wait for its response (at most ``timeout`` seconds)."""
        protocol = self._protocol
        if protocol is None or protocol.closed:
            protocol = await self._connect(timeout)
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[HttpResponse] = loop.create_future()
        protocol.waiter = waiter
        transport = protocol.transport
        assert transport is not None
        transport.write(b"%s%d\r\n\r\n%s" % (self.endpoint.head, len(body), body))
        if timeout is None:
            return await waiter
        handle = loop.call_later(timeout, _expire, waiter, timeout)
        try:
            return await waiter
        except BaseException:
            # A timed-out or cancelled request leaves the connection mid-response: drop it.
            self.close()
            raise
        finally:
            handle.cancel()

    async def _connect(self, timeout: float | None) -> _Protocol:
        loop = asyncio.get_running_loop()
        endpoint = self.endpoint
        connect = loop.create_connection(
            _Protocol,
            endpoint.host,
            endpoint.port,
            ssl=self._ssl,
            server_hostname=endpoint.host if self._ssl else None,
        )
        _, protocol = await asyncio.wait_for(connect, timeout)
        self._protocol = protocol
        return protocol

    def close(self) -> None:
        protocol, self._protocol = self._protocol, None
        if protocol is not None and protocol.transport is not None:
            protocol.closed = True
            protocol.transport.close()


def _expire(waiter: asyncio.Future[HttpResponse], timeout: float) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError(f"no response within {timeout:g} s"))
