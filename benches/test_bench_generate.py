"""Samples per second of ``DataGenerator().generate(config)``, against the reference.

Each data type is one benchmark group holding two peers measured in the same run:

- ``ferrosynth``: ``ferrosynth.DataGenerator().generate(config)`` for ``FERRO_N`` samples, the
  whole public call (plan lookup, Rust generation, building the Python objects).
- the reference, for ``PEER_N`` samples, one of:

  - ``aumai-datasynthesizer``: the real package, when it is importable:
    ``aumai_datasynthesizer.DataGenerator().generate(config)``, the same call as ferrosynth's
    with the same config. Install it with
    ``pip install git+https://github.com/invincible-jha/aumai-datasynthesizer``.
  - ``faker``: otherwise (or with ``FERROSYNTH_BENCH_PEER=faker``), what the reference does per
    sample with Faker, re-implemented below from its documented behaviour. It is kind to the
    baseline: the ``Faker`` instance is built once outside the timed region, and results stay
    plain dicts (the reference also builds ``ConversationTurn`` models and validates a
    ``SyntheticDataset``).

  ``extra_info["library"]`` names the peer measured, and ``benches/report.py`` prints it.

Rounds differ in sample count, so ``benches/report.py`` divides each round by
``extra_info["samples"]`` and reports samples/s and the ratio per group.

Off in the normal test run (``--benchmark-disable``, ``testpaths = ["tests"]``). Run with::

    .venv/bin/pytest benches/test_bench_generate.py --benchmark-enable --benchmark-only \
        --benchmark-json=bench.json
    .venv/bin/python benches/report.py bench.json
"""

from __future__ import annotations

import importlib
import json
import os
import random
import re
import time
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pytest
from faker import Faker

from ferrosynth import DataGenerator, DataType, GeneratorConfig
from ferrosynth.templates import CONVERSATION_TEMPLATES, TOOL_CALL_TEMPLATES


def _reference() -> ModuleType | None:
    """The real ``aumai_datasynthesizer``, unless absent or ``FERROSYNTH_BENCH_PEER=faker``."""
    if os.environ.get("FERROSYNTH_BENCH_PEER", "") == "faker":
        return None
    with warnings.catch_warnings():
        # Its GeneratorConfig has a field named ``schema``, which Pydantic warns about.
        warnings.simplefilter("ignore", UserWarning)
        try:
            return importlib.import_module("aumai_datasynthesizer")
        except ImportError:
            return None


REFERENCE = _reference()
#: The peer measured: the real reference, or the Faker re-implementation below.
PEER = "aumai-datasynthesizer" if REFERENCE is not None else "faker"

FERRO_N = 10_000
PEER_N = 1_000
SEED = 42
ROUNDS = 7

#: The schema example from the reference's API documentation (``SchemaBasedGenerator``).
EXAMPLE_SCHEMA: dict[str, object] = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "score": {"type": "number", "minimum": 0.0, "maximum": 1.0},
        "label": {"type": "string", "enum": ["positive", "negative", "neutral"]},
    },
    "required": ["id", "score", "label"],
}
LABELS = ("positive", "negative", "neutral")
TOOL_NAMES = {str(t["name"]) for t in TOOL_CALL_TEMPLATES.values()}

Sample = dict[str, Any]


# -- the Faker baseline: per-sample work of aumai-datasynthesizer -------------------------------

# The reference resolves a few placeholder names to specific Faker methods and every other name
# to ``faker.word()``; ferrosynth's templates are rendered through the same rule.
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _placeholder(faker: Faker, name: str) -> str:
    if name == "order_id":
        return str(faker.numerify("######"))
    if name == "email":
        return str(faker.email())
    if name == "first_name":
        return str(faker.first_name())
    if name == "last_name":
        return str(faker.last_name())
    if name == "date":
        return str(faker.future_date())
    if name == "year":
        return str(faker.year())
    if name in ("paper_title", "conclusion"):
        return str(faker.sentence())
    return str(faker.word())


def _schema_value(faker: Faker, schema: dict[str, Any]) -> Any:
    kind = schema.get("type", "string")
    if kind == "object":
        return _schema_object(faker, schema)
    if kind == "string":
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            return faker.random_element(enum)
        fmt = schema.get("format", "")
        if fmt == "email":
            return faker.email()
        if fmt == "uuid":
            return str(uuid.uuid4())
        return faker.sentence(nb_words=4).rstrip(".")
    if kind == "integer":
        lo, hi = int(schema.get("minimum", 0)), int(schema.get("maximum", 1000))
        return faker.random_int(min=lo, max=hi)
    if kind == "number":
        lo, hi = float(schema.get("minimum", 0.0)), float(schema.get("maximum", 1.0))
        return round(random.uniform(lo, hi), 4)
    if kind == "boolean":
        return faker.boolean()
    if kind == "null":
        return None
    return faker.word()


def _schema_object(faker: Faker, schema: dict[str, Any]) -> dict[str, Any]:
    required = schema.get("required", [])
    return {
        name: _schema_value(faker, sub)
        for name, sub in schema.get("properties", {}).items()
        if name in required or faker.boolean(chance_of_getting_true=80)
    }


def _faker_text(faker: Faker, n: int) -> list[Sample]:
    out = []
    for i in range(n):
        nb = faker.random_int(min=1, max=5)
        out.append({"index": i, "text": faker.paragraph(nb_sentences=nb)})
    return out


def _faker_json(faker: Faker, n: int) -> list[Sample]:
    return [
        {
            "index": i,
            "id": str(uuid.uuid4()),
            "name": faker.name(),
            "email": faker.email(),
            "value": faker.pyfloat(min_value=0, max_value=1000, right_digits=2),
            "active": faker.boolean(),
            "tags": [faker.word() for _ in range(faker.random_int(min=1, max=5))],
            "created_at": str(faker.date_time_this_year()),
        }
        for i in range(n)
    ]


def _faker_json_schema(faker: Faker, n: int) -> list[Sample]:
    return [{"index": i, **_schema_object(faker, EXAMPLE_SCHEMA)} for i in range(n)]


def _faker_conversation(faker: Faker, n: int) -> list[Sample]:
    turns = CONVERSATION_TEMPLATES["customer_support"]

    def fill(m: re.Match[str]) -> str:
        return _placeholder(faker, m.group(1))

    return [
        {
            "index": i,
            "turns": [
                {
                    "role": str(t["role"]),
                    "content": _PLACEHOLDER.sub(fill, str(t["content"])),
                    "tool_calls": None,
                }
                for t in turns
            ],
        }
        for i in range(n)
    ]


def _faker_tool_call(faker: Faker, n: int) -> list[Sample]:
    tool = TOOL_CALL_TEMPLATES["search"]
    params: dict[str, Any] = tool["parameters"]  # type: ignore[assignment]
    return [
        {
            "index": i,
            "id": str(uuid.uuid4()),
            "type": "function",
            "function": {
                "name": tool["name"],
                "arguments": json.dumps(_schema_object(faker, params)),
            },
        }
        for i in range(n)
    ]


def _faker_agent_trace(faker: Faker, n: int) -> list[Sample]:
    tool_keys = list(TOOL_CALL_TEMPLATES)
    out = []
    for i in range(n):
        steps: list[Sample] = []
        t = time.time()
        for k in range(faker.random_int(min=2, max=6)):
            kind = faker.random_element(["thought", "tool_call", "observation"])
            step: Sample = {
                "step": k,
                "type": kind,
                "timestamp": t + k * faker.pyfloat(min_value=0.1, max_value=2.0),
            }
            if kind == "thought":
                step["content"] = faker.sentence()
            elif kind == "tool_call":
                step["tool"] = TOOL_CALL_TEMPLATES[faker.random_element(tool_keys)]["name"]
                step["arguments"] = {"query": faker.sentence(nb_words=4)}
            else:
                step["content"] = faker.paragraph(nb_sentences=2)
            steps.append(step)
        out.append(
            {
                "index": i,
                "trace_id": str(uuid.uuid4()),
                "agent": faker.word() + "_agent",
                "task": faker.sentence(nb_words=6),
                "steps": steps,
                "final_answer": faker.paragraph(nb_sentences=1),
                "success": faker.boolean(chance_of_getting_true=80),
            }
        )
    return out


# -- what every result must look like -------------------------------------------------------


def _check_text(s: Sample) -> None:
    assert isinstance(s["text"], str)
    assert s["text"]


def _check_json(s: Sample) -> None:
    assert uuid.UUID(s["id"])
    assert "@" in s["email"]
    assert 0 <= s["value"] <= 1000


def _check_json_schema(s: Sample) -> None:
    assert uuid.UUID(s["id"])
    assert 0.0 <= s["score"] <= 1.0
    assert s["label"] in LABELS


def _check_conversation(s: Sample) -> None:
    turns = s["turns"]
    assert len(turns) == len(CONVERSATION_TEMPLATES["customer_support"])
    assert "{" not in turns[1]["content"]


def _check_tool_call(s: Sample) -> None:
    assert s["function"]["name"] == "web_search"
    assert "query" in json.loads(s["function"]["arguments"])


def _check_agent_trace(s: Sample) -> None:
    # 2-6 steps in the reference; ferrosynth's traces add retry steps after failed calls.
    assert len(s["steps"]) >= 2
    assert s["steps"][-1]["type"] == "final_answer"
    assert all(st["tool"] in TOOL_NAMES for st in s["steps"] if st["type"] == "tool_call")


def _check_reference_trace(s: Sample) -> None:
    # The reference's traces: 2-6 free-floating steps, no final_answer step.
    assert 2 <= len(s["steps"]) <= 6
    assert {st["type"] for st in s["steps"]} <= {"thought", "tool_call", "observation"}


@dataclass(frozen=True)
class Case:
    group: str
    data_type: DataType
    faker_fn: Callable[[Faker, int], list[Sample]]
    check: Callable[[Sample], None]
    schema: dict[str, object] | None = None
    constraints: dict[str, object] = field(default_factory=dict)
    #: The reference's (and the Faker baseline's) shape check, where it differs from ferrosynth's.
    faker_check: Callable[[Sample], None] | None = None

    def config(self, count: int) -> GeneratorConfig:
        return GeneratorConfig(
            data_type=self.data_type,
            count=count,
            seed=SEED,
            schema=self.schema,
            constraints=self.constraints,
        )


CASES = [
    Case("text", DataType.text, _faker_text, _check_text),
    Case("json", DataType.json, _faker_json, _check_json),
    Case("json_schema", DataType.json, _faker_json_schema, _check_json_schema, EXAMPLE_SCHEMA),
    Case(
        "conversation",
        DataType.conversation,
        _faker_conversation,
        _check_conversation,
        constraints={"template": "customer_support"},
    ),
    Case(
        "tool_call",
        DataType.tool_call,
        _faker_tool_call,
        _check_tool_call,
        constraints={"tool": "search"},
    ),
    Case(
        "agent_trace",
        DataType.agent_trace,
        _faker_agent_trace,
        _check_agent_trace,
        faker_check=_check_reference_trace,
    ),
]
# Each group's two peers run back to back, so drift on a shared machine hits both alike.
PARAMS = [
    pytest.param(c, lib, id=f"{c.group}-{lib}", marks=pytest.mark.benchmark(group=c.group))
    for c in CASES
    for lib in ("ferrosynth", PEER)
]


def _check_all(
    case: Case, samples: list[Sample], n: int, check: Callable[[Sample], None] | None = None
) -> None:
    assert len(samples) == n
    assert [samples[0]["index"], samples[-1]["index"]] == [0, n - 1]
    for s in (samples[0], samples[n // 2], samples[-1]):
        (check or case.check)(s)


def _extra(benchmark: Any, library: str, case: Case, n: int) -> None:
    benchmark.extra_info.update(
        {
            "library": library,
            "data_type": case.group,
            "samples": n,
            "ferrosynth_threads": os.environ.get("FERROSYNTH_THREADS", "default"),
        }
    )


@pytest.mark.parametrize(("case", "library"), PARAMS)
def test_generate(benchmark: Any, case: Case, library: str) -> None:
    """Samples/s of one data type for one peer (see the module docstring)."""
    if library == "ferrosynth":
        _bench_ferrosynth(benchmark, case)
    elif REFERENCE is not None:
        _bench_reference(benchmark, case, REFERENCE)
    else:
        _bench_faker(benchmark, case)


def _bench_ferrosynth(benchmark: Any, case: Case) -> None:
    """ferrosynth: ``DataGenerator().generate(config)`` for ``FERRO_N`` samples."""
    gen = DataGenerator()
    config = case.config(FERRO_N)
    _extra(benchmark, "ferrosynth", case, FERRO_N)
    ds = benchmark.pedantic(
        gen.generate, args=(config,), rounds=ROUNDS, iterations=1, warmup_rounds=1
    )
    assert ds.metadata["generated_count"] == FERRO_N
    _check_all(case, ds.samples, FERRO_N)


def _bench_reference(benchmark: Any, case: Case, reference: ModuleType) -> None:
    """The real reference: ``DataGenerator().generate(config)`` for ``PEER_N`` samples."""
    config = reference.GeneratorConfig(
        data_type=case.data_type.value,
        count=PEER_N,
        seed=SEED,
        schema=case.schema,
        constraints=case.constraints,
    )

    def run() -> list[Sample]:
        samples: list[Sample] = reference.DataGenerator().generate(config).samples
        return samples

    _extra(benchmark, PEER, case, PEER_N)
    samples = benchmark.pedantic(run, rounds=ROUNDS, iterations=1, warmup_rounds=1)
    _check_all(case, samples, PEER_N, case.faker_check)


def _bench_faker(benchmark: Any, case: Case) -> None:
    """Faker baseline: the reference's per-sample Faker calls for ``PEER_N`` samples."""
    faker = Faker("en_US")

    def run() -> list[Sample]:
        # As the reference does on every seeded call.
        Faker.seed(SEED)
        random.seed(SEED)
        return case.faker_fn(faker, PEER_N)

    _extra(benchmark, "faker", case, PEER_N)
    samples = benchmark.pedantic(run, rounds=ROUNDS, iterations=1, warmup_rounds=1)
    _check_all(case, samples, PEER_N, case.faker_check)
