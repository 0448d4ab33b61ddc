"""Running the server: the HTTP API with uvicorn (roles ``all`` and ``api``), or a worker pool
alone (role ``worker``), until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import gc
import signal
import uuid

from ferrosynth.server.config import ServerConfig
from ferrosynth.server.keys import Keyring
from ferrosynth.store.tasks import open_task_store

__all__ = ["serve"]


def serve(config: ServerConfig, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Block serving ``config`` until stopped by a signal."""
    store = open_task_store(config.store)
    _tune_gc()
    try:
        if config.role == "worker":
            try:
                import uvloop  # optional (the `mock` extra): a faster event loop

                uvloop.run(_work(store, config))
            except ImportError:
                asyncio.run(_work(store, config))
            return
        import uvicorn

        from ferrosynth.server.app import create_app

        app = create_app(store, config)
        uvicorn.Server(
            uvicorn.Config(
                app,
                host=host,
                port=port,
                log_level="warning",
                access_log=False,
                lifespan="on",
                timeout_graceful_shutdown=5,
            )
        ).run()
    finally:
        store.close()


def _tune_gc() -> None:
    """Fewer cyclic collections: what is loaded at start-up is frozen out of them, and the
    youngest generation is collected every 50,000 net allocations instead of 700. The server
    builds thousands of short-lived records per chunk (upload, claim, export) that reference
    counting frees; with the default threshold every chunk triggered dozens of collections that
    found nothing (a tenth of the worker's CPU in the profile)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


async def _work(store: object, config: ServerConfig) -> None:
    from ferrosynth.server.worker import WorkerPool

    keyring = Keyring(config.secret or config.api_key or uuid.uuid4().hex)
    pool = WorkerPool(store, config, keyring)  # type: ignore[arg-type]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await pool.start()
    try:
        await stop.wait()
    finally:
        await pool.stop()
