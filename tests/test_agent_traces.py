"""Coherent agent traces: timing, tokens, failures and retries, success, domain prose."""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from typing import Any

import pytest

from ferrosynth import ConfigError, DataGenerator, DataType, GeneratorConfig

ERROR_TYPES = {
    "timeout",
    "rate_limited",
    "server_error",
    "invalid_arguments",
    "not_found",
    "permission_denied",
}
RETRYABLE = {"timeout", "rate_limited", "server_error", "invalid_arguments"}


def traces(gen: DataGenerator, count: int = 400, seed: int = 3, **constraints: object) -> list[Any]:
    config = GeneratorConfig(
        data_type=DataType.agent_trace, count=count, seed=seed, constraints=constraints
    )
    return gen.generate_agent_traces(config)


def test_timestamps_follow_from_latencies_and_duration_adds_up(gen: DataGenerator) -> None:
    for trace in traces(gen, failure_rate=0.3):
        steps = trace["steps"]
        ms = [round(s["timestamp"] * 1000) for s in steps]
        for a, b, step in zip(ms, ms[1:], steps, strict=False):
            assert b - a == step["latency_ms"] >= 1, trace
        assert all(isinstance(s["latency_ms"], int) and s["tokens"] >= 1 for s in steps)
        # The task arrives just before the first step; the run ends after the last one.
        assert trace["duration_ms"] == ms[-1] + steps[-1]["latency_ms"] - ms[0] + 1


def test_usage_counts_model_tokens(gen: DataGenerator) -> None:
    for trace in traces(gen, count=200):
        usage = trace["usage"]
        model_steps = [s for s in trace["steps"] if s["type"] != "observation"]
        assert usage["output_tokens"] == sum(s["tokens"] for s in model_steps)
        # Every model call reads at least the task and everything before it.
        assert usage["input_tokens"] > usage["output_tokens"] / 2
        assert trace["model"] == "gpt-4o-mini"
    custom = traces(gen, count=3, model="claude-sonnet-4")
    assert {t["model"] for t in custom} == {"claude-sonnet-4"}


def test_every_call_is_answered_by_the_next_step(gen: DataGenerator) -> None:
    ids: set[str] = set()
    for trace in traces(gen, failure_rate=0.3):
        steps = trace["steps"]
        for i, step in enumerate(steps):
            if step["type"] == "tool_call":
                assert re.fullmatch(r"call_[0-9A-Za-z]{24}", step["tool_call_id"])
                assert step["tool_call_id"] not in ids
                ids.add(step["tool_call_id"])
                obs = steps[i + 1]
                assert obs["type"] == "observation"
                assert (obs["tool_call_id"], obs["tool"]) == (step["tool_call_id"], step["tool"])
                assert steps[i - 1]["type"] == "thought"
                json.loads(obs["content"])  # results are JSON text
            if step["type"] == "observation":
                assert step["status"] in ("ok", "error")
                assert ("error_type" in step) is (step["status"] == "error")


def test_failures_retry_then_succeed_or_end_the_task(gen: DataGenerator) -> None:
    retried = recovered = gave_up = 0
    for trace in traces(gen, count=600, failure_rate=0.4, max_retries=2):
        steps = trace["steps"]
        calls = [(i, s) for i, s in enumerate(steps) if s["type"] == "tool_call"]
        for (i, call), nxt in itertools.zip_longest(calls, calls[1:]):
            obs = steps[i + 1]
            if obs["status"] != "error":
                continue
            assert obs["error_type"] in ERROR_TYPES
            content = json.loads(obs["content"])
            assert content["error"]["type"] == obs["error_type"]
            if nxt is not None and nxt[1]["tool"] == call["tool"] and nxt[0] == i + 3:
                # A retry: a thought about the failure, then the same tool with a new id.
                retried += 1
                assert obs["error_type"] in RETRYABLE
                assert (
                    obs["error_type"] in steps[i + 2]["content"]
                    or "argument" in steps[i + 2]["content"]
                )
                assert nxt[1]["tool_call_id"] != call["tool_call_id"]
                if obs["error_type"] != "invalid_arguments":
                    assert nxt[1]["arguments"] == call["arguments"]
            else:
                # No retry: the task ends here, unsuccessfully.
                gave_up += 1
                assert steps[i + 2]["type"] == "final_answer"
                assert steps[i + 2]["content"].startswith("I couldn't finish this")
                assert trace["success"] is False
        if calls and trace["success"] and any(s.get("status") == "error" for s in steps):
            recovered += 1
    assert retried > 50
    assert recovered > 20
    assert gave_up > 20


def test_retries_stop_after_max_retries(gen: DataGenerator) -> None:
    for trace in traces(gen, count=100, failure_rate=1.0, max_retries=1):
        steps = trace["steps"]
        calls = [s for s in steps if s["type"] == "tool_call"]
        assert trace["success"] is (not calls)
        if calls:
            assert len(calls) <= 2  # the first attempt and one retry
            assert len({c["tool"] for c in calls}) == 1


def test_rates_at_the_extremes(gen: DataGenerator) -> None:
    clean = traces(gen, count=300, failure_rate=0.0)
    assert all(t["success"] for t in clean)
    assert all(s.get("status") != "error" for t in clean for s in t["steps"])
    direct = traces(gen, count=100, tool_use_rate=0.0)
    for t in direct:
        assert [s["type"] for s in t["steps"]] == ["thought", "final_answer"]
    busy = traces(gen, count=200, tool_use_rate=1.0, max_tool_calls=3, failure_rate=0.0)
    counts = Counter(sum(s["type"] == "tool_call" for s in t["steps"]) for t in busy)
    assert set(counts) == {1, 2, 3}


def test_the_task_names_what_the_first_tool_does(gen: DataGenerator) -> None:
    for trace in traces(gen, count=200, failure_rate=0.0):
        calls = [s for s in trace["steps"] if s["type"] == "tool_call"]
        if not calls:
            continue
        thought = trace["steps"][0]["content"]
        assert calls[0]["tool"] in thought
        query = calls[0]["arguments"].get("query")
        if calls[0]["tool"] == "web_search" and query:
            assert f"(query: {query})" in trace["task"]


@pytest.mark.parametrize(
    ("domain", "words"),
    [
        ("customer_support", ["order", "refund", "ticket", "warranty", "return", "Invoice"]),
        ("coding", ["`", "test", "build", "idiomatic", "fix"]),
        ("research", ["study", "paper", "evidence", "authors", "replication"]),
    ],
)
def test_final_answers_read_like_the_domain(
    gen: DataGenerator, domain: str, words: list[str]
) -> None:
    answers = [t["final_answer"] for t in traces(gen, count=200, domain=domain, failure_rate=0)]
    hits = sum(any(w in a for w in words) for a in answers)
    assert hits > 150, (domain, answers[:5])
    assert not any("lorem" in a.lower() for a in answers)


@pytest.mark.parametrize(
    ("constraints", "field"),
    [
        ({"failure_rate": 2}, "constraints.failure_rate"),
        ({"tool_use_rate": "often"}, "constraints.tool_use_rate"),
        ({"max_retries": 11}, "constraints.max_retries"),
        ({"max_tool_calls": 0}, "constraints.max_tool_calls"),
        ({"domain": "cooking"}, "constraints.domain"),
        ({"model": ""}, "constraints.model"),
    ],
)
def test_bad_agent_constraints_are_config_errors(
    gen: DataGenerator, constraints: dict[str, object], field: str
) -> None:
    with pytest.raises(ConfigError) as info:
        traces(gen, count=1, **constraints)
    assert info.value.field == field
    assert field in str(info.value)


def test_a_trace_is_the_same_alone_and_in_a_run(gen: DataGenerator) -> None:
    config = GeneratorConfig(
        data_type=DataType.agent_trace, count=50, seed=9, constraints={"failure_rate": 0.5}
    )
    full = gen.generate(config).samples
    alone = gen.generate(config.model_copy(update={"count": 1}), start=37).samples
    assert alone == [full[37]]
