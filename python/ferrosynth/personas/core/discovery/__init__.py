"""Model and vendor discovery, and the Ollama tested-model comparison."""

from ferrosynth.personas.core.discovery.models import (
    ModelChecker,
    ModelDiscovery,
    ModelStatus,
    VendorDiscovery,
    VendorInfo,
)
from ferrosynth.personas.core.discovery.ollama_models import (
    ModelComparisonResult,
    OllamaModelRegistry,
    compare_ollama_models,
    get_untested_models,
)

__all__ = [
    "ModelChecker",
    "ModelComparisonResult",
    "ModelDiscovery",
    "ModelStatus",
    "OllamaModelRegistry",
    "VendorDiscovery",
    "VendorInfo",
    "compare_ollama_models",
    "get_untested_models",
]
