"""Pydantic models as input: ``generate_models`` builds instances that validate."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from ferrosynth import generate_models
from tests.schema_oracle import assert_valid


class Status(str, Enum):
    active = "active"
    suspended = "suspended"


class Address(BaseModel):
    street: str
    city: str
    zip: Annotated[str, Field(pattern=r"^\d{5}$")]


class Cat(BaseModel):
    kind: Literal["cat"]
    lives: int = Field(ge=1, le=9)


class Dog(BaseModel):
    kind: Literal["dog"]
    good: bool


class User(BaseModel):
    id: uuid.UUID
    name: str = Field(min_length=2, max_length=60)
    email: str
    age: int = Field(ge=18, le=90)
    score: float = Field(gt=0, lt=1)
    balance: Decimal = Field(max_digits=8, decimal_places=2, ge=0)
    status: Status
    tags: list[str] = Field(min_length=1, max_length=5)
    address: Address
    previous: list[Address] = []
    nickname: str | None = None
    created_at: dt.datetime
    birthday: dt.date
    pet: Annotated[Cat | Dog, Field(discriminator="kind")]
    scores: dict[str, int] = {}


class Tree(BaseModel):
    label: str
    children: list[Tree] = []


def test_models_validate_and_are_deterministic() -> None:
    users = generate_models(User, 200, seed=3)
    assert all(isinstance(u, User) for u in users)
    assert_valid(User.model_json_schema(), [u.model_dump(mode="json") for u in users])
    assert {u.pet.kind for u in users} == {"cat", "dog"}
    assert {u.status for u in users} == {Status.active, Status.suspended}
    assert all("@" in u.email for u in users)
    again = generate_models(User, 200, seed=3)
    assert [u.model_dump() for u in users] == [u.model_dump() for u in again]


def test_recursive_models_terminate() -> None:
    trees = generate_models(Tree, 100, seed=1)
    assert all(isinstance(t, Tree) for t in trees)
    assert any(t.children for t in trees)
