"""``ferrosynth mock-llm``: an LLM endpoint that answers from the generator.

It speaks OpenAI chat completions (JSON and server-sent events), Anthropic Messages, Gemini
``generateContent`` and Ollama ``/api/chat``; tool calls carry arguments valid against the tool's
parameters, structured output is valid against its schema, and every answer is a pure function
of ``(seed, request body)``. Faults (latency, 429 with ``Retry-After``, 500/503, timeouts,
malformed JSON, dropped connections) and a hard rate limit are injected on request.

    >>> from ferrosynth.mock import MockLLMServer
    >>> with MockLLMServer(seed=1, error_rate=0.1) as srv:
    ...     srv.base_url.startswith("http://127.0.0.1:")
    True
"""

from __future__ import annotations

from ferrosynth.mock.app import MockApp, RecordedRequest
from ferrosynth.mock.config import FAULT_KINDS, FaultKind, LatencyDistribution, MockConfig
from ferrosynth.mock.server import MockLLMServer, serve

__all__ = [
    "FAULT_KINDS",
    "FaultKind",
    "LatencyDistribution",
    "MockApp",
    "MockConfig",
    "MockLLMServer",
    "RecordedRequest",
    "serve",
]
