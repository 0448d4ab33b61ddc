"""Docstring examples are executed: documentation that runs."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "ferrosynth",
    "ferrosynth.core",
    "ferrosynth.errors",
    "ferrosynth.locales",
    "ferrosynth.models",
    "ferrosynth.pytest_plugin",
    "ferrosynth.schema",
    "ferrosynth.templates",
    "ferrosynth.template_loader",
    "ferrosynth.tools",
    "ferrosynth.export",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
