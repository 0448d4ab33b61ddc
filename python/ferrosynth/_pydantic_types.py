"""What Pydantic's JSON Schema does not say, said in JSON Schema for generation.

``model_json_schema()`` describes some common field types loosely: ``IPvAnyAddress`` as
``format: ipvanyaddress``, ``NameEmail`` as ``format: name-email``, ``Json[int]`` as a string with
a ``contentSchema``, ``FutureDate`` as any ``date``, ``NaiveDatetime`` as any ``date-time`` and
``condecimal(decimal_places=2)`` as any number. Generating from those schemas gives values the
model rejects. Here each is rewritten to a schema whose instances the model accepts:

- by ``format`` anywhere in the schema (network types, ``name-email``, ``uuid1``..``uuid8``,
  ``base64``/``base64url``) and by ``contentMediaType: application/json`` (``Json[...]``);
- by field type on every model reachable from the root (``FutureDate``, ``FutureDatetime``,
  ``NaiveDatetime``, ``decimal_places``/``max_digits``), located through ``$defs`` by model name.

Example::

    >>> from pydantic import BaseModel, IPvAnyAddress, condecimal
    >>> from ferrosynth import generate_models
    >>> class Host(BaseModel):
    ...     ip: IPvAnyAddress
    ...     price: condecimal(max_digits=5, decimal_places=2)
    >>> h = generate_models(Host, 1, seed=3)[0]
    >>> h.price.as_tuple().exponent >= -2 and h.price < 1000
    True
"""

from __future__ import annotations

import types
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, FutureDate, FutureDatetime, NaiveDatetime

__all__ = ["adapt"]

_DAY = r"(0[1-9]|1[0-9]|2[0-8])"
_MONTH = r"(0[1-9]|1[0-2])"
_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
# Years 2040-2069: "in the future" for as long as this code is plausibly run.
_FUTURE_DATE = rf"^20[4-6][0-9]-{_MONTH}-{_DAY}$"
_FUTURE_DATETIME = rf"^20[4-6][0-9]-{_MONTH}-{_DAY}T{_TIME}Z$"
_NAIVE_DATETIME = rf"^20(1[0-9]|2[0-4])-{_MONTH}-{_DAY}T{_TIME}$"
_V4_NET = r"^(10|172|192)\.([1-9]|1[0-9])\.0\.0/16$"
_V6_NET = r"^2001:db8:[1-9a-f][0-9a-f]{0,3}::/48$"
_V4_IFACE = r"^192\.168\.([0-9]|[1-9][0-9])\.([1-9]|[1-9][0-9])/24$"
_V6_IFACE = r"^2001:db8::[1-9a-f][0-9a-f]{0,3}/64$"
_HEX = "[0-9a-f]"
_VARIANT = "[89ab]"

#: ``format`` → the schema that replaces it (on a string).
_BY_FORMAT: dict[str, dict[str, Any]] = {
    "ipvanyaddress": {"format": "ipv4"},
    "ipvanynetwork": {"pattern": _V4_NET},
    "ipv4network": {"pattern": _V4_NET},
    "ipv6network": {"pattern": _V6_NET},
    "ipvanyinterface": {"pattern": _V4_IFACE},
    "ipv4interface": {"pattern": _V4_IFACE},
    "ipv6interface": {"pattern": _V6_IFACE},
    "name-email": {
        "pattern": r"^[A-Z][a-z]{2,8} [A-Z][a-z]{2,9} <[a-z]{3,8}\.[a-z]{3,9}@example\.com>$"
    },
    "uuid4": {"format": "uuid"},
    "password": {},  # SecretStr: any string
    # Quads that decode to ASCII words ("abc", "def", ...): valid for Base64Str as well.
    "base64": {"pattern": r"^(YWJj|ZGVm|Z2hp|amts|bW5v|cHFy|c3R1|dnd4){1,8}$"},
    "base64url": {"pattern": r"^(YWJj|ZGVm|Z2hp|amts|bW5v|cHFy|c3R1|dnd4){1,8}$"},
    **{
        f"uuid{v}": {
            "pattern": f"^{_HEX}{{8}}-{_HEX}{{4}}-{v}{_HEX}{{3}}-{_VARIANT}{_HEX}{{3}}"
            f"-{_HEX}{{12}}$"
        }
        for v in (1, 3, 5, 6, 7, 8)
    },
}

#: ``contentSchema`` type of a ``Json[...]`` field → a pattern of JSON texts of that type.
_JSON_TEXT: dict[str, str] = {
    "integer": r"^-?[1-9][0-9]{0,8}$",
    "number": r"^-?[1-9][0-9]{0,5}\.[0-9]{1,4}$",
    "string": r'^"[a-z]{1,10}( [a-z]{1,10}){0,3}"$',
    "boolean": r"^(true|false)$",
    "null": r"^null$",
    "any": r'^\{"[a-z]{3,10}": [1-9][0-9]{0,4}\}$',
}


def _json_text(content: Any) -> dict[str, Any] | None:
    if content in ({}, True, None):
        kind = "any"
    elif isinstance(content, dict) and isinstance(content.get("type"), str) and len(content) == 1:
        kind = content["type"]
    else:
        return None
    pattern = _JSON_TEXT.get(kind)
    return {"type": "string", "pattern": pattern} if pattern else None


def _by_format(schema: dict[str, Any]) -> dict[str, Any]:
    fmt = schema.get("format")
    if schema.get("contentMediaType") == "application/json":
        text = _json_text(schema.get("contentSchema"))
        if text is not None:
            rest = {k: v for k, v in schema.items() if k not in ("contentSchema", "pattern")}
            return {**rest, **text}
    if isinstance(fmt, str) and fmt in _BY_FORMAT:
        rest = {k: v for k, v in schema.items() if k not in ("format", "pattern")}
        return {**rest, **_BY_FORMAT[fmt]}
    return schema


def _walk(schema: Any) -> Any:
    if isinstance(schema, list):
        return [_walk(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {
        k: (v if k in ("enum", "const", "default", "examples") else _walk(v))
        for k, v in schema.items()
    }
    return _by_format(out)


def _unoptional(annotation: Any) -> Any:
    """``X`` for ``Optional[X]`` / ``X | None``; anything else unchanged."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _field_schema(annotation: Any, metadata: list[Any]) -> dict[str, Any] | None:
    """The schema that replaces a field's own, or ``None`` to keep it."""
    annotation = _unoptional(annotation)
    if annotation is FutureDate:
        return {"type": "string", "pattern": _FUTURE_DATE}
    if annotation is FutureDatetime:
        return {"type": "string", "pattern": _FUTURE_DATETIME}
    if annotation is NaiveDatetime:
        return {"type": "string", "pattern": _NAIVE_DATETIME}
    places = next(
        (m.decimal_places for m in metadata if getattr(m, "decimal_places", None) is not None), None
    )
    digits = next(
        (m.max_digits for m in metadata if getattr(m, "max_digits", None) is not None), None
    )
    if places is None and digits is None:
        return None
    out: dict[str, Any] = {"type": "number" if places else "integer"}
    if places:
        out["multipleOf"] = float(f"1e-{places}")
    if digits is not None:
        top = 10 ** (digits - (places or 0))
        step = float(f"1e-{places}") if places else 1
        out["maximum"], out["minimum"] = top - step, -(top - step)
    for m in metadata:
        for key, kw in (
            ("ge", "minimum"),
            ("le", "maximum"),
            ("gt", "exclusiveMinimum"),
            ("lt", "exclusiveMaximum"),
        ):
            v = getattr(m, key, None)
            if v is not None:
                out[kw] = float(v)
    return out


def _models(root: type[BaseModel]) -> list[type[BaseModel]]:
    seen: list[type[BaseModel]] = []
    todo = [root]
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.append(m)
        for f in m.model_fields.values():
            for t in _types_in(f.annotation):
                if isinstance(t, type) and issubclass(t, BaseModel):
                    todo.append(t)
    return seen


def _types_in(annotation: Any) -> list[Any]:
    found = [annotation]
    for arg in getattr(annotation, "__args__", ()) or ():
        found.extend(_types_in(arg))
    return found


def _patch_fields(schema: dict[str, Any], model: type[BaseModel], root: type[BaseModel]) -> None:
    if model is root:
        target: Any = schema
    else:
        target = schema.get("$defs", {}).get(model.__name__)
    props = target.get("properties") if isinstance(target, dict) else None
    if not isinstance(props, dict):
        return
    for name, field in model.model_fields.items():
        key = field.alias or name
        replacement = _field_schema(field.annotation, list(field.metadata))
        if replacement is None or key not in props:
            continue
        current = props[key]
        keep = {k: v for k, v in current.items() if k in ("title", "description", "default")}
        if "default" in keep or key not in target.get("required", []):
            # Optional fields keep their null branch when the annotation allowed None.
            nullable = (
                isinstance(current.get("anyOf"), list) and {"type": "null"} in current["anyOf"]
            )
            if nullable:
                replacement = {"anyOf": [replacement, {"type": "null"}]}
        props[key] = {**keep, **replacement}


def adapt(schema: dict[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    """``schema`` (the model's JSON Schema) with the rewrites of the module doc applied."""
    out: dict[str, Any] = _walk(schema)
    for m in _models(model):
        _patch_fields(out, m, model)
    return out
