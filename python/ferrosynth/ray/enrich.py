"""LLM enrichment as a Ray Data stage: the batch runner's enrichment inside an actor pool.

Each actor runs :func:`ferrosynth.runner.enrich` over the batches Ray hands it, with its own
connection pool and ``concurrency`` requests in flight, so a pool of ``actors`` actors keeps
``actors × concurrency`` requests in flight across the cluster. Everything else is the runner's:
the prompt template checked against every sample, retries and adaptive back-off, the answer
(text or schema-validated JSON) in ``field`` with ``{field}_status`` and ``{field}_error``.

The budget is one for the whole dataset: a named budget actor hands each batch an allotment
equal to the batch's worst-case estimate (prompt tokens plus the output bound), or what is left;
the runner never sends a request that would cross its allotment, and the unspent part returns to
the pool when the batch ends. So the dataset's spend never exceeds ``max_usd``; samples that did
not fit end with ``{field}_status == "not_sent"``.

Resume: the request cache is the record of what has been answered. Point ``cache`` at a store
every node reaches — a SQLite file on the node (one machine, or one cache per node), or a shared
path — and a rerun of the same pipeline sends only the requests with no stored answer.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pyarrow as pa
import ray
import ray.data

from ferrosynth.errors import ConfigError

__all__ = ["BudgetPool", "enrich"]


@ray.remote(num_cpus=0)
class BudgetPool:
    """The run's budget, shared by every enrichment actor (allot before, settle after)."""

    def __init__(self, max_usd: str | None) -> None:
        self._left = None if max_usd is None else Decimal(max_usd)
        self._spent = Decimal(0)

    def allot(self, estimate: str | None) -> str | None:
        """An allotment for a batch whose worst case is ``estimate`` (``None``: no budget)."""
        if self._left is None:
            return None
        want = self._left if estimate is None else min(self._left, Decimal(estimate))
        self._left -= want
        return str(want)

    def settle(self, allotted: str | None, spent: str) -> None:
        """Record ``spent`` of an allotment and return the rest to the pool."""
        self._spent += Decimal(spent)
        if self._left is not None and allotted is not None:
            self._left += max(Decimal(0), Decimal(allotted) - Decimal(spent))

    def spent(self) -> str:
        return str(self._spent)


class _EnrichActor:
    """One actor of the pool: enrichment of whole batches with the runner."""

    def __init__(self, prompt: str, budget: Any, options: dict[str, Any]) -> None:
        from ferrosynth.runner.template import PromptTemplate

        self._prompt = prompt
        self._template = PromptTemplate(prompt)
        self._budget = budget
        self._options = options
        self._response_format: dict[str, Any] | None = None
        if options.get("schema") is not None:
            from ferrosynth.llm import Schema

            self._response_format = Schema(options["schema"]).response_format()

    def _estimate(self, samples: list[dict[str, Any]]) -> str | None:
        """The batch's worst case in dollars: the bodies the enrichment will send (the
        runner's own, ``response_format`` included), priced as the runner prices them."""
        from ferrosynth.runner.enrich import check_samples, request_bodies
        from ferrosynth.runner.plan import estimate_request

        opts = self._options
        check_samples(samples, self._template, opts["field"])
        bodies = request_bodies(
            samples,
            self._template,
            model=opts["model"],
            system=opts.get("system"),
            temperature=opts.get("temperature", 0.0),
            max_tokens=opts.get("max_tokens"),
            seed=opts.get("seed"),
            response_format=self._response_format,
        )
        total = Decimal(0)
        for body in bodies:
            _, _, cost = estimate_request(body, opts["model"], opts.get("provider", "openai"))
            if cost is None:
                return None
            total += cost
        return str(total)

    def __call__(self, batch: pa.Table) -> pa.Table:
        import orjson

        from ferrosynth.runner.enrich import enrich as enrich_samples

        samples = batch.to_pylist()
        allotted = ray.get(self._budget.allot.remote(self._estimate(samples)))
        options = dict(self._options)
        if allotted is not None:
            options["max_usd"] = allotted
        result = enrich_samples(samples, self._prompt, **options)
        ray.get(self._budget.settle.remote(allotted, str(result.summary.progress.spent_usd)))
        field = result.field
        # Fixed column types, whatever a batch's answers hold: text as is, schema-validated
        # JSON as its JSON text (one Arrow type for every batch).
        answers = [
            None
            if (v := s[field]) is None
            else v
            if isinstance(v, str)
            else orjson.dumps(v).decode()
            for s in result.samples
        ]
        for name, values in (
            (field, answers),
            (f"{field}_status", [s[f"{field}_status"] for s in result.samples]),
            (f"{field}_error", [s[f"{field}_error"] for s in result.samples]),
        ):
            batch = batch.append_column(name, pa.array(values, pa.string()))
        return batch


def enrich(
    ds: ray.data.Dataset,
    prompt: str,
    *,
    model: str,
    field: str = "llm_output",
    base_url: str | None = None,
    provider: str = "openai",
    api_key: str | None = None,
    actors: int = 2,
    concurrency: int = 32,
    batch_size: int = 256,
    max_usd: Decimal | float | str | None = None,
    cache: str | None = None,
    num_cpus: float = 0.0,
    **options: Any,
) -> ray.data.Dataset:
    """``ds`` with an LLM answer per row in ``field`` (plus ``{field}_status`` and
    ``{field}_error``), computed by a pool of ``actors`` Ray actors, each with ``concurrency``
    requests in flight and batches of ``batch_size`` rows. ``max_usd`` bounds the whole
    dataset's spend; ``cache`` is the request cache (a SQLite path reachable from the actors'
    nodes, or ``"off"``), which also makes a rerun send only what has no stored answer. Further
    ``options`` (``system``, ``schema``, ``temperature``, ``max_tokens``, ``seed``, ``rpm``,
    ``tpm``, ``timeout`` ...) go to :func:`ferrosynth.runner.enrich`; ``rpm``/``tpm`` apply per
    actor.

    ``num_cpus`` is what Ray reserves per actor. The stage waits on the network, so the default
    reserves none: an actor holding a share of a node's CPU would keep the read tasks that
    generate the rows (one whole CPU each) off that node, and on a small cluster stall the
    pipeline.
    """
    from ferrosynth.runner.errors import RunnerInputError, TemplateFieldError
    from ferrosynth.runner.template import PromptTemplate

    template = PromptTemplate(prompt)  # a malformed template fails here, on the driver
    columns = ds.schema(fetch_if_missing=False)
    if columns is not None:  # known without running anything (e.g. ferrosynth.ray.read)
        names = set(columns.names)
        for ref in template.fields:
            top = ref.split(".")[0].split("[")[0]
            if top not in names:
                raise TemplateFieldError(
                    f"the prompt refers to {{{ref}}}, which the dataset does not have "
                    f"(its columns: {', '.join(sorted(names))})"
                )
        taken = names & {field, f"{field}_status", f"{field}_error"}
        if taken:
            raise RunnerInputError(
                f"the dataset already has a column {sorted(taken)[0]!r}; choose another field"
            )
    if actors < 1 or concurrency < 1 or batch_size < 1:
        raise ConfigError("actors, concurrency and batch_size must be >= 1", "actors")
    if max_usd is not None and Decimal(str(max_usd)) < 0:
        raise ConfigError(f"max_usd must be >= 0, got {max_usd}", "max_usd")
    budget = BudgetPool.options(  # type: ignore[attr-defined]
        name=f"ferrosynth-budget-{uuid.uuid4().hex[:12]}"
    ).remote(None if max_usd is None else str(max_usd))
    runner_options: dict[str, Any] = {
        "model": model,
        "field": field,
        "base_url": base_url,
        "provider": provider,
        "api_key": api_key,
        "concurrency": concurrency,
        "cache": cache,
        **options,
    }
    return ds.map_batches(
        _EnrichActor,
        fn_constructor_kwargs={"prompt": prompt, "budget": budget, "options": runner_options},
        compute=ray.data.ActorPoolStrategy(size=actors),
        batch_size=batch_size,
        batch_format="pyarrow",
        num_cpus=num_cpus,
    )
