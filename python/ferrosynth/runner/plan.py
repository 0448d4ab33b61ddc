"""The check before a run: every line valid, no duplicate ``custom_id``, what is left to send,
and what it should cost.

It reads the input once, as a stream, before any request is sent, so that a malformed line near
the end of a large file fails the run at once instead of after hours. Duplicates are found with
the resume record's on-disk table, so memory stays flat.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ferrosynth.llm import cost_of, estimate_request_tokens
from ferrosynth.runner.batch import BatchRequest, iter_request_lines, parse_request
from ferrosynth.runner.errors import RunnerInputError
from ferrosynth.runner.progress import usd
from ferrosynth.runner.resume import ResumeRecord

__all__ = ["DEFAULT_OUTPUT_TOKENS", "InputPlan", "check_input", "estimate_request"]

#: The output tokens assumed for a request whose body sets no ``max_tokens`` (an estimate: the
#: budget can then be crossed by what a longer answer costs; set ``max_tokens`` for a bound).
DEFAULT_OUTPUT_TOKENS = 256
_BATCH = 1000


class Stopped(Exception):  # noqa: N818 - a signal, not an error
    """The check was asked to stop (Ctrl-C while the input was read)."""


def output_bound(body: Mapping[str, Any]) -> int:
    for key in ("max_completion_tokens", "max_tokens"):
        value = body.get(key)
        if isinstance(value, int) and value > 0:
            return value
    return DEFAULT_OUTPUT_TOKENS


def estimate_request(
    body: Mapping[str, Any], model: str, provider: str | None = None
) -> tuple[int, int, Decimal | None]:
    """Estimated ``(input tokens, output tokens, dollars)`` of one request; dollars are None
    when the model's price is unknown (a free provider, e.g. Ollama, costs 0)."""
    tokens_in = estimate_request_tokens(body)
    tokens_out = output_bound(body)
    return tokens_in, tokens_out, cost_of(model, tokens_in, tokens_out, provider=provider)


@dataclass(frozen=True, slots=True)
class InputPlan:
    """What a run would do: ``total`` requests, of which ``already_done`` have an answer in the
    output; estimates cover the ``pending`` ones only."""

    total: int
    already_done: int
    input_tokens: int
    output_tokens: int
    cost_usd: Decimal | None
    unpriced_models: tuple[str, ...] = ()
    routes: tuple[tuple[str, str | None], ...] = field(default=())

    @property
    def pending(self) -> int:
        return self.total - self.already_done

    def line(self) -> str:
        """The ``--dry-run`` report, one line."""
        cost = usd(self.cost_usd)
        text = (
            f"dry run: {self.total} requests, {self.already_done} already answered, "
            f"{self.pending} to send; about {self.input_tokens} input + {self.output_tokens} "
            f"output tokens; estimated cost {cost}"
        )
        if self.unpriced_models:
            text += f" (no price known for: {', '.join(self.unpriced_models)})"
        return text


def resolve_model(request: BatchRequest, default: str | None, where: str) -> str:
    model = request.body.get("model") or default
    if not model:
        raise RunnerInputError("no model: set body.model or the run's model (--model)", where=where)
    return str(model)


def check_input(
    source: Path | Iterable[Any],
    record: ResumeRecord | None,
    *,
    default_model: str | None,
    default_provider: str,
    default_base_url: str | None,
    estimate: bool,
    should_stop: Callable[[], bool] | None = None,
) -> InputPlan:
    """Read and check every request (see the module docs); estimate tokens and cost when asked.
    ``should_stop`` is polled every thousand lines; when it says so, :class:`Stopped` is raised."""
    total = done = tokens_in = tokens_out = 0
    cost: Decimal | None = Decimal(0)
    unpriced: set[str] = set()
    routes: set[tuple[str, str | None]] = set()
    batch: list[tuple[str, str]] = []
    pending_bodies: list[tuple[str, BatchRequest, str, str]] = []

    def flush() -> None:
        nonlocal done, tokens_in, tokens_out, cost
        if should_stop is not None and should_stop():
            raise Stopped
        if record is not None:
            duplicate = record.first_seen(batch)
            if duplicate is not None:
                custom_id, where, first = duplicate
                raise RunnerInputError(
                    f"duplicate custom_id {custom_id!r} (first at {first})", where=where
                )
            finished = record.done_among(cid for cid, _ in batch)
        else:
            finished = set()
        done += len(finished)
        if estimate:
            for custom_id, request, model, kind in pending_bodies:
                if custom_id in finished:
                    continue
                t_in, t_out, dollars = estimate_request(request.body, model, kind)
                tokens_in += t_in
                tokens_out += t_out
                if dollars is None:
                    unpriced.add(model)
                elif cost is not None:
                    cost += dollars
        batch.clear()
        pending_bodies.clear()

    if record is not None:
        record.start_check()
    try:
        for where, raw in iter_request_lines(source):
            request = parse_request(raw, where=where)
            model = resolve_model(request, default_model, where)
            kind = request.provider or default_provider
            routes.add((kind, request.base_url or default_base_url))
            total += 1
            batch.append((request.custom_id, where))
            if estimate:
                pending_bodies.append((request.custom_id, request, model, kind))
            if len(batch) >= _BATCH:
                flush()
        flush()
    finally:
        if record is not None:
            record.end_check()
    return InputPlan(
        total=total,
        already_done=done,
        input_tokens=tokens_in,
        output_tokens=tokens_out,
        cost_usd=None if unpriced else cost,
        unpriced_models=tuple(sorted(unpriced)),
        routes=tuple(sorted(routes, key=lambda r: (r[0], r[1] or ""))),
    )
