"""Generation: validate and compile in Python, generate in Rust.

:class:`DataGenerator` is call-compatible with ``aumai_datasynthesizer.DataGenerator``. A config is
compiled once into a native plan (cached); every sample is then produced by the Rust core with
the GIL released, and no Python runs per sample.
"""

from __future__ import annotations

import gc
import logging
import secrets
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import orjson

from ferrosynth import _native, limits
from ferrosynth._agent_spec import PYTHON_ONLY, agent_spec

# The reference's private helpers, importable from here as from `aumai_datasynthesizer.core`.
from ferrosynth._reference import _FAKER_PLACEHOLDER_RE as _FAKER_PLACEHOLDER_RE
from ferrosynth._reference import _render_template as _render_template
from ferrosynth._reference import _resolve_placeholder as _resolve_placeholder
from ferrosynth.constraints import check_constraints
from ferrosynth.errors import ConfigError, SchemaWarning
from ferrosynth.export import ExportFormat
from ferrosynth.locales import LocalePools, pools_for
from ferrosynth.models import ConversationTurn, DataType, GeneratorConfig, SyntheticDataset
from ferrosynth.tools import check_names_for

if TYPE_CHECKING:
    import pyarrow as pa
    from faker import Faker

__all__ = ["DataGenerator", "OutputFormat", "SchemaBasedGenerator", "WriteReport", "output_format"]

logger = logging.getLogger("ferrosynth")

DEFAULT_BATCH_SIZE = 65_536
_U64 = (1 << 64) - 1
_JSON_TYPES = frozenset({"string", "integer", "number", "boolean", "null", "array", "object"})

Progress = Callable[[int], object]
OutputFormat = Literal["jsonl", "jsonl.gz", "parquet"]
_SUFFIXES: dict[str, OutputFormat] = {
    ".jsonl": "jsonl",
    ".jsonl.gz": "jsonl.gz",
    ".parquet": "parquet",
}
AnchorTime = datetime | int | Literal["now"] | None


@dataclass(frozen=True)
class WriteReport:
    """What :meth:`DataGenerator.write` wrote."""

    path: Path
    count: int
    seed: int
    bytes_written: int
    elapsed_ms: float


def output_format(path: Path, format: str | None = None) -> OutputFormat:
    """The output format for ``path``: ``format`` if given, else from the file name."""
    if format is not None:
        if format not in _SUFFIXES.values():
            raise ConfigError(
                f"unknown output format {format!r}; expected one of "
                + ", ".join(repr(f) for f in _SUFFIXES.values()),
                "format",
            )
        return format  # type: ignore[return-value]
    name = path.name.lower()
    for suffix, fmt in sorted(_SUFFIXES.items(), key=lambda kv: -len(kv[0])):
        if name.endswith(suffix):
            return fmt
    raise ConfigError(
        f"cannot tell the output format of {path.name!r}; use a name ending in "
        + ", ".join(_SUFFIXES)
        + " or pass format=",
        "path",
    )


def _anchor_seconds(anchor: AnchorTime) -> int:
    if anchor is None:
        return int(_native.DEFAULT_ANCHOR)
    if anchor == "now":
        return int(time.time())
    if isinstance(anchor, datetime):
        if anchor.tzinfo is None:
            anchor = anchor.replace(tzinfo=timezone.utc)
        return int(anchor.timestamp())
    if isinstance(anchor, int):
        return anchor
    raise ConfigError(f"anchor_time must be a datetime, an int or 'now', got {anchor!r}")


_NATIVE_POOLS: dict[str, _native.Pools] = {}


def _native_pools(pools: LocalePools) -> str:
    """Parses ``pools`` into a native handle once per locale key; returns the key.

    Plans are cached by a small spec plus this key, so the pools (tens of kilobytes) are never
    serialised or hashed again after the first call for a locale.
    """
    if pools.key not in _NATIVE_POOLS:
        _NATIVE_POOLS[pools.key] = _native.Pools(orjson.dumps(pools.as_dict()).decode())
    return pools.key


_T = TypeVar("_T")


def _gc_paused(build: Callable[[], _T]) -> _T:
    """``build()`` without paying the cyclic GC for the objects it makes.

    Decoded JSON holds no reference cycles, yet every list and dict in it is a GC-tracked
    container: left alone, the collections that millions of fresh containers trigger cost more
    than decoding them. So the collector is paused while building, and the new containers are
    then moved to the oldest generation in O(1) (``freeze`` + ``unfreeze``) instead of being
    traversed by the next young-generation collection. Nothing is leaked: refcounting frees the
    samples, and full collections still see every object.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return build()
    finally:
        if enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _loads(raw: bytes) -> Any:
    """``orjson.loads`` with the GC paused (see :func:`_gc_paused`)."""
    return _gc_paused(lambda: orjson.loads(raw))


def _objects(
    plan: _native.Plan,
    seed: int,
    start: int,
    count: int,
    envelope: Literal["sample", "bare"],
    threads: int | None,
) -> list[Any]:
    """Samples ``start .. start + count`` as Python objects, equal to
    ``orjson.loads(plan.json_array(...))``: a native worker renders the next chunk of rows while
    this thread decodes the last one (``Plan.objects``), with the GC paused (see
    :func:`_gc_paused`).
    """
    return _gc_paused(
        lambda: plan.objects(seed, start, count, orjson.loads, envelope=envelope, threads=threads)
    )


#: Plans by :meth:`DataGenerator._plan_key` (the first-level cache: no spec is built on a hit).
_PLANS: dict[bytes, _native.Plan] = {}
_PLANS_MAX = 256


@lru_cache(maxsize=64)
def _compile(spec: bytes, pools_key: str) -> _native.Plan:
    plan = _native.Plan(spec.decode(), _NATIVE_POOLS[pools_key])
    # Inside the cache: each warning is raised once per distinct schema, not once per call.
    for message in plan.warnings:
        warnings.warn(message, SchemaWarning, stacklevel=4)
    return plan


_MAX_THREADS = 4096
#: One past the largest sample index (indexes are written as signed 64-bit integers).
_MAX_INDEX = 1 << 63


def _int_arg(name: str, value: object, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{name} must be an integer, got {type(value).__name__} {value!r}", name)
    if not lo <= value <= hi:
        raise ConfigError(f"{name} must be between {lo} and {hi}, got {value}", name)
    return value


def check_run(
    count: object, start: object = 0, threads: object = None, batch_size: object = None
) -> None:
    """Validates the run options of every entry point, once: integers (not ``"3"``, not
    ``True``), ``count >= 0``, ``start >= 0`` with ``start + count <= 2**63`` (every sample
    index is written as a signed 64-bit integer), ``threads`` ``None`` or ``1..4096``,
    ``batch_size >= 1``. Raises :class:`~ferrosynth.ConfigError` naming the argument.
    """
    n = _int_arg("count", count, 0, _MAX_INDEX)
    _int_arg("start", start, 0, _MAX_INDEX - n)
    if threads is not None:
        _int_arg("threads", threads, 1, _MAX_THREADS)
    if batch_size is not None:
        _int_arg("batch_size", batch_size, 1, _U64)


def _check_capacity(plan: _native.Plan, start: int, count: int) -> None:
    """Refuses runs longer than what ``x-ferrosynth`` uniqueness can cover."""
    capacity = plan.unique_capacity
    if capacity is not None and start + count > capacity:
        raise ConfigError(
            f"x-ferrosynth unique fields have {capacity} distinct values; "
            f"samples {start}..{start + count} would repeat them",
            "count",
        )


#: ``generate_*`` method name per data type, filled by :func:`_generates` as the class is built.
TYPED_METHODS: dict[DataType, str] = {}

_M = TypeVar("_M", bound=Callable[..., Any])


def _generates(data_type: DataType) -> Callable[[_M], _M]:
    """Registers the decorated method as *the* ``generate_*`` method of ``data_type``."""

    def register(method: _M) -> _M:
        TYPED_METHODS[data_type] = method.__name__
        return method

    return register


class DataGenerator:
    """Generates :class:`SyntheticDataset` objects for every :class:`DataType`.

    ``faker`` only chooses the locale: its value pools (names, cities, words, ...) are read once
    per locale, and the Faker instance is never seeded, mutated or called per row. Times derive
    from ``anchor_time`` (default 2025-01-01T00:00:00Z; ``"now"`` on request), never the clock.

    Example::

        >>> from ferrosynth import DataGenerator, GeneratorConfig, DataType
        >>> ds = DataGenerator().generate(GeneratorConfig(data_type=DataType.text, count=2, seed=0))
        >>> [s["index"] for s in ds.samples], ds.metadata["seed"]
        ([0, 1], 0)
    """

    def __init__(self, faker: Faker | None = None, *, anchor_time: AnchorTime = None) -> None:
        self._faker = faker
        self._anchor = _anchor_seconds(anchor_time)

    # -- compilation -------------------------------------------------------------------------

    @property
    def pools(self) -> LocalePools:
        """The locale value pools this generator draws from."""
        return pools_for(self._faker)

    def _spec(self, config: GeneratorConfig, export: ExportFormat) -> dict[str, object]:
        dt = config.data_type
        spec: dict[str, object] = {
            "data_type": dt.value,
            "constraints": {k: v for k, v in config.constraints.items() if k not in PYTHON_ONLY},
            "anchor_time": self._anchor,
            "format": export,
        }
        if dt is DataType.json and config.schema is not None:
            spec["schema"] = config.schema
        spec.update(agent_spec(dt, config.constraints))
        return spec

    def plan(self, config: GeneratorConfig, export: ExportFormat = "ferrosynth") -> _native.Plan:
        """The compiled native plan for ``config`` (compiled once, then cached).

        ``export`` is the record shape: ``"ferrosynth"`` (the samples' native shape) or a
        standard format for conversation and agent-trace data (see :mod:`ferrosynth.export`).
        """
        key = self._plan_key(config, export)
        if key is not None:
            cached = _PLANS.get(key)
            if cached is not None:
                return cached
        check_constraints(config.data_type, config.constraints)
        spec = self._spec(config, export)
        check_names_for(spec.get("tools"), export, "constraints.tools")
        try:
            head = orjson.dumps(spec)
        except TypeError:
            limits.check_spec(spec)  # too deep, or contains itself: say where
            # An integer beyond 64 bits: a bound is narrowed into the range, anything else refused
            # where it is.
            spec = limits.widen_integers(spec)
            try:
                head = orjson.dumps(spec)
            except TypeError as exc:
                raise ConfigError(f"config is not JSON-serialisable: {exc}", "constraints") from exc
        if b"null" in head:  # NaN and infinities are encoded as null: refuse them instead
            limits.check_finite(spec)
        # The pools travel as a native handle, not in the spec: the cache key stays small.
        try:
            plan = _compile(head, _native_pools(self.pools))
        except ConfigError as exc:
            if exc.field == "plan" and "recursion limit" in str(exc):
                limits.check_spec(spec)
            raise
        if key is not None:
            if len(_PLANS) >= _PLANS_MAX:
                _PLANS.clear()
            _PLANS[key] = plan
        return plan

    def _plan_key(self, config: GeneratorConfig, export: ExportFormat) -> bytes | None:
        """A small key naming the plan of ``config`` (the config as the user wrote it, before
        templates and tools are resolved), or ``None`` when the config names files, whose
        contents may change between calls, or cannot be serialised (the slow path says why).
        """
        constraints = config.constraints
        if "template_file" in constraints or isinstance(constraints.get("tools"), (str, Path)):
            return None
        try:
            return orjson.dumps(
                (
                    config.data_type.value,
                    constraints,
                    config.schema,
                    export,
                    self._anchor,
                    self.pools.key,
                )
            )
        except TypeError:
            return None

    @staticmethod
    def resolve_seed(config: GeneratorConfig) -> int:
        """``config.seed``, or a fresh seed from the OS when it is ``None``."""
        return config.seed if config.seed is not None else secrets.randbits(63)

    # -- in-memory generation ----------------------------------------------------------------

    def _values(
        self,
        config: GeneratorConfig,
        seed: int,
        envelope: Literal["sample", "bare"],
        start: int = 0,
        threads: int | None = None,
    ) -> list[Any]:
        check_run(config.count, start, threads)
        plan = self.plan(config)
        _check_capacity(plan, start, config.count)
        limits.check_memory(plan, seed & _U64, start, config.count)
        return _objects(plan, seed & _U64, start, config.count, envelope, threads)

    def generate(
        self, config: GeneratorConfig, *, start: int = 0, threads: int | None = None
    ) -> SyntheticDataset:
        """Generate samples ``start .. start + count`` as a :class:`SyntheticDataset`."""
        t0 = time.perf_counter()
        seed = self.resolve_seed(config)
        samples = self._values(config, seed, "sample", start, threads)
        elapsed_ms = (time.perf_counter() - t0) * 1000
        return SyntheticDataset.model_construct(
            config=config,
            samples=samples,
            metadata={
                "generated_count": len(samples),
                "generation_time_ms": round(elapsed_ms, 2),
                "data_type": config.data_type.value,
                "seed": seed,
            },
        )

    @_generates(DataType.text)
    def generate_text(self, config: GeneratorConfig) -> list[str]:
        """Paragraphs of ``min_sentences..max_sentences`` sentences (defaults 1 and 5)."""
        return self._typed(config, DataType.text)

    @_generates(DataType.conversation)
    def generate_conversations(self, config: GeneratorConfig) -> list[list[ConversationTurn]]:
        """Conversations from the ``template`` constraint (default ``customer_support``)."""
        raw = self._typed(config, DataType.conversation)
        return [[ConversationTurn.model_construct(None, **turn) for turn in conv] for conv in raw]

    @_generates(DataType.tool_call)
    def generate_tool_calls(self, config: GeneratorConfig) -> list[dict[str, object]]:
        """OpenAI-style tool calls for the ``tool`` constraint (default ``search``)."""
        return self._typed(config, DataType.tool_call)

    @_generates(DataType.agent_trace)
    def generate_agent_traces(self, config: GeneratorConfig) -> list[dict[str, object]]:
        """Agent traces: thought → tool_call → observation … → final_answer."""
        return self._typed(config, DataType.agent_trace)

    @_generates(DataType.persona)
    def generate_personas(self, config: GeneratorConfig) -> list[dict[str, object]]:
        """Synthetic personas: a name and city of the locale, an age fitting the occupation,
        and goals, pain points, behaviours, quotes and a communication style of a ``domain``."""
        return self._typed(config, DataType.persona)

    @_generates(DataType.json)
    def generate_json(self, config: GeneratorConfig) -> list[dict[str, object]]:
        """Records from ``config.schema``, or free-form records when it is ``None``."""
        return self._typed(config, DataType.json)

    def generate_values(self, config: GeneratorConfig) -> list[Any]:
        """The values of ``config.data_type``, as its ``generate_*`` method returns them."""
        method: Callable[[GeneratorConfig], list[Any]] = getattr(
            self, TYPED_METHODS[config.data_type]
        )
        return method(config)

    def _typed(self, config: GeneratorConfig, data_type: DataType) -> list[Any]:
        if config.data_type is not data_type:
            config = config.model_copy(update={"data_type": data_type})
        return self._values(config, self.resolve_seed(config), "bare")

    # -- streaming ---------------------------------------------------------------------------

    def write(
        self,
        config: GeneratorConfig,
        path: str | Path,
        *,
        format: OutputFormat | None = None,
        start: int = 0,
        threads: int | None = None,
        progress: Progress | None = None,
        export: ExportFormat = "ferrosynth",
    ) -> WriteReport:
        """Write samples ``start .. start + count`` to ``path``; return a :class:`WriteReport`.

        ``format`` is ``"jsonl"``, ``"jsonl.gz"`` or ``"parquet"``; by default it follows the
        file name (``.jsonl``, ``.jsonl.gz``, ``.parquet``). JSON Lines are rendered, compressed
        and written by Rust in fixed-size chunks: constant memory, the GIL released, all cores,
        Ctrl-C honoured between chunks. Parquet columns are typed from the schema or data type
        (needs pyarrow). In every format the file appears complete or not at all.
        ``progress(rows_done)`` is called between chunks. ``export`` picks the record shape of
        conversation and agent-trace data: ``"openai"``, ``"sharegpt"``, ``"anthropic"`` or
        ``"otel"`` instead of the native samples (see :mod:`ferrosynth.export`), rendered in
        Rust like them.
        """
        target = Path(path)
        fmt = output_format(target, format)
        check_run(config.count, start, threads)
        seed = self.resolve_seed(config)
        plan = self.plan(config, export)
        t0 = time.perf_counter()
        _check_capacity(plan, start, config.count)
        if fmt == "parquet":
            from ferrosynth.io.arrow import write_parquet

            written = write_parquet(
                target, plan, seed & _U64, start, config.count, threads=threads, progress=progress
            )
        else:
            written = plan.write_jsonl(
                str(target),
                seed & _U64,
                start,
                config.count,
                compression="gzip" if fmt == "jsonl.gz" else "none",
                threads=threads,
                progress=progress,
            )
        return WriteReport(
            path=target,
            count=config.count,
            seed=seed,
            bytes_written=written,
            elapsed_ms=round((time.perf_counter() - t0) * 1000, 2),
        )

    def iter_arrow(
        self,
        config: GeneratorConfig,
        *,
        batch_size: int = 131_072,
        start: int = 0,
        threads: int | None = None,
        export: ExportFormat = "ferrosynth",
    ) -> Iterator[pa.RecordBatch]:
        """Yield the samples as Arrow record batches (typed columns; needs pyarrow)."""
        from ferrosynth.io.arrow import iter_record_batches

        check_run(config.count, start, threads, batch_size)
        seed = self.resolve_seed(config) & _U64
        yield from iter_record_batches(
            self.plan(config, export),
            seed,
            start,
            config.count,
            batch_rows=batch_size,
            threads=threads,
        )

    def to_arrow(
        self,
        config: GeneratorConfig,
        *,
        start: int = 0,
        threads: int | None = None,
        export: ExportFormat = "ferrosynth",
    ) -> pa.Table:
        """The samples as one Arrow table (zero-copy to pandas, polars and numpy via pyarrow)."""
        from ferrosynth.io.arrow import arrow_schema, require_pyarrow

        pa_mod = require_pyarrow()
        plan = self.plan(config, export)
        batches = list(self.iter_arrow(config, start=start, threads=threads, export=export))
        table: pa.Table = pa_mod.Table.from_batches(batches, schema=arrow_schema(plan))
        return table

    def iter_jsonl(
        self,
        config: GeneratorConfig,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        start: int = 0,
        threads: int | None = None,
        export: ExportFormat = "ferrosynth",
    ) -> Iterator[bytes]:
        """Yield the JSONL bytes of ``config.count`` samples, ``batch_size`` lines at a time.

        With ``seed=None`` a seed is drawn once for the whole stream. ``export`` as in
        :meth:`write`.
        """
        for plan, seed, lo, n in self._batches(config, batch_size, start, export, threads):
            yield plan.jsonl(seed, lo, n, threads=threads)

    def iter_samples(
        self,
        config: GeneratorConfig,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        start: int = 0,
        threads: int | None = None,
        export: ExportFormat = "ferrosynth",
    ) -> Iterator[list[dict[str, object]]]:
        """Yield the samples (the ``SyntheticDataset.samples`` shape) in lists of ``batch_size``.

        With a standard ``export`` format (see :mod:`ferrosynth.export`) each item is that
        format's record instead.
        """
        for plan, seed, lo, n in self._batches(config, batch_size, start, export, threads):
            yield _objects(plan, seed, lo, n, "sample", threads)

    def _batches(
        self,
        config: GeneratorConfig,
        batch_size: int,
        start: int,
        export: ExportFormat,
        threads: int | None,
    ) -> Iterator[tuple[_native.Plan, int, int, int]]:
        """``(plan, seed, first index, rows)`` per batch; the seed is drawn once per stream."""
        check_run(config.count, start, threads, batch_size)
        plan, seed = self.plan(config, export), self.resolve_seed(config) & _U64
        _check_capacity(plan, start, config.count)
        end = start + config.count
        for lo in range(start, end, batch_size):
            yield plan, seed, lo, min(batch_size, end - lo)


class SchemaBasedGenerator:
    """Generates values that conform to a JSON Schema (drafts 4, 6, 7, 2019-09 and 2020-12).

    The schema is compiled once (cached) into a generation plan; values are built to satisfy
    it. The top level may be any schema: object schemas give dicts, others any JSON value.

    Example::

        >>> from ferrosynth import SchemaBasedGenerator
        >>> schema = {"type": "object", "properties": {"n": {"type": "integer", "maximum": 3}},
        ...           "required": ["n"]}
        >>> SchemaBasedGenerator().from_schema(schema, count=2, seed=1) == \\
        ...     SchemaBasedGenerator().from_schema(schema, count=2, seed=1)
        True
        >>> pattern = {"type": "string", "pattern": "^[A-Z]{2}-\\\\d{3}$"}
        >>> SchemaBasedGenerator().from_schema(pattern, 2, seed=1, validate=True)
        ['DV-934', 'TA-560']
    """

    def __init__(self, faker: Faker | None = None) -> None:
        self._generator = DataGenerator(faker)
        self._draw_seed: int | None = None  # the stream of `_generate_value`, drawn on first use
        self._draws = 0

    def from_schema(
        self,
        schema: Mapping[str, object] | bool,
        count: int,
        *,
        seed: int | None = None,
        validate: bool = False,
    ) -> list[Any]:
        """Return ``count`` instances of ``schema`` (deterministic for a given ``seed``).

        With ``validate=True`` every instance is also checked by an independent validator (the
        Rust ``jsonschema`` crate, which shares no code with the generator; a failure raises
        :class:`~ferrosynth.ValidationError`).
        Raises :class:`~ferrosynth.SchemaError` (a ``ValueError``) naming the JSON pointer of
        the first unsatisfiable or malformed node; an unknown ``format`` raises a
        :class:`~ferrosynth.SchemaWarning` once and still yields valid strings.
        """
        check_run(count)
        if not isinstance(schema, (bool, Mapping)):
            raise ConfigError(
                f"schema must be a mapping or a boolean, got {type(schema).__name__}", "schema"
            )
        if count == 0:
            return []  # as the reference: an empty request is an empty list
        if count < 0:
            raise ConfigError(f"count must be >= 0, got {count}", "count")
        config = GeneratorConfig.model_construct(
            data_type=DataType.json,
            count=count,
            seed=seed,
            # A boolean schema is valid JSON Schema; the model's field type is the reference's.
            schema=schema if isinstance(schema, bool) else dict(schema),  # type: ignore[arg-type]
            constraints={},
        )
        plan = self._generator.plan(config)
        _check_capacity(plan, 0, count)
        seed_ = DataGenerator.resolve_seed(config) & _U64
        limits.check_memory(plan, seed_, 0, count)
        if not validate:
            return _objects(plan, seed_, 0, count, "bare", None)
        raw = plan.json_array(seed_, 0, count, envelope="bare")
        plan.validate(raw)
        values: list[Any] = _loads(raw)
        return values

    # -- the reference's per-value calls ---------------------------------------------------

    def _generate_value(self, schema: Mapping[str, object]) -> Any:
        """One instance of ``schema``, as the reference's ``_generate_value``: each call draws
        the next instance of one seeded stream. A ``type`` that JSON Schema does not define
        gives a word, as in the reference (with a :class:`~ferrosynth.SchemaWarning`)."""
        kind = schema.get("type") if isinstance(schema, Mapping) else None
        if isinstance(kind, str) and kind not in _JSON_TYPES:
            warnings.warn(
                f"unknown schema type {kind!r}; generating a word, as aumai-datasynthesizer does",
                SchemaWarning,
                stacklevel=2,
            )
            schema = {"type": "string", "pattern": "^[a-z]{3,10}$"}
        if self._draw_seed is None:
            self._draw_seed = secrets.randbits(63)
        config = GeneratorConfig.model_construct(
            data_type=DataType.json,
            count=1,
            seed=self._draw_seed,
            schema=dict(schema),
            constraints={},
        )
        plan = self._generator.plan(config)
        index, self._draws = self._draws, self._draws + 1
        return _loads(plan.json_array(self._draw_seed, index, 1, envelope="bare"))[0]

    def _generate_object(self, schema: Mapping[str, object]) -> dict[str, object]:
        """One object instance of ``schema`` (the reference's ``_generate_object``)."""
        value = self._generate_value({"type": "object", **schema})
        assert isinstance(value, dict)
        return value
