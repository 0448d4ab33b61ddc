"""The LLM batch runner: millions of requests, resumable, with live cost; and enrichment.

Example::

    >>> from ferrosynth.runner import run_batch, parse_request, RunProgress
    >>> callable(run_batch)
    True

See ``docs/llm/runner.md`` and ``docs/llm/enrich.md``.
"""

from __future__ import annotations

from ferrosynth.runner.batch import PROVIDERS, BatchRequest, parse_request
from ferrosynth.runner.clients import Transport
from ferrosynth.runner.engine import (
    BatchRunner,
    ProgressCallback,
    arun_batch,
    estimate_batch,
    run_batch,
)
from ferrosynth.runner.enrich import EnrichResult, EnrichStatus, aenrich, enrich
from ferrosynth.runner.errors import RunnerError, RunnerInputError, TemplateFieldError
from ferrosynth.runner.limits import RateLimits
from ferrosynth.runner.plan import DEFAULT_OUTPUT_TOKENS, InputPlan
from ferrosynth.runner.progress import RunProgress, RunSummary, StopReason
from ferrosynth.runner.resume import ResumeRecord, record_path
from ferrosynth.runner.template import PromptTemplate

__all__ = [
    "DEFAULT_OUTPUT_TOKENS",
    "PROVIDERS",
    "BatchRequest",
    "BatchRunner",
    "EnrichResult",
    "EnrichStatus",
    "InputPlan",
    "ProgressCallback",
    "PromptTemplate",
    "RateLimits",
    "ResumeRecord",
    "RunProgress",
    "RunSummary",
    "RunnerError",
    "RunnerInputError",
    "StopReason",
    "TemplateFieldError",
    "Transport",
    "aenrich",
    "arun_batch",
    "enrich",
    "estimate_batch",
    "parse_request",
    "record_path",
    "run_batch",
]
