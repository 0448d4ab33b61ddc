"""Standard formats: every record follows its format's rules; the checks catch broken ones."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from ferrosynth import ConfigError, DataGenerator, DataType, GeneratorConfig, TemplateError
from ferrosynth.export import FORMATS, problems
from ferrosynth.export.otel import attributes, spans

EXPORTS = [f for f in FORMATS if f != "ferrosynth"]
SOURCES: dict[str, GeneratorConfig] = {
    "trace": GeneratorConfig(
        data_type=DataType.agent_trace, count=400, seed=1, constraints={"failure_rate": 0.3}
    ),
    "tool_use": GeneratorConfig(
        data_type=DataType.conversation,
        count=400,
        seed=1,
        constraints={"mode": "tool_use", "failure_rate": 0.3, "max_parallel_calls": 3},
    ),
    "template": GeneratorConfig(data_type=DataType.conversation, count=100, seed=1),
    "code_template": GeneratorConfig(
        data_type=DataType.conversation,
        count=50,
        seed=1,
        constraints={"template": "code_assistant"},
    ),
}


def records(gen: DataGenerator, source: str, fmt: str) -> list[dict[str, Any]]:
    return [r for batch in gen.iter_samples(SOURCES[source], export=fmt) for r in batch]  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", EXPORTS)
@pytest.mark.parametrize("source", list(SOURCES))
def test_every_record_follows_its_format(gen: DataGenerator, source: str, fmt: str) -> None:
    out = records(gen, source, fmt)
    assert len(out) == SOURCES[source].count
    for i, record in enumerate(out):
        assert problems(record, fmt) == [], (i, record)


def test_openai_records(gen: DataGenerator) -> None:
    calls = 0
    for record in records(gen, "tool_use", "openai"):
        assert set(record) == {"messages", "tools"}
        assert record["messages"][0]["role"] == "system"
        assert [t["function"]["name"] for t in record["tools"]] == [
            "web_search",
            "send_email",
            "execute_query",
            "file_operation",
        ]
        for m in record["messages"]:
            for call in m.get("tool_calls", []):
                calls += 1
                assert isinstance(call["function"]["arguments"], str)
                json.loads(call["function"]["arguments"])
            if m.get("tool_calls") and m["content"] is None:
                calls += 0  # content null is allowed with tool calls
    assert calls > 400
    plain = records(gen, "template", "openai")[0]
    assert set(plain) == {"messages"}  # no tools without tools
    assert [m["role"] for m in plain["messages"]][:3] == ["system", "user", "assistant"]


def test_sharegpt_records(gen: DataGenerator) -> None:
    parallel = 0
    for record in records(gen, "tool_use", "sharegpt"):
        turns = record["conversations"]
        assert turns[0]["from"] == "human"
        assert turns[-1]["from"] == "gpt"
        assert isinstance(record["system"], str)
        assert next(t["name"] for t in json.loads(record["tools"])) == "web_search"
        for t in turns:
            if t["from"] == "function_call" and t["value"].startswith("["):
                parallel += 1
    assert parallel > 50


def test_anthropic_records(gen: DataGenerator) -> None:
    errors = 0
    for record in records(gen, "trace", "anthropic"):
        assert record["messages"][0]["role"] == "user"
        assert all("input_schema" in t for t in record["tools"])
        for m in record["messages"]:
            for block in m["content"]:
                if block["type"] == "tool_result":
                    assert m["role"] == "user"
                    errors += block.get("is_error", False)
                if block["type"] == "tool_use":
                    assert block["id"].startswith("toolu_")
                    assert isinstance(block["input"], dict)
    assert errors > 50


def test_otel_records(gen: DataGenerator) -> None:
    native = gen.generate(SOURCES["trace"]).samples
    for record, trace in zip(records(gen, "trace", "otel"), native, strict=True):
        all_spans = spans(record)
        root = all_spans[0]
        attrs = attributes(root)
        assert root["name"] == f"invoke_agent {trace['agent']}"
        assert root["traceId"] == trace["trace_id"].replace("-", "")
        assert attrs["gen_ai.conversation.id"] == trace["trace_id"]
        assert attrs["gen_ai.usage.input_tokens"] == trace["usage"]["input_tokens"]
        assert attrs["gen_ai.usage.output_tokens"] == trace["usage"]["output_tokens"]
        assert ("status" in root) is (not trace["success"])
        tools = [s for s in all_spans if s["name"].startswith("execute_tool ")]
        calls = [s for s in trace["steps"] if s["type"] == "tool_call"]
        assert [attributes(s)["gen_ai.tool.call.id"] for s in tools] == [
            c["tool_call_id"] for c in calls
        ]
        for span, call in zip(tools, calls, strict=True):
            a = attributes(span)
            assert json.loads(str(a["gen_ai.tool.call.arguments"])) == call["arguments"]
            assert a["gen_ai.tool.type"] == "function"
            start, end = int(span["startTimeUnixNano"]), int(span["endTimeUnixNano"])
            assert start == round(call["timestamp"] * 1000) * 1_000_000
            assert end - start == call["latency_ms"] * 1_000_000
        chats = [s for s in all_spans if s["name"].startswith("chat ")]
        assert all(s["kind"] == 3 for s in chats)
        assert root["kind"] == 1


def test_write_streams_the_same_records(gen: DataGenerator, tmp_path: Path) -> None:
    config = SOURCES["tool_use"].model_copy(update={"count": 300})
    for fmt in EXPORTS:
        path = tmp_path / f"{fmt}.jsonl"
        gen.write(config, path, export=fmt)  # type: ignore[arg-type]
        from_file = [json.loads(line) for line in path.read_bytes().splitlines()]
        streamed = b"".join(gen.iter_jsonl(config, batch_size=77, export=fmt))  # type: ignore[arg-type]
        assert path.read_bytes() == streamed
        assert from_file == [r for b in gen.iter_samples(config, export=fmt) for r in b]  # type: ignore[arg-type]


def test_exports_are_deterministic_and_differ_by_seed(gen: DataGenerator) -> None:
    a = b"".join(gen.iter_jsonl(SOURCES["trace"], export="otel"))
    b = b"".join(gen.iter_jsonl(SOURCES["trace"], export="otel"))
    c = b"".join(gen.iter_jsonl(SOURCES["trace"].model_copy(update={"seed": 2}), export="otel"))
    assert a == b != c


def test_formats_are_for_conversations_and_traces(gen: DataGenerator) -> None:
    with pytest.raises(ConfigError, match="the openai format is for conversation and agent_trace"):
        gen.plan(GeneratorConfig(data_type=DataType.text), "openai")
    with pytest.raises(
        ConfigError, match='unknown format "csv"; expected one of ferrosynth, openai'
    ):
        gen.plan(GeneratorConfig(data_type=DataType.agent_trace), "csv")  # type: ignore[arg-type]
    turns = [{"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "Hi"}]
    config = GeneratorConfig(data_type=DataType.conversation, constraints={"template": turns})
    with pytest.raises(TemplateError, match="the anthropic format needs the first turn"):
        gen.plan(config, "anthropic")
    assert gen.plan(config, "openai").format == "openai"  # OpenAI takes any order


def test_cli_format(tmp_path: Path) -> None:
    import subprocess
    import sys

    run = [sys.executable, "-m", "ferrosynth.cli", "generate", "-t", "agent_trace", "-n", "20"]
    out = subprocess.run([*run, "--format", "anthropic"], capture_output=True, check=True).stdout
    for line in out.splitlines():
        assert problems(json.loads(line), "anthropic") == []
    bad = subprocess.run([*run, "--format", "csv"], capture_output=True)
    assert bad.returncode == 2
    assert "unknown --format 'csv'; expected one of: ferrosynth, openai" in bad.stderr.decode()


# -- the checks themselves catch broken records ---------------------------------------------


def broken(gen: DataGenerator, source: str, fmt: str) -> dict[str, Any]:
    """A valid record with tool calls, to break."""
    for record in records(gen, source, fmt):
        text = json.dumps(record)
        if (
            "tool_calls" in text
            or "tool_use" in text
            or "function_call" in text
            or "execute_tool" in text
        ):
            return copy.deepcopy(record)
    raise AssertionError("no record with tool calls")


def test_openai_check_catches_broken_records(gen: DataGenerator) -> None:
    r = broken(gen, "tool_use", "openai")
    tool_turn = next(m for m in r["messages"] if m["role"] == "tool")
    caller = next(m for m in r["messages"] if m.get("tool_calls"))
    dup = copy.deepcopy(r)
    dup["messages"].insert(dup["messages"].index(tool_turn) + 1, copy.deepcopy(tool_turn))
    assert any("answered twice" in p for p in problems(dup, "openai"))
    lost = copy.deepcopy(r)
    lost["messages"] = [m for m in lost["messages"] if m["role"] != "tool"]
    assert any("not answered" in p or "never answered" in p for p in problems(lost, "openai"))
    as_object = copy.deepcopy(r)
    call = next(m for m in as_object["messages"] if m.get("tool_calls"))["tool_calls"][0]
    call["function"]["arguments"] = json.loads(call["function"]["arguments"])
    assert any("must be a JSON object as a string" in p for p in problems(as_object, "openai"))
    same_id = copy.deepcopy(r)
    calls = [c for m in same_id["messages"] for c in m.get("tool_calls", [])]
    calls.append(copy.deepcopy(calls[0]))
    next(m for m in same_id["messages"] if m.get("tool_calls"))["tool_calls"] = calls
    assert any("unique" in p for p in problems(same_id, "openai"))
    assert caller["tool_calls"]


def test_sharegpt_check_catches_broken_records(gen: DataGenerator) -> None:
    r = broken(gen, "trace", "sharegpt")
    swapped = copy.deepcopy(r)
    swapped["conversations"][0]["from"] = "gpt"
    assert any("cannot be at position 1" in p for p in problems(swapped, "sharegpt"))
    no_obs = copy.deepcopy(r)
    i = next(i for i, t in enumerate(no_obs["conversations"]) if t["from"] == "observation")
    no_obs["conversations"][i]["from"] = "human"
    assert problems(no_obs, "sharegpt")
    odd = copy.deepcopy(r)
    odd["conversations"].pop()
    assert any("even number" in p for p in problems(odd, "sharegpt"))


def test_anthropic_check_catches_broken_records(gen: DataGenerator) -> None:
    r = broken(gen, "trace", "anthropic")
    i = next(i for i, m in enumerate(r["messages"]) if m["content"][0]["type"] == "tool_result")
    unanswered = copy.deepcopy(r)
    unanswered["messages"][i]["content"] = [{"type": "text", "text": "ok"}]
    assert any("not answered" in p for p in problems(unanswered, "anthropic"))
    merged = copy.deepcopy(r)
    merged["messages"].insert(1, {"role": "user", "content": "again"})
    assert any("expected role 'assistant'" in p for p in problems(merged, "anthropic"))
    wrong_side = copy.deepcopy(r)
    wrong_side["messages"][i]["role"] = "assistant"
    assert problems(wrong_side, "anthropic")
    late = copy.deepcopy(r)
    late["messages"][i]["content"].insert(0, {"type": "text", "text": "here you go"})
    assert any("must come before" in p for p in problems(late, "anthropic"))


def test_otel_check_catches_broken_records(gen: DataGenerator) -> None:
    r = broken(gen, "trace", "otel")
    all_spans = r["resourceSpans"][0]["scopeSpans"][0]["spans"]
    tool = next(s for s in all_spans if s["name"].startswith("execute_tool"))
    dup = copy.deepcopy(r)
    dup["resourceSpans"][0]["scopeSpans"][0]["spans"].append(copy.deepcopy(tool))
    found = problems(dup, "otel")
    assert any("unique" in p for p in found)
    assert any("executed 2 times" in p for p in found)
    orphan = copy.deepcopy(r)
    orphan["resourceSpans"][0]["scopeSpans"][0]["spans"][1]["parentSpanId"] = "f" * 16
    assert any("names no other span" in p for p in problems(orphan, "otel"))
    renamed = copy.deepcopy(r)
    renamed["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["name"] = "agent"
    assert any("must be 'invoke_agent" in p for p in problems(renamed, "otel"))
    with pytest.raises(ValueError, match="no rules to check"):
        problems(r, "ferrosynth")


def restore(column: object, value: object) -> object:
    """A Parquet cell back in its record's shape: JSON-text columns (the ragged parts: tool
    calls, content blocks, spans) parsed again, and columns the record lacks left out."""
    if isinstance(value, dict) and isinstance(column, dict):
        return {k: restore(column.get(k), v) for k, v in value.items()}
    if isinstance(value, list) and isinstance(column, list):
        return [restore(c, v) for c, v in zip(column, value, strict=True)]
    if isinstance(column, str) and not isinstance(value, str):
        return json.loads(column)
    return column


@pytest.mark.parametrize("fmt", EXPORTS)
def test_exports_to_parquet_keep_every_record(gen: DataGenerator, tmp_path: Path, fmt: str) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    config = SOURCES["tool_use"].model_copy(update={"count": 200})
    path = tmp_path / f"{fmt}.parquet"
    gen.write(config, path, export=fmt)  # type: ignore[arg-type]
    rows = pq.read_table(path).to_pylist()
    expected = [r for b in gen.iter_samples(config, export=fmt) for r in b]  # type: ignore[arg-type]
    assert len(rows) == len(expected) == 200
    for row, record in zip(rows, expected, strict=True):
        assert restore(row, record) == record
