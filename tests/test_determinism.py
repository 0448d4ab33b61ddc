"""The determinism contract (see docs/determinism.md)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from ferrosynth import DataGenerator, DataType, GeneratorConfig

from .test_reference_examples import REFERENCE_SCHEMA

SCHEMAS = Path(__file__).parent / "fixtures" / "schemas"


def _fixture(name: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((SCHEMAS / name).read_text())
    return loaded


CASES: dict[str, GeneratorConfig] = {
    "text": GeneratorConfig(data_type=DataType.text, count=50, seed=42),
    "json": GeneratorConfig(data_type=DataType.json, count=50, seed=42),
    "json_schema": GeneratorConfig(
        data_type=DataType.json, count=50, seed=42, schema=REFERENCE_SCHEMA
    ),
    # Branching schemas: the variants kept, their fallbacks and the witnesses are part of what
    # a seed produces.
    "json_schema_one_of": GeneratorConfig(
        data_type=DataType.json, count=50, seed=42, schema=_fixture("api_patch_document.json")
    ),
    "json_schema_if_then_chain": GeneratorConfig(
        data_type=DataType.json,
        count=50,
        seed=42,
        schema=_fixture("config_if_then_discriminator_chain.json"),
    ),
    "conversation": GeneratorConfig(data_type=DataType.conversation, count=50, seed=42),
    "code_assistant": GeneratorConfig(
        data_type=DataType.conversation,
        count=50,
        seed=42,
        constraints={"template": "code_assistant"},
    ),
    "research_assistant": GeneratorConfig(
        data_type=DataType.conversation,
        count=50,
        seed=42,
        constraints={"template": "research_assistant"},
    ),
    "tool_call": GeneratorConfig(data_type=DataType.tool_call, count=50, seed=42),
    "tool_call_email": GeneratorConfig(
        data_type=DataType.tool_call, count=50, seed=42, constraints={"tool": "email"}
    ),
    "agent_trace": GeneratorConfig(data_type=DataType.agent_trace, count=50, seed=42),
    "persona": GeneratorConfig(data_type=DataType.persona, count=50, seed=42),
}

# sha256 of the JSONL of the 50 samples of each case. A change here changes what a seed
# produces: a breaking change that must be deliberate, documented in CHANGELOG.md, and come
# with a DATA_VERSION bump.
GOLDEN: dict[str, str] = {
    "text": "900b4351060ac84b88d1c77ec64157abe314a2ed55a7a8f5c67933abd3137997",
    "json": "c9bf76cf74a19c86717db283057a6e8378e411420ca677707c0f6ecb86c13166",
    "json_schema": "3c53a354c67704ec2d9e42fdf39697961c9dbeb18e069e8766683bc240377b95",
    "json_schema_one_of": "740783e7caaa887717b7da6179e4c8c7ff631e38e584541d25b96900f80cb7b2",
    "json_schema_if_then_chain": "e2962cf87146d8f482211e8b85b46e40d577ab13cf72ce49ff60d2277b197c89",
    "conversation": "1374d1b34abaf63c92a82853c9fd720bad7d096d5d98b051b7b0432ffaa8c8c2",
    "code_assistant": "ce899fe3219c0d90ef09a121a76ba944ae01b0e5d7700968da6b97f17c7f0c10",
    "research_assistant": "71267261b01ea5b2bd0b617ce9c75ef831b88f05e204344f3561e8745a01dfa0",
    "tool_call": "db6814fa9737173fc905084c66af63e141da8f7a5d5980962cef1c5cbf949b57",
    "tool_call_email": "2dcdc9faa25629120b5fd15f836ac9b51b716af8436441aec2975c78e60dafd1",
    "agent_trace": "a4b46366a21f1b510b3af45b7a58195f58cbe8b1627e9be0346f94cabba012bc",
    "persona": "be44bcd17486c330bbd947091110e183e521dbc8e0a72cb264f773fe43bf3d4b",
}


def digest(config: GeneratorConfig) -> str:
    ds = DataGenerator().generate(config)
    return hashlib.sha256(ds.to_jsonl_bytes()).hexdigest()


@pytest.mark.parametrize("case", list(CASES))
def test_golden_hashes(case: str) -> None:
    assert digest(CASES[case]) == GOLDEN[case]


@pytest.mark.parametrize("case", list(CASES))
def test_same_seed_same_samples_and_different_seed_differs(case: str) -> None:
    gen = DataGenerator()
    config = CASES[case]
    assert gen.generate(config).samples == gen.generate(config).samples
    other = config.model_copy(update={"seed": 43})
    assert gen.generate(other).samples != gen.generate(config).samples


@pytest.mark.parametrize("case", list(CASES))
def test_sample_i_does_not_depend_on_count_or_slicing(case: str) -> None:
    gen = DataGenerator()
    big = gen.generate(CASES[case].model_copy(update={"count": 300})).samples
    small = gen.generate(CASES[case].model_copy(update={"count": 50})).samples
    assert big[:50] == small
    window = gen.generate(CASES[case].model_copy(update={"count": 7}), start=123).samples
    assert window == big[123:130]


@pytest.mark.parametrize("threads", [1, 2, 8])
def test_output_does_not_depend_on_threads(threads: int) -> None:
    gen = DataGenerator()
    config = GeneratorConfig(data_type=DataType.agent_trace, count=20_000, seed=5)
    reference = b"".join(gen.iter_jsonl(config, threads=1))
    assert b"".join(gen.iter_jsonl(config, threads=threads)) == reference
    assert b"".join(gen.iter_jsonl(config, batch_size=777, threads=threads)) == reference


def test_seed_none_draws_and_records_a_seed() -> None:
    gen = DataGenerator()
    config = GeneratorConfig(data_type=DataType.json, count=5)
    first, second = gen.generate(config), gen.generate(config)
    seed = first.metadata["seed"]
    assert isinstance(seed, int)
    assert seed != second.metadata["seed"]
    replay = gen.generate(config.model_copy(update={"seed": seed}))
    assert replay.samples == first.samples


def test_negative_and_huge_seeds_are_accepted_and_stable() -> None:
    gen = DataGenerator()
    for seed in (-1, 2**70 + 3):
        config = GeneratorConfig(data_type=DataType.text, count=3, seed=seed)
        assert gen.generate(config).samples == gen.generate(config).samples
        assert gen.generate(config).metadata["seed"] == seed


def test_uuids_and_times_come_from_the_seed_not_the_clock() -> None:
    gen = DataGenerator()
    config = GeneratorConfig(data_type=DataType.agent_trace, count=3, seed=1)
    a = gen.generate(config).samples
    b = DataGenerator().generate(config).samples
    assert [s["trace_id"] for s in a] == [s["trace_id"] for s in b]
    assert a[0]["steps"][0]["timestamp"] == b[0]["steps"][0]["timestamp"]  # type: ignore[index]


def test_a_fresh_process_gives_the_same_bytes() -> None:
    code = (
        "import hashlib, sys\n"
        "from ferrosynth import DataGenerator, GeneratorConfig, DataType\n"
        "ds = DataGenerator().generate(GeneratorConfig(data_type=DataType.agent_trace, count=50,"
        " seed=42))\n"
        "sys.stdout.write(hashlib.sha256(ds.to_jsonl_bytes()).hexdigest())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "123", "PATH": ""},
    ).stdout
    assert out == digest(CASES["agent_trace"])


def test_samples_round_trip_through_orjson() -> None:
    ds = DataGenerator().generate(CASES["agent_trace"])
    lines = ds.to_jsonl_bytes().splitlines()
    assert [orjson.loads(line) for line in lines] == ds.samples
