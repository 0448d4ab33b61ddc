"""``ferrosynth personas ...``: generate personas, estimate their cost, manage experiments.

Bad input (a missing path, an unknown provider, a malformed ``--max-cost``, an over-budget
run, a provider refusing the key) is one ``error: ...`` line on stderr and exit status 2, as
everywhere in the CLI. Data goes to files or stdout; summaries go to stderr.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from ferrosynth.personas import PersonaGenerator

__all__ = ["register"]

personas_app = typer.Typer(
    no_args_is_help=True, help="Personas from research data, with an LLM or offline."
)
experiment_app = typer.Typer(no_args_is_help=True, help="Experiments on disk.")
personas_app.add_typer(experiment_app, name="experiment")

_PROVIDER_HELP = "openai, anthropic, gemini, ollama or mock (offline); openai with --base-url."
Provider = Annotated[str | None, typer.Option("--provider", "-p", help=_PROVIDER_HELP)]
Model = Annotated[str | None, typer.Option("--model", "-m", help="Model name.")]
BaseURL = Annotated[
    str | None, typer.Option("--base-url", help="An OpenAI-compatible (or other) endpoint.")
]
Count = Annotated[int | None, typer.Option("--count", "-n", help="Personas to generate.")]
MaxCost = Annotated[
    str | None, typer.Option("--max-cost", help="Budget in USD; nothing is sent above it.")
]
Seed = Annotated[int | None, typer.Option("--seed", "-s", help="Seed (part of ids).")]
Format = Annotated[
    str | None,
    typer.Option(
        "--response-format",
        help="json_object (JSON mode), json_schema (exactly N personas; mock-llm) or none.",
    ),
]
ExperimentsDir = Annotated[Path, typer.Option("--dir", help="Folder holding the experiments.")]


def _input_error(message: str) -> Exception:
    from ferrosynth.cli import InputError

    return InputError(message)


def _settings(
    provider: str | None,
    model: str | None,
    base_url: str | None,
    count: int | None,
    max_cost: str | None,
    seed: int | None,
    response_format: str | None = None,
) -> dict[str, Any]:
    if count is not None and count < 1:
        raise _input_error(f"--count must be >= 1, got {count}")
    cost = None
    if max_cost is not None:
        try:
            cost = Decimal(max_cost)
        except InvalidOperation:
            raise _input_error(f"--max-cost must be a number of USD, got {max_cost!r}") from None
        if not cost.is_finite() or cost < 0:
            raise _input_error(f"--max-cost must be >= 0, got {max_cost!r}")
    if provider is None and base_url is not None:
        provider = "openai"
    values = {
        "provider": provider,
        "model": model,
        "base_url": base_url,
        "count": count,
        "max_cost": cost,
        "seed": seed,
        "response_format": response_format,
    }
    return {k: v for k, v in values.items() if v is not None}


def _generator(settings: dict[str, Any], cache: Path | None) -> PersonaGenerator:
    from ferrosynth.personas import PersonaGenerator, load_config

    config = load_config(settings)
    return PersonaGenerator(config=config, cache=cache)


def _check_path(path: Path) -> None:
    if not path.exists():
        raise _input_error(f"data path {str(path)!r} does not exist")


@personas_app.command("generate")
def generate(
    path: Annotated[Path, typer.Argument(help="A file or a folder of research data.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the outputs.")],
    count: Count = None,
    provider: Provider = None,
    model: Model = None,
    base_url: BaseURL = None,
    max_cost: MaxCost = None,
    seed: Seed = None,
    cache: Annotated[
        Path | None, typer.Option("--cache", help="SQLite request cache; a rerun sends nothing.")
    ] = None,
    response_format: Format = None,
) -> None:
    """Generate personas into OUTPUT/personas.json and OUTPUT/personas.md."""
    _check_path(path)
    if output.exists() and not output.is_dir():
        raise _input_error(f"--output {str(output)!r} is not a folder")
    settings = _settings(provider, model, base_url, count, max_cost, seed, response_format)
    generator = _generator(settings, cache)
    generator.set_progress_callback(
        lambda message, step, total: typer.echo(f"[{step}/{total}] {message}", err=True)
    )
    result = generator.generate(path)
    json_path = result.to_json(output)
    result.to_markdown(output)
    cost = "unknown" if result.cost_usd is None else f"${result.cost_usd:.6f}"
    typer.echo(
        f"wrote {len(result.personas)} personas to {json_path} ({result.requests} request(s), "
        f"{result.cache_hits} cached, {result.input_tokens}+{result.output_tokens} tokens, "
        f"cost {cost})",
        err=True,
    )


@personas_app.command("estimate")
def estimate(
    path: Annotated[Path, typer.Argument(help="A file or a folder of research data.")],
    count: Count = None,
    provider: Provider = None,
    model: Model = None,
    base_url: BaseURL = None,
) -> None:
    """Estimate tokens and cost (JSON on stdout); sends nothing."""
    _check_path(path)
    generator = _generator(_settings(provider, model, base_url, count, None, None), None)
    typer.echo(json.dumps(generator.estimate_cost(path), indent=2))


@experiment_app.command("create")
def experiment_create(
    name: str,
    directory: ExperimentsDir = Path("experiments"),
    description: Annotated[str, typer.Option("--description", "-d")] = "",
    data: Annotated[Path | None, typer.Option("--data", help="Research data to copy in.")] = None,
    count: Count = None,
    provider: Provider = None,
    model: Model = None,
    base_url: BaseURL = None,
    max_cost: MaxCost = None,
    seed: Seed = None,
    response_format: Format = None,
) -> None:
    """Create experiments/<slug>/ (config.yaml, README.md, data/, outputs/)."""
    from ferrosynth.personas import ExperimentSDK

    settings = _settings(provider, model, base_url, count, max_cost, seed, response_format)
    folder = ExperimentSDK(directory).create(name, description=description, data=data, **settings)
    typer.echo(str(folder))


@experiment_app.command("list")
def experiment_list(directory: ExperimentsDir = Path("experiments")) -> None:
    """List the experiments (one folder name a line)."""
    from ferrosynth.personas import ExperimentSDK

    for slug in ExperimentSDK(directory).list():
        typer.echo(slug)


@experiment_app.command("run")
def experiment_run(
    name: str,
    directory: ExperimentsDir = Path("experiments"),
    count: Count = None,
    provider: Provider = None,
    model: Model = None,
    base_url: BaseURL = None,
    max_cost: MaxCost = None,
    seed: Seed = None,
    cache: Annotated[Path | None, typer.Option("--cache", help="SQLite request cache.")] = None,
) -> None:
    """Run an experiment; prints the run's output folder."""
    from ferrosynth.personas import ExperimentSDK

    settings = _settings(provider, model, base_url, count, max_cost, seed)
    run = ExperimentSDK(directory).run(name, cache=cache, **settings)
    typer.echo(str(run.output_dir))


@experiment_app.command("delete")
def experiment_delete(
    name: str,
    directory: ExperimentsDir = Path("experiments"),
    yes: Annotated[bool, typer.Option("--yes", help="Confirm the deletion.")] = False,
) -> None:
    """Delete an experiment and all its outputs (needs --yes)."""
    from ferrosynth.personas import ExperimentSDK

    ExperimentSDK(directory).delete(name, confirm=yes)
    typer.echo(f"deleted {name}", err=True)


def register(app: typer.Typer) -> None:
    """Add the ``personas`` command group to ``app``."""
    app.add_typer(personas_app, name="personas")
