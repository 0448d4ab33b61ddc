"""The batch runner, requests/s against `ferrosynth mock-llm` at zero latency, with its peers in
the same run: the runner over the LLM layer's aiohttp provider, a bare aiohttp loop, and the
runner's own HTTP client in a bare loop (the ceiling of the fast path: no checking, no output,
no resume record). Each round sends ``N`` requests at concurrency 64; divide ``N`` by the mean.

    .venv/bin/pytest benches/test_bench_runner.py --benchmark-enable --benchmark-only

The figures of docs/benchmarks.md (with CPU per request, the in-flight share at 500 ms and the
peak RSS over 1M requests) come from ``benches/runner_figures.py``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ferrosynth.runner import BatchRunner
from ferrosynth.runner.engine import run_loop
from runner_figures import mock_llm, write_requests

N = 5_000
CONCURRENCY = 64


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with mock_llm() as url:
        yield url


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_requests(tmp_path_factory.mktemp("runner") / "in.jsonl", N)


def runner_round(source: Path, folder: Path, base_url: str, transport: str) -> Callable[[], Any]:
    numbers = itertools.count()

    def go() -> Any:
        out = folder / f"out-{transport}-{next(numbers)}.jsonl"
        summary = run_loop(
            BatchRunner(
                source,
                out,
                base_url=base_url,
                concurrency=CONCURRENCY,
                transport=transport,  # type: ignore[arg-type]
            ).run()
        )
        assert summary.progress.done == N
        return summary

    return go


@pytest.mark.parametrize("transport", ["fast", "provider"])
def test_runner(
    benchmark: Any, source: Path, tmp_path: Path, base_url: str, transport: str
) -> None:
    benchmark.extra_info["requests"] = N
    benchmark.pedantic(runner_round(source, tmp_path, base_url, transport), rounds=3)


def test_bare_peers(benchmark: Any, base_url: str) -> None:
    import asyncio

    import aiohttp
    import orjson

    from runner_figures import body

    async def bare_aiohttp() -> None:
        numbers = iter(range(N))
        connector = aiohttp.TCPConnector(limit=CONCURRENCY)
        async with aiohttp.ClientSession(connector=connector) as session:

            async def worker() -> None:
                for i in numbers:
                    async with session.post(base_url + "/chat/completions", json=body(i)) as r:
                        orjson.loads(await r.read())

            await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))

    benchmark.extra_info["requests"] = N
    benchmark.pedantic(lambda: run_loop(bare_aiohttp()), rounds=3)
