"""Unsatisfiable and malformed schemas fail at compile time with a SchemaError that names the
JSON pointer and the reason; never a hang, never invalid output."""

from __future__ import annotations

import contextlib
import re
from typing import Any

import pytest

from ferrosynth import SchemaBasedGenerator, SchemaError, SchemaWarning
from tests.schema_cases import ERRORS
from tests.schema_oracle import generate


@pytest.mark.parametrize(("schema", "pointer", "reason"), ERRORS)
def test_unsatisfiable_schema_names_pointer_and_reason(
    schema: Any, pointer: str, reason: str
) -> None:
    with pytest.raises(SchemaError, match=re.escape(reason)) as info:
        SchemaBasedGenerator().from_schema(schema, 1)
    assert info.value.pointer == pointer, str(info.value)
    assert isinstance(info.value, ValueError)
    shown = pointer or "#"
    assert str(info.value).startswith(f"schema at {shown}:"), str(info.value)


def test_unknown_format_warns_once_and_still_generates() -> None:
    schema = {
        "type": "object",
        "properties": {"c": {"type": "string", "format": "x-color"}},
        "required": ["c"],
    }
    with pytest.warns(SchemaWarning, match='unknown format "x-color"'):
        out = generate(schema, 20)
    assert all(isinstance(o["c"], str) and o["c"] for o in out)
    # The compiled plan is cached: the same schema does not warn again.
    generate(schema, 5)


def test_bad_schema_argument_is_a_config_error() -> None:
    from ferrosynth import ConfigError

    with pytest.raises(ConfigError):
        SchemaBasedGenerator().from_schema([1, 2], 1)  # type: ignore[arg-type]
    with pytest.raises(ConfigError):
        SchemaBasedGenerator().from_schema({}, -1)


PATHOLOGICAL: list[object] = [
    # Many branching keywords: the variant expansion is capped, not exponential.
    {
        "allOf": [
            {"anyOf": [{"minimum": i}, {"maximum": 100 + i}, {"multipleOf": 2}]} for i in range(12)
        ],
        "type": "integer",
    },
    # Catastrophic backtracking for a naive matcher.
    {"type": "string", "pattern": "^(a+)+$", "maxLength": 40},
    {"type": "string", "pattern": "^(?=(a|aa)+$)(a|aa)+b?$", "maxLength": 30},
    # Overlapping oneOf whose separation needs checks.
    {
        "oneOf": [
            {"type": "string", "minLength": 2},
            {"type": "string", "maxLength": 4},
            {"type": "string", "pattern": "^x"},
        ]
    },
    # A large enum, filtered against the rest.
    {"enum": list(range(20000)), "minimum": 19990},
    # Deep recursion through several definitions.
    {
        "$defs": {
            "a": {"type": "array", "items": {"$ref": "#/$defs/b"}, "minItems": 1},
            "b": {
                "type": "object",
                "properties": {"c": {"$ref": "#/$defs/a"}},
                "required": ["c"],
                "maxProperties": 1,
            },
        },
        "anyOf": [{"$ref": "#/$defs/a"}, {"type": "null"}],
    },
]


@pytest.mark.parametrize("schema", PATHOLOGICAL)
def test_pathological_schemas_finish_fast(schema: Any) -> None:
    import time

    t0 = time.perf_counter()
    with contextlib.suppress(SchemaError):
        generate(schema, 50)
    assert time.perf_counter() - t0 < 10
