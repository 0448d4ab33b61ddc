"""ShareGPT records as LLaMA-Factory reads them: ``{"conversations", "system", "tools"}``.

Rules checked: ``conversations`` is a non-empty list of ``{"from", "value"}`` with string values;
``human`` and ``observation`` turns at odd positions (1st, 3rd, ...), ``gpt`` and
``function_call`` turns at even ones, an even number of turns; a ``function_call`` value is JSON
``{"name", "arguments": {...}}`` (or a list of them) naming tools in ``tools``; every
``function_call`` is followed by an ``observation`` with one result per call, and every
``observation`` follows a ``function_call``; ``system`` and ``tools`` (JSON text of a list) are
strings when present.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from ferrosynth.export._util import items, mapping

__all__ = ["problems"]

_ODD = ("human", "observation")
_EVEN = ("gpt", "function_call")


def problems(record: Mapping[str, object]) -> list[str]:
    """What is wrong with ``record``; empty when it is a valid record."""
    out: list[str] = []
    turns = items(record.get("conversations"))
    if not turns:
        return ["conversations: must be a non-empty list"]
    names: set[str] = set()
    if "tools" in record:
        try:
            names = {str(mapping(t).get("name")) for t in items(json.loads(str(record["tools"])))}
        except ValueError:
            out.append("tools: must be a JSON list as a string")
    if "system" in record and not isinstance(record["system"], str):
        out.append("system: must be a string")
    pending = 0  # results the next observation must hold
    for i, raw in enumerate(turns):
        t, at = mapping(raw), f"conversations[{i}]"
        who, value = t.get("from"), t.get("value")
        allowed = _ODD if i % 2 == 0 else _EVEN
        if who not in allowed:
            out.append(f"{at}: {who!r} cannot be at position {i + 1}; expected one of {allowed}")
        if not isinstance(value, str):
            out.append(f"{at}: value must be a string")
            continue
        if who == "function_call":
            try:
                call = json.loads(value)
            except ValueError:
                out.append(f"{at}: value must be JSON")
                continue
            calls = call if isinstance(call, list) else [call]
            for c in calls:
                c = mapping(c)
                if not isinstance(c.get("arguments"), dict):
                    out.append(f"{at}: each call needs an 'arguments' object")
                if names and c.get("name") not in names:
                    out.append(f"{at}: function {c.get('name')!r} is not in tools")
            pending = len(calls) if isinstance(call, list) else 1
        elif who == "observation":
            if pending == 0:
                out.append(f"{at}: an observation must follow a function_call")
            elif pending > 1:
                try:
                    results = json.loads(value)
                except ValueError:
                    results = None
                if not isinstance(results, list) or len(results) != pending:
                    out.append(f"{at}: expected a JSON list of {pending} results")
            pending = 0
        elif pending:
            out.append(f"{at}: the function_call before it has no observation")
            pending = 0
    if pending:
        out.append("conversations: the last function_call has no observation")
    if len(turns) % 2:
        out.append("conversations: must hold an even number of turns (end with gpt)")
    return out
