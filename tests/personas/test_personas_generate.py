"""Generation end to end: offline with the in-process mock, and over HTTP against a scripted
loopback server (budget, 429, 401, timeouts, chunking, counts, cache, parallel runs)."""

from __future__ import annotations

import asyncio
import json
import logging
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import ferrosynth.llm
from ferrosynth.llm import RetryPolicy
from ferrosynth.personas import (
    AsyncPersonaGenerator,
    BudgetExceededError,
    GenerationError,
    MockPersonaProvider,
    PersonaError,
    PersonaGenerator,
    ProviderError,
    RateLimitError,
)
from ferrosynth.personas.exceptions import ProviderTimeoutError

from .scripted import Reply, completion, persona_answers, personas_json, scripted

FAST = RetryPolicy(max_retries=2, base_delay=0.01, max_delay=0.02)


def http_generator(base_url: str, **settings: Any) -> PersonaGenerator:
    return PersonaGenerator(
        "openai",
        "gpt-4o-mini",
        base_url=base_url + "/v1",
        api_key="sk-test",
        retry=FAST,
        **settings,
    )


def test_mock_generation_is_grounded_counted_and_identified(research: Path) -> None:
    result = PersonaGenerator(provider="mock", seed=3).generate(research, count=4)
    assert len(result.personas) == 4
    assert result.requested_count == 4
    assert result.requests == 1
    assert result.source_files == ["interviews/ana.md", "notes.txt", "survey.csv"]
    ids = [p.id for p in result.personas]
    assert len(set(ids)) == 4
    assert all(i.startswith("persona-") for i in ids)
    text = (research / "interviews" / "ana.md").read_text() + (research / "notes.txt").read_text()
    for persona in result.personas:
        assert persona.sources
        assert set(persona.sources) <= set(result.source_files)
        assert persona.goals
        assert persona.pain_points
    quotes = [q for p in result.personas for q in p.quotes]
    assert any(q in text or q in "teacher I need grades exported by Friday" for q in quotes)


def test_same_inputs_same_ids_different_seed_different_ids(research: Path) -> None:
    a = PersonaGenerator(provider="mock", seed=1).generate(research, count=2)
    b = PersonaGenerator(provider="mock", seed=1).generate(research, count=2)
    c = PersonaGenerator(provider="mock", seed=2).generate(research, count=2)
    assert a.to_json_text() == b.to_json_text()
    assert [p.id for p in a.personas] != [p.id for p in c.personas]


def test_progress_callback_steps(research: Path) -> None:
    steps: list[tuple[str, int, int]] = []
    generator = PersonaGenerator(provider="mock")
    generator.set_progress_callback(
        lambda message, step, total: steps.append((message, step, total))
    )
    generator.generate(research, count=1)
    assert steps == [
        ("Loaded 3 file(s)", 1, 4),
        ("Preparing prompt", 2, 4),
        ("Calling provider (1/1)", 3, 4),
        ("Parsing response", 4, 4),
    ]


def test_outputs_json_and_markdown(research: Path, tmp_path: Path) -> None:
    result = PersonaGenerator(provider="mock").generate(research, count=2)
    json_path = result.to_json(tmp_path / "out")
    md_path = result.to_markdown(tmp_path / "out")
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert [p["id"] for p in data["personas"]] == [p.id for p in result.personas]
    assert data["provider"] == "mock"
    assert data["source_digest"]
    markdown = md_path.read_text(encoding="utf-8")
    assert markdown.startswith("# Personas\n")
    for persona in result.personas:
        assert f"## {persona.name}" in markdown
        assert persona.id in markdown


def test_unsupported_file_is_skipped_with_a_warning(
    research: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="ferrosynth.personas"):
        PersonaGenerator(provider="mock").generate(research, count=1)
    assert any("photo.png" in r.getMessage() for r in caplog.records)


def test_estimate_cost_is_offline_and_has_the_documented_keys(research: Path) -> None:
    # A closed port: any request would fail, so a returned estimate proves none was sent.
    generator = PersonaGenerator("openai", "gpt-4o-mini", base_url="http://127.0.0.1:9/v1")
    estimate = generator.estimate_cost(research, count=3)
    assert set(estimate) == {
        "provider",
        "model",
        "count",
        "files",
        "requests",
        "context_window",
        "input_tokens",
        "output_tokens",
        "total_tokens",
        "input_cost",
        "output_cost",
        "total_cost",
        "max_cost",
        "currency",
        "pricing_known",
    }
    assert estimate["model"] == "gpt-4o-mini"
    assert estimate["files"] == 3
    assert estimate["input_tokens"] > 0
    assert estimate["pricing_known"] is True
    assert estimate["total_cost"] == pytest.approx(estimate["input_cost"] + estimate["output_cost"])
    assert estimate["max_cost"] >= estimate["total_cost"] > 0
    unknown = PersonaGenerator(provider="mock").estimate_cost(research)
    assert unknown["total_cost"] is None
    assert unknown["pricing_known"] is False


def test_budget_refuses_before_any_request(research: Path) -> None:
    with scripted(persona_answers) as server:
        generator = http_generator(server.base_url, max_cost=Decimal("0.000001"))
        with pytest.raises(BudgetExceededError) as caught:
            generator.generate(research, count=2)
        assert server.count == 0
    error = caught.value
    assert isinstance(error, ferrosynth.llm.BudgetExceededError)
    assert isinstance(error, PersonaError)
    assert error.budget_usd == Decimal("0.000001")
    assert error.needed_usd > error.budget_usd
    assert "nothing was sent" in str(error)


def test_budget_allows_a_run_that_fits_and_counts_what_it_spent(research: Path) -> None:
    with scripted(persona_answers) as server:
        generator = http_generator(server.base_url, max_cost=Decimal("1.00"))
        result = generator.generate(research, count=2)
        assert server.count == 1
        assert len(result.personas) == 2
    assert result.cost_usd is not None
    assert result.cost_usd > 0
    assert generator.budget is not None
    assert generator.budget.spent_usd == result.cost_usd
    assert generator.budget.reserved_usd == 0


def test_rate_limit_after_the_retry_policy(research: Path) -> None:
    def always_429(path: str, body: Any, number: int) -> Reply:
        return Reply(429, {"error": {"message": "slow down"}}, {"retry-after": "0.01"})

    with scripted(always_429) as server:
        with pytest.raises(RateLimitError) as caught:
            http_generator(server.base_url).generate(research, count=1)
        assert server.count == FAST.max_retries + 1
    assert caught.value.retry_after == pytest.approx(0.01)
    assert caught.value.status_code == 429
    assert isinstance(caught.value, ferrosynth.llm.RateLimitError)


def test_unauthorised_is_one_request_and_status_401(research: Path) -> None:
    def unauthorised(path: str, body: Any, number: int) -> Reply:
        return Reply(401, {"error": {"message": "bad key"}})

    with scripted(unauthorised) as server:
        with pytest.raises(ProviderError) as caught:
            http_generator(server.base_url).generate(research, count=1)
        assert server.count == 1
    assert caught.value.status_code == 401
    assert "sk-test" not in str(caught.value)


def test_timeout_is_typed(research: Path) -> None:
    def slow(path: str, body: Any, number: int) -> Reply:
        return Reply(body=completion(personas_json(1)), delay=0.5)

    with scripted(slow) as server:
        generator = http_generator(server.base_url, timeout=0.1)
        with pytest.raises(ProviderTimeoutError) as caught:
            generator.generate(research, count=1)
    assert isinstance(caught.value, ferrosynth.llm.ProviderTimeoutError)
    assert isinstance(caught.value, ProviderError)


def test_too_few_personas_is_a_generation_error(research: Path) -> None:
    def one_only(path: str, body: Any, number: int) -> Reply:
        return Reply(body=completion(personas_json(1)))

    with (
        scripted(one_only) as server,
        pytest.raises(GenerationError, match="asked for 3 persona"),
    ):
        http_generator(server.base_url).generate(research, count=3)


def test_unparseable_answer_is_a_generation_error(research: Path) -> None:
    refusal = completion("I cannot help with that.")
    with (
        scripted(lambda p, b, n: Reply(body=refusal)) as server,
        pytest.raises(GenerationError, match="no persona objects"),
    ):
        http_generator(server.base_url).generate(research, count=1)


def test_data_over_the_context_window_is_chunked(research: Path) -> None:
    lines = [f"Participant {i} said the export was slow on day {i}." for i in range(300)]
    (research / "diary.md").write_text("\n".join(lines), encoding="utf-8")
    with scripted(persona_answers) as server:
        generator = http_generator(server.base_url, context_window=4096 + 2500, max_tokens=4096)
        result = generator.generate(research, count=3)
        assert server.count == result.chunks > 1
    assert len(result.personas) == 3
    asked = [
        int(json.dumps(b).split("Generate exactly ")[1].split(" ")[0])
        for _, _, b in server.requests
    ]
    assert sum(asked) == 3


def test_cache_rerun_sends_nothing(research: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite3"
    with scripted(persona_answers) as server:
        first = http_generator(server.base_url, cache=cache).generate(research, count=2)
        assert server.count == 1
        second = http_generator(server.base_url, cache=cache).generate(research, count=2)
        assert server.count == 1
    assert second.cache_hits == 1
    assert second.requests == 0
    assert [p.model_dump() for p in first.personas] == [p.model_dump() for p in second.personas]


def test_parallel_respects_max_concurrent_and_keeps_order(tmp_path: Path) -> None:
    paths = []
    for i in range(6):
        folder = tmp_path / f"d{i}"
        folder.mkdir()
        (folder / "notes.md").write_text(f"Participant {i} wants exports number {i} faster.\n")
        paths.append(folder)

    def slow_answers(path: str, body: Any, number: int) -> Reply:
        persona_answers(path, body, number)
        participant = json.dumps(body).split("Participant ")[1].split(" ")[0]
        content = personas_json(1).replace("Person 0", f"From {participant}")
        return Reply(body=completion(content), delay=0.05 * (6 - int(participant)))

    with scripted(slow_answers) as server:
        generator = AsyncPersonaGenerator(
            "openai", "gpt-4o-mini", base_url=server.base_url + "/v1", api_key="k", retry=FAST
        )

        async def both() -> list[Any]:
            async with generator:
                return await generator.agenerate_parallel(paths, count=1, max_concurrent=2)

        results = asyncio.run(both())
        assert server.count == 6
        assert server.max_in_flight == 2
    assert [r.personas[0].name for r in results] == [f"From {i}" for i in range(6)]


def test_async_generation_with_the_mock_provider_object(research: Path) -> None:
    provider = MockPersonaProvider()
    generator = AsyncPersonaGenerator(provider)
    result = asyncio.run(generator.agenerate(research, count=2))
    assert provider.requests == 1
    assert len(result.personas) == 2
    assert result.provider == "mock"
    assert result.model == "mock-personas"


def test_a_missing_key_for_the_official_endpoint_is_an_sdk_error(
    research: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    generator = PersonaGenerator("openai", "gpt-4o-mini")
    assert generator.estimate_cost(research)["input_tokens"] > 0  # planning needs no key
    with pytest.raises(ProviderError, match="no API key") as caught:
        generator.generate(research, count=1)
    assert isinstance(caught.value, ferrosynth.llm.AuthenticationError)
    assert isinstance(caught.value, PersonaError)
