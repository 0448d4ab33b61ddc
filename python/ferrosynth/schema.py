"""Pydantic models as input: instances of a user's model, generated from its JSON Schema.

``generate_models(MyModel, count, seed=...)`` compiles ``MyModel.model_json_schema()`` once and
returns validated model instances. Field names steer realistic values (``email``, ``city``,
``created_at`` ...) and ``json_schema_extra={"x-ferrosynth": ...}`` on a field picks a provider,
a distribution or uniqueness (see ``docs/json-schema.md``).

Example::

    >>> from pydantic import BaseModel, Field
    >>> from ferrosynth import generate_models
    >>> class User(BaseModel):
    ...     name: str
    ...     age: int = Field(ge=18, le=90)
    >>> users = generate_models(User, 3, seed=7)
    >>> all(18 <= u.age <= 90 for u in users)
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel

from ferrosynth._pydantic_types import adapt
from ferrosynth.core import SchemaBasedGenerator

if TYPE_CHECKING:
    from faker import Faker

__all__ = ["generate_models"]

M = TypeVar("M", bound=BaseModel)


def generate_models(
    model: type[M],
    count: int,
    *,
    seed: int | None = None,
    faker: Faker | None = None,
    mode: Literal["validation", "serialization"] = "validation",
) -> list[M]:
    """Return ``count`` instances of ``model``, generated from its JSON Schema and validated.

    ``mode`` is passed to ``model_json_schema`` (``"validation"``: what the model accepts).
    Two adjustments are made to the model's schema: pydantic describes lax numeric input (a
    ``Decimal`` or ``ByteSize`` field) as ``anyOf: [number, string]`` although only some strings
    validate, so such a ``string`` branch beside a number is dropped; and types whose JSON
    Schema is looser than the type (network addresses, ``NameEmail``, ``Json[...]``,
    ``FutureDate``, ``NaiveDatetime``, ``condecimal(decimal_places=...)``, ...) are described
    exactly (see :mod:`ferrosynth._pydantic_types`).
    Raises :class:`~ferrosynth.SchemaError` when the model's schema is unsatisfiable, and
    pydantic's ``ValidationError`` if a model-level validator (which JSON Schema cannot express)
    rejects an instance.
    """
    schema = _strict(adapt(model.model_json_schema(mode=mode), model))
    values = SchemaBasedGenerator(faker).from_schema(schema, count, seed=seed)
    return [model.model_validate(v) for v in values]


def _is_bare_string(s: Any) -> bool:
    # A `pattern` alone is pydantic's lax input (`ByteSize` as "3 GB"): the number is enough.
    return (
        isinstance(s, dict)
        and s.get("type") == "string"
        and not ({"format", "enum", "const", "maxLength"} & s.keys())
    )


def _strict(schema: Any) -> Any:
    """The schema without pydantic's lax ``string`` alternatives to numbers (see above)."""
    if isinstance(schema, list):
        return [_strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _strict(v) for k, v in schema.items()}
    branches = out.get("anyOf")
    if isinstance(branches, list) and any(
        isinstance(b, dict) and b.get("type") in ("number", "integer") for b in branches
    ):
        kept = [b for b in branches if not _is_bare_string(b)]
        if kept:
            out["anyOf"] = kept
    return out
