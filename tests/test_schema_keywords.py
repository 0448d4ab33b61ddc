"""Every keyword: generate 100 instances, check them with the Rust validator (``validate=True``)
and with Python ``jsonschema`` (formats checked), and check determinism per seed."""

from __future__ import annotations

from typing import Any

import pytest

from ferrosynth import SchemaBasedGenerator
from tests.schema_cases import KEYWORDS
from tests.schema_oracle import generate

CASES = [
    pytest.param(schema, id=f"{kw.name}-{i}")
    for kw in KEYWORDS
    for i, schema in enumerate(kw.cases)
]


@pytest.mark.parametrize("schema", CASES)
def test_keyword_instances_are_valid(schema: Any) -> None:
    generate(schema, 100)


@pytest.mark.parametrize("schema", CASES[::4])
def test_same_seed_same_instances(schema: Any) -> None:
    gen = SchemaBasedGenerator()
    a = gen.from_schema(schema, 20, seed=11)
    assert a == gen.from_schema(schema, 20, seed=11)
    assert a == SchemaBasedGenerator().from_schema(schema, 20, seed=11)


def test_keywords_shape_the_values() -> None:
    """Spot checks that the keywords do more than validate: they steer what comes out."""
    out = generate(
        {"type": "array", "items": {"enum": [1, 2, 3, 4, 5]}, "uniqueItems": True, "minItems": 5}
    )
    assert all(sorted(a) == [1, 2, 3, 4, 5] for a in out)
    out = generate({"type": "array", "contains": {"const": "needle"}})
    assert all("needle" in a for a in out)
    out = generate({"anyOf": [{"type": "string", "format": "email"}, {"type": "integer"}]})
    assert {type(v) for v in out} == {str, int}
    out = generate({"type": ["string", "null"]}, 300)
    nulls = sum(v is None for v in out)
    assert 5 < nulls < 100, nulls
    out = generate(
        {
            "type": "object",
            "properties": {"a": {}, "b": {}, "c": {}, "d": {}},
            "minProperties": 2,
            "maxProperties": 3,
        }
    )
    assert {len(o) for o in out} == {2, 3}
    out = generate({"type": "integer", "multipleOf": 5, "minimum": 1, "maximum": 99})
    assert len(set(out)) > 10
    out = generate({"type": "string", "pattern": "^[A-Z]{3}-\\d{4}$"})
    assert len(set(out)) > 90
    out = generate(
        {
            "oneOf": [
                {"type": "object", "properties": {"kind": {"const": "cat"}}, "required": ["kind"]},
                {"type": "object", "properties": {"kind": {"const": "dog"}}, "required": ["kind"]},
            ]
        }
    )
    assert {o["kind"] for o in out} == {"cat", "dog"}


def test_recursion_is_bounded() -> None:
    schema = {
        "$defs": {
            "n": {
                "type": "object",
                "properties": {
                    "kids": {"type": "array", "items": {"$ref": "#/$defs/n"}, "minItems": 2}
                },
            }
        },
        "$ref": "#/$defs/n",
    }
    out = generate(schema, 50)

    def depth(v: Any) -> int:
        kids = v.get("kids", []) if isinstance(v, dict) else []
        return 1 + max((depth(k) for k in kids), default=0)

    assert max(depth(o) for o in out) <= 12
    assert any(depth(o) > 2 for o in out)
