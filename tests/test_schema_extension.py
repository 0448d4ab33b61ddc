"""``x-ferrosynth``: named providers, distributions, dataset-wide uniqueness, fixed values;
and property names steering realistic values."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from typing import Any

import pytest

from ferrosynth import ConfigError, DataGenerator, DataType, GeneratorConfig, SchemaError
from tests.schema_oracle import generate


def values(prop: dict[str, Any], count: int = 400, seed: int = 5) -> list[Any]:
    schema = {"type": "object", "properties": {"v": prop}, "required": ["v"]}
    return [o["v"] for o in generate(schema, count, seed)]


def test_provider_by_name() -> None:
    emails = values({"type": "string", "x-ferrosynth": "email"}, 50)
    assert all(re.fullmatch(r"[^@\s]+@[^@\s]+\.\w+", e) for e in emails)
    companies = values({"type": "string", "x-ferrosynth": {"provider": "company"}}, 50)
    assert len(set(companies)) > 5
    assert all(c[0].isupper() for c in companies)


def test_normal_distribution_is_centred_and_truncated() -> None:
    ages = values(
        {
            "type": "integer",
            "minimum": 18,
            "maximum": 90,
            "x-ferrosynth": {"distribution": "normal", "mean": 40, "std": 8},
        },
        2000,
    )
    assert all(18 <= a <= 90 for a in ages)
    assert 38 < statistics.mean(ages) < 42
    assert 6 < statistics.stdev(ages) < 10


def test_weighted_enum_follows_the_weights() -> None:
    plans = values(
        {
            "enum": ["free", "pro", "team"],
            "x-ferrosynth": {"distribution": "weighted", "weights": [8, 1, 1]},
        },
        3000,
    )
    share = Counter(plans)["free"] / len(plans)
    assert 0.75 < share < 0.85
    by_name = values({"enum": ["a", "b"], "x-ferrosynth": {"weights": {"a": 0, "b": 1}}}, 100)
    assert set(by_name) == {"b"}


@pytest.mark.parametrize(
    "prop",
    [
        {"type": "integer", "minimum": 1, "maximum": 5000, "x-ferrosynth": {"unique": True}},
        {"type": "string", "format": "uuid", "x-ferrosynth": {"unique": True}},
        {"type": "string", "format": "email", "x-ferrosynth": {"unique": True}},
        {"type": "string", "x-ferrosynth": {"provider": "username", "unique": True}},
        {"enum": list(range(3000)), "x-ferrosynth": {"unique": True}},
    ],
)
def test_unique_values_never_repeat(prop: dict[str, Any]) -> None:
    out = values(prop, 3000)
    assert len(set(out)) == len(out)


def test_unique_inside_arrays_and_across_slices() -> None:
    schema = {
        "type": "array",
        "maxItems": 4,
        "items": {
            "type": "integer",
            "minimum": 0,
            "maximum": 10**6,
            "x-ferrosynth": {"unique": True},
        },
    }
    out = generate(schema, 500)
    flat = [x for arr in out for x in arr]
    assert len(set(flat)) == len(flat)
    gen = DataGenerator()
    config = GeneratorConfig(
        data_type=DataType.json,
        count=100,
        seed=3,
        schema={
            "type": "object",
            "properties": {
                "id": {
                    "type": "integer",
                    "x-ferrosynth": {"unique": True},
                    "minimum": 1,
                    "maximum": 1000,
                }
            },
            "required": ["id"],
        },
    )
    whole = [s["id"] for s in gen.generate(config).samples]
    part = [
        s["id"] for s in gen.generate(config.model_copy(update={"count": 50}), start=50).samples
    ]
    assert whole[50:] == part


def test_unique_refuses_runs_longer_than_the_value_space() -> None:
    schema = {"type": "integer", "minimum": 1, "maximum": 10, "x-ferrosynth": {"unique": True}}
    assert sorted(generate(schema, 10)) == list(range(1, 11))
    with pytest.raises(ConfigError, match="10 distinct values"):
        generate(schema, 11)


def test_fixed_value() -> None:
    assert set(values({"type": "string", "x-ferrosynth": {"value": "v1"}}, 20)) == {"v1"}


@pytest.mark.parametrize(
    ("ext", "message"),
    [
        ("nope", "unknown provider"),
        ({"distribution": "normal"}, "mean"),
        ({"distribution": "zipf"}, "unknown distribution"),
        ({"mean": 3}, "distribution"),
        ({"colour": 1}, "unknown x-ferrosynth key"),
        ({"unique": True, "weights": [1]}, "cannot be combined"),
    ],
)
def test_bad_extension_is_a_schema_error(ext: Any, message: str) -> None:
    with pytest.raises(SchemaError, match=message) as info:
        values({"type": "integer", "x-ferrosynth": ext}, 1)
    assert info.value.pointer == "/properties/v/x-ferrosynth"


def test_provider_cannot_fight_a_pattern() -> None:
    with pytest.raises(SchemaError, match="cannot be combined"):
        values({"type": "string", "pattern": "^a+$", "x-ferrosynth": "email"}, 1)


NAMES: dict[str, str] = {
    "email": r"[^@\s]+@[^@\s]+\.\w+",
    "first_name": r"[A-Z][\w'-]+",
    "phone": r"\+1-\d{3}-\d{3}-\d{4}",
    "url": r"https://\S+",
    "created_at": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",
    "birth_date": r"\d{4}-\d\d-\d\d",
    "zip": r"\d{5}",
    "id": r"[0-9a-f-]{36}",
    "sql": r"(SELECT|UPDATE) .+",
}


@pytest.mark.parametrize(("name", "shape"), list(NAMES.items()))
def test_property_names_steer_string_values(name: str, shape: str) -> None:
    schema = {"type": "object", "properties": {name: {"type": "string"}}, "required": [name]}
    out = [o[name] for o in generate(schema, 50)]
    assert all(re.fullmatch(shape, v) for v in out), out[:3]


def test_property_names_steer_numbers_and_pools() -> None:
    gen = DataGenerator()
    cities = set(gen.pools.as_dict()["cities"])  # type: ignore[arg-type]
    schema = {
        "type": "object",
        "required": ["city", "price", "age", "country"],
        "properties": {
            "city": {"type": "string"},
            "price": {"type": "number"},
            "age": {"type": "integer"},
            "country": {"type": "string"},
        },
    }
    out = generate(schema, 200)
    assert all(o["city"] in cities for o in out)
    assert all(1 <= o["price"] <= 1000 and round(o["price"], 2) == o["price"] for o in out)
    assert all(18 <= o["age"] <= 90 for o in out)
