"""The async Synthgen client: the same behaviour as the sync one, through ``async with``."""

from __future__ import annotations

import asyncio
import inspect
import io
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from ferrosynth.synthgen import APIError, AsyncSynthgenClient, RetryPolicy, SynthgenClient
from ferrosynth.synthgen.models import CalendarInterval, Task, TaskStatus
from tests.synthgen_loopback import FakeSynthgen, Reply, ScriptedServer, gate_lines, sequence

FAST = RetryPolicy(max_retries=3, base_delay=0.01, max_delay=0.02)
KEY = "your-api-key"


def task(i: int) -> Task:
    return Task(
        custom_id=f"t{i}",
        url="http://127.0.0.1:9/v1/chat/completions",
        body={"model": "m", "messages": [{"role": "user", "content": f"q{i}"}]},
    )


@pytest.fixture
def fake() -> Iterator[ScriptedServer]:
    with ScriptedServer(FakeSynthgen()) as srv:
        yield srv


def test_every_sync_method_has_an_async_twin() -> None:
    public = {n for n in dir(SynthgenClient) if not n.startswith("_")}
    assert public <= set(dir(AsyncSynthgenClient))
    for name in public - {"close", "base_url", "timeout", "retry"}:
        method = getattr(AsyncSynthgenClient, name)
        assert asyncio.iscoroutinefunction(method) or name == "iter_batch_tasks", name
        sync_params = inspect.signature(getattr(SynthgenClient, name)).parameters
        assert list(inspect.signature(method).parameters.items()) == list(sync_params.items())


@pytest.mark.parametrize("status", [401, 404, 422])
def test_client_errors_surface_at_once(status: int) -> None:
    async def go(url: str) -> None:
        async with AsyncSynthgenClient(url, "k", retry=FAST) as client:
            await client.get_task("x")

    with (
        ScriptedServer(sequence(Reply(status, json={"detail": "no"}))) as srv,
        pytest.raises(APIError) as info,
    ):
        asyncio.run(go(srv.base_url))
    assert info.value.status_code == status
    assert len(srv.requests) == 1
    assert info.value.response is not None
    assert "no" in info.value.response.text


def test_transient_failures_are_retried() -> None:
    ok = Reply(json={"status": "healthy", "services": {}})

    async def go(url: str) -> str:
        async with AsyncSynthgenClient(url, "k", retry=FAST) as client:
            return (await client.check_health()).status.value

    replies = sequence(Reply(drop=True), Reply(429), Reply(502), ok)
    with ScriptedServer(replies) as srv:
        assert asyncio.run(go(srv.base_url)) == "healthy"
    assert len(srv.requests) == 4


def test_the_export_streams(fake: ScriptedServer) -> None:
    gate = threading.Event()
    rec = {"message_id": "m", "status": "PENDING", "created_at": "2025-03-12T10:00:00Z"}
    lines = [json.dumps({"tasks": [rec], "total": 2}).encode() + b"\n"] * 2

    async def go(url: str) -> int:
        async with AsyncSynthgenClient(url, "k") as client:
            it = client.iter_batch_tasks("b")
            await it.__anext__()
            gate.set()
            return 1 + len([t async for t in it])

    with ScriptedServer(sequence(Reply(chunks=gate_lines(lines, gate)))) as srv:
        assert asyncio.run(go(srv.base_url)) == 2


def test_a_whole_session(fake: ScriptedServer, tmp_path: Path) -> None:
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=100, color_system=None)

    async def go() -> None:
        async with AsyncSynthgenClient(fake.base_url, KEY) as client:
            results = await client.monitor_batch(
                tasks=[task(i) for i in range(5)],
                cost_by_1m_input_token=1e6,
                poll_interval=0.01,
                console=console,
            )
            assert sorted(r.custom_id or "" for r in results) == [f"t{i}" for i in range(5)]
            bid = results[0].batch_id
            assert bid is not None
            batch = await client.get_batch(bid)
            assert batch is not None
            assert batch.completed_tasks == 5
            assert re.search(rf"Total Cost:\s+\${batch.prompt_tokens:.4f}", buf.getvalue())
            assert (await client.get_batches()).total == 1
            t = await client.get_task(results[0].message_id)
            assert t.status == TaskStatus.COMPLETED
            assert t.completed_at is not None
            done = await client.get_batch_tasks(bid, task_status=TaskStatus.COMPLETED)
            assert len(done) == 5
            assert await client.export_batch_tasks(bid, tmp_path / "t.jsonl") == 5
            stats = await client.get_batch_stats(bid, "2h", CalendarInterval.MINUTE_SHORT)
            assert stats.summary.total_tasks == 5
            assert (await client.get_task_stats()).total_tasks == 5
            await client.delete_task(results[0].message_id)
            with pytest.raises(APIError) as info:
                await client.delete_task(results[0].message_id)
            assert info.value.status_code == 404
            await client.delete_batch(bid)
            assert await client.get_batch(bid) is None
            second = await client.create_batch([task(1)], chunk_size=1)
            assert second.total_tasks == 1

    asyncio.run(go())


def test_close_is_a_coroutine_and_the_closed_client_refuses() -> None:
    async def go() -> None:
        client = AsyncSynthgenClient("http://127.0.0.1:9", "k")
        await client.close()
        with pytest.raises(APIError.__mro__[1], match="closed"):
            await client.get_batches()

    asyncio.run(go())
