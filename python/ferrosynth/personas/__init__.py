"""Personas: the Persona SDK's API on ferrosynth's LLM layer.

Every name of the Persona SDK's API reference is importable from here; the seed's module paths
exist too, under this package (``persona.core.data`` is ``ferrosynth.personas.core.data``).
The LLM pieces (providers, responses, cost, JSON extraction) are :mod:`ferrosynth.llm`'s,
re-exported. See ``docs/personas/api-map.md`` for where each name lives.

Example (offline)::

    >>> import tempfile, pathlib
    >>> from ferrosynth.personas import PersonaGenerator
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "notes.txt").write_text("I need reports by Monday. The export is too slow.")
    >>> result = PersonaGenerator(provider="mock", seed=1).generate(d, count=1)
    >>> result.personas[0].sources
    ['notes.txt']
"""

from __future__ import annotations

from ferrosynth.personas.core.cost import CostEstimate, CostEstimator, PricingData
from ferrosynth.personas.core.data import DataLoader, LoadedData
from ferrosynth.personas.core.discovery import (
    ModelChecker,
    ModelComparisonResult,
    ModelDiscovery,
    OllamaModelRegistry,
    VendorDiscovery,
    compare_ollama_models,
    get_untested_models,
)
from ferrosynth.personas.core.generation.parser import ParseResult, PersonaParser
from ferrosynth.personas.core.generation.persona import Persona
from ferrosynth.personas.core.generation.pipeline import (
    GenerationConfig,
    GenerationPipeline,
    GenerationResult,
)
from ferrosynth.personas.core.hybrid.stages.base import PipelineStage, StageConfig, StageResult
from ferrosynth.personas.core.platform import (
    IS_LINUX,
    IS_MACOS,
    IS_WINDOWS,
    PathManager,
    get_config_dir,
    get_data_dir,
)
from ferrosynth.personas.core.providers.anthropic import AnthropicProvider
from ferrosynth.personas.core.providers.base import LLMProvider, LLMResponse
from ferrosynth.personas.core.providers.factory import create_provider
from ferrosynth.personas.core.providers.gemini import GeminiProvider
from ferrosynth.personas.core.providers.http_base import ConnectionPool, HTTPConfig, HTTPProvider
from ferrosynth.personas.core.providers.mock import MockPersonaProvider
from ferrosynth.personas.core.providers.ollama import OllamaProvider
from ferrosynth.personas.core.providers.openai import OpenAIProvider
from ferrosynth.personas.core.quality.registry import MetricRegistry, get_metric, register_metric
from ferrosynth.personas.core.scripts.generator import ScriptGenerator
from ferrosynth.personas.core.scripts.models import (
    CharacterCard,
    CommunicationStyle,
    Identity,
    KnowledgeBoundaries,
    PsychologicalProfile,
)
from ferrosynth.personas.core.scripts.privacy import AuditResult, PrivacyAuditor
from ferrosynth.personas.core.types.persona import (
    PersonaBehaviourDict,
    PersonaDemographicsDict,
    PersonaDict,
    PersonaIdentityDict,
    PersonaPreferencesDict,
)
from ferrosynth.personas.core.utils.async_helpers import is_async_context, run_sync, to_thread
from ferrosynth.personas.core.utils.json_extractor import (
    JSONExtractor,
    extract_json,
    extract_json_objects,
)
from ferrosynth.personas.exceptions import (
    AuthenticationError,
    BudgetExceededError,
    ConfigurationError,
    DataError,
    GenerationError,
    PersonaError,
    ProviderConnectionError,
    ProviderError,
    ProviderTimeoutError,
    RateLimitError,
    ValidationError,
)
from ferrosynth.personas.sdk.async_experiment import AsyncExperimentSDK
from ferrosynth.personas.sdk.async_generator import AsyncPersonaGenerator
from ferrosynth.personas.sdk.config import load_config
from ferrosynth.personas.sdk.experiment import ExperimentRun, ExperimentSDK
from ferrosynth.personas.sdk.generator import PersonaGenerator
from ferrosynth.personas.sdk.models import (
    ExperimentConfig,
    GenerationResultModel,
    PersonaConfig,
    PersonaModel,
)
from ferrosynth.personas.sdk.slug import slugify

__all__ = [
    "IS_LINUX",
    "IS_MACOS",
    "IS_WINDOWS",
    "AnthropicProvider",
    "AsyncExperimentSDK",
    "AsyncPersonaGenerator",
    "AuditResult",
    "AuthenticationError",
    "BudgetExceededError",
    "CharacterCard",
    "CommunicationStyle",
    "ConfigurationError",
    "ConnectionPool",
    "CostEstimate",
    "CostEstimator",
    "DataError",
    "DataLoader",
    "ExperimentConfig",
    "ExperimentRun",
    "ExperimentSDK",
    "GeminiProvider",
    "GenerationConfig",
    "GenerationError",
    "GenerationPipeline",
    "GenerationResult",
    "GenerationResultModel",
    "HTTPConfig",
    "HTTPProvider",
    "Identity",
    "JSONExtractor",
    "KnowledgeBoundaries",
    "LLMProvider",
    "LLMResponse",
    "LoadedData",
    "MetricRegistry",
    "MockPersonaProvider",
    "ModelChecker",
    "ModelComparisonResult",
    "ModelDiscovery",
    "OllamaModelRegistry",
    "OllamaProvider",
    "OpenAIProvider",
    "ParseResult",
    "PathManager",
    "Persona",
    "PersonaBehaviourDict",
    "PersonaConfig",
    "PersonaDemographicsDict",
    "PersonaDict",
    "PersonaError",
    "PersonaGenerator",
    "PersonaIdentityDict",
    "PersonaModel",
    "PersonaParser",
    "PersonaPreferencesDict",
    "PipelineStage",
    "PricingData",
    "PrivacyAuditor",
    "ProviderConnectionError",
    "ProviderError",
    "ProviderTimeoutError",
    "PsychologicalProfile",
    "RateLimitError",
    "ScriptGenerator",
    "StageConfig",
    "StageResult",
    "ValidationError",
    "VendorDiscovery",
    "compare_ollama_models",
    "create_provider",
    "extract_json",
    "extract_json_objects",
    "get_config_dir",
    "get_data_dir",
    "get_metric",
    "get_untested_models",
    "is_async_context",
    "load_config",
    "register_metric",
    "run_sync",
    "slugify",
    "to_thread",
]
