"""JSON Schema generation speed: the corpus (per-instance time) and W2 (1M records to JSONL).

- ``corpus``: for every schema of ``tests/fixtures/schemas/`` (compiled once, then cached),
  ``SchemaBasedGenerator().from_schema(schema, N)``; the per-instance time of a schema is the
  call's time divided by ``N``. The figure is the median over the corpus (target < 0.02 ms).
- ``w2``: the bulk workload W2 expressed as a JSON Schema (``record_w2_user.json``: nested user
  records with id, name, e-mail, age 18..90, active, created_at, 1..5 tags and an address),
  1,000,000 records written to JSONL with ``DataGenerator().write(config, path)`` (target
  ≥ 1M records/s).

Off in the normal test run. Run with::

    .venv/bin/pytest benches/test_bench_schema.py --benchmark-enable --benchmark-only -s

Set ``FERROSYNTH_BENCH_ASSERT=1`` to fail when a target is missed (on a machine that is not
shared: both figures scale with free cores).
"""

from __future__ import annotations

import json
import os
import statistics
import time
import warnings
from pathlib import Path
from typing import Any

import pytest

from ferrosynth import (
    DataGenerator,
    DataType,
    GeneratorConfig,
    SchemaBasedGenerator,
    SchemaWarning,
)

CORPUS = Path(__file__).parent.parent / "tests" / "fixtures" / "schemas"
W2 = json.loads((CORPUS / "record_w2_user.json").read_text())
N = 2_000
W2_COUNT = 1_000_000
ASSERT = bool(os.environ.get("FERROSYNTH_BENCH_ASSERT"))


def corpus_per_instance_ms() -> list[float]:
    gen = SchemaBasedGenerator()
    out = []
    for path in sorted(CORPUS.glob("*.json")):
        schema = json.loads(path.read_text())
        with warnings.catch_warnings():
            # The corpus's "left out" regressions warn that an optional property is never
            # generated (tests/test_schema_corpus.py checks that warning); here it is noise.
            warnings.simplefilter("ignore", SchemaWarning)
            gen.from_schema(schema, 10, seed=1)  # compile once (cached)
        t0 = time.perf_counter()
        gen.from_schema(schema, N, seed=1)
        out.append((time.perf_counter() - t0) / N * 1000)
    return out


def test_corpus_median_per_instance(benchmark: Any) -> None:
    per = benchmark.pedantic(corpus_per_instance_ms, rounds=3, iterations=1)
    median = statistics.median(per)
    benchmark.extra_info.update(
        {
            "data_type": "json_schema_corpus",
            "library": "ferrosynth",
            "samples": N * len(per),
            "median_ms_per_instance": median,
            "p90_ms": sorted(per)[int(0.9 * len(per))],
        }
    )
    print(f"\ncorpus: {len(per)} schemas, median {median:.4f} ms/instance")
    if ASSERT:
        assert median < 0.02


@pytest.mark.parametrize("threads", [None, 1])
def test_w2_jsonl(benchmark: Any, tmp_path: Path, threads: int | None) -> None:
    gen = DataGenerator()
    config = GeneratorConfig(data_type=DataType.json, count=W2_COUNT, seed=1, schema=W2)
    path = tmp_path / "w2.jsonl"
    gen.write(config.model_copy(update={"count": 1000}), path)  # compile once
    report = benchmark.pedantic(lambda: gen.write(config, path, threads=threads), rounds=3)
    rate = W2_COUNT / benchmark.stats.stats.median
    benchmark.extra_info.update(
        {
            "data_type": "w2_jsonl",
            "library": "ferrosynth",
            "samples": W2_COUNT,
            "records_per_s": rate,
            "bytes": report.bytes_written,
            "threads": threads,
        }
    )
    print(f"\nW2 threads={threads}: {rate:,.0f} records/s, {report.bytes_written:,} bytes")
    if ASSERT and threads is None:
        assert rate >= 1_000_000
