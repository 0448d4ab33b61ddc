"""The agent-specific parts of a plan specification: which tools and which template.

Python resolves names, files and inline definitions here; the Rust core compiles and checks the
result (schemas, placeholders, constraint values) and reports errors that name what is wrong.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import cast

from ferrosynth.errors import ConfigError, FerrosynthWarning, TemplateError
from ferrosynth.models import DataType
from ferrosynth.template_loader import check_template, load_templates
from ferrosynth.templates import CONVERSATION_TEMPLATES, TEMPLATE_DOMAINS, TOOL_CALL_TEMPLATES
from ferrosynth.tools import ToolSource, load_tools

__all__ = ["PYTHON_ONLY", "agent_spec"]

logger = logging.getLogger("ferrosynth")

DEFAULT_TEMPLATE = "customer_support"
DEFAULT_TOOL = "search"

#: Constraints resolved here and not sent to the core (they may hold paths or large objects).
PYTHON_ONLY = frozenset({"tools", "template", "template_file"})


def agent_spec(data_type: DataType, constraints: Mapping[str, object]) -> dict[str, object]:
    """The ``template`` and ``tools`` members of the spec for ``data_type``."""
    if data_type is DataType.tool_call:
        if "tools" in constraints:
            if "tool" in constraints:
                raise ConfigError(
                    "give either 'tool' (a built-in template name) or 'tools', not both",
                    "constraints.tool",
                )
            return {"tools": _user_tools(constraints)}
        tool = str(constraints.get("tool", DEFAULT_TOOL))
        if tool not in TOOL_CALL_TEMPLATES:
            _fallback(f"constraints.tool: unknown tool template {tool!r}", DEFAULT_TOOL)
            tool = DEFAULT_TOOL
        return {"tools": [TOOL_CALL_TEMPLATES[tool]]}
    if data_type is DataType.agent_trace:
        if "tools" in constraints:
            return {"tools": _user_tools(constraints)}
        return {"tools": list(TOOL_CALL_TEMPLATES.values())}
    if data_type is DataType.conversation:
        mode = constraints.get("mode")
        if "tools" in constraints and mode in (None, "tool_use"):
            return {"tools": _user_tools(constraints)}
        if mode == "tool_use":
            return {"tools": list(TOOL_CALL_TEMPLATES.values())}
        return {"template": _template(constraints)}
    return {}


def _fallback(what: str, default: str) -> None:
    """The reference's documented fallback, made visible: a FerrosynthWarning (and a log line)."""
    logger.warning("%s; using %r", what, default)
    warnings.warn(f"{what}; using {default!r}", FerrosynthWarning, stacklevel=4)


def _user_tools(constraints: Mapping[str, object]) -> list[dict[str, object]]:
    # load_tools checks the shape of whatever it is given.
    return load_tools(cast("ToolSource", constraints["tools"]), field="constraints.tools")


def _template(constraints: Mapping[str, object]) -> dict[str, object]:
    domain = constraints.get("domain")
    if domain is not None and not isinstance(domain, str):
        raise ConfigError(
            f"constraints.domain: must be a string, got {domain!r}", "constraints.domain"
        )
    chosen = constraints.get("template")
    if "template_file" in constraints:
        file = constraints["template_file"]
        if not isinstance(file, (str, Path)):
            raise ConfigError(
                "constraints.template_file: must be a path", "constraints.template_file"
            )
        loaded = load_templates(file)
        name = next(iter(loaded)) if chosen is None else str(chosen)
        if name not in loaded:
            raise TemplateError(
                f"template {name!r} is not in {Path(file).name}; it has: {', '.join(loaded)}",
                name,
            )
        return {"name": name, "turns": loaded[name], "domain": domain}
    if isinstance(chosen, list):
        return {
            "name": "inline",
            "turns": check_template(chosen, "inline", domain),
            "domain": domain,
        }
    name = str(chosen) if chosen is not None else DEFAULT_TEMPLATE
    if name not in CONVERSATION_TEMPLATES:
        _fallback(f"constraints.template: unknown conversation template {name!r}", DEFAULT_TEMPLATE)
        name = DEFAULT_TEMPLATE
    return {
        "name": name,
        "turns": CONVERSATION_TEMPLATES[name],
        "domain": domain or TEMPLATE_DOMAINS.get(name),
    }
