"""``ferrosynth llm run`` and ``ferrosynth llm enrich``: the batch runner from the shell.

Progress goes to stderr (a rich display on a terminal, nothing otherwise), the summary line to
stderr at the end; ``--dry-run`` prints its estimate on stdout. Ctrl-C (or SIGTERM) stops taking
new requests, waits a second for the answers in flight, writes them and exits with 130; a second
Ctrl-C stops at once. Exit status: 0 when every request has a line, 3 when the budget stopped
the run, 130 when interrupted, 2 on bad input (before any request).
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from ferrosynth.runner import RunProgress, RunSummary

__all__ = ["register"]

EXIT_BUDGET = 3
EXIT_INTERRUPTED = 130

llm_app = typer.Typer(
    no_args_is_help=True,
    help="Run batches of LLM requests (resumable, with live cost) and enrich datasets.",
)

_PROVIDER_HELP = "Provider API: openai, anthropic, gemini, ollama."


def _input_error(message: str) -> Exception:
    from ferrosynth.cli import InputError

    return InputError(message)


def _decimal(value: str | None, option: str) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise _input_error(f"{option} must be a number of dollars, got {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise _input_error(f"{option} must be >= 0, got {value!r}")
    return amount


def _cache_setting(cache: Path | None, no_cache: bool) -> Any:
    if cache is not None and no_cache:
        raise _input_error("--cache and --no-cache exclude each other")
    if no_cache:
        return "off"
    if cache is not None:
        return cache
    return "default"  # the LLM layer's cache file; FERROSYNTH_CACHE=off|readonly|PATH applies


@llm_app.command("run")
def run(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT.jsonl", help="Batch API lines.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Output JSONL (appended; resumable).")
    ],
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="Endpoint root, e.g. http://127.0.0.1:8001/v1.")
    ] = None,
    provider: Annotated[str, typer.Option("--provider", help=_PROVIDER_HELP)] = "openai",
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="Model for lines whose body names none.")
    ] = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", "-c", help="Requests in flight at most.")
    ] = 64,
    max_usd: Annotated[
        str | None, typer.Option("--max-usd", help="Budget in dollars for the whole output.")
    ] = None,
    rpm: Annotated[
        float | None, typer.Option("--rpm", help="Requests per minute, at most.")
    ] = None,
    tpm: Annotated[float | None, typer.Option("--tpm", help="Tokens per minute, at most.")] = None,
    cache: Annotated[
        Path | None,
        typer.Option(
            "--cache",
            help="Request cache (SQLite file); default: ~/.cache/ferrosynth/llm-cache.sqlite3"
            " or FERROSYNTH_CACHE.",
        ),
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Use no request cache.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print requests, tokens and dollars; send nothing.")
    ] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds per request.")] = 60.0,
    max_retries: Annotated[int, typer.Option("--max-retries", help="Retries per request.")] = 5,
    transport: Annotated[
        str, typer.Option("--transport", help="auto, fast (built-in HTTP/1.1) or provider.")
    ] = "auto",
) -> None:
    """Send every request of INPUT.jsonl and append one answer line per request to OUTPUT.

    Run the same command again after an interruption: only requests without an answer are sent.
    """
    from ferrosynth.runner import PROVIDERS

    if provider not in PROVIDERS:
        raise _input_error(
            f"unknown --provider {provider!r}; expected one of: {', '.join(PROVIDERS)}"
        )
    if not input_path.is_file():
        raise _input_error(f"input {str(input_path)!r} is not a file")
    if output.is_dir():
        raise _input_error(f"--output {str(output)!r} is a directory")
    if output.resolve() == input_path.resolve():
        raise _input_error("--output must not be the input file")
    if concurrency < 1:
        raise _input_error(f"--concurrency must be >= 1, got {concurrency}")
    if max_retries < 0:
        raise _input_error(f"--max-retries must be >= 0, got {max_retries}")
    if timeout <= 0:
        raise _input_error(f"--timeout must be > 0, got {timeout}")
    budget = _decimal(max_usd, "--max-usd")
    cache_setting = _cache_setting(cache, no_cache)

    if dry_run:
        from ferrosynth.runner import estimate_batch

        plan = estimate_batch(input_path, output, model=model, provider=provider, base_url=base_url)
        typer.echo(plan.line())
        if budget is not None and plan.cost_usd is not None and plan.cost_usd > budget:
            typer.echo(
                f"note: the estimate is over --max-usd ${budget}; the run would stop there",
                err=True,
            )
        return

    from ferrosynth.llm import RetryPolicy
    from ferrosynth.runner import BatchRunner

    with _progress_display() as on_progress:
        runner = BatchRunner(
            input_path,
            output,
            provider=provider,
            base_url=base_url,
            model=model,
            concurrency=concurrency,
            max_usd=budget,
            rpm=rpm,
            tpm=tpm,
            cache=cache_setting,
            timeout=timeout,
            retry=RetryPolicy(max_retries=max_retries),
            transport=transport,  # type: ignore[arg-type]
            progress=on_progress,
        )
        summary = _run_with_signals(runner)
    _finish(summary)


def _run_with_signals(runner: Any) -> RunSummary:
    async def main() -> RunSummary:
        loop = asyncio.get_running_loop()
        presses = 0

        def on_signal() -> None:
            nonlocal presses
            presses += 1
            if presses == 1:
                sys.stderr.write(
                    "\nstopping: finishing the requests in flight (Ctrl-C again to stop now)\n"
                )
                runner.request_stop("interrupted")
            else:
                runner.abort()

        installed = []
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, on_signal)
                installed.append(sig)
            except (NotImplementedError, RuntimeError):  # pragma: no cover - not on Windows
                pass
        try:
            result: RunSummary = await runner.run()
            return result
        finally:
            for sig in installed:
                loop.remove_signal_handler(sig)

    return asyncio.run(main())


def _finish(summary: RunSummary) -> None:
    typer.echo(summary.line(), err=True)
    if summary.stopped == "budget":
        raise typer.Exit(EXIT_BUDGET)
    if summary.stopped == "interrupted":
        raise typer.Exit(EXIT_INTERRUPTED)


@contextmanager
def _progress_display() -> Iterator[Callable[[RunProgress], None] | None]:
    """A rich live display on stderr when it is a terminal; None (no display) otherwise."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[status]}"),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("requests", total=None, status="starting")

        def show(p: RunProgress) -> None:
            finished = p.previously_done + p.done + p.failed + p.cached
            projected = "?" if p.projected_usd is None else f"${p.projected_usd:.4f}"
            status = (
                f"failed {p.failed} · cached {p.cached} · {p.requests_per_s:,.0f} req/s · "
                f"{p.tokens_per_s:,.0f} tok/s · in flight {p.in_flight}/{p.concurrency_limit} · "
                f"spent ${p.spent_usd:.4f} of ~{projected}"
            )
            bar.update(task, total=p.total or None, completed=finished, status=status)

        yield show


def register(app: typer.Typer) -> None:
    """Add the ``llm`` command group to the ``ferrosynth`` app."""
    app.add_typer(llm_app, name="llm")
