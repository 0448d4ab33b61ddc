"""The server's settings (one frozen record, filled by the CLI or by tests)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Role", "ServerConfig"]

Role = Literal["all", "api", "worker"]


@dataclass(frozen=True)
class ServerConfig:
    """Everything ``ferrosynth server`` can be told.

    ``api_key`` protects every ``/api/v1`` route (``None`` only when the caller explicitly runs
    an open server, e.g. a worker-only process). ``secret`` seals the provider keys of queued
    tasks (default: ``api_key``). Retry delays grow from ``retry_base_ms`` by doubling, capped
    at ``retry_max_ms``, with full jitter; a provider's ``Retry-After`` is honoured up to the cap.
    """

    store: str = "ferrosynth-server.db"
    api_key: str | None = None
    secret: str | None = None
    role: Role = "all"
    concurrency: int = 64
    max_retries: int = 5
    retry_base_ms: int = 500
    retry_max_ms: int = 30_000
    request_timeout_s: float = 120.0
    #: A worker silent this long is presumed dead and its claims go back to the queue.
    lease_ttl_s: float = 15.0
    max_upload_bytes: int = 1 << 30
    cors_origins: tuple[str, ...] = ()
    #: Sent with every provider call (the contract's attribution headers).
    site_url: str = "https://github.com/ferrosynth/ferrosynth"
    site_name: str = "ferrosynth"
