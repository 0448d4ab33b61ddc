"""Private native module of ferrosynth (Rust, PyO3). Use the public API in ``ferrosynth``."""

from collections.abc import Callable
from os import PathLike
from typing import Any, Literal, final

__all__ = [
    "ARROW_BATCH_BYTES",
    "ARROW_BATCH_ROWS",
    "CONSTRAINT_KEYS",
    "DATA_TYPES",
    "DATA_VERSION",
    "DEFAULT_ANCHOR",
    "DEFAULT_CHUNK_ROWS",
    "FORMATS",
    "POOL_KEYS",
    "ArrowBatch",
    "ArrowSchema",
    "AtomicFile",
    "Plan",
    "Pools",
    "RecordBatches",
    "__version__",
    "arrow_batch_rows",
    "arrow_schema",
    "check_template",
    "placeholder_vocabulary",
    "record_batch_stream",
    "resolve_threads",
    "write_parquet",
]

__version__: str
"""The crate version (the single version source of the package)."""

DATA_VERSION: int
"""Version of the generation data and algorithms; part of the determinism contract."""

DEFAULT_CHUNK_ROWS: int
"""Rows per chunk when a run is split for threads and constant memory."""

ARROW_BATCH_ROWS: int
"""Rows per Arrow record batch (and Parquet row group) at most."""

ARROW_BATCH_BYTES: int
"""Rendered JSON per batch that :func:`arrow_batch_rows` aims at."""

DEFAULT_ANCHOR: int
"""The default anchor time, in Unix seconds (2025-01-01T00:00:00Z)."""

DATA_TYPES: tuple[str, ...]
"""The data types the core registers, in order (``ferrosynth.DataType`` lists the same)."""

FORMATS: tuple[str, ...]
"""The record formats, ``"ferrosynth"`` first (as ``ferrosynth.export.ExportFormat``)."""

POOL_KEYS: tuple[str, ...]
"""The value pools a plan draws from, in order."""

CONSTRAINT_KEYS: dict[str, tuple[str, ...]]
"""The constraint keys each data type reads, by data type."""

@final
class AtomicFile:
    """An output file that appears at its path complete, or not at all (see
    ``ferrosynth.io.atomic``): an unnamed ``O_TMPFILE`` on Linux, else a hidden temporary."""

    def __new__(cls, path: str | PathLike[str]) -> AtomicFile:
        """Open the temporary file beside ``path``; ``OutputError`` if that is impossible."""

    def write(self, data: bytes) -> int:
        """Append ``data``; returns its length. ``OutputError`` on an OS error."""

    def tell(self) -> int:
        """Bytes written so far."""

    def commit(self) -> None:
        """Flush, fsync and put the file at its path (replacing what was there)."""

    def abort(self) -> None:
        """Drop what was written; nothing appears at the path."""

    @property
    def closed(self) -> bool:
        """Whether the file was committed or aborted."""

@final
class Pools:
    """Value pools parsed and checked once; plans compiled with them share them."""

    def __new__(cls, json: str) -> Pools:
        """Parse ``{pool: [values]}`` (every key of :data:`POOL_KEYS`).

        Raises ``ConfigError`` (from ``ferrosynth.errors``) naming the pool at fault.
        """

@final
class Plan:
    """A compiled generation plan: a config compiled once, then sampled by index.

    Sample ``i`` under ``seed`` is a pure function of ``(plan, seed, i)``: the same at any
    chunk size, thread count or slice. All methods release the GIL while generating, and
    check for Ctrl-C between chunks.
    """

    def __new__(cls, spec: str, pools: Pools | None = None) -> Plan:
        """Compile a JSON plan specification.

        ``pools`` is used instead of the spec's own ``pools`` member (which may then be left
        out), so that large pools are parsed once and shared.

        Raises ``SchemaError``, ``TemplateError`` or ``ConfigError`` (from
        ``ferrosynth.errors``) naming the location at fault.
        """

    @property
    def data_type(
        self,
    ) -> Literal["text", "json", "conversation", "tool_call", "agent_trace", "persona"]:
        """The data type this plan generates."""

    @property
    def warnings(self) -> list[str]:
        """Warnings from compiling the schema (e.g. unknown formats), in order."""

    @property
    def unique_capacity(self) -> int | None:
        """How many samples ``x-ferrosynth`` uniqueness covers; ``None`` without unique fields."""

    def validate(
        self, raw: bytes, *, envelope: Literal["sample", "bare"] = "bare", start: int = 0
    ) -> None:
        """Check every instance of a JSON array from :meth:`json_array` against the schema,
        with the independent ``jsonschema`` crate (not the generator's own validator).

        Raises ``ValidationError`` (from ``ferrosynth.errors``) naming the first invalid sample
        (numbered from ``start``) and the JSON pointer inside it. Plans without a schema pass.
        """

    @property
    def format(self) -> Literal["ferrosynth", "openai", "sharegpt", "anthropic", "otel"]:
        """The record format: the native shapes (``ferrosynth``) or a standard format."""

    def json_array(
        self,
        seed: int,
        start: int,
        count: int,
        *,
        envelope: Literal["sample", "bare"] = "sample",
        threads: int | None = None,
        chunk_rows: int | None = None,
        progress: Callable[[int], object] | None = None,
    ) -> bytes:
        """Samples ``start .. start + count`` as one JSON array.

        ``envelope="sample"`` gives the ``SyntheticDataset.samples`` shape (``index`` first);
        ``"bare"`` gives the values the ``generate_*`` methods return.
        """

    def objects(
        self,
        seed: int,
        start: int,
        count: int,
        loads: Callable[[bytes], list[Any]],
        *,
        envelope: Literal["sample", "bare"] = "sample",
        threads: int | None = None,
    ) -> list[Any]:
        """Samples ``start .. start + count`` as Python objects: ``loads(json_array(...))``.

        The first 512 rows are rendered on the calling thread (GIL released) and decoded with
        ``loads`` (``orjson.loads``); for the rest, a worker thread renders chunks of 512 rows
        while the calling thread decodes the previous one. ``threads`` counts all threads:
        ``1`` renders everything on the calling thread, ``n > 1`` gives rendering ``n - 1``
        threads. ``None`` uses one worker when rows are at least 512 bytes of JSON (smaller rows
        gain nothing from it) and ``FERROSYNTH_THREADS`` and the cores allow two threads.
        Ctrl-C is checked between chunks.
        """

    def columns(self) -> str:
        """The column types of one sample, as JSON.

        A type is ``"int"``, ``"float"``, ``"bool"``, ``"string"``, ``"null"``, ``"json"`` (a
        string holding a JSON value), ``{"list": type}`` or ``{"struct": [[name, type], ...]}``.
        """

    def jsonl(
        self,
        seed: int,
        start: int,
        count: int,
        *,
        shape: Literal["native", "columnar"] = "native",
        threads: int | None = None,
        chunk_rows: int | None = None,
    ) -> bytes:
        """Samples ``start .. start + count`` as JSON Lines bytes.

        ``shape="columnar"`` conforms each row to :meth:`columns`: values of ``json`` columns
        are written as JSON strings, so every row fits one Arrow schema.
        """

    def write_jsonl(
        self,
        path: str | PathLike[str],
        seed: int,
        start: int,
        count: int,
        *,
        compression: Literal["none", "gzip"] = "none",
        threads: int | None = None,
        chunk_rows: int | None = None,
        progress: Callable[[int], object] | None = None,
    ) -> int:
        """Write samples ``start .. start + count`` to ``path`` as JSON Lines; return bytes written.

        ``compression="gzip"`` writes one gzip member per 16,384 rows, compressed in parallel;
        the bytes do not depend on ``threads`` or ``chunk_rows``.

        The file is written to a temporary name in the same directory and renamed on success;
        on any error or interrupt nothing is left behind. ``progress(rows_done)`` is called
        between chunks; an exception it raises stops the run and is re-raised.
        """

@final
class ArrowSchema:
    """The Arrow schema of a plan's records; ``pyarrow.schema(obj)`` imports it."""

    def __arrow_c_schema__(self) -> object:
        """An ``arrow_schema`` PyCapsule (the Arrow PyCapsule interface)."""

@final
class ArrowBatch:
    """One record batch built in Rust; ``pyarrow.record_batch(obj)`` imports it, once,
    without a copy."""

    @property
    def num_rows(self) -> int:
        """Rows in the batch."""

    def __arrow_c_array__(self, requested_schema: object | None = None) -> tuple[object, object]:
        """``(arrow_schema, arrow_array)`` PyCapsules; the batch moves out (a second call raises
        ``ValueError``)."""

@final
class RecordBatches:
    """Iterator of :class:`ArrowBatch`, rendered by Rust threads ahead of the consumer."""

    def __iter__(self) -> RecordBatches: ...
    def __next__(self) -> ArrowBatch: ...

def arrow_schema(plan: Plan) -> ArrowSchema:
    """The Arrow schema of ``plan``'s records (``json`` columns are strings marked with the
    field metadata ``{"ferrosynth.type": "json"}``)."""

def arrow_batch_rows(plan: Plan, seed: int, start: int, count: int) -> int:
    """Rows per batch for about :data:`ARROW_BATCH_BYTES` of rendered JSON (between 1,024 and
    :data:`ARROW_BATCH_ROWS`), sized from the first 1,000 rows."""

def record_batch_stream(
    plan: Plan,
    seed: int,
    start: int,
    count: int,
    *,
    batch_rows: int,
    threads: int | None = None,
) -> RecordBatches:
    """Samples ``start .. start + count`` as record batches of exactly ``batch_rows`` rows (the
    last may be shorter), rendered by a background thread a few batches ahead; Ctrl-C is
    honoured while waiting."""

def write_parquet(
    plan: Plan,
    path: str | PathLike[str],
    seed: int,
    start: int,
    count: int,
    *,
    compression: Literal["zstd", "snappy", "none"] = "zstd",
    batch_rows: int | None = None,
    threads: int | None = None,
    progress: Callable[[int], object] | None = None,
) -> int:
    """Write samples ``start .. start + count`` to ``path`` as Parquet; return bytes written.

    One row group per ``batch_rows`` rows (default :func:`arrow_batch_rows`). Atomic like
    :meth:`Plan.write_jsonl`; ``progress(rows_done)`` is called after each row group.
    """

def resolve_threads(threads: int | None = None) -> int:
    """The thread count a run uses: ``threads``, else ``FERROSYNTH_THREADS``, else the cores."""

def placeholder_vocabulary() -> list[tuple[str, str]]:
    """The conversation-template placeholders as ``(name, description)`` pairs."""

def check_template(name: str, turns: str, domain: str | None = None) -> None:
    """Compile a conversation template to check it.

    ``turns`` is a JSON list of ``{"role", "content"}``; ``domain`` the domain of its prose
    placeholders. Raises ``TemplateError`` naming ``name`` and the turn at fault (an unknown
    placeholder's message lists the known ones), or ``ConfigError`` for an unknown domain.
    """
