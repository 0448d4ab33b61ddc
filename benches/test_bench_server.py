"""The batch server against mock-llm at zero latency, on SQLite and on PostgreSQL.

Measured, each in its own server process (``ferrosynth server``) with the client here:

- **ingest**: one JSONL upload of ``INGEST_N`` tasks, from the first byte sent to the reply (the
  tasks are committed before the reply), tasks/s;
- **end to end**: ``E2E_N`` tasks uploaded, sent to ``ferrosynth mock-llm`` (its own process) and
  written back, until the batch reads COMPLETED, tasks/s;
- **export**: the NDJSON export of the ingested batch, streamed and parsed, tasks/s;
- **peak RSS** of the server process (VmHWM) for a 1M-task batch uploaded and exported, beside
  the same for 100k: flat memory means the two are close.

    .venv/bin/python -m pytest benches/test_bench_server.py --benchmark-enable --benchmark-only -s

Figures and machine load are in docs/benchmarks.md. PostgreSQL runs start their own server
(tests/server/pg.py); they are skipped where no PostgreSQL binaries exist.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")

INGEST_N = 100_000
E2E_N = 20_000
RSS_SMALL, RSS_LARGE = 100_000, 1_000_000
KEY = "bench-key"
HEADERS = {"Authorization": f"Bearer {KEY}"}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


class Proc:
    def __init__(self, *args: str) -> None:
        env = {**os.environ, "API_SECRET_KEY": KEY}
        self.p = subprocess.Popen(
            [sys.executable, "-m", "ferrosynth.cli", *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def peak_rss_mb(self) -> float:
        status = Path(f"/proc/{self.p.pid}/status").read_text()
        kb = int(status.split("VmHWM:")[1].split()[0])
        return kb / 1024

    def stop(self) -> None:
        self.p.terminate()
        self.p.wait(timeout=30)


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    port = _port()
    mock = Proc("mock-llm", "--port", str(port))
    _wait(f"http://127.0.0.1:{port}/v1/models")
    yield f"http://127.0.0.1:{port}/v1/chat/completions"
    mock.stop()


@pytest.fixture(scope="module")
def pg() -> Iterator[Any]:
    from tests.server.pg import PostgresServer, find_bin

    bindir = find_bin()
    if bindir is None:
        pytest.skip("no PostgreSQL binaries")
    server = PostgresServer(bindir)
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "bench.db")
    url: str = request.getfixturevalue("pg").new_database()
    return url


def server(store: str, role: str = "all", *extra: str) -> tuple[Proc, str]:
    port = _port()
    proc = Proc("server", "--store", store, "--role", role, "--port", str(port), *extra)
    url = f"http://127.0.0.1:{port}"
    _wait(url + "/health")
    return proc, url


def lines(n: int, provider: str, prefix: str = "q") -> Iterator[bytes]:
    """The JSONL of ``n`` distinct tasks, as the real client writes it, 10k lines at a time."""
    for start in range(0, n, 10_000):
        chunk = [
            json.dumps(
                {
                    "custom_id": f"{prefix}-{i}",
                    "method": "POST",
                    "url": provider,
                    "api_key": "sk-bench",
                    "body": {
                        "model": "gpt-4o-mini",
                        "messages": [{"role": "user", "content": f"{prefix} question {i}"}],
                        "max_tokens": 16,
                    },
                    "dataset": None,
                    "source": None,
                    "use_cache": True,
                    "track_progress": True,
                }
            )
            for i in range(start, min(n, start + 10_000))
        ]
        yield ("\n" if start else "").encode() + "\n".join(chunk).encode()


def upload(url: str, batch_id: str, body: Iterator[bytes]) -> dict[str, Any]:
    def multipart() -> Iterator[bytes]:
        yield (
            b'--BENCH\r\nContent-Disposition: form-data; name="file"; filename="batch.jsonl"\r\n'
            b"Content-Type: application/x-jsonlines\r\n\r\n"
        )
        yield from body
        yield b"\r\n--BENCH--\r\n"

    response = httpx.post(
        f"{url}/api/v1/batches",
        params={"batch_id": batch_id},
        content=multipart(),
        headers={**HEADERS, "Content-Type": "multipart/form-data; boundary=BENCH"},
        timeout=3600,
    )
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result


def export_count(url: str, batch_id: str) -> int:
    count = 0
    with httpx.stream(
        "GET", f"{url}/api/v1/batches/{batch_id}/tasks/export", headers=HEADERS, timeout=3600
    ) as response:
        for line in response.iter_lines():
            if line:
                count += len(json.loads(line)["tasks"])
    return count


def kind(store: str) -> str:
    return "postgresql" if store.startswith("postgresql") else "sqlite"


def report(benchmark: Any, what: str, n: int, seconds: float, **extra: Any) -> None:
    rate = n / seconds
    benchmark.extra_info.update(
        tasks=n, seconds=round(seconds, 3), tasks_per_s=round(rate), **extra
    )
    sys.stderr.write(f"\n{what}: {n} tasks in {seconds:.2f} s = {rate:,.0f} tasks/s {extra}\n")


def test_ingest_and_export(benchmark: Any, store: str, mock_url: str) -> None:
    proc, url = server(store, "api")
    payload = list(lines(INGEST_N, mock_url))
    try:
        t0 = time.perf_counter()
        assert upload(url, "ingest", iter(payload))["total_tasks"] == INGEST_N
        ingest_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        exported = benchmark.pedantic(export_count, (url, "ingest"), rounds=1, iterations=1)
        export_s = time.perf_counter() - t0
        assert exported == INGEST_N
        report(benchmark, f"ingest [{kind(store)}]", INGEST_N, ingest_s)
        report(benchmark, f"export [{kind(store)}]", INGEST_N, export_s)
        benchmark.extra_info.update(
            ingest_tasks_per_s=round(INGEST_N / ingest_s),
            export_tasks_per_s=round(INGEST_N / export_s),
        )
    finally:
        proc.stop()


def test_end_to_end(benchmark: Any, store: str, mock_url: str) -> None:
    proc, url = server(store, "all", "--concurrency", "128")
    payload = list(lines(E2E_N, mock_url, prefix=f"e2e{time.time_ns()}"))

    def run() -> dict[str, Any]:
        upload(url, "e2e", iter(payload))
        while True:
            batch: dict[str, Any] = httpx.get(f"{url}/api/v1/batches/e2e", headers=HEADERS).json()
            if batch["batch_status"] in ("COMPLETED", "FAILED"):
                return batch
            time.sleep(0.05)

    try:
        t0 = time.perf_counter()
        batch = benchmark.pedantic(run, rounds=1, iterations=1)
        seconds = time.perf_counter() - t0
        assert batch["completed_tasks"] == E2E_N
        report(benchmark, f"end to end [{kind(store)}]", E2E_N, seconds)
    finally:
        proc.stop()


@pytest.mark.parametrize("n", [RSS_SMALL, RSS_LARGE])
def test_peak_rss(benchmark: Any, tmp_path: Path, mock_url: str, n: int) -> None:
    proc, url = server(str(tmp_path / "rss.db"), "api")
    try:
        t0 = time.perf_counter()
        benchmark.pedantic(lambda: upload(url, "rss", lines(n, mock_url)), rounds=1, iterations=1)
        assert export_count(url, "rss") == n
        seconds = time.perf_counter() - t0
        rss = proc.peak_rss_mb()
        report(benchmark, f"peak RSS, {n} tasks", n, seconds, peak_rss_mb=round(rss, 1))
    finally:
        proc.stop()
