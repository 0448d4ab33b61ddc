"""What every HTTP provider shares: keys, the retry loop, status mapping, the limiter."""

from __future__ import annotations

import asyncio
import logging
import os
from abc import abstractmethod
from typing import Any

import orjson

from ferrosynth.llm.base import LLMProvider
from ferrosynth.llm.budget import Budget
from ferrosynth.llm.errors import (
    AuthenticationError,
    InvalidResponseError,
    ProviderError,
    RateLimitError,
)
from ferrosynth.llm.http import HTTPResult, SessionPool
from ferrosynth.llm.limiter import AdaptiveLimiter
from ferrosynth.llm.pricing import CostEstimator, PricingData
from ferrosynth.llm.retry import RetryPolicy, retry_after_from_headers
from ferrosynth.llm.types import ChatBody, LLMResponse, response_from_openai
from ferrosynth.store.cache import RequestCache, cache_key

__all__ = ["DEFAULT_MAX_CONNECTIONS", "HTTPProvider"]

logger = logging.getLogger("ferrosynth.llm")

DEFAULT_MAX_CONNECTIONS = 256


def _user_agent() -> str:
    try:
        from ferrosynth._native import __version__
    except ImportError:  # pragma: no cover - the extension is always built
        return "ferrosynth"
    return f"ferrosynth/{__version__}"


def _error_message(body: bytes, status: int) -> str:
    """The provider's own error message when its body carries one."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return f"HTTP {status}"
    if isinstance(data, dict):
        error = data.get("error", data)
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return f"HTTP {status}: {error['message']}"
        if isinstance(error, str):
            return f"HTTP {status}: {error}"
    return f"HTTP {status}"


class HTTPProvider(LLMProvider):
    """An LLM provider over HTTP: subclasses map the OpenAI body to their API and back.

    ``api_key`` comes from the argument, else from the first set variable of ``env_keys``; a
    provider whose ``base_url`` is the official endpoint refuses to start without one
    (:class:`~ferrosynth.llm.AuthenticationError`), while local OpenAI-compatible servers need
    none. The key is held in headers only, never logged, and no error or ``repr`` shows it.

    With a ``cache`` (:class:`~ferrosynth.llm.RequestCache`), an answer stored for the same
    (kind, model, body) is returned without a request, and every new answer is stored.
    With a ``budget`` (:class:`~ferrosynth.llm.Budget`), each request's estimate (offline
    tokens, ``max_tokens`` for the output, prices from ``pricing`` or the shipped table) is
    reserved before it is sent — :class:`~ferrosynth.llm.BudgetExceededError` instead of a
    request that would cross the limit — and the reported usage's cost is committed after.
    Cache hits cost nothing.
    """

    #: The official endpoint (the default ``base_url``).
    official_url: str = ""
    #: Environment variables holding the key, in order of preference.
    env_keys: tuple[str, ...] = ()

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        model: str | None = None,
        timeout: float | None = 60.0,
        retry: RetryPolicy | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        limiter: AdaptiveLimiter | None = None,
        cache: RequestCache | None = None,
        budget: Budget | None = None,
        pricing: PricingData | None = None,
    ) -> None:
        self.base_url = (base_url or self.official_url).rstrip("/")
        self.model = model
        self.timeout = timeout
        self.retry = retry if retry is not None else RetryPolicy()
        self.limiter = limiter
        self.cache = cache
        self.budget = budget
        self.estimator = CostEstimator(pricing, provider=self.kind)
        if max_connections < 1:
            raise ValueError(f"max_connections must be >= 1, got {max_connections}")
        key = api_key
        if key is None:
            key = next((os.environ[n] for n in self.env_keys if os.environ.get(n)), None)
        if not key and self.env_keys and self.base_url == self.official_url.rstrip("/"):
            raise AuthenticationError(
                f"no API key: pass api_key= or set {' or '.join(self.env_keys)}",
                provider=self.kind,
                model=model,
                url=self.base_url,
            )
        self._headers = {"Content-Type": "application/json", **self._auth_headers(key or None)}
        self._secrets: tuple[str, ...] = (key,) if key else ()  # blanked in error bodies
        self._pool = SessionPool(max_connections=max_connections, user_agent=_user_agent())
        #: HTTP requests sent (attempts, retries included); for tests and statistics.
        self.requests_sent = 0

    # -- what a provider defines -----------------------------------------------------------

    @abstractmethod
    def _auth_headers(self, key: str | None) -> dict[str, str]:
        """The headers that carry the key (empty without one)."""

    @abstractmethod
    def _request(self, body: ChatBody, model: str) -> tuple[str, dict[str, Any]]:
        """The URL and JSON payload of the provider's API for an OpenAI ``body``."""

    @abstractmethod
    def _response(self, data: Any, model: str, body: ChatBody) -> LLMResponse:
        """An :class:`LLMResponse` from the provider's JSON answer (may raise KeyError,
        TypeError, IndexError or ValueError on an unexpected shape)."""

    # -- the call ----------------------------------------------------------------------------

    def _model_of(self, body: ChatBody) -> str:
        model = body.get("model") or self.model
        if not isinstance(model, str) or not model:
            raise ValueError(
                f"{self.kind}: no model: set 'model' in the request body or pass model= "
                "to the provider"
            )
        return model

    async def acomplete(self, body: ChatBody, *, timeout: float | None = None) -> LLMResponse:
        model = self._model_of(body)
        if self.cache is None:
            return await self._budgeted(body, model, timeout)
        key = cache_key(self.kind, model, {**body, "model": model})
        hit = self.cache.get(key)
        if hit is not None:
            return response_from_openai(hit, model=model)
        response = await self._budgeted(body, model, timeout)
        self.cache.put(key, response.to_openai())
        return response

    async def _budgeted(self, body: ChatBody, model: str, timeout: float | None) -> LLMResponse:
        if self.budget is None:
            return await self._send(body, model, timeout)
        held = self.budget.reserve(self.estimator.estimate(body, model))
        try:
            response = await self._send(body, model, timeout)
        except BaseException:
            self.budget.release(held)
            raise
        self.budget.commit(held, self.estimator.actual(response).cost_usd)
        return response

    async def _send(self, body: ChatBody, model: str, timeout: float | None) -> LLMResponse:
        url, payload = self._request(body, model)
        data = orjson.dumps(payload)
        deadline = timeout if timeout is not None else self.timeout
        retry = 0
        while True:
            try:
                if self.limiter is None:
                    return await self._attempt(url, data, deadline, model, body)
                async with self.limiter.slot():
                    return await self._attempt(url, data, deadline, model, body)
            except ProviderError as error:
                if not self.retry.should_retry(error, retry):
                    raise
                delay = self.retry.backoff(retry, retry_after=getattr(error, "retry_after", None))
                logger.debug(
                    "%s %s: %s; retry %d in %.3f s",
                    self.kind,
                    url,
                    error.message,
                    retry + 1,
                    delay,
                )
                retry += 1
                await asyncio.sleep(delay)

    async def _attempt(
        self, url: str, payload: bytes, timeout: float | None, model: str, body: ChatBody
    ) -> LLMResponse:
        self.requests_sent += 1
        result = await self._pool.post(
            url, payload, self._headers, timeout, provider=self.kind, model=model
        )
        if result.status >= 300:
            raise self._status_error(result, url, model)
        try:
            data = orjson.loads(result.body)
        except orjson.JSONDecodeError as error:
            raise InvalidResponseError(
                f"the response is not JSON ({error})",
                provider=self.kind,
                model=model,
                url=url,
                status_code=result.status,
                body=self._redact(result.body),
            ) from error
        try:
            return self._response(data, model, body)
        except (KeyError, TypeError, IndexError, ValueError, AttributeError) as error:
            raise InvalidResponseError(
                f"unexpected response shape ({type(error).__name__}: {error})",
                provider=self.kind,
                model=model,
                url=url,
                status_code=result.status,
                body=self._redact(result.body),
            ) from error

    def _redact(self, body: bytes) -> str:
        """A response body as text, with the API key blanked should a server echo it."""
        text = body.decode("utf-8", "replace")
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _status_error(self, result: HTTPResult, url: str, model: str) -> ProviderError:
        text = self._redact(result.body)
        message = self._redact(_error_message(result.body, result.status).encode())
        where: dict[str, Any] = {
            "provider": self.kind,
            "model": model,
            "url": url,
            "status_code": result.status,
            "body": text,
        }
        if result.status in (401, 403):
            return AuthenticationError(message, **where)
        if result.status == 429:
            retry_after = retry_after_from_headers(result.headers)
            return RateLimitError(message, retry_after=retry_after, **where)
        return ProviderError(message, **where)

    async def aclose(self) -> None:
        await self._pool.aclose()
