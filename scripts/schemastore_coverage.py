"""Schema coverage on a directory of real-world JSON Schemas (SchemaStore's ``src/schemas/json``).

Each schema runs in its own forked subprocess under a timeout: compile (timed), generate N
instances, then check every instance with the independent Python ``jsonschema`` package (formats
asserted; ``pattern`` through the ``regex`` module, as in ``tests/schema_oracle.py``). Each schema
is classified as

- ``valid``: every instance passes the oracle;
- ``external``: refused because it needs a ``$ref`` into another document (never fetched);
- ``refused``: a typed ``SchemaError`` (unsatisfiable, or a documented unsupported feature);
- ``invalid``: at least one instance fails the oracle (a generator bug);
- ``disputed``: Python ``jsonschema`` rejects an instance that the second independent validator
  (the Rust ``jsonschema`` crate behind ``validate=True``) accepts: the two oracles disagree,
  and the report names the keyword so that a person can read the specification;
- ``crash``: the subprocess died, timed out, or raised an untyped error;
- ``not-json``: the file is not JSON (not a schema we can read).

Usage::

    python scripts/schemastore_coverage.py /work/ref/schemastore/json --instances 20 --timeout 30
    python scripts/schemastore_coverage.py DIR --every 4 --json out.json

Run with ``PYTHONPATH=python:.`` from the repository root (the oracle lives in ``tests/``).
"""

from __future__ import annotations

import argparse
import json
import os
import select
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.schema_oracle import oracle

from ferrosynth import SchemaBasedGenerator
from ferrosynth.errors import FerrosynthError, SchemaError
from ferrosynth.models import DataType, GeneratorConfig

KINDS = ("valid", "external", "refused", "invalid", "disputed", "crash", "not-json")


def check_one(path: Path, instances: int, seed: int, budget: float) -> dict[str, Any]:
    """Classify one schema file (runs inside the forked child)."""
    try:
        schema = json.loads(path.read_text(encoding="utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        return {"kind": "not-json", "detail": str(exc)[:200]}
    if not isinstance(schema, (dict, bool)):
        return {"kind": "not-json", "detail": "not an object or boolean"}
    gen = SchemaBasedGenerator()
    config = GeneratorConfig.model_construct(
        data_type=DataType.json, count=instances, seed=seed, schema=schema, constraints={}
    )
    start = time.perf_counter()
    try:
        gen._generator.plan(config)
        compile_s = time.perf_counter() - start
        out = gen.from_schema(schema, instances, seed=seed)
    except SchemaError as exc:
        kind = "external" if "only references inside the document" in str(exc) else "refused"
        return {"kind": kind, "compile_s": time.perf_counter() - start, "detail": str(exc)[:300]}
    except FerrosynthError as exc:
        return {
            "kind": "refused",
            "compile_s": time.perf_counter() - start,
            "detail": repr(exc)[:300],
        }
    except Exception:
        return {"kind": "crash", "detail": traceback.format_exc(limit=3)[-400:]}

    def rust_oracle_accepts() -> bool:
        try:
            gen.from_schema(schema, instances, seed=seed, validate=True)
        except FerrosynthError:
            return False
        return True

    try:
        check = oracle(schema)
    except Exception as exc:
        kind = "valid" if rust_oracle_accepts() else "invalid"
        return {"kind": kind, "compile_s": compile_s, "detail": f"python oracle: {exc!r}"[:300]}
    # Python's validator can take minutes on SchemaStore's largest documents: it checks what
    # it can in the time left, and the Rust validator (`validate=True`) checks every instance.
    deadline = start + budget
    checked = 0
    for i, inst in enumerate(out):
        if time.perf_counter() > deadline and checked:
            break
        try:
            err = next(iter(check.iter_errors(inst)), None)
        except Exception as exc:
            kind = "valid" if rust_oracle_accepts() else "invalid"
            return {"kind": kind, "compile_s": compile_s, "detail": f"python oracle: {exc!r}"[:300]}
        checked += 1
        if err is not None:
            where = "/" + "/".join(str(p) for p in err.absolute_path)
            return {
                "kind": "disputed" if rust_oracle_accepts() else "invalid",
                "compile_s": compile_s,
                "detail": f"instance {i} at {where}: {err.message[:200]} "
                f"(schema {'/'.join(map(str, err.absolute_schema_path))})",
            }
    if checked < len(out):
        if not rust_oracle_accepts():
            return {"kind": "invalid", "compile_s": compile_s, "detail": "the Rust oracle fails"}
        note = f"python oracle checked {checked} of {len(out)} in time; the Rust oracle all"
        return {"kind": "valid", "compile_s": compile_s, "detail": note}
    return {"kind": "valid", "compile_s": compile_s}


def run_forked(path: Path, instances: int, seed: int, timeout: float) -> dict[str, Any]:
    """``check_one`` in a forked child; a crash or timeout is reported, not inherited."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(r)
        try:
            res = check_one(path, instances, seed, timeout * 0.6)
        except BaseException:
            res = {"kind": "crash", "detail": traceback.format_exc(limit=3)[-400:]}
        os.write(w, json.dumps(res).encode())
        os._exit(0)
    os.close(w)
    t0 = time.monotonic()
    chunks: list[bytes] = []
    timed_out = False
    while True:
        left = timeout - (time.monotonic() - t0)
        if left <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([r], [], [], left)
        if not ready:
            continue
        data = os.read(r, 65536)
        if not data:
            break
        chunks.append(data)
    if timed_out:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    os.close(r)
    if timed_out:
        return {"kind": "crash", "detail": f"timeout after {timeout} s"}
    try:
        return dict(json.loads(b"".join(chunks)))
    except ValueError:
        return {"kind": "crash", "detail": f"child died (wait status {status})"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--every", type=int, default=1, help="check every K-th file (default: all)")
    ap.add_argument("--instances", type=int, default=20)
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per schema")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--slowest", type=int, default=10)
    ap.add_argument("--json", type=Path, help="write every file's result here")
    ap.add_argument("--quiet", action="store_true", help="no per-file lines for failures")
    args = ap.parse_args(argv)
    files = sorted(args.dir.glob("*.json"))[:: args.every]
    results: dict[str, dict[str, Any]] = {}
    t0 = time.monotonic()
    for path in files:
        res = run_forked(path, args.instances, args.seed, args.timeout)
        results[path.name] = res
        if res["kind"] in ("invalid", "disputed", "crash") and not args.quiet:
            print(f"{res['kind']:8} {path.name}: {res.get('detail', '')}", file=sys.stderr)
    counts = {k: sum(1 for r in results.values() if r["kind"] == k) for k in KINDS}
    print(
        f"{len(files)} schemas from {args.dir} ({args.instances} instances each, "
        f"seed {args.seed}), {time.monotonic() - t0:.0f} s"
    )
    print("| schemas | " + " | ".join(KINDS) + " |")
    print("|---:|" + "---:|" * len(KINDS))
    print(f"| {len(files)} | " + " | ".join(str(counts[k]) for k in KINDS) + " |")
    for kind in ("invalid", "disputed", "crash", "refused", "external"):
        names = sorted(n for n, r in results.items() if r["kind"] == kind)
        if names:
            print(f"\n{kind} ({len(names)}):")
            for n in names:
                print(f"  {n}: {results[n].get('detail', '')}")
    timed = sorted(
        ((r["compile_s"], n) for n, r in results.items() if "compile_s" in r), reverse=True
    )
    if timed:
        print(f"\nslowest compiles (of {len(timed)}):")
        for s, n in timed[: args.slowest]:
            print(f"  {s:8.3f} s  {n}")
        print(f"  median {timed[len(timed) // 2][0] * 1000:.1f} ms")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, sort_keys=True))
    return 1 if counts["invalid"] or counts["crash"] else 0


if __name__ == "__main__":
    sys.exit(main())
