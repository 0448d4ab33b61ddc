"""Failures on a scripted loopback server: what is retried, how often, and what is raised."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from ferrosynth.llm import (
    AdaptiveLimiter,
    AuthenticationError,
    InvalidResponseError,
    OpenAIProvider,
    ProviderConnectionError,
    ProviderError,
    ProviderTimeoutError,
    RateLimitError,
    RetryPolicy,
    make_provider,
)
from tests.llm.scripted import Reply, openai_answer, scripted

PATH = "/v1/chat/completions"
BODY = {"model": "gpt-test", "messages": [{"role": "user", "content": "Hi"}]}
FAST = RetryPolicy(max_retries=5, base_delay=0.001, max_delay=0.01)
LIMITED = Reply(429, {"error": {"message": "Rate limit reached"}}, {"retry-after-ms": "5"})


def provider(base_url: str, **kwargs: object) -> OpenAIProvider:
    kwargs.setdefault("retry", FAST)
    return OpenAIProvider(base_url=base_url + "/v1", api_key="sk-secret-123", **kwargs)  # type: ignore[arg-type]


def test_three_429s_then_200_succeeds_after_exactly_four_requests() -> None:
    with scripted({PATH: [LIMITED, LIMITED, LIMITED, Reply(200, openai_answer("ok"))]}) as srv:
        with provider(srv.base_url) as p:
            response = p.complete(BODY)
        assert response.content == "ok"
        assert (response.input_tokens, response.output_tokens) == (9, 3)
        assert srv.count(PATH) == 4
        assert p.requests_sent == 4


def test_always_429_raises_rate_limit_error_after_the_bounded_retries() -> None:
    with scripted({PATH: [LIMITED]}) as srv:
        p = provider(srv.base_url, retry=RetryPolicy(max_retries=3, base_delay=0.001))
        with p, pytest.raises(RateLimitError) as info:
            p.complete(BODY)
        assert srv.count(PATH) == 4  # the first attempt and 3 retries
    error = info.value
    assert (error.status_code, error.retry_after) == (429, 0.005)
    assert (error.provider, error.model) == ("openai", "gpt-test")
    assert error.url == srv.base_url + PATH
    assert "Rate limit reached" in str(error)


def test_retry_after_seconds_is_honoured() -> None:
    slow = Reply(429, {"error": {"message": "slow"}}, {"retry-after": "0.2"})
    with scripted({PATH: [slow, Reply(200, openai_answer())]}) as srv:
        p = provider(srv.base_url, retry=RetryPolicy(base_delay=0.0, max_delay=0.0))
        with p:
            start = time.monotonic()
            p.complete(BODY)
            waited = time.monotonic() - start
    assert waited >= 0.2  # a lower bound: the header made the client wait


def test_401_fails_at_once_with_exactly_one_request_and_no_key_in_the_error() -> None:
    denied = Reply(401, {"error": {"message": "Incorrect API key provided: sk-secr***123"}})
    with scripted({PATH: [denied, Reply(200, openai_answer())]}) as srv:
        with provider(srv.base_url) as p, pytest.raises(AuthenticationError) as info:
            p.complete(BODY)
        assert srv.count(PATH) == 1
        assert srv.seen[0].headers["Authorization"] == "Bearer sk-secret-123"
    assert info.value.status_code == 401
    assert "sk-secret-123" not in str(info.value)
    assert "sk-secret-123" not in repr(p)


@pytest.mark.parametrize("status", [400, 403, 404, 422])
def test_other_4xx_fail_at_once(status: int) -> None:
    with scripted({PATH: [Reply(status, {"error": {"message": "bad"}})]}) as srv:
        with provider(srv.base_url) as p, pytest.raises(ProviderError) as info:
            p.complete(BODY)
        assert srv.count(PATH) == 1
    assert info.value.status_code == status
    assert not isinstance(info.value, RateLimitError)


def test_5xx_is_retried() -> None:
    with scripted({PATH: [Reply(500, {}), Reply(503, {}), Reply(200, openai_answer())]}) as srv:
        with provider(srv.base_url) as p:
            assert p.complete(BODY).content == "Hello!"
        assert srv.count(PATH) == 3


def test_a_response_slower_than_the_timeout_raises_timeout_error() -> None:
    with scripted({PATH: [Reply(200, openai_answer(), delay=0.6)]}) as srv:
        p = provider(srv.base_url, retry=RetryPolicy(max_retries=1, base_delay=0.001))
        with p, pytest.raises(ProviderTimeoutError) as info:
            p.complete(BODY, timeout=0.1)
        assert srv.count(PATH) == 2
    assert isinstance(info.value, TimeoutError)
    assert info.value.status_code is None


def test_malformed_json_raises_invalid_response_error() -> None:
    with scripted({PATH: [Reply(200, b'{"id": "x", "choices": [')]}) as srv:
        p = provider(srv.base_url, retry=RetryPolicy(max_retries=0))
        with p, pytest.raises(InvalidResponseError) as info:
            p.complete(BODY)
        assert srv.count(PATH) == 1
    assert info.value.status_code == 200
    assert info.value.body == '{"id": "x", "choices": ['


def test_unexpected_shape_raises_invalid_response_error_and_is_retried() -> None:
    with scripted({PATH: [Reply(200, {"id": "x"}), Reply(200, openai_answer("fine"))]}) as srv:
        with provider(srv.base_url) as p:
            assert p.complete(BODY).content == "fine"
        assert srv.count(PATH) == 2


def test_connection_refused_raises_connection_error() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    p = OpenAIProvider(
        base_url=f"http://127.0.0.1:{port}/v1", retry=RetryPolicy(max_retries=2, base_delay=0.001)
    )
    with p, pytest.raises(ProviderConnectionError) as info:
        p.complete(BODY)
    assert p.requests_sent == 3
    assert f"127.0.0.1:{port}" in str(info.value)


def test_the_limiter_bounds_requests_in_flight_at_the_server() -> None:
    with scripted({PATH: [Reply(200, openai_answer(), delay=0.05)]}) as srv:

        async def main() -> None:
            limiter = AdaptiveLimiter(initial=4, max_limit=4)
            async with provider(srv.base_url, limiter=limiter) as p:
                await asyncio.gather(*(p.acomplete(BODY) for _ in range(24)))
            assert limiter.peak_in_flight == 4

        asyncio.run(main())
        assert srv.count(PATH) == 24
        assert srv.peak_in_flight == 4


def test_max_connections_bounds_requests_in_flight_at_the_server() -> None:
    with scripted({PATH: [Reply(200, openai_answer(), delay=0.05)]}) as srv:

        async def main() -> None:
            async with provider(srv.base_url, max_connections=3) as p:
                await asyncio.gather(*(p.acomplete(BODY) for _ in range(12)))

        asyncio.run(main())
        assert srv.peak_in_flight == 3


def test_429s_cut_the_adaptive_limit() -> None:
    script = [LIMITED] * 8 + [Reply(200, openai_answer(), delay=0.01)]
    with scripted({PATH: script}) as srv:

        async def main() -> int:
            limiter = AdaptiveLimiter(initial=8, max_limit=8)
            async with provider(srv.base_url, limiter=limiter) as p:
                await asyncio.gather(*(p.acomplete(BODY) for _ in range(8)))
            return limiter.limit

        assert asyncio.run(main()) < 8


def test_official_endpoint_without_a_key_fails_before_any_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    for kind in ("openai", "anthropic", "gemini"):
        with pytest.raises(AuthenticationError, match="no API key"):
            make_provider(kind)  # type: ignore[arg-type]
    make_provider("ollama")  # no key needed
    make_provider("openai", base_url="http://127.0.0.1:1/v1")  # a local server needs none


def test_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    with scripted({PATH: [Reply(200, openai_answer())]}) as srv:
        with OpenAIProvider(base_url=srv.base_url + "/v1", model="gpt-test") as p:
            p.complete({"messages": [{"role": "user", "content": "Hi"}]})
        assert srv.seen[0].headers["Authorization"] == "Bearer sk-from-env"
        assert srv.seen[0].body["model"] == "gpt-test"


def test_no_model_anywhere_is_an_error() -> None:
    p = OpenAIProvider(base_url="http://127.0.0.1:1/v1")
    with pytest.raises(ValueError, match="no model"):
        p.complete({"messages": []})
    p.close()


def test_a_key_echoed_by_the_server_is_blanked_in_the_error() -> None:
    echo = Reply(400, {"error": {"message": "bad key sk-secret-123 in Bearer sk-secret-123"}})
    with scripted({PATH: [echo]}) as srv:
        p = provider(srv.base_url)
        with p, pytest.raises(ProviderError) as info:
            p.complete(BODY)
    error = info.value
    assert "sk-secret-123" not in str(error)
    assert "sk-secret-123" not in (error.body or "")
    assert "bad key *** in Bearer ***" in str(error)
