"""Each provider maps the OpenAI body to its API and its answer back (scripted loopback server)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from ferrosynth.llm import (
    AnthropicProvider,
    GeminiProvider,
    LLMResponse,
    OllamaProvider,
    OpenAIProvider,
    RetryPolicy,
    make_provider,
)
from tests.llm.scripted import Reply, openai_answer, scripted

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}
SCHEMA = {
    "type": "json_schema",
    "json_schema": {
        "name": "person",
        "schema": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
            "required": ["name", "age"],
        },
    },
}
CONVERSATION: list[dict[str, Any]] = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Weather in Paris?"},
    {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
            }
        ],
    },
    {"role": "tool", "tool_call_id": "call_1", "content": '{"temp": 21}'},
]
NO_RETRY = RetryPolicy(max_retries=0)


def test_openai_sends_the_body_as_is_minus_stream_and_reads_tool_calls() -> None:
    call = {
        "id": "call_9",
        "type": "function",
        "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'},
    }
    answer = openai_answer(None, tool_calls=[call])  # type: ignore[arg-type]
    answer["choices"][0]["finish_reason"] = "tool_calls"
    body = {"model": "gpt-test", "messages": CONVERSATION, "tools": [WEATHER], "stream": True}
    with scripted({"/v1/chat/completions": [Reply(200, answer)]}) as srv:
        with OpenAIProvider(base_url=srv.base_url + "/v1", retry=NO_RETRY) as p:
            response = p.complete(body)
        sent = srv.seen[0].body
    assert "stream" not in sent
    assert sent["tools"] == [WEATHER]
    assert sent["messages"] == CONVERSATION
    assert response.tool_calls == [call]
    assert response.finish_reason == "tool_calls"
    assert response.to_openai() == answer


def test_anthropic_request_and_response_mapping() -> None:
    answer = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-test",
        "content": [
            {"type": "text", "text": "Checking."},
            {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Rome"}},
        ],
        "stop_reason": "tool_use",
        "usage": {"input_tokens": 20, "output_tokens": 7, "cache_read_input_tokens": 5},
    }
    body = {
        "model": "claude-test",
        "messages": CONVERSATION,
        "tools": [WEATHER],
        "tool_choice": "required",
        "stop": "END",
        "temperature": 0.2,
    }
    with scripted({"/v1/messages": [Reply(200, answer)]}) as srv:
        with AnthropicProvider(base_url=srv.base_url, api_key="ak-1", retry=NO_RETRY) as p:
            response = p.complete(body)
        seen = srv.seen[0]
    assert seen.headers["x-api-key"] == "ak-1"
    assert seen.headers["anthropic-version"] == "2023-06-01"
    sent = seen.body
    assert sent["system"] == "Be brief."
    assert sent["max_tokens"] == 4096
    assert sent["stop_sequences"] == ["END"]
    assert sent["tool_choice"] == {"type": "any"}
    assert sent["tools"] == [
        {
            "name": "get_weather",
            "description": "Weather for a city",
            "input_schema": WEATHER["function"]["parameters"],
        }
    ]
    assert [m["role"] for m in sent["messages"]] == ["user", "assistant", "user"]
    assert sent["messages"][1]["content"] == [
        {"type": "tool_use", "id": "call_1", "name": "get_weather", "input": {"city": "Paris"}}
    ]
    assert sent["messages"][2]["content"] == [
        {"type": "tool_result", "tool_use_id": "call_1", "content": '{"temp": 21}'}
    ]
    assert response.content == "Checking."
    assert response.tool_calls == [
        {
            "id": "toolu_1",
            "type": "function",
            "function": {"name": "get_weather", "arguments": '{"city": "Rome"}'},
        }
    ]
    assert response.finish_reason == "tool_calls"
    assert (response.input_tokens, response.output_tokens, response.cached_input_tokens) == (
        25,
        7,
        5,
    )
    openai = response.to_openai()
    assert openai["id"] == "msg_1"
    assert openai["choices"][0]["message"]["tool_calls"] == response.tool_calls


def test_anthropic_structured_output_is_a_forced_tool() -> None:
    answer = {
        "content": [
            {"type": "tool_use", "id": "t", "name": "person", "input": {"name": "Ada", "age": 36}}
        ],
        "stop_reason": "tool_use",
        "usage": {"input_tokens": 10, "output_tokens": 5},
    }
    with scripted({"/v1/messages": [Reply(200, answer)]}) as srv:
        with AnthropicProvider(base_url=srv.base_url, retry=NO_RETRY) as p:
            response = p.complete(
                {
                    "model": "c",
                    "messages": [{"role": "user", "content": "x"}],
                    "response_format": SCHEMA,
                }
            )
        sent = srv.seen[0].body
    assert sent["tool_choice"] == {"type": "tool", "name": "person"}
    assert sent["tools"][0]["input_schema"] == SCHEMA["json_schema"]["schema"]
    assert json.loads(response.content or "") == {"name": "Ada", "age": 36}
    assert response.tool_calls == []
    assert response.finish_reason == "stop"


def test_gemini_request_and_response_mapping() -> None:
    answer = {
        "candidates": [
            {
                "content": {
                    "role": "model",
                    "parts": [{"functionCall": {"name": "get_weather", "args": {"city": "Lima"}}}],
                },
                "finishReason": "STOP",
            }
        ],
        "usageMetadata": {"promptTokenCount": 30, "candidatesTokenCount": 4},
        "modelVersion": "gemini-test-001",
    }
    body = {
        "model": "gemini-test",
        "messages": CONVERSATION,
        "tools": [WEATHER],
        "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
        "max_tokens": 50,
        "response_format": SCHEMA,
    }
    path = "/v1beta/models/gemini-test:generateContent"
    with scripted({path: [Reply(200, answer)]}) as srv:
        with GeminiProvider(base_url=srv.base_url, api_key="gk-1", retry=NO_RETRY) as p:
            response = p.complete(body)
        seen = srv.seen[0]
    assert seen.path == path
    assert seen.headers["x-goog-api-key"] == "gk-1"
    assert "key=" not in srv.base_url + seen.path
    sent = seen.body
    assert sent["systemInstruction"] == {"parts": [{"text": "Be brief."}]}
    assert [c["role"] for c in sent["contents"]] == ["user", "model", "user"]
    assert sent["contents"][1]["parts"] == [
        {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}}
    ]
    assert sent["contents"][2]["parts"] == [
        {"functionResponse": {"name": "get_weather", "response": {"temp": 21}}}
    ]
    assert sent["tools"][0]["functionDeclarations"][0]["name"] == "get_weather"
    assert sent["toolConfig"] == {
        "functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["get_weather"]}
    }
    assert sent["generationConfig"]["maxOutputTokens"] == 50
    assert sent["generationConfig"]["responseMimeType"] == "application/json"
    assert sent["generationConfig"]["responseJsonSchema"] == SCHEMA["json_schema"]["schema"]
    assert response.tool_calls[0]["function"] == {
        "name": "get_weather",
        "arguments": '{"city": "Lima"}',
    }
    assert response.finish_reason == "tool_calls"
    assert response.model == "gemini-test-001"
    assert (response.input_tokens, response.output_tokens) == (30, 4)


def test_ollama_request_and_response_mapping() -> None:
    answer = {
        "model": "llama-test",
        "message": {
            "role": "assistant",
            "content": "",
            "tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "Kyiv"}}}],
        },
        "done": True,
        "done_reason": "stop",
        "prompt_eval_count": 14,
        "eval_count": 6,
    }
    body = {
        "model": "llama-test",
        "messages": CONVERSATION,
        "tools": [WEATHER],
        "response_format": SCHEMA,
        "max_tokens": 64,
        "temperature": 0,
    }
    with scripted({"/api/chat": [Reply(200, answer)]}) as srv:
        with OllamaProvider(base_url=srv.base_url, retry=NO_RETRY) as p:
            response = p.complete(body)
        sent = srv.seen[0].body
    assert sent["stream"] is False
    assert sent["format"] == SCHEMA["json_schema"]["schema"]
    assert sent["options"] == {"temperature": 0, "num_predict": 64}
    assert sent["messages"][2]["tool_calls"] == [
        {"function": {"name": "get_weather", "arguments": {"city": "Paris"}}}
    ]
    assert response.content is None
    assert response.tool_calls[0]["function"]["arguments"] == '{"city": "Kyiv"}'
    assert response.finish_reason == "tool_calls"
    assert (response.input_tokens, response.output_tokens) == (14, 6)


def test_to_openai_of_a_converted_answer_is_a_chat_completion() -> None:
    response = LLMResponse(content="x", model="m", finish_reason="stop", input_tokens=1)
    out = response.to_openai()
    assert out["object"] == "chat.completion"
    assert out["id"].startswith("chatcmpl-")
    assert out["id"] == LLMResponse(content="x", model="m").to_openai()["id"]  # stable


@pytest.mark.parametrize("kind", ["openai", "anthropic", "gemini", "ollama"])
def test_one_provider_serves_the_sync_facade_and_its_callers_loop(kind: str) -> None:
    paths = {
        "openai": "/v1/chat/completions",
        "anthropic": "/v1/messages",
        "gemini": "/v1beta/models/m:generateContent",
        "ollama": "/api/chat",
    }
    answers = {
        "openai": openai_answer("hi"),
        "anthropic": {"content": [{"type": "text", "text": "hi"}], "usage": {}},
        "gemini": {"candidates": [{"content": {"parts": [{"text": "hi"}]}}]},
        "ollama": {"message": {"content": "hi"}},
    }
    with scripted({paths[kind]: [Reply(200, answers[kind])]}) as srv:
        base = srv.base_url + ("/v1" if kind == "openai" else "")
        p = make_provider(kind, base_url=base, api_key="k", model="m")  # type: ignore[arg-type]
        body = {"messages": [{"role": "user", "content": "hello"}]}
        assert p.complete(body).content == "hi"

        async def main() -> str | None:
            async with p:
                return (await p.acomplete(body)).content

        assert asyncio.run(main()) == "hi"
        p.close()
        assert srv.count() == 2
