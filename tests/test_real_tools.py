"""Real tools: parameter schemas as Pydantic models and real APIs write them (root ``$ref`` into
``$defs``, ``allOf``/``anyOf``/``oneOf`` of objects, ``if``/``then``) are accepted; tool names that
OpenAI and Anthropic reject are refused for those formats; bare object schemas get
``properties: {}``; tool-call ids are the reference's UUIDs."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel

from ferrosynth import ConfigError, DataGenerator, DataType, GeneratorConfig, SchemaError
from ferrosynth.tools import load_tools


class Address(BaseModel):
    city: str
    zip_code: str


class Order(BaseModel):
    item: str
    quantity: int
    ship_to: Address


PARAMETERS: dict[str, Any] = {
    "pydantic_defs_ref": {
        "$ref": "#/$defs/Order",
        "$defs": Order.model_json_schema()["$defs"]
        | {"Order": {k: v for k, v in Order.model_json_schema().items() if k != "$defs"}},
    },
    "pydantic_model": Order.model_json_schema(),
    "all_of": {
        "allOf": [{"type": "object", "properties": {"a": {"type": "string"}}}, {"required": ["a"]}]
    },
    "one_of_objects": {
        "oneOf": [
            {"type": "object", "properties": {"kind": {"const": "a"}}, "required": ["kind"]},
            {
                "type": "object",
                "properties": {"kind": {"const": "b"}, "n": {"type": "integer"}},
                "required": ["kind", "n"],
            },
        ]
    },
    "if_then": {
        "type": "object",
        "properties": {"mode": {"enum": ["x", "y"]}},
        "required": ["mode"],
        "if": {"properties": {"mode": {"const": "x"}}},
        "then": {"properties": {"extra": {"type": "integer"}}, "required": ["extra"]},
    },
}


@pytest.mark.parametrize("name", list(PARAMETERS))
def test_any_object_parameters_schema_is_accepted_and_arguments_validate(name: str) -> None:
    params = PARAMETERS[name]
    tools = [{"name": "place_order", "description": "Places an order.", "parameters": params}]
    calls = DataGenerator().generate_tool_calls(
        GeneratorConfig(
            data_type=DataType.tool_call, count=30, seed=4, constraints={"tools": tools}
        )
    )
    for call in calls:
        arguments = json.loads(str(call["function"]["arguments"]))  # type: ignore[index]
        assert isinstance(arguments, dict)
        jsonschema.validate(arguments, params)


def test_parameters_whose_instances_are_not_objects_are_refused() -> None:
    tools = [{"name": "t", "parameters": {"anyOf": [{"type": "object"}, {"type": "string"}]}}]
    with pytest.raises(SchemaError, match="instances are objects"):
        DataGenerator().generate(
            GeneratorConfig(data_type=DataType.tool_call, count=1, constraints={"tools": tools})
        )


@pytest.mark.parametrize("name", ["db.query", "x" * 65])
@pytest.mark.parametrize("export", ["openai", "anthropic", "sharegpt"])
def test_tool_names_the_target_format_rejects_are_a_config_error(
    name: str, export: str, tmp_path: Path
) -> None:
    tools = [{"name": name, "parameters": {"type": "object", "properties": {}}}]
    config = GeneratorConfig(
        data_type=DataType.agent_trace, count=2, seed=1, constraints={"tools": tools}
    )
    with pytest.raises(ConfigError, match="not a valid tool name for the") as info:
        DataGenerator().write(config, tmp_path / "out.jsonl", export=export)  # type: ignore[arg-type]
    assert "name" in info.value.field
    # The native format keeps MCP's wider rule.
    DataGenerator().write(config, tmp_path / "native.jsonl")


def test_a_bare_object_schema_gets_empty_properties() -> None:
    (tool,) = load_tools([{"name": "ping", "inputSchema": {"type": "object"}}])
    assert tool["parameters"] == {"type": "object", "properties": {}}


def test_tool_call_ids_are_uuids_as_in_the_reference() -> None:
    gen = DataGenerator()
    config = GeneratorConfig(data_type=DataType.tool_call, count=20, seed=1)
    for call in gen.generate_tool_calls(config):
        assert uuid.UUID(str(call["id"])).version == 4
    for sample in gen.generate(config).samples:
        assert uuid.UUID(str(sample["id"])).version == 4
