"""Enrichment: ask a model one question per sample and add the answer to the sample.

The samples come from a :class:`~ferrosynth.GeneratorConfig` (generated here, so the same seed
gives the same samples), a :class:`~ferrosynth.SyntheticDataset`, or any list of dicts. Each
sample's prompt is rendered from a :class:`~ferrosynth.runner.PromptTemplate` whose ``{field}``
references are checked against *every* sample before the first request. The requests go
through the batch runner (cache, budget, retries, concurrency, resume); the answer lands in
``field`` — the text, or with ``schema`` the JSON value validated against it — and two more
fields say how it went:

- ``{field}_status``: ``"ok"``, ``"failed"`` (the request failed: HTTP error, timeout...),
  ``"invalid"`` (the answer holds no JSON, or JSON that fails the schema) or ``"not_sent"``
  (the run stopped first: budget or Ctrl-C);
- ``{field}_error``: None when ok, else what went wrong. A failed sample's ``field`` is None,
  never a placeholder.

Determinism: the same samples, template and options give byte-identical requests, so with a
cache (or a deterministic endpoint such as ``ferrosynth mock-llm``) the enriched data is the
same on every run.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import orjson

from ferrosynth.models import GeneratorConfig, SyntheticDataset
from ferrosynth.runner.engine import BatchRunner, CacheSetting, ProgressCallback, run_loop
from ferrosynth.runner.errors import RunnerInputError, TemplateFieldError
from ferrosynth.runner.progress import RunSummary
from ferrosynth.runner.template import PromptTemplate

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ferrosynth.llm import Schema

__all__ = ["EnrichResult", "EnrichStatus", "aenrich", "enrich"]

EnrichStatus = Literal["ok", "failed", "invalid", "not_sent"]
_OUTPUT = "enrich.jsonl"


@dataclass(frozen=True)
class EnrichResult:
    """The enriched ``samples`` (in input order) and the run's ``summary``."""

    samples: list[dict[str, Any]]
    summary: RunSummary
    field: str

    def count(self, status: EnrichStatus) -> int:
        """How many samples ended with ``status``."""
        key = f"{self.field}_status"
        return sum(1 for sample in self.samples if sample.get(key) == status)


def load_samples(
    source: GeneratorConfig | SyntheticDataset | Iterable[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """The samples to enrich, as fresh dicts (the source is never modified)."""
    if isinstance(source, GeneratorConfig):
        from ferrosynth.core import DataGenerator

        return [dict(s) for s in DataGenerator().generate(source).samples]
    if isinstance(source, SyntheticDataset):
        return [dict(s) for s in source.samples]
    samples = []
    for number, sample in enumerate(source):
        if not isinstance(sample, Mapping):
            raise RunnerInputError(f"sample {number} is a {type(sample).__name__}, not an object")
        samples.append(dict(sample))
    return samples


def check_samples(samples: list[dict[str, Any]], template: PromptTemplate, field: str) -> None:
    """Every reference of ``template`` filled by every sample; ``field`` not taken."""
    for number, sample in enumerate(samples):
        missing = template.missing(sample)
        if missing:
            known = ", ".join(sorted(map(str, sample))) or "none"
            raise TemplateFieldError(
                f"sample {number}: the prompt refers to {{{missing[0]}}}, which the sample does "
                f"not have (its fields: {known})"
            )
        for name in (field, f"{field}_status", f"{field}_error"):
            if name in sample:
                raise RunnerInputError(
                    f"sample {number} already has a field {name!r}; choose another field name"
                )


def request_bodies(
    samples: Sequence[Mapping[str, Any]],
    template: PromptTemplate,
    *,
    model: str,
    system: str | None,
    temperature: float | None,
    max_tokens: int | None,
    seed: int | None,
    response_format: dict[str, Any] | None,
) -> list[dict[str, Any]]:
    """The chat-completion body of each sample, in order: what an enrichment sends (and what
    the Ray stage prices before it asks for a share of the budget)."""
    return [
        build_body(
            template.render(sample),
            model=model,
            system=system,
            temperature=temperature,
            max_tokens=max_tokens,
            seed=seed,
            response_format=response_format,
        )
        for sample in samples
    ]


def build_body(
    prompt: str,
    *,
    model: str,
    system: str | None,
    temperature: float | None,
    max_tokens: int | None,
    seed: int | None,
    response_format: dict[str, Any] | None,
) -> dict[str, Any]:
    messages = [{"role": "system", "content": system}] if system else []
    messages.append({"role": "user", "content": prompt})
    body: dict[str, Any] = {"model": model, "messages": messages}
    if temperature is not None:
        body["temperature"] = temperature
    if max_tokens is not None:
        body["max_tokens"] = max_tokens
    if seed is not None:
        body["seed"] = seed
    if response_format is not None:
        body["response_format"] = response_format
    return body


def _apply(
    sample: dict[str, Any], line: dict[str, Any] | None, field: str, schema: Schema | None, why: str
) -> None:
    status: EnrichStatus
    value: Any = None
    error: str | None = None
    if line is None:
        status, error = "not_sent", f"not sent: the run stopped ({why})"
    elif line.get("error") is not None:
        failure = line["error"]
        status, error = "failed", f"{failure.get('code')}: {failure.get('message')}"
    else:
        message = line["response"]["body"]["choices"][0]["message"]
        text = message.get("content") or ""
        if schema is None:
            status, value = "ok", text
        else:
            from ferrosynth.llm import extract_json

            try:
                parsed = extract_json(text)
            except ValueError as exc:
                status, error = "invalid", f"no JSON in the answer: {exc}"
            else:
                problems = schema.errors(parsed)
                if problems:
                    status, error = "invalid", "; ".join(problems[:5])
                else:
                    status, value = "ok", parsed
    sample[field] = value
    sample[f"{field}_status"] = status
    sample[f"{field}_error"] = error


async def aenrich(
    source: GeneratorConfig | SyntheticDataset | Iterable[Mapping[str, Any]],
    prompt: str,
    *,
    model: str,
    field: str = "llm_output",
    system: str | None = None,
    schema: Mapping[str, Any] | type[BaseModel] | None = None,
    temperature: float | None = 0.0,
    max_tokens: int | None = None,
    seed: int | None = None,
    base_url: str | None = None,
    provider: str = "openai",
    api_key: str | None = None,
    concurrency: int = 32,
    max_usd: Any = None,
    rpm: float | None = None,
    tpm: float | None = None,
    cache: CacheSetting = None,
    timeout: float | None = 60.0,
    progress: ProgressCallback | None = None,
    work_dir: Path | str | None = None,
    **runner_options: Any,
) -> EnrichResult:
    """Enrich samples (see the module docs). ``work_dir`` keeps the run's request and answer
    files there, so that an interrupted enrichment resumes; otherwise a temporary directory is
    used and removed."""
    if not field or not isinstance(field, str):
        raise RunnerInputError(f"field must be a non-empty string, got {field!r}")
    template = PromptTemplate(prompt)
    samples = load_samples(source)
    check_samples(samples, template, field)
    checker: Schema | None = None
    response_format = None
    if schema is not None:
        from ferrosynth.llm import Schema

        checker = Schema(schema)
        response_format = checker.response_format()
    bodies = request_bodies(
        samples,
        template,
        model=model,
        system=system,
        temperature=temperature,
        max_tokens=max_tokens,
        seed=seed,
        response_format=response_format,
    )
    requests = [{"custom_id": str(number), "body": body} for number, body in enumerate(bodies)]
    with tempfile.TemporaryDirectory(prefix="ferrosynth-enrich-") as scratch:
        folder = Path(work_dir) if work_dir is not None else Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        output = folder / _OUTPUT
        # Enrichment reports every failure on its sample, so retryable ones are written too.
        runner_options.setdefault("defer_retryable", False)
        runner = BatchRunner(
            requests,
            output,
            provider=provider,
            base_url=base_url,
            model=model,
            api_key=api_key,
            concurrency=concurrency,
            max_usd=max_usd,
            rpm=rpm,
            tpm=tpm,
            cache=cache,
            timeout=timeout,
            progress=progress,
            **runner_options,
        )
        summary = await runner.run()
        answers: dict[str, dict[str, Any]] = {}
        with output.open("rb") as handle:
            for raw in handle:
                line = orjson.loads(raw)
                answers[line["custom_id"]] = line
    for number, sample in enumerate(samples):
        _apply(sample, answers.get(str(number)), field, checker, summary.stopped)
    return EnrichResult(samples=samples, summary=summary, field=field)


def enrich(
    source: GeneratorConfig | SyntheticDataset | Iterable[Mapping[str, Any]],
    prompt: str,
    **options: Any,
) -> EnrichResult:
    """Blocking :func:`aenrich`.

    Example (against the mock endpoint)::

        >>> from ferrosynth import GeneratorConfig, DataType
        >>> from ferrosynth.mock import MockLLMServer
        >>> from ferrosynth.runner import enrich
        >>> config = GeneratorConfig(data_type=DataType.json, count=3, seed=7)
        >>> with MockLLMServer(seed=0) as srv:  # doctest: +SKIP
        ...     result = enrich(config, "Write a one-line bio of {name}.", model="gpt-4o-mini",
        ...                     base_url=srv.base_url + "/v1", field="bio")
        >>> [s["bio_status"] for s in result.samples]  # doctest: +SKIP
        ['ok', 'ok', 'ok']
    """
    return run_loop(aenrich(source, prompt, **options))
