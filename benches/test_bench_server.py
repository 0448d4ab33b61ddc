"""The batch server against mock-llm at zero latency, on SQLite and on PostgreSQL.

Measured, each in its own server process (``ferrosynth server``) with the client here:

- **ingest**: one JSONL upload of ``INGEST_N`` tasks, from the first byte sent to the reply (the
  tasks are committed before the reply), tasks/s;
- **end to end**: ``E2E_N`` tasks uploaded, sent to ``ferrosynth mock-llm`` (its own process) and
  written back, until the batch reads COMPLETED, tasks/s;
- **export**: the NDJSON export of the ingested batch, streamed and parsed, tasks/s;
- **peak RSS** of the server process (VmHWM) for a 1M-task batch uploaded and exported, beside
  the same for 100k: flat memory means the two are close.

Each throughput figure is the median of ``FS_BENCH_ROUNDS`` rounds (default 3). Beside the wall
rate every line gives the CPU time (user + system, from ``/proc/<pid>/stat``) per task of each
process taking part: the server, mock-llm, the client (this process) and, on PostgreSQL, the
database (the postmaster with its live and finished backends). On a shared machine the wall rate
measures the share of the cores the processes got; the CPU-µs per task does not move with the
load, and ``2 cores / total CPU per task`` bounds what an idle two-core machine gives. The load
(``/proc/loadavg``) is printed before and after each figure.

    .venv/bin/python -m pytest benches/test_bench_server.py --benchmark-enable --benchmark-only -s

Figures and machine load are in docs/benchmarks.md. PostgreSQL runs start their own server
(tests/server/pg.py); they are skipped where no PostgreSQL binaries exist.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
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
ROUNDS = int(os.environ.get("FS_BENCH_ROUNDS", "3"))
_TICK = os.sysconf("SC_CLK_TCK")
KEY = "bench-key"
HEADERS = {"Authorization": f"Bearer {KEY}"}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_s(pid: int, *, children: bool = False) -> float:
    """User + system CPU seconds of ``pid`` (with its reaped children's when asked)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / _TICK


def tree_cpu_s(pid: int) -> float:
    """CPU seconds of ``pid``, its finished children and its live children (PostgreSQL's
    postmaster and backends: a backend that exits is counted in the postmaster's cutime)."""
    total = cpu_s(pid, children=True)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if int(text.rsplit(")", 1)[1].split()[1]) == pid:
            total += cpu_s(int(stat.parent.name))
    return total


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


class CPU:
    """CPU seconds of every process of a figure, sampled before and after."""

    def __init__(self, **pids: tuple[int, bool]) -> None:
        self.pids = pids  # name -> (pid, whole tree)

    def sample(self) -> dict[str, float]:
        out = {"client": time.process_time()}
        for name, (pid, tree) in self.pids.items():
            out[name] = tree_cpu_s(pid) if tree else cpu_s(pid)
        return out

    @staticmethod
    def per_task_us(before: dict[str, float], after: dict[str, float], n: int) -> dict[str, int]:
        return {k: round((after[k] - before[k]) / n * 1e6) for k in before}


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


class Mock:
    def __init__(self, proc: Proc, url: str) -> None:
        self.proc = proc
        self.url = url


@pytest.fixture(scope="module")
def mock() -> Iterator[Mock]:
    port = _port()
    proc = Proc("mock-llm", "--port", str(port))
    _wait(f"http://127.0.0.1:{port}/v1/models")
    yield Mock(proc, f"http://127.0.0.1:{port}/v1/chat/completions")
    proc.stop()


@pytest.fixture(scope="module")
def mock_url(mock: Mock) -> str:
    return mock.url


@pytest.fixture(scope="module")
def pg() -> Iterator[Any]:
    from tests.server.pg import PostgresServer, find_bin

    bindir = find_bin()
    if bindir is None:
        pytest.skip("no PostgreSQL binaries")
    server = PostgresServer(bindir)
    yield server
    server.stop()


class Store:
    def __init__(self, url: str, db_pid: int | None) -> None:
        self.url = url
        self.db_pid = db_pid  # the postmaster, for PostgreSQL


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if request.param == "sqlite":
        return Store(str(tmp_path / "bench.db"), None)
    pg = request.getfixturevalue("pg")
    url: str = pg.new_database()
    pid = int((pg.data / "postmaster.pid").read_text().split()[0])
    return Store(url, pid)


def cpu_of(proc: Proc, store: Store, mock: Mock | None = None) -> CPU:
    pids: dict[str, tuple[int, bool]] = {"server": (proc.p.pid, False)}
    if mock is not None:
        pids["mock"] = (mock.proc.p.pid, False)
    if store.db_pid is not None:
        pids["postgres"] = (store.db_pid, True)
    return CPU(**pids)


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


def kind(store: Store) -> str:
    return "postgresql" if store.db_pid is not None else "sqlite"


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def report(
    benchmark: Any, what: str, n: int, rounds: list[tuple[float, dict[str, int], str]]
) -> None:
    """One figure: the median wall rate and, per process, the median CPU-µs per task."""
    rates = [n / s for s, _, _ in rounds]
    cpu = {k: round(median([c[k] for _, c, _ in rounds])) for k in rounds[0][1]}
    total = sum(cpu.values())
    idle_bound = 2e6 / total if total else float("inf")
    key = what.split(" [")[0].replace(" ", "_")
    benchmark.extra_info[key] = {
        "tasks": n,
        "tasks_per_s_rounds": [round(r) for r in rates],
        "tasks_per_s_median": round(median(rates)),
        "cpu_us_per_task": cpu,
        "cpu_us_per_task_total": total,
        "two_core_bound_tasks_per_s": round(idle_bound),
        "load": [ld for _, _, ld in rounds],
    }
    sys.stderr.write(
        f"\n{what}: {n} tasks; rounds {', '.join(f'{r:,.0f}' for r in rates)} tasks/s; "
        f"median {median(rates):,.0f} tasks/s\n"
        f"  CPU-us/task {cpu} total {total} -> 2 idle cores: {idle_bound:,.0f} tasks/s\n"
        f"  load {' | '.join(ld for _, _, ld in rounds)}\n"
    )


def timed(cpu: CPU, n: int, fn: Any) -> tuple[Any, tuple[float, dict[str, int], str]]:
    ld = load()
    before = cpu.sample()
    t0 = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t0
    # a PostgreSQL backend whose connection just closed is neither alive nor yet reaped (its
    # CPU is nowhere for a moment): let it finish exiting before the second sample
    time.sleep(0.3)
    after = cpu.sample()
    return result, (seconds, CPU.per_task_us(before, after, n), f"{ld} -> {load()}")


def test_ingest_and_export(benchmark: Any, store: Store, mock_url: str) -> None:
    proc, url = server(store.url, "api")
    payload = list(lines(INGEST_N, mock_url))
    cpu = cpu_of(proc, store)
    ingests, exports = [], []
    try:
        for r in range(ROUNDS):
            bid = f"ingest-{r}"
            result, figure = timed(cpu, INGEST_N, lambda b=bid: upload(url, b, iter(payload)))
            assert result["total_tasks"] == INGEST_N
            ingests.append(figure)
            exported, figure = timed(cpu, INGEST_N, lambda b=bid: export_count(url, b))
            assert exported == INGEST_N
            exports.append(figure)
        benchmark.pedantic(lambda: None, rounds=1, iterations=1)
        report(benchmark, f"ingest [{kind(store)}]", INGEST_N, ingests)
        report(benchmark, f"export [{kind(store)}]", INGEST_N, exports)
        poll_cost(benchmark, cpu, url, store)
    finally:
        proc.stop()


def poll_cost(benchmark: Any, cpu: CPU, url: str, store: Store, polls: int = 20) -> None:
    """CPU per ``GET /batches/{id}`` of a 100,000-task batch: what a client's polling costs."""
    with httpx.Client(headers=HEADERS) as client:

        def run() -> None:
            for _ in range(polls):
                assert (
                    client.get(f"{url}/api/v1/batches/ingest-0").json()["total_tasks"] == INGEST_N
                )

        _, (_, per_poll_us, ld) = timed(cpu, polls, run)
    ms = {k: round(v / 1000, 2) for k, v in per_poll_us.items() if k != "client"}
    benchmark.extra_info["poll_cpu_ms"] = ms
    sys.stderr.write(
        f"\nbatch poll [{kind(store)}]: CPU ms per GET /batches/{{id}} of {INGEST_N} tasks "
        f"{ms} (load {ld})\n"
    )


def test_end_to_end(benchmark: Any, store: Store, mock: Mock) -> None:
    proc, url = server(store.url, "all", "--concurrency", "128")
    cpu = cpu_of(proc, store, mock)
    figures = []

    def run(bid: str, payload: list[bytes]) -> dict[str, Any]:
        upload(url, bid, iter(payload))
        with httpx.Client(headers=HEADERS) as client:  # one connection for the polls
            while True:
                batch: dict[str, Any] = client.get(f"{url}/api/v1/batches/{bid}").json()
                if batch["batch_status"] in ("COMPLETED", "FAILED"):
                    return batch
                time.sleep(0.05)

    try:
        for r in range(ROUNDS):
            payload = list(lines(E2E_N, mock.url, prefix=f"e2e{time.time_ns()}"))
            batch, figure = timed(cpu, E2E_N, lambda b=f"e2e-{r}", p=payload: run(b, p))
            assert batch["completed_tasks"] == E2E_N
            figures.append(figure)
        benchmark.pedantic(lambda: None, rounds=1, iterations=1)
        report(benchmark, f"end to end [{kind(store)}]", E2E_N, figures)
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
        benchmark.extra_info.update(tasks=n, seconds=round(seconds, 3), peak_rss_mb=round(rss, 1))
        sys.stderr.write(f"\npeak RSS, {n} tasks: {rss:.1f} MB ({seconds:.1f} s, load {load()})\n")
    finally:
        proc.stop()


def test_worker_pool_alone(benchmark: Any, store: Store, mock: Mock) -> None:
    """The worker pool in this process (no HTTP API, no polls): claims, provider calls to
    mock-llm and outcome writes for ``E2E_N`` queued tasks. Its CPU per task is the worker's
    share of end to end, without the polls whose cost grows with the wall time of a run."""
    import asyncio

    from ferrosynth.server.config import ServerConfig
    from ferrosynth.server.ingest import cache_key, new_message_ids
    from ferrosynth.server.keys import Keyring
    from ferrosynth.server.worker import WorkerPool
    from ferrosynth.store.tasks import NewTask, open_task_store

    try:  # the event loop the server runs on (uvicorn picks uvloop when it is installed)
        import uvloop

        run_loop: Any = uvloop.run
    except ImportError:
        run_loop = asyncio.run
    task_store = open_task_store(store.url)
    pids: dict[str, tuple[int, bool]] = {"mock": (mock.proc.p.pid, False)}
    if store.db_pid is not None:
        pids["postgres"] = (store.db_pid, True)
    cpu = CPU(**pids)  # "client" is this process: the worker pool and the store's driver
    figures = []

    async def drain() -> None:
        config = ServerConfig(store=store.url, api_key=KEY, concurrency=128)
        pool = WorkerPool(task_store, config, Keyring(KEY))
        await pool.start()
        while task_store.queue_depth() or pool.busy:
            await asyncio.sleep(0.05)
        await pool.stop()

    try:
        for r in range(ROUNDS):
            tasks = []
            for i, mid in enumerate(new_message_ids(E2E_N)):
                body = {"model": "m", "messages": [{"role": "user", "content": f"w{r}-{i}"}]}
                text = json.dumps(body, separators=(",", ":"))
                tasks.append(
                    NewTask(
                        mid,
                        None,
                        mock.url,
                        "POST",
                        text,
                        cache_key(body),
                        True,
                        True,
                        None,
                        None,
                        None,
                    )
                )
            ingest = task_store.begin_ingest(f"pool-{r}")
            ingest.add(tasks, [])
            ingest.commit()
            _, figure = timed(cpu, E2E_N, lambda: run_loop(drain()))
            assert task_store.batch(f"pool-{r}").completed_fresh == E2E_N  # type: ignore[union-attr]
            figures.append(figure)
        benchmark.pedantic(lambda: None, rounds=1, iterations=1)
        report(benchmark, f"worker pool alone [{kind(store)}]", E2E_N, figures)
    finally:
        task_store.close()
