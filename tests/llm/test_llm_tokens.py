"""The offline token estimator: deterministic, shape-aware, and counting every request part."""

from __future__ import annotations

import subprocess
import sys

from ferrosynth.llm import estimate_request_tokens, estimate_tokens

PROSE = (
    "The quick brown fox jumps over the lazy dog. Synthetic data lets teams test their "
    "pipelines before real users arrive, and it never leaks anyone's secrets."
)


def test_known_small_strings() -> None:
    # These equal cl100k's counts for the same strings.
    assert estimate_tokens("Hello, world!") == 4
    assert estimate_tokens("The quick brown fox jumps over the lazy dog.") == 10
    assert estimate_tokens("") == 0


def test_prose_is_about_four_characters_per_token() -> None:
    ratio = len(PROSE) / estimate_tokens(PROSE)
    assert 3.5 <= ratio <= 5.0


def test_cjk_costs_a_token_per_character_and_long_text_is_additive() -> None:
    assert estimate_tokens("你好世界") == 4
    long = PROSE * 100  # beyond the cache's length limit
    assert estimate_tokens(long) >= 100 * estimate_tokens(PROSE) - 100


def test_digits_are_split_in_groups_of_three() -> None:
    assert estimate_tokens("123") == 1
    assert estimate_tokens("1234567") == 3


def test_estimate_is_the_same_in_another_process() -> None:
    code = "from ferrosynth.llm import estimate_tokens as e; print(e(" + repr(PROSE) + "))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout) == estimate_tokens(PROSE)


def test_request_counts_messages_names_tools_and_schema() -> None:
    base = {"model": "m", "messages": [{"role": "user", "content": PROSE}]}
    plain = estimate_request_tokens(base)
    assert plain == 3 + 3 + 1 + estimate_tokens(PROSE)
    named = {"model": "m", "messages": [{"role": "user", "content": PROSE, "name": "ann"}]}
    assert estimate_request_tokens(named) == plain + 1 + estimate_tokens("ann")
    tool = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather for a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
    with_tools = estimate_request_tokens({**base, "tools": [tool]})
    assert with_tools > plain + 15
    two_tools = estimate_request_tokens({**base, "tools": [tool, tool]})
    assert two_tools - with_tools == with_tools - plain - 12  # 12: the tools block's overhead
    schema = {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}}
    assert estimate_request_tokens({**base, "response_format": schema}) > plain + 10


def test_content_parts_tool_calls_and_images() -> None:
    parts = {
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is this?"},
                    {"type": "image_url", "image_url": {"url": "x", "detail": "low"}},
                ],
            },
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "c1",
                        "type": "function",
                        "function": {"name": "look", "arguments": '{"q": "cat"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "c1", "content": "a cat"},
        ]
    }
    total = estimate_request_tokens(parts)
    assert total > 85 + estimate_tokens("What is this?")
    assert estimate_request_tokens({"messages": []}) == 3
