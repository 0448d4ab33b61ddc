"""OpenAI chat completions, and every compatible server (vLLM, Ollama's ``/v1``, LiteLLM,
OpenRouter, ferrosynth's mock endpoint): the body is sent as it is."""

from __future__ import annotations

from typing import Any, ClassVar

from ferrosynth.llm.providers._base import HTTPProvider
from ferrosynth.llm.types import ChatBody, LLMResponse, ProviderKind, response_from_openai

__all__ = ["OpenAIProvider"]


class OpenAIProvider(HTTPProvider):
    """OpenAI-compatible ``POST {base_url}/chat/completions``.

    ``base_url`` includes the version path, as in OpenAI's SDK
    (``https://api.openai.com/v1``, ``http://127.0.0.1:8001/v1``). Streaming is not used: a
    ``stream`` field in the body is dropped.
    """

    kind: ClassVar[ProviderKind] = "openai"
    official_url = "https://api.openai.com/v1"
    env_keys = ("OPENAI_API_KEY",)

    def _auth_headers(self, key: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"} if key else {}

    def _request(self, body: ChatBody, model: str) -> tuple[str, dict[str, Any]]:
        payload = {k: v for k, v in body.items() if k not in ("stream", "stream_options")}
        payload["model"] = model
        return f"{self.base_url}/chat/completions", payload

    def _response(self, data: Any, model: str, body: ChatBody) -> LLMResponse:
        if not isinstance(data, dict):
            raise TypeError(f"expected a JSON object, got {type(data).__name__}")
        return response_from_openai(data, model=model)
