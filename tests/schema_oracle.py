"""The independent oracle for schema tests: Python ``jsonschema`` with format checking.

Two adaptations keep it faithful to JSON Schema rather than to Python's ``re``: ``pattern`` and
``patternProperties`` use the ``regex`` module (which knows ``\\p{L}`` like ECMA-262 with the
``u`` flag), and OpenAPI's ``nullable: true`` is rewritten as a ``"null"`` type before checking.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import jsonschema
import regex
from jsonschema import ValidationError
from jsonschema.validators import extend, validator_for

from ferrosynth import SchemaBasedGenerator

_cache: dict[str, regex.Pattern[str]] = {}


def _compile(p: str) -> regex.Pattern[str]:
    if p not in _cache:
        _cache[p] = regex.compile(p)
    return _cache[p]


def _pattern(validator: Any, patrn: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _compile(patrn).search(instance):
        yield ValidationError(f"{instance!r} does not match {patrn!r}")


def _pattern_properties(
    validator: Any, pp: dict[str, Any], instance: Any, schema: Any
) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    for p, sub in pp.items():
        for k, v in instance.items():
            if _compile(p).search(k):
                yield from validator.descend(v, sub, path=k, schema_path=p)


def denullable(schema: Any) -> Any:
    """``nullable: true`` (OpenAPI 3.0) as a ``"null"`` type, everywhere in the document."""
    if isinstance(schema, list):
        return [denullable(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: denullable(v) for k, v in schema.items()}
    if out.get("nullable") is True and "type" in out:
        t = out["type"]
        out["type"] = [*t, "null"] if isinstance(t, list) else [t, "null"]
    return out


def oracle(schema: Any) -> Any:
    """A validator for ``schema`` (its draft from ``$schema``, 2020-12 by default)."""
    doc = denullable(copy.deepcopy(schema))
    base = validator_for(doc, default=jsonschema.Draft202012Validator)
    cls = extend(base, {"pattern": _pattern, "patternProperties": _pattern_properties})
    return cls(doc, format_checker=base.FORMAT_CHECKER)


def assert_valid(schema: Any, instances: list[Any]) -> None:
    """Every instance is valid for ``schema`` according to the oracle."""
    v = oracle(schema)
    for i, inst in enumerate(instances):
        errors = sorted(v.iter_errors(inst), key=lambda e: list(e.path))
        assert not errors, f"instance {i} {inst!r} is invalid: {errors[0].message}"


def generate(schema: Any, count: int = 100, seed: int = 7) -> list[Any]:
    """``count`` instances checked by the Rust validator, then by the oracle."""
    out = SchemaBasedGenerator().from_schema(schema, count, seed=seed, validate=True)
    assert len(out) == count
    assert_valid(schema, out)
    return out
