"""Markdown table of records/s and ratios from ``benches/test_bench_bulk.py`` JSON output.

Usage: ``.venv/bin/python benches/report_bulk.py bulk.json``
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(path: str) -> None:
    data = json.loads(Path(path).read_text())
    rows: dict[tuple[str, str], dict[str, float]] = {}
    for bench in data["benchmarks"]:
        info = bench["extra_info"]
        key = (info["workload"], info["format"])
        rows.setdefault(key, {})[info["library"]] = info["records"] / bench["stats"]["median"]
    print("| workload | format | library | records/s (median) | ferrosynth is × faster |")
    print("|---|---|---|---:|---:|")
    for (workload, fmt), libs in sorted(rows.items()):
        ours = libs.get("ferrosynth")
        for lib, rate in sorted(libs.items(), key=lambda kv: -kv[1]):
            ratio = "" if lib == "ferrosynth" or ours is None else f"{ours / rate:,.1f}×"
            print(f"| {workload} | {fmt} | {lib} | {rate:,.0f} | {ratio} |")


if __name__ == "__main__":
    main(sys.argv[1])
