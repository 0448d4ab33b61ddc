"""Parquet against JSON Lines, same rows, same run: W1 (1M rows, ``benches/schemas/w1.json``)
and agent traces (200k rows), each written by ``DataGenerator.write`` in a fresh subprocess
that reports its own wall time, CPU time (user + sys, all threads) and peak RSS
(``resource.getrusage``), so one format's memory never counts against the other. On a shared
machine the CPU time is the steadier figure. Targets (issue 9): Parquet within 1.5x of JSONL,
peak RSS under 150 MiB.

    .venv/bin/pytest benches/test_bench_parquet.py --benchmark-enable --benchmark-only -s

or, for the table in ``docs/benchmarks.md`` (median of ``--runs`` runs per cell)::

    .venv/bin/python benches/test_bench_parquet.py --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

SCHEMAS = Path(__file__).parent / "schemas"
WORKLOADS = {"w1": 1_000_000, "agent_trace": 200_000}
FORMATS = ("jsonl", "parquet")

CHILD = """
import json, resource, sys, time
from ferrosynth import DataGenerator, DataType, GeneratorConfig
workload, count, path, schema = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
if workload == "w1":
    config = GeneratorConfig(data_type=DataType.json, count=count, seed=1,
                             schema=json.loads(open(schema).read()))
else:
    config = GeneratorConfig(data_type=DataType.agent_trace, count=count, seed=1)
gen = DataGenerator()
gen.plan(config)  # compile outside the timed part, like a warm process
before = resource.getrusage(resource.RUSAGE_SELF)
t0 = time.perf_counter()
report = gen.write(config, path)
elapsed = time.perf_counter() - t0
after = resource.getrusage(resource.RUSAGE_SELF)
cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
rss = after.ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "cpu": cpu, "rss_mib": rss, "bytes": report.bytes_written}))
"""


def run_once(workload: str, fmt: str, count: int) -> dict[str, Any]:
    """One write in a fresh interpreter: its wall time, peak RSS and file size."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"out.{fmt}"
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                CHILD,
                workload,
                str(count),
                str(path),
                str(SCHEMAS / "w1.json"),
            ],
            capture_output=True,
            text=True,
            check=True,
            env=os.environ.copy(),
        )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("workload", list(WORKLOADS))
def test_bench_parquet_vs_jsonl(benchmark: Any, workload: str, fmt: str) -> None:
    count = WORKLOADS[workload]
    runs: list[dict[str, Any]] = []

    def once() -> None:
        runs.append(run_once(workload, fmt, count))

    benchmark.pedantic(once, rounds=3, iterations=1)
    benchmark.extra_info.update(
        records=count,
        seconds_median=statistics.median(r["seconds"] for r in runs),
        cpu_median=statistics.median(r["cpu"] for r in runs),
        rss_mib_max=max(r["rss_mib"] for r in runs),
        bytes=runs[0]["bytes"],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(
        "| workload | rows | format | wall s | rows/s | CPU s | peak RSS MiB | MB "
        "| wall vs JSONL | CPU vs JSONL |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for workload, count in WORKLOADS.items():
        base: tuple[float, float] | None = None
        for fmt in FORMATS:
            runs = [run_once(workload, fmt, count) for _ in range(args.runs)]
            secs = statistics.median(r["seconds"] for r in runs)
            cpu = statistics.median(r["cpu"] for r in runs)
            rss = max(r["rss_mib"] for r in runs)
            base = (secs, cpu) if base is None else base
            print(
                f"| {workload} | {count:,} | {fmt} | {secs:.2f} | {count / secs:,.0f} | "
                f"{cpu:.2f} | {rss:.0f} | {runs[0]['bytes'] / 1e6:.1f} | "
                f"{secs / base[0]:.2f}x | {cpu / base[1]:.2f}x |",
                flush=True,
            )


if __name__ == "__main__":
    main()
