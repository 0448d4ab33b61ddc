"""The generation pipeline: data -> prompt(s) -> provider -> parsed, identified, counted personas.

One provider call per chunk; the data is chunked only when it does not fit the model's context
window next to the prompt and the answer. Before the first request the worst-case cost of every
call (input estimate + ``max_tokens`` of output) is checked against the budget, so an over-budget
run sends nothing. With a request cache, a call answered before is not sent again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, Protocol, runtime_checkable

from ferrosynth.llm import (
    Budget,
    LLMError,
    LLMResponse,
    cost_of,
    estimate_request_tokens,
    response_from_openai,
)
from ferrosynth.llm import BudgetExceededError as LLMBudgetExceededError
from ferrosynth.personas.core.data import LoadedData
from ferrosynth.personas.core.generation import chunking
from ferrosynth.personas.core.generation.parser import PersonaParser
from ferrosynth.personas.core.generation.persona import Persona, persona_id
from ferrosynth.personas.core.generation.prompts import build_messages, personas_schema
from ferrosynth.personas.exceptions import (
    BudgetExceededError,
    ConfigurationError,
    GenerationError,
    as_persona_error,
)

__all__ = [
    "CompletionProvider",
    "GenerationConfig",
    "GenerationPipeline",
    "GenerationResult",
    "ProgressCallback",
]

log = logging.getLogger("ferrosynth.personas")

#: ``callback(message, step, total)``: called as each step of a generation starts.
ProgressCallback = Callable[[str, int, int], None]
DetailLevel = Literal["minimal", "standard", "detailed"]
#: How the answer's shape is asked for: OpenAI's JSON mode, a JSON Schema of exactly N personas
#: (structured outputs; also what makes ``mock-llm`` answer with personas), or the prompt only.
ResponseFormat = Literal["json_object", "json_schema", "none"]


@runtime_checkable
class CompletionProvider(Protocol):
    """What the pipeline needs of a provider: the LLM layer's providers and the mock have it."""

    @property
    def kind(self) -> str: ...

    @property
    def model(self) -> str | None: ...

    async def acomplete(
        self, body: dict[str, Any], *, timeout: float | None = None
    ) -> LLMResponse: ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True)
class GenerationConfig:
    """Settings of one generation run."""

    count: int = 3
    model: str | None = None
    temperature: float = 0.0
    max_tokens: int = 4096
    seed: int = 0
    detail: DetailLevel = "standard"
    context_window: int | None = None
    timeout: float | None = None
    max_cost: Decimal | None = None
    response_format: ResponseFormat = "json_object"

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ConfigurationError(f"count must be >= 1, got {self.count}")
        if self.max_tokens < 1:
            raise ConfigurationError(f"max_tokens must be >= 1, got {self.max_tokens}")
        if self.max_cost is not None and self.max_cost < 0:
            raise ConfigurationError(f"max_cost must be >= 0, got {self.max_cost}")


@dataclass
class GenerationResult:
    """What a run produced and what it cost."""

    personas: list[Persona]
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: Decimal | None = None
    requests: int = 0
    cache_hits: int = 0
    chunks: int = 1
    raw_responses: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PlannedCall:
    """One request the run will make: its body, how many personas it asks for, its sources."""

    body: dict[str, Any]
    count: int
    input_tokens: int
    sources: list[str]


class GenerationPipeline:
    """Runs one generation. ``cache`` is a :class:`ferrosynth.llm.RequestCache` (or None)."""

    def __init__(
        self,
        provider: CompletionProvider | Callable[[], CompletionProvider],
        config: GenerationConfig,
        *,
        cache: Any = None,
        budget: Budget | None = None,
        progress: ProgressCallback | None = None,
        parser: PersonaParser | None = None,
    ) -> None:
        # A provider, or a function making one on the first request (so that planning, the
        # budget check and cost estimates never need a key or a connection).
        self._provider: CompletionProvider | None = None
        self._factory: Callable[[], CompletionProvider] | None = None
        if isinstance(provider, CompletionProvider):
            self._provider = provider
        else:
            self._factory = provider
        self.config = config
        self.cache = cache
        if budget is None and config.max_cost is not None:
            budget = Budget(config.max_cost)
        self.budget = budget
        self.progress = progress
        self.parser = parser or PersonaParser()

    @property
    def provider(self) -> CompletionProvider:
        """The provider (made on first use when a factory was given)."""
        if self._provider is None:
            assert self._factory is not None
            self._provider = self._factory()
        return self._provider

    @property
    def model(self) -> str:
        """The model asked for: the config's, else the provider's default."""
        model = self.config.model
        if not model and self._provider is not None:
            model = self._provider.model
        if not model:
            raise ConfigurationError("no model given and the provider has no default model")
        return model

    def plan(self, data: LoadedData) -> list[PlannedCall]:
        """The requests a run over ``data`` makes, without making them."""
        cfg = self.config
        window = cfg.context_window or chunking.context_window_of(self.model)
        overhead = estimate_request_tokens(self._body(build_messages("", cfg.count), cfg.count))
        room = window - cfg.max_tokens - overhead
        try:
            pieces = chunking.split_text(data.text, room)
        except ValueError:
            raise ConfigurationError(
                f"context window of {window} tokens leaves no room for data next to the prompt "
                f"({overhead}) and max_tokens ({cfg.max_tokens})"
            ) from None
        if len(pieces) > cfg.count:
            raise ConfigurationError(
                f"the data needs {len(pieces)} chunks for a {window}-token context window but "
                f"only {cfg.count} persona(s) were asked for; ask for at least {len(pieces)} "
                "or use a model with a larger context window"
            )
        calls = []
        for part, (piece, count) in enumerate(
            zip(pieces, chunking.share(cfg.count, len(pieces)), strict=True), start=1
        ):
            body = self._body(
                build_messages(piece, count, part=part, parts=len(pieces), detail=cfg.detail),
                count,
            )
            sources = [
                line[len("=== source: ") : -len(" ===")]
                for line in piece.splitlines()
                if line.startswith("=== source: ") and line.endswith(" ===")
            ]
            calls.append(PlannedCall(body, count, estimate_request_tokens(body), sources))
        return calls

    def worst_case_cost(self, calls: list[PlannedCall]) -> Decimal | None:
        """Cost if every call used its input estimate and all of ``max_tokens``; None if the
        model's price is unknown."""
        total = Decimal(0)
        for call in calls:
            cost = cost_of(self.model, call.input_tokens, self.config.max_tokens)
            if cost is None:
                return None
            total += cost
        return total

    async def arun(self, data: LoadedData) -> GenerationResult:
        """Generate; raises typed errors (see :mod:`ferrosynth.personas.exceptions`)."""
        calls = self.plan(data)
        total_steps = len(calls) + 3
        self._step(f"Loaded {len(data.files)} file(s)", 1, total_steps)
        self._step("Preparing prompt", 2, total_steps)
        reserved = self._reserve(calls)
        result = GenerationResult(personas=[], model=self.model, chunks=len(calls))
        cost = Decimal(0)
        priced = True
        try:
            for number, call in enumerate(calls, start=1):
                self._step(f"Calling provider ({number}/{len(calls)})", number + 2, total_steps)
                response = await self._complete(call.body, result)
                text = response.content or ""
                result.raw_responses.append(text)
                result.input_tokens += response.input_tokens
                result.output_tokens += response.output_tokens
                call_cost = cost_of(self.model, response.input_tokens, response.output_tokens)
                priced = priced and call_cost is not None
                cost += call_cost or Decimal(0)
                result.personas.extend(self._personas(text, call, number))
        finally:
            if self.budget is not None:
                self.budget.commit(reserved, cost)
        self._step("Parsing response", total_steps, total_steps)
        result.cost_usd = cost if priced else None
        for index, persona in enumerate(result.personas):
            persona.id = persona_id(
                persona, index=index, seed=self.config.seed, source_digest=data.digest
            )
        return result

    def _body(self, messages: list[dict[str, str]], count: int) -> dict[str, Any]:
        cfg = self.config
        body: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": cfg.temperature,
            "max_tokens": cfg.max_tokens,
            "seed": cfg.seed,
        }
        if cfg.response_format == "json_object":
            body["response_format"] = {"type": "json_object"}
        elif cfg.response_format == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": "personas",
                    "strict": True,
                    "schema": personas_schema(count),
                },
            }
        return body

    def _reserve(self, calls: list[PlannedCall]) -> Decimal:
        """Hold the run's worst-case cost before anything is sent."""
        if self.budget is None:
            return Decimal(0)
        worst = self.worst_case_cost(calls)
        if worst is None:
            raise ConfigurationError(
                f"max_cost is set but no price is known for model {self.model!r}, so the "
                "budget cannot be enforced"
            )
        try:
            return self.budget.reserve(worst)
        except LLMBudgetExceededError as error:
            raise BudgetExceededError(
                f"the run may cost up to ${worst:.6f} ({len(calls)} request(s): "
                f"{sum(c.input_tokens for c in calls)} input tokens + up to "
                f"{self.config.max_tokens} output tokens each) on top of "
                f"${error.spent_usd:.6f} spent or reserved; max_cost is "
                f"${error.budget_usd:.6f}; nothing was sent",
                budget_usd=error.budget_usd,
                spent_usd=error.spent_usd,
                needed_usd=error.needed_usd,
            ) from None

    async def _complete(self, body: dict[str, Any], result: GenerationResult) -> LLMResponse:
        try:
            provider = self.provider  # made now if a factory was given (may refuse: no key)
        except LLMError as error:
            raise as_persona_error(error) from error
        key = None
        if self.cache is not None:
            from ferrosynth.llm import cache_key

            key = cache_key(provider.kind, self.model, body)
            stored = self.cache.get(key)
            if stored is not None:
                result.cache_hits += 1
                return response_from_openai(stored, model=self.model)
        try:
            response = await provider.acomplete(body, timeout=self.config.timeout)
        except LLMError as error:
            raise as_persona_error(error) from error
        result.requests += 1
        if key is not None:
            self.cache.put(key, response.to_openai())
        return response

    def _personas(self, text: str, call: PlannedCall, number: int) -> list[Persona]:
        parsed = self.parser.parse(text)
        personas = parsed.personas
        where = f" (chunk {number})" if self.config.count != call.count else ""
        if len(personas) < call.count:
            problems = "; ".join(parsed.errors[:3]) or "fewer persona objects than asked for"
            raise GenerationError(
                f"asked for {call.count} persona(s){where}, the answer held {len(personas)}: "
                f"{problems}"
            )
        if len(personas) > call.count:
            log.warning(
                "the answer held %d personas%s; kept the first %d", len(personas), where, call.count
            )
            personas = personas[: call.count]
        for persona in personas:
            if persona.id:
                persona.extra.setdefault("model_id", persona.id)
            known = [s for s in persona.sources if s in call.sources]
            persona.sources = known or list(call.sources)
        return personas

    def _step(self, message: str, step: int, total: int) -> None:
        if self.progress is not None:
            self.progress(message, step, total)
