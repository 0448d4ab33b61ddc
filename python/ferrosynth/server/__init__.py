"""The Synthgen-compatible batch server (``ferrosynth server``).

Serves the HTTP API that ``synthgen-client`` speaks (specs in docs/server), keeps tasks in an
embedded SQLite file or a shared PostgreSQL database, and processes them with a pool of workers
that claim tasks through the store. Needs the ``server`` extra (FastAPI, uvicorn, aiohttp,
psycopg).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ferrosynth.server.app import create_app
    from ferrosynth.server.config import Role, ServerConfig
    from ferrosynth.server.run import serve

__all__ = ["Role", "ServerConfig", "create_app", "serve"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from ferrosynth.server.app import create_app

        return create_app
    if name in ("ServerConfig", "Role"):
        from ferrosynth.server import config

        return getattr(config, name)
    if name == "serve":
        from ferrosynth.server.run import serve

        return serve
    raise AttributeError(name)
