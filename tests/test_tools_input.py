"""User-supplied tools: OpenAI, MCP, Anthropic and plain shapes, files, errors, coverage."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ferrosynth import ConfigError, DataGenerator, DataType, GeneratorConfig, SchemaError
from ferrosynth.tools import load_tools

FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER

WEATHER = {
    "type": "object",
    "properties": {
        "city": {"type": "string", "description": "City name"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        "days": {"type": "integer", "minimum": 1, "maximum": 7},
    },
    "required": ["city"],
}
TICKET = {
    "type": "object",
    "properties": {
        "subject": {"type": "string", "maxLength": 80},
        "priority": {"type": "string", "enum": ["low", "normal", "high"]},
        "email": {"type": "string", "format": "email"},
    },
    "required": ["subject", "email"],
}
TICKET_OUT = {
    "type": "object",
    "properties": {
        "ticket_id": {"type": "string", "format": "uuid"},
        "status": {"enum": ["open", "queued"]},
        "position": {"type": "integer", "minimum": 1, "maximum": 50},
    },
    "required": ["ticket_id", "status", "position"],
}

OPENAI_TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Gets the current weather for a city.",
            "parameters": WEATHER,
            "strict": False,
        },
    },
    {"type": "function", "function": {"name": "create_ticket", "parameters": TICKET}},
]
MCP_TOOLS: list[dict[str, Any]] = [
    {
        "name": "get_weather",
        "title": "Weather",
        "description": "Gets the current weather for a city.",
        "inputSchema": WEATHER,
    },
    {
        "name": "create_ticket",
        "description": "Open a support ticket.",
        "inputSchema": TICKET,
        "outputSchema": TICKET_OUT,
        "annotations": {"destructiveHint": False},
    },
]


def validate(instance: object, schema: object) -> None:
    jsonschema.Draft202012Validator(schema, format_checker=FORMATS).validate(instance)


def test_openai_and_mcp_shapes_normalise_to_the_same_tools() -> None:
    openai = load_tools(OPENAI_TOOLS)
    mcp = load_tools({"tools": MCP_TOOLS})  # an MCP tools/list result
    assert (
        [t["name"] for t in openai] == [t["name"] for t in mcp] == ["get_weather", "create_ticket"]
    )
    assert openai[0] == {
        "name": "get_weather",
        "description": "Gets the current weather for a city.",
        "parameters": WEATHER,
    }
    assert openai[0] == mcp[0]
    assert mcp[1]["output_schema"] == TICKET_OUT
    assert "output_schema" not in openai[1]
    assert openai[1]["description"] == ""


def test_responses_anthropic_plain_and_single_tool_shapes() -> None:
    responses = load_tools([{"type": "function", "name": "f", "parameters": WEATHER}])
    anthropic = load_tools([{"name": "f", "description": "d", "input_schema": WEATHER}])
    plain = load_tools({"name": "f", "parameters": WEATHER})
    no_params = load_tools([{"name": "ping"}])
    assert responses[0]["parameters"] == anthropic[0]["parameters"] == plain[0]["parameters"]
    assert no_params[0]["parameters"] == {"type": "object", "properties": {}}


def test_files_in_json_and_yaml(tmp_path: Path) -> None:
    import yaml

    as_json = tmp_path / "tools.json"
    as_json.write_text(json.dumps(OPENAI_TOOLS))
    as_yaml = tmp_path / "tools.yaml"
    as_yaml.write_text(yaml.safe_dump({"tools": MCP_TOOLS}))
    assert load_tools(as_json)[0] == load_tools(str(as_yaml))[0]


@pytest.mark.parametrize(
    ("tools", "message", "field"),
    [
        ([], "the list of tools is empty", "tools"),
        ("not-a-file.txt", "must end in .json, .yaml or .yml", "not-a-file.txt"),
        (42, "expected a list of tools, got int", "tools"),
        ([{"description": "x"}], r"tools\[0\]: expected an OpenAI tool", "tools[0]"),
        ([{"name": "a b"}], r"tools\[0\]\.name: 'a b' is not a valid tool name", "tools[0].name"),
        (
            [{"name": "a", "parameters": {}, "inputSchema": {}}],
            r"tools\[0\]: expected an OpenAI tool",
            "tools[0]",
        ),
        ([{"name": "a", "bogus": 1}], r"tools\[0\]: unknown keys \['bogus'\]", "tools[0]"),
        ([{"name": "a"}, {"name": "a"}], r"'a' is already used by tools\[0\]", "tools[1]"),
        (
            [{"type": "function", "function": {"name": "a", "parameters": [1]}}],
            r"tools\[0\]\.function\.parameters: a schema must be a mapping",
            "tools[0].function.parameters",
        ),
    ],
)
def test_bad_tools_are_config_errors_that_say_where(
    tools: object, message: str, field: str
) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        load_tools(tools)  # type: ignore[arg-type]
    assert info.value.field == field


def test_unreadable_files_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read tools file"):
        load_tools(tmp_path / "missing.json")
    bad = tmp_path / "bad.yaml"
    bad.write_text("tools: [unclosed")
    with pytest.raises(ConfigError, match="is not valid YAML"):
        load_tools(bad)


def test_a_bad_parameter_schema_is_a_schema_error_with_its_pointer(gen: DataGenerator) -> None:
    tools = [{"name": "t", "parameters": {"type": "object", "properties": {"n": {"type": "nope"}}}}]
    config = GeneratorConfig(data_type=DataType.tool_call, count=1, constraints={"tools": tools})
    with pytest.raises(SchemaError) as info:
        gen.generate(config)
    assert info.value.pointer == "/tools/t/parameters/properties/n/type"


def test_tool_and_tools_together_are_an_error(gen: DataGenerator) -> None:
    config = GeneratorConfig(
        data_type=DataType.tool_call,
        count=1,
        constraints={"tools": OPENAI_TOOLS, "tool": "search"},
    )
    with pytest.raises(ConfigError, match="either 'tool'"):
        gen.generate(config)


def test_tool_calls_use_every_tool_with_valid_arguments(gen: DataGenerator) -> None:
    tools = [
        {
            "name": f"tool_{i}",
            "parameters": {
                "type": "object",
                "properties": {"n": {"type": "integer", "minimum": i, "maximum": i}},
                "required": ["n"],
            },
        }
        for i in range(12)
    ]
    tools += [t["function"] for t in OPENAI_TOOLS]
    by_name = {t["name"]: t for t in tools}
    calls = gen.generate_tool_calls(
        GeneratorConfig(
            data_type=DataType.tool_call, count=3000, seed=2, constraints={"tools": tools}
        )
    )
    used = Counter()
    for call in calls:
        fn: Any = call["function"]
        args = json.loads(fn["arguments"])
        validate(args, by_name[fn["name"]]["parameters"])
        used[fn["name"]] += 1
    assert set(used) == set(by_name)
    # Uniform over 14 tools: each about 214 times.
    assert min(used.values()) > 150, used


@pytest.mark.parametrize("data_type", [DataType.agent_trace, DataType.conversation])
def test_traces_and_conversations_draw_from_user_tools(
    gen: DataGenerator, data_type: DataType
) -> None:
    config = GeneratorConfig(
        data_type=data_type, count=400, seed=8, constraints={"tools": MCP_TOOLS}
    )
    schemas = {t["name"]: t for t in MCP_TOOLS}
    used: Counter[str] = Counter()
    results = 0
    for sample in gen.generate(config).samples:
        for call, result in _calls_and_results(sample):
            tool = schemas[call["name"]]
            validate(call["arguments"], tool["inputSchema"])
            used[call["name"]] += 1
            if call["name"] == "create_ticket" and result["ok"]:
                validate(json.loads(result["content"]), TICKET_OUT)  # results follow outputSchema
                results += 1
    assert set(used) == set(schemas)
    assert results > 50


def _calls_and_results(sample: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Pairs of (call, result) from a trace or a tool-use conversation."""
    out = []
    if "steps" in sample:
        steps = sample["steps"]
        for i, step in enumerate(steps):
            if step["type"] == "tool_call":
                obs = steps[i + 1]
                call = {"name": step["tool"], "arguments": step["arguments"]}
                out.append((call, {"content": obs["content"], "ok": obs["status"] == "ok"}))
        return out
    answers = {t["tool_call_id"]: t for t in sample["turns"] if t["role"] == "tool"}
    for turn in sample["turns"]:
        for call in turn["tool_calls"] or []:
            fn = call["function"]
            result = answers[call["id"]]
            ok = "error" not in json.loads(result["content"])
            out.append(
                (
                    {"name": fn["name"], "arguments": json.loads(fn["arguments"])},
                    {"content": result["content"], "ok": ok},
                )
            )
    return out


def test_cli_tools_file(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "tools.json"
    path.write_text(json.dumps(OPENAI_TOOLS))
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "ferrosynth.cli",
            "generate",
            "-t",
            "tool_call",
            "-n",
            "50",
            "-s",
            "1",
            "--tools",
            str(path),
        ],
        capture_output=True,
        check=True,
    ).stdout
    names = {json.loads(line)["function"]["name"] for line in out.splitlines()}
    assert names == {"get_weather", "create_ticket"}
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "ferrosynth.cli",
            "generate",
            "-t",
            "tool_call",
            "--tools",
            str(tmp_path / "nope.json"),
        ],
        capture_output=True,
    )
    assert bad.returncode == 2
    assert bad.stderr.decode().startswith("error: cannot read tools file")
