"""OTLP/JSON trace records with OpenTelemetry GenAI spans.

Rules checked: one ``resourceSpans[].scopeSpans[].spans`` list; every span has the record's one
32-hex ``traceId``, a unique non-zero 16-hex ``spanId``, a ``parentSpanId`` naming another span
(exactly one root), an integer ``kind``, decimal-string times with start <= end, and
``gen_ai.operation.name``; span names follow the conventions (``invoke_agent {agent}``,
``chat {model}``, ``execute_tool {tool}``); ``invoke_agent`` and ``chat`` spans carry
``gen_ai.provider.name``; every tool call in a ``chat`` span's ``gen_ai.output.messages`` is
executed by exactly one ``execute_tool`` span with that ``gen_ai.tool.call.id``, and every
``execute_tool`` span answers such a call; a span with status ``ERROR`` (2) has ``error.type``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from ferrosynth.export._util import items, mapping

__all__ = ["attributes", "problems", "spans"]

_HEX32 = re.compile(r"^[0-9a-f]{32}$")
_HEX16 = re.compile(r"^[0-9a-f]{16}$")
_NAMES = {
    "invoke_agent": "gen_ai.agent.name",
    "chat": "gen_ai.request.model",
    "execute_tool": "gen_ai.tool.name",
}


def spans(record: Mapping[str, object]) -> list[Mapping[str, object]]:
    """Every span of an OTLP/JSON trace record."""
    return [
        mapping(span)
        for rs in items(record.get("resourceSpans"))
        for ss in items(mapping(rs).get("scopeSpans"))
        for span in items(mapping(ss).get("spans"))
    ]


def attributes(span: Mapping[str, object]) -> dict[str, object]:
    """A span's attributes as a plain ``{key: value}`` dict (int values as ints)."""
    out: dict[str, object] = {}
    for raw in items(span.get("attributes")):
        a = mapping(raw)
        value = mapping(a.get("value"))
        if "intValue" in value:
            out[str(a.get("key"))] = int(str(value["intValue"]))
        elif "arrayValue" in value:
            values = items(mapping(value["arrayValue"]).get("values"))
            out[str(a.get("key"))] = [next(iter(mapping(v).values()), None) for v in values]
        else:
            out[str(a.get("key"))] = next(iter(value.values()), None)
    return out


def problems(record: Mapping[str, object]) -> list[str]:
    """What is wrong with ``record``; empty when it is a valid record."""
    out: list[str] = []
    all_spans = spans(record)
    if not all_spans:
        return ["resourceSpans: no spans"]
    trace_ids = {s.get("traceId") for s in all_spans}
    if len(trace_ids) != 1 or not _HEX32.match(str(next(iter(trace_ids)))) or "0" * 32 in trace_ids:
        out.append(
            f"spans: expected one non-zero 32-hex traceId, got {sorted(map(str, trace_ids))}"
        )
    span_ids = [str(s.get("spanId")) for s in all_spans]
    if len(set(span_ids)) != len(span_ids):
        out.append("spans: spanId values must be unique")
    roots = 0
    calls: dict[str, int] = {}
    executed: dict[str, int] = {}
    for i, s in enumerate(all_spans):
        at = f"spans[{i}]"
        sid, parent = str(s.get("spanId")), s.get("parentSpanId")
        if not _HEX16.match(sid) or sid == "0" * 16:
            out.append(f"{at}: spanId {sid!r} must be 16 hex digits, not all zero")
        if parent is None:
            roots += 1
        elif parent not in span_ids or parent == sid:
            out.append(f"{at}: parentSpanId {parent!r} names no other span")
        if not isinstance(s.get("kind"), int):
            out.append(f"{at}: kind must be an integer")
        start, end = str(s.get("startTimeUnixNano")), str(s.get("endTimeUnixNano"))
        if not (start.isdigit() and end.isdigit()) or int(start) > int(end):
            out.append(f"{at}: times must be decimal strings with start <= end")
        attrs = attributes(s)
        op = attrs.get("gen_ai.operation.name")
        if op not in _NAMES:
            out.append(f"{at}: gen_ai.operation.name {op!r} is not one of {sorted(_NAMES)}")
            continue
        if s.get("name") != f"{op} {attrs.get(_NAMES[str(op)])}":
            out.append(f"{at}: name {s.get('name')!r} must be '{op} {{{_NAMES[str(op)]}}}'")
        if op in ("invoke_agent", "chat") and not attrs.get("gen_ai.provider.name"):
            out.append(f"{at}: gen_ai.provider.name is required")
        if mapping(s.get("status")).get("code") == 2 and "error.type" not in attrs:
            out.append(f"{at}: an ERROR span needs error.type")
        if op == "chat" and "gen_ai.output.messages" in attrs:
            try:
                messages = json.loads(str(attrs["gen_ai.output.messages"]))
            except ValueError:
                out.append(f"{at}: gen_ai.output.messages must be JSON")
                continue
            for m in items(messages):
                for part in items(mapping(m).get("parts")):
                    if mapping(part).get("type") == "tool_call":
                        cid = str(mapping(part).get("id"))
                        calls[cid] = calls.get(cid, 0) + 1
        if op == "execute_tool":
            cid = str(attrs.get("gen_ai.tool.call.id"))
            executed[cid] = executed.get(cid, 0) + 1
    if roots != 1:
        out.append(f"spans: expected exactly one root span, got {roots}")
    for cid, n in calls.items():
        runs = executed.get(cid, 0)
        if n != 1 or runs != 1:
            out.append(f"spans: tool call {cid!r} is made {n} times and executed {runs} times")
    for cid in executed.keys() - calls.keys():
        out.append(f"spans: execute_tool for {cid!r} answers no tool call")
    return out
