"""Bulk output, records/s: ferrosynth against Faker, Mimesis and a plain Python + orjson loop.

W1 is ``{id: uuid, score: 0..1, label: positive|negative|neutral}`` and W2 a nested user record
(``benches/schemas/``). Every peer writes the same records as JSON Lines to a file in the same
run; ferrosynth also writes gzip JSONL and Parquet. Rounds differ in size between peers, so
``benches/report_bulk.py`` divides by ``extra_info["records"]`` and prints ratios to ferrosynth.

Full-size runs (10M W1, 1M W2) and peak RSS at 20M/100M rows: ``scripts/bulk_figures.py``.

    .venv/bin/pytest benches/test_bench_bulk.py --benchmark-enable --benchmark-only \\
        --benchmark-json=bulk.json && .venv/bin/python benches/report_bulk.py bulk.json
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import orjson
import pytest

from ferrosynth import DataGenerator, DataType, GeneratorConfig

SCHEMAS = Path(__file__).parent / "schemas"
FERRO_N = 1_000_000
PEER_N = 50_000
ROUNDS = 5
LABELS = ["positive", "negative", "neutral"]
ANCHOR = datetime(2025, 1, 1, tzinfo=timezone.utc)

Record = dict[str, Any]


def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / f"{name}.json").read_text())
    return loaded


def write_lines(path: Path, records: Iterator[Record]) -> int:
    with path.open("wb") as fh:
        n = 0
        for r in records:
            fh.write(orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE))
            n += 1
    return n


# -- peers --------------------------------------------------------------------------------------


def python_w1(n: int) -> Iterator[Record]:
    rnd = random.Random(1)
    for i in range(n):
        yield {
            "index": i,
            "id": str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
            "score": round(rnd.random(), 4),
            "label": rnd.choice(LABELS),
        }


def python_w2(n: int) -> Iterator[Record]:
    rnd = random.Random(1)
    words = ["alpha", "beta", "gamma", "delta", "omega", "sigma", "kappa"]
    for i in range(n):
        yield {
            "index": i,
            "id": str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
            "name": f"{rnd.choice(words).title()} {rnd.choice(words).title()}",
            "email": f"{rnd.choice(words)}{rnd.randrange(100)}@example.com",
            "age": rnd.randint(18, 90),
            "active": rnd.random() < 0.5,
            "created_at": (ANCHOR - timedelta(seconds=rnd.randrange(31_536_000))).isoformat(),
            "tags": rnd.sample(words, rnd.randint(1, 5)),
            "address": {
                "street": f"{rnd.randrange(9999)} {rnd.choice(words).title()} Street",
                "city": rnd.choice(words).title(),
                "zip": f"{rnd.randrange(99999):05d}",
            },
        }


def faker_w1(n: int) -> Iterator[Record]:
    from faker import Faker

    fake = Faker()
    fake.seed_instance(1)
    for i in range(n):
        yield {
            "index": i,
            "id": fake.uuid4(),
            "score": fake.pyfloat(right_digits=4, min_value=0, max_value=1),
            "label": fake.random_element(LABELS),
        }


def faker_w2(n: int) -> Iterator[Record]:
    from faker import Faker

    fake = Faker()
    fake.seed_instance(1)
    for i in range(n):
        yield {
            "index": i,
            "id": fake.uuid4(),
            "name": fake.name(),
            "email": fake.email(),
            "age": fake.random_int(18, 90),
            "active": fake.boolean(),
            "created_at": fake.date_time_this_year(tzinfo=timezone.utc).isoformat(),
            "tags": fake.words(fake.random_int(1, 5)),
            "address": {
                "street": fake.street_address(),
                "city": fake.city(),
                "zip": fake.postcode(),
            },
        }


def mimesis_w1(n: int) -> Iterator[Record]:
    from mimesis import Generic

    g = Generic(seed=1)
    for i in range(n):
        yield {
            "index": i,
            "id": str(g.cryptographic.uuid()),
            "score": g.numeric.float_number(0, 1, precision=4),
            "label": g.choice(LABELS),
        }


def mimesis_w2(n: int) -> Iterator[Record]:
    from mimesis import Generic

    g = Generic(seed=1)
    for i in range(n):
        yield {
            "index": i,
            "id": str(g.cryptographic.uuid()),
            "name": g.person.full_name(),
            "email": g.person.email(),
            "age": g.numeric.integer_number(18, 90),
            "active": g.development.boolean(),
            "created_at": g.datetime.datetime().isoformat(),
            "tags": g.text.words(g.numeric.integer_number(1, 5)),
            "address": {
                "street": g.address.address(),
                "city": g.address.city(),
                "zip": g.address.postal_code(),
            },
        }


PEERS: dict[str, dict[str, Callable[[int], Iterator[Record]]]] = {
    "python+orjson": {"w1": python_w1, "w2": python_w2},
    "faker": {"w1": faker_w1, "w2": faker_w2},
    "mimesis": {"w1": mimesis_w1, "w2": mimesis_w2},
}


@pytest.mark.parametrize("workload", ["w1", "w2"])
@pytest.mark.parametrize("peer", list(PEERS))
def test_peer_jsonl(benchmark: Any, tmp_path: Path, workload: str, peer: str) -> None:
    if peer == "mimesis":
        pytest.importorskip("mimesis")
    benchmark.group = f"{workload} jsonl"
    benchmark.extra_info.update(workload=workload, library=peer, records=PEER_N, format="jsonl")
    make = PEERS[peer][workload]
    n = benchmark.pedantic(
        lambda: write_lines(tmp_path / "out.jsonl", make(PEER_N)), rounds=ROUNDS, warmup_rounds=1
    )
    assert n == PEER_N


@pytest.mark.parametrize("workload", ["w1", "w2"])
@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".parquet"])
def test_ferrosynth(benchmark: Any, tmp_path: Path, workload: str, suffix: str) -> None:
    fmt = suffix.lstrip(".")
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    benchmark.group = f"{workload} {'jsonl' if fmt == 'jsonl' else fmt}"
    benchmark.extra_info.update(
        workload=workload, library="ferrosynth", records=FERRO_N, format=fmt
    )
    gen = DataGenerator()
    config = GeneratorConfig(
        data_type=DataType.json, count=FERRO_N, seed=1, schema=schema(workload)
    )
    target = tmp_path / f"out{suffix}"
    report = benchmark.pedantic(lambda: gen.write(config, target), rounds=ROUNDS, warmup_rounds=1)
    assert report.count == FERRO_N
    assert target.stat().st_size == report.bytes_written
