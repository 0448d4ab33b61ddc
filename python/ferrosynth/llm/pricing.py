"""Money: a dated, versioned price table (data, not code) and cost arithmetic in ``Decimal``.

The default table is ``ferrosynth/data/llm_prices.json``: per model, USD per million input,
cached-input and output tokens, and each provider's batch discount. Its ``version`` and
``as_of`` date travel with every :class:`CostEstimate`, so a figure always says which prices it
used. A model the table does not know costs ``None`` — shown as ``"unknown"`` — never a silent
zero; local providers (Ollama) cost an actual zero.

Model names are matched as providers spell them: a router prefix (``openai/gpt-4o``), Gemini's
``models/``, a snapshot date (``gpt-4o-2024-08-06``, ``claude-sonnet-4-20250514``) or
``-latest`` are stripped until a priced name is found.

Example::

    >>> from decimal import Decimal
    >>> from ferrosynth.llm import cost_of, CostEstimator
    >>> cost_of("gpt-4o-mini", 1_000_000, 1_000_000)
    Decimal('0.75')
    >>> cost_of("gpt-4o-mini-2024-07-18", 2_000, 500)
    Decimal('0.0006')
    >>> cost_of("my-own-model", 1000, 1000) is None
    True
    >>> est = CostEstimator().estimate({"model": "gpt-4o", "max_tokens": 100,
    ...     "messages": [{"role": "user", "content": "Hello, world!"}]})
    >>> est.input_tokens, est.output_tokens, str(est)
    (11, 100, '$0.0010275')
    >>> str(CostEstimator().estimate({"model": "mystery", "messages": []}))
    'unknown'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ferrosynth.llm.tokens import estimate_request_tokens
from ferrosynth.llm.types import LLMResponse

__all__ = [
    "DEFAULT_OUTPUT_TOKENS",
    "CostEstimate",
    "CostEstimator",
    "ModelPrice",
    "PricingData",
    "cost_of",
]

MILLION = Decimal(1_000_000)
#: Output tokens assumed for a request that sets no ``max_tokens``.
DEFAULT_OUTPUT_TOKENS = 256
_SUFFIX = re.compile(r"(-\d{4}-\d{2}-\d{2}|-\d{8}|-latest|-\d{3})$")


@dataclass(frozen=True)
class ModelPrice:
    """USD per million tokens for one model; ``batch_discount`` is the fraction taken off by
    the provider's batch API (0.5 = half price)."""

    provider: str
    input: Decimal
    cached_input: Decimal
    output: Decimal
    batch_discount: Decimal = Decimal(0)

    def cost(
        self,
        input_tokens: int,
        output_tokens: int,
        cached_input_tokens: int = 0,
        *,
        batch: bool = False,
    ) -> Decimal:
        """The cost of a call; ``cached_input_tokens`` are part of ``input_tokens``."""
        cached = min(max(cached_input_tokens, 0), input_tokens)
        total = (
            self.input * (input_tokens - cached) + self.cached_input * cached
        ) + self.output * output_tokens
        if batch:
            total *= 1 - self.batch_discount
        return (total / MILLION).normalize() if total else Decimal(0)


_FREE = ModelPrice("local", Decimal(0), Decimal(0), Decimal(0))


class PricingData:
    """A price table: ``version``, ``as_of`` (ISO date) and a :class:`ModelPrice` per model."""

    def __init__(
        self,
        models: Mapping[str, ModelPrice],
        *,
        version: str,
        as_of: str,
        aliases: Mapping[str, str] | None = None,
        free_providers: Iterable[str] = (),
    ) -> None:
        self.models = dict(models)
        self.version = version
        self.as_of = as_of
        self.aliases = dict(aliases or {})
        self.free_providers = frozenset(free_providers)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PricingData:
        """A table from its JSON form (the shape of ``ferrosynth/data/llm_prices.json``)."""
        discounts = {k: Decimal(str(v)) for k, v in (data.get("batch_discount") or {}).items()}
        models = {}
        for name, row in data["models"].items():
            provider = str(row["provider"])
            models[name] = ModelPrice(
                provider=provider,
                input=Decimal(str(row["input"])),
                cached_input=Decimal(str(row.get("cached_input", row["input"]))),
                output=Decimal(str(row["output"])),
                batch_discount=discounts.get(provider, Decimal(0)),
            )
        return cls(
            models,
            version=str(data["version"]),
            as_of=str(data["as_of"]),
            aliases=data.get("aliases"),
            free_providers=data.get("free_providers") or (),
        )

    @classmethod
    def from_file(cls, path: str | Path) -> PricingData:
        """A table from a JSON file of the default table's shape."""
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    @classmethod
    def default(cls) -> PricingData:
        """The table shipped with ferrosynth (loaded once)."""
        return _default()

    def price(self, model: str, provider: str | None = None) -> ModelPrice | None:
        """The price of ``model`` (None when unknown); any model of a free provider is free."""
        if provider is not None and provider in self.free_providers:
            return _FREE
        name = model.strip().lower()
        name = name.removeprefix("models/")
        if "/" in name:  # a router's prefix: openai/gpt-4o, anthropic/claude-...
            name = name.rsplit("/", 1)[1]
        while True:
            name = self.aliases.get(name, name)
            found = self.models.get(name)
            if found is not None:
                return found
            shorter = _SUFFIX.sub("", name)
            if shorter == name:
                return None
            name = shorter

    def __repr__(self) -> str:
        return (
            f"PricingData(version={self.version!r}, as_of={self.as_of!r}, "
            f"models={len(self.models)})"
        )


@cache
def _default() -> PricingData:
    text = resources.files("ferrosynth").joinpath("data/llm_prices.json").read_text("utf-8")
    return PricingData.from_dict(json.loads(text))


def cost_of(
    model: str,
    input_tokens: int,
    output_tokens: int,
    cached_input_tokens: int = 0,
    *,
    batch: bool = False,
    provider: str | None = None,
    pricing: PricingData | None = None,
) -> Decimal | None:
    """USD cost of a call, or None when the model's price is unknown (never a silent 0)."""
    price = (pricing or _default()).price(model, provider)
    if price is None:
        return None
    return price.cost(input_tokens, output_tokens, cached_input_tokens, batch=batch)


@dataclass(frozen=True)
class CostEstimate:
    """Tokens and cost of one request or a batch; ``cost_usd`` is None when any model's price
    is unknown (``str()`` then says ``"unknown"``)."""

    model: str
    input_tokens: int
    output_tokens: int
    cost_usd: Decimal | None
    cached_input_tokens: int = 0
    requests: int = 1
    pricing_version: str = ""

    @property
    def known(self) -> bool:
        """Whether the cost is known."""
        return self.cost_usd is not None

    def __add__(self, other: CostEstimate) -> CostEstimate:
        cost = (
            None
            if self.cost_usd is None or other.cost_usd is None
            else self.cost_usd + other.cost_usd
        )
        return CostEstimate(
            model=self.model if self.model == other.model else "*",
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cost_usd=cost,
            cached_input_tokens=self.cached_input_tokens + other.cached_input_tokens,
            requests=self.requests + other.requests,
            pricing_version=self.pricing_version or other.pricing_version,
        )

    def __str__(self) -> str:
        return "unknown" if self.cost_usd is None else f"${self.cost_usd}"


class CostEstimator:
    """Estimates before a request (offline token count, ``max_tokens`` or
    ``default_output_tokens`` for the output) and prices after (the reported usage)."""

    def __init__(
        self,
        pricing: PricingData | None = None,
        *,
        default_output_tokens: int = DEFAULT_OUTPUT_TOKENS,
        provider: str | None = None,
        batch: bool = False,
    ) -> None:
        self.pricing = pricing or PricingData.default()
        self.default_output_tokens = default_output_tokens
        self.provider = provider
        self.batch = batch

    def _cost(
        self, model: str, input_tokens: int, output_tokens: int, cached: int
    ) -> Decimal | None:
        price = self.pricing.price(model, self.provider)
        if price is None:
            return None
        return price.cost(input_tokens, output_tokens, cached, batch=self.batch)

    def estimate(self, body: Mapping[str, Any], model: str | None = None) -> CostEstimate:
        """The estimate for one OpenAI chat body (the upper bound when it sets ``max_tokens``)."""
        name = str(body.get("model") or model or "")
        input_tokens = estimate_request_tokens(body)
        limit = body.get("max_completion_tokens") or body.get("max_tokens")
        output_tokens = int(limit) if limit else self.default_output_tokens
        return CostEstimate(
            model=name,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            cost_usd=self._cost(name, input_tokens, output_tokens, 0),
            pricing_version=self.pricing.version,
        )

    def estimate_many(
        self, bodies: Iterable[Mapping[str, Any]], model: str | None = None
    ) -> CostEstimate:
        """The summed estimate of several bodies (unknown if any is unknown)."""
        total: CostEstimate | None = None
        for body in bodies:
            one = self.estimate(body, model)
            total = one if total is None else total + one
        if total is None:
            return CostEstimate(
                model or "", 0, 0, Decimal(0), requests=0, pricing_version=self.pricing.version
            )
        return total

    def actual(self, response: LLMResponse) -> CostEstimate:
        """The cost of an answer, from the usage the provider reported."""
        return CostEstimate(
            model=response.model,
            input_tokens=response.input_tokens,
            output_tokens=response.output_tokens,
            cached_input_tokens=response.cached_input_tokens,
            cost_usd=self._cost(
                response.model,
                response.input_tokens,
                response.output_tokens,
                response.cached_input_tokens,
            ),
            pricing_version=self.pricing.version,
        )
