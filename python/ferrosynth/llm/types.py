"""The one request/response model of the LLM layer.

The request is an OpenAI chat-completions body (a plain ``dict``); every provider maps it to its
own API. The answer is an :class:`LLMResponse`, whatever the provider, and
:meth:`LLMResponse.to_openai` turns it back into an OpenAI ``chat.completion`` object.

Example::

    >>> from ferrosynth.llm import LLMResponse
    >>> r = LLMResponse(content="Hi!", model="claude-x", finish_reason="stop",
    ...                 input_tokens=9, output_tokens=2, raw={"id": "msg_1"})
    >>> out = r.to_openai()
    >>> out["choices"][0]["message"], out["usage"]["total_tokens"]
    ({'role': 'assistant', 'content': 'Hi!'}, 11)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["ChatBody", "LLMResponse", "ProviderKind", "response_from_openai"]

#: An OpenAI chat-completions request body.
ChatBody = dict[str, Any]
#: The provider APIs ferrosynth speaks.
ProviderKind = Literal["openai", "anthropic", "gemini", "ollama"]


@dataclass(frozen=True, slots=True)
class LLMResponse:
    """One model answer, the same shape for every provider.

    ``tool_calls`` are in OpenAI's shape
    (``{"id", "type": "function", "function": {"name", "arguments": <JSON string>}}``);
    ``input_tokens``/``output_tokens`` are the provider's reported usage (0 when it reported
    none); ``raw`` is the provider's JSON answer as received.
    """

    content: str | None
    model: str
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    finish_reason: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cached_input_tokens: int = 0
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def total_tokens(self) -> int:
        """Input plus output tokens."""
        return self.input_tokens + self.output_tokens

    def to_openai(self) -> dict[str, Any]:
        """This answer as an OpenAI ``chat.completion`` JSON object.

        An OpenAI-compatible provider's own answer is returned as received; others are
        converted, with a stable id derived from the content when the provider gave none.
        """
        if self.raw.get("object") == "chat.completion" and self.raw.get("choices"):
            return self.raw
        message: dict[str, Any] = {"role": "assistant", "content": self.content}
        if self.tool_calls:
            message["tool_calls"] = self.tool_calls
        ident = self.raw.get("id") or self.raw.get("responseId")
        if not isinstance(ident, str) or not ident:
            digest = hashlib.sha256(
                json.dumps([self.content, self.tool_calls], sort_keys=True).encode()
            ).hexdigest()
            ident = f"chatcmpl-{digest[:24]}"
        usage: dict[str, Any] = {
            "prompt_tokens": self.input_tokens,
            "completion_tokens": self.output_tokens,
            "total_tokens": self.total_tokens,
        }
        if self.cached_input_tokens:
            usage["prompt_tokens_details"] = {"cached_tokens": self.cached_input_tokens}
        return {
            "id": ident,
            "object": "chat.completion",
            "created": int(self.raw.get("created", 0) or 0),
            "model": self.model,
            "choices": [{"index": 0, "message": message, "finish_reason": self.finish_reason}],
            "usage": usage,
        }


def response_from_openai(data: dict[str, Any], *, model: str = "") -> LLMResponse:
    """Read an OpenAI ``chat.completion`` object (a provider answer or a cached one).

    Raises :class:`KeyError`/:class:`TypeError`/:class:`IndexError` on an unexpected shape;
    providers turn those into :class:`~ferrosynth.llm.InvalidResponseError`.
    """
    choice = data["choices"][0]
    message = choice["message"]
    usage = data.get("usage") or {}
    details = usage.get("prompt_tokens_details") or {}
    content = message.get("content")
    if isinstance(content, list):  # some compatible servers answer with content parts
        content = "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return LLMResponse(
        content=content,
        model=str(data.get("model") or model),
        tool_calls=list(message.get("tool_calls") or []),
        finish_reason=choice.get("finish_reason"),
        input_tokens=int(usage.get("prompt_tokens") or 0),
        output_tokens=int(usage.get("completion_tokens") or 0),
        cached_input_tokens=int(details.get("cached_tokens") or 0),
        raw=data,
    )
