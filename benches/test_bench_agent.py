"""Agent data to JSON Lines: samples per second of ``DataGenerator().write(config, "x.jsonl")``.

Groups (one per kind of agent data), each with its peers measured in the same run:

- ``agent_trace``: ferrosynth's native traces, the same traces as OpenAI fine-tuning records
  and as OpenTelemetry spans, and the Faker baseline of ``test_bench_generate.py`` (what
  ``aumai-datasynthesizer`` does per trace) written with ``orjson``;
- ``tool_use_conversation``: conversations in which the assistant calls tools (ferrosynth
  native and Anthropic Messages records; the reference has no such mode, so no Faker peer);
- ``template_conversation``: the ``customer_support`` template, ferrosynth against the Faker
  baseline of ``test_bench_generate.py``.

ferrosynth writes ``FERRO_N`` samples per round through the whole public call (plan lookup,
Rust rendering on all cores, the file written atomically); the baselines write ``FAKER_N``.
``extra_info["samples"]`` holds the count, so samples/s = samples / round time. Files go to
``FERROSYNTH_BENCH_DIR`` (default ``/dev/shm`` when it exists, so the disk is not the bench).
The target of issue 5 is 200,000 samples/s for native traces and tool-use conversations.

Off in the normal test run. Run with::

    .venv/bin/pytest benches/test_bench_agent.py --benchmark-enable --benchmark-only \\
        --benchmark-json=agent.json
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from faker import Faker

from ferrosynth import DataGenerator, DataType, GeneratorConfig
from ferrosynth.export import ExportFormat, problems
from test_bench_generate import _faker_agent_trace, _faker_conversation

FERRO_N = 200_000
FAKER_N = 2_000
ROUNDS = 5

CONFIGS = {
    "agent_trace": GeneratorConfig(data_type=DataType.agent_trace, count=FERRO_N, seed=42),
    "tool_use_conversation": GeneratorConfig(
        data_type=DataType.conversation, count=FERRO_N, seed=42, constraints={"mode": "tool_use"}
    ),
    "template_conversation": GeneratorConfig(
        data_type=DataType.conversation, count=FERRO_N, seed=42
    ),
}
PEERS: list[tuple[str, str, ExportFormat]] = [
    ("agent_trace", "ferrosynth", "ferrosynth"),
    ("agent_trace", "openai", "openai"),
    ("agent_trace", "otel", "otel"),
    ("tool_use_conversation", "ferrosynth", "ferrosynth"),
    ("tool_use_conversation", "anthropic", "anthropic"),
    ("template_conversation", "ferrosynth", "ferrosynth"),
]
BASELINES: dict[str, Callable[[Faker, int], list[dict[str, Any]]]] = {
    "agent_trace": _faker_agent_trace,
    "template_conversation": _faker_conversation,
}


@pytest.fixture
def out_dir() -> Iterator[Path]:
    base = os.environ.get("FERROSYNTH_BENCH_DIR") or (
        "/dev/shm" if Path("/dev/shm").is_dir() else None
    )
    with tempfile.TemporaryDirectory(dir=base) as name:
        yield Path(name)


@pytest.mark.parametrize(("group", "peer", "export"), PEERS)
def test_write_agent_data(
    benchmark: Any, out_dir: Path, group: str, peer: str, export: ExportFormat
) -> None:
    """ferrosynth: ``write`` of ``FERRO_N`` samples to JSON Lines (native or a standard format)."""
    benchmark.group = group
    benchmark.name = f"{group}[{peer}]"
    config = CONFIGS[group]
    if benchmark.disabled:  # a plain test run: check the call, quickly
        config = config.model_copy(update={"count": 2_000})
    gen = DataGenerator()
    path = out_dir / "out.jsonl"
    gen.write(config.model_copy(update={"count": 100}), path, export=export)  # compile, warm up
    benchmark.extra_info["samples"] = config.count
    report = benchmark.pedantic(
        gen.write, args=(config, path), kwargs={"export": export}, rounds=ROUNDS, iterations=1
    )
    assert report.count == config.count
    with path.open("rb") as f:
        first = orjson.loads(f.readline())
        assert 1 + sum(1 for _ in f) == config.count
    if export == "ferrosynth":
        assert first["index"] == 0
    else:
        assert problems(first, export) == []


@pytest.mark.parametrize("group", sorted(BASELINES))
def test_faker_baseline(benchmark: Any, out_dir: Path, group: str) -> None:
    """The Faker baseline: ``FAKER_N`` samples built per sample in Python, written with orjson."""
    benchmark.group = group
    benchmark.name = f"{group}[faker]"
    make = BASELINES[group]
    faker = Faker("en_US")
    path = out_dir / "faker.jsonl"

    def write() -> int:
        samples = make(faker, FAKER_N)
        with path.open("wb") as f:
            for s in samples:
                f.write(orjson.dumps(s, option=orjson.OPT_APPEND_NEWLINE))
        return len(samples)

    benchmark.extra_info["samples"] = FAKER_N
    written = benchmark.pedantic(write, rounds=ROUNDS, iterations=1)
    assert written == FAKER_N
