"""A pytest fixture for the mock LLM endpoint.

Require it from a test module (or the root ``conftest.py``)::

    pytest_plugins = ("ferrosynth.mock.fixtures",)

    def test_my_client(mock_llm):
        client = MyClient(base_url=mock_llm.base_url + "/v1")
        ...
        assert mock_llm.request_count == 1
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ferrosynth.mock.server import MockLLMServer

__all__ = ["mock_llm"]


@pytest.fixture
def mock_llm() -> Iterator[MockLLMServer]:
    """A fresh :class:`~ferrosynth.mock.MockLLMServer` (seed 0, no faults) for one test."""
    with MockLLMServer(seed=0) as server:
        yield server
