"""Fixes over the reference: every value is valid for what it claims to be."""

from __future__ import annotations

import itertools
import json
import re
import uuid
from datetime import datetime

import jsonschema
import pytest
from faker import Faker

from ferrosynth import DataGenerator, DataType, GeneratorConfig, SchemaBasedGenerator
from ferrosynth.templates import TOOL_CALL_TEMPLATES

TOOLS_BY_FUNCTION = {t["name"]: t for t in TOOL_CALL_TEMPLATES.values()}
FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


def validate(instance: object, schema: object) -> None:
    jsonschema.Draft202012Validator(schema, format_checker=FORMATS).validate(instance)


@pytest.mark.parametrize("tool", list(TOOL_CALL_TEMPLATES))
def test_tool_call_arguments_validate_against_the_tool_schema(
    gen: DataGenerator, tool: str
) -> None:
    calls = gen.generate_tool_calls(
        GeneratorConfig(data_type=DataType.tool_call, count=300, seed=9, constraints={"tool": tool})
    )
    ids = set()
    for call in calls:
        fn = call["function"]
        assert isinstance(fn, dict)
        assert isinstance(fn["arguments"], str)  # OpenAI format: a JSON string
        validate(json.loads(fn["arguments"]), TOOL_CALL_TEMPLATES[tool]["parameters"])
        # The reference's ids: str(uuid.uuid4()) (drawn from the seed here).
        assert uuid.UUID(str(call["id"])).version == 4
        ids.add(call["id"])
    assert len(ids) == 300


def test_tool_call_arguments_look_like_the_domain(gen: DataGenerator) -> None:
    calls = gen.generate_tool_calls(
        GeneratorConfig(
            data_type=DataType.tool_call, count=50, seed=1, constraints={"tool": "email"}
        )
    )
    for call in calls:
        args = json.loads(call["function"]["arguments"])  # type: ignore[index]
        assert all(re.fullmatch(r"[^@\s]+@[^@\s]+\.\w+", a) for a in args["to"])
    sql = gen.generate_tool_calls(
        GeneratorConfig(
            data_type=DataType.tool_call, count=20, seed=1, constraints={"tool": "database"}
        )
    )
    for call in sql:
        query = json.loads(call["function"]["arguments"])["query"]  # type: ignore[index]
        assert query.split()[0] in {"SELECT", "UPDATE"}


def test_agent_traces_are_well_formed(gen: DataGenerator) -> None:
    traces = gen.generate_agent_traces(
        GeneratorConfig(data_type=DataType.agent_trace, count=500, seed=4)
    )
    successes = 0
    tool_counts: dict[str, int] = {}
    for trace in traces:
        steps = trace["steps"]
        assert isinstance(steps, list)
        assert len(steps) >= 2
        assert [s["step"] for s in steps] == list(range(len(steps)))
        stamps = [s["timestamp"] for s in steps]
        assert all(isinstance(t, float) for t in stamps)
        assert all(a < b for a, b in itertools.pairwise(stamps)), stamps
        assert steps[-1]["type"] == "final_answer"
        assert steps[-1]["content"] == trace["final_answer"]
        assert trace["final_answer"]
        for i, step in enumerate(steps):
            assert step["type"] in {"thought", "tool_call", "observation", "final_answer"}
            if step["type"] == "tool_call":
                tool = TOOLS_BY_FUNCTION[step["tool"]]
                validate(step["arguments"], tool["parameters"])
                assert steps[i + 1]["type"] == "observation"
                assert steps[i + 1]["tool_call_id"] == step["tool_call_id"]
                tool_counts[step["tool"]] = tool_counts.get(step["tool"], 0) + 1
            if step["type"] == "observation":
                assert steps[i - 1]["type"] == "tool_call"
        # A trace fails exactly when a call fails for good, which ends it.
        observations = [s for s in steps if s["type"] == "observation"]
        failed_for_good = bool(observations) and observations[-1]["status"] == "error"
        assert trace["success"] is not failed_for_good
        assert str(trace["agent"]).endswith("_agent")
        successes += bool(trace["success"])
    assert set(tool_counts) == set(TOOLS_BY_FUNCTION)
    assert 0.8 < successes / len(traces) < 0.98


def test_a_placeholder_keeps_its_value_within_a_conversation(gen: DataGenerator) -> None:
    from ferrosynth.templates import CONVERSATION_TEMPLATES

    template = CONVERSATION_TEMPLATES["customer_support"]
    convs = gen.generate_conversations(
        GeneratorConfig(data_type=DataType.conversation, count=100, seed=8)
    )
    email_turns = [i for i, t in enumerate(template) if "{email}" in str(t["content"])]
    order_turns = [i for i, t in enumerate(template) if "{order_id}" in str(t["content"])]
    assert len(email_turns) + len(order_turns) >= 3
    for conv in convs:
        emails = {
            e for i in email_turns for e in re.findall(r"[\w.+-]+@[\w.-]+\w", conv[i].content)
        }
        assert len(emails) == 1, emails
        orders = {o for i in order_turns for o in re.findall(r"ORD-\d{6}", conv[i].content)}
        assert len(orders) <= 1, orders


@pytest.mark.parametrize(("lo", "hi"), [(1, 1), (2, 4), (5, 5), (3, 9)])
def test_sentence_bounds_are_real(gen: DataGenerator, lo: int, hi: int) -> None:
    texts = gen.generate_text(
        GeneratorConfig(
            data_type=DataType.text,
            count=300,
            seed=lo * 10 + hi,
            constraints={"min_sentences": lo, "max_sentences": hi},
        )
    )
    counts = {t.count(".") for t in texts}
    assert min(counts) >= lo
    assert max(counts) <= hi
    assert counts == set(range(lo, hi + 1))  # every allowed count occurs in 300 samples


def test_text_defaults_are_one_to_five_sentences(gen: DataGenerator) -> None:
    texts = gen.generate_text(GeneratorConfig(data_type=DataType.text, count=300, seed=1))
    assert {t.count(".") for t in texts} == {1, 2, 3, 4, 5}


@pytest.mark.parametrize(
    ("constraints", "message"),
    [
        ({"min_sentences": 0}, "constraints.min_sentences"),
        ({"max_sentences": "many"}, "constraints.max_sentences"),
        ({"min_sentences": 4, "max_sentences": 2}, "greater than max_sentences"),
    ],
)
def test_bad_text_constraints_are_config_errors(
    gen: DataGenerator, constraints: dict[str, object], message: str
) -> None:
    from ferrosynth import ConfigError

    with pytest.raises(ConfigError, match=message):
        gen.generate(GeneratorConfig(data_type=DataType.text, count=1, constraints=constraints))


def test_free_form_json_records_are_valid(gen: DataGenerator) -> None:
    records = gen.generate_json(GeneratorConfig(data_type=DataType.json, count=200, seed=2))
    for r in records:
        assert re.fullmatch(r"[0-9a-f-]{36}", str(r["id"]))
        assert re.fullmatch(r"[a-z0-9._]+@[a-z0-9.-]+\.[a-z]+", str(r["email"]))
        assert isinstance(r["value"], float)
        assert 0 <= r["value"] <= 1000
        assert round(r["value"], 2) == r["value"]
        assert isinstance(r["active"], bool)
        assert isinstance(r["tags"], list)
        assert 1 <= len(r["tags"]) <= 5
        created = datetime.fromisoformat(str(r["created_at"]).replace("Z", "+00:00"))
        assert created.year in (2024, 2025)


def test_french_faker_gives_french_names() -> None:
    fr_pools = DataGenerator(faker=Faker("fr_FR")).pools.pools
    fr = DataGenerator(faker=Faker("fr_FR")).generate_conversations(
        GeneratorConfig(data_type=DataType.conversation, count=50, seed=3)
    )
    en = DataGenerator().generate_conversations(
        GeneratorConfig(data_type=DataType.conversation, count=50, seed=3)
    )
    fr_text = " ".join(t.content for conv in fr for t in conv)
    en_text = " ".join(t.content for conv in en for t in conv)
    french_names = [n for n in fr_pools["first_names"] if n in fr_text]
    assert len(french_names) >= 10
    assert fr_text != en_text


def test_faker_instance_is_never_seeded_or_called() -> None:
    mine, twin = Faker("en_US"), Faker("en_US")
    mine.seed_instance(123)
    twin.seed_instance(123)
    DataGenerator(faker=mine).generate(GeneratorConfig(data_type=DataType.json, count=50, seed=1))
    assert mine.name() == twin.name()


SUBSET_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "email": {"type": "string", "format": "email"},
        "joined": {"type": "string", "format": "date"},
        "site": {"type": "string", "format": "uri"},
        "age": {"type": "integer", "minimum": 18, "maximum": 90},
        "ratio": {"type": "number", "minimum": -2.5, "maximum": 2.5},
        "vip": {"type": "boolean"},
        "nothing": {"type": "null"},
        "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 4},
        "tier": {"enum": ["free", "pro", 3, None]},
        "address": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "zip": {"type": "string"}},
            "required": ["city"],
        },
    },
    "required": ["id", "email", "age"],
}


def test_schema_subset_generates_valid_instances() -> None:
    records = SchemaBasedGenerator().from_schema(SUBSET_SCHEMA, 500, seed=5)
    optional_seen: dict[str, int] = {}
    for r in records:
        validate(r, SUBSET_SCHEMA)
        assert list(r) == [k for k in SUBSET_SCHEMA["properties"] if k in r]  # type: ignore[union-attr]
        for k in r:
            optional_seen[k] = optional_seen.get(k, 0) + 1
    assert optional_seen["id"] == 500
    assert 300 < optional_seen["vip"] < 480  # optional properties: about 80 %


@pytest.mark.parametrize(
    ("schema", "pointer", "reason"),
    [
        ({"type": "integer", "minimum": 5, "maximum": 1}, "", "no integer"),
        # The properties are required: an optional one that cannot be satisfied is left out
        # (with a SchemaWarning), since the object itself is still satisfiable.
        (
            {
                "type": "object",
                "properties": {"a": {"type": "number", "minimum": 2, "maximum": 1}},
                "required": ["a"],
            },
            "/properties/a",
            "greater than maximum",
        ),
        (
            {
                "type": "object",
                "properties": {"a/b": {"type": "array", "minItems": 3, "maxItems": 1}},
                "required": ["a/b"],
            },
            "/properties/a~1b",
            "minItems",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "strin"}}},
            "/properties/a/type",
            "unknown type",
        ),
        (
            {"type": "object", "properties": {"a": {"enum": []}}, "required": ["a"]},
            "/properties/a/enum",
            "empty",
        ),
        (False, "", "admits no value"),
    ],
)
def test_unsatisfiable_schemas_raise_schema_error_with_pointer(
    schema: object, pointer: str, reason: str
) -> None:
    from ferrosynth import SchemaError

    with pytest.raises(SchemaError, match=reason) as info:
        SchemaBasedGenerator().from_schema(schema, 1)  # type: ignore[arg-type]
    assert info.value.pointer == pointer
    assert isinstance(info.value, ValueError)
