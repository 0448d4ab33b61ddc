"""``ferrosynth.mock``: every provider dialect, determinism, tools and structured output,
against a real server on a loopback port (stdlib HTTP client, no extra dependency)."""

from __future__ import annotations

import doctest
import http.client
import importlib
import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from ferrosynth.llm import estimate_request_tokens
from ferrosynth.mock import MockLLMServer

CHAT = "/v1/chat/completions"
WEATHER = {
    "type": "object",
    "properties": {
        "city": {"type": "string", "minLength": 2},
        "days": {"type": "integer", "minimum": 1, "maximum": 7},
        "unit": {"enum": ["celsius", "fahrenheit"]},
        "hours": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 23}},
        "place": {
            "type": "object",
            "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}},
            "required": ["lat", "lon"],
            "additionalProperties": False,
        },
    },
    "required": ["city", "days", "unit", "place"],
    "additionalProperties": False,
}
SEARCH = {
    "type": "object",
    "properties": {"query": {"type": "string", "pattern": "^[a-z]{3,8}$"}},
    "required": ["query"],
}
TOOLS = [
    {"type": "function", "function": {"name": "get_weather", "parameters": WEATHER}},
    {"type": "function", "function": {"name": "search", "parameters": SEARCH}},
]


class Client:
    """A keep-alive HTTP/1.1 client on one connection (http.client)."""

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        host, port = base_url.removeprefix("http://").rsplit(":", 1)
        self.conn = http.client.HTTPConnection(host, int(port), timeout=timeout)

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        raw = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        self.conn.request(method, path, body=raw, headers=all_headers)
        response = self.conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def post(self, path: str, body: Any, **headers: str) -> Any:
        status, _, data = self.request("POST", path, body, headers)
        assert status == 200, data
        return json.loads(data)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@pytest.fixture(scope="module")
def srv() -> Iterator[MockLLMServer]:
    with MockLLMServer(seed=7) as server:
        yield server


@pytest.fixture
def client(srv: MockLLMServer) -> Iterator[Client]:
    c = Client(srv.base_url)
    yield c
    c.close()


def chat(content: str = "Hello there", **extra: Any) -> dict[str, Any]:
    return {"model": "mock-gpt", "messages": [{"role": "user", "content": content}], **extra}


def sse_events(data: bytes) -> list[str]:
    events = [e for e in data.decode().split("\n\n") if e]
    assert all(e.startswith("data: ") for e in events), events[:3]
    return [e[len("data: ") :] for e in events]


# -- OpenAI -------------------------------------------------------------------------------------


def test_openai_text_answer_has_the_chat_completion_shape(client: Client) -> None:
    body = chat(max_tokens=200)
    answer = client.post(CHAT, body)
    assert answer["object"] == "chat.completion"
    assert answer["id"].startswith("chatcmpl-")
    assert answer["model"] == "mock-gpt"
    (choice,) = answer["choices"]
    assert choice["index"] == 0
    assert choice["finish_reason"] == "stop"
    assert choice["message"]["role"] == "assistant"
    assert isinstance(choice["message"]["content"], str)
    assert len(choice["message"]["content"].split()) >= 2
    usage = answer["usage"]
    assert usage["prompt_tokens"] == estimate_request_tokens(body)
    assert usage["completion_tokens"] > 0
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


def test_prompt_tokens_are_the_estimate_of_the_whole_request(client: Client) -> None:
    tools = [{**TOOLS[0], "function": {**TOOLS[0]["function"], "description": "Weather " * 20}}]
    body = chat("with tools", tools=tools, tool_choice="none")
    answer = client.post(CHAT, body)
    assert answer["usage"]["prompt_tokens"] == estimate_request_tokens(body)
    assert answer["usage"]["prompt_tokens"] > estimate_request_tokens(chat("with tools")) + 20


def test_answers_are_a_pure_function_of_seed_and_body(srv: MockLLMServer) -> None:
    body = chat("What is the capital of France?")
    reordered = dict(reversed(list(body.items())))
    with MockLLMServer(seed=7) as twin, MockLLMServer(seed=8) as other:
        a, b, c = Client(srv.base_url), Client(twin.base_url), Client(other.base_url)
        try:
            first = a.post(CHAT, body)
            assert a.post(CHAT, reordered) == first  # key order does not matter
            assert b.post(CHAT, body) == first  # another server, same seed
            assert c.post(CHAT, body) != first  # another seed
            assert a.post(CHAT, chat("What is the capital of Spain?")) != first
        finally:
            a.close(), b.close(), c.close()


def test_tool_call_arguments_validate_against_the_tool_parameters(client: Client) -> None:
    seen: set[str] = set()
    validators = {
        "get_weather": Draft202012Validator(WEATHER),
        "search": Draft202012Validator(SEARCH),
    }
    for i in range(40):
        answer = client.post(CHAT, chat(f"question {i}", tools=TOOLS))
        choice = answer["choices"][0]
        assert choice["finish_reason"] == "tool_calls"
        assert choice["message"]["content"] is None
        (call,) = choice["message"]["tool_calls"]
        assert call["type"] == "function"
        assert call["id"].startswith("call_")
        arguments = json.loads(call["function"]["arguments"])
        validators[call["function"]["name"]].validate(arguments)
        seen.add(call["function"]["name"])
    assert seen == {"get_weather", "search"}


def test_tool_choice_is_honoured(client: Client) -> None:
    named = {"type": "function", "function": {"name": "search"}}
    for i in range(5):
        answer = client.post(CHAT, chat(f"q{i}", tools=TOOLS, tool_choice=named))
        assert answer["choices"][0]["message"]["tool_calls"][0]["function"]["name"] == "search"
    answer = client.post(CHAT, chat(tools=TOOLS, tool_choice="none"))
    assert answer["choices"][0]["message"]["content"]
    assert "tool_calls" not in answer["choices"][0]["message"]
    status, _, data = client.request("POST", CHAT, chat(tool_choice=named))
    assert status == 400
    assert json.loads(data)["error"]["param"] == "tool_choice"


def test_after_a_tool_result_the_model_answers_in_text(client: Client) -> None:
    first = client.post(CHAT, chat(tools=TOOLS))
    call = first["choices"][0]["message"]["tool_calls"][0]
    follow_up = chat(tools=TOOLS)
    follow_up["messages"] += [
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": call["id"], "content": '{"temperature": 21}'},
    ]
    answer = client.post(CHAT, follow_up)
    assert answer["choices"][0]["finish_reason"] == "stop"
    assert answer["choices"][0]["message"]["content"]


def test_structured_output_is_valid_against_the_schema(client: Client) -> None:
    validator = Draft202012Validator(WEATHER)
    for i in range(20):
        response_format = {
            "type": "json_schema",
            "json_schema": {"name": "weather", "schema": WEATHER, "strict": True},
        }
        answer = client.post(CHAT, chat(f"weather {i}", response_format=response_format))
        validator.validate(json.loads(answer["choices"][0]["message"]["content"]))
    answer = client.post(CHAT, chat(response_format={"type": "json_object"}))
    assert isinstance(json.loads(answer["choices"][0]["message"]["content"]), dict)


def test_a_schema_that_cannot_be_generated_is_a_400(client: Client) -> None:
    bad = {"type": "integer", "minimum": 5, "maximum": 1}
    response_format = {"type": "json_schema", "json_schema": {"name": "x", "schema": bad}}
    status, _, data = client.request("POST", CHAT, chat(response_format=response_format))
    assert status == 400
    error = json.loads(data)["error"]
    assert error["type"] == "invalid_request_error"
    assert "schema" in error["message"]


def test_streaming_reassembles_to_the_same_answer(client: Client) -> None:
    body = chat("Tell me something", max_tokens=500)
    plain = client.post(CHAT, body)
    status, headers, data = client.request("POST", CHAT, {**body, "stream": True})
    assert status == 200
    assert headers["content-type"].startswith("text/event-stream")
    events = sse_events(data)
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert all(c["object"] == "chat.completion.chunk" and c["id"] == plain["id"] for c in chunks)
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)
    assert len(chunks) > 3
    assert text == plain["choices"][0]["message"]["content"]
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"


def test_streamed_tool_calls_and_usage(client: Client) -> None:
    body = chat("stream a tool call", tools=TOOLS, stream_options={"include_usage": True})
    plain = client.post(CHAT, body)
    status, _, data = client.request("POST", CHAT, {**body, "stream": True})
    assert status == 200
    chunks = [json.loads(e) for e in sse_events(data)[:-1]]
    arguments = "".join(
        d["function"].get("arguments", "")
        for c in chunks
        if c["choices"]
        for d in c["choices"][0]["delta"].get("tool_calls", [])
    )
    expected = plain["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"]
    assert arguments == expected
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"] == plain["usage"]


def test_max_tokens_cuts_the_answer(client: Client) -> None:
    long = client.post(CHAT, chat("cut me", max_tokens=1000))["choices"][0]["message"]["content"]
    short = client.post(CHAT, chat("cut me", max_tokens=2))
    assert short["choices"][0]["finish_reason"] == "length"
    assert short["usage"]["completion_tokens"] <= 2
    assert len(short["choices"][0]["message"]["content"]) < len(long)


def test_completion_tokens_are_the_estimate_of_the_text(srv: MockLLMServer) -> None:
    # the endpoint sums the estimator word by word; it must agree with the estimator
    from ferrosynth.llm import estimate_tokens

    with Client(srv.base_url) as c:
        for i in range(60):
            answer = c.post(CHAT, chat(f"count {i}", max_tokens=None if i % 2 else 3 + i % 9))
            content = answer["choices"][0]["message"]["content"]
            assert answer["usage"]["completion_tokens"] == estimate_tokens(content)


def test_n_gives_distinct_choices(client: Client) -> None:
    answer = client.post(CHAT, chat("several", n=3))
    texts = [c["message"]["content"] for c in answer["choices"]]
    assert [c["index"] for c in answer["choices"]] == [0, 1, 2]
    assert len(set(texts)) == 3


def test_models_and_health(client: Client) -> None:
    status, _, data = client.request("GET", "/v1/models")
    assert status == 200
    models = json.loads(data)
    assert models["object"] == "list"
    assert {"id", "object", "created", "owned_by"} <= models["data"][0].keys()
    status, _, data = client.request("GET", "/health")
    assert (status, json.loads(data)["status"]) == (200, "ok")
    status, _, data = client.request("GET", "/v1/models/my-model")
    assert (status, json.loads(data)["id"]) == (200, "my-model")
    status, _, data = client.request("GET", "/api/tags")
    assert status == 200
    assert {m["name"] for m in json.loads(data)["models"]} >= {"llama3.2"}


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"messages": [{"role": "user", "content": "x"}]}, "model"),
        ({"model": "m"}, "messages"),
        ({"model": "m", "messages": []}, "messages"),
        ({"model": "m", "messages": [{"content": "x"}]}, "messages[0].role"),
        ({"model": "m", "messages": [{"role": "user", "content": "x"}], "n": 0}, "n"),
    ],
)
def test_bad_openai_requests_are_400s_naming_the_parameter(
    client: Client, body: dict[str, Any], param: str
) -> None:
    status, _, data = client.request("POST", CHAT, body)
    assert status == 400
    error = json.loads(data)["error"]
    assert error["param"] == param
    assert error["type"] == "invalid_request_error"


def test_body_that_is_not_json_and_unknown_routes(client: Client) -> None:
    status, _, data = client.request("POST", CHAT, b"{not json")
    assert status == 400
    assert "not valid JSON" in json.loads(data)["error"]["message"]
    status, _, data = client.request("POST", "/v1/nothing", chat())
    assert status == 404
    assert "error" in json.loads(data)
    status, _, _ = client.request("GET", CHAT)
    assert status == 405


# -- Anthropic ----------------------------------------------------------------------------------


def anthropic_body(**extra: Any) -> dict[str, Any]:
    return {
        "model": "claude-sonnet-4-5",
        "max_tokens": 256,
        "system": "Be brief.",
        "messages": [{"role": "user", "content": "Hello"}],
        **extra,
    }


def test_anthropic_text_message(client: Client) -> None:
    answer = client.post("/v1/messages", anthropic_body())
    assert answer["type"] == "message"
    assert answer["role"] == "assistant"
    assert answer["id"].startswith("msg_")
    assert answer["stop_reason"] == "end_turn"
    (block,) = answer["content"]
    assert block["type"] == "text"
    assert block["text"]
    assert answer["usage"]["input_tokens"] > 0
    assert answer["usage"]["output_tokens"] > 0
    assert client.post("/v1/messages", anthropic_body()) == answer


def test_anthropic_tool_use_blocks_validate(client: Client) -> None:
    tools = [{"name": "get_weather", "description": "Weather", "input_schema": WEATHER}]
    validator = Draft202012Validator(WEATHER)
    for i in range(10):
        body = anthropic_body(tools=tools, tool_choice={"type": "any"})
        body["messages"] = [{"role": "user", "content": f"weather {i}"}]
        answer = client.post("/v1/messages", body)
        assert answer["stop_reason"] == "tool_use"
        (block,) = answer["content"]
        assert block["type"] == "tool_use"
        assert block["id"].startswith("toolu_")
        assert block["name"] == "get_weather"
        validator.validate(block["input"])
    # a tool result in the last user turn: the model answers in text
    body = anthropic_body(tools=tools)
    body["messages"] += [
        {"role": "assistant", "content": [block]},
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": block["id"], "content": "21C"}],
        },
    ]
    assert client.post("/v1/messages", body)["content"][0]["type"] == "text"


def test_anthropic_stream_reassembles(client: Client) -> None:
    body = anthropic_body()
    plain = client.post("/v1/messages", body)
    status, headers, data = client.request("POST", "/v1/messages", {**body, "stream": True})
    assert status == 200
    assert headers["content-type"].startswith("text/event-stream")
    events = []
    for raw in data.decode().split("\n\n"):
        if raw:
            name_line, data_line = raw.split("\n")
            events.append((name_line.removeprefix("event: "), json.loads(data_line[6:])))
    names = [name for name, _ in events]
    assert names[0] == "message_start"
    assert names[-2:] == ["message_delta", "message_stop"]
    text = "".join(e["delta"]["text"] for n, e in events if n == "content_block_delta")
    assert text == plain["content"][0]["text"]


def test_anthropic_errors_have_anthropic_shape(client: Client) -> None:
    body = anthropic_body()
    del body["max_tokens"]
    status, _, data = client.request("POST", "/v1/messages", body)
    assert status == 400
    error = json.loads(data)
    assert error["type"] == "error"
    assert error["error"]["type"] == "invalid_request_error"
    assert "max_tokens" in error["error"]["message"]


# -- Gemini -------------------------------------------------------------------------------------

GEMINI = "/v1beta/models/gemini-2.5-flash:generateContent"


def gemini_body(**extra: Any) -> dict[str, Any]:
    return {"contents": [{"role": "user", "parts": [{"text": "Hello"}]}], **extra}


def test_gemini_text(client: Client) -> None:
    answer = client.post(GEMINI, gemini_body())
    (candidate,) = answer["candidates"]
    assert candidate["content"]["role"] == "model"
    assert candidate["content"]["parts"][0]["text"]
    assert candidate["finishReason"] == "STOP"
    usage = answer["usageMetadata"]
    assert usage["totalTokenCount"] == usage["promptTokenCount"] + usage["candidatesTokenCount"]
    assert answer["modelVersion"] == "gemini-2.5-flash"


def test_gemini_function_call_and_response_schema(client: Client) -> None:
    tools = [{"functionDeclarations": [{"name": "get_weather", "parameters": WEATHER}]}]
    config = {"functionCallingConfig": {"mode": "ANY"}}
    answer = client.post(GEMINI, gemini_body(tools=tools, toolConfig=config))
    call = answer["candidates"][0]["content"]["parts"][0]["functionCall"]
    assert call["name"] == "get_weather"
    Draft202012Validator(WEATHER).validate(call["args"])
    # Gemini's OpenAPI-style schema spells types in capitals
    schema = {
        "type": "OBJECT",
        "properties": {"name": {"type": "STRING"}, "age": {"type": "INTEGER", "minimum": 0}},
        "required": ["name", "age"],
    }
    generation = {"responseMimeType": "application/json", "responseSchema": schema}
    answer = client.post(GEMINI, gemini_body(generationConfig=generation))
    value = json.loads(answer["candidates"][0]["content"]["parts"][0]["text"])
    assert isinstance(value["name"], str)
    assert isinstance(value["age"], int)
    assert value["age"] >= 0


def test_gemini_stream_and_errors(client: Client) -> None:
    plain = client.post(GEMINI, gemini_body())
    stream_path = GEMINI.replace(":generateContent", ":streamGenerateContent") + "?alt=sse"
    status, _, data = client.request("POST", stream_path, gemini_body())
    assert status == 200
    pieces = [json.loads(e) for e in sse_events(data)]
    text = "".join(p["candidates"][0]["content"]["parts"][0]["text"] for p in pieces)
    assert text == plain["candidates"][0]["content"]["parts"][0]["text"]
    status, _, data = client.request("POST", GEMINI, {"contents": []})
    assert status == 400
    assert json.loads(data)["error"]["status"] == "INVALID_ARGUMENT"


# -- Ollama -------------------------------------------------------------------------------------


def test_ollama_chat_text_tools_and_format(client: Client) -> None:
    body = {"model": "llama3.2", "messages": [{"role": "user", "content": "Hi"}], "stream": False}
    answer = client.post("/api/chat", body)
    assert answer["done"] is True
    assert answer["message"]["role"] == "assistant"
    assert answer["message"]["content"]
    assert answer["prompt_eval_count"] > 0
    assert answer["eval_count"] > 0
    answer = client.post("/api/chat", {**body, "tools": TOOLS[:1]})
    (call,) = answer["message"]["tool_calls"]
    Draft202012Validator(WEATHER).validate(call["function"]["arguments"])
    answer = client.post("/api/chat", {**body, "format": WEATHER})
    Draft202012Validator(WEATHER).validate(json.loads(answer["message"]["content"]))


def test_ollama_streams_ndjson_by_default(client: Client) -> None:
    body = {"model": "llama3.2", "messages": [{"role": "user", "content": "Hi"}]}
    plain = client.post("/api/chat", {**body, "stream": False})
    status, headers, data = client.request("POST", "/api/chat", body)
    assert status == 200
    assert headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in data.decode().splitlines()]
    assert [line["done"] for line in lines] == [False] * (len(lines) - 1) + [True]
    assert "".join(line["message"]["content"] for line in lines) == plain["message"]["content"]
    status, _, data = client.request("POST", "/api/chat", {"messages": []})
    assert status == 400
    assert json.loads(data) == {"error": "model is required"}


# -- transport and bookkeeping ------------------------------------------------------------------


def test_request_log_counts_every_request() -> None:
    with MockLLMServer(seed=1) as server:
        c = Client(server.base_url)
        body = chat("count me")
        c.post(CHAT, body)
        c.post(CHAT, body)
        c.request("GET", "/v1/models")
        c.close()
        assert server.request_count == 3
        assert server.bodies(CHAT) == [body, body]
        assert [r.status for r in server.requests] == [200, 200, 200]
        server.reset()
        assert server.request_count == 0
        assert server.requests == []


def test_pipelined_requests_are_answered_in_order(srv: MockLLMServer) -> None:
    bodies = [json.dumps(chat(f"pipelined {i}")).encode() for i in range(3)]
    raw = b"".join(
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(b), b)
        for b in bodies
    )
    expected = []
    c = Client(srv.base_url)
    for i in range(3):
        expected.append(c.post(CHAT, chat(f"pipelined {i}"))["id"])
    c.close()
    with socket.create_connection((srv.host, srv.port), timeout=10) as sock:
        sock.sendall(raw)
        received = b""
        while received.count(b"chatcmpl-") < 3:
            chunk = sock.recv(65536)
            assert chunk
            received += chunk
    ids = [part.split(b'"', 1)[0].decode() for part in received.split(b'"id":"')[1:]]
    assert ids == expected


def test_chunked_request_bodies_are_read(srv: MockLLMServer) -> None:
    body = json.dumps(chat("chunked")).encode()
    c = Client(srv.base_url)
    expected = c.post(CHAT, chat("chunked"))
    c.conn.putrequest("POST", CHAT)
    c.conn.putheader("Content-Type", "application/json")
    c.conn.putheader("Transfer-Encoding", "chunked")
    c.conn.endheaders()
    for part in (body[:10], body[10:]):
        c.conn.send(b"%x\r\n%s\r\n" % (len(part), part))
    c.conn.send(b"0\r\n\r\n")
    response = c.conn.getresponse()
    assert response.status == 200
    assert json.loads(response.read()) == expected
    c.close()


@pytest.mark.parametrize(
    "name", ["ferrosynth.mock", "ferrosynth.mock.server", "ferrosynth.mock.answers"]
)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_expect_100_continue_and_malformed_requests(srv: MockLLMServer) -> None:
    body = json.dumps(chat("expect")).encode()
    with socket.create_connection((srv.host, srv.port), timeout=10) as sock:
        sock.sendall(
            b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
        )
        assert sock.recv(1024) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        received = b""
        while b"chat.completion" not in received:
            chunk = sock.recv(65536)
            assert chunk
            received += chunk
        assert received.startswith(b"HTTP/1.1 200 OK\r\n")
    with socket.create_connection((srv.host, srv.port), timeout=10) as sock:
        sock.sendall(b"NONSENSE\r\n\r\n")
        reply = sock.recv(65536)
        assert reply.startswith(b"HTTP/1.1 400 Bad Request\r\n")
        assert sock.recv(65536) == b""  # and the connection is closed


def test_anthropic_streamed_tool_use_reassembles(client: Client) -> None:
    tools = [{"name": "get_weather", "input_schema": WEATHER}]
    body = anthropic_body(tools=tools, tool_choice={"type": "tool", "name": "get_weather"})
    plain = client.post("/v1/messages", body)
    status, _, data = client.request("POST", "/v1/messages", {**body, "stream": True})
    assert status == 200
    events = [json.loads(raw.split("\n")[1][6:]) for raw in data.decode().split("\n\n") if raw]
    start = next(e for e in events if e["type"] == "content_block_start")
    assert start["content_block"]["type"] == "tool_use"
    assert start["content_block"]["id"] == plain["content"][0]["id"]
    partial = "".join(
        e["delta"]["partial_json"] for e in events if e["type"] == "content_block_delta"
    )
    assert json.loads(partial) == plain["content"][0]["input"]
    assert events[-2]["delta"]["stop_reason"] == "tool_use"


def test_gemini_stream_without_sse_is_one_json_array(client: Client) -> None:
    plain = client.post(GEMINI, gemini_body())
    path = GEMINI.replace(":generateContent", ":streamGenerateContent")
    status, _, data = client.request("POST", path, gemini_body())
    assert status == 200
    pieces = json.loads(data)
    assert isinstance(pieces, list)
    text = "".join(p["candidates"][0]["content"]["parts"][0]["text"] for p in pieces)
    assert text == plain["candidates"][0]["content"]["parts"][0]["text"]


def test_connection_close_ends_the_connection_after_its_answer() -> None:
    body = json.dumps(chat("close")).encode()
    one = (
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n" % len(body)
    )
    with MockLLMServer() as srv, socket.create_connection((srv.host, srv.port), timeout=10) as sock:
        # two pipelined requests, the first asking to close: one answer, then end of stream
        sock.sendall(one + b"Connection: close\r\n\r\n" + body + one + b"\r\n" + body)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
        assert srv.request_count == 1  # the second request was not read, let alone answered
    assert received.count(b"HTTP/1.1 200 OK") == 1
    assert b"connection: close\r\n" in received
