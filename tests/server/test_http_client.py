"""The provider calls' HTTP client against raw loopback servers: framing, keep-alive, and the
contract's retry rules for what a misbehaving provider does."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

import pytest

from ferrosynth.server.http import HTTPClient
from ferrosynth.server.outbound import RetryRules, call_provider

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
ANSWER = json.dumps({"choices": [], "usage": {"prompt_tokens": 2, "completion_tokens": 3}})
RULES = RetryRules(max_retries=2, base_s=0.001, max_s=0.01, timeout_s=0.5)


async def read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length")
    )
    return await reader.readexactly(length)


async def serve(handler: Handler) -> tuple[asyncio.Server, str]:
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}/v1/chat/completions"


async def stop(server: asyncio.Server) -> None:
    server.close()
    await server.wait_closed()
    await asyncio.sleep(0.05)  # the handlers close their ends


def run(coro: Awaitable[object]) -> object:
    return asyncio.run(coro)  # type: ignore[arg-type]


def test_content_length_chunked_and_keep_alive() -> None:
    connections = 0

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        n = 0
        while True:
            try:
                body = await read_request(reader)
            except asyncio.IncompleteReadError:
                break
            n += 1
            payload = ANSWER.encode()
            if n % 2:
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(payload))
                writer.write(payload)
            else:  # chunked, in two pieces
                writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                for part in (payload[:7], payload[7:]):
                    writer.write(b"%x\r\n%s\r\n" % (len(part), part))
                writer.write(b"0\r\n\r\n")
            assert json.loads(body) == {"q": 1}
            await writer.drain()
        writer.close()
        await writer.wait_closed()

    async def main() -> None:
        server, url = await serve(handler)
        client = HTTPClient()
        for _ in range(4):
            result = await call_provider(client, url, '{"q": 1}', "k", RULES, {}, 0.0)
            assert result.ok
            assert (result.prompt_tokens, result.completion_tokens) == (2, 3)
        await client.close()
        await stop(server)

    run(main())
    assert connections == 1  # one kept-alive connection for all four calls


def test_a_pooled_connection_closed_by_the_server_is_replaced() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        payload = ANSWER.encode()
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(payload), payload))
        await writer.drain()
        writer.close()  # without saying Connection: close
        await writer.wait_closed()

    async def main() -> None:
        server, url = await serve(handler)
        client = HTTPClient()
        for _ in range(3):
            await asyncio.sleep(0.05)
            assert (await call_provider(client, url, "{}", None, RULES, {}, 0.0)).ok
        await client.close()
        await stop(server)

    run(main())


@pytest.mark.parametrize(
    ("behaviour", "expect"),
    [
        ("hang", "timed out"),
        ("close", "cannot reach the provider"),
        ("garbage", "cannot reach the provider"),
        ("500", "provider answered 500"),
        ("404", "provider answered 404"),
    ],
)
def test_failures_end_as_failed_tasks(behaviour: str, expect: str) -> None:
    calls = 0
    done: asyncio.Event | None = None

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal calls
        calls += 1
        await read_request(reader)
        if behaviour == "hang":
            assert done is not None
            await done.wait()
        elif behaviour == "garbage":
            writer.write(b"SMTP ready\r\n\r\n")
        elif behaviour in ("500", "404"):
            writer.write(f"HTTP/1.1 {behaviour} X\r\nContent-Length: 2\r\n\r\nno".encode())
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    async def main() -> None:
        nonlocal done
        done = asyncio.Event()
        server, url = await serve(handler)
        client = HTTPClient()
        result = await call_provider(client, url, "{}", None, RULES, {}, 0.0)
        assert not result.ok
        assert expect in json.loads(result.completions)["error"]
        await client.close()
        done.set()
        await stop(server)

    run(main())
    assert calls == (1 if behaviour == "404" else 3)  # permanent at once; else 2 retries


def test_bad_urls_fail_without_a_call() -> None:
    async def main() -> None:
        client = HTTPClient()
        for url in ("ftp://x/y", "not a url", "http://"):
            result = await call_provider(client, url, "{}", None, RULES, {}, 0.0)
            assert "invalid provider url" in json.loads(result.completions)["error"]
        result = await call_provider(client, "http://127.0.0.1:9/", "{}", "ключ", RULES, {}, 0.0)
        assert "latin-1" in json.loads(result.completions)["error"]

    run(main())


def test_a_timed_out_request_never_hands_its_late_answer_to_the_next() -> None:
    """The timeout fails the request, not the task, and drops the connection: the answer that
    comes late is never read as the next request's."""
    connections = 0

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        while True:
            try:
                body = json.loads(await read_request(reader))
            except (asyncio.IncompleteReadError, ConnectionError):
                break
            if body["n"] == 0:
                await asyncio.sleep(0.3)  # past the client's timeout
            payload = json.dumps({"n": body["n"]}).encode()
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(payload), payload)
            )
            try:
                await writer.drain()
            except ConnectionError:
                break
        writer.close()

    async def main() -> None:
        server, url = await serve(handler)
        client = HTTPClient()
        with pytest.raises(TimeoutError):
            await client.post(url, b'{"n": 0}', {}, 0.1)
        answers = [await client.post(url, b'{"n": %d}' % n, {}, 2.0) for n in (1, 2)]
        assert [json.loads(a.body) for a in answers] == [{"n": 1}, {"n": 2}]
        await client.close()
        await asyncio.sleep(0.3)
        await stop(server)

    run(main())
    assert connections == 2  # the timed-out connection was dropped, the next one kept alive
