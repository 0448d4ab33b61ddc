"""Bounds on what ferrosynth accepts, checked before anything could crash or exhaust memory.

- Documents (schemas, tool files, templates): at most :data:`MAX_DEPTH` levels of nesting and
  :data:`MAX_NODES` values once YAML aliases are expanded (a "billion laughs" file of 1 KB
  expands to 10⁹ values), and no document that contains itself.
- In-memory results: a run whose samples would not fit in the available memory is refused
  before it starts (stream it with ``DataGenerator.write``/``iter_samples`` instead).

Every refusal is a :class:`~ferrosynth.ConfigError` (or :class:`~ferrosynth.SchemaError` for a
schema) that names the place at fault.

Example::

    >>> from ferrosynth.limits import check_document
    >>> deep: object = "leaf"
    >>> for _ in range(200):
    ...     deep = [deep]
    >>> try:
    ...     check_document(deep, "tools file")
    ... except ValueError as e:
    ...     print(str(e)[:56])
    tools file nests deeper than 100 levels (at /0/0/0/0/0/0
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import Any, Literal

from ferrosynth.errors import ConfigError, SchemaError

__all__ = [
    "MAX_DEPTH",
    "MAX_NODES",
    "available_memory",
    "check_document",
    "check_finite",
    "check_memory",
    "check_spec",
    "find_non_finite",
    "widen_integers",
]

#: The deepest nesting of arrays/objects accepted in any input document (the native parser
#: stops at 128 levels; schemas sit a few levels down in the plan).
MAX_DEPTH = 100
#: The most values a document may expand to (YAML aliases counted at every use).
MAX_NODES = 2_000_000
#: In-memory runs below this many samples are never estimated (they always fit).
_SMALL_RUN = 20_000
#: Python objects take several times the bytes of their JSON text (dicts, str headers, ints).
_PY_OVERHEAD = 8


def _children(value: object) -> list[tuple[str, object]]:
    if isinstance(value, Mapping):
        return [(str(k).replace("~", "~0").replace("/", "~1"), v) for k, v in value.items()]
    if isinstance(value, (list, tuple)):
        return [(str(i), v) for i, v in enumerate(value)]
    return []


def _is_container(value: object) -> bool:
    return isinstance(value, (Mapping, list, tuple))


def check_document(
    doc: object, what: str, field: str = "", *, kind: Literal["config", "schema"] = "config"
) -> None:
    """Refuse ``doc`` if it nests deeper than :data:`MAX_DEPTH`, expands to more than
    :data:`MAX_NODES` values, or contains itself. Linear in the distinct containers (a shared
    one, such as a YAML alias target, is sized once); iterative, so never a RecursionError."""
    if not _is_container(doc):
        return
    # Per container id: (expanded size, depth) once walked; None while on the current path.
    done: dict[int, tuple[int, int] | None] = {}
    # The walk's path: [container, its children, next child, size so far, deepest child].
    stack: list[list[Any]] = []
    path: list[str] = []

    def fail(reason: str) -> ConfigError | SchemaError:
        where = "/" + "/".join(path)
        if kind == "schema":
            return SchemaError(f"schema at {where}: {reason}", where)
        return ConfigError(f"{what} {reason} (at {where})", field or what)

    def enter(value: object) -> None:
        if len(stack) >= MAX_DEPTH:
            raise fail(f"nests deeper than {MAX_DEPTH} levels")
        done[id(value)] = None
        stack.append([value, _children(value), 0, 1, 0])

    too_big = f"expands to more than {MAX_NODES:,} values (YAML aliases counted at each use)"
    enter(doc)
    while stack:
        top = stack[-1]
        kids = top[1]
        if top[2] < len(kids):
            key, child = kids[top[2]]
            top[2] += 1
            if not _is_container(child):
                top[3] += 1
                continue
            path.append(key)
            if id(child) not in done:
                enter(child)
                continue
            state = done[id(child)]
            if state is None:
                raise fail("contains itself")
            size, depth = state
            if len(stack) + depth > MAX_DEPTH:
                raise fail(f"nests deeper than {MAX_DEPTH} levels")
            path.pop()
            top[3] += size
            top[4] = max(top[4], depth)
            if top[3] > MAX_NODES:
                raise fail(too_big)
            continue
        stack.pop()
        size, depth = top[3], top[4] + 1
        done[id(top[0])] = (size, depth)
        if stack:
            path.pop()
            parent = stack[-1]
            parent[3] += size
            parent[4] = max(parent[4], depth)
            if parent[3] > MAX_NODES:
                raise fail(too_big)


def find_non_finite(doc: object) -> str | None:
    """The JSON pointer of the first NaN or infinity in ``doc`` (not JSON: the encoder would
    silently write ``null``), or ``None``."""
    stack: list[tuple[str, object]] = [("", doc)]
    seen: set[int] = set()
    while stack:
        where, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            return where or "/"
        if _is_container(value) and id(value) not in seen:
            seen.add(id(value))
            stack.extend((f"{where}/{k}", v) for k, v in reversed(_children(value)))
    return None


def check_finite(spec: Mapping[str, object]) -> None:
    """Refuse NaN and infinities in the schema or constraints (JSON has no such numbers)."""
    schema = spec.get("schema")
    where = find_non_finite(schema)
    if where is not None:
        raise SchemaError(
            f"schema at {where}: NaN and Infinity are not JSON numbers (use a finite number)",
            where,
        )
    where = find_non_finite(spec.get("constraints"))
    if where is not None:
        raise ConfigError(
            f"constraints{where}: NaN and Infinity are not JSON numbers", f"constraints{where}"
        )


#: Schema keywords whose integer may lie beyond 64 bits: see :func:`_narrow_bound`.
_UPPER = frozenset({"maximum", "exclusiveMaximum"})
_LOWER = frozenset({"minimum", "exclusiveMinimum"})
#: Schema keywords whose values are data (never schemas): kept exact, so never widened.
_DATA = frozenset({"const", "enum", "default", "examples", "example", "x-ferrosynth"})
_I64_MIN = -(2**63)
_U64_MAX = 2**64 - 1


def _beyond_64_bits(value: object) -> bool:
    return (
        isinstance(value, int) and not isinstance(value, bool) and not _I64_MIN <= value <= _U64_MAX
    )


def _first_big_integer(doc: object, where: str = "") -> tuple[str, int] | None:
    stack: list[tuple[str, object]] = [(where, doc)]
    while stack:
        at, value = stack.pop()
        if _beyond_64_bits(value):
            return at or "/", value  # type: ignore[return-value]
        stack.extend((f"{at}/{k}", v) for k, v in reversed(_children(value)))
    return None


def _narrow_bound(upper: bool, value: int) -> int | float:
    """A bound beyond 64 bits, replaced by one the encoder can write that admits no value the
    original refuses: an upper bound past the top becomes the largest 64-bit integer (the same
    bound for integers; numbers above it are simply not drawn), a lower bound past the bottom
    the smallest; a bound past the other end (no integer fits) becomes the nearest float on
    its own side, for numbers."""
    if upper and value > _U64_MAX:
        return _U64_MAX
    if not upper and value < _I64_MIN:
        return _I64_MIN
    f = float(value)
    if upper and f > value:
        f = math.nextafter(f, -math.inf)
    if not upper and f < value:
        f = math.nextafter(f, math.inf)
    return f


def _widen_schema(schema: object, where: str) -> object:
    if isinstance(schema, Mapping):
        out: dict[object, object] = {}
        for key, value in schema.items():
            at = f"{where}/{str(key).replace('~', '~0').replace('/', '~1')}"
            if key in _UPPER | _LOWER and _beyond_64_bits(value):
                out[key] = _narrow_bound(key in _UPPER, value)
            elif key in _DATA:
                found = _first_big_integer(value, at)
                if found is not None:
                    raise SchemaError(
                        f"schema at {found[0]}: the integer {found[1]} is beyond the 64-bit "
                        f"range ferrosynth generates ({_I64_MIN} to {_U64_MAX})",
                        found[0],
                    )
                out[key] = value
            elif _beyond_64_bits(value):
                raise SchemaError(
                    f"schema at {at}: `{key}` {value} is beyond the 64-bit range ferrosynth "
                    f"reads ({_I64_MIN} to {_U64_MAX})",
                    at,
                )
            else:
                out[key] = _widen_schema(value, at)
        return out
    if isinstance(schema, (list, tuple)):
        return [_widen_schema(v, f"{where}/{i}") for i, v in enumerate(schema)]
    return schema


def widen_integers(spec: Mapping[str, object]) -> dict[str, object]:
    """The plan specification with the schema's bounds beyond 64 bits narrowed to ones the
    encoder can write (``maximum: 2**64`` becomes ``2**64 - 1``: the same bound for a 64-bit
    integer); any other integer beyond 64 bits is refused where it is (the JSON encoder cannot
    write it, and ferrosynth could not generate it exactly)."""
    out = dict(spec)
    if "schema" in spec:
        out["schema"] = _widen_schema(spec["schema"], "")
    for key, value in spec.items():
        if key == "schema":
            continue
        found = _first_big_integer(value)
        if found is not None:
            field = "constraints" if key == "constraints" else key
            raise ConfigError(
                f"{field}{found[0]}: the integer {found[1]} is beyond the 64-bit range "
                f"({_I64_MIN} to {_U64_MAX})",
                field,
            )
    return out


def check_spec(spec: Mapping[str, object]) -> None:
    """Explain why a plan specification could not be encoded or parsed: the schema or a
    constraint that nests too deeply or contains itself (as :func:`check_document`)."""
    if "schema" in spec:
        check_document(spec["schema"], "schema", kind="schema")
    constraints = spec.get("constraints")
    if isinstance(constraints, Mapping):
        for key, value in constraints.items():
            check_document(value, f"constraints.{key}", f"constraints.{key}")


def available_memory() -> int | None:
    """Bytes of memory available to this process now (Linux ``MemAvailable``), or ``None``."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(plan: Any, seed: int, start: int, count: int) -> None:
    """Refuse an in-memory run of ``count`` samples that would not fit in available memory.

    The size is estimated from the first 64 samples of the run (JSON bytes times the Python
    object overhead); streaming (``write``, ``iter_samples``, the CLI) is never limited.
    """
    if count <= _SMALL_RUN:
        return
    probe = min(count, 64)
    per_row = len(plan.json_array(seed, start, probe)) / probe + 2
    need = int(count * per_row * (_PY_OVERHEAD + 1))
    avail = available_memory()
    if avail is not None and need > avail:
        raise ConfigError(
            f"count: {count:,} samples need about {need / 2**30:,.1f} GiB in memory but "
            f"{avail / 2**30:,.1f} GiB are available; stream them to a file with "
            "DataGenerator.write() or iterate with iter_samples() instead",
            "count",
        )
