"""The OpenAIProvider of the LLM layer, under the seed SDK's module name."""

from __future__ import annotations

from ferrosynth.llm import OpenAIProvider

__all__ = ["OpenAIProvider"]
