"""Composable pipeline stages: each takes a list, returns a :class:`StageResult`.

Subclasses implement :meth:`PipelineStage.execute`; :meth:`PipelineStage.transform` is the
per-item hook (identity by default) that simple stages call. :func:`run_stages` chains stages,
feeding each one's output to the next and stopping at the first failure.

Example::

    >>> import asyncio
    >>> from ferrosynth.personas import PipelineStage, StageResult
    >>> class Upper(PipelineStage):
    ...     def transform(self, item):
    ...         return item.upper()
    ...     async def execute(self, input_data):
    ...         out = [self.transform(i) for i in input_data]
    ...         return StageResult(output=out, metrics={"items_processed": len(out)})
    >>> asyncio.run(Upper().execute(["a", "b"])).output
    ['A', 'B']
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["PipelineStage", "StageConfig", "StageResult", "run_stages"]


@dataclass(frozen=True)
class StageConfig:
    """A stage's name, whether it runs, and its parameters."""

    name: str = ""
    enabled: bool = True
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class StageResult:
    """A stage's output, its metrics, and whether it succeeded (with the errors if not)."""

    output: Any = None
    metrics: dict[str, Any] = field(default_factory=dict)
    success: bool = True
    errors: list[str] = field(default_factory=list)


class PipelineStage(ABC):
    """A step of a pipeline."""

    def __init__(self, config: StageConfig | None = None) -> None:
        self.config = config or StageConfig(name=type(self).__name__)

    @property
    def name(self) -> str:
        """The configured name, else the class name."""
        return self.config.name or type(self).__name__

    def transform(self, item: Any) -> Any:
        """The per-item step of simple stages; the identity unless overridden."""
        return item

    @abstractmethod
    async def execute(self, input_data: list[Any]) -> StageResult:
        """Process ``input_data``."""


async def run_stages(stages: Sequence[PipelineStage], input_data: list[Any]) -> StageResult:
    """Run enabled ``stages`` in order; metrics are collected per stage name."""
    data: Any = input_data
    metrics: dict[str, Any] = {}
    for stage in stages:
        if not stage.config.enabled:
            continue
        result = await stage.execute(data)
        metrics[stage.name] = result.metrics
        if not result.success:
            return StageResult(
                output=result.output,
                metrics=metrics,
                success=False,
                errors=[f"{stage.name}: {e}" for e in result.errors],
            )
        data = result.output
    return StageResult(output=data, metrics=metrics)
