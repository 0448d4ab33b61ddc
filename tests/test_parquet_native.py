"""Native Arrow and Parquet (issue 9, item 3): batches and files built in Rust.

Every data type and export format round-trips: the Parquet file read back by pyarrow equals the
JSON Lines records of the same seed, once the ``json`` columns (marked by field metadata) are
parsed. The standard formats have real nested types, row groups and batches have the asked-for
size, progress moves per row group, and writing needs no pyarrow.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from ferrosynth import ConfigError, DataGenerator, DataType, GeneratorConfig, OutputError, _native
from ferrosynth.io.arrow import JSON_METADATA, arrow_schema, write_parquet

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

TOOL_USE = {"mode": "tool_use", "failure_rate": 0.3, "max_parallel_calls": 3}
SCHEMA = {
    "type": "object",
    "required": ["id", "tags", "meta", "mixed", "address", "nothing"],
    "properties": {
        "id": {"type": "integer"},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
        "meta": {"type": "object"},
        "mixed": {"enum": [1, "two", {"three": [3]}, None]},
        "nothing": {"type": "null"},
        "address": {
            "type": "object",
            "required": ["city"],
            "properties": {"city": {"type": "string"}, "zip": {"type": "string"}},
        },
    },
}
NATIVE: dict[str, GeneratorConfig] = {
    "text": GeneratorConfig(data_type=DataType.text, count=300, seed=5),
    "json": GeneratorConfig(data_type=DataType.json, count=300, seed=5),
    "schema": GeneratorConfig(data_type=DataType.json, count=300, seed=5, schema=SCHEMA),
    "conversation": GeneratorConfig(data_type=DataType.conversation, count=300, seed=5),
    "tool_use": GeneratorConfig(
        data_type=DataType.conversation, count=300, seed=5, constraints=TOOL_USE
    ),
    "tool_call": GeneratorConfig(data_type=DataType.tool_call, count=300, seed=5),
    "agent_trace": GeneratorConfig(
        data_type=DataType.agent_trace, count=300, seed=5, constraints={"failure_rate": 0.3}
    ),
    "persona": GeneratorConfig(data_type=DataType.persona, count=300, seed=5),
    "user_persona": GeneratorConfig(
        data_type=DataType.agent_trace, count=300, seed=5, constraints={"persona": True}
    ),
}
EXPORTS = [f for f in _native.FORMATS if f != "ferrosynth"]
CASES = [(name, "ferrosynth") for name in NATIVE] + [
    (name, fmt) for name in ("tool_use", "agent_trace", "user_persona") for fmt in EXPORTS
]


def decode(value: Any, field: Any) -> Any:
    """Parse the JSON text of ``json`` columns (found by their field metadata), recursively."""
    if value is None:
        return None
    if (field.metadata or {}) == JSON_METADATA:
        return json.loads(value)
    typ = field.type
    if pa.types.is_struct(typ):
        return {
            typ.field(i).name: decode(value[typ.field(i).name], typ.field(i))
            for i in range(typ.num_fields)
        }
    if pa.types.is_list(typ):
        return [decode(v, typ.value_field) for v in value]
    return value


def strip_nulls(value: Any) -> Any:
    """Arrow structs carry every field (absent ones as null); JSON objects only the present."""
    if isinstance(value, dict):
        return {k: strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [strip_nulls(v) for v in value]
    return value


def jsonl_records(gen: DataGenerator, config: GeneratorConfig, fmt: str) -> list[Any]:
    data = b"".join(gen.iter_jsonl(config, export=fmt))  # type: ignore[arg-type]
    return [orjson.loads(line) for line in data.splitlines()]


@pytest.mark.parametrize(("name", "fmt"), CASES)
def test_parquet_written_in_rust_round_trips_to_the_jsonl(
    tmp_path: Path, name: str, fmt: str
) -> None:
    gen, config = DataGenerator(), NATIVE[name]
    plan = gen.plan(config, fmt)  # type: ignore[arg-type]
    path = tmp_path / "out.parquet"
    written = write_parquet(path, plan, 5, 0, config.count, batch_rows=128)
    assert written == path.stat().st_size
    meta = pq.ParquetFile(path).metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [128, 128, 44]
    table = pq.read_table(path)
    assert table.schema == arrow_schema(plan)
    rows = [{f.name: decode(row[f.name], f) for f in table.schema} for row in table.to_pylist()]
    assert strip_nulls(rows) == strip_nulls(jsonl_records(gen, config, fmt))


def test_openai_tool_calls_and_tools_are_real_fields(tmp_path: Path) -> None:
    gen, config = DataGenerator(), NATIVE["tool_use"]
    gen.write(config, tmp_path / "o.parquet", export="openai")
    table = pq.read_table(tmp_path / "o.parquet")
    message = table.schema.field("messages").type.value_type
    call = message.field("tool_calls").type.value_type
    assert call.field("function").type == pa.struct(
        [pa.field("name", pa.string()), pa.field("arguments", pa.string())]
    )
    tool = table.schema.field("tools").type.value_type.field("function").type
    assert tool.field("parameters").metadata == JSON_METADATA
    # What a chat template (or a `datasets` consumer) does with a row.
    names = [
        call["function"]["name"]
        for row in table.to_pylist()
        for m in row["messages"]
        for call in m["tool_calls"] or []
    ]
    records = jsonl_records(gen, config, "openai")
    expected = [
        c["function"]["name"]
        for r in records
        for m in r["messages"]
        for c in m.get("tool_calls", [])
    ]
    assert names == expected
    assert len(set(names)) > 1
    tool_names = [t["function"]["name"] for t in table.to_pylist()[0]["tools"]]
    assert tool_names == [t["function"]["name"] for t in records[0]["tools"]]


def test_anthropic_blocks_are_one_struct_type_and_otel_attributes_are_typed(
    tmp_path: Path,
) -> None:
    gen, config = DataGenerator(), NATIVE["tool_use"]
    gen.write(config, tmp_path / "a.parquet", export="anthropic")
    block = pq.read_schema(tmp_path / "a.parquet").field("messages").type.value_type
    block = block.field("content").type.value_type
    assert [block.field(i).name for i in range(block.num_fields)] == [
        "type", "text", "id", "name", "input", "tool_use_id", "content", "is_error",
    ]  # fmt: skip
    assert block.field("input").metadata == JSON_METADATA
    assert block.field("is_error").type == pa.bool_()
    kinds = {
        b["type"]
        for row in pq.read_table(tmp_path / "a.parquet").to_pylist()
        for m in row["messages"]
        for b in m["content"]
    }
    assert kinds == {"text", "tool_use", "tool_result"}

    gen.write(config, tmp_path / "t.parquet", export="otel")
    rows = pq.read_table(tmp_path / "t.parquet").to_pylist()
    span = rows[0]["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    attrs = {a["key"]: a["value"] for a in span["attributes"]}
    assert attrs["gen_ai.operation.name"]["stringValue"] == "invoke_agent"
    assert int(attrs["gen_ai.usage.input_tokens"]["intValue"]) > 0


def test_iter_arrow_batches_are_exact_and_equal_to_the_table() -> None:
    gen = DataGenerator()
    config = NATIVE["schema"].model_copy(update={"count": 1_000})
    batches = list(gen.iter_arrow(config, batch_size=333))
    assert [b.num_rows for b in batches] == [333, 333, 333, 1]
    table = gen.to_arrow(config)
    assert table.to_pylist() == pa.Table.from_batches(batches).to_pylist()
    assert table.column("index").to_pylist() == list(range(1_000))
    assert table.schema.field("mixed").metadata == JSON_METADATA


def test_a_native_batch_is_exported_once_through_the_capsule_interface() -> None:
    plan = DataGenerator().plan(NATIVE["text"])
    stream = _native.record_batch_stream(plan, 1, 0, 10, batch_rows=4)
    native = next(stream)
    assert native.num_rows == 4
    batch = pa.record_batch(native)
    assert batch.num_rows == 4
    with pytest.raises(ValueError, match="already exported"):
        pa.record_batch(native)
    assert [b.num_rows for b in stream] == [4, 2]
    assert pa.schema(_native.arrow_schema(plan)) == batch.schema
    with pytest.raises(ValueError, match="batch_rows"):
        _native.record_batch_stream(plan, 1, 0, 10, batch_rows=0)


def test_a_dropped_stream_stops_early() -> None:
    plan = DataGenerator().plan(NATIVE["agent_trace"])
    stream = _native.record_batch_stream(plan, 1, 0, 10_000_000, batch_rows=100)
    assert next(stream).num_rows == 100
    del stream  # the producer thread sees the channel closed and stops


def test_progress_moves_per_row_group_and_an_error_in_it_leaves_nothing(tmp_path: Path) -> None:
    gen = DataGenerator()
    plan = gen.plan(NATIVE["persona"])
    seen: list[int] = []
    write_parquet(tmp_path / "p.parquet", plan, 1, 0, 300, batch_rows=100, progress=seen.append)
    assert seen == [100, 200, 300]

    def stop(done: int) -> None:
        if done >= 100:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_parquet(tmp_path / "q.parquet", plan, 1, 0, 300, batch_rows=100, progress=stop)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.parquet"]


def test_parquet_gets_the_same_mode_and_errors_as_jsonl(tmp_path: Path) -> None:
    gen, config = DataGenerator(), NATIVE["text"]
    old = os.umask(0o027)
    try:
        gen.write(config, tmp_path / "a.parquet")
        gen.write(config, tmp_path / "a.jsonl")
    finally:
        os.umask(old)
    mode = stat.S_IMODE((tmp_path / "a.parquet").stat().st_mode)
    assert mode == stat.S_IMODE((tmp_path / "a.jsonl").stat().st_mode) == 0o640
    with pytest.raises(OutputError):
        gen.write(config, tmp_path / "missing" / "a.parquet")
    with pytest.raises(ConfigError, match="zstd, snappy, none"):
        write_parquet(tmp_path / "c.parquet", gen.plan(config), 1, 0, 5, compression="lzo")  # type: ignore[arg-type]


@pytest.mark.parametrize("compression", ["zstd", "snappy", "none"])
def test_compression_is_recorded_per_column(tmp_path: Path, compression: str) -> None:
    plan = DataGenerator().plan(NATIVE["text"])
    write_parquet(tmp_path / "c.parquet", plan, 1, 0, 50, compression=compression)  # type: ignore[arg-type]
    codec = pq.ParquetFile(tmp_path / "c.parquet").metadata.row_group(0).column(0).compression
    assert codec == {"zstd": "ZSTD", "snappy": "SNAPPY", "none": "UNCOMPRESSED"}[compression]


def test_writing_parquet_needs_no_pyarrow(tmp_path: Path) -> None:
    script = f"""
import sys
sys.modules["pyarrow"] = None  # any import of pyarrow now fails
from ferrosynth import ConfigError, DataGenerator, DataType, GeneratorConfig
config = GeneratorConfig(data_type=DataType.agent_trace, count=50, seed=1)
report = DataGenerator().write(config, {str(tmp_path / "x.parquet")!r}, export="openai")
assert report.bytes_written > 0
try:
    DataGenerator().to_arrow(config)
except ConfigError as e:
    print("ConfigError", e.field)
"""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["ConfigError", "format"]
    assert pq.read_table(tmp_path / "x.parquet").num_rows == 50
