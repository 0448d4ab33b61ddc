"""Arrow record batches and Parquet files, typed from the plan, built in Rust.

The Rust core renders each batch of samples on its worker threads and builds the typed Arrow
columns in the same thread (arrow-rs); batches reach pyarrow without a copy through the Arrow
PyCapsule interface (the C data interface). Parquet files are written by the core's ``parquet``
writer, one row group per batch, through the same atomic output layer as JSON Lines: pyarrow
is not needed to *write* Parquet, only for :func:`iter_record_batches` and ``to_arrow``.

Values with no single Arrow type (mixed-type enums, type unions, a bare ``{"type": "object"}``,
tool ``parameters`` and Anthropic ``input``) are ``json`` columns: strings holding the value's
JSON text, marked with the field metadata ``{"ferrosynth.type": "json"}``. The standard export
formats (OpenAI, Anthropic, OTel) get real nested types: ``messages[i].tool_calls[j].function.name``
is a field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ferrosynth import _native
from ferrosynth.errors import ConfigError

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "BATCH_BYTES",
    "DEFAULT_BATCH_ROWS",
    "JSON_METADATA",
    "ParquetCompression",
    "arrow_schema",
    "batch_rows_for",
    "iter_record_batches",
    "require_pyarrow",
    "write_parquet",
]

#: Rows per record batch at most (and per Parquet row group).
DEFAULT_BATCH_ROWS: int = _native.ARROW_BATCH_ROWS
#: Rendered JSON per batch that :func:`batch_rows_for` aims at.
BATCH_BYTES: int = _native.ARROW_BATCH_BYTES
#: The field metadata of ``json`` columns (strings holding JSON text).
JSON_METADATA = {b"ferrosynth.type": b"json"}

ParquetCompression = Literal["zstd", "snappy", "none"]


def require_pyarrow() -> Any:
    """Import pyarrow or raise a ConfigError that says how to get it."""
    try:
        import pyarrow
    except ImportError as exc:  # pragma: no cover - exercised only without pyarrow
        raise ConfigError(
            "Arrow output needs pyarrow: pip install 'ferrosynth[parquet]'", "format"
        ) from exc
    return pyarrow


def arrow_schema(plan: _native.Plan) -> pa.Schema:
    """The Arrow schema of the plan's records (``json`` columns are strings)."""
    schema: pa.Schema = require_pyarrow().schema(_native.arrow_schema(plan))
    return schema


def iter_record_batches(
    plan: _native.Plan,
    seed: int,
    start: int,
    count: int,
    *,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    threads: int | None = None,
) -> Iterator[pa.RecordBatch]:
    """Yield samples ``start .. start + count`` as record batches of exactly ``batch_rows``
    rows (the last may be shorter). Rust renders the next batches while the caller works."""
    pa = require_pyarrow()
    for batch in _native.record_batch_stream(
        plan, seed, start, count, batch_rows=batch_rows, threads=threads
    ):
        yield pa.record_batch(batch)


def batch_rows_for(plan: _native.Plan, seed: int, start: int, count: int) -> int:
    """Rows per batch (and Parquet row group) for about :data:`BATCH_BYTES` of JSON text:
    :data:`DEFAULT_BATCH_ROWS` for small records, fewer (at least 1,024) for wide ones (agent
    traces are ~3 KB a row), so that memory stays bounded whatever the record size. Sized from
    the first 1,000 rows."""
    return _native.arrow_batch_rows(plan, seed, start, count)


def write_parquet(
    path: Path,
    plan: _native.Plan,
    seed: int,
    start: int,
    count: int,
    *,
    threads: int | None = None,
    progress: Callable[[int], object] | None = None,
    compression: ParquetCompression = "zstd",
    batch_rows: int | None = None,
) -> int:
    """Write samples to ``path`` as Parquet, atomically; return the bytes written.

    One row group per ``batch_rows`` rows (by default :func:`batch_rows_for`);
    ``progress(rows_done)`` is called after each row group. Needs no pyarrow.
    """
    return _native.write_parquet(
        plan,
        str(path),
        seed,
        start,
        count,
        compression=compression,
        batch_rows=batch_rows,
        threads=threads,
        progress=progress,
    )
