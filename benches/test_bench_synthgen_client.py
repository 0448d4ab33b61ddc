"""Speed and memory of the Synthgen client's export download (``get_batch_tasks``).

A loopback server (tests/synthgen_loopback.py) streams ``N`` exported tasks (OpenAI-shaped
answers, about 1 KB each) as NDJSON, 1,000 tasks a line, like a Synthgen server's export.
Measured in the same run:

- ``ferrosynth-iter``: ``SynthgenClient.iter_batch_tasks``, consumed one task at a time;
- ``ferrosynth-list``: ``SynthgenClient.get_batch_tasks`` (the same stream, kept in a list);
- ``synthgen-0.0.7``: the published client's ``get_batch_tasks`` (its progress bar goes to a
  null console).

Peak Python memory (tracemalloc, one separate run each) is printed with the times. Off in the
normal test run. Run with::

    .venv/bin/pytest benches/test_bench_synthgen_client.py --benchmark-enable --benchmark-only -s

``FERROSYNTH_BENCH_TASKS`` (default 20000) sets ``N``.
"""

from __future__ import annotations

import json
import os
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from tests.synthgen_loopback import Reply, Request, ScriptedServer

from ferrosynth.synthgen import SynthgenClient

N = int(os.environ.get("FERROSYNTH_BENCH_TASKS", "20000"))
PER_LINE = 1000


def record(i: int) -> dict[str, Any]:
    content = f"x = {i % 7}. " * 20
    return {
        "message_id": f"00000000-0000-4000-8000-{i:012d}",
        "batch_id": "bench",
        "custom_id": f"task-{i}",
        "status": "COMPLETED",
        "body": {"model": "m", "messages": [{"role": "user", "content": f"solve {i}x + 4 = 10"}]},
        "completions": {
            "id": f"chatcmpl-{i}",
            "object": "chat.completion",
            "created": 1741773600,
            "model": "m",
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": content},
                 "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": 12, "completion_tokens": 40, "total_tokens": 52},
        },
        "cached": False,
        "created_at": "2025-03-12T10:00:00.123456+00:00",
        "started_at": "2025-03-12T10:00:00.223456+00:00",
        "completed_at": "2025-03-12T10:00:01.123456+00:00",
        "duration": 900,
        "dataset": None,
        "source": None,
    }  # fmt: skip


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    lines = [
        json.dumps({"tasks": [record(i) for i in range(s, min(N, s + PER_LINE))], "total": N})
        .encode() + b"\n"
        for s in range(0, N, PER_LINE)
    ]  # fmt: skip
    batch = {
        "batch_id": "bench", "batch_status": "COMPLETED", "total_tasks": N,
        "completed_tasks": N, "failed_tasks": 0, "pending_tasks": 0, "processing_tasks": 0,
        "cached_tasks": 0, "created_at": "2025-03-12T10:00:00+00:00",
    }  # fmt: skip

    def handler(req: Request) -> Reply:
        if req.path.endswith("/export"):
            return Reply(headers={"content-type": "application/x-ndjson"}, chunks=lines)
        return Reply(json=batch)

    with ScriptedServer(handler) as srv:
        yield srv.base_url


Run = tuple[Callable[[], int], Callable[[], None]]  # (download, close)


def ferrosynth_iter(url: str) -> Run:
    client = SynthgenClient(url, "k")
    return lambda: sum(1 for _ in client.iter_batch_tasks("bench")), client.close


def ferrosynth_list(url: str) -> Run:
    client = SynthgenClient(url, "k")
    return lambda: len(client.get_batch_tasks("bench")), client.close


def legacy_list(url: str) -> Run:
    pytest.importorskip("synthgen")
    import rich.progress
    from rich.console import Console
    from synthgen import SynthgenClient as Legacy

    devnull = open(os.devnull, "w")  # noqa: SIM115 - closed with the client
    quiet = Console(file=devnull)
    original = rich.progress.Progress.__init__

    def silent(self: Any, *a: Any, **k: Any) -> None:
        original(self, *a, **{**k, "console": quiet})

    rich.progress.Progress.__init__ = silent  # type: ignore[method-assign]
    base, port = url.rsplit(":", 1)
    client = Legacy(base_url=base, port=port, api_key="k")

    def close() -> None:
        client._client.close()  # 0.0.7 has no close()
        devnull.close()
        rich.progress.Progress.__init__ = original  # type: ignore[method-assign]

    return lambda: len(client.get_batch_tasks("bench")), close


CLIENTS = {
    "ferrosynth-iter": ferrosynth_iter,
    "ferrosynth-list": ferrosynth_list,
    "synthgen-0.0.7": legacy_list,
}


@pytest.mark.parametrize("name", list(CLIENTS))
def test_export_download(benchmark: Any, server: str, name: str) -> None:
    run, close = CLIENTS[name](server)
    try:
        assert run() == N  # warm, and correct
        tracemalloc.start()
        run()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        benchmark.extra_info.update(tasks=N, peak_mib=round(peak / 2**20, 1))
        count = benchmark.pedantic(run, rounds=5, iterations=1)
    finally:
        close()
    assert count == N
    median = benchmark.stats.stats.median
    print(f"\n{name}: {N / median:,.0f} tasks/s (median of 5), peak {peak / 2**20:.1f} MiB")
