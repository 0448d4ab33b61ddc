"""Which vendors are configured, which models an endpoint serves, and what is known of a model."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ferrosynth.personas.core.generation import chunking
from ferrosynth.personas.core.providers.http_base import HTTPProvider
from ferrosynth.personas.core.utils.async_helpers import run_sync
from ferrosynth.personas.exceptions import ConfigurationError

__all__ = ["ModelChecker", "ModelDiscovery", "ModelStatus", "VendorDiscovery", "VendorInfo"]

#: vendor -> (API-key environment variables, official base URL)
VENDORS: dict[str, tuple[tuple[str, ...], str]] = {
    "openai": (("OPENAI_API_KEY",), "https://api.openai.com/v1"),
    "anthropic": (("ANTHROPIC_API_KEY",), "https://api.anthropic.com"),
    "gemini": (("GEMINI_API_KEY", "GOOGLE_API_KEY"), "https://generativelanguage.googleapis.com"),
    "ollama": ((), "http://127.0.0.1:11434"),
}


@dataclass(frozen=True)
class VendorInfo:
    """A vendor, whether a key for it is set (never the key itself), and its default URL."""

    name: str
    configured: bool
    env_vars: tuple[str, ...]
    base_url: str


class VendorDiscovery:
    """The vendors the SDK speaks to and which of them are configured (offline)."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self.env = os.environ if env is None else env

    def vendors(self) -> list[VendorInfo]:
        """Every vendor; Ollama needs no key and counts as configured."""
        out = []
        for name, (variables, url) in VENDORS.items():
            configured = not variables or any(self.env.get(v) for v in variables)
            out.append(VendorInfo(name, configured, variables, url))
        return out

    def configured(self) -> list[str]:
        """Names of the vendors that can be used now."""
        return [v.name for v in self.vendors() if v.configured]


class ModelDiscovery:
    """Lists the models an endpoint serves (OpenAI-compatible ``/models``, Ollama ``/api/tags``,
    Anthropic ``/v1/models``)."""

    def __init__(
        self,
        provider: str = "openai",
        base_url: str | None = None,
        *,
        api_key: str | None = None,
        timeout: float = 10.0,
        env: Mapping[str, str] | None = None,
    ) -> None:
        if provider not in VENDORS:
            raise ConfigurationError(
                f"unknown provider {provider!r}; expected one of: {', '.join(VENDORS)}"
            )
        env = os.environ if env is None else env
        variables, default_url = VENDORS[provider]
        self.provider = provider
        self.base_url = (base_url or default_url).rstrip("/")
        self.timeout = timeout
        self._key = api_key or next((env[v] for v in variables if env.get(v)), None)

    async def alist_models(self) -> list[str]:
        """The model names, sorted."""
        headers: dict[str, str] = {}
        if self._key and self.provider == "openai":
            headers["Authorization"] = f"Bearer {self._key}"
        elif self._key and self.provider == "anthropic":
            headers = {"x-api-key": self._key, "anthropic-version": "2023-06-01"}
        elif self._key and self.provider == "gemini":
            headers["x-goog-api-key"] = self._key
        endpoint = {
            "openai": "/models",
            "anthropic": "/v1/models",
            "gemini": "/v1beta/models",
            "ollama": "/api/tags",
        }[self.provider]
        client = HTTPProvider(self.base_url, 2, self.timeout, headers=headers)
        client.name = self.provider
        try:
            data = await client._get(endpoint)
        finally:
            await client.aclose()
        return sorted(_names(data))

    def list_models(self) -> list[str]:
        """:meth:`alist_models`, blocking."""
        return run_sync(self.alist_models())


def _names(data: Any) -> list[str]:
    items = data.get("data") or data.get("models") or [] if isinstance(data, dict) else data
    names = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            name = item.get("id") or item.get("name") or item.get("model")
            if name:
                names.append(str(name).removeprefix("models/"))
        elif isinstance(item, str):
            names.append(item)
    return names


@dataclass(frozen=True)
class ModelStatus:
    """What is known of a model: price, context window, and (if asked) availability."""

    model: str
    priced: bool
    context_window: int
    available: bool | None = None


class ModelChecker:
    """Checks a model against the price table and, optionally, an endpoint's model list."""

    def __init__(self, discovery: ModelDiscovery | None = None) -> None:
        self.discovery = discovery

    def check(self, model: str) -> ModelStatus:
        """The model's status; availability is asked of the discovery's endpoint if set."""
        from ferrosynth.llm import cost_of

        available = None
        if self.discovery is not None:
            available = model in self.discovery.list_models()
        return ModelStatus(
            model=model,
            priced=cost_of(model, 1, 1) is not None,
            context_window=chunking.context_window_of(model),
            available=available,
        )
