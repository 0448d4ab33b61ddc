"""The asynchronous persona generator, with bounded parallel runs."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ferrosynth.personas.core.utils.async_helpers import to_thread
from ferrosynth.personas.exceptions import ConfigurationError
from ferrosynth.personas.sdk._base import GeneratorBase
from ferrosynth.personas.sdk.models import GenerationResultModel

__all__ = ["AsyncPersonaGenerator"]


class AsyncPersonaGenerator(GeneratorBase):
    """:class:`PersonaGenerator` for ``async`` code (same constructor). Close it with
    ``await generator.aclose()`` or use it as ``async with AsyncPersonaGenerator(...) as g:``."""

    async def __aenter__(self) -> AsyncPersonaGenerator:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def agenerate(
        self, data_path: str | Path, count: int | None = None
    ) -> GenerationResultModel:
        """Generate ``count`` personas from a file or directory."""
        return await self._run(data_path, count)

    async def agenerate_parallel(
        self,
        data_paths: Sequence[str | Path],
        count: int | None = None,
        *,
        max_concurrent: int = 3,
    ) -> list[GenerationResultModel]:
        """One generation per path, at most ``max_concurrent`` in flight; results in input order.

        The first failure is raised once the runs in flight have finished (the others are
        cancelled before they start).
        """
        if max_concurrent < 1:
            raise ConfigurationError(f"max_concurrent must be >= 1, got {max_concurrent}")
        gate = asyncio.Semaphore(max_concurrent)

        async def one(path: str | Path) -> GenerationResultModel:
            async with gate:
                return await self._run(path, count)

        tasks = [asyncio.ensure_future(one(p)) for p in data_paths]
        try:
            return list(await asyncio.gather(*tasks))
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise

    async def aestimate_cost(
        self, data_path: str | Path, count: int | None = None
    ) -> dict[str, Any]:
        """:meth:`PersonaGenerator.estimate_cost`, off the event loop."""
        return await to_thread(self._estimate, data_path, count)
