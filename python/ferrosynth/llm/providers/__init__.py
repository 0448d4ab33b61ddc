"""The providers: one class per API, and :func:`make_provider` to pick one by name."""

from __future__ import annotations

from typing import get_args

from ferrosynth.llm.budget import Budget
from ferrosynth.llm.limiter import AdaptiveLimiter
from ferrosynth.llm.pricing import PricingData
from ferrosynth.llm.providers._base import DEFAULT_MAX_CONNECTIONS, HTTPProvider
from ferrosynth.llm.providers.anthropic import AnthropicProvider
from ferrosynth.llm.providers.gemini import GeminiProvider
from ferrosynth.llm.providers.ollama import OllamaProvider
from ferrosynth.llm.providers.openai import OpenAIProvider
from ferrosynth.llm.retry import RetryPolicy
from ferrosynth.llm.types import ProviderKind
from ferrosynth.store.cache import RequestCache

__all__ = [
    "PROVIDERS",
    "AnthropicProvider",
    "GeminiProvider",
    "HTTPProvider",
    "OllamaProvider",
    "OpenAIProvider",
    "make_provider",
]

PROVIDERS: dict[str, type[HTTPProvider]] = {
    "openai": OpenAIProvider,
    "anthropic": AnthropicProvider,
    "gemini": GeminiProvider,
    "ollama": OllamaProvider,
}
assert set(PROVIDERS) == set(get_args(ProviderKind))


def make_provider(
    kind: ProviderKind = "openai",
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    model: str | None = None,
    timeout: float | None = 60.0,
    retry: RetryPolicy | None = None,
    max_connections: int = DEFAULT_MAX_CONNECTIONS,
    limiter: AdaptiveLimiter | None = None,
    cache: RequestCache | None = None,
    budget: Budget | None = None,
    pricing: PricingData | None = None,
) -> HTTPProvider:
    """A provider by ``kind`` (``"openai"``, ``"anthropic"``, ``"gemini"``, ``"ollama"``).

    Example::

        >>> from ferrosynth.llm import make_provider
        >>> p = make_provider("openai", base_url="http://127.0.0.1:8001/v1", model="m")
        >>> p
        OpenAIProvider(base_url='http://127.0.0.1:8001/v1', model='m')
        >>> make_provider("cohere")
        Traceback (most recent call last):
        ...
        ValueError: unknown provider kind 'cohere'; valid: 'openai', 'anthropic', 'gemini', 'ollama'
    """
    cls = PROVIDERS.get(kind)
    if cls is None:
        valid = ", ".join(repr(k) for k in PROVIDERS)
        raise ValueError(f"unknown provider kind {kind!r}; valid: {valid}")
    return cls(
        base_url=base_url,
        api_key=api_key,
        model=model,
        timeout=timeout,
        retry=retry,
        max_connections=max_connections,
        limiter=limiter,
        cache=cache,
        budget=budget,
        pricing=pricing,
    )
