"""A scripted OpenAI-compatible server on loopback for the runner's tests and benchmarks.

It answers ``POST /v1/chat/completions`` with a canned completion whose content echoes the last
message, after ``latency`` seconds, and records what it saw: requests per prompt, the number of
requests in flight (and its peak), and the order of arrival. ``script`` can replace any answer
(a 429, a 500, a slow reply). It runs in a background thread with its own event loop; for a
benchmark, where it must not share the runner's core, run it as a process:
``python -m tests.runner_support PORT LATENCY_MS``.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

#: script(n, body) -> None (answer normally) or (status, body_bytes, extra_headers)
Script = Callable[[int, dict[str, Any]], "tuple[int, bytes, dict[str, str]] | None"]


def completion(body: dict[str, Any]) -> bytes:
    messages = body.get("messages") or [{}]
    prompt = str(messages[-1].get("content", ""))
    return orjson.dumps(
        {
            "id": "chatcmpl-scripted",
            "object": "chat.completion",
            "created": 0,
            "model": body.get("model", "scripted"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": f"echo: {prompt}"},
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": max(1, len(prompt) // 4),
                "completion_tokens": 3,
                "total_tokens": max(1, len(prompt) // 4) + 3,
            },
        }
    )


@dataclass
class Stats:
    requests: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0
    by_prompt: collections.Counter[str] = field(default_factory=collections.Counter)
    in_flight_samples: list[int] = field(default_factory=list)


class _Handler(asyncio.Protocol):
    def __init__(self, server: ScriptedServer) -> None:
        self.server = server
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buffer[:end]).lower()
            start = head.find(b"content-length:")
            length = int(head[start + 15 :].split(b"\r\n", 1)[0]) if start >= 0 else 0
            if len(self.buffer) < end + 4 + length:
                return
            body = bytes(self.buffer[end + 4 : end + 4 + length])
            del self.buffer[: end + 4 + length]
            self.server._handle(self, body)

    def respond(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.transport.write(
            b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %d\r\n%s\r\n%s"
            % (status, len(payload), extra.encode(), payload)
        )


class ScriptedServer:
    """``with ScriptedServer(latency=0.5) as srv:`` — ``srv.base_url`` ends in ``/v1``."""

    def __init__(
        self,
        *,
        latency: float = 0.0,
        script: Script | None = None,
        port: int = 0,
        record: bool = True,
    ):
        self.latency = latency
        self.record = record
        self.script = script
        self.stats = Stats()
        self._lock = threading.Lock()
        self._port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._server: asyncio.base_events.Server | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def _handle(self, handler: _Handler, raw: bytes) -> None:
        body = orjson.loads(raw) if raw else {}
        messages = body.get("messages") or [{}]
        prompt = str(messages[-1].get("content", ""))
        with self._lock:
            stats = self.stats
            n = stats.requests
            stats.requests += 1
            if self.record:
                stats.by_prompt[prompt] += 1
            stats.in_flight += 1
            stats.peak_in_flight = max(stats.peak_in_flight, stats.in_flight)
        answer = self.script(n, body) if self.script is not None else None
        status, payload, headers = answer if answer is not None else (200, completion(body), {})

        def done() -> None:
            with self._lock:
                self.stats.in_flight -= 1
            handler.respond(status, payload, headers)

        delay = float(headers.pop("x-delay", self.latency))
        if delay > 0:
            assert self._loop is not None
            self._loop.call_later(delay, done)
        else:
            done()

    def sample_in_flight(self) -> None:
        with self._lock:
            self.stats.in_flight_samples.append(self.stats.in_flight)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop

        async def start() -> None:
            self._server = await loop.create_server(
                lambda: _Handler(self), "127.0.0.1", self._port, backlog=4096
            )
            self.port = self._server.sockets[0].getsockname()[1]
            self._ready.set()

        loop.run_until_complete(start())
        loop.run_forever()
        assert self._server is not None
        self._server.close()
        loop.run_until_complete(self._server.wait_closed())
        loop.close()

    def __enter__(self) -> ScriptedServer:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("scripted server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)


def main(argv: list[str]) -> None:
    port = int(argv[1]) if len(argv) > 1 else 0
    latency = float(argv[2]) / 1000 if len(argv) > 2 else 0.0
    with ScriptedServer(latency=latency, port=port, record=False) as server:
        print(server.port, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main(sys.argv)
