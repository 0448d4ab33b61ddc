"""Unsatisfiable and malformed schemas fail at compile time with a SchemaError that names the
JSON pointer and the reason; never a hang, never invalid output."""

from __future__ import annotations

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
        SchemaBasedGenerator().from_schema({}, 0)
