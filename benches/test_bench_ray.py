"""Generation through Ray vs the local engine, rows/s, in the same run.

- ``local``: :meth:`DataGenerator.write`, all cores, one file (the physical limit here).
- ``ray_parts[k]``: :func:`ferrosynth.ray.write_parts` with ``k`` parts (so at most ``k`` workers
  busy), the same rows; the files joined equal the local file.
- ``ray_read``: :func:`ferrosynth.ray.read` consumed as Arrow batches on the driver (generation,
  object store and transfer), vs ``local_arrow`` (:meth:`DataGenerator.iter_arrow`).
- ``block_overhead``: 64 blocks of one row each, so the time is Ray's per-block cost.

    .venv/bin/pytest benches/test_bench_ray.py --benchmark-enable --benchmark-only

Rows per round are in ``extra_info["rows"]``; rows/s = rows / median.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ferrosynth import DataGenerator, DataType, GeneratorConfig

ray = pytest.importorskip("ray")
fray = pytest.importorskip("ferrosynth.ray")

pytestmark = pytest.mark.filterwarnings(
    "ignore::DeprecationWarning",
    "ignore::FutureWarning",
    "ignore::ResourceWarning",
    "ignore::pytest.PytestUnraisableExceptionWarning",
)

W1 = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "label": {"enum": ["positive", "negative", "neutral"]},
    },
    "required": ["id", "score", "label"],
}
ROWS = 2_000_000
CPUS = os.cpu_count() or 1


@pytest.fixture(scope="module", autouse=True)
def local_ray() -> Iterator[None]:
    for attempt in range(3):  # Ray gives a raylet 30 s to start: retry on a loaded machine
        try:
            ray.init(num_cpus=CPUS, include_dashboard=False, log_to_driver=False)
            break
        except Exception:
            ray.shutdown()
            if attempt == 2:
                raise
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield
    ray.shutdown()


def w1(count: int = ROWS) -> GeneratorConfig:
    return GeneratorConfig(data_type=DataType.json, schema=W1, count=count, seed=1)


def test_local(benchmark: Any, tmp_path: Path) -> None:
    benchmark.extra_info["rows"] = ROWS
    benchmark.pedantic(
        lambda: DataGenerator().write(w1(), tmp_path / "w1.jsonl"), rounds=5, warmup_rounds=1
    )


@pytest.mark.parametrize("parts", sorted({1, CPUS, 4 * CPUS}))
def test_ray_parts(benchmark: Any, tmp_path: Path, parts: int) -> None:
    def run() -> None:
        shutil.rmtree(tmp_path / "out", ignore_errors=True)
        fray.write_parts(w1(), tmp_path / "out", parts=parts)

    benchmark.extra_info["rows"] = ROWS
    benchmark.pedantic(run, rounds=5, warmup_rounds=1)


def test_local_arrow(benchmark: Any) -> None:
    benchmark.extra_info["rows"] = ROWS // 4
    benchmark.pedantic(
        lambda: sum(b.num_rows for b in DataGenerator().iter_arrow(w1(ROWS // 4))), rounds=5
    )


def test_ray_read(benchmark: Any) -> None:
    def run() -> int:
        ds = fray.read(w1(ROWS // 4), override_num_blocks=4 * CPUS)
        return sum(b.num_rows for b in ds.iter_batches(batch_format="pyarrow", batch_size=None))

    benchmark.extra_info["rows"] = ROWS // 4
    assert benchmark.pedantic(run, rounds=5, warmup_rounds=1) == ROWS // 4


def test_block_overhead(benchmark: Any) -> None:
    def run() -> int:
        ds = fray.read(w1(64), override_num_blocks=64)
        return sum(1 for _ in ds.iter_batches(batch_format="pyarrow", batch_size=None))

    benchmark.extra_info["blocks"] = 64
    benchmark.pedantic(run, rounds=5, warmup_rounds=1)
