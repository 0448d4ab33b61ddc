"""Conversation templates from YAML or JSON files, checked when they are loaded.

A file maps template names to lists of turns, at its top level or under ``templates``::

    templates:
      refund_request:
        - role: system
          content: You are a support agent for {company}.
        - role: user
          content: "Hi, I'm {first_name}. I'd like a refund for order {order_id} ({amount})."
        - role: assistant
          content: "Sorry about that, {first_name}. I've refunded {amount} for {order_id}."

Roles are ``system`` (first turn only), ``user`` and ``assistant``; contents use the placeholder
vocabulary of :mod:`ferrosynth.templates` (``{{`` and ``}}`` are literal braces). Every
template is compiled by the Rust core at load time, so an unknown placeholder is a
:class:`~ferrosynth.TemplateError` naming the file, template and turn and listing the known
placeholders, before anything is generated.

Use a loaded file with ``constraints={"template_file": "mine.yaml", "template": "refund_request"}``
(the first template of the file when ``template`` is not given), or pass turns inline with
``constraints={"template": [{"role": "user", "content": "..."}]}``.

Example::

    >>> import tempfile, pathlib
    >>> from ferrosynth.template_loader import load_templates
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.json"
    >>> _ = path.write_text('{"hello": [{"role": "user", "content": "Hi {{x}} {name}"}]}')
    >>> list(load_templates(path))
    ['hello']
    >>> _ = path.write_text('{"bad": [{"role": "user", "content": "Hi {nam}"}]}')
    >>> load_templates(path)
    Traceback (most recent call last):
    ...
    ferrosynth.errors.TemplateError: template t.json:bad turn 0: unknown placeholder {nam}; ...
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from ferrosynth import _native
from ferrosynth.errors import ConfigError, TemplateError
from ferrosynth.tools import read_structured_file

__all__ = ["Turns", "check_template", "load_templates"]

#: One template: its turns, each ``{"role", "content"}``.
Turns = list[dict[str, str]]


def load_templates(path: str | os.PathLike[str]) -> dict[str, Turns]:
    """Read and check every template in the YAML or JSON file ``path``, in file order."""
    file = Path(path)
    try:
        document = read_structured_file(file, what="template file")
    except ConfigError as error:
        raise TemplateError(str(error), str(file)) from None
    if isinstance(document, Mapping) and isinstance(document.get("templates"), Mapping):
        document = document["templates"]
    if not isinstance(document, Mapping) or not document:
        raise TemplateError(
            f"template file {file.name!r} must map template names to lists of turns", file.name
        )
    return {
        str(name): check_template(turns, f"{file.name}:{name}") for name, turns in document.items()
    }


def check_template(turns: object, name: str, domain: str | None = None) -> Turns:
    """Check one template's turns (shape, roles, placeholders); return them normalised."""
    if isinstance(turns, (str, bytes)) or not isinstance(turns, Sequence) or not turns:
        raise TemplateError(f"template {name}: expected a non-empty list of turns", name)
    out: Turns = []
    for i, turn in enumerate(turns):
        where = f"{name} turn {i}"
        if not isinstance(turn, Mapping) or set(turn) != {"role", "content"}:
            got = sorted(map(str, turn)) if isinstance(turn, Mapping) else type(turn).__name__
            raise TemplateError(
                f"template {where}: a turn is a mapping with 'role' and 'content', got {got}",
                where,
            )
        role, content = turn["role"], turn["content"]
        if not isinstance(role, str) or not isinstance(content, str):
            raise TemplateError(f"template {where}: 'role' and 'content' must be strings", where)
        out.append({"role": role, "content": content})
    _native.check_template(name, json.dumps(out), domain)
    return out
