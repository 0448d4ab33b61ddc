"""User-supplied tools: an OpenAI ``tools`` list, MCP tool definitions, or a JSON/YAML file of
either.

Pass them as ``constraints={"tools": ...}`` for ``DataType.tool_call``, ``DataType.agent_trace``
and ``DataType.conversation`` (which then switches to tool-use mode), or with ``--tools FILE``
on the command line. Accepted shapes, mixed freely in one list:

- OpenAI Chat Completions: ``{"type": "function", "function": {"name", "description",
  "parameters"}}`` (``strict`` is accepted and ignored);
- OpenAI Responses: ``{"type": "function", "name", "description", "parameters"}``;
- MCP: ``{"name", "description", "inputSchema", "outputSchema"}`` (``title`` and
  ``annotations`` are accepted and ignored);
- Anthropic: ``{"name", "description", "input_schema"}``;
- ferrosynth's own (``TOOL_CALL_TEMPLATES``): ``{"name", "description", "parameters"}``.

A container may be a list, or a mapping with a ``"tools"`` list (an MCP ``tools/list`` result,
an OpenAI request body). A ``str`` or path names a ``.json``, ``.yaml`` or ``.yml`` file
holding any of these. Everything is normalised to ``{"name", "description", "parameters"}``
plus ``"output_schema"`` when the tool has one (MCP ``outputSchema``); results of a tool
without one are plausible JSON chosen by the verb its name starts with.

Example::

    >>> from ferrosynth.tools import load_tools
    >>> tools = load_tools([
    ...     {"type": "function", "function": {"name": "get_weather",
    ...      "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}},
    ...     {"name": "create_ticket", "inputSchema": {"type": "object"}},
    ... ])
    >>> [(t["name"], sorted(t)) for t in tools]  # doctest: +NORMALIZE_WHITESPACE
    [('get_weather', ['description', 'name', 'parameters']),
     ('create_ticket', ['description', 'name', 'parameters'])]
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Union

from ferrosynth.errors import ConfigError
from ferrosynth.limits import MAX_DEPTH, check_document

__all__ = ["ToolSource", "check_names_for", "load_tools", "read_structured_file"]

#: What :func:`load_tools` accepts.
ToolSource = Union[Sequence[Mapping[str, Any]], Mapping[str, Any], str, "os.PathLike[str]"]

#: Tool names as OpenAI and MCP both allow them (MCP also allows dots).
NAME = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")

_IGNORED = {"strict", "title", "annotations", "type", "_meta", "cache_control"}


def load_tools(source: ToolSource, *, field: str = "tools") -> list[dict[str, object]]:
    """Normalise ``source`` to ferrosynth tool specs; :class:`ConfigError` says what is wrong.

    ``field`` names the input in error messages (``constraints.tools``, ``--tools``).
    """
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        document = read_structured_file(path, what="tools file")
        where = f"{field} ({path.name})"
        return _normalise(document, where)
    return _normalise(source, field)


def read_structured_file(path: Path, *, what: str) -> object:
    """The JSON or YAML document in ``path`` (by suffix); :class:`ConfigError` otherwise."""
    suffix = path.suffix.lower()
    if suffix not in (".json", ".yaml", ".yml"):
        raise ConfigError(f"{what} {str(path)!r} must end in .json, .yaml or .yml", str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise ConfigError(f"cannot read {what} {str(path)!r}: {reason}", str(path)) from None
    document = _parse(text, path, what)
    # Bounded before use: nesting depth, self-reference, and YAML aliases expanded at each use
    # (a 1 KB "billion laughs" file stands for 10^9 values).
    check_document(document, f"{what} {str(path)!r}", str(path))
    return document


def _parse(text: str, path: Path, what: str) -> object:
    too_deep = f"{what} {str(path)!r} nests too deeply (at most {MAX_DEPTH} levels)"
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise ConfigError(
                f"{what} {str(path)!r} is not valid JSON: {error}", str(path)
            ) from None
        except RecursionError:
            raise ConfigError(too_deep, str(path)) from None
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        message = " ".join(str(error).split())
        raise ConfigError(f"{what} {str(path)!r} is not valid YAML: {message}", str(path)) from None
    except RecursionError:
        raise ConfigError(too_deep, str(path)) from None


def _normalise(document: object, field: str) -> list[dict[str, object]]:
    items: object = document
    if isinstance(document, Mapping):
        items = document.get("tools", [document])
    if isinstance(items, (str, bytes)) or not isinstance(items, Sequence):
        kind = type(items).__name__
        raise ConfigError(f"{field}: expected a list of tools, got {kind}", field)
    if not items:
        raise ConfigError(f"{field}: the list of tools is empty", field)
    tools = [_one(item, f"{field}[{i}]") for i, item in enumerate(items)]
    seen: dict[str, int] = {}
    for i, tool in enumerate(tools):
        name = str(tool["name"])
        if name in seen:
            raise ConfigError(
                f"{field}[{i}]: tool name {name!r} is already used by {field}[{seen[name]}]",
                f"{field}[{i}]",
            )
        seen[name] = i
    return tools


def _one(item: object, where: str) -> dict[str, object]:
    if not isinstance(item, Mapping):
        raise ConfigError(f"{where}: a tool must be a mapping, got {type(item).__name__}", where)
    spec: Mapping[str, Any] = item
    if spec.get("type") == "function" and isinstance(spec.get("function"), Mapping):
        spec, where = spec["function"], f"{where}.function"
    schema_keys = [k for k in ("parameters", "inputSchema", "input_schema") if k in spec]
    if "name" not in spec or len(schema_keys) > 1:
        raise ConfigError(
            f"{where}: expected an OpenAI tool {{'type': 'function', 'function': {{...}}}}, "
            "an MCP tool {'name', 'inputSchema'} or {'name', 'parameters'}; "
            f"got keys {sorted(map(str, spec))}",
            where,
        )
    known = {"name", "description", "outputSchema", "output_schema", *schema_keys}
    unknown = sorted(str(k) for k in spec if k not in known and k not in _IGNORED)
    if unknown:
        raise ConfigError(f"{where}: unknown keys {unknown}", where)
    name = spec["name"]
    if not isinstance(name, str) or not NAME.match(name):
        raise ConfigError(
            f"{where}.name: {name!r} is not a valid tool name (1-128 of A-Z a-z 0-9 _ . -)",
            f"{where}.name",
        )
    description = spec.get("description") or ""
    if not isinstance(description, str):
        raise ConfigError(f"{where}.description: must be a string", f"{where}.description")
    tool: dict[str, object] = {"name": name, "description": description}
    parameters = spec[schema_keys[0]] if schema_keys else {"type": "object", "properties": {}}
    tool["parameters"] = _schema(parameters, f"{where}.{schema_keys[0] if schema_keys else ''}")
    output = spec.get("outputSchema", spec.get("output_schema"))
    if output is not None:
        tool["output_schema"] = _schema(output, f"{where}.outputSchema")
    return tool


def _schema(value: object, where: str) -> object:
    if not isinstance(value, (Mapping, bool)):
        raise ConfigError(f"{where}: a schema must be a mapping, got {type(value).__name__}", where)
    if not isinstance(value, Mapping):
        return value
    schema = dict(value)
    # A bare `{"type": "object"}` (common in MCP servers) breaks fine-tuning loaders that read
    # `parameters.properties`: it gets an empty one, which changes nothing it admits.
    if schema.get("type") == "object" and "properties" not in schema:
        schema["properties"] = {}
    return schema


#: Tool names that OpenAI and Anthropic accept (MCP also allows dots and up to 128 characters).
STRICT_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
#: Export formats whose tool names follow :data:`STRICT_NAME`.
STRICT_FORMATS = frozenset({"openai", "anthropic", "sharegpt"})


def check_names_for(tools: object, export: str, field: str = "tools") -> None:
    """Refuse tool names the ``export`` format's consumers reject (``db.query``, over 64
    characters): OpenAI and Anthropic require ``^[a-zA-Z0-9_-]{1,64}$``. Other formats keep MCP's
    wider rule. Names are never renamed silently: the error says which tool and why."""
    if export not in STRICT_FORMATS or not isinstance(tools, list):
        return
    for i, tool in enumerate(tools):
        name = tool.get("name") if isinstance(tool, Mapping) else None
        if isinstance(name, str) and not STRICT_NAME.match(name):
            raise ConfigError(
                f"{field}[{i}].name: {name!r} is not a valid tool name for the {export!r} format "
                "(1-64 of A-Z a-z 0-9 _ -); rename the tool, e.g. "
                f"{_suggest(name)!r}",
                f"{field}[{i}].name",
            )


def _suggest(name: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_-]", "_", name)[:64] or "tool"
