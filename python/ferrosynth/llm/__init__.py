"""The LLM layer: one provider protocol, one retry policy, one cost model, one cache.

Everything here is importable from ``ferrosynth.llm``. Importing it is light: the HTTP client
(aiohttp) is imported when a provider first sends a request.

Example::

    >>> from ferrosynth.llm import estimate_request_tokens, RetryPolicy
    >>> estimate_request_tokens({"messages": [{"role": "user", "content": "Hi"}]})
    8
"""

from __future__ import annotations

from ferrosynth.llm.base import LLMProvider
from ferrosynth.llm.budget import Budget
from ferrosynth.llm.errors import (
    AuthenticationError,
    BudgetExceededError,
    InvalidResponseError,
    LLMError,
    ProviderConnectionError,
    ProviderError,
    ProviderTimeoutError,
    RateLimitError,
    StructuredOutputError,
)
from ferrosynth.llm.extract import JSONExtractor, extract_json, extract_json_objects
from ferrosynth.llm.limiter import AdaptiveLimiter, Slot
from ferrosynth.llm.pricing import CostEstimate, CostEstimator, ModelPrice, PricingData, cost_of
from ferrosynth.llm.providers import (
    PROVIDERS,
    AnthropicProvider,
    GeminiProvider,
    HTTPProvider,
    OllamaProvider,
    OpenAIProvider,
    make_provider,
)
from ferrosynth.llm.retry import RetryPolicy, is_retryable, retry_after_from_headers
from ferrosynth.llm.structured import (
    Schema,
    StructuredResult,
    acomplete_structured,
    complete_structured,
)
from ferrosynth.llm.tokens import estimate_request_tokens, estimate_tokens
from ferrosynth.llm.types import ChatBody, LLMResponse, ProviderKind, response_from_openai
from ferrosynth.store.cache import RequestCache, cache_key

__all__ = [
    "PROVIDERS",
    "AdaptiveLimiter",
    "AnthropicProvider",
    "AuthenticationError",
    "Budget",
    "BudgetExceededError",
    "ChatBody",
    "CostEstimate",
    "CostEstimator",
    "GeminiProvider",
    "HTTPProvider",
    "InvalidResponseError",
    "JSONExtractor",
    "LLMError",
    "LLMProvider",
    "LLMResponse",
    "ModelPrice",
    "OllamaProvider",
    "OpenAIProvider",
    "PricingData",
    "ProviderConnectionError",
    "ProviderError",
    "ProviderKind",
    "ProviderTimeoutError",
    "RateLimitError",
    "RequestCache",
    "RetryPolicy",
    "Schema",
    "Slot",
    "StructuredOutputError",
    "StructuredResult",
    "acomplete_structured",
    "cache_key",
    "complete_structured",
    "cost_of",
    "estimate_request_tokens",
    "estimate_tokens",
    "extract_json",
    "extract_json_objects",
    "is_retryable",
    "make_provider",
    "response_from_openai",
    "retry_after_from_headers",
]
