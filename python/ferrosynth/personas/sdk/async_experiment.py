"""The experiment SDK for ``async`` code: file work runs in threads, generation on the loop."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ferrosynth.personas.core.utils.async_helpers import to_thread
from ferrosynth.personas.sdk.async_generator import AsyncPersonaGenerator
from ferrosynth.personas.sdk.experiment import ExperimentRun, ExperimentSDK, _persona_config
from ferrosynth.personas.sdk.models import ExperimentConfig

__all__ = ["AsyncExperimentSDK"]


class AsyncExperimentSDK(ExperimentSDK):
    """:class:`ExperimentSDK` with ``a``-prefixed coroutine methods."""

    async def acreate(
        self, name: str, config: ExperimentConfig | None = None, **kwargs: Any
    ) -> Path:
        """:meth:`ExperimentSDK.create` in a worker thread."""
        return await to_thread(self.create, name, config, **kwargs)

    async def alist(self) -> list[str]:
        """:meth:`ExperimentSDK.list` in a worker thread."""
        return await to_thread(self.list)

    async def aload(self, name: str, **overrides: Any) -> ExperimentConfig:
        """:meth:`ExperimentSDK.load` in a worker thread."""
        return await to_thread(self.load, name, **overrides)

    async def arun(
        self, name: str, *, provider: Any = None, cache: Any = None, **overrides: Any
    ) -> ExperimentRun:
        """:meth:`ExperimentSDK.run` without blocking the event loop."""
        config = await self.aload(name, **overrides)
        generator = AsyncPersonaGenerator(provider, config=_persona_config(config), cache=cache)
        async with generator:
            result = await generator.agenerate(self.path(name) / "data")
        folder = await to_thread(self._write_run, name, config, result)
        return ExperimentRun(result, folder)

    async def adelete(self, name: str, *, confirm: bool = False) -> None:
        """:meth:`ExperimentSDK.delete` in a worker thread."""
        await to_thread(self.delete, name, confirm=confirm)
