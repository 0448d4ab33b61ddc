"""The reference's private helpers, for code (and test suites) written against
``aumai_datasynthesizer.core``: ``_FAKER_PLACEHOLDER_RE``, ``_resolve_placeholder`` and
``_render_template`` render a ``{placeholder}`` template with a caller's Faker, as the reference
does. ferrosynth's own templates are rendered in the Rust core (see :mod:`ferrosynth.templates`);
these helpers exist so that a project moving over can change only its import.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from faker import Faker

__all__ = ["_FAKER_PLACEHOLDER_RE", "_render_template", "_resolve_placeholder"]

#: A ``{name}`` placeholder in a template's text.
_FAKER_PLACEHOLDER_RE = re.compile(r"\{(\w+)\}")

# Placeholder name -> (Faker method, positional arguments); anything else is one Faker word.
_FAKER_METHODS: dict[str, tuple[str, tuple[object, ...]]] = {
    "order_id": ("numerify", ("######",)),
    "email": ("email", ()),
    "first_name": ("first_name", ()),
    "last_name": ("last_name", ()),
    "date": ("future_date", ()),
    "task": ("bs", ()),
    "function_name": ("pystr", ()),
    "paper_title": ("sentence", ()),
    "year": ("year", ()),
    "finding_one": ("sentence", ()),
    "finding_two": ("sentence", ()),
    "finding_three": ("sentence", ()),
    "conclusion": ("sentence", ()),
    "methodology": ("word", ()),
    "count": ("random_int", ()),
    "duration": ("word", ()),
    "analysis_method": ("word", ()),
}


def _resolve_placeholder(name: str, faker: Faker) -> str:
    """A value for the placeholder ``name`` drawn from ``faker`` (a word when unknown)."""
    method, args = _FAKER_METHODS.get(name, ("word", ()))
    return str(getattr(faker, method)(*args))


def _render_template(text: str, faker: Faker) -> str:
    """``text`` with every ``{placeholder}`` replaced by :func:`_resolve_placeholder`."""
    return _FAKER_PLACEHOLDER_RE.sub(lambda m: _resolve_placeholder(m.group(1), faker), text)
