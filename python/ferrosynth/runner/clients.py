"""How one request is sent: the fast path for OpenAI-compatible ``http://`` endpoints, or the
LLM layer's provider for everything else. Both end in an :class:`Outcome`.

Both follow the one :class:`~ferrosynth.llm.RetryPolicy` (what is retried, how long to wait,
``Retry-After``) and hold an :class:`~ferrosynth.llm.AdaptiveLimiter` slot per attempt, so a 429
or 503 cuts the concurrency of the whole run and successes grow it back.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import orjson

from ferrosynth.llm import (
    AdaptiveLimiter,
    AuthenticationError,
    InvalidResponseError,
    ProviderConnectionError,
    ProviderError,
    ProviderTimeoutError,
    RateLimitError,
    RetryPolicy,
)
from ferrosynth.runner.http import Endpoint, HttpConnection

if TYPE_CHECKING:
    from ferrosynth.llm import LLMProvider

__all__ = ["FastClient", "Outcome", "ProviderClient", "Transport", "error_code"]

Transport = Literal["auto", "fast", "provider"]
TRANSPORTS = ("auto", "fast", "provider")
OFFICIAL_OPENAI = "https://api.openai.com/v1"


@dataclass(slots=True)
class Outcome:
    """How a request ended: an answer (``body``) or an ``error``."""

    status: int | None
    body: bytes | dict[str, Any] | str | None
    input_tokens: int = 0
    output_tokens: int = 0
    error: ProviderError | None = None


def error_code(error: ProviderError) -> str:
    """A short code for an output line's ``error.code``."""
    if isinstance(error, RateLimitError):
        return "rate_limit"
    if isinstance(error, AuthenticationError):
        return "authentication"
    if isinstance(error, ProviderTimeoutError):
        return "timeout"
    if isinstance(error, ProviderConnectionError):
        return "connection"
    if isinstance(error, InvalidResponseError):
        return "invalid_response"
    return "http_error"


def _usage(data: Any) -> tuple[int, int]:
    usage = data.get("usage") if isinstance(data, dict) else None
    if not isinstance(usage, dict):
        return 0, 0
    return int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)


class FastClient:
    """OpenAI chat completions over :mod:`ferrosynth.runner.http`, one connection per worker."""

    kind = "openai"

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None,
        retry: RetryPolicy,
        timeout: float | None,
        limiter: AdaptiveLimiter,
        rng: random.Random,
    ) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else None
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.endpoint = Endpoint.parse(self.url, headers=headers)
        self.retry = retry
        self.timeout = timeout
        self.limiter = limiter
        self.rng = rng

    def connection(self) -> HttpConnection:
        return HttpConnection(self.endpoint)

    def _error(self, response_status: int, body: bytes, model: str | None) -> ProviderError:
        text = body[:500].decode("utf-8", "replace")
        url = self.url
        if response_status == 429:
            return RateLimitError(
                "rate limited", provider="openai", model=model, url=url, status_code=429, body=text
            )
        if response_status in (401, 403):
            return AuthenticationError(
                "not authorized",
                provider="openai",
                model=model,
                url=url,
                status_code=response_status,
            )
        return ProviderError(
            f"HTTP {response_status}",
            provider="openai",
            model=model,
            url=url,
            status_code=response_status,
            body=text,
        )

    async def send(self, conn: HttpConnection, body: bytes, model: str | None) -> Outcome:
        retry = 0
        while True:
            outcome, retry_after = await self._attempt(conn, body, model)
            error = outcome.error
            if error is None or not self.retry.should_retry(error, retry):
                return outcome
            await asyncio.sleep(self.retry.backoff(retry, retry_after=retry_after, rng=self.rng))
            retry += 1

    async def _attempt(
        self, conn: HttpConnection, body: bytes, model: str | None
    ) -> tuple[Outcome, float | None]:
        url = self.url
        slot = await self.limiter.acquire()
        try:
            try:
                response = await conn.post(body, timeout=self.timeout)
            except TimeoutError as exc:
                slot.failed()
                late = ProviderTimeoutError(str(exc), provider="openai", model=model, url=url)
                return Outcome(None, None, error=late), None
            except OSError as exc:
                slot.failed()
                message = str(exc) or type(exc).__name__
                error = ProviderConnectionError(message, provider="openai", model=model, url=url)
                return Outcome(None, None, error=error), None
            status, raw = response.status, response.body
            if status != 200:
                if status in (429, 503):
                    slot.overloaded()
                else:
                    slot.failed()
                failure = self._error(status, raw, model)
                return Outcome(status, _json_or_text(raw), error=failure), response.retry_after
            try:
                data = orjson.loads(raw)
                data["choices"][0]  # the shape check
            except (orjson.JSONDecodeError, KeyError, IndexError, TypeError):
                slot.failed()
                text = raw[:500].decode("utf-8", "replace")
                invalid = InvalidResponseError(
                    "the answer is not a chat.completion",
                    provider="openai",
                    model=model,
                    url=url,
                    status_code=200,
                    body=text,
                )
                return Outcome(200, None, error=invalid), None
            tokens_in, tokens_out = _usage(data)
            return Outcome(200, raw, tokens_in, tokens_out), None
        finally:
            self.limiter.release(slot)


def _json_or_text(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return raw[:500].decode("utf-8", "replace")


class ProviderClient:
    """Any provider of the LLM layer (``make_provider``): it retries by itself and holds the
    run's adaptive-limiter slot per attempt."""

    def __init__(self, provider: LLMProvider) -> None:
        self.provider = provider
        self.kind: str = provider.kind

    async def send(self, body: dict[str, Any]) -> Outcome:
        try:
            response = await self.provider.acomplete(body)
        except ProviderError as error:
            status = error.status_code
            return Outcome(status, error.body if status else None, error=error)
        return Outcome(200, response.to_openai(), response.input_tokens, response.output_tokens)

    async def aclose(self) -> None:
        await self.provider.aclose()
