"""OpenAI chat fine-tuning records: ``{"messages": [...], "tools": [...]}``.

Rules checked: ``messages`` is a non-empty list; roles are ``system`` (first only), ``user``,
``assistant`` or ``tool``; at least one ``assistant`` message; an assistant's ``tool_calls``
have unique ``call_…`` ids, ``type: "function"`` and ``function.arguments`` a JSON object as a
*string*, naming a tool in ``tools`` when ``tools`` is given; every call is answered by exactly
one ``tool`` message that follows it (before the next assistant message), and every ``tool``
message answers a call.
"""

from __future__ import annotations

from collections.abc import Mapping

from ferrosynth.export._util import items, json_object, mapping

__all__ = ["problems"]


def problems(record: Mapping[str, object]) -> list[str]:
    """What is wrong with ``record``; empty when it is a valid record."""
    out: list[str] = []
    messages = items(record.get("messages"))
    if not messages:
        return ["messages: must be a non-empty list"]
    names = {
        str(mapping(mapping(t).get("function")).get("name")) for t in items(record.get("tools"))
    }
    ids: set[str] = set()
    open_calls: dict[str, int] = {}
    answered: set[str] = set()
    assistants = 0
    for i, raw in enumerate(messages):
        m, at = mapping(raw), f"messages[{i}]"
        role = m.get("role")
        if role == "system" and i > 0:
            out.append(f"{at}: a system message must come first")
        elif role not in ("system", "user", "assistant", "tool"):
            out.append(f"{at}: unknown role {role!r}")
        if role in ("user", "assistant") and open_calls:
            out.append(f"{at}: tool calls {sorted(open_calls)} are not answered before it")
            open_calls.clear()
        if role == "assistant":
            assistants += 1
            calls = items(m.get("tool_calls"))
            content = m.get("content")
            if not calls and not isinstance(content, str):
                out.append(f"{at}: an assistant message needs content or tool_calls")
            for k, raw_call in enumerate(calls):
                call, where = mapping(raw_call), f"{at}.tool_calls[{k}]"
                cid = str(call.get("id"))
                if not cid.startswith("call_") or cid in ids:
                    out.append(f"{where}: id {cid!r} must be a unique 'call_…' id")
                ids.add(cid)
                open_calls[cid] = i
                fn = mapping(call.get("function"))
                if call.get("type") != "function":
                    out.append(f"{where}: type must be 'function'")
                if not json_object(fn.get("arguments")):
                    out.append(f"{where}: function.arguments must be a JSON object as a string")
                if names and fn.get("name") not in names:
                    out.append(f"{where}: function {fn.get('name')!r} is not in tools")
        elif role == "tool":
            cid = str(m.get("tool_call_id"))
            if cid in answered:
                out.append(f"{at}: tool_call_id {cid!r} is answered twice")
            elif cid not in open_calls:
                out.append(f"{at}: tool_call_id {cid!r} answers no pending call")
            open_calls.pop(cid, None)
            answered.add(cid)
            if not isinstance(m.get("content"), str):
                out.append(f"{at}: a tool message's content must be a string")
        elif role in ("system", "user") and not isinstance(m.get("content"), str):
            out.append(f"{at}: content must be a string")
    if open_calls:
        out.append(f"messages: tool calls {sorted(open_calls)} are never answered")
    if assistants == 0:
        out.append("messages: at least one assistant message is required")
    return out
