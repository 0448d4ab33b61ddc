"""Fault injection of ``ferrosynth.mock``: injected errors in each provider's shape, timeouts,
malformed JSON, dropped connections, latency, the hard rate limit and the API key."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from typing import Any

import pytest

from ferrosynth.errors import ConfigError
from ferrosynth.mock import MockConfig, MockLLMServer
from ferrosynth.mock.faults import FaultPlan
from tests.test_mock_llm import CHAT, Client, anthropic_body, chat, gemini_body


def statuses(server: MockLLMServer, count: int) -> list[int]:
    c = Client(server.base_url)
    try:
        return [c.request("POST", CHAT, chat(f"q{i}"))[0] for i in range(count)]
    finally:
        c.close()


def test_injected_429_carries_retry_after_in_each_provider_shape() -> None:
    with MockLLMServer(error_rate=1.0, error_kinds=["429"], retry_after_s=0.25) as srv:
        c = Client(srv.base_url)
        status, headers, data = c.request("POST", CHAT, chat())
        assert status == 429
        assert headers["retry-after"] == "0.25"
        assert headers["retry-after-ms"] == "250"
        assert json.loads(data)["error"]["code"] == "rate_limit_exceeded"
        status, _, data = c.request("POST", "/v1/messages", anthropic_body())
        assert (status, json.loads(data)["error"]["type"]) == (429, "rate_limit_error")
        path = "/v1beta/models/g:generateContent"
        status, _, data = c.request("POST", path, gemini_body())
        assert (status, json.loads(data)["error"]["status"]) == (429, "RESOURCE_EXHAUSTED")
        status, _, data = c.request("POST", "/api/chat", {"model": "m", "messages": []})
        assert status == 429
        assert "error" in json.loads(data)
        c.close()


@pytest.mark.parametrize("kind", ["500", "503"])
def test_injected_server_errors(kind: str) -> None:
    with MockLLMServer(error_rate=1.0, error_kinds=[kind]) as srv:  # type: ignore[list-item]
        c = Client(srv.base_url)
        status, _, data = c.request("POST", CHAT, chat())
        assert status == int(kind)
        assert json.loads(data)["error"]["type"] == "server_error"
        status, _, data = c.request("POST", "/v1/messages", anthropic_body())
        assert status == int(kind)
        assert json.loads(data)["type"] == "error"
        # faults apply to the API, not to the model list
        assert c.request("GET", "/v1/models")[0] == 200
        c.close()


def test_malformed_json_is_a_200_that_does_not_parse() -> None:
    with MockLLMServer(error_rate=1.0, error_kinds=["malformed"]) as srv:
        c = Client(srv.base_url)
        status, headers, data = c.request("POST", CHAT, chat())
        assert status == 200
        assert headers["content-type"] == "application/json"
        assert data.startswith(b'{"id":"chatcmpl-')
        with pytest.raises(json.JSONDecodeError):
            json.loads(data)
        c.close()


def test_timeout_holds_the_request_without_an_answer() -> None:
    with MockLLMServer(error_rate=1.0, error_kinds=["timeout"], hang_s=30.0) as srv:
        c = Client(srv.base_url, timeout=0.3)
        with pytest.raises(TimeoutError):
            c.request("POST", CHAT, chat())
        c.close()
        assert srv.request_count == 1
    # stop() returned although a request was still held: the connection was closed


def test_disconnect_closes_without_an_answer() -> None:
    with MockLLMServer(error_rate=1.0, error_kinds=["disconnect"]) as srv:
        c = Client(srv.base_url)
        with pytest.raises(http.client.RemoteDisconnected):
            c.request("POST", CHAT, chat())
        c.close()


def test_error_rate_draws_a_seeded_share_of_faults() -> None:
    with MockLLMServer(seed=3, error_rate=0.3) as a, MockLLMServer(seed=3, error_rate=0.3) as b:
        first, second = statuses(a, 100), statuses(b, 100)
    assert first == second  # the same seed draws the same faults in the same order
    failures = sum(s != 200 for s in first)
    assert 10 <= failures <= 50
    assert set(first) == {200, 429, 500}


def test_latency_does_not_block_other_connections() -> None:
    # a minute of latency: the six requests can only all be in flight together if the delay is a
    # timer and not a blocked loop; stopping the server then drops them
    srv = MockLLMServer(latency_ms=60_000.0).start()
    errors: list[BaseException] = []

    def one(i: int) -> None:
        with Client(srv.base_url, timeout=120) as c:
            try:
                c.request("POST", CHAT, chat(f"slow {i}"))
            except (http.client.HTTPException, OSError) as error:
                errors.append(error)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while srv.app.in_flight < 6 and time.monotonic() < deadline:
        time.sleep(0.01)
    in_flight = srv.app.in_flight
    srv.stop()
    for t in threads:
        t.join()
    assert in_flight == 6
    assert srv.max_in_flight == 6
    assert len(errors) == 6  # nobody was answered: the latency had not passed


def test_hard_rate_limit_answers_429_with_retry_after() -> None:
    # one request per 10 s, no burst: the first passes, the next ones are refused
    with MockLLMServer(rate_limit=0.1, rate_limit_burst=1) as srv:
        c = Client(srv.base_url)
        codes = []
        for i in range(4):
            status, headers, _ = c.request("POST", CHAT, chat(f"r{i}"))
            codes.append(status)
            if status == 429:
                assert 0 < float(headers["retry-after"]) <= 10
                assert headers["x-ratelimit-remaining-requests"] == "0"
        c.close()
    assert codes == [200, 429, 429, 429]


def test_api_key_is_required_when_set() -> None:
    with MockLLMServer(api_key="sk-test") as srv:
        c = Client(srv.base_url)
        status, _, data = c.request("POST", CHAT, chat())
        assert status == 401
        assert "sk-test" not in data.decode()
        assert c.request("POST", CHAT, chat(), {"Authorization": "Bearer sk-test"})[0] == 200
        assert (
            c.request("POST", "/v1/messages", anthropic_body(), {"x-api-key": "sk-test"})[0] == 200
        )
        path = "/v1beta/models/g:generateContent"
        assert c.request("POST", path + "?key=sk-test", gemini_body())[0] == 200
        assert c.request("POST", CHAT, chat(), {"Authorization": "Bearer nope"})[0] == 401
        c.close()
    assert "sk-test" not in repr(srv.config)


def test_streamed_chunks_can_be_paced() -> None:
    with MockLLMServer(stream_chunk_delay_ms=5.0) as srv, MockLLMServer() as fast:
        body = {**chat("paced"), "stream": True}
        with Client(srv.base_url) as a, Client(fast.base_url) as b:
            paced = a.request("POST", CHAT, body)[2]
            unpaced = b.request("POST", CHAT, body)[2]
    assert paced == unpaced


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"error_rate": 1.5}, "error_rate"),
        ({"error_kinds": ("418",)}, "error_kinds"),
        ({"error_kinds": ()}, "error_kinds"),
        ({"latency_ms": -1}, "latency_ms"),
        ({"latency_distribution": "normal"}, "latency_distribution"),
        ({"rate_limit": 0}, "rate_limit"),
        ({"rate_limit_burst": 0}, "rate_limit_burst"),
    ],
)
def test_bad_settings_raise_config_errors(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigError) as info:
        MockConfig(**kwargs)
    assert info.value.field == field


def test_an_occupied_port_is_a_config_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ConfigError, match=f"cannot listen on 127.0.0.1:{port}"):
            MockLLMServer(port=port).start()


@pytest.mark.parametrize("distribution", ["fixed", "uniform", "exponential"])
def test_latency_distributions_have_the_configured_mean(distribution: str) -> None:
    config = MockConfig(seed=4, latency_ms=100.0, latency_distribution=distribution)  # type: ignore[arg-type]
    plan = FaultPlan(config)
    delays = [plan.next().delay for _ in range(20_000)]
    mean = sum(delays) / len(delays)
    assert 0.095 <= mean <= 0.105
    assert min(delays) >= 0.0
    if distribution == "fixed":
        assert set(delays) == {0.1}
    elif distribution == "uniform":
        assert max(delays) <= 0.2
    else:
        assert max(delays) > 0.5  # a long tail
    again = FaultPlan(config)
    assert [again.next().delay for _ in range(100)] == delays[:100]  # seeded


def test_injected_faults_script_the_next_requests() -> None:
    with MockLLMServer(retry_after_s=0.1, hang_s=0.5) as srv:
        srv.inject("429", "429", "429")
        assert statuses(srv, 5) == [429, 429, 429, 200, 200]
        srv.inject("500", None, "503", "malformed")
        with Client(srv.base_url) as c:
            results = [c.request("POST", CHAT, chat(f"s{i}")) for i in range(5)]
        assert [status for status, _, _ in results] == [500, 200, 503, 200, 200]
        with pytest.raises(json.JSONDecodeError):
            json.loads(results[3][2])
        srv.inject("timeout")
        with Client(srv.base_url, timeout=5) as c, pytest.raises(http.client.RemoteDisconnected):
            c.request("POST", CHAT, chat())  # held hang_s, then closed unanswered
        with pytest.raises(ConfigError, match="unknown fault kind '404'"):
            srv.inject("404")  # type: ignore[arg-type]
