"""Every provider round-trips text, tools and structured output against ``ferrosynth mock-llm``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import jsonschema
import pytest

from ferrosynth.llm import (
    AdaptiveLimiter,
    RateLimitError,
    RetryPolicy,
    Schema,
    complete_structured,
    make_provider,
)
from ferrosynth.mock import MockLLMServer

KINDS = ["openai", "anthropic", "gemini", "ollama"]
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city", "unit"],
            "additionalProperties": False,
        },
    },
}
PERSON = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "age": {"type": "integer", "minimum": 0, "maximum": 120},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
    },
    "required": ["name", "age", "tags"],
    "additionalProperties": False,
}
USER = [{"role": "user", "content": "Tell me something."}]


@pytest.fixture(scope="module")
def mock() -> Iterator[MockLLMServer]:
    with MockLLMServer(seed=7) as srv:
        yield srv


def provider(kind: str, srv: MockLLMServer, **kwargs: object):  # type: ignore[no-untyped-def]
    base = srv.base_url + ("/v1" if kind == "openai" else "")
    kwargs.setdefault("retry", RetryPolicy(max_retries=0))
    return make_provider(
        kind,  # type: ignore[arg-type]
        base_url=base,
        api_key="test-key",
        model=f"mock-{kind}",
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("kind", KINDS)
def test_text(kind: str, mock: MockLLMServer) -> None:
    with provider(kind, mock) as p:
        first = p.complete({"messages": USER, "max_tokens": 64})
        again = p.complete({"messages": USER, "max_tokens": 64})
    assert isinstance(first.content, str)
    assert first.content
    assert first.content == again.content  # a pure function of (seed, body)
    assert first.tool_calls == []
    assert first.input_tokens > 0
    assert first.output_tokens > 0
    assert first.finish_reason in ("stop", "length")
    out = first.to_openai()
    assert out["object"] == "chat.completion"
    assert out["choices"][0]["message"]["content"] == first.content


@pytest.mark.parametrize("kind", KINDS)
def test_tools(kind: str, mock: MockLLMServer) -> None:
    body = {
        "messages": [{"role": "user", "content": "Weather in Paris?"}],
        "tools": [WEATHER],
        "tool_choice": "required",
    }
    with provider(kind, mock) as p:
        response = p.complete(body)
    assert response.finish_reason == "tool_calls"
    assert len(response.tool_calls) >= 1
    call = response.tool_calls[0]
    assert call["type"] == "function"
    assert call["id"]
    assert call["function"]["name"] == "get_weather"
    arguments = json.loads(call["function"]["arguments"])
    jsonschema.validate(arguments, WEATHER["function"]["parameters"])


@pytest.mark.parametrize("kind", KINDS)
def test_structured_output(kind: str, mock: MockLLMServer) -> None:
    with provider(kind, mock) as p:
        result = complete_structured(p, {"messages": USER}, Schema(PERSON, name="person"))
    assert result.attempts == 1
    jsonschema.validate(result.value, PERSON)
    assert json.loads(result.response.content or "") == result.value


@pytest.mark.parametrize("kind", KINDS)
def test_a_tool_conversation_maps_back(kind: str, mock: MockLLMServer) -> None:
    with provider(kind, mock) as p:
        first = p.complete(
            {
                "messages": [{"role": "user", "content": "Weather in Oslo?"}],
                "tools": [WEATHER],
                "tool_choice": "required",
            }
        )
        follow = p.complete(
            {
                "messages": [
                    {"role": "system", "content": "Be brief."},
                    {"role": "user", "content": "Weather in Oslo?"},
                    {"role": "assistant", "content": None, "tool_calls": first.tool_calls[:1]},
                    {
                        "role": "tool",
                        "tool_call_id": first.tool_calls[0]["id"],
                        "content": '{"temp": 3}',
                    },
                ],
                "tools": [WEATHER],
                "tool_choice": "none",
            }
        )
    assert isinstance(follow.content, str)
    assert follow.content
    assert follow.tool_calls == []


def test_retries_and_the_limiter_against_the_mock_rate_limit() -> None:
    with MockLLMServer(seed=1, rate_limit=200, rate_limit_burst=4, retry_after_s=0.01) as srv:

        async def main() -> tuple[int, int]:
            limiter = AdaptiveLimiter(initial=32, max_limit=32)
            p = provider("openai", srv, limiter=limiter)
            p.retry = RetryPolicy(max_retries=50, base_delay=0.005, max_delay=0.05)
            async with p:
                results = await asyncio.gather(
                    *(
                        p.acomplete({"messages": [{"role": "user", "content": f"n{i}"}]})
                        for i in range(60)
                    )
                )
            assert all(r.content for r in results)
            return limiter.limit, p.requests_sent

        limit, sent = asyncio.run(main())
    assert sent > 60  # some answers were 429 and retried
    assert limit < 32  # and the limiter backed off


def test_always_rate_limited_surfaces_the_mock_retry_after() -> None:
    with MockLLMServer(seed=1, error_rate=1.0, error_kinds=["429"], retry_after_s=0.02) as srv:
        p = provider("openai", srv, retry=RetryPolicy(max_retries=2, base_delay=0.001))
        with p, pytest.raises(RateLimitError) as info:
            p.complete({"messages": USER})
        assert srv.request_count == 3
    assert info.value.retry_after == pytest.approx(0.02)
