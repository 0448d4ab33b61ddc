"""Personas to JSON Lines, and what a persona as the user costs a conversation or a trace.

Groups, each with its peers measured in the same run:

- ``persona``: ``DataGenerator().write`` of ``PERSONA_N`` personas (all cores, and one thread);
- ``persona_users[<data>]``: conversations (template and tool use) and agent traces, plain and
  with the ``persona`` constraint, ``USERS_N`` samples each, on one thread.

``extra_info`` holds ``samples`` (samples/s = samples / round time) and ``cpu_s``, the process's
CPU time (user + system) of the last round, so rows per CPU-second do not depend on the load of
a shared machine. Files go to ``FERROSYNTH_BENCH_DIR`` (default ``/dev/shm`` when it exists, so
the disk is not the bench). The target of issue 15 item 7 is 500,000 personas/s.

Off in the normal test run. Run with::

    .venv/bin/pytest benches/test_bench_persona.py --benchmark-enable --benchmark-only \\
        --benchmark-json=persona.json
"""

from __future__ import annotations

import os
import resource
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from ferrosynth import DataGenerator, DataType, GeneratorConfig

PERSONA_N = 1_000_000
USERS_N = 100_000
ROUNDS = 3

USERS: dict[str, GeneratorConfig] = {
    "template_conversation": GeneratorConfig(
        data_type=DataType.conversation, count=USERS_N, seed=1
    ),
    "tool_use_conversation": GeneratorConfig(
        data_type=DataType.conversation, count=USERS_N, seed=1, constraints={"mode": "tool_use"}
    ),
    "agent_trace": GeneratorConfig(data_type=DataType.agent_trace, count=USERS_N, seed=1),
}


@pytest.fixture
def out_dir() -> Iterator[Path]:
    base = os.environ.get("FERROSYNTH_BENCH_DIR") or (
        "/dev/shm" if Path("/dev/shm").is_dir() else None
    )
    with tempfile.TemporaryDirectory(dir=base) as name:
        yield Path(name)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _measure(benchmark: Any, config: GeneratorConfig, path: Path, threads: int | None) -> None:
    gen = DataGenerator()
    if benchmark.disabled:  # a plain test run: check the call, quickly
        config = config.model_copy(update={"count": 2_000})
    gen.write(config.model_copy(update={"count": 100}), path, threads=threads)  # compile, warm up
    benchmark.extra_info["samples"] = config.count

    def write() -> int:
        before = _cpu()
        report = gen.write(config, path, threads=threads)
        benchmark.extra_info["cpu_s"] = _cpu() - before
        return report.count

    assert benchmark.pedantic(write, rounds=ROUNDS, iterations=1) == config.count
    with path.open("rb") as f:
        assert orjson.loads(f.readline())["index"] == 0


@pytest.mark.parametrize("threads", [None, 1], ids=["all_cores", "one_thread"])
def test_write_personas(benchmark: Any, out_dir: Path, threads: int | None) -> None:
    """``write`` of ``PERSONA_N`` personas to JSON Lines."""
    benchmark.group = "persona"
    config = GeneratorConfig(data_type=DataType.persona, count=PERSONA_N, seed=1)
    _measure(benchmark, config, out_dir / "personas.jsonl", threads)


@pytest.mark.parametrize("persona", [False, True], ids=["plain", "persona"])
@pytest.mark.parametrize("data", sorted(USERS))
def test_persona_users(benchmark: Any, out_dir: Path, data: str, persona: bool) -> None:
    """``write`` of ``USERS_N`` samples on one thread, plain or with a persona as the user."""
    benchmark.group = f"persona_users[{data}]"
    config = USERS[data]
    if persona:
        config = config.model_copy(update={"constraints": {**config.constraints, "persona": True}})
    _measure(benchmark, config, out_dir / "users.jsonl", threads=1)
