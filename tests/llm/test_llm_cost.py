"""Prices as data, Decimal arithmetic, unknown is unknown, and the budget guard."""

from __future__ import annotations

import json
import threading
from decimal import Decimal
from pathlib import Path

import pytest

from ferrosynth.llm import (
    Budget,
    BudgetExceededError,
    CostEstimate,
    CostEstimator,
    LLMResponse,
    PricingData,
    cost_of,
    estimate_request_tokens,
)

BODY = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hello there"}]}


def test_the_shipped_table_is_dated_versioned_and_covers_the_four_providers() -> None:
    table = PricingData.default()
    assert table.version
    assert len(table.as_of) == 10  # an ISO date
    providers = {p.provider for p in table.models.values()}
    assert providers == {"openai", "anthropic", "gemini"}
    assert "ollama" in table.free_providers
    for price in table.models.values():
        assert isinstance(price.input, Decimal)
        assert Decimal(0) <= price.cached_input <= price.input
        assert price.output >= price.input
        assert price.batch_discount == Decimal("0.5")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("gpt-4o-mini", "gpt-4o-mini"),
        ("gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
        ("gpt-4o-2024-08-06", "gpt-4o"),
        ("openai/gpt-4.1-nano", "gpt-4.1-nano"),
        ("claude-sonnet-4-20250514", "claude-sonnet-4"),
        ("claude-3-5-haiku-latest", "claude-3-5-haiku"),
        ("models/gemini-2.5-flash", "gemini-2.5-flash"),
        ("gemini-2.0-flash-001", "gemini-2.0-flash"),
    ],
)
def test_model_names_as_providers_spell_them(name: str, expected: str) -> None:
    table = PricingData.default()
    assert table.price(name) is table.models[expected]


def test_cost_is_exact_decimal_with_cache_and_batch_discounts() -> None:
    assert cost_of("gpt-4o-mini", 1_000_000, 1_000_000) == Decimal("0.75")
    # 600k fresh input at 0.15 + 400k cached at 0.075 + 0 output
    assert cost_of("gpt-4o-mini", 1_000_000, 0, cached_input_tokens=400_000) == Decimal("0.12")
    assert cost_of("gpt-4o-mini", 1_000_000, 1_000_000, batch=True) == Decimal("0.375")
    assert cost_of("claude-sonnet-4", 3, 7) == Decimal("0.000114")
    assert cost_of("llama3.1:8b", 1000, 1000, provider="ollama") == Decimal(0)


def test_unknown_models_are_unknown_never_zero() -> None:
    assert cost_of("some-new-model", 1000, 1000) is None
    estimate = CostEstimator().estimate({**BODY, "model": "some-new-model"})
    assert estimate.cost_usd is None
    assert not estimate.known
    assert str(estimate) == "unknown"
    known = CostEstimator().estimate(BODY)
    assert str(known + estimate) == "unknown"


def test_estimator_before_and_after() -> None:
    estimator = CostEstimator()
    before = estimator.estimate({**BODY, "max_tokens": 50})
    assert before.input_tokens == estimate_request_tokens(BODY)
    assert before.output_tokens == 50
    assert before.pricing_version == PricingData.default().version
    assert estimator.estimate(BODY).output_tokens == 256
    many = estimator.estimate_many([BODY, BODY, BODY])
    assert many.requests == 3
    assert many.cost_usd == 3 * estimator.estimate(BODY).cost_usd  # type: ignore[operator]
    response = LLMResponse(content="x", model="gpt-4o-mini", input_tokens=1000, output_tokens=10)
    after = estimator.actual(response)
    assert after.cost_usd == Decimal("0.000156")


def test_a_price_table_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "prices.json"
    table = {
        "version": "test.1",
        "as_of": "2030-01-01",
        "models": {"house-model": {"provider": "openai", "input": "1", "output": "2"}},
    }
    path.write_text(json.dumps(table))
    pricing = PricingData.from_file(path)
    assert cost_of("house-model", 1_000_000, 1_000_000, pricing=pricing) == Decimal(3)
    assert cost_of("gpt-4o", 1, 1, pricing=pricing) is None
    assert CostEstimator(pricing).estimate({**BODY, "model": "house-model"}).pricing_version == (
        "test.1"
    )


def test_budget_refuses_before_crossing_and_keeps_nothing_held() -> None:
    budget = Budget(Decimal("1.00"))
    held = budget.reserve(Decimal("0.60"))
    with pytest.raises(BudgetExceededError) as info:
        budget.reserve(Decimal("0.50"))
    assert (info.value.budget_usd, info.value.spent_usd, info.value.needed_usd) == (
        Decimal("1.00"),
        Decimal("0.60"),
        Decimal("0.50"),
    )
    assert budget.reserved_usd == Decimal("0.60")
    budget.commit(held, Decimal("0.20"))
    assert (budget.spent_usd, budget.reserved_usd) == (Decimal("0.20"), Decimal(0))
    budget.reserve(Decimal("0.80"))  # fits exactly
    with pytest.raises(BudgetExceededError):
        budget.reserve(Decimal("0.000001"))


def test_budget_with_estimates_unknown_costs_and_release() -> None:
    budget = Budget("0.01")
    estimate = CostEstimator().estimate(BODY)
    held = budget.reserve(estimate)
    assert held == estimate.cost_usd
    budget.release(held)
    assert budget.reserved_usd == 0
    unknown = CostEstimate("mystery", 10, 10, None)
    with pytest.raises(BudgetExceededError, match="unknown"):
        budget.reserve(unknown)
    assert Budget("0.01", unknown="allow").reserve(unknown) == 0
    budget.commit(Decimal("0.004"))  # a cost with no hold
    assert budget.spent_usd == Decimal("0.004")
    with pytest.raises(ValueError, match="unknown"):
        Budget(1, unknown="maybe")  # type: ignore[arg-type]


def test_budget_is_thread_safe_and_never_overspent() -> None:
    budget = Budget(Decimal("1.000"))
    granted = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(200):
            try:
                held = budget.reserve(Decimal("0.003"))
            except BudgetExceededError:
                continue
            budget.commit(held, held)
            with lock:
                granted.append(held)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(granted) == 333  # floor(1.000 / 0.003)
    assert budget.spent_usd == Decimal("0.999")
    assert budget.reserved_usd == 0


PRICED = PricingData.from_dict(
    {
        "version": "t",
        "as_of": "2030-01-01",
        "models": {"gpt-test": {"provider": "openai", "input": "1000", "output": "1000"}},
    }
)


def test_a_provider_with_a_budget_refuses_before_sending() -> None:
    from ferrosynth.llm import OpenAIProvider, ProviderError, RetryPolicy
    from tests.llm.scripted import Reply, openai_answer, scripted

    body = {**BODY, "model": "gpt-test", "max_tokens": 10}
    estimate = CostEstimator(PRICED).estimate(body)
    assert estimate.cost_usd is not None
    budget = Budget(Decimal("0.012") + estimate.cost_usd - Decimal("0.000001"))
    script = {"/v1/chat/completions": [Reply(200, openai_answer())]}  # usage: 9 + 3 tokens
    with scripted(script) as srv:
        p = OpenAIProvider(
            base_url=srv.base_url + "/v1", budget=budget, pricing=PRICED, retry=RetryPolicy(0)
        )
        with p:
            p.complete(body)
            assert (budget.spent_usd, budget.reserved_usd) == (Decimal("0.012"), 0)
            with pytest.raises(BudgetExceededError) as info:
                p.complete(body)
        assert srv.count() == 1  # the second request was never sent
    assert info.value.needed_usd == estimate.cost_usd

    failing = Budget(Decimal(1))
    with scripted({"/v1/chat/completions": [Reply(500, {})]}) as srv:
        p = OpenAIProvider(
            base_url=srv.base_url + "/v1", budget=failing, pricing=PRICED, retry=RetryPolicy(0)
        )
        with p, pytest.raises(ProviderError):
            p.complete(body)
    assert (failing.spent_usd, failing.reserved_usd) == (0, 0)  # the hold was released

    with scripted(script) as srv:
        p = OpenAIProvider(base_url=srv.base_url + "/v1", budget=Budget(1), pricing=PRICED)
        with p, pytest.raises(BudgetExceededError, match="unknown"):
            p.complete({**body, "model": "unpriced-model"})
        assert srv.count() == 0
