"""What the sync and async generators share: configuration, provider, budget, one run."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from ferrosynth.llm import Budget
from ferrosynth.personas.core.data import DataLoader, LoadedData
from ferrosynth.personas.core.generation import chunking
from ferrosynth.personas.core.generation.pipeline import (
    CompletionProvider,
    GenerationConfig,
    GenerationPipeline,
    ProgressCallback,
)
from ferrosynth.personas.core.generation.prompts import PROMPT_VERSION
from ferrosynth.personas.core.providers.factory import create_provider
from ferrosynth.personas.exceptions import ConfigurationError
from ferrosynth.personas.sdk.models import GenerationResultModel, PersonaConfig, PersonaModel

__all__ = ["GeneratorBase"]

_OVERRIDES = frozenset(PersonaConfig.model_fields)


class GeneratorBase:
    """Holds a :class:`PersonaConfig`, a provider built from it (or given), and a budget
    shared by every run of this generator (``max_cost`` is the generator's whole budget)."""

    def __init__(
        self,
        provider: str | CompletionProvider | None = None,
        model: str | None = None,
        *,
        config: PersonaConfig | None = None,
        api_key: str | None = None,
        cache: Any = None,
        retry: Any = None,
        loader: DataLoader | None = None,
        **settings: Any,
    ) -> None:
        unknown = set(settings) - _OVERRIDES
        if unknown:
            raise ConfigurationError(
                f"unknown setting(s) {', '.join(sorted(unknown))}; expected: "
                f"{', '.join(sorted(_OVERRIDES))}"
            )
        values: dict[str, Any] = config.model_dump(exclude_unset=True) if config is not None else {}
        if isinstance(provider, str):
            values["provider"] = provider
        elif provider is not None:
            values["provider"] = provider.kind
            if provider.model:
                values.setdefault("model", provider.model)
        if model is not None:
            values["model"] = model
        values.update(settings)
        self.config = PersonaConfig(**values)
        self.loader = loader or DataLoader()
        self.cache = _open_cache(cache)
        #: The generator's whole budget (``max_cost``), shared by all its runs; None = no limit.
        self.budget = Budget(self.config.max_cost) if self.config.max_cost is not None else None
        self._progress: ProgressCallback | None = None
        self._api_key = api_key
        self._retry = retry
        self._provider = provider if not isinstance(provider, str) else None

    @property
    def provider(self) -> CompletionProvider:
        """The provider (built on first use from the configuration)."""
        if self._provider is None:
            cfg = self.config
            retry = self._retry
            if retry is None:
                from ferrosynth.llm import RetryPolicy

                retry = RetryPolicy(max_retries=cfg.max_retries)
            self._provider = create_provider(
                cfg.provider,
                model=cfg.model,
                base_url=cfg.base_url,
                api_key=self._api_key,
                timeout=cfg.timeout,
                retry=retry,
            )
        return self._provider

    def set_progress_callback(self, callback: ProgressCallback | None) -> None:
        """Call ``callback(message, step, total)`` as each step of a generation starts."""
        self._progress = callback

    def _config_for(self, count: int | None) -> PersonaConfig:
        return self.config if count is None else self.config.model_copy(update={"count": count})

    def _pipeline(self, config: PersonaConfig) -> GenerationPipeline:
        generation = GenerationConfig(
            count=config.count,
            model=config.model,
            temperature=config.temperature,
            max_tokens=config.max_tokens,
            seed=config.seed,
            detail=config.detail_level,
            context_window=config.context_window,
            timeout=config.timeout,
            max_cost=config.max_cost,
            response_format=config.response_format,
        )
        return GenerationPipeline(
            lambda: self.provider,
            generation,
            cache=self.cache,
            budget=self.budget,
            progress=self._progress,
        )

    async def _run(self, data_path: str | Path, count: int | None) -> GenerationResultModel:
        config = self._config_for(count)
        data = await asyncio.to_thread(self.loader.load, data_path)
        result = await self._pipeline(config).arun(data)
        return _result_model(config, data, result.__dict__)

    async def aclose(self) -> None:
        """Close the provider's connections on the running event loop (it reconnects if
        used again)."""
        if self._provider is not None:
            await self._provider.aclose()

    async def _run_closing(self, data_path: str | Path, count: int | None) -> GenerationResultModel:
        """One run on a private event loop: its connections are closed before the loop ends."""
        try:
            return await self._run(data_path, count)
        finally:
            await self.aclose()

    def _estimate(self, data_path: str | Path, count: int | None) -> dict[str, Any]:
        config = self._config_for(count)
        data = self.loader.load(data_path)
        pipeline = self._pipeline(config)
        calls = pipeline.plan(data)
        from ferrosynth.llm import cost_of

        input_tokens = sum(c.input_tokens for c in calls)
        output_tokens = _expected_output_tokens(config.count, config.detail_level)
        output_tokens = min(output_tokens, config.max_tokens * len(calls))
        model = pipeline.model
        input_cost = cost_of(model, input_tokens, 0)
        output_cost = cost_of(model, 0, output_tokens)
        worst = pipeline.worst_case_cost(calls)
        total = None
        if input_cost is not None and output_cost is not None:
            total = input_cost + output_cost
        return {
            "provider": config.provider,
            "model": model,
            "count": config.count,
            "files": len(data.files),
            "requests": len(calls),
            "context_window": config.context_window or chunking.context_window_of(model),
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens,
            "input_cost": float(input_cost) if input_cost is not None else None,
            "output_cost": float(output_cost) if output_cost is not None else None,
            "total_cost": float(total) if total is not None else None,
            "max_cost": float(worst) if worst is not None else None,
            "currency": "USD",
            "pricing_known": total is not None,
        }


#: Output tokens a persona takes, by detail level (measured on the mock's and real answers).
OUTPUT_TOKENS_PER_PERSONA = {"minimal": 250, "standard": 450, "detailed": 800}


def _expected_output_tokens(count: int, detail: str) -> int:
    return 40 + count * OUTPUT_TOKENS_PER_PERSONA[detail]


def _open_cache(cache: Any) -> Any:
    if cache is None or not isinstance(cache, (str, Path)):
        return cache
    from ferrosynth.llm import RequestCache

    return RequestCache(Path(cache), "readwrite")


def _result_model(
    config: PersonaConfig, data: LoadedData, result: dict[str, Any]
) -> GenerationResultModel:
    return GenerationResultModel(
        personas=[PersonaModel.from_persona(p) for p in result["personas"]],
        provider=config.provider,
        model=result["model"],
        seed=config.seed,
        requested_count=config.count,
        source_files=list(data.names),
        source_digest=data.digest,
        prompt_version=PROMPT_VERSION,
        input_tokens=result["input_tokens"],
        output_tokens=result["output_tokens"],
        cost_usd=result["cost_usd"],
        requests=result["requests"],
        cache_hits=result["cache_hits"],
        chunks=result["chunks"],
    )
