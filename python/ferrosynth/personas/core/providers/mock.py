"""An in-process provider that answers persona prompts offline, deterministically.

It reads the request the pipeline sends (the count and the data between the markers), and
answers with that many personas whose goals, pain points, behaviours and quotes are sentences of
the data, wrapped in prose and a code fence as real models do. The same body gives the same
answer in every process: randomness is a per-call ``random.Random`` seeded from a SHA-256 of the
body (never the global ``random``). Use it for tests, demos and the CLI's ``--provider mock``.

Example::

    >>> from ferrosynth.personas import MockPersonaProvider
    >>> provider = MockPersonaProvider()
    >>> body = {"messages": [{"role": "user", "content":
    ...     "Generate exactly 1 persona(s).\\n<<<DATA\\nI want faster exports.\\nDATA>>>"}]}
    >>> "faster exports" in provider.complete(body).content
    True
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import re
from typing import Any

from ferrosynth.llm import LLMResponse, estimate_request_tokens, estimate_tokens
from ferrosynth.personas.core.generation.prompts import DATA_BEGIN, DATA_END
from ferrosynth.personas.core.utils.async_helpers import run_sync

__all__ = ["MockPersonaProvider"]

_FIRST = (
    "Ana",
    "Ben",
    "Chen",
    "Dara",
    "Emeka",
    "Farah",
    "Goran",
    "Hana",
    "Ivan",
    "Jonas",
    "Keiko",
    "Lena",
    "Mateo",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tessa",
)
_LAST = (
    "Alvarez",
    "Brooks",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Novak",
    "Okafor",
    "Patel",
)
_ROLES = (
    "product manager",
    "data analyst",
    "support lead",
    "field technician",
    "teacher",
    "nurse",
    "small-business owner",
    "software engineer",
    "designer",
    "operations manager",
)
_GOAL = re.compile(r"\b(want|need|wish|hope|goal|would like|prefer|love)", re.I)
_PAIN = re.compile(
    r"\b(frustrat|hate|slow|hard|difficult|problem|annoy|can't|cannot|confus|"
    r"lost|broken|waste)",
    re.I,
)
_SOURCE = re.compile(r"^=== source: (.+) ===$", re.M)


class MockPersonaProvider:
    """A provider (the pipeline's protocol) that never leaves the process."""

    kind = "mock"

    def __init__(self, model: str = "mock-personas", *, latency: float = 0.0) -> None:
        self.model: str | None = model
        self.base_url = "mock://personas"
        self.latency = latency
        self.requests = 0

    async def acomplete(self, body: dict[str, Any], *, timeout: float | None = None) -> LLMResponse:
        """Answer ``body`` (an OpenAI chat-completions request)."""
        self.requests += 1
        if self.latency:
            await asyncio.sleep(self.latency)
        prompt = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
        count_match = re.search(r"Generate exactly (\d+)", prompt)
        count = int(count_match.group(1)) if count_match else 1
        start = prompt.find(DATA_BEGIN)
        end = prompt.rfind(DATA_END)
        data = prompt[start + len(DATA_BEGIN) : end] if 0 <= start < end else prompt
        canonical = json.dumps(body, sort_keys=True, ensure_ascii=False).encode()
        digest = hashlib.sha256(canonical).digest()
        personas = [
            _persona(data, random.Random(digest + bytes([i % 256]) + i.to_bytes(4, "big")))
            for i in range(count)
        ]
        content = (
            "Here are the personas grounded in the data:\n```json\n"
            + json.dumps({"personas": personas}, indent=2, ensure_ascii=False)
            + "\n```\n"
        )
        model = str(body.get("model") or self.model)
        input_tokens = estimate_request_tokens(body)
        output_tokens = estimate_tokens(content)
        raw: dict[str, Any] = {
            "id": "mock-" + digest.hex()[:24],
            "object": "chat.completion",
            "created": 0,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": content},
                }
            ],
            "usage": {
                "prompt_tokens": estimate_request_tokens(body),
                "completion_tokens": estimate_tokens(content),
            },
        }
        return LLMResponse(
            content=content,
            tool_calls=[],
            model=model,
            finish_reason="stop",
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            raw=raw,
        )

    def complete(self, body: dict[str, Any], *, timeout: float | None = None) -> LLMResponse:
        """The synchronous form of :meth:`acomplete`."""
        return run_sync(self.acomplete(body, timeout=timeout))

    async def aclose(self) -> None:
        """Nothing to release."""


def _sentences(data: str) -> list[str]:
    body = _SOURCE.sub("", data)
    parts = re.split(r"(?<=[.!?])\s+|\n+", body)
    out = []
    for part in parts:
        text = part.strip(" -*#>\t")
        if 4 <= len(text.split()) <= 40 and not text.startswith(("{", "[", "row ")):
            out.append(text)
        elif text.startswith("row ") and ":" in text:
            out.append(text.split(":", 1)[1].strip())
    return out


def _pick(rng: random.Random, pool: list[str], k: int) -> list[str]:
    return rng.sample(pool, min(k, len(pool))) if pool else []


def _persona(data: str, rng: random.Random) -> dict[str, Any]:
    sentences = _sentences(data) or ["The data gives little detail about this user."]
    goals = [s for s in sentences if _GOAL.search(s)] or sentences
    pains = [s for s in sentences if _PAIN.search(s)] or sentences
    rest = [s for s in sentences if s not in goals and s not in pains] or sentences
    sources = _SOURCE.findall(data)
    return {
        "name": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
        "age": rng.randint(22, 64),
        "occupation": rng.choice(_ROLES),
        "summary": _pick(rng, sentences, 1)[0],
        "goals": _pick(rng, goals, 2),
        "painPoints": _pick(rng, pains, 2),
        "behaviors": _pick(rng, rest, 2),
        "quotes": _pick(rng, sentences, 1),
        "communication_style": rng.choice(("direct", "warm", "analytical", "brief")),
        "sources": _pick(rng, sources, 2),
    }
