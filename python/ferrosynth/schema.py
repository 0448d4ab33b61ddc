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

from typing import TYPE_CHECKING, Literal, TypeVar

from pydantic import BaseModel

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
    Raises :class:`~ferrosynth.SchemaError` when the model's schema is unsatisfiable, and
    pydantic's ``ValidationError`` if a model-level validator (which JSON Schema cannot express)
    rejects an instance.
    """
    schema = model.model_json_schema(mode=mode)
    values = SchemaBasedGenerator(faker).from_schema(schema, count, seed=seed)
    return [model.model_validate(v) for v in values]
