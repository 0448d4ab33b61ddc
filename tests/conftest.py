"""Shared fixtures."""

from __future__ import annotations

import pytest

from ferrosynth import DataGenerator


@pytest.fixture(scope="session")
def gen() -> DataGenerator:
    return DataGenerator()
