"""The batch runner's figures for docs/benchmarks.md, measured against `ferrosynth mock-llm`.

    .venv/bin/python benches/runner_figures.py throughput [N [C]]  # requests/s, zero latency
    .venv/bin/python benches/runner_figures.py inflight [C]      # share of C in flight, 500 ms
    .venv/bin/python benches/runner_figures.py rss [N]           # peak RSS of a run of N requests

Each starts `ferrosynth mock-llm` as its own process on a free loopback port and runs the
client in this process (or, for ``rss``, in a fresh child whose peak RSS is read from
``getrusage``). Throughput is measured for the runner (fast transport, the default for
``http://``), the runner over the LLM layer's aiohttp provider (``--transport provider``), and
two bare peers doing no bookkeeping at all: a plain aiohttp loop and the runner's own HTTP
client in a loop. CPU time per request (user+system of this process) is printed beside the
wall-clock rate: on a shared machine it is the steadier number.
"""

from __future__ import annotations

import asyncio
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from ferrosynth.runner import BatchRunner, RunProgress
from ferrosynth.runner.engine import run_loop
from ferrosynth.runner.http import Endpoint, HttpConnection

_SERVER_PIDS: list[int] = []


def process_tree_cpu(root: int) -> float:
    """CPU seconds (user+system) of ``root`` and its children, from /proc (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    pids = {root}
    stats: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                text = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            stats[int(entry)] = text.rsplit(")", 1)[1].split()
    grew = True
    while grew:
        grew = False
        for pid, fields in stats.items():
            if pid not in pids and int(fields[1]) in pids:
                pids.add(pid)
                grew = True
    return sum(int(stats[p][11]) + int(stats[p][12]) for p in pids if p in stats) / ticks


@contextmanager
def mock_llm(*extra: str) -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "ferrosynth.cli", "mock-llm", "--port", "0", *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    match = re.search(r"OpenAI base URL (\S+);", proc.stderr.readline())
    assert match
    _SERVER_PIDS.append(proc.pid)
    try:
        yield match.group(1)
    finally:
        _SERVER_PIDS.remove(proc.pid)
        proc.send_signal(signal.SIGINT)
        proc.wait(10)
        proc.stderr.close()


def body(i: int) -> dict[str, Any]:
    return {
        "model": "gpt-4o-mini",
        "max_tokens": 16,
        "messages": [{"role": "user", "content": f"Say hello to number {i}."}],
    }


def write_requests(path: Path, n: int) -> Path:
    with path.open("wb") as handle:
        for i in range(n):
            handle.write(orjson.dumps({"custom_id": f"r{i}", "body": body(i)}) + b"\n")
    return path


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(name: str, n: int, run: Callable[[], Awaitable[Any]]) -> float:
    server = _SERVER_PIDS[-1]
    s0, c0, t0 = process_tree_cpu(server), cpu(), time.perf_counter()
    result = run_loop(run())  # type: ignore[arg-type]
    wall, used = time.perf_counter() - t0, cpu() - c0
    served = process_tree_cpu(server) - s0
    if result is not None:  # a runner: every request answered, once
        assert result.progress.done == n, result.line()
    print(
        f"{name:<30} {n / wall:>7,.0f} req/s  client {used * 1e6 / n:>4.0f} µs CPU/request"
        f"  (server {served * 1e6 / n:>4.0f} µs)",
        flush=True,
    )
    return n / wall


def throughput(n: int, concurrency: int = 64) -> None:
    with tempfile.TemporaryDirectory() as scratch, mock_llm() as base_url:
        source = write_requests(Path(scratch) / "in.jsonl", n)
        runs = iter(range(100))

        def runner(transport: str) -> Callable[[], Awaitable[Any]]:
            def go() -> Awaitable[Any]:
                out = Path(scratch) / f"out{next(runs)}.jsonl"
                return BatchRunner(
                    source,
                    out,
                    base_url=base_url,
                    concurrency=concurrency,
                    transport=transport,  # type: ignore[arg-type]
                ).run()

            return go

        async def bare_client() -> None:
            endpoint = Endpoint.parse(base_url + "/chat/completions")
            numbers = iter(range(n))

            async def worker() -> None:
                conn = HttpConnection(endpoint)
                for i in numbers:
                    orjson.loads((await conn.post(orjson.dumps(body(i)), timeout=60)).body)
                conn.close()

            await asyncio.gather(*(worker() for _ in range(concurrency)))

        async def bare_aiohttp() -> None:
            import aiohttp

            numbers = iter(range(n))
            connector = aiohttp.TCPConnector(limit=concurrency)
            async with aiohttp.ClientSession(connector=connector) as session:

                async def worker() -> None:
                    for i in numbers:
                        async with session.post(
                            base_url + "/chat/completions", json=body(i)
                        ) as response:
                            await response.json()

                await asyncio.gather(*(worker() for _ in range(concurrency)))

        print(f"{n} requests, concurrency {concurrency}, `ferrosynth mock-llm` (1 worker)")
        timed("runner (fast transport)", n, runner("fast"))
        timed("runner (provider transport)", n, runner("provider"))
        timed("bare runner HTTP client loop", n, bare_client)
        timed("bare aiohttp loop", n, bare_aiohttp)


def inflight(concurrency: int, latency_ms: int = 500, seconds: float = 8.0) -> None:
    n = int(concurrency * seconds * 1000 / latency_ms)
    samples: list[int] = []
    with tempfile.TemporaryDirectory() as scratch, mock_llm("--latency-ms", str(latency_ms)) as url:
        source = write_requests(Path(scratch) / "in.jsonl", n)

        def sample(p: RunProgress) -> None:
            if p.remaining > 2 * concurrency and p.elapsed_s > 2 * latency_ms / 1000:
                samples.append(p.in_flight)

        t0 = time.perf_counter()
        run_loop(
            BatchRunner(
                source,
                Path(scratch) / "out.jsonl",
                base_url=url,
                concurrency=concurrency,
                progress=sample,
                progress_interval=0.05,
            ).run()
        )
        wall = time.perf_counter() - t0
    mean = sum(samples) / len(samples)
    little = n / wall * latency_ms / 1000  # Little's law over the whole run, ramp and tail too
    print(
        f"concurrency {concurrency}, latency {latency_ms} ms, {n} requests: sampled in flight "
        f"mean {mean:.1f} ({100 * mean / concurrency:.1f} %), min {min(samples)} over "
        f"{len(samples)} samples; Little's law over the whole run {little:.1f} "
        f"({100 * little / concurrency:.1f} %)"
    )


def rss(n: int) -> None:
    code = """
import resource, sys
from pathlib import Path
from ferrosynth.runner import run_batch
s = run_batch(Path(sys.argv[1]), Path(sys.argv[2]), base_url=sys.argv[3], concurrency=64)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{s.progress.done} answered in {s.progress.elapsed_s:.0f} s; peak RSS {peak:.0f} MiB")
"""
    with tempfile.TemporaryDirectory() as scratch, mock_llm() as base_url:
        source = write_requests(Path(scratch) / "in.jsonl", n)
        out = Path(scratch) / "out.jsonl"
        result = subprocess.run(
            [sys.executable, "-c", code, str(source), str(out), base_url],
            capture_output=True,
            text=True,
            env={**os.environ, "FERROSYNTH_CACHE": "off"},
        )
        print(f"{n} requests: {result.stdout.strip() or result.stderr[-2000:]}")


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "throughput"
    arg = int(sys.argv[2]) if len(sys.argv) > 2 else None
    if what == "throughput":
        throughput(arg or 30_000, int(sys.argv[3]) if len(sys.argv) > 3 else 64)
    elif what == "inflight":
        inflight(arg or 256)
    elif what == "rss":
        rss(arg or 1_000_000)
    else:
        raise SystemExit(f"unknown figure {what!r}: throughput, inflight or rss")
