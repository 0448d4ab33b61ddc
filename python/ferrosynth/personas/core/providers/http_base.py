"""Shared connection pooling for HTTP providers (the seed SDK's ``HTTPProvider``).

Subclass :class:`HTTPProvider` to talk to an HTTP API with pooled connections, timeouts and the
LLM layer's typed errors (429 -> ``RateLimitError`` with ``retry_after``, 401/403 ->
``AuthenticationError``, other statuses -> ``ProviderError``, timeouts -> ``ProviderTimeoutError``,
refused connections -> ``ProviderConnectionError``). Clients are pooled per base URL and event loop
in a :class:`ConnectionPool`, so many providers of one API share connections.

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
from typing import TYPE_CHECKING, Any

from ferrosynth.llm import InvalidResponseError, retry_after_from_headers
from ferrosynth.personas.exceptions import (
    AuthenticationError,
    ProviderConnectionError,
    ProviderError,
    ProviderTimeoutError,
    RateLimitError,
)

if TYPE_CHECKING:
    import httpx

__all__ = ["ConnectionPool", "HTTPConfig", "HTTPProvider"]

_BODY_LIMIT = 500


@dataclass(frozen=True)
class HTTPConfig:
    """Where and how to connect."""

    base_url: str
    max_connections: int = 10
    timeout: float = 30.0
    headers: dict[str, str] = field(default_factory=dict)


class ConnectionPool:
    """One ``httpx.AsyncClient`` per (base URL, connection limit, event loop)."""

    def __init__(self) -> None:
        self._clients: dict[tuple[str, int, int], httpx.AsyncClient] = {}

    def client(self, config: HTTPConfig) -> httpx.AsyncClient:
        """The pooled client for ``config`` on the running loop (created on first use)."""
        import httpx

        key = (config.base_url, config.max_connections, id(asyncio.get_running_loop()))
        client = self._clients.get(key)
        if client is None or client.is_closed:
            limits = httpx.Limits(
                max_connections=config.max_connections,
                max_keepalive_connections=config.max_connections,
            )
            client = httpx.AsyncClient(
                base_url=config.base_url, limits=limits, timeout=config.timeout
            )
            self._clients[key] = client
        return client

    async def aclose(self) -> None:
        """Close every client of the running loop."""
        loop = id(asyncio.get_running_loop())
        for key in [k for k in self._clients if k[2] == loop]:
            await self._clients.pop(key).aclose()


#: The pool shared by every :class:`HTTPProvider` unless one is given.
DEFAULT_POOL = ConnectionPool()


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
        self.pool = pool or DEFAULT_POOL

    @property
    def base_url(self) -> str:
        """The API's base URL."""
        return self.config.base_url

    @base_url.setter
    def base_url(self, value: str) -> None:
        self.config = HTTPConfig(
            value.rstrip("/"),
            self.config.max_connections,
            self.config.timeout,
            self.config.headers,
        )

    async def _post(self, endpoint: str, json: Any = None) -> Any:
        return await self._request("POST", endpoint, json)

    async def _get(self, endpoint: str) -> Any:
        return await self._request("GET", endpoint, None)

    async def _request(self, method: str, endpoint: str, payload: Any) -> Any:
        import httpx

        url = self.config.base_url + "/" + endpoint.lstrip("/")
        details: dict[str, Any] = {"provider": self.name, "url": url}
        client = self.pool.client(self.config)
        try:
            response = await client.request(
                method, url, json=payload, headers=self.config.headers or None
            )
        except httpx.TimeoutException:
            message = f"{method} {url} timed out after {self.config.timeout}s"
            raise ProviderTimeoutError(message, **details) from None
        except httpx.TransportError as error:
            message = f"{method} {url} failed: {error}"
            raise ProviderConnectionError(message, **details) from None
        body = response.text[:_BODY_LIMIT]
        status = response.status_code
        if status >= 400:
            message = f"{method} {url} answered HTTP {status}"
            if status == 429:
                retry_after = retry_after_from_headers(response.headers)
                raise RateLimitError(
                    message, retry_after=retry_after, status_code=status, body=body, **details
                )
            cls = AuthenticationError if status in (401, 403) else ProviderError
            raise cls(message, status_code=status, body=body, **details)
        try:
            return response.json()
        except _json.JSONDecodeError:
            message = f"{method} {url} answered with invalid JSON"
            raise InvalidResponseError(message, status_code=status, body=body, **details) from None

    async def aclose(self) -> None:
        """Close the pooled clients of the running loop."""
        await self.pool.aclose()
