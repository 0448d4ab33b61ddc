"""Anthropic Messages records: ``{"system", "messages": [...], "tools": [...]}``.

Rules checked: ``messages`` is a non-empty list starting with ``user`` and alternating
``user``/``assistant``; content is a string or a list of blocks; ``text`` blocks are not empty;
``tool_use`` blocks appear only in assistant messages, with unique ``toolu_…`` ids, an
``input`` object and a name from ``tools``; ``tool_result`` blocks appear only in user
messages, before any other block, and the user message right after an assistant message with
``tool_use`` blocks answers each of them exactly once (and nothing else).
"""

from __future__ import annotations

from collections.abc import Mapping

from ferrosynth.export._util import items, mapping

__all__ = ["problems"]


def problems(record: Mapping[str, object]) -> list[str]:
    """What is wrong with ``record``; empty when it is a valid record."""
    out: list[str] = []
    messages = items(record.get("messages"))
    if not messages:
        return ["messages: must be a non-empty list"]
    if "system" in record and not isinstance(record["system"], str):
        out.append("system: must be a string")
    names = {str(mapping(t).get("name")) for t in items(record.get("tools"))}
    ids: set[str] = set()
    pending: set[str] = set()
    for i, raw in enumerate(messages):
        m, at = mapping(raw), f"messages[{i}]"
        role = m.get("role")
        expected = "user" if i % 2 == 0 else "assistant"
        if role != expected:
            first = " the first message must be from the user" if i == 0 else ""
            out.append(
                f"{at}:{first}" if first else f"{at}: expected role {expected!r}, got {role!r}"
            )
        content = m.get("content")
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else items(content)
        if not blocks:
            out.append(f"{at}: content must be a string or a non-empty list of blocks")
        answered: set[str] = set()
        seen_other = False
        for k, raw_block in enumerate(blocks):
            b, where = mapping(raw_block), f"{at}.content[{k}]"
            kind = b.get("type")
            if kind == "text":
                seen_other = True
                if not isinstance(b.get("text"), str) or not b.get("text"):
                    out.append(f"{where}: a text block needs non-empty text")
            elif kind == "tool_use":
                seen_other = True
                bid = str(b.get("id"))
                if role != "assistant":
                    out.append(f"{where}: tool_use blocks belong to assistant messages")
                if not bid.startswith("toolu_") or bid in ids:
                    out.append(f"{where}: id {bid!r} must be a unique 'toolu_…' id")
                ids.add(bid)
                if not isinstance(b.get("input"), dict):
                    out.append(f"{where}: input must be an object")
                if names and b.get("name") not in names:
                    out.append(f"{where}: tool {b.get('name')!r} is not in tools")
            elif kind == "tool_result":
                rid = str(b.get("tool_use_id"))
                if role != "user":
                    out.append(f"{where}: tool_result blocks belong to user messages")
                if seen_other:
                    out.append(f"{where}: tool_result blocks must come before other blocks")
                if rid in answered or rid not in pending:
                    out.append(f"{where}: tool_use_id {rid!r} answers no pending tool_use")
                answered.add(rid)
                if not isinstance(b.get("content"), (str, list)):
                    out.append(f"{where}: content must be a string or a list of blocks")
                if "is_error" in b and not isinstance(b["is_error"], bool):
                    out.append(f"{where}: is_error must be a boolean")
            else:
                out.append(f"{where}: unknown block type {kind!r}")
        if role == "user" and pending - answered:
            out.append(f"{at}: tool_use ids {sorted(pending - answered)} are not answered")
        if role == "user":
            pending = set()
        elif role == "assistant":
            pending = {
                str(mapping(b).get("id")) for b in blocks if mapping(b).get("type") == "tool_use"
            }
    if pending:
        out.append(f"messages: tool_use ids {sorted(pending)} are never answered")
    return out
