"""One function from a provider name (and where/how to reach it) to a provider object."""

from __future__ import annotations

from typing import Any, Literal, get_args

from ferrosynth.personas.core.generation.pipeline import CompletionProvider
from ferrosynth.personas.core.providers.mock import MockPersonaProvider
from ferrosynth.personas.exceptions import ConfigurationError

__all__ = ["PROVIDERS", "ProviderName", "create_provider"]

ProviderName = Literal["openai", "anthropic", "gemini", "ollama", "mock"]
PROVIDERS: tuple[str, ...] = get_args(ProviderName)


def create_provider(
    provider: str = "openai",
    *,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    timeout: float = 60.0,
    retry: Any = None,
) -> CompletionProvider:
    """A provider for ``provider`` (one of :data:`PROVIDERS`); ``"mock"`` never leaves the
    process. The LLM layer's providers take keys from the argument or the environment."""
    if provider not in PROVIDERS:
        raise ConfigurationError(
            f"unknown provider {provider!r}; expected one of: {', '.join(PROVIDERS)}"
        )
    if provider == "mock":
        return MockPersonaProvider(model or "mock-personas")
    from ferrosynth.llm import make_provider

    made: CompletionProvider = make_provider(
        provider,  # type: ignore[arg-type]
        base_url=base_url,
        api_key=api_key,
        model=model,
        timeout=timeout,
        retry=retry,
    )
    return made
