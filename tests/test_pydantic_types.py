"""``generate_models`` covers pydantic's common field types: every instance validates, including
the types whose JSON Schema is looser than the type (network types, NameEmail, Json, future and
naive dates, decimals with a number of places, byte sizes)."""

from __future__ import annotations

import datetime
import decimal
import ipaddress
from typing import Any, Optional

import pytest
from pydantic import (
    UUID1,
    UUID4,
    AnyUrl,
    AwareDatetime,
    Base64Bytes,
    Base64Str,
    BaseModel,
    ByteSize,
    EmailStr,
    FutureDate,
    FutureDatetime,
    HttpUrl,
    IPvAnyAddress,
    IPvAnyInterface,
    IPvAnyNetwork,
    Json,
    NaiveDatetime,
    NameEmail,
    PastDate,
    PastDatetime,
    SecretStr,
    condecimal,
    create_model,
)

from ferrosynth import generate_models

TYPES: dict[str, Any] = {
    "IPvAnyAddress": IPvAnyAddress,
    "IPvAnyNetwork": IPvAnyNetwork,
    "IPvAnyInterface": IPvAnyInterface,
    "IPv4Network": ipaddress.IPv4Network,
    "IPv6Network": ipaddress.IPv6Network,
    "IPv6Interface": ipaddress.IPv6Interface,
    "NameEmail": NameEmail,
    "EmailStr": EmailStr,
    "FutureDate": FutureDate,
    "PastDate": PastDate,
    "FutureDatetime": FutureDatetime,
    "PastDatetime": PastDatetime,
    "NaiveDatetime": NaiveDatetime,
    "AwareDatetime": AwareDatetime,
    "condecimal_places": condecimal(decimal_places=2),
    "condecimal_digits": condecimal(max_digits=5, decimal_places=2),
    "Decimal": decimal.Decimal,
    "ByteSize": ByteSize,
    "Json": Json,
    "Json_int": Json[int],
    "Json_str": Json[str],
    "UUID1": UUID1,
    "UUID4": UUID4,
    "Base64Str": Base64Str,
    "Base64Bytes": Base64Bytes,
    "HttpUrl": HttpUrl,
    "AnyUrl": AnyUrl,
    "SecretStr": SecretStr,
    "timedelta": datetime.timedelta,
    "time": datetime.time,
    "Optional_FutureDate": Optional[FutureDate],  # noqa: UP045 - the spelling users write
}


@pytest.mark.parametrize("name", list(TYPES))
def test_generate_models_yields_valid_instances_of_common_field_type(name: str) -> None:
    model = create_model(f"M_{name}", x=(TYPES[name], ...))
    out = generate_models(model, 40, seed=5)
    assert len(out) == 40


def test_decimal_places_and_digits_are_respected() -> None:
    model = create_model("Price", p=(condecimal(max_digits=5, decimal_places=2), ...))
    for m in generate_models(model, 200, seed=1):
        p = m.p  # type: ignore[attr-defined]
        assert isinstance(p, decimal.Decimal)
        assert -p.as_tuple().exponent <= 2  # type: ignore[operator]
        assert abs(p) < 1000


def test_type_rewrites_reach_nested_models() -> None:
    class Inner(BaseModel):
        when: FutureDate
        ip: IPvAnyAddress

    class Outer(BaseModel):
        inner: Inner
        items: list[Inner]

    out = generate_models(Outer, 20, seed=2)
    today = datetime.date.today()
    assert all(o.inner.when > today for o in out)
