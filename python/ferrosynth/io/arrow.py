"""Arrow record batches and Parquet files, typed from the plan.

The Rust core renders each batch of samples as JSON Lines in the *columnar* shape (values with
no single Arrow type — mixed-type enums, type unions, tool-call arguments in traces — become JSON
strings) and reports the column types of a sample; pyarrow's multi-threaded C++ JSON reader turns
the bytes into a record batch against that explicit schema. No Python object is built per row.

Requires ``pyarrow`` (``pip install 'ferrosynth[parquet]'``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from ferrosynth.errors import ConfigError
from ferrosynth.io.atomic import AtomicOutput

if TYPE_CHECKING:
    import pyarrow as pa

    from ferrosynth import _native

__all__ = [
    "arrow_schema",
    "batch_rows_for",
    "iter_record_batches",
    "require_pyarrow",
    "write_parquet",
]

#: Rows rendered per record batch (at most, per Parquet row group: each batch is written as one).
DEFAULT_BATCH_ROWS = 131_072
BLOCK_BYTES = 1 << 22
#: JSON text per batch when writing Parquet (see :func:`batch_rows_for`).
BATCH_BYTES = 1 << 24


def require_pyarrow() -> Any:
    """Import pyarrow or raise a ConfigError that says how to get it."""
    try:
        import pyarrow
        import pyarrow.json
        import pyarrow.parquet
    except ImportError as exc:  # pragma: no cover - exercised only without pyarrow
        raise ConfigError(
            "Arrow and Parquet output need pyarrow: pip install 'ferrosynth[parquet]'", "format"
        ) from exc
    return pyarrow


def _arrow_type(pa: Any, col: object) -> pa.DataType:
    if isinstance(col, str):
        simple = {
            "int": pa.int64(),
            "float": pa.float64(),
            "bool": pa.bool_(),
            "string": pa.string(),
            "json": pa.string(),
            "null": pa.null(),
        }
        return simple[col]
    assert isinstance(col, dict)
    if "list" in col:
        return pa.list_(_arrow_type(pa, col["list"]))
    return pa.struct([pa.field(name, _arrow_type(pa, sub)) for name, sub in col["struct"]])


def arrow_schema(plan: _native.Plan) -> pa.Schema:
    """The Arrow schema of the plan's samples (``json`` columns are strings)."""
    pa = require_pyarrow()
    col = orjson.loads(plan.columns())
    return pa.schema([pa.field(name, _arrow_type(pa, sub)) for name, sub in col["struct"]])


def iter_record_batches(
    plan: _native.Plan,
    seed: int,
    start: int,
    count: int,
    *,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    threads: int | None = None,
    progress: Callable[[int], object] | None = None,
) -> Iterator[pa.RecordBatch]:
    """Yield samples ``start .. start + count`` as record batches of up to ``batch_rows`` rows."""
    pa = require_pyarrow()
    schema = arrow_schema(plan)
    parse = pa.json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="error")
    end, done = start + count, 0
    for lo in range(start, end, batch_rows):
        n = min(batch_rows, end - lo)
        raw = plan.jsonl(seed, lo, n, shape="columnar", threads=threads)
        # 4 MiB blocks let pyarrow parse one batch on several threads.
        read = pa.json.ReadOptions(block_size=BLOCK_BYTES, use_threads=True)
        table = pa.json.read_json(pa.BufferReader(raw), read_options=read, parse_options=parse)
        # The reader returns one chunk per block (a few thousand rows); one batch of exactly
        # `batch_rows` rows is what callers asked for, and what makes one Parquet row group.
        yield from table.combine_chunks().to_batches()
        done += n
        if progress is not None:
            progress(done)


def batch_rows_for(plan: _native.Plan, seed: int, start: int, count: int) -> int:
    """Rows per batch (and Parquet row group) for about :data:`BATCH_BYTES` of JSON text:
    :data:`DEFAULT_BATCH_ROWS` for small records, fewer for wide ones (agent traces are ~3 KB
    a row), so that memory stays bounded whatever the record size. Sized from the first
    1,000 rows."""
    probe = min(count, 1_000)
    if probe == 0:
        return DEFAULT_BATCH_ROWS
    per_row = max(1, len(plan.jsonl(seed, start, probe, shape="columnar", threads=1)) // probe)
    return max(1_024, min(DEFAULT_BATCH_ROWS, BATCH_BYTES // per_row))


def write_parquet(
    path: Path,
    plan: _native.Plan,
    seed: int,
    start: int,
    count: int,
    *,
    threads: int | None = None,
    progress: Callable[[int], object] | None = None,
    compression: str = "zstd",
) -> int:
    """Write samples to ``path`` as Parquet, atomically; return the bytes written."""
    pa = require_pyarrow()
    schema = arrow_schema(plan)
    rows = batch_rows_for(plan, seed, start, count)
    # The one output layer: nothing at `path` until the last row group is written.
    with AtomicOutput(path) as out:
        with pa.parquet.ParquetWriter(out, schema, compression=compression) as writer:
            for batch in iter_record_batches(
                plan, seed, start, count, batch_rows=rows, threads=threads, progress=progress
            ):
                writer.write_batch(batch)
        size = out.tell()
    return size
