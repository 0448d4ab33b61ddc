"""The docstring examples of the LLM layer run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "ferrosynth.llm",
    "ferrosynth.llm.errors",
    "ferrosynth.llm.extract",
    "ferrosynth.llm.structured",
    "ferrosynth.store.cache",
    "ferrosynth.llm.budget",
    "ferrosynth.llm.limiter",
    "ferrosynth.llm.pricing",
    "ferrosynth.llm.providers",
    "ferrosynth.llm.retry",
    "ferrosynth.llm.tokens",
    "ferrosynth.llm.types",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0
