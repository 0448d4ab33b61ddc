"""``ferrosynth llm run`` and ``ferrosynth llm enrich``: the batch runner from the shell.

Progress goes to stderr (a rich display on a terminal, nothing otherwise), the summary line to
stderr at the end; ``--dry-run`` prints its estimate on stdout. Ctrl-C (or SIGTERM) stops taking
new requests, waits a second for the answers in flight, writes them and exits with 130; a second
Ctrl-C stops at once. Exit status: 0 when every request has a line, 4 when some failed for now
(retryable errors: run again), 3 when the budget stopped the run, 130 when interrupted, 2 on bad
input (before any request).
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:
    from ferrosynth.runner import RunProgress, RunSummary

__all__ = ["register"]

T = TypeVar("T")
EXIT_BUDGET = 3
EXIT_INCOMPLETE = 4
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

    return _run_loop(main())


def _run_loop(coro: Coroutine[Any, Any, T]) -> T:
    from ferrosynth.runner.engine import run_loop

    return run_loop(coro)


def _finish(summary: RunSummary) -> None:
    typer.echo(summary.line(), err=True)
    _exit_for(summary)


def _exit_for(summary: RunSummary) -> None:
    if summary.stopped == "budget":
        raise typer.Exit(EXIT_BUDGET)
    if summary.stopped == "incomplete":
        raise typer.Exit(EXIT_INCOMPLETE)
    if summary.stopped == "interrupted":
        raise typer.Exit(EXIT_INTERRUPTED)


@contextmanager
def _progress_display() -> Iterator[Callable[[RunProgress], None] | None]:
    """A rich live display on stderr when it is a terminal; None (no display) otherwise."""
    from rich.console import Console

    from ferrosynth.runner.progress import usd

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
            projected = "?" if p.projected_usd is None else usd(p.projected_usd)
            status = (
                f"failed {p.failed} · cached {p.cached} · {p.requests_per_s:,.0f} req/s · "
                f"{p.tokens_per_s:,.0f} tok/s · in flight {p.in_flight}/{p.concurrency_limit} · "
                f"spent {usd(p.spent_usd)} of ~{projected}"
            )
            bar.update(task, total=p.total or None, completed=finished, status=status)

        yield show


def _read_samples(path: Path) -> list[dict[str, Any]]:
    import orjson

    samples: list[dict[str, Any]] = []
    try:
        with path.open("rb") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    sample = orjson.loads(line)
                except orjson.JSONDecodeError as error:
                    raise _input_error(f"{path}:{number}: not valid JSON ({error})") from None
                if not isinstance(sample, dict):
                    raise _input_error(f"{path}:{number}: a sample must be a JSON object")
                samples.append(sample)
    except OSError as error:
        raise _input_error(f"cannot read {str(path)!r}: {error.strerror or error}") from None
    return samples


def _read_json_file(path: Path, option: str) -> dict[str, Any]:
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _input_error(f"{option} {str(path)!r}: {error}") from None
    if not isinstance(data, dict):
        raise _input_error(f"{option} {str(path)!r} must hold a JSON object")
    return data


@llm_app.command("enrich")
def enrich_command(
    input_path: Annotated[
        Path | None,
        typer.Argument(
            metavar="[DATA.jsonl]", help="Samples to enrich; or generate them with --type."
        ),
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The enriched samples (JSONL).")
    ] = Path("enriched.jsonl"),
    prompt: Annotated[
        str | None, typer.Option("--prompt", help="Template with {field} references.")
    ] = None,
    prompt_file: Annotated[
        Path | None, typer.Option("--prompt-file", help="Read the template from a file.")
    ] = None,
    model: Annotated[str | None, typer.Option("--model", "-m", help="Model to ask.")] = None,
    field: Annotated[str, typer.Option("--field", help="Name of the new field.")] = "llm_output",
    system: Annotated[str | None, typer.Option("--system", help="System message.")] = None,
    output_schema: Annotated[
        Path | None,
        typer.Option("--output-schema", help="JSON Schema the answer must meet (JSON answers)."),
    ] = None,
    data_type: Annotated[
        str | None, typer.Option("--type", "-t", help="Generate samples of this type first.")
    ] = None,
    count: Annotated[int, typer.Option("--count", "-n", help="Samples to generate.")] = 10,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Seed of the generated samples.")] = 0,
    schema: Annotated[
        Path | None, typer.Option("--schema", help="JSON Schema of generated --type json samples.")
    ] = None,
    constraint: Annotated[
        list[str] | None,
        typer.Option("--constraint", "-c", metavar="KEY=VALUE", help="As for `generate`."),
    ] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help="Endpoint root.")] = None,
    provider: Annotated[str, typer.Option("--provider", help=_PROVIDER_HELP)] = "openai",
    concurrency: Annotated[int, typer.Option("--concurrency", help="Requests in flight.")] = 32,
    max_usd: Annotated[str | None, typer.Option("--max-usd", help="Budget in dollars.")] = None,
    temperature: Annotated[
        float, typer.Option("--temperature", help="Sampling temperature.")
    ] = 0.0,
    max_tokens: Annotated[
        int | None, typer.Option("--max-tokens", help="Bound on each answer's tokens.")
    ] = None,
    cache: Annotated[Path | None, typer.Option("--cache", help="Request cache file.")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Use no request cache.")] = False,
    work_dir: Annotated[
        Path | None,
        typer.Option("--work-dir", help="Keep the run's answers here (resumable)."),
    ] = None,
) -> None:
    """Add a model's answer to every sample: a prompt per sample from a {field} template."""
    from ferrosynth import DataType, GeneratorConfig
    from ferrosynth.cli import _parse_constraints, _read_schema
    from ferrosynth.io.jsonl import write_objects
    from ferrosynth.runner import PROVIDERS, aenrich
    from ferrosynth.runner.progress import usd

    if provider not in PROVIDERS:
        raise _input_error(
            f"unknown --provider {provider!r}; expected one of: {', '.join(PROVIDERS)}"
        )
    if (prompt is None) == (prompt_file is None):
        raise _input_error("give exactly one of --prompt and --prompt-file")
    if prompt_file is not None:
        try:
            prompt = prompt_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise _input_error(f"cannot read --prompt-file {str(prompt_file)!r}: {error}") from None
    assert prompt is not None
    if not model:
        raise _input_error("--model is required")
    if (input_path is None) == (data_type is None):
        raise _input_error("give either DATA.jsonl or --type (to generate the samples)")
    if concurrency < 1:
        raise _input_error(f"--concurrency must be >= 1, got {concurrency}")
    budget = _decimal(max_usd, "--max-usd")
    answer_schema = _read_json_file(output_schema, "--output-schema") if output_schema else None
    source: Any
    if input_path is not None:
        source = _read_samples(input_path)
    else:
        types = [member.value for member in DataType]
        if data_type not in types:
            raise _input_error(f"unknown --type {data_type!r}; expected one of: {', '.join(types)}")
        source = GeneratorConfig(
            data_type=DataType(data_type),
            count=count,
            seed=seed,
            schema=_read_schema(schema) if schema is not None else None,
            constraints=_parse_constraints(constraint or ()),
        )
    with _progress_display() as on_progress:
        result = _run_loop(
            aenrich(
                source,
                prompt,
                model=model,
                field=field,
                system=system,
                schema=answer_schema,
                temperature=temperature,
                max_tokens=max_tokens,
                base_url=base_url,
                provider=provider,
                concurrency=concurrency,
                max_usd=budget,
                cache=_cache_setting(cache, no_cache),
                progress=on_progress,
                work_dir=work_dir,
            )
        )
    write_objects(output, result.samples)
    counts = ", ".join(
        f"{result.count(status)} {status}" for status in ("ok", "failed", "invalid", "not_sent")
    )
    p = result.summary.progress
    typer.echo(
        f"{result.summary.stopped}: enriched {len(result.samples)} samples ({counts}) into "
        f"{output}; {p.done} answered, {p.cached} cached, spent {usd(p.spent_usd)}",
        err=True,
    )
    _exit_for(result.summary)


def register(app: typer.Typer) -> None:
    """Add the ``llm`` command group to the ``ferrosynth`` app."""
    app.add_typer(llm_app, name="llm")
