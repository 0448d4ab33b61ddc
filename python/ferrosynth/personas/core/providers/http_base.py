"""Shared connection pooling for HTTP APIs (the seed SDK's ``HTTPProvider``).

Subclass :class:`HTTPProvider` to talk to an HTTP API with pooled keep-alive connections,
timeouts and the typed errors (429 -> ``RateLimitError`` with ``retry_after``, 401/403 ->
``AuthenticationError``, other statuses -> ``ProviderError``, timeouts ->
``ProviderTimeoutError``, refused connections -> ``ProviderConnectionError``, a 2xx body that is
not JSON -> ``InvalidResponseError``). The connections are the LLM layer's aiohttp session pool
(one session per event loop); :class:`ConnectionPool` adds ``GET`` to it.

This is the seed SDK's general HTTP base (``_get``/``_post`` returning JSON). The LLM providers
themselves derive from :class:`ferrosynth.llm.HTTPProvider`, which maps chat requests.

Example::

    class MyProvider(HTTPProvider):
        def __init__(self):
            super().__init__(base_url="https://api.example.com", max_connections=10, timeout=30.0)

        async def make_request(self, endpoint: str, data: dict):
            return await self._post(endpoint, json=data)
"""

from __future__ import annotations

import asyncio
import json as _json
from dataclasses import dataclass, field
from typing import Any

from ferrosynth.llm import InvalidResponseError, retry_after_from_headers
from ferrosynth.llm.http import HTTPResult, SessionPool
from ferrosynth.personas.exceptions import (
    AuthenticationError,
    ProviderConnectionError,
    ProviderError,
    ProviderTimeoutError,
    RateLimitError,
)

__all__ = ["ConnectionPool", "HTTPConfig", "HTTPProvider"]

_USER_AGENT = "ferrosynth-personas"


@dataclass(frozen=True)
class HTTPConfig:
    """Where and how to connect."""

    base_url: str
    max_connections: int = 10
    timeout: float = 30.0
    headers: dict[str, str] = field(default_factory=dict)


class ConnectionPool(SessionPool):
    """The LLM layer's per-event-loop aiohttp session pool, with ``GET`` as well as ``POST``."""

    def __init__(self, max_connections: int = 10) -> None:
        super().__init__(max_connections=max_connections, user_agent=_USER_AGENT)

    async def get(
        self, url: str, headers: dict[str, str], timeout: float | None, *, provider: str
    ) -> HTTPResult:
        """GET ``url``; transport failures become typed errors."""
        import aiohttp

        session = self.session()
        try:
            async with session.get(
                url,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=timeout),
                allow_redirects=False,
            ) as response:
                body = await response.read()
                headers_out = {k.lower(): v for k, v in response.headers.items()}
                return HTTPResult(response.status, headers_out, body)
        except asyncio.TimeoutError as error:
            raise ProviderTimeoutError(
                f"no response within {timeout} s", provider=provider, url=url
            ) from error
        except (aiohttp.ClientError, OSError) as error:
            raise ProviderConnectionError(
                f"connection failed: {type(error).__name__}: {error}", provider=provider, url=url
            ) from error


class HTTPProvider:
    """Base class of HTTP-based providers: pooled ``_get``/``_post`` returning decoded JSON."""

    name = "http"

    def __init__(
        self,
        base_url: str,
        max_connections: int = 10,
        timeout: float = 30.0,
        *,
        headers: dict[str, str] | None = None,
        pool: ConnectionPool | None = None,
    ) -> None:
        self.config = HTTPConfig(base_url.rstrip("/"), max_connections, timeout, headers or {})
        self.pool = pool or ConnectionPool(max_connections)

    @property
    def base_url(self) -> str:
        """The API's base URL."""
        return self.config.base_url

    @base_url.setter
    def base_url(self, value: str) -> None:
        cfg = self.config
        self.config = HTTPConfig(value.rstrip("/"), cfg.max_connections, cfg.timeout, cfg.headers)

    async def _post(self, endpoint: str, json: Any = None) -> Any:
        """POST ``json`` to ``endpoint`` (relative to the base URL); the decoded answer."""
        url = self._url(endpoint)
        payload = _json.dumps(json).encode()
        headers = {"Content-Type": "application/json", **self.config.headers}
        result = await self.pool.post(
            url, payload, headers, self.config.timeout, provider=self.name, model=None
        )
        return self._decode(url, result)

    async def _get(self, endpoint: str) -> Any:
        """GET ``endpoint`` (relative to the base URL); the decoded answer."""
        url = self._url(endpoint)
        result = await self.pool.get(
            url, dict(self.config.headers), self.config.timeout, provider=self.name
        )
        return self._decode(url, result)

    def _url(self, endpoint: str) -> str:
        return self.config.base_url + "/" + endpoint.lstrip("/")

    def _decode(self, url: str, result: HTTPResult) -> Any:
        body = result.body.decode("utf-8", "replace")
        status = result.status
        details: dict[str, Any] = {
            "provider": self.name,
            "url": url,
            "status_code": status,
            "body": body,
        }
        if status == 429:
            retry_after = retry_after_from_headers(result.headers)
            raise RateLimitError("rate limited (HTTP 429)", retry_after=retry_after, **details)
        if status in (401, 403):
            raise AuthenticationError(f"not authorised (HTTP {status})", **details)
        if status >= 400:
            raise ProviderError(f"HTTP {status}", **details)
        try:
            return _json.loads(body)
        except _json.JSONDecodeError:
            raise InvalidResponseError("the answer is not JSON", **details) from None

    async def aclose(self) -> None:
        """Close this provider's connections on the running loop."""
        await self.pool.aclose()
