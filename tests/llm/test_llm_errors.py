"""The LLM error branch: one tree, fields that say where, picklable, no secrets."""

from __future__ import annotations

import pickle
from decimal import Decimal

import pytest

import ferrosynth
from ferrosynth.llm import (
    AuthenticationError,
    BudgetExceededError,
    InvalidResponseError,
    LLMError,
    ProviderConnectionError,
    ProviderError,
    ProviderTimeoutError,
    RateLimitError,
    StructuredOutputError,
)

WHERE = {"provider": "openai", "model": "gpt-4o-mini", "url": "http://127.0.0.1:1/v1/x"}


@pytest.mark.parametrize(
    "cls",
    [
        ProviderError,
        RateLimitError,
        AuthenticationError,
        ProviderTimeoutError,
        ProviderConnectionError,
        InvalidResponseError,
    ],
)
def test_provider_errors_name_provider_model_url_and_pickle(cls: type[ProviderError]) -> None:
    error = cls("it failed", status_code=500, body="x" * 2000, **WHERE)
    assert isinstance(error, LLMError)
    assert isinstance(error, ferrosynth.FerrosynthError)
    text = str(error)
    for value in WHERE.values():
        assert value in text
    assert error.body is not None
    assert len(error.body) <= 501
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is cls
    assert (again.provider, again.model, again.url, again.status_code) == (
        "openai",
        "gpt-4o-mini",
        WHERE["url"],
        500,
    )
    assert str(again) == text


def test_timeout_and_connection_errors_are_also_stdlib_types() -> None:
    assert issubclass(ProviderTimeoutError, TimeoutError)
    assert issubclass(ProviderConnectionError, ConnectionError)


def test_rate_limit_keeps_retry_after_through_pickle() -> None:
    error = RateLimitError("slow down", retry_after=1.5, status_code=429, **WHERE)
    assert pickle.loads(pickle.dumps(error)).retry_after == 1.5


def test_budget_and_structured_errors() -> None:
    error = BudgetExceededError(
        "over", budget_usd=Decimal("1"), spent_usd=Decimal("0.9"), needed_usd=Decimal("0.2")
    )
    again = pickle.loads(pickle.dumps(error))
    assert (again.budget_usd, again.spent_usd, again.needed_usd) == (
        Decimal("1"),
        Decimal("0.9"),
        Decimal("0.2"),
    )
    structured = StructuredOutputError("bad", errors=["$.a: required"], text="{}")
    assert isinstance(structured, ValueError)
    assert pickle.loads(pickle.dumps(structured)).errors == ["$.a: required"]
