"""The LLM client's overhead per request, against a loopback server and against mock-llm.

Each round sends ``N`` short chat completions with ``CONCURRENCY`` in flight over keep-alive
connections, from one event loop, and the figure is requests/s. Peers, in the same run:

- ``aiohttp-raw``: a bare ``aiohttp.ClientSession.post`` with orjson for the bodies — the floor
  of the HTTP client ferrosynth uses;
- ``ferrosynth``: ``OpenAIProvider.acomplete`` (request mapping, orjson, retry loop, typed
  status handling, ``LLMResponse``), the same aiohttp underneath;
- ``httpx``: ``httpx.AsyncClient.post`` + ``json()``, the other candidate (fewer requests per
  round: it is much slower).

Servers, each a separate process so that the client owns its core: ``raw`` is a minimal asyncio
HTTP/1.1 server answering one fixed ``chat.completion`` (so the client is the bottleneck);
``mock`` is ``ferrosynth mock-llm``. The client's overhead per request is
``1/rate(ferrosynth) - 1/rate(aiohttp-raw)``; ``benches/report.py`` prints ratios.

    .venv/bin/pytest benches/test_bench_llm_client.py --benchmark-enable --benchmark-only
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import orjson
import pytest

from ferrosynth.llm import OpenAIProvider, RetryPolicy

N = 3000
HTTPX_N = 300
CONCURRENCY = 64
ROUNDS = 5
BODY = {
    "model": "mock-gpt",
    "messages": [{"role": "user", "content": "Say hello."}],
    "max_tokens": 8,
}

SERVER_KIND: dict[str, str] = {}
RAW_SERVER = textwrap.dedent(
    """
    import asyncio, json, sys
    BODY = json.dumps({"id": "chatcmpl-1", "object": "chat.completion", "created": 0,
        "model": "m", "choices": [{"index": 0, "finish_reason": "stop",
        "message": {"role": "assistant", "content": "Hello there!"}}],
        "usage": {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12}}).encode()
    RESPONSE = (b"HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nContent-Length: "
                + str(len(BODY)).encode() + b"\\r\\n\\r\\n" + BODY)

    class Handler(asyncio.Protocol):
        def connection_made(self, transport):
            self.transport, self.buffer = transport, b""
        def data_received(self, data):
            self.buffer += data
            while True:
                end = self.buffer.find(b"\\r\\n\\r\\n")
                if end < 0:
                    return
                head = self.buffer[:end].lower()
                at = head.find(b"content-length:")
                size = int(head[at + 15:].split(b"\\r\\n", 1)[0]) if at >= 0 else 0
                if len(self.buffer) < end + 4 + size:
                    return
                self.buffer = self.buffer[end + 4 + size:]
                self.transport.write(RESPONSE)

    async def main():
        server = await asyncio.get_running_loop().create_server(
            Handler, "127.0.0.1", int(sys.argv[1]))
        async with server:
            await server.serve_forever()
    asyncio.run(main())
    """
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the server did not start")


@pytest.fixture(scope="module", params=["raw", "mock"])
def server(request: pytest.FixtureRequest) -> Iterator[str]:
    port = free_port()
    if request.param == "raw":
        command = [sys.executable, "-c", RAW_SERVER, str(port)]
    else:
        command = [sys.executable, "-m", "ferrosynth.cli", "mock-llm", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(port, process)
        url = f"http://127.0.0.1:{port}/v1/chat/completions"
        SERVER_KIND[url] = request.param
        yield url
    finally:
        process.terminate()
        process.wait(10)


async def drive(n: int, call: Callable[[], Awaitable[Any]]) -> None:
    async def worker(count: int) -> None:
        for _ in range(count):
            await call()

    await asyncio.gather(*(worker(n // CONCURRENCY) for _ in range(CONCURRENCY)))


async def aiohttp_raw(url: str, n: int) -> None:
    import aiohttp

    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def call() -> Any:
            async with session.post(
                url, data=orjson.dumps(BODY), headers={"Content-Type": "application/json"}
            ) as response:
                return orjson.loads(await response.read())

        await drive(n, call)


async def ferrosynth_client(url: str, n: int) -> None:
    base = url.removesuffix("/chat/completions")
    async with OpenAIProvider(
        base_url=base, max_connections=CONCURRENCY, retry=RetryPolicy(max_retries=0)
    ) as provider:
        await drive(n, lambda: provider.acomplete(BODY))


async def httpx_client(url: str, n: int) -> None:
    import httpx

    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(limits=limits) as client:

        async def call() -> Any:
            response = await client.post(url, json=BODY)
            return response.json()

        await drive(n, call)


PEERS: dict[str, tuple[Callable[[str, int], Awaitable[None]], int]] = {
    "aiohttp-raw": (aiohttp_raw, N),
    "ferrosynth": (ferrosynth_client, N),
    "httpx": (httpx_client, HTTPX_N),
}


@pytest.mark.parametrize("peer", sorted(PEERS))
def test_client_requests_per_second(benchmark: Any, server: str, peer: str) -> None:
    if peer == "httpx":
        pytest.importorskip("httpx")
    run, n = PEERS[peer]
    benchmark.group = f"llm-client {SERVER_KIND[server]}"
    benchmark.extra_info["requests"] = n
    benchmark.pedantic(
        lambda: asyncio.run(run(server, n)), rounds=ROUNDS, iterations=1, warmup_rounds=1
    )


# -- the provider's own work per request, without HTTP --------------------------------------------

ANSWERS: dict[str, dict[str, Any]] = {
    "openai": {
        "id": "c",
        "object": "chat.completion",
        "model": "m",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "Hi"}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12},
    },
    "anthropic": {
        "id": "msg",
        "model": "m",
        "content": [{"type": "text", "text": "Hi"}],
        "stop_reason": "end_turn",
        "usage": {"input_tokens": 9, "output_tokens": 3},
    },
    "gemini": {
        "candidates": [{"content": {"parts": [{"text": "Hi"}]}, "finishReason": "STOP"}],
        "usageMetadata": {"promptTokenCount": 9, "candidatesTokenCount": 3},
    },
    "ollama": {
        "model": "m",
        "message": {"role": "assistant", "content": "Hi"},
        "done_reason": "stop",
        "prompt_eval_count": 9,
        "eval_count": 3,
    },
}
CONVERSATION = {
    "model": "m",
    "messages": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Say hello."},
    ],
    "max_tokens": 8,
}


@pytest.mark.parametrize("kind", sorted(ANSWERS))
def test_mapping_cost_per_request(benchmark: Any, kind: str) -> None:
    """Request mapping + orjson both ways + LLMResponse: the provider's CPU per request."""
    from ferrosynth.llm import make_provider

    provider = make_provider(kind, base_url="http://127.0.0.1:9", api_key="k")  # type: ignore[arg-type]
    raw = orjson.dumps(ANSWERS[kind])

    def one() -> Any:
        _url, payload = provider._request(CONVERSATION, "m")
        orjson.dumps(payload)
        return provider._response(orjson.loads(raw), "m", CONVERSATION)

    benchmark.group = "llm-provider-mapping"
    assert one().content == "Hi"
    benchmark(one)
