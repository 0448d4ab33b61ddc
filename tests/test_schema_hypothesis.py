"""Property test: Hypothesis draws random satisfiable schemas (satisfiable by construction:
ordered bounds, ranges that hold a multiple, disjoint ``oneOf`` branches); every instance
generated from them must validate."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.schema_oracle import generate

FORMATS = ["date-time", "date", "email", "uri", "uuid", "ipv4", "ipv6", "hostname", "duration"]
PATTERNS = ["^[a-z]+$", "^[A-Z]{2}\\d{2,4}$", "^(yes|no|maybe)$", "^\\w+(-\\w+)*$", "x\\d?y"]
NAMES = ["id", "name", "email", "city", "price", "age", "tags", "note", "created_at", "q", "zz"]

Schema = dict[str, Any]


@st.composite
def strings(draw: st.DrawFn) -> Schema:
    s: Schema = {"type": "string"}
    kind = draw(st.sampled_from(["plain", "format", "pattern"]))
    if kind == "format":
        s["format"] = draw(st.sampled_from(FORMATS))
    elif kind == "pattern":
        s["pattern"] = draw(st.sampled_from(PATTERNS))
    else:
        lo = draw(st.integers(0, 20))
        if draw(st.booleans()):
            s["minLength"] = lo
        if draw(st.booleans()):
            s["maxLength"] = lo + draw(st.integers(0, 30))
    return s


@st.composite
def numbers(draw: st.DrawFn) -> Schema:
    s: Schema = {"type": draw(st.sampled_from(["integer", "number"]))}
    lo = draw(st.integers(-1000, 1000))
    width = draw(st.integers(0, 500))
    if draw(st.booleans()):
        m = draw(st.sampled_from([1, 2, 3, 5, 10, 0.5, 0.25, 0.01]))
        if s["type"] == "integer" and m < 1:
            m = 2
        s["multipleOf"] = m
        # Bounds around a known multiple.
        k = lo // 3
        s["minimum"] = k * m - draw(st.integers(0, 5))
        s["maximum"] = k * m + draw(st.integers(0, 50))
        return s
    if draw(st.booleans()):
        s["minimum"] = lo
    if draw(st.booleans()):
        s["maximum"] = lo + width
    if draw(st.booleans()) and width >= 2 and "minimum" in s and "maximum" in s:
        del s["minimum"], s["maximum"]
        s["exclusiveMinimum"] = lo
        s["exclusiveMaximum"] = lo + width
    return s


scalars = st.one_of(
    strings(),
    numbers(),
    st.just({"type": "boolean"}),
    st.just({"type": "null"}),
    st.lists(
        st.one_of(st.integers(-(2**53), 2**53), st.text(max_size=5)), min_size=1, max_size=5
    ).map(lambda v: {"enum": v}),
    st.one_of(st.integers(-(2**53), 2**53), st.text(max_size=8), st.booleans()).map(
        lambda v: {"const": v}
    ),
)


def containers(inner: st.SearchStrategy[Schema]) -> st.SearchStrategy[Schema]:
    @st.composite
    def objects(draw: st.DrawFn) -> Schema:
        names = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=5))
        props = {n: draw(inner) for n in names}
        s: Schema = {"type": "object", "properties": props}
        s["required"] = [n for n in names if draw(st.booleans())]
        if draw(st.booleans()):
            s["additionalProperties"] = draw(st.sampled_from([False, {"type": "integer"}]))
        return s

    @st.composite
    def arrays(draw: st.DrawFn) -> Schema:
        lo = draw(st.integers(0, 3))
        s: Schema = {"type": "array", "items": draw(inner), "minItems": lo}
        if draw(st.booleans()):
            s["maxItems"] = lo + draw(st.integers(0, 4))
        return s

    @st.composite
    def combos(draw: st.DrawFn) -> Schema:
        kind = draw(st.sampled_from(["anyOf", "oneOf", "nullable", "not", "allOf"]))
        if kind == "anyOf":
            return {"anyOf": draw(st.lists(inner, min_size=1, max_size=3))}
        if kind == "oneOf":
            return {"oneOf": [draw(strings()), draw(numbers()), {"type": "boolean"}]}
        if kind == "nullable":
            return {"anyOf": [draw(inner), {"type": "null"}]}
        if kind == "not":
            return {**draw(strings()), "not": {"const": "zzz"}}
        return {"allOf": [draw(inner), {"description": "merged"}]}

    return st.one_of(objects(), arrays(), combos())


schemas = st.recursive(scalars, containers, max_leaves=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=schemas, seed=st.integers(0, 2**32))
def test_random_satisfiable_schemas_generate_valid_instances(schema: Schema, seed: int) -> None:
    generate(schema, 20, seed=seed)
