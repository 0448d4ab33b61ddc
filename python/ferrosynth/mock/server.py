"""Running the endpoint: :class:`MockLLMServer` (a background thread, for tests and scripts) and
:func:`serve` (the foreground server of ``ferrosynth mock-llm``, one or more processes)."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import multiprocessing
import os
import signal
import socket
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

from ferrosynth.errors import ConfigError
from ferrosynth.mock.app import MockApp, RecordedRequest
from ferrosynth.mock.config import FaultKind, LatencyDistribution, MockConfig
from ferrosynth.mock.http import HttpProtocol

__all__ = ["MockLLMServer", "bind", "serve"]

_BACKLOG = 2048
_ORPHAN_CHECK_S = 0.5


def bind(host: str, port: int, *, reuse_port: bool = False) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port and hasattr(socket, "SO_REUSEPORT"):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(_BACKLOG)
        sock.setblocking(False)
    except OSError as error:
        sock.close()
        raise ConfigError(
            f"cannot listen on {host}:{port}: {error.strerror or error}", "port"
        ) from None
    return sock


class MockLLMServer:
    """The mock LLM endpoint in a background thread, on a free loopback port.

    Example::

        >>> import json, urllib.request
        >>> from ferrosynth.mock import MockLLMServer
        >>> body = {"model": "mock-gpt", "messages": [{"role": "user", "content": "Hi"}]}
        >>> def ask(url):
        ...     request = urllib.request.Request(url, data=json.dumps(body).encode(),
        ...                                      headers={"Content-Type": "application/json"})
        ...     with urllib.request.urlopen(request) as response:
        ...         return json.load(response)
        >>> with MockLLMServer(seed=0) as srv:
        ...     first = ask(srv.base_url + "/v1/chat/completions")
        ...     again = ask(srv.base_url + "/v1/chat/completions")
        ...     count = srv.request_count
        >>> first == again, count, first["object"]
        (True, 2, 'chat.completion')

    ``base_url`` is ``http://127.0.0.1:PORT``; an OpenAI client's base URL is ``base_url + "/v1"``.
    Every keyword argument is a :class:`~ferrosynth.mock.MockConfig` field.
    """

    def __init__(
        self,
        seed: int = 0,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        latency_ms: float = 0.0,
        latency_distribution: LatencyDistribution = "fixed",
        error_rate: float = 0.0,
        error_kinds: tuple[FaultKind, ...] | list[FaultKind] = ("429", "500"),
        retry_after_s: float = 1.0,
        hang_s: float = 30.0,
        rate_limit: float | None = None,
        rate_limit_burst: int | None = None,
        api_key: str | None = None,
        stream_chunk_delay_ms: float = 0.0,
        cache_size: int = 4096,
        record: bool = True,
    ) -> None:
        self.config = MockConfig(
            seed=seed,
            latency_ms=latency_ms,
            latency_distribution=latency_distribution,
            error_rate=error_rate,
            error_kinds=tuple(error_kinds),
            retry_after_s=retry_after_s,
            hang_s=hang_s,
            rate_limit=rate_limit,
            rate_limit_burst=rate_limit_burst,
            api_key=api_key,
            stream_chunk_delay_ms=stream_chunk_delay_ms,
            cache_size=cache_size,
        )
        self.host = host
        self._requested_port = port
        self.app = MockApp(self.config, record=record)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._port: int | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> MockLLMServer:
        """Start serving (returns at once, when the port is listening)."""
        if self._thread is not None:
            return self
        sock = bind(self.host, self._requested_port)
        self._port = sock.getsockname()[1]
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                _run_loop(loop, sock, self.app, ready.set)
            except BaseException as error:  # pragma: no cover - reported to start()
                failure.append(error)
                ready.set()

        self._loop = loop
        self._thread = threading.Thread(
            target=run, name=f"ferrosynth-mock-{self._port}", daemon=True
        )
        self._thread.start()
        ready.wait()
        if failure:  # pragma: no cover
            raise failure[0]
        return self

    def stop(self) -> None:
        """Stop serving and close every connection (idempotent)."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop already closed
            loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        self._loop = self._thread = None

    def __enter__(self) -> MockLLMServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- where and what --------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The listening port (after :meth:`start`)."""
        if self._port is None:
            raise RuntimeError("the mock server is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT`` (add ``/v1`` for an OpenAI client's base URL)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def openai_base_url(self) -> str:
        """``base_url + "/v1"``."""
        return self.base_url + "/v1"

    @property
    def request_count(self) -> int:
        """Requests received (every method and path, faults included)."""
        return self.app.request_count

    @property
    def requests(self) -> list[RecordedRequest]:
        """The requests received, in order (empty with ``record=False``)."""
        return list(self.app.log)

    @property
    def max_in_flight(self) -> int:
        """The most requests that were being handled at once (read while or after they ran)."""
        return self.app.max_in_flight

    def bodies(self, path: str | None = None) -> list[Any]:
        """The JSON bodies of the recorded POST requests (to ``path`` when given)."""
        return [
            r.json()
            for r in self.app.log
            if r.method == "POST" and (path is None or r.path == path)
        ]

    def reset(self) -> None:
        """Forget recorded requests and counters."""
        self.app.reset()

    def inject(self, *faults: FaultKind | None) -> None:
        """Script the next API requests' faults, in order (``None``: a normal answer).

        ``srv.inject("429", "429", "429")`` makes the next three requests rate-limited and the
        fourth answered: a retry policy can be tested against the real endpoint.
        """
        self.app.inject(*faults)


def _run_loop(
    loop: asyncio.AbstractEventLoop,
    sock: socket.socket,
    app: MockApp,
    on_ready: Callable[[], object],
    on_start: Callable[[], object] | None = None,
) -> None:
    """Serve ``sock`` on ``loop`` until the loop is stopped; then close everything.

    Listening, ``on_ready`` and serving all happen inside one ``run_forever``: uvloop listens
    for the signals of ``add_signal_handler`` only while its loop runs, so a SIGTERM that came
    between a ``run_until_complete`` that opened the server and the ``run_forever`` that
    served it was lost — a worker that printed "listening" and then ignored the first SIGTERM
    (seen when another worker answered every request before this one reached its loop).
    """
    connections: set[HttpProtocol] = set()
    servers: list[asyncio.AbstractServer] = []
    failure: list[BaseException] = []

    async def start() -> None:
        try:
            if on_start is not None:
                on_start()
            servers.append(
                await loop.create_server(lambda: HttpProtocol(app, connections), sock=sock)
            )
            on_ready()
        except BaseException as error:  # reported once the loop has stopped
            failure.append(error)
            loop.stop()

    starting = loop.create_task(start())
    try:
        loop.run_forever()
    finally:
        starting.cancel()
        for server in servers:
            server.close()
        for connection in list(connections):
            connection.abort()
        loop.run_until_complete(asyncio.sleep(0))
        for server in servers:
            loop.run_until_complete(server.wait_closed())
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
    if failure:
        raise failure[0]


def serve(
    config: MockConfig,
    *,
    host: str = "127.0.0.1",
    port: int = 8001,
    workers: int = 1,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve in the foreground until SIGINT/SIGTERM; ``workers`` processes share the port.

    With several workers the hard rate limit is split evenly between them, and each draws its
    faults from its own seeded stream; answers do not depend on which worker serves a request.
    """
    if workers < 1:
        raise ConfigError(f"workers must be >= 1, got {workers}", "workers")
    sock = bind(host, port)
    actual_port = sock.getsockname()[1]
    if workers > 1 and config.rate_limit is not None:
        from dataclasses import replace

        config = replace(
            config,
            rate_limit=config.rate_limit / workers,
            rate_limit_burst=max(1, config.burst // workers),
        )
    children: list[Any] = []
    if workers > 1:
        context = multiprocessing.get_context("fork")
        for index in range(1, workers):
            child = context.Process(
                target=_worker,
                args=(sock, config, index),
                kwargs={"parent": os.getpid()},
                name=f"ferrosynth-mock-{index}",
            )
            child.start()
            children.append(child)
    try:
        url = _url(host, actual_port)
        _worker(sock, config, 0, on_ready=(lambda: on_ready(url)) if on_ready else None)
    finally:
        for child in children:
            if child.is_alive() and child.pid is not None:
                os.kill(child.pid, signal.SIGTERM)
        for child in children:
            child.join(10)
            if child.is_alive():  # pragma: no cover - a worker that would not stop
                child.kill()
                child.join()


def _fast_loop() -> asyncio.AbstractEventLoop:
    """uvloop's event loop when it is installed (the ``mock`` extra), else asyncio's."""
    if os.environ.get("FERROSYNTH_MOCK_LOOP", "auto") != "asyncio":
        try:
            uvloop = importlib.import_module("uvloop")
        except ImportError:
            pass
        else:
            loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
            return loop
    return asyncio.new_event_loop()


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _worker(
    sock: socket.socket,
    config: MockConfig,
    index: int,
    on_ready: Callable[[], object] | None = None,
    parent: int | None = None,
) -> None:
    loop = _fast_loop()
    asyncio.set_event_loop(loop)

    def listen() -> None:  # in the running loop: see _run_loop
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, loop.stop)

    if parent is not None:
        _stop_when_orphaned(loop, parent)
    app = MockApp(config, stream=index, record=False)
    _run_loop(loop, sock, app, on_ready if on_ready is not None else (lambda: None), listen)


def _stop_when_orphaned(loop: asyncio.AbstractEventLoop, parent: int) -> None:
    """Stop a worker whose parent died without stopping it (e.g. killed with SIGKILL)."""
    if os.getppid() != parent:
        loop.stop()
        return
    loop.call_later(_ORPHAN_CHECK_S, _stop_when_orphaned, loop, parent)
