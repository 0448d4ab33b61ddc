"""The pooled HTTP client under every provider: aiohttp, one session per event loop.

aiohttp was measured against httpx on a loopback server (64 concurrent keep-alive requests,
2 cores): about 6,100 requests/s against 165 (docs/benchmarks.md), so it is the client. It is
imported on first use, so ``import ferrosynth.llm`` stays light.

A session belongs to the event loop that made it; a provider used from two loops (the blocking
facade's thread and the caller's loop) holds one session per loop.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from ferrosynth.llm.errors import ProviderConnectionError, ProviderTimeoutError

if TYPE_CHECKING:
    import aiohttp

__all__ = ["HTTPResult", "SessionPool"]


class HTTPResult:
    """A received response: status, headers (lower-case names) and body bytes."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body


class SessionPool:
    """aiohttp sessions, one per running event loop, each with a pooled keep-alive connector."""

    def __init__(self, *, max_connections: int, user_agent: str) -> None:
        self.max_connections = max_connections
        self.user_agent = user_agent
        self._sessions: dict[asyncio.AbstractEventLoop, aiohttp.ClientSession] = {}

    def session(self) -> aiohttp.ClientSession:
        import aiohttp

        loop = asyncio.get_running_loop()
        session = self._sessions.get(loop)
        if session is None or session.closed:
            for other in [lp for lp in self._sessions if lp.is_closed()]:
                del self._sessions[other]  # its loop is gone, and its sockets with it
            connector = aiohttp.TCPConnector(
                limit=self.max_connections, limit_per_host=0, ttl_dns_cache=300
            )
            session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self.user_agent},
                skip_auto_headers=("Accept-Encoding",),
            )
            self._sessions[loop] = session
        return session

    async def post(
        self,
        url: str,
        payload: bytes,
        headers: dict[str, str],
        timeout: float | None,
        *,
        provider: str,
        model: str | None,
    ) -> HTTPResult:
        """POST ``payload`` (JSON bytes); transport failures become typed errors."""
        import aiohttp

        session = self.session()
        try:
            async with session.post(
                url,
                data=payload,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=timeout),
                allow_redirects=False,
            ) as response:
                body = await response.read()
                return HTTPResult(
                    response.status,
                    {k.lower(): v for k, v in response.headers.items()},
                    body,
                )
        except asyncio.TimeoutError as error:
            raise ProviderTimeoutError(
                f"no response within {timeout} s", provider=provider, model=model, url=url
            ) from error
        except (aiohttp.ClientError, OSError) as error:
            raise ProviderConnectionError(
                f"connection failed: {type(error).__name__}: {error}",
                provider=provider,
                model=model,
                url=url,
            ) from error

    async def aclose(self) -> None:
        """Close the session of the running loop (and forget those of closed loops)."""
        loop = asyncio.get_running_loop()
        session = self._sessions.pop(loop, None)
        for other in [lp for lp in self._sessions if lp.is_closed()]:
            del self._sessions[other]
        if session is not None and not session.closed:
            await session.close()

    def open_sessions(self) -> int:
        """Sessions not closed yet (for tests)."""
        return sum(1 for s in self._sessions.values() if not s.closed)
