"""Standard formats for conversation and agent-trace data, and checks of their rules.

The records are rendered by the Rust core from one internal conversation model, so a file in any
format streams in constant memory like the native one::

    DataGenerator().write(config, "train.jsonl", export="openai")
    ferrosynth generate -t agent_trace -n 100000 --format otel -o spans.jsonl

Formats (:data:`ExportFormat`):

- ``ferrosynth``: the native sample shapes (the default).
- ``openai``: OpenAI chat fine-tuning, ``{"messages", "tools"}``.
- ``sharegpt``: ShareGPT as LLaMA-Factory reads it, ``{"conversations", "system", "tools"}``.
- ``anthropic``: Anthropic Messages, ``{"system", "messages", "tools"}``.
- ``otel``: OpenTelemetry GenAI spans, one OTLP/JSON ``ExportTraceServiceRequest`` per line.

:func:`problems` checks a record against its format's rules (roles in the order the format
requires, every tool call answered exactly once, unique ids, arguments shaped as the format
wants) and returns what is wrong; the tests run it over every generated record, and you can run
it over your own data.

    >>> from ferrosynth import DataGenerator, DataType, GeneratorConfig
    >>> from ferrosynth.export import problems
    >>> config = GeneratorConfig(data_type=DataType.agent_trace, count=20, seed=1)
    >>> records = [r for batch in DataGenerator().iter_samples(config, export="anthropic")
    ...            for r in batch]
    >>> sum(len(problems(r, "anthropic")) for r in records)
    0
    >>> problems({"messages": [{"role": "assistant", "content": "hi"}]}, "anthropic")
    ['messages[0]: the first message must be from the user']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal, get_args

from ferrosynth.export import anthropic, openai, otel, sharegpt

__all__ = ["FORMATS", "ExportFormat", "problems"]

#: The record formats ferrosynth writes.
ExportFormat = Literal["ferrosynth", "openai", "sharegpt", "anthropic", "otel"]

#: The names of :data:`ExportFormat`, in order.
FORMATS: tuple[str, ...] = get_args(ExportFormat)

_CHECKS: dict[str, Callable[[Mapping[str, object]], list[str]]] = {
    "openai": openai.problems,
    "sharegpt": sharegpt.problems,
    "anthropic": anthropic.problems,
    "otel": otel.problems,
}


def problems(record: Mapping[str, object], format: str) -> list[str]:
    """What is wrong with ``record`` as a ``format`` record; empty when it is valid.

    Raises :class:`ValueError` for a format without rules to check (``ferrosynth``) or an
    unknown one.
    """
    check = _CHECKS.get(format)
    if check is None:
        raise ValueError(
            f"no rules to check for format {format!r}; expected one of {list(_CHECKS)}"
        )
    return check(record)
