"""Time the binding's hot paths in whatever ``ferrosynth`` this interpreter imports.

Run by ``scripts/bench_abi3.sh`` in a virtual environment holding the abi3 wheel and in one
holding a version-specific (cp3XY) wheel built from the same commit, to compare the stable ABI
against the full C API. Workloads, all single-threaded (``threads=1``):

- ``call``: ``Plan.json_array(seed, i, 1)``, one sample per call — the binding's per-call cost
  (argument parsing, GIL release and re-attach, building a ``bytes``); abi3 would show here.
- ``generate_small``: ``DataGenerator().generate(count=1)`` — the public API's per-call cost
  (plan cache lookup, Pydantic model construction) around that.
- ``jsonl_bulk``: ``Plan.jsonl`` of many agent traces — the core's throughput.
- ``generate_bulk``: ``DataGenerator().generate`` of many JSON records — bulk through the
  public API (bytes → ``orjson.loads``).

Two modes:

- default: the median wall time of ``--repeat`` runs of each workload, one JSON line;
- ``--once NAME``: set up, then run workload ``NAME`` once (``none``: only the set-up). The
  shell script runs this under ``valgrind --tool=callgrind`` and subtracts ``none``: instruction
  counts, which do not move with the load of a shared machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import sysconfig
import time
from collections.abc import Callable
from pathlib import Path

import ferrosynth
from ferrosynth import DataGenerator, DataType, GeneratorConfig


def workloads(scale: float) -> dict[str, tuple[Callable[[], object], int]]:
    """``{name: (run once, units per run)}``; ``scale`` shrinks them for callgrind."""
    calls, small, bulk = int(20_000 * scale), int(2_000 * scale), int(200_000 * scale)
    gen = DataGenerator()
    trace_plan = gen.plan(GeneratorConfig(data_type=DataType.agent_trace, count=1, seed=1))
    json_plan = gen.plan(GeneratorConfig(data_type=DataType.json, count=1, seed=1))
    one = GeneratorConfig(data_type=DataType.json, count=1, seed=1)
    many = GeneratorConfig(data_type=DataType.json, count=bulk // 4, seed=1)

    def call() -> None:
        for i in range(calls):
            json_plan.json_array(1, i, 1, threads=1)

    def generate_small() -> None:
        for _ in range(small):
            gen.generate(one, threads=1)

    return {
        "call": (call, calls),
        "generate_small": (generate_small, small),
        "jsonl_bulk": (lambda: trace_plan.jsonl(1, 0, bulk, threads=1), bulk),
        "generate_bulk": (lambda: gen.generate(many, threads=1), bulk // 4),
    }


def median_seconds(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm caches (plan compilation, page faults) outside the timings
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--label", default="")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--once", metavar="NAME", help="run one workload once (or 'none')")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()

    loads = workloads(args.scale)
    if args.once is not None:
        for fn, _ in loads.values():
            fn()  # the same warm-up as the timed mode, so that `none` subtracts it
        if args.once != "none":
            loads[args.once][0]()
        return

    results: dict[str, object] = {
        "label": args.label,
        "extension": Path(ferrosynth._native.__file__).name,
        "python": sys.version.split()[0],
        "platform": sysconfig.get_platform(),
    }
    for name, (fn, units) in loads.items():
        results[f"{name}_us"] = round(median_seconds(fn, args.repeat) / units * 1e6, 3)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
