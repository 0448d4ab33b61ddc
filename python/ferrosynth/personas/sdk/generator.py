"""The synchronous persona generator.

Example (offline, with the in-process mock provider)::

    >>> import tempfile, pathlib
    >>> from ferrosynth.personas import PersonaGenerator
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "interview.md").write_text("I want exports that finish. Waiting is frustrating.")
    >>> result = PersonaGenerator(provider="mock").generate(d, count=2)
    >>> len(result.personas), result.personas[0].id.startswith("persona-")
    (2, True)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ferrosynth.personas.core.utils.async_helpers import run_sync
from ferrosynth.personas.sdk._base import GeneratorBase
from ferrosynth.personas.sdk.models import GenerationResultModel

__all__ = ["PersonaGenerator"]


class PersonaGenerator(GeneratorBase):
    """Generates personas from research data with an LLM provider.

    ``provider`` is a name (``"openai"``, ``"anthropic"``, ``"gemini"``, ``"ollama"``,
    ``"mock"``) or a provider object; further keyword settings are :class:`PersonaConfig`
    fields (``count``, ``base_url``, ``max_cost``, ``seed``, ...). ``cache`` is a path or a
    :class:`ferrosynth.llm.RequestCache`: answers are stored there and a rerun sends nothing.
    """

    def generate(self, data_path: str | Path, count: int | None = None) -> GenerationResultModel:
        """Generate ``count`` personas (default: the configuration's) from a file or directory."""
        return run_sync(self._run_closing(data_path, count))

    def estimate_cost(self, data_path: str | Path, count: int | None = None) -> dict[str, Any]:
        """Estimate tokens and cost without contacting any provider.

        Keys: ``provider``, ``model``, ``count``, ``files``, ``requests``, ``context_window``,
        ``input_tokens``, ``output_tokens`` (expected), ``total_tokens``, ``input_cost``,
        ``output_cost``, ``total_cost`` (USD floats; None when the model's price is unknown),
        ``max_cost`` (USD if every answer used all of ``max_tokens``), ``currency`` (``"USD"``),
        ``pricing_known``.
        """
        return self._estimate(data_path, count)
