"""``ferrosynth mock-llm``: serve the mock LLM endpoint in the foreground."""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the ``mock-llm`` command to ``app``."""
    app.command("mock-llm")(mock_llm)


def mock_llm(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (loopback unless you say so).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", help="Port; 0 picks a free one.")] = 8001,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Seed of every answer.")] = 0,
    latency_ms: Annotated[
        float, typer.Option("--latency-ms", help="Mean added latency per answer, in ms.")
    ] = 0.0,
    latency_distribution: Annotated[
        str,
        typer.Option("--latency-distribution", help="fixed, uniform (0..2*mean) or exponential."),
    ] = "fixed",
    error_rate: Annotated[
        float, typer.Option("--error-rate", help="Share of requests that fail, 0..1.")
    ] = 0.0,
    error_kinds: Annotated[
        str,
        typer.Option(
            "--error-kinds",
            help="Comma-separated faults the failures draw from: "
            "429, 500, 503, timeout, malformed, disconnect.",
        ),
    ] = "429,500",
    retry_after: Annotated[
        float, typer.Option("--retry-after", help="Retry-After of injected 429s, in seconds.")
    ] = 1.0,
    hang_s: Annotated[
        float, typer.Option("--hang-s", help="How long a 'timeout' fault holds the request.")
    ] = 30.0,
    rate_limit: Annotated[
        float | None,
        typer.Option("--rate-limit", help="Hard limit in requests/s; excess requests get 429."),
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option(
            "--api-key",
            envvar="FERROSYNTH_MOCK_API_KEY",
            help="Require this key (401 otherwise). Env: FERROSYNTH_MOCK_API_KEY.",
            show_default=False,
        ),
    ] = None,
    stream_chunk_delay_ms: Annotated[
        float, typer.Option("--stream-delay-ms", help="Pause between streamed chunks, in ms.")
    ] = 0.0,
    workers: Annotated[
        int, typer.Option("--workers", "-w", help="Processes serving the port.")
    ] = 1,
) -> None:
    """Serve an OpenAI, Anthropic, Gemini and Ollama endpoint that answers from the generator."""
    import sys

    from ferrosynth.cli import InputError
    from ferrosynth.mock import MockConfig, serve

    if not 0 <= port <= 65535:
        raise InputError(f"--port must be in 0..65535, got {port}")
    kinds = tuple(k.strip() for k in error_kinds.split(",") if k.strip())
    config = MockConfig(
        seed=seed,
        latency_ms=latency_ms,
        latency_distribution=latency_distribution,  # type: ignore[arg-type]  # checked by MockConfig
        error_rate=error_rate,
        error_kinds=kinds,  # type: ignore[arg-type]
        retry_after_s=retry_after,
        hang_s=hang_s,
        rate_limit=rate_limit,
        api_key=api_key,
        stream_chunk_delay_ms=stream_chunk_delay_ms,
    )

    def ready(url: str) -> None:
        sys.stderr.write(
            f"ferrosynth mock-llm listening on {url} (OpenAI base URL {url}/v1; seed {seed}, "
            f"{workers} worker{'s' if workers != 1 else ''}); Ctrl-C stops\n"
        )
        sys.stderr.flush()

    serve(config, host=host, port=port, workers=workers, on_ready=ready)
