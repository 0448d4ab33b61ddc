"""Conversations with tool use: turn structure, calls answered once, settings, the model."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import pytest

from ferrosynth import ConfigError, ConversationTurn, DataGenerator, DataType, GeneratorConfig
from ferrosynth.templates import TOOL_CALL_TEMPLATES

from .test_tools_input import validate

TOOLS = {t["name"]: t for t in TOOL_CALL_TEMPLATES.values()}


def conversations(
    gen: DataGenerator, count: int = 300, seed: int = 6, **constraints: object
) -> Any:
    constraints.setdefault("mode", "tool_use")
    config = GeneratorConfig(
        data_type=DataType.conversation, count=count, seed=seed, constraints=constraints
    )
    return gen.generate(config).samples


def check_structure(turns: list[dict[str, Any]]) -> tuple[int, int]:
    """Asserts the rules of a tool-use conversation; returns (user turns, tool calls)."""
    assert turns[0]["role"] == "system"
    assert turns[1]["role"] == "user"
    assert turns[-1]["role"] == "assistant"
    assert turns[-1]["tool_calls"] is None
    pending: dict[str, str] = {}
    users = calls = 0
    for i, turn in enumerate(turns[1:], start=1):
        role = turn["role"]
        assert isinstance(turn["content"], str)
        if role == "user":
            users += 1
            assert not pending, f"turn {i}: calls left unanswered"
            assert turns[i + 1]["role"] == "assistant"
        elif role == "assistant":
            assert not pending, f"turn {i}: calls left unanswered"
            for call in turn["tool_calls"] or []:
                calls += 1
                assert re.fullmatch(r"call_[0-9A-Za-z]{24}", call["id"])
                assert call["type"] == "function"
                fn = call["function"]
                assert isinstance(fn["arguments"], str)
                validate(json.loads(fn["arguments"]), TOOLS[fn["name"]]["parameters"])
                pending[call["id"]] = fn["name"]
            if turn["tool_calls"]:
                assert turns[i + 1]["role"] == "tool"
            else:
                assert turn["content"]
        else:
            assert role == "tool"
            assert turn["tool_calls"] is None
            assert turn["tool_call_id"] in pending, "a result answers a pending call, once"
            del pending[turn["tool_call_id"]]
            json.loads(turn["content"])
    assert not pending
    return users, calls


def test_conversations_follow_the_tool_use_rules(gen: DataGenerator) -> None:
    per_turn_calls: Counter[int] = Counter()
    for sample in conversations(gen, failure_rate=0.2):
        turns = sample["turns"]
        users, _calls = check_structure(turns)
        assert 1 <= users <= 3
        for turn in turns:
            if turn["tool_calls"]:
                per_turn_calls[len(turn["tool_calls"])] += 1
    assert set(per_turn_calls) == {1, 2}  # parallel calls happen, up to max_parallel_calls


def test_every_call_id_is_unique_across_a_run(gen: DataGenerator) -> None:
    ids = [
        call["id"]
        for sample in conversations(gen, count=500)
        for turn in sample["turns"]
        for call in turn["tool_calls"] or []
    ]
    assert len(ids) == len(set(ids)) > 500


def test_turns_and_rates_are_configurable(gen: DataGenerator) -> None:
    for sample in conversations(gen, count=100, min_turns=4, max_turns=5, tool_use_rate=1.0):
        turns = sample["turns"]
        users, calls = check_structure(turns)
        assert 4 <= users <= 5
        assert calls >= users  # every user turn used tools
    quiet = conversations(gen, count=100, tool_use_rate=0.0)
    assert all(t["tool_calls"] is None for s in quiet for t in s["turns"])
    assert all(t["role"] != "tool" for s in quiet for t in s["turns"])
    wide = conversations(gen, count=300, max_parallel_calls=4, tool_use_rate=1.0)
    widths = {len(t["tool_calls"]) for s in wide for t in s["turns"] if t["tool_calls"]}
    assert widths == {1, 2, 3, 4}


def test_failed_calls_are_retried_or_apologised_for(gen: DataGenerator) -> None:
    retried = apologised = 0
    for sample in conversations(gen, count=300, failure_rate=0.5):
        turns = sample["turns"]
        check_structure(turns)
        for i, turn in enumerate(turns):
            if turn["role"] == "tool" and "error" in json.loads(turn["content"]):
                following = next(t for t in turns[i + 1 :] if t["role"] != "tool")
                assert following["role"] == "assistant"
                if following["tool_calls"]:
                    retried += 1
                else:
                    apologised += following["content"].startswith("I couldn't finish this")
    assert retried > 50
    assert apologised > 20


def test_generate_conversations_fills_tool_calls_and_tool_call_id(gen: DataGenerator) -> None:
    config = GeneratorConfig(
        data_type=DataType.conversation, count=20, seed=1, constraints={"mode": "tool_use"}
    )
    convs = gen.generate_conversations(config)
    turns = [t for conv in convs for t in conv]
    assert all(isinstance(t, ConversationTurn) for t in turns)
    assert any(t.tool_calls for t in turns)
    tool_turns = [t for t in turns if t.role == "tool"]
    assert tool_turns
    assert all(t.tool_call_id for t in tool_turns)
    assert [[t.model_dump() for t in c] for c in convs] == [
        s["turns"] for s in gen.generate(config).samples
    ]


def test_template_conversations_stay_as_they_were(gen: DataGenerator) -> None:
    samples = gen.generate(GeneratorConfig(data_type=DataType.conversation, count=5)).samples
    for sample in samples:
        assert all(list(t) == ["role", "content", "tool_calls"] for t in sample["turns"])


@pytest.mark.parametrize(
    ("constraints", "field", "message"),
    [
        ({"mode": "chat"}, "constraints.mode", "expected one of template, tool_use"),
        ({"mode": "tool_use", "min_turns": 3, "max_turns": 2}, "constraints.min_turns", "greater"),
        (
            {"mode": "tool_use", "max_parallel_calls": 9},
            "constraints.max_parallel_calls",
            "1 and 8",
        ),
    ],
)
def test_bad_conversation_constraints(
    gen: DataGenerator, constraints: dict[str, object], field: str, message: str
) -> None:
    config = GeneratorConfig(data_type=DataType.conversation, count=1, constraints=constraints)
    with pytest.raises(ConfigError, match=message) as info:
        gen.generate(config)
    assert info.value.field == field
