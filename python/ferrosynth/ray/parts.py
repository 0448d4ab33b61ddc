"""A directory of part files written by Ray tasks, byte-identical to a local run once joined.

Each part is one contiguous index range written by the same Rust writer as
:meth:`DataGenerator.write` (atomically, in constant memory), so ``cat part-*.jsonl`` equals the
file a local run writes, and the Parquet parts hold the same rows and column types. Ray schedules
the parts over the cluster and retries a part whose worker died; a part is only ever complete or
absent, so a retry cannot leave half a file.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import ray.data

from ferrosynth.core import DataGenerator, OutputFormat
from ferrosynth.errors import ConfigError, OutputError
from ferrosynth.export import ExportFormat
from ferrosynth.models import GeneratorConfig
from ferrosynth.ray.datasource import partitions

__all__ = ["MANIFEST", "PartsReport", "part_name", "write_parts"]

#: Written last, when every part is in place: the run's seed, ranges and files.
MANIFEST = "_ferrosynth.json"
_EXTENSIONS: dict[str, str] = {"jsonl": "jsonl", "jsonl.gz": "jsonl.gz", "parquet": "parquet"}


def part_name(k: int, format: OutputFormat) -> str:
    """The file name of part ``k``: zero-padded, so that names sort in index order."""
    return f"part-{k:05d}.{_EXTENSIONS[format]}"


@dataclass(frozen=True)
class PartsReport:
    """What :func:`write_parts` wrote: the directory, its parts (in index order) and the seed."""

    directory: Path
    parts: tuple[Path, ...]
    count: int
    seed: int
    bytes_written: int


def _write_part(
    batch: dict[str, Any],
    config: GeneratorConfig,
    generator: DataGenerator,
    directory: str,
    format: OutputFormat,
    export: ExportFormat,
    threads: int,
) -> dict[str, Any]:
    written = []
    for k, first, rows in zip(batch["part"], batch["first"], batch["rows"], strict=True):
        target = Path(directory) / part_name(int(k), format)
        report = generator.write(
            config.model_copy(update={"count": int(rows)}),
            target,
            format=format,
            start=int(first),
            threads=threads,
            export=export,
        )
        written.append(report.bytes_written)
    return {"part": batch["part"], "bytes": written}


def write_parts(
    config: GeneratorConfig,
    directory: str | os.PathLike[str],
    *,
    format: OutputFormat = "jsonl",
    parts: int | None = None,
    start: int = 0,
    export: ExportFormat = "ferrosynth",
    generator: DataGenerator | None = None,
    threads_per_part: int = 1,
    progress: Callable[[int, int], object] | None = None,
) -> PartsReport:
    """Write samples ``start .. start + config.count`` as part files under ``directory``.

    ``parts`` defaults to one per CPU of the Ray cluster (connected to, or started locally, by
    ``ray.init``). Parts are named ``part-00000.<ext>`` ... in index order; a manifest
    (``_ferrosynth.json``) is written last. ``progress(parts_done, parts)`` is called as parts
    complete. The directory must be empty or not exist, so that stale parts of another run can
    never be mistaken for this one's.
    """
    target = Path(directory)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise OutputError(f"{str(target)!r} must be an empty directory or not exist")
    if threads_per_part <= 0:
        raise ConfigError(f"threads_per_part must be > 0, got {threads_per_part}", "threads")
    generator = generator or DataGenerator()
    seed = DataGenerator.resolve_seed(config)
    config = config.model_copy(update={"seed": seed})
    generator.plan(config, export)  # compile on the driver: a bad config fails before Ray runs
    if not ray.is_initialized():
        ray.init(logging_level=logging.WARNING, log_to_driver=False)
    if parts is None:
        cpus = ray.cluster_resources().get("CPU", 1)  # type: ignore[no-untyped-call]
        parts = max(1, int(cpus))
    ranges = partitions(start, config.count, parts)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {str(target)!r}: {exc.strerror or exc}") from exc
    items = [{"part": k, "first": first, "rows": rows} for k, (first, rows) in enumerate(ranges)]
    work = ray.data.from_items(items, override_num_blocks=len(items)).map_batches(
        cast(Any, _write_part),
        fn_args=(config, generator, str(target.resolve()), format, export, threads_per_part),
        batch_size=1,
        num_cpus=threads_per_part,
    )
    total_bytes = 0
    for done, row in enumerate(work.iter_rows(), start=1):
        total_bytes += int(row["bytes"])
        if progress is not None:
            progress(done, len(items))
    files = tuple(target / part_name(k, format) for k in range(len(items)))
    manifest = {
        "count": config.count,
        "start": start,
        "seed": seed,
        "data_type": config.data_type.value,
        "export": export,
        "format": format,
        "parts": [
            {"file": f.name, "first": first, "rows": rows}
            for f, (first, rows) in zip(files, ranges, strict=True)
        ],
    }
    tmp = target / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, target / MANIFEST)
    return PartsReport(target, files, config.count, seed, total_bytes)
