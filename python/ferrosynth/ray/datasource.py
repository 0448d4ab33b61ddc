"""A Ray Data datasource whose read tasks are index ranges of a ferrosynth run."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import pyarrow as pa
import ray.data
from ray.data.block import BlockMetadata
from ray.data.datasource import Datasource, ReadTask

from ferrosynth.core import DataGenerator
from ferrosynth.errors import ConfigError
from ferrosynth.export import FORMATS, ExportFormat
from ferrosynth.models import GeneratorConfig

if TYPE_CHECKING:
    from ray.data import DataContext

__all__ = ["FerrosynthDatasource", "GenerationJob", "partitions", "read"]

#: Rows per Arrow table that a read task yields (a Ray block may hold several).
DEFAULT_BATCH_SIZE = 65_536
_U64 = (1 << 64) - 1


def partitions(start: int, count: int, parts: int) -> list[tuple[int, int]]:
    """Split samples ``start .. start + count`` into ``parts`` contiguous ``(first, rows)``
    ranges whose sizes differ by at most one (never an empty range).

    >>> partitions(0, 10, 3)
    [(0, 4), (4, 3), (7, 3)]
    >>> partitions(100, 2, 5)
    [(100, 1), (101, 1)]
    """
    if count <= 0:
        raise ConfigError(f"count must be > 0, got {count}", "count")
    if parts <= 0:
        raise ConfigError(f"the number of blocks must be > 0, got {parts}", "override_num_blocks")
    parts = min(parts, count)
    base, extra = divmod(count, parts)
    ranges, first = [], start
    for k in range(parts):
        rows = base + (1 if k < extra else 0)
        ranges.append((first, rows))
        first += rows
    return ranges


@dataclass(frozen=True)
class GenerationJob:
    """Everything a read task needs, pickled to the workers: the config with its seed drawn,
    the generator (locale pools, anchor time) and the record shape."""

    config: GeneratorConfig
    generator: DataGenerator
    export: ExportFormat
    batch_size: int
    threads: int

    def tables(self, first: int, rows: int) -> Iterator[pa.Table]:
        """Samples ``first .. first + rows`` as Arrow tables of at most ``batch_size`` rows."""
        config = self.config.model_copy(update={"count": rows})
        batches = self.generator.iter_arrow(
            config,
            batch_size=self.batch_size,
            start=first,
            threads=self.threads,
            export=self.export,
        )
        for batch in batches:
            yield pa.Table.from_batches([batch])

    def schema(self) -> pa.Schema:
        """The Arrow schema of every table (the same as :meth:`DataGenerator.to_arrow`)."""
        from ferrosynth.io.arrow import arrow_schema

        return arrow_schema(self.generator.plan(self.config, self.export))


def _read_range(job: GenerationJob, first: int, rows: int) -> Iterator[pa.Table]:
    yield from job.tables(first, rows)


class FerrosynthDatasource(Datasource):
    """Ray Data datasource: one read task per contiguous index range.

    Use :func:`read` rather than this class directly; it draws the seed once on the driver.
    """

    def __init__(self, job: GenerationJob, start: int = 0) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        if job.config.seed is None:
            raise ConfigError("the datasource needs a drawn seed; use ferrosynth.ray.read", "seed")
        self._job = job
        self._start = start

    def get_name(self) -> str:
        return f"Ferrosynth[{self._job.config.data_type.value}]"

    def estimate_inmemory_data_size(self) -> int | None:
        return None

    def get_read_tasks(
        self,
        parallelism: int,
        per_task_row_limit: int | None = None,
        data_context: DataContext | None = None,
    ) -> list[ReadTask]:
        schema = self._job.schema()
        tasks = []
        for first, rows in partitions(self._start, self._job.config.count, max(1, parallelism)):
            meta = BlockMetadata(num_rows=rows, size_bytes=None, exec_stats=None, input_files=None)
            read_fn = functools.partial(_read_range, self._job, first, rows)
            tasks.append(
                ReadTask(read_fn, meta, schema=schema, per_task_row_limit=per_task_row_limit)
            )
        return tasks


def read(
    config: GeneratorConfig,
    *,
    override_num_blocks: int | None = None,
    start: int = 0,
    export: ExportFormat = "ferrosynth",
    generator: DataGenerator | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    threads_per_block: int = 1,
    preserve_order: bool = True,
    ray_remote_args: dict[str, Any] | None = None,
) -> ray.data.Dataset:
    """Samples ``start .. start + config.count`` of ``config`` as a Ray Data dataset.

    Each of the ``override_num_blocks`` read tasks (Ray's choice when ``None``) generates one
    contiguous index range in the Rust core, with ``threads_per_block`` threads (Ray reserves
    one CPU per read task), yielding Arrow tables of at most ``batch_size`` rows typed as
    :meth:`DataGenerator.to_arrow` types them. ``seed=None`` draws one seed here, on the driver,
    for every task. ``export`` picks the record shape (see :mod:`ferrosynth.export`).

    With ``preserve_order`` (the default) the dataset yields its rows in index order, so
    ``ds.take_all()`` equals a local run; turn it off when order does not matter and blocks may
    finish out of order. Larger-than-memory datasets stream: write them with Ray's own
    ``ds.write_parquet(...)`` / ``ds.write_json(...)``.
    """
    if start < 0 or start + config.count - 1 > _U64:
        raise ConfigError(f"start must be in 0..2**64 - count, got {start}", "start")
    if batch_size <= 0:
        raise ConfigError(f"batch_size must be > 0, got {batch_size}", "batch_size")
    if threads_per_block <= 0:
        raise ConfigError(f"threads_per_block must be > 0, got {threads_per_block}", "threads")
    if export not in FORMATS:
        raise ConfigError(f"unknown export {export!r}; expected one of {FORMATS}", "export")
    generator = generator or DataGenerator()
    seed = DataGenerator.resolve_seed(config)
    job = GenerationJob(
        config=config.model_copy(update={"seed": seed}),
        generator=generator,
        export=export,
        batch_size=batch_size,
        threads=threads_per_block,
    )
    generator.plan(job.config, export)  # compile here: a bad config fails on the driver
    context = ray.data.DataContext.get_current()
    before = context.execution_options.preserve_order
    context.execution_options.preserve_order = preserve_order or before
    try:  # read_datasource copies the current context into the dataset's plan
        return cast(
            ray.data.Dataset,
            ray.data.read_datasource(
                FerrosynthDatasource(job, start),
                override_num_blocks=override_num_blocks,
                ray_remote_args=ray_remote_args,
            ),
        )
    finally:
        context.execution_options.preserve_order = before
