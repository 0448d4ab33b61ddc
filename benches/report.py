"""Turn a ``--benchmark-json`` file from ``benches/`` into a markdown table of samples/s and ratios.

Usage::

    .venv/bin/python benches/report.py run1.json [run2.json ...] [--min-ratio 20] [--min-geomean 50]

For each group (data type): ferrosynth's and Faker's median samples/s (``samples`` in
``extra_info`` divided by the median round time) and their ratio; then the geometric mean of the
ratios. A ratio is only ever taken between peers of the same run. Given several runs, each figure
is the median over runs, and the ratio column also shows the lowest and highest run. Exits 1 when
a target is missed, so it can gate CI.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from pathlib import Path

ORDER = ["text", "json", "json_schema", "conversation", "tool_call", "agent_trace"]


def rates(path: Path) -> dict[str, dict[str, float]]:
    """``{group: {library: median samples/s}}`` from a pytest-benchmark JSON file."""
    data = json.loads(path.read_text())
    out: dict[str, dict[str, float]] = {}
    for bench in data["benchmarks"]:
        info = bench["extra_info"]
        out.setdefault(info["data_type"], {})[info["library"]] = (
            info["samples"] / bench["stats"]["median"]
        )
    return out


def table(runs: list[dict[str, dict[str, float]]]) -> tuple[str, list[float]]:
    """The markdown table and the per-group median ratios."""
    groups = sorted(
        {g for run in runs for g in run},
        key=lambda g: (ORDER.index(g) if g in ORDER else len(ORDER), g),
    )
    lines = [
        "| data type | ferrosynth samples/s | Faker samples/s | ratio | ratio range |",
        "|---|---:|---:|---:|---:|",
    ]
    ratios = []
    for g in groups:
        pairs = [run[g] for run in runs if {"ferrosynth", "faker"} <= run.get(g, {}).keys()]
        if not pairs:
            lines.append(f"| {g} | - | - | - | - |")
            continue
        ferro = statistics.median(p["ferrosynth"] for p in pairs)
        faker = statistics.median(p["faker"] for p in pairs)
        per_run = [p["ferrosynth"] / p["faker"] for p in pairs]
        ratio = statistics.median(per_run)
        ratios.append(ratio)
        lines.append(
            f"| {g} | {ferro:,.0f} | {faker:,.0f} | {ratio:,.1f}x "
            f"| {min(per_run):,.1f}-{max(per_run):,.1f}x |"
        )
    return "\n".join(lines), ratios


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json_files", type=Path, nargs="+")
    parser.add_argument("--min-ratio", type=float, default=20.0)
    parser.add_argument("--min-geomean", type=float, default=50.0)
    args = parser.parse_args(argv)

    text, ratios = table([rates(f) for f in args.json_files])
    geomean = math.exp(sum(map(math.log, ratios)) / len(ratios)) if ratios else float("nan")
    print(text)
    print()
    print(
        f"Geometric mean of ratios: **{geomean:,.1f}x** over {len(ratios)} data types, "
        f"{len(args.json_files)} run(s)"
    )

    misses = [r for r in ratios if r < args.min_ratio]
    ok = not misses and geomean >= args.min_geomean
    print(
        f"Targets (every ratio >= {args.min_ratio:g}x, geometric mean >= {args.min_geomean:g}x): "
        + ("met" if ok else "MISSED")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
