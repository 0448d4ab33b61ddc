"""Full-size bulk figures for docs/benchmarks.md: W1/W2 records/s and peak RSS.

Runs the real CLI (`ferrosynth generate`) in a subprocess per measurement, timed with
`/usr/bin/time` (wall seconds and peak RSS), `repeat` times each, and prints the medians.

    .venv/bin/python scripts/bulk_figures.py --out /tmp/ferro-bulk [--repeat 3] [--rss]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "benches" / "schemas"
CLI = Path(sys.executable).parent / "ferrosynth"


def run(workload: str, count: int, target: Path, workers: int | None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one `ferrosynth generate` run."""
    args = [
        "/usr/bin/time",
        "-f",
        "%e %M",
        str(CLI),
        "generate",
        "--type",
        "json",
        "--schema",
        str(SCHEMAS / f"{workload}.json"),
        "--count",
        str(count),
        "--seed",
        "1",
        "--output",
        str(target),
    ]
    if workers:
        args += ["--workers", str(workers)]
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    wall, rss = done.stderr.strip().splitlines()[-1].split()
    target.unlink()
    return float(wall), int(rss)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True, help="scratch directory (emptied)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--rss", action="store_true", help="also stream 20M and 100M W1 rows")
    opts = parser.parse_args()
    shutil.rmtree(opts.out, ignore_errors=True)
    opts.out.mkdir(parents=True)
    cases = [
        ("w1", 10_000_000, ".jsonl"),
        ("w2", 1_000_000, ".jsonl"),
        ("w1", 10_000_000, ".parquet"),
        ("w2", 1_000_000, ".parquet"),
        ("w1", 10_000_000, ".jsonl.gz"),
    ]
    print("| workload | rows | format | median s | records/s | peak RSS MiB |")
    print("|---|---:|---|---:|---:|---:|")
    for workload, count, suffix in cases:
        runs = [
            run(workload, count, opts.out / f"{workload}{suffix}", opts.workers)
            for _ in range(opts.repeat)
        ]
        wall = statistics.median(w for w, _ in runs)
        rss = max(r for _, r in runs) / 1024
        print(
            f"| {workload} | {count:,} | {suffix[1:]} | {wall:.2f} | {count / wall:,.0f} "
            f"| {rss:.0f} |",
            flush=True,
        )
    if opts.rss:
        for count in (20_000_000, 100_000_000):
            wall, rss = run("w1", count, opts.out / "w1-rss.jsonl", opts.workers)
            print(
                f"| w1 (RSS) | {count:,} | jsonl | {wall:.2f} | {count / wall:,.0f} "
                f"| {rss / 1024:.0f} |",
                flush=True,
            )
    shutil.rmtree(opts.out, ignore_errors=True)


if __name__ == "__main__":
    main()
