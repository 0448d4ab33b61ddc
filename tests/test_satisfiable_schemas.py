"""Satisfiable schemas that were once refused now generate valid instances: an even number of
nested ``not``, a ``pattern`` together with a ``format``, tiny ``multipleOf`` over a wide range,
and a 200-branch discriminated ``oneOf`` (each branch once negated every other: exponential)."""

from __future__ import annotations

from typing import Any

import pytest

from ferrosynth import SchemaBasedGenerator
from tests.schema_oracle import oracle

CASES: dict[str, Any] = {
    "two_nots": {"not": {"not": {"type": "integer", "minimum": 3}}},
    "four_nots": {"not": {"not": {"not": {"not": {"type": "string", "minLength": 2}}}}},
    "pattern_and_format_email": {"type": "string", "format": "email", "pattern": "@example\\.com$"},
    "pattern_and_format_date": {"type": "string", "format": "date", "pattern": "^202[0-9]-"},
    "tiny_multiple_of_wide_range": {
        "type": "number",
        "multipleOf": 1e-9,
        "minimum": -1e12,
        "maximum": 1e12,
    },
    "one_of_200_consts": {"oneOf": [{"const": i} for i in range(200)]},
    "one_of_200_discriminated_objects": {
        "oneOf": [
            {
                "type": "object",
                "properties": {"kind": {"const": f"k{i}"}, "value": {"type": "integer"}},
                "required": ["kind"],
            }
            for i in range(200)
        ]
    },
}


@pytest.mark.parametrize("name", list(CASES))
def test_satisfiable_schema_generates_valid_instances(name: str) -> None:
    schema = CASES[name]
    out = SchemaBasedGenerator().from_schema(schema, 30, seed=2, validate=True)
    check = oracle(schema)
    for instance in out:
        check.validate(instance)
