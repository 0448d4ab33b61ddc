"""The AnthropicProvider of the LLM layer, under the seed SDK's module name."""

from __future__ import annotations

from ferrosynth.llm import AnthropicProvider

__all__ = ["AnthropicProvider"]
