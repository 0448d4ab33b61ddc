"""Providers: the LLM layer's, the in-process mock, and the HTTP base class."""

from ferrosynth.personas.core.providers.factory import PROVIDERS, ProviderName, create_provider
from ferrosynth.personas.core.providers.mock import MockPersonaProvider

__all__ = ["PROVIDERS", "MockPersonaProvider", "ProviderName", "create_provider"]
