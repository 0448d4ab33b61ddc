"""Compare the Ollama models known to work for personas with those a local Ollama serves.

The Ollama endpoint is ``$OLLAMA_HOST`` (``host:port`` or a URL) or ``http://127.0.0.1:11434``.
An unreachable Ollama is not an error: the result says so (``reachable`` False, ``error`` set)
and lists no untested models. New untested models are reported as a warning on the
``ferrosynth.personas`` logger (the "alert"); nothing is printed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ferrosynth.personas.core.discovery.models import ModelDiscovery
from ferrosynth.personas.exceptions import ProviderError

__all__ = [
    "TESTED_OLLAMA_MODELS",
    "ModelComparisonResult",
    "OllamaModelRegistry",
    "compare_ollama_models",
    "get_untested_models",
    "ollama_base_url",
]

log = logging.getLogger("ferrosynth.personas")

#: Models whose persona output was checked (JSON answers the parser reads, counts honoured).
TESTED_OLLAMA_MODELS = (
    "gemma2",
    "gemma3",
    "llama3.1",
    "llama3.2",
    "llama3.3",
    "mistral",
    "mistral-nemo",
    "phi3",
    "phi4",
    "qwen2.5",
    "qwen3",
)


def _base(name: str) -> str:
    """``llama3.2:3b`` and ``llama3.2:latest`` are both the family ``llama3.2``."""
    return name.split(":", 1)[0].lower()


class OllamaModelRegistry:
    """The tested model families (default :data:`TESTED_OLLAMA_MODELS`)."""

    def __init__(self, tested: Iterable[str] = TESTED_OLLAMA_MODELS) -> None:
        self.tested_models = sorted({_base(m) for m in tested})

    def is_tested(self, model: str) -> bool:
        """Whether ``model`` (any tag) belongs to a tested family."""
        return _base(model) in self.tested_models


@dataclass
class ModelComparisonResult:
    """Served vs tested models."""

    available_models: list[str] = field(default_factory=list)
    tested_models: list[str] = field(default_factory=list)
    untested_models: list[str] = field(default_factory=list)
    reachable: bool = True
    error: str | None = None

    @property
    def has_untested_models(self) -> bool:
        """True when the endpoint serves a model outside the tested families."""
        return bool(self.untested_models)


def ollama_base_url(env: Mapping[str, str] | None = None) -> str:
    """The Ollama endpoint from ``OLLAMA_HOST``, else the local default."""
    host = (os.environ if env is None else env).get("OLLAMA_HOST", "").strip()
    if not host:
        return "http://127.0.0.1:11434"
    return host if "://" in host else f"http://{host}"


def compare_ollama_models(
    base_url: str | None = None,
    registry: OllamaModelRegistry | None = None,
    *,
    timeout: float = 5.0,
) -> ModelComparisonResult:
    """Ask Ollama which models it serves and compare them with the tested families."""
    registry = registry or OllamaModelRegistry()
    url = base_url or ollama_base_url()
    try:
        available = ModelDiscovery("ollama", url, timeout=timeout).list_models()
    except ProviderError as error:
        return ModelComparisonResult(
            tested_models=registry.tested_models, reachable=False, error=str(error)
        )
    untested = [m for m in available if not registry.is_tested(m)]
    if untested:
        log.warning("Ollama at %s serves untested models: %s", url, ", ".join(untested))
    return ModelComparisonResult(available, registry.tested_models, untested)


def get_untested_models(base_url: str | None = None, *, timeout: float = 5.0) -> list[str]:
    """Just the served models outside the tested families (empty if Ollama is unreachable)."""
    return compare_ollama_models(base_url, timeout=timeout).untested_models
