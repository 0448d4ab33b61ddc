"""``ferrosynth server``: the Synthgen-compatible batch server."""

from __future__ import annotations

import os
from typing import Annotated

import typer

__all__ = ["register"]

_ROLES = ("all", "api", "worker")


def server(
    host: Annotated[str, typer.Option(help="Interface to bind (loopback unless told).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    api_key: Annotated[
        str | None,
        typer.Option(
            "--api-key",
            envvar="API_SECRET_KEY",
            show_envvar=True,
            help="The Bearer key clients must send (also API_SECRET_KEY).",
        ),
    ] = None,
    store: Annotated[
        str,
        typer.Option(
            help="sqlite:///path.db (or a path; created on first start) or postgresql://..."
        ),
    ] = "ferrosynth-server.db",
    concurrency: Annotated[int, typer.Option(help="Provider calls in flight per process.")] = 64,
    max_retries: Annotated[int, typer.Option(help="Retries of a failing provider call.")] = 5,
    retry_base_ms: Annotated[int, typer.Option(help="First retry delay (doubles, jittered).")] = (
        500
    ),
    retry_max_ms: Annotated[int, typer.Option(help="Longest retry delay.")] = 30_000,
    request_timeout: Annotated[float, typer.Option(help="Seconds per provider call.")] = 120.0,
    role: Annotated[
        str, typer.Option(help="all: API and workers; api: HTTP only; worker: workers only.")
    ] = "all",
    lease_ttl: Annotated[
        float, typer.Option(help="Seconds of silence after which a worker's tasks are requeued.")
    ] = 15.0,
    max_upload_mb: Annotated[int, typer.Option(help="Largest accepted upload, MiB.")] = 1024,
    cors_origin: Annotated[
        list[str] | None,
        typer.Option(help="Allow this browser origin (repeatable; CORS is off by default)."),
    ] = None,
    secret: Annotated[
        str | None,
        typer.Option(
            envvar="FERROSYNTH_SERVER_SECRET",
            show_envvar=True,
            help="Seals queued tasks' provider keys; default: the API key. Same on every server "
            "sharing a store.",
        ),
    ] = None,
    open_access: Annotated[
        bool, typer.Option("--no-auth", help="Serve without an API key (loopback testing only).")
    ] = False,
) -> None:
    """Serve the Synthgen HTTP API (synthgen-client works unmodified) with workers."""
    from ferrosynth.cli import InputError
    from ferrosynth.server.config import ServerConfig
    from ferrosynth.server.run import serve

    if role not in _ROLES:
        raise InputError(f"--role must be one of {', '.join(_ROLES)}, not {role!r}")
    if role != "worker" and not api_key and not open_access:
        raise InputError("an API key is required: --api-key KEY or API_SECRET_KEY (or --no-auth)")
    for name, value in (("--concurrency", concurrency), ("--port", port)):
        if value <= 0:
            raise InputError(f"{name} must be positive, not {value}")
    if max_retries < 0 or retry_base_ms < 0:
        raise InputError("--max-retries and --retry-base-ms must not be negative")
    config = ServerConfig(
        store=store,
        api_key=api_key,
        secret=secret or os.environ.get("FERROSYNTH_SERVER_SECRET") or None,
        role=role,  # type: ignore[arg-type]
        concurrency=concurrency,
        max_retries=max_retries,
        retry_base_ms=retry_base_ms,
        retry_max_ms=retry_max_ms,
        request_timeout_s=request_timeout,
        lease_ttl_s=lease_ttl,
        max_upload_bytes=max_upload_mb << 20,
        cors_origins=tuple(cors_origin or ()),
    )
    serve(config, host=host, port=port)


def register(app: typer.Typer) -> None:
    app.command("server")(server)
