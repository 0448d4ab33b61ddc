"""Every name of the Persona SDK's API reference imports from ferrosynth.personas, and from the
seed's module path under it; the exceptions sit in both error trees."""

from __future__ import annotations

import importlib

import pytest

import ferrosynth.llm
import ferrosynth.personas as personas
from ferrosynth import FerrosynthError

# (seed module, names documented there), in the order of the seed page.
SEED: list[tuple[str, tuple[str, ...]]] = [
    ("sdk.generator", ("PersonaGenerator",)),
    ("sdk.async_generator", ("AsyncPersonaGenerator",)),
    ("sdk.models", ("PersonaConfig", "ExperimentConfig", "PersonaModel", "GenerationResultModel")),
    ("sdk.experiment", ("ExperimentSDK",)),
    ("sdk.async_experiment", ("AsyncExperimentSDK",)),
    ("core.generation.pipeline", ("GenerationPipeline", "GenerationConfig", "GenerationResult")),
    ("core.generation.parser", ("PersonaParser", "ParseResult")),
    ("core.data", ("DataLoader",)),
    ("core.cost", ("CostEstimator", "CostEstimate", "PricingData")),
    (
        "core.platform",
        ("PathManager", "get_config_dir", "get_data_dir", "IS_WINDOWS", "IS_MACOS", "IS_LINUX"),
    ),
    ("core.providers.base", ("LLMProvider", "LLMResponse")),
    ("core.providers.anthropic", ("AnthropicProvider",)),
    ("core.providers.openai", ("OpenAIProvider",)),
    ("core.providers.gemini", ("GeminiProvider",)),
    ("core.providers.ollama", ("OllamaProvider",)),
    ("core.discovery", ("ModelDiscovery", "VendorDiscovery", "ModelChecker")),
    (
        "core.discovery.ollama_models",
        (
            "compare_ollama_models",
            "get_untested_models",
            "OllamaModelRegistry",
            "ModelComparisonResult",
        ),
    ),
    (
        "sdk.exceptions",
        (
            "PersonaError",
            "ConfigurationError",
            "ValidationError",
            "DataError",
            "ProviderError",
            "RateLimitError",
            "BudgetExceededError",
            "GenerationError",
        ),
    ),
    ("core.scripts.generator", ("ScriptGenerator",)),
    (
        "core.scripts.models",
        (
            "CharacterCard",
            "Identity",
            "PsychologicalProfile",
            "CommunicationStyle",
            "KnowledgeBoundaries",
        ),
    ),
    ("core.scripts.privacy", ("PrivacyAuditor",)),
    ("core.utils.json_extractor", ("JSONExtractor", "extract_json", "extract_json_objects")),
    ("core.utils.async_helpers", ("run_sync", "is_async_context", "to_thread")),
    (
        "core.types.persona",
        (
            "PersonaDict",
            "PersonaIdentityDict",
            "PersonaDemographicsDict",
            "PersonaBehaviourDict",
            "PersonaPreferencesDict",
        ),
    ),
    ("core.providers.http_base", ("HTTPProvider", "ConnectionPool", "HTTPConfig")),
    ("core.hybrid.stages.base", ("PipelineStage", "StageConfig", "StageResult")),
    ("core.quality.registry", ("MetricRegistry", "register_metric", "get_metric")),
]
# Persona is documented under core.generation.parser; it lives beside it.
EXTRA = [("core.generation.parser", "Persona")]


@pytest.mark.parametrize(("module", "names"), SEED, ids=[m for m, _ in SEED])
def test_seed_names_import_from_the_package_and_the_seed_path(
    module: str, names: tuple[str, ...]
) -> None:
    seed_module = importlib.import_module(f"ferrosynth.personas.{module}")
    for name in names:
        assert name in personas.__all__, name
        assert getattr(seed_module, name) is getattr(personas, name), name


def test_persona_is_importable_from_the_parser_module() -> None:
    for module, name in EXTRA:
        seed_module = importlib.import_module(f"ferrosynth.personas.{module}")
        assert getattr(seed_module, name) is personas.Persona


def test_all_is_exactly_what_the_package_defines() -> None:
    assert sorted(personas.__all__) == sorted(set(personas.__all__))
    for name in personas.__all__:
        assert hasattr(personas, name), name


def test_shared_pieces_are_the_llm_layers_own() -> None:
    for name in (
        "LLMProvider",
        "LLMResponse",
        "OpenAIProvider",
        "AnthropicProvider",
        "GeminiProvider",
        "OllamaProvider",
        "CostEstimator",
        "CostEstimate",
        "PricingData",
        "JSONExtractor",
        "extract_json",
        "extract_json_objects",
    ):
        assert getattr(personas, name) is getattr(ferrosynth.llm, name), name


@pytest.mark.parametrize(
    ("sdk", "llm"),
    [
        ("ProviderError", "ProviderError"),
        ("RateLimitError", "RateLimitError"),
        ("BudgetExceededError", "BudgetExceededError"),
        ("AuthenticationError", "AuthenticationError"),
        ("ProviderTimeoutError", "ProviderTimeoutError"),
        ("ProviderConnectionError", "ProviderConnectionError"),
    ],
)
def test_exceptions_are_in_both_trees(sdk: str, llm: str) -> None:
    cls = getattr(personas, sdk)
    assert issubclass(cls, getattr(ferrosynth.llm, llm))
    assert issubclass(cls, personas.PersonaError)
    assert issubclass(cls, FerrosynthError)


def test_llm_errors_become_sdk_errors_with_their_attributes() -> None:
    from ferrosynth.personas.exceptions import as_persona_error

    error = ferrosynth.llm.RateLimitError(
        "slow down",
        provider="openai",
        url="http://x/v1",
        model="m",
        status_code=429,
        retry_after=3.0,
    )
    converted = as_persona_error(error)
    assert isinstance(converted, personas.RateLimitError)
    assert (converted.retry_after, converted.status_code, str(converted)) == (3.0, 429, str(error))
    for cls in (personas.ConfigurationError, personas.ValidationError, personas.DataError):
        assert issubclass(cls, ValueError)
        assert issubclass(cls, personas.PersonaError)
    assert issubclass(personas.GenerationError, personas.PersonaError)
