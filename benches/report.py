"""Turn a ``--benchmark-json`` file from ``benches/`` into a markdown table of samples/s and ratios.

Usage::

    .venv/bin/python benches/report.py run1.json [run2.json ...] [--min-ratio 20] [--min-geomean 50]

For each group (data type): ferrosynth's and its peer's median samples/s (``samples`` in
``extra_info`` divided by the median round time) and their ratio; then the geometric mean of the
ratios. The peer is the library other than ferrosynth in the group (``aumai-datasynthesizer``,
the real reference, or ``faker``, the re-implementation ``benches/test_bench_generate.py`` falls
back to), and the table names it. A ratio is only ever taken between peers of the same run.
Given several runs, each figure is the median over runs, and the ratio column also shows the
lowest and highest run. Exits 1 when a target is missed, so it can gate CI.
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


def peers(runs: list[dict[str, dict[str, float]]]) -> list[str]:
    """The libraries measured against ferrosynth, sorted."""
    return sorted({lib for run in runs for group in run.values() for lib in group} - {"ferrosynth"})


def table(runs: list[dict[str, dict[str, float]]]) -> tuple[str, list[float]]:
    """The markdown table and the per-group median ratios."""
    groups = sorted(
        {g for run in runs for g in run},
        key=lambda g: (ORDER.index(g) if g in ORDER else len(ORDER), g),
    )
    names = peers(runs)
    if len(names) > 1:
        raise SystemExit(
            f"runs measured different peers ({', '.join(names)}): compare like with like"
        )
    peer = names[0] if names else "peer"
    lines = [
        f"| data type | ferrosynth samples/s | {peer} samples/s | ratio | ratio range |",
        "|---|---:|---:|---:|---:|",
    ]
    ratios = []
    for g in groups:
        pairs = [run[g] for run in runs if {"ferrosynth", peer} <= run.get(g, {}).keys()]
        if not pairs:
            lines.append(f"| {g} | - | - | - | - |")
            continue
        ferro = statistics.median(p["ferrosynth"] for p in pairs)
        other = statistics.median(p[peer] for p in pairs)
        per_run = [p["ferrosynth"] / p[peer] for p in pairs]
        ratio = statistics.median(per_run)
        ratios.append(ratio)
        lines.append(
            f"| {g} | {ferro:,.0f} | {other:,.0f} | {ratio:,.1f}x "
            f"| {min(per_run):,.1f}-{max(per_run):,.1f}x |"
        )
    return "\n".join(lines), ratios


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json_files", type=Path, nargs="+")
    parser.add_argument("--min-ratio", type=float, default=20.0)
    parser.add_argument("--min-geomean", type=float, default=50.0)
    args = parser.parse_args(argv)

    runs = [rates(f) for f in args.json_files]
    text, ratios = table(runs)
    geomean = math.exp(sum(map(math.log, ratios)) / len(ratios)) if ratios else float("nan")
    real = "aumai-datasynthesizer" in peers(runs)
    print(
        "Peer: "
        + (
            "the real reference, aumai-datasynthesizer"
            if real
            else "the Faker re-implementation of the reference (aumai-datasynthesizer absent)"
        )
    )
    print()
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
