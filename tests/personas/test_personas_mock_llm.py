"""PersonaGenerator fully offline against ``mock-llm`` (the generator-backed endpoint).

``mock-llm`` answers structured-output requests with instances of the request's JSON Schema, so
with ``response_format="json_schema"`` it returns exactly the personas asked for.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ferrosynth.llm import RetryPolicy
from ferrosynth.mock import MockLLMServer
from ferrosynth.personas import (
    AsyncPersonaGenerator,
    GenerationError,
    PersonaGenerator,
    ProviderError,
    RateLimitError,
)

FAST = RetryPolicy(max_retries=1, base_delay=0.01, max_delay=0.02)


def generator(srv: MockLLMServer, response_format: str = "json_schema") -> PersonaGenerator:
    return PersonaGenerator(
        "openai",
        "mock-model",
        base_url=srv.openai_base_url,
        retry=FAST,
        response_format=response_format,
    )


def test_personas_from_mock_llm_are_counted_and_reproducible(research: Path) -> None:
    with MockLLMServer(seed=3) as srv:
        first = generator(srv).generate(research, count=3)
        again = generator(srv).generate(research, count=3)
        assert srv.request_count == 2
        body = srv.bodies()[0]
    assert body["response_format"]["type"] == "json_schema"
    schema = body["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["personas"]["minItems"] == 3
    assert len(first.personas) == 3
    assert all(p.name and p.goals and p.sources for p in first.personas)
    assert first.to_json_text() == again.to_json_text()


def test_json_mode_answers_of_mock_llm_are_not_personas(research: Path) -> None:
    # In plain JSON mode the mock answers a generic object: the parser says so, typed.
    with MockLLMServer(seed=3) as srv, pytest.raises(GenerationError, match="without a name"):
        generator(srv, response_format="json_object").generate(research, count=1)


def test_mock_llm_faults_become_typed_errors(research: Path) -> None:
    with MockLLMServer(seed=0, error_rate=1.0, error_kinds=("429",), retry_after_s=0.01) as srv:
        with pytest.raises(RateLimitError) as caught:
            generator(srv).generate(research, count=1)
        assert srv.request_count == FAST.max_retries + 1
    assert caught.value.retry_after == pytest.approx(0.01)
    with MockLLMServer(seed=0, api_key="right") as srv:
        wrong = PersonaGenerator(
            "openai", "mock-model", base_url=srv.openai_base_url, api_key="wrong", retry=FAST
        )
        with pytest.raises(ProviderError) as refused:
            wrong.generate(research, count=1)
        assert srv.request_count == 1
    assert refused.value.status_code == 401


def test_parallel_runs_against_mock_llm(research: Path) -> None:
    paths = [research, research / "interviews", research / "notes.txt"]

    async def run_all(srv: MockLLMServer) -> list[list[str]]:
        async with AsyncPersonaGenerator(
            "openai",
            "mock-model",
            base_url=srv.openai_base_url,
            retry=FAST,
            response_format="json_schema",
            seed=1,
        ) as gen:
            results = await gen.agenerate_parallel(paths, count=2, max_concurrent=2)
        return [r.source_files for r in results]

    with MockLLMServer(seed=0, latency_ms=20) as srv:
        files = asyncio.run(run_all(srv))
        assert srv.request_count == 3
        assert srv.max_in_flight <= 2
    assert files == [["interviews/ana.md", "notes.txt", "survey.csv"], ["ana.md"], ["notes.txt"]]
