"""Every example of the aumai-datasynthesizer API reference, after the import swap."""

from __future__ import annotations

import uuid

import pytest
from faker import Faker

from ferrosynth import (
    ConversationTurn,
    DataGenerator,
    DataType,
    FerrosynthWarning,
    GeneratorConfig,
    SchemaBasedGenerator,
    SyntheticDataset,
    __version__,
)
from ferrosynth.templates import CONVERSATION_TEMPLATES, TOOL_CALL_TEMPLATES

REFERENCE_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "score": {"type": "number", "minimum": 0.0, "maximum": 1.0},
        "label": {"type": "string", "enum": ["positive", "negative", "neutral"]},
    },
    "required": ["id", "score", "label"],
}


def test_datatype_example() -> None:
    dt = DataType("conversation")
    assert str(dt) == "DataType.conversation"
    assert dt.value == "conversation"
    assert dt == DataType.conversation
    assert [d.value for d in DataType] == [
        "text",
        "json",
        "conversation",
        "tool_call",
        "agent_trace",
        "persona",  # added by ferrosynth
    ]


def test_generator_config_example_and_defaults() -> None:
    config = GeneratorConfig(
        data_type=DataType.conversation,
        count=20,
        seed=42,
        constraints={"template": "code_assistant"},
    )
    assert config.data_type.value == "conversation"
    assert config.count == 20
    assert config.seed == 42
    default = GeneratorConfig(data_type=DataType.text)
    assert (default.count, default.seed, default.schema, default.constraints) == (
        10,
        None,
        None,
        {},
    )
    assert list(GeneratorConfig.model_fields) == [
        "data_type",
        "count",
        "seed",
        "schema",
        "constraints",
    ]


@pytest.mark.parametrize("count", [0, -1])
def test_generator_config_count_must_be_positive(count: int) -> None:
    with pytest.raises(ValueError, match="greater than 0"):
        GeneratorConfig(data_type=DataType.text, count=count)


def test_conversation_turn_example() -> None:
    turn = ConversationTurn(
        role="user",
        content="How do I implement a binary search in Python?",
        tool_calls=None,
    )
    assert turn.role == "user"
    assert turn.content.startswith("How do I")
    assert ConversationTurn(role="a", content="b").tool_calls is None


def test_synthetic_dataset_example() -> None:
    generator = DataGenerator()
    dataset = generator.generate(GeneratorConfig(data_type=DataType.text, count=5, seed=0))
    assert isinstance(dataset, SyntheticDataset)
    assert list(dataset.metadata) == ["generated_count", "generation_time_ms", "data_type", "seed"]
    assert dataset.metadata["generated_count"] == 5
    assert dataset.metadata["data_type"] == "text"
    assert dataset.metadata["seed"] == 0
    assert isinstance(dataset.metadata["generation_time_ms"], float)
    assert list(dataset.samples[0]) == ["index", "text"]
    assert dataset.samples[0]["index"] == 0
    assert isinstance(dataset.samples[0]["text"], str)


def test_schema_based_generator_example() -> None:
    gen = SchemaBasedGenerator(faker=Faker("en_US"))
    records = gen.from_schema(REFERENCE_SCHEMA, count=3)
    assert len(records) == 3
    for r in records:
        assert list(r) == ["id", "score", "label"]
        assert uuid.UUID(str(r["id"])).version == 4
        assert isinstance(r["score"], float)
        assert 0.0 <= r["score"] <= 1.0
        assert round(r["score"], 4) == r["score"]
        assert r["label"] in {"positive", "negative", "neutral"}


def test_data_generator_constructors() -> None:
    assert isinstance(DataGenerator(), DataGenerator)
    assert isinstance(DataGenerator(faker=Faker("fr_FR")), DataGenerator)


def test_generate_agent_trace_example() -> None:
    gen = DataGenerator()
    dataset = gen.generate(GeneratorConfig(data_type=DataType.agent_trace, count=5, seed=1))
    assert len(dataset.samples) == 5
    assert dataset.metadata["generated_count"] == 5
    assert dataset.metadata["data_type"] == "agent_trace"


SAMPLE_KEYS = {
    DataType.text: ["index", "text"],
    DataType.conversation: ["index", "turns"],
    DataType.tool_call: ["index", "id", "type", "function"],
    DataType.agent_trace: [
        "index",
        "trace_id",
        "agent",
        "task",
        "steps",
        "final_answer",
        "success",
    ],
    DataType.json: ["index", "id", "name", "email", "value", "active", "tags", "created_at"],
    DataType.persona: [
        "index",
        "id",
        "name",
        "age",
        "occupation",
        "location",
        "email",
        "domain",
        "goals",
        "pain_points",
        "behaviours",
        "quotes",
        "communication_style",
    ],
}

# Keys ferrosynth adds after the reference's (documented in docs/agent-data.md).
ADDED_KEYS = {DataType.agent_trace: ["model", "duration_ms", "usage"]}


@pytest.mark.parametrize("data_type", list(DataType))
def test_sample_keys_and_order(gen: DataGenerator, data_type: DataType) -> None:
    ds = gen.generate(GeneratorConfig(data_type=data_type, count=20, seed=3))
    assert [s["index"] for s in ds.samples] == list(range(20))
    for s in ds.samples:
        assert list(s) == SAMPLE_KEYS[data_type] + ADDED_KEYS.get(data_type, [])


def test_generate_methods_return_documented_types(gen: DataGenerator) -> None:
    texts = gen.generate_text(GeneratorConfig(data_type=DataType.text, count=3, seed=1))
    assert len(texts) == 3
    assert all(isinstance(t, str) for t in texts)
    convs = gen.generate_conversations(GeneratorConfig(data_type=DataType.conversation, count=2))
    assert all(isinstance(t, ConversationTurn) for conv in convs for t in conv)
    assert [len(c) for c in convs] == [7, 7]
    calls = gen.generate_tool_calls(GeneratorConfig(data_type=DataType.tool_call, count=2))
    assert [list(c) for c in calls] == [["id", "type", "function"]] * 2
    traces = gen.generate_agent_traces(GeneratorConfig(data_type=DataType.agent_trace, count=2))
    trace_keys = SAMPLE_KEYS[DataType.agent_trace][1:] + ADDED_KEYS[DataType.agent_trace]
    assert list(traces[0]) == trace_keys
    records = gen.generate_json(GeneratorConfig(data_type=DataType.json, count=2))
    assert list(records[0]) == SAMPLE_KEYS[DataType.json][1:]


def test_generate_dispatch_matches_the_typed_methods(gen: DataGenerator) -> None:
    config = GeneratorConfig(data_type=DataType.text, count=4, seed=11)
    assert [s["text"] for s in gen.generate(config).samples] == gen.generate_text(config)
    config = GeneratorConfig(data_type=DataType.conversation, count=3, seed=11)
    turns = [[t.model_dump() for t in conv] for conv in gen.generate_conversations(config)]
    assert [s["turns"] for s in gen.generate(config).samples] == turns


@pytest.mark.parametrize(
    ("name", "turns"), [("customer_support", 7), ("code_assistant", 5), ("research_assistant", 5)]
)
def test_conversation_templates(gen: DataGenerator, name: str, turns: int) -> None:
    assert len(CONVERSATION_TEMPLATES[name]) == turns
    convs = gen.generate_conversations(
        GeneratorConfig(
            data_type=DataType.conversation, count=3, seed=5, constraints={"template": name}
        )
    )
    for conv in convs:
        assert [t.role for t in conv] == [str(t["role"]) for t in CONVERSATION_TEMPLATES[name]]
        for t in conv:
            assert "{" not in t.content.replace("{{", "") or name == "code_assistant"
            assert t.tool_calls is None


def test_unknown_template_falls_back_to_customer_support(gen: DataGenerator) -> None:
    with pytest.warns(FerrosynthWarning, match="unknown conversation template 'nope'"):
        fallback = gen.generate(
            GeneratorConfig(
                data_type=DataType.conversation, count=3, seed=2, constraints={"template": "nope"}
            )
        )
    default = gen.generate(GeneratorConfig(data_type=DataType.conversation, count=3, seed=2))
    assert fallback.samples == default.samples
    assert len(fallback.samples[0]["turns"]) == 7  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("tool", "function"),
    [
        ("search", "web_search"),
        ("email", "send_email"),
        ("database", "execute_query"),
        ("file_operations", "file_operation"),
    ],
)
def test_tool_templates(gen: DataGenerator, tool: str, function: str) -> None:
    assert TOOL_CALL_TEMPLATES[tool]["name"] == function
    calls = gen.generate_tool_calls(
        GeneratorConfig(data_type=DataType.tool_call, count=5, constraints={"tool": tool})
    )
    assert {c["function"]["name"] for c in calls} == {function}  # type: ignore[index]
    assert {c["type"] for c in calls} == {"function"}


def test_unknown_tool_falls_back_to_search(gen: DataGenerator) -> None:
    with pytest.warns(FerrosynthWarning, match="unknown tool template 'nope'"):
        calls = gen.generate_tool_calls(
            GeneratorConfig(data_type=DataType.tool_call, count=3, constraints={"tool": "nope"})
        )
    assert {c["function"]["name"] for c in calls} == {"web_search"}  # type: ignore[index]


def test_version_is_exported() -> None:
    import re

    assert re.fullmatch(r"\d+\.\d+\.\d+.*", __version__)
