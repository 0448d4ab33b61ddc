"""Small helpers shared by the format checks."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence


def items(value: object) -> list[object]:
    """``value`` as a list when it is a JSON array, else empty."""
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return list(value)
    return []


def mapping(value: object) -> Mapping[str, object]:
    """``value`` when it is a JSON object, else an empty mapping."""
    return value if isinstance(value, Mapping) else {}


def json_object(text: object) -> bool:
    """Whether ``text`` is a string holding a JSON object."""
    if not isinstance(text, str):
        return False
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False
