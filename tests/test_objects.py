"""The drop-in path's objects (``Plan.objects``: rendered ahead on a worker thread, decoded by
chunks) equal ``orjson.loads`` of the same samples' JSON array, whatever the chunking, the
thread count or the envelope; errors in decoding stop the run and surface."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from ferrosynth import DataGenerator, DataType, GeneratorConfig, SchemaBasedGenerator

#: Around the native chunking: the first 512 rows on the calling thread, then chunks of 512.
COUNTS = [0, 1, 511, 1023, 1024, 1537, 2600]

SCHEMAS: dict[str, dict[str, Any]] = {
    "big_ints_and_floats": {
        "type": "object",
        "properties": {
            "big": {"type": "integer", "minimum": 2**60, "maximum": 2**62},
            "huge": {"enum": [2**63, 2**64 - 1]},
            "negative": {"type": "integer", "minimum": -(2**63), "maximum": -(2**53) - 1},
            "float": {"type": "number", "minimum": -1e300, "maximum": 1e300},
            "tiny": {"type": "number", "minimum": 0, "maximum": 1e-300},
            "const": {"const": 12345678901234567890},
        },
        "required": ["big", "huge", "negative", "float", "tiny", "const"],
    },
    "unicode_and_escapes": {
        "type": "object",
        "properties": {
            "label": {
                "enum": ["naïve", "日本語", "emoji 🎉", 'quote " and \\ back', "tab\tnew\nline"]
            },
            "free": {"type": "string", "minLength": 1, "maxLength": 40},
            "pattern": {"type": "string", "pattern": "^[é-ü]{3}\\u0001[😀-😃]{2}$"},
        },
        "required": ["label", "free", "pattern"],
    },
}


def _nested(depth: int) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "array", "items": {"type": ["boolean", "null"]}, "minItems": 1}
    for level in range(depth):
        node = {
            "type": "object",
            "properties": {f"level{level}": node, "n": {"type": "integer"}},
            "required": [f"level{level}", "n"],
        }
    return node


SCHEMAS["deep_nesting"] = _nested(40)


def _plan(config: GeneratorConfig) -> Any:
    return DataGenerator().plan(config)


def _expected(plan: Any, count: int, envelope: str = "sample", start: int = 0) -> Any:
    return orjson.loads(plan.json_array(7, start, count, envelope=envelope, threads=1))


@pytest.mark.parametrize("data_type", list(DataType))
@pytest.mark.parametrize("threads", [None, 1, 2, 3])
def test_every_data_type_equals_orjson_of_the_json_array(
    data_type: DataType, threads: int | None
) -> None:
    plan = _plan(GeneratorConfig(data_type=data_type, count=1, seed=7))
    for count in COUNTS:
        got = plan.objects(7, 5, count, orjson.loads, threads=threads)
        assert got == _expected(plan, count, start=5), (data_type, count, threads)


@pytest.mark.parametrize("envelope", ["sample", "bare"])
def test_envelopes(envelope: str) -> None:
    plan = _plan(GeneratorConfig(data_type=DataType.agent_trace, count=1, seed=7))
    got = plan.objects(7, 0, 1537, orjson.loads, envelope=envelope, threads=2)
    assert got == _expected(plan, 1537, envelope)


@pytest.mark.parametrize("name", list(SCHEMAS))
@pytest.mark.parametrize("count", [3, 1537])
def test_schemas_equal_orjson_of_the_json_array(name: str, count: int) -> None:
    plan = _plan(GeneratorConfig(data_type=DataType.json, count=1, seed=7, schema=SCHEMAS[name]))
    got = plan.objects(7, 0, count, orjson.loads, threads=2)
    expected = _expected(plan, count)
    assert got == expected
    # The values really exercise what the schema names (equality of empty records proves little).
    sample = expected[-1]
    if name == "big_ints_and_floats":
        assert sample["huge"] >= 2**63
        assert sample["const"] == 12345678901234567890
        assert isinstance(sample["float"], float)
    elif name == "unicode_and_escapes":
        assert any(not s["label"].isascii() for s in expected)
    else:
        depth, node = 0, sample
        while isinstance(node, dict):
            node = node[f"level{39 - depth}"]
            depth += 1
        assert depth == 40


def test_the_public_api_uses_it_and_stays_equal() -> None:
    gen = DataGenerator()
    config = GeneratorConfig(data_type=DataType.conversation, count=2600, seed=11)
    plan = gen.plan(config)
    ds = gen.generate(config, start=3)
    assert ds.samples == orjson.loads(plan.json_array(11, 3, 2600))
    values = SchemaBasedGenerator().from_schema(SCHEMAS["big_ints_and_floats"], 1537, seed=11)
    schema_plan = gen.plan(
        GeneratorConfig(
            data_type=DataType.json, count=1, seed=11, schema=SCHEMAS["big_ints_and_floats"]
        )
    )
    assert values == orjson.loads(schema_plan.json_array(11, 0, 1537, envelope="bare"))
    batches = list(gen.iter_samples(config, batch_size=1100))
    assert [len(b) for b in batches] == [1100, 1100, 400]
    assert [s for b in batches for s in b] == orjson.loads(plan.json_array(11, 0, 2600))


@pytest.mark.parametrize("threads", [1, 2])
def test_an_error_in_decoding_stops_the_run_and_surfaces(threads: int) -> None:
    plan = _plan(GeneratorConfig(data_type=DataType.text, count=1, seed=7))
    calls = []
    fail_at = threads  # with a worker, the second chunk; without, the one whole array

    def failing(raw: bytes) -> Any:
        calls.append(len(raw))
        if len(calls) == fail_at:
            raise KeyboardInterrupt
        return orjson.loads(raw)

    with pytest.raises(KeyboardInterrupt):
        plan.objects(7, 0, 100_000, failing, threads=threads)
    # Stopped at the failing chunk: nothing after it was decoded.
    assert len(calls) == fail_at


def test_a_decoder_that_does_not_give_a_list_of_the_samples_is_refused() -> None:
    plan = _plan(GeneratorConfig(data_type=DataType.text, count=1, seed=7))
    with pytest.raises(TypeError):
        plan.objects(7, 0, 3000, lambda raw: {"not": "a list"}, threads=2)
    with pytest.raises(ValueError, match="expected 3000 samples, decoded 12"):
        plan.objects(7, 0, 3000, lambda raw: [1, 2], threads=2)  # 6 chunks of 512 rows
