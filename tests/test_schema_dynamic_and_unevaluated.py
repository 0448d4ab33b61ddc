"""2020-12 dynamic references, ``unevaluated*`` across recursive ``$ref``, and lookbehinds at the
start of a pattern: generated valid (checked by Python ``jsonschema`` and by the independent
validator behind ``validate=True``) or refused with a ``SchemaError`` naming the pointer, never
invalid output."""

from __future__ import annotations

from typing import Any

import pytest

from ferrosynth import SchemaBasedGenerator, SchemaError
from tests.schema_oracle import generate

STRICT_TREE: dict[str, Any] = {
    "$id": "https://example.com/strict-tree",
    "$dynamicAnchor": "node",
    "$ref": "tree",
    "unevaluatedProperties": False,
    "$defs": {
        "tree": {
            "$id": "https://example.com/tree",
            "$dynamicAnchor": "node",
            "type": "object",
            "properties": {
                "data": {"type": "integer"},
                "children": {"type": "array", "items": {"$dynamicRef": "#node"}},
            },
            "required": ["data"],
        }
    },
}

LIST_OF_INTEGERS: dict[str, Any] = {
    "$id": "https://example.com/list-of-integers",
    "$ref": "list",
    "$defs": {
        "content": {"$dynamicAnchor": "T", "type": "integer", "minimum": 10},
        "list": {
            "$id": "list",
            "type": "array",
            "minItems": 1,
            "items": {"$dynamicRef": "#T"},
            "$defs": {"default": {"$dynamicAnchor": "T"}},
        },
    },
}


def test_dynamic_ref_resolves_to_the_outermost_dynamic_anchor() -> None:
    # The generic list's items are `{}` (strings by default); the outer resource overrides `T`
    # with integers of 10 and more.
    out = generate(LIST_OF_INTEGERS, 100, seed=3)
    assert all(o and all(isinstance(x, int) and x >= 10 for x in o) for o in out)


def test_dynamic_ref_recursion_keeps_the_strict_tree_strict_at_every_level() -> None:
    out = generate(STRICT_TREE, 100, seed=3)

    def depth(t: dict[str, Any]) -> int:
        assert set(t) <= {"data", "children"}, t
        return 1 + max((depth(c) for c in t.get("children", [])), default=0)

    assert max(depth(t) for t in out) > 1  # the recursion is exercised


def test_dynamic_ref_without_a_matching_dynamic_anchor_is_a_plain_ref() -> None:
    schema = {
        "$ref": "#/$defs/a",
        "$defs": {
            "a": {"type": "array", "minItems": 1, "items": {"$dynamicRef": "#/$defs/b"}},
            "b": {"type": "integer"},
        },
    }
    out = generate(schema, 50)
    assert all(isinstance(x, int) for o in out for x in o)


def test_unevaluated_properties_sees_properties_evaluated_through_a_recursive_ref() -> None:
    schema = {
        "$defs": {
            "n": {
                "type": "object",
                "properties": {"v": {"type": "integer"}, "next": {"$ref": "#/$defs/n"}},
                "required": ["v"],
            }
        },
        "$ref": "#/$defs/n",
        "properties": {"extra": {"type": "string"}},
        "unevaluatedProperties": False,
    }
    out = generate(schema, 100, seed=3)
    assert all(set(o) <= {"v", "next", "extra"} for o in out)
    assert any("next" in o for o in out)


def test_unevaluated_properties_inside_a_recursive_definition_with_any_of() -> None:
    schema = {
        "$defs": {
            "n": {
                "type": "object",
                "properties": {"v": {"type": "integer"}},
                "anyOf": [
                    {"properties": {"next": {"$ref": "#/$defs/n"}}},
                    {"properties": {"leaf": {"type": "boolean"}}},
                ],
                "unevaluatedProperties": False,
            }
        },
        "$ref": "#/$defs/n",
    }

    def keys_ok(o: dict[str, Any]) -> bool:
        return set(o) <= {"v", "next", "leaf"} and all(keys_ok(o[k]) for k in ("next",) if k in o)

    assert all(keys_ok(o) for o in generate(schema, 100, seed=3))


def test_unevaluated_items_across_a_recursive_ref_is_valid_or_refused_with_a_pointer() -> None:
    schema = {
        "type": "array",
        "prefixItems": [{"type": "integer"}],
        "allOf": [{"prefixItems": [True, {"$ref": "#"}]}],
        "unevaluatedItems": False,
    }
    error: SchemaError | None = None
    try:
        out = generate(schema, 50)
    except SchemaError as exc:
        error = exc
    if error is not None:
        assert error.pointer.startswith("/allOf/0/prefixItems"), str(error)
    else:
        assert all(len(o) <= 2 for o in out)


@pytest.mark.parametrize(
    ("pattern", "needle"),
    [("(?<=a)b", "ab"), ("(?<=id:)\\d+", "id:"), ("(?<![a-z])foo", "foo")],
)
def test_lookbehind_at_an_unanchored_start_generates_matching_strings(
    pattern: str, needle: str
) -> None:
    out = generate({"type": "string", "pattern": pattern}, 50)
    assert all(needle in s for s in out)


def test_lookbehind_right_after_start_anchor_is_a_schema_error_at_the_pattern() -> None:
    with pytest.raises(SchemaError, match="lookbehind") as info:
        SchemaBasedGenerator().from_schema(
            {"type": "object", "properties": {"k": {"pattern": "^(?<=a)b"}}, "required": ["k"]},
            1,
        )
    assert info.value.pointer == "/properties/k/pattern", str(info.value)
