"""The provider protocol and its response (the LLM layer's, under the seed SDK's module name).

:class:`LLMResponse` carries ``content``, ``tool_calls``, ``model``, ``finish_reason``,
``input_tokens``, ``output_tokens`` and ``raw``; :func:`total_tokens` adds the seed SDK's
``total_tokens`` figure.
"""

from __future__ import annotations

from ferrosynth.llm import LLMProvider, LLMResponse

__all__ = ["LLMProvider", "LLMResponse", "total_tokens"]


def total_tokens(response: LLMResponse) -> int:
    """Input plus output tokens of ``response``."""
    return response.input_tokens + response.output_tokens
