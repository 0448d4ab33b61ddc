"""A registry of persona quality metrics, with a decorator for plugins.

A metric is a class with ``calculate(persona: dict) -> float`` (0 to 1). Classes registered
with :func:`register_metric` are visible to every :class:`MetricRegistry`; a registry can also
hold metrics of its own (:meth:`MetricRegistry.register`). Two built-ins: ``completeness``
(share of the persona fields that are filled) and ``grounding`` (share of a persona's goals,
pain points and behaviours that cite a source).

Example::

    >>> from ferrosynth.personas import MetricRegistry
    >>> MetricRegistry().get("completeness").calculate({"name": "Ana", "goals": ["x"]})
    0.25
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, runtime_checkable

from ferrosynth.personas.exceptions import ConfigurationError

__all__ = ["Metric", "MetricRegistry", "get_metric", "register_metric"]


@runtime_checkable
class Metric(Protocol):
    """What a metric instance offers."""

    def calculate(self, persona: dict[str, Any]) -> float: ...


M = TypeVar("M", bound=type)

_GLOBAL: dict[str, type] = {}
_LOCK = threading.Lock()


def register_metric(name: str) -> Callable[[M], M]:
    """Class decorator: register the metric class under ``name`` for every registry."""

    def decorate(cls: M) -> M:
        with _LOCK:
            _GLOBAL[name] = cls
        return cls

    return decorate


class MetricRegistry:
    """Looks metrics up by name: its own first, then the globally registered ones."""

    def __init__(self) -> None:
        self._local: dict[str, type] = {}

    def register(self, name: str, metric: type) -> None:
        """Register ``metric`` (a class) in this registry only."""
        self._local[name] = metric

    def names(self) -> list[str]:
        """Every metric name this registry resolves, sorted."""
        with _LOCK:
            return sorted({*_GLOBAL, *self._local})

    def get(self, name: str) -> Any:
        """A new instance of the metric ``name``; :class:`ConfigurationError` if unknown."""
        with _LOCK:
            cls = self._local.get(name) or _GLOBAL.get(name)
        if cls is None:
            raise ConfigurationError(
                f"unknown metric {name!r}; registered: {', '.join(self.names()) or 'none'}"
            )
        return cls()


def get_metric(name: str) -> Any:
    """A new instance of the globally registered metric ``name``."""
    return MetricRegistry().get(name)


_FIELDS = ("name", "occupation", "goals", "pain_points", "behaviours", "quotes", "age", "sources")


@register_metric("completeness")
class CompletenessMetric:
    """Share of the main persona fields (name, occupation, goals, pain points, behaviours,
    quotes, age, sources) that are present and non-empty."""

    def calculate(self, persona: dict[str, Any]) -> float:
        filled = sum(1 for f in _FIELDS if persona.get(f) not in (None, "", [], {}))
        return filled / len(_FIELDS)


@register_metric("grounding")
class GroundingMetric:
    """1.0 when the persona names at least one source, else 0.0."""

    def calculate(self, persona: dict[str, Any]) -> float:
        return 1.0 if persona.get("sources") else 0.0
