"""Bulk output: streaming JSONL, gzip and Parquet; threads, chunks and slices; atomic files."""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from ferrosynth import ConfigError, DataGenerator, DataType, GeneratorConfig, OutputError
from ferrosynth._native import resolve_threads

from .test_output import writing_into
from .test_reference_examples import REFERENCE_SCHEMA

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

NESTED = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "name": {"type": "string"},
        "age": {"type": "integer", "minimum": 18, "maximum": 90},
        "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 5},
        "address": {
            "type": "object",
            "properties": {"street": {"type": "string"}, "city": {"type": "string"}},
            "required": ["city"],
        },
        "mixed": {"enum": ["a", 1, None]},
    },
    "required": ["id", "name", "age", "tags", "address", "mixed"],
}

CONFIGS = {
    "text": GeneratorConfig(data_type=DataType.text, count=3000, seed=1),
    "json": GeneratorConfig(data_type=DataType.json, count=3000, seed=1),
    "schema": GeneratorConfig(data_type=DataType.json, count=3000, seed=1, schema=NESTED),
    "conversation": GeneratorConfig(data_type=DataType.conversation, count=3000, seed=1),
    "tool_call": GeneratorConfig(data_type=DataType.tool_call, count=3000, seed=1),
    "agent_trace": GeneratorConfig(data_type=DataType.agent_trace, count=3000, seed=1),
}


def listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


@pytest.mark.parametrize("name", list(CONFIGS))
def test_jsonl_file_round_trips_to_the_in_memory_samples(tmp_path: Path, name: str) -> None:
    gen, config = DataGenerator(), CONFIGS[name]
    report = gen.write(config, tmp_path / "out.jsonl")
    data = (tmp_path / "out.jsonl").read_bytes()
    assert report.bytes_written == len(data)
    assert report.count == config.count
    assert [orjson.loads(line) for line in data.splitlines()] == gen.generate(config).samples
    assert listing(tmp_path) == ["out.jsonl"]


@pytest.mark.parametrize("threads", [1, 2, 8])
def test_file_bytes_do_not_depend_on_threads(tmp_path: Path, threads: int) -> None:
    gen = DataGenerator()
    config = GeneratorConfig(data_type=DataType.json, count=70_000, seed=3, schema=NESTED)
    for suffix in (".jsonl", ".jsonl.gz"):
        one = tmp_path / f"one{suffix}"
        many = tmp_path / f"many{suffix}"
        gen.write(config, one, threads=1)
        gen.write(config, many, threads=threads)
        assert one.read_bytes() == many.read_bytes(), suffix


def test_chunk_size_does_not_change_bytes() -> None:
    plan = DataGenerator().plan(CONFIGS["agent_trace"])
    reference = plan.jsonl(7, 0, 3000, chunk_rows=4096)
    for chunk in (1, 13, 1000, 100_000):
        assert plan.jsonl(7, 0, 3000, chunk_rows=chunk, threads=2) == reference


def test_a_slice_written_alone_equals_those_lines_of_the_full_file(tmp_path: Path) -> None:
    gen = DataGenerator()
    config = CONFIGS["tool_call"]
    gen.write(config, tmp_path / "full.jsonl")
    gen.write(config.model_copy(update={"count": 100}), tmp_path / "slice.jsonl", start=1234)
    full = (tmp_path / "full.jsonl").read_bytes().splitlines()
    assert (tmp_path / "slice.jsonl").read_bytes().splitlines() == full[1234:1334]


def test_gzip_output_is_the_jsonl_compressed(tmp_path: Path) -> None:
    gen, config = DataGenerator(), CONFIGS["conversation"]
    gen.write(config, tmp_path / "a.jsonl")
    report = gen.write(config, tmp_path / "a.jsonl.gz")
    packed = (tmp_path / "a.jsonl.gz").read_bytes()
    assert report.bytes_written == len(packed)
    assert len(packed) < (tmp_path / "a.jsonl").stat().st_size / 3
    assert gzip.decompress(packed) == (tmp_path / "a.jsonl").read_bytes()
    # The standard gzip tool reads the multi-member file too.
    out = subprocess.run(["gzip", "-dc", str(tmp_path / "a.jsonl.gz")], capture_output=True)
    assert out.returncode == 0
    assert out.stdout == (tmp_path / "a.jsonl").read_bytes()


def decode_json_columns(value: object, columns: object) -> object:
    """Undo the columnar shape: parse the JSON strings of ``json`` columns."""
    if columns == "json":
        return None if value is None else json.loads(str(value))
    if isinstance(columns, dict) and "list" in columns and isinstance(value, list):
        return [decode_json_columns(v, columns["list"]) for v in value]
    if isinstance(columns, dict) and "struct" in columns and isinstance(value, dict):
        return {
            name: decode_json_columns(value[name], sub)
            for name, sub in columns["struct"]
            if name in value
        }
    return value


def strip_nulls(value: object) -> object:
    """Arrow structs carry every field; JSON objects only the present ones."""
    if isinstance(value, dict):
        return {k: strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [strip_nulls(v) for v in value]
    return value


@pytest.mark.parametrize("name", list(CONFIGS))
def test_parquet_round_trips_with_typed_columns(tmp_path: Path, name: str) -> None:
    gen, config = DataGenerator(), CONFIGS[name]
    gen.write(config, tmp_path / "out.parquet")
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.num_rows == config.count
    assert table.schema.field("index").type == pa.int64()
    columns = orjson.loads(gen.plan(config).columns())
    rows = [decode_json_columns(r, columns) for r in table.to_pylist()]
    assert strip_nulls(rows) == strip_nulls(gen.generate(config).samples)
    assert listing(tmp_path) == ["out.parquet"]


def test_parquet_types_follow_the_schema(tmp_path: Path) -> None:
    gen = DataGenerator()
    gen.write(CONFIGS["schema"], tmp_path / "s.parquet")
    schema = pq.read_schema(tmp_path / "s.parquet")
    assert schema.field("age").type == pa.int64()
    assert schema.field("tags").type == pa.list_(pa.string())
    assert pa.types.is_struct(schema.field("address").type)
    assert schema.field("mixed").type == pa.string()  # no single Arrow type: a JSON string
    gen.write(CONFIGS["tool_call"], tmp_path / "t.parquet")
    function = pq.read_schema(tmp_path / "t.parquet").field("function").type
    assert function.field("arguments").type == pa.string()  # tool-call arguments stay JSON


def test_parquet_loads_with_pandas_and_hugging_face_datasets(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    gen = DataGenerator()
    config = GeneratorConfig(data_type=DataType.json, count=500, seed=2, schema=REFERENCE_SCHEMA)
    gen.write(config, tmp_path / "w1.parquet")
    frame = pq.read_table(tmp_path / "w1.parquet").to_pandas()
    assert list(frame.columns) == ["index", "id", "score", "label"]
    assert frame["score"].between(0, 1).all()
    ds = datasets.Dataset.from_parquet(
        str(tmp_path / "w1.parquet"), cache_dir=str(tmp_path / "hf-cache")
    )
    assert ds.num_rows == 500
    assert ds[3] == gen.generate(config).samples[3]


def test_arrow_batches_and_table(tmp_path: Path) -> None:
    gen = DataGenerator()
    config = CONFIGS["schema"].model_copy(update={"count": 10_000})
    batches = list(gen.iter_arrow(config, batch_size=3000))
    assert [b.num_rows for b in batches][:1] == [3000]
    assert sum(b.num_rows for b in batches) == 10_000
    table = gen.to_arrow(config)
    assert table.num_rows == 10_000
    ages = table.column("age").to_numpy()
    assert ages.min() >= 18
    assert ages.max() <= 90
    assert table.to_pylist()[:5] == pa.Table.from_batches(batches).to_pylist()[:5]


def test_streamed_batches_equal_the_dataset() -> None:
    gen, config = DataGenerator(), CONFIGS["agent_trace"]
    lines = b"".join(gen.iter_jsonl(config, batch_size=999)).splitlines()
    samples = [s for batch in gen.iter_samples(config, batch_size=999) for s in batch]
    assert [orjson.loads(line) for line in lines] == samples == gen.generate(config).samples


@pytest.mark.parametrize("name", ["out.csv", "out.json", "out"])
def test_unknown_extensions_are_config_errors_and_write_nothing(tmp_path: Path, name: str) -> None:
    with pytest.raises(ConfigError, match="output format"):
        DataGenerator().write(CONFIGS["text"], tmp_path / name)
    assert listing(tmp_path) == []


def test_explicit_format_overrides_the_extension(tmp_path: Path) -> None:
    DataGenerator().write(CONFIGS["text"], tmp_path / "data.bin", format="jsonl.gz")
    assert gzip.decompress((tmp_path / "data.bin").read_bytes()).count(b"\n") == 3000
    with pytest.raises(ConfigError, match=re.escape("'jsonl', 'jsonl.gz', 'parquet'")):
        DataGenerator().write(CONFIGS["text"], tmp_path / "x.jsonl", format="csv")  # type: ignore[arg-type]


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".parquet"])
def test_missing_directory_is_an_output_error(tmp_path: Path, suffix: str) -> None:
    with pytest.raises(OutputError) as info:
        DataGenerator().write(CONFIGS["text"], tmp_path / "nope" / f"x{suffix}")
    assert isinstance(info.value, OSError)
    assert "nope" in str(info.value)


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".parquet"])
def test_an_interrupt_leaves_neither_file_nor_temporary(tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"out{suffix}"
    target_before = b"previous contents"
    target.write_bytes(target_before)

    def interrupt(rows: int) -> None:
        raise KeyboardInterrupt

    config = GeneratorConfig(data_type=DataType.agent_trace, count=400_000, seed=1)
    with pytest.raises(KeyboardInterrupt):
        DataGenerator().write(config, target, progress=interrupt)
    assert listing(tmp_path) == [target.name]
    assert target.read_bytes() == target_before  # the old file is untouched


def test_progress_reports_rows_done_up_to_count(tmp_path: Path) -> None:
    seen: list[int] = []
    config = GeneratorConfig(data_type=DataType.json, count=200_000, seed=1)
    DataGenerator().write(config, tmp_path / "p.jsonl", progress=seen.append)
    assert seen[-1] == 200_000
    assert seen == sorted(seen)


def test_sigint_stops_a_long_write_promptly_and_cleans_up(tmp_path: Path) -> None:
    code = (
        # A shell starts background jobs with SIGINT ignored, and children inherit that; restore
        # Python's handler so the test does not depend on how the suite was launched.
        "import signal, sys\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "from ferrosynth import DataGenerator, GeneratorConfig, DataType\n"
        "print('ready', flush=True)\n"
        "DataGenerator().write(GeneratorConfig(data_type=DataType.agent_trace, count=10**9,"
        " seed=1), sys.argv[1])\n"
    )
    target = tmp_path / "huge.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(target)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == b"ready\n"
    deadline = time.monotonic() + 30
    while not writing_into(proc.pid, tmp_path):
        assert time.monotonic() < deadline, "the write never started"
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=30)
    finally:  # never leave a runaway writer behind (its ResourceWarning would fail a later test)
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode != 0
    assert b"KeyboardInterrupt" in err
    assert listing(tmp_path) == []


def test_thread_count_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FERROSYNTH_THREADS", "3")
    assert resolve_threads(None) == 3
    assert resolve_threads(5) == 5
    monkeypatch.delenv("FERROSYNTH_THREADS")
    cores = resolve_threads(None)
    assert 1 <= cores <= (os.cpu_count() or 1)
    for ignored in ("0", "many", ""):
        monkeypatch.setenv("FERROSYNTH_THREADS", ignored)
        assert resolve_threads(None) == cores
