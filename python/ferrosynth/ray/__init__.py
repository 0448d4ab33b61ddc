"""Generation beyond one machine, on Ray Data.

A sample is a pure function of (plan, seed, index), so a partition is just an index range: every
Ray read task generates one range in the Rust core (GIL released) and yields Arrow tables; the
rows of the dataset, in index order, are those of a local :class:`~ferrosynth.DataGenerator` run
of the same config and seed, whatever the number of blocks, workers or nodes.

Example (needs ``pip install 'ferrosynth[ray]'``)::

    import ferrosynth.ray
    from ferrosynth import DataType, GeneratorConfig

    config = GeneratorConfig(data_type=DataType.agent_trace, count=10_000_000, seed=1)
    ds = ferrosynth.ray.read(config, override_num_blocks=64)
    ds.write_parquet("s3://bucket/traces/")       # streams: never all in memory

    # Or files whose concatenation is byte-identical to a local run:
    ferrosynth.ray.write_parts(config, "out/traces/", format="jsonl")

Importing this module without Ray installed raises :class:`MissingDependencyError`, which says
what to install.
"""

from __future__ import annotations

from ferrosynth.ray._deps import MissingDependencyError, require_ray

require_ray()

from ferrosynth.ray.datasource import FerrosynthDatasource, partitions, read  # noqa: E402
from ferrosynth.ray.enrich import BudgetPool, enrich  # noqa: E402
from ferrosynth.ray.parts import PartsReport, write_parts  # noqa: E402

__all__ = [
    "BudgetPool",
    "FerrosynthDatasource",
    "MissingDependencyError",
    "PartsReport",
    "enrich",
    "partitions",
    "read",
    "write_parts",
]
