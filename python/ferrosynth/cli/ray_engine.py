"""``ferrosynth generate --engine ray``: a directory of parts written through Ray."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import cast

import typer

from ferrosynth.cli import InputError
from ferrosynth.core import OutputFormat
from ferrosynth.export import ExportFormat
from ferrosynth.models import GeneratorConfig

__all__ = ["generate_parts"]

PART_FORMATS = ("jsonl", "jsonl.gz", "parquet")


def generate_parts(
    config: GeneratorConfig,
    output: Path,
    *,
    address: str | None,
    parts: int | None,
    part_format: str,
    export: ExportFormat,
) -> None:
    """Write ``config`` as part files under ``output`` on a Ray cluster, with progress."""
    if part_format not in PART_FORMATS:
        raise InputError(
            f"unknown --part-format {part_format!r}; expected one of: {', '.join(PART_FORMATS)}"
        )
    if parts is not None and parts <= 0:
        raise InputError(f"--parts must be > 0, got {parts}")
    import ray

    import ferrosynth.ray as fray

    ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False)
    try:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        console = Console(stderr=True)
        columns = (BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(
            *columns, console=console, transient=True, disable=not console.is_terminal
        ) as bar:
            task = bar.add_task("parts", total=parts)

            def on_part(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            report = fray.write_parts(
                config,
                output,
                format=cast(OutputFormat, part_format),
                parts=parts,
                export=export,
                progress=on_part,
            )
    finally:
        ray.shutdown()
    typer.echo(
        f"wrote {report.count} samples in {len(report.parts)} parts to {report.directory} "
        f"(seed {report.seed})",
        err=True,
    )
