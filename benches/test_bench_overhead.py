"""The cost per call: ``generate(count=1)`` per data type, and ``import ferrosynth``.

``generate(count=1)`` is what the mock LLM endpoint pays per HTTP request; the target is under
50 µs of overhead. Each round times ``CALLS`` calls of the same config (the plan is cached after
the first), so ``benches/report.py``-style division by ``extra_info["calls"]`` gives µs/call.
``import ferrosynth`` is timed in fresh interpreters (``-X importtime``: the cumulative time of
the top-level ``ferrosynth`` modules), target under 100 ms.

    .venv/bin/pytest benches/test_bench_overhead.py --benchmark-enable --benchmark-only
"""

from __future__ import annotations

import statistics
import subprocess
import sys

import pytest

from ferrosynth import DataGenerator, DataType, GeneratorConfig

CALLS = 2_000


@pytest.mark.parametrize("data_type", list(DataType))
def test_generate_one_sample(benchmark: pytest.FixtureRequest, data_type: DataType) -> None:
    config = GeneratorConfig(data_type=data_type, count=1, seed=1)
    gen = DataGenerator()
    gen.generate(config)  # compile and cache the plan outside the timed region

    def calls() -> None:
        for _ in range(CALLS):
            gen.generate(config)

    benchmark.extra_info["calls"] = CALLS
    benchmark.pedantic(calls, rounds=7, iterations=1)  # type: ignore[attr-defined]


def _import_us(statement: str) -> int:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        capture_output=True,
        text=True,
        check=True,
    ).stderr.splitlines()
    # The top-level ferrosynth modules (a lazy `from` import loads ferrosynth.core on its own).
    rows = [line.split("|") for line in out if line.startswith("import time:")]
    return sum(
        int(cumulative)
        for _, cumulative, name in rows
        if name.startswith(" ferrosynth") and not name.startswith("  ")
    )


@pytest.mark.parametrize(
    "statement", ["import ferrosynth", "from ferrosynth import DataGenerator, GeneratorConfig"]
)
def test_import_time(benchmark: pytest.FixtureRequest, statement: str) -> None:
    times = benchmark.pedantic(  # type: ignore[attr-defined]
        lambda: [_import_us(statement) for _ in range(7)], rounds=1, iterations=1
    )
    benchmark.extra_info["median_ms"] = statistics.median(times) / 1000
