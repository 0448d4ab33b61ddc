"""Enrichment: prompts rendered from samples, answers added as a field, failures marked."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path
from typing import Any

import orjson
import pytest
from pydantic import BaseModel

from ferrosynth import DataGenerator, DataType, GeneratorConfig
from ferrosynth.llm import RetryPolicy
from ferrosynth.runner import (
    PromptTemplate,
    RunnerInputError,
    TemplateFieldError,
    enrich,
)
from tests.runner_support import ScriptedServer, completion

CONFIG = GeneratorConfig(data_type=DataType.json, count=12, seed=7)


def test_answers_are_added_in_input_order_with_a_status(tmp_path: Path) -> None:
    with ScriptedServer() as server:
        result = enrich(
            CONFIG,
            "Write a bio of {name} <{email}>.",
            model="gpt-4o-mini",
            base_url=server.base_url,
            field="bio",
        )
    expected = DataGenerator().generate(CONFIG).samples
    assert [s["id"] for s in result.samples] == [s["id"] for s in expected]
    for sample in result.samples:
        assert sample["bio"] == f"echo: Write a bio of {sample['name']} <{sample['email']}>."
        assert sample["bio_status"] == "ok"
        assert sample["bio_error"] is None
    assert result.count("ok") == 12
    assert result.summary.progress.spent_usd > 0


def test_the_same_seed_and_cache_give_the_same_data_without_new_requests(tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite3"
    with ScriptedServer() as server:
        options: dict[str, Any] = {
            "model": "gpt-4o-mini",
            "base_url": server.base_url,
            "cache": cache,
            "seed": 1,
        }
        first = enrich(CONFIG, "About {name}", **options)
        second = enrich(CONFIG, "About {name}", **options)
    assert orjson.dumps(first.samples) == orjson.dumps(second.samples)
    assert server.stats.requests == 12
    assert second.summary.progress.cached == 12
    bodies = {orjson.dumps(b) for b in [first.samples[0]]}
    assert bodies


def test_a_missing_field_is_reported_before_any_request() -> None:
    samples = [{"name": "a", "city": "x"}, {"name": "b"}]
    with ScriptedServer() as server, pytest.raises(TemplateFieldError) as info:
        enrich(samples, "{name} lives in {city}", model="m", base_url=server.base_url)
    assert str(info.value) == (
        "sample 1: the prompt refers to {city}, which the sample does not have (its fields: name)"
    )
    assert server.stats.requests == 0


def test_failed_requests_carry_status_and_error_never_a_placeholder() -> None:
    def script(n: int, body: dict[str, Any]) -> tuple[int, bytes, dict[str, str]] | None:
        if body["messages"][-1]["content"] == "q b":
            return 400, b'{"error": {"message": "no"}}', {}
        if body["messages"][-1]["content"] == "q d":
            return 503, b"down", {}
        return None

    samples = [{"k": "a"}, {"k": "b"}, {"k": "c"}, {"k": "d"}]
    with ScriptedServer(script=script) as server:
        result = enrich(
            samples,
            "q {k}",
            model="m",
            base_url=server.base_url,
            field="out",
            retry=RetryPolicy(max_retries=0),
        )
    failed = result.samples[1]
    assert failed["out"] is None
    assert failed["out_status"] == "failed"
    assert failed["out_error"].startswith("http_error: HTTP 400")
    # a retryable failure, once the retries ran out, is reported on its sample too
    assert [s["out_status"] for s in result.samples] == ["ok", "failed", "ok", "failed"]
    assert result.samples[3]["out_error"].startswith("http_error: HTTP 503")
    assert samples[1] == {"k": "b"}  # the caller's samples are not modified


class Sentiment(BaseModel):
    label: str
    score: float


@pytest.mark.parametrize("schema", [Sentiment, Sentiment.model_json_schema()])
def test_json_answers_are_validated_against_the_schema(schema: Any) -> None:
    answers = {
        "rate good": '{"label": "positive", "score": 0.9}',
        "rate bad": 'Sure! ```json\n{"label": "negative", "score": "low"}\n```',
        "rate none": "I cannot answer that.",
    }

    def script(n: int, body: dict[str, Any]) -> tuple[int, bytes, dict[str, str]] | None:
        assert body["response_format"]["type"] == "json_schema"
        data = orjson.loads(completion(body))
        data["choices"][0]["message"]["content"] = answers[body["messages"][-1]["content"]]
        return 200, orjson.dumps(data), {}

    samples = [{"t": "good"}, {"t": "bad"}, {"t": "none"}]
    with ScriptedServer(script=script) as server:
        result = enrich(samples, "rate {t}", model="m", base_url=server.base_url, schema=schema)
    good, bad, none = result.samples
    assert good["llm_output"] == {"label": "positive", "score": 0.9}
    assert good["llm_output_status"] == "ok"
    assert bad["llm_output"] is None
    assert bad["llm_output_status"] == "invalid"
    assert "score" in bad["llm_output_error"]
    assert none["llm_output_status"] == "invalid"


def test_a_budget_stop_marks_the_rest_not_sent() -> None:
    samples = [{"k": str(i)} for i in range(5)]
    with ScriptedServer() as server:
        result = enrich(samples, "q {k}", model="gpt-4o-mini", base_url=server.base_url, max_usd=0)
    assert result.count("not_sent") == 5
    assert result.samples[0]["llm_output_error"] == "not sent: the run stopped (budget)"
    assert server.stats.requests == 0


def test_an_existing_field_is_not_overwritten() -> None:
    with pytest.raises(RunnerInputError, match="already has a field 'name'"):
        enrich([{"name": "x"}], "{name}", model="m", field="name", base_url="http://127.0.0.1:9/v1")


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("plain", ()),
        ("{a} and {b.c} and {d[0].e} and {a}", ("a", "b.c", "d[0].e")),
        ("{{literal}} {x}", ("x",)),
    ],
)
def test_template_fields(text: str, fields: tuple[str, ...]) -> None:
    assert PromptTemplate(text).fields == fields


@pytest.mark.parametrize("text", ["{}", "{a!r}", "{unclosed", "{a..b}"])
def test_bad_templates_are_input_errors(text: str) -> None:
    with pytest.raises(RunnerInputError):
        PromptTemplate(text)


def test_template_rendering_of_nested_values() -> None:
    template = PromptTemplate("{turns[1].content} / {meta} / {n:03d}")
    sample = {"turns": [{"content": "a"}, {"content": "b"}], "meta": {"x": 1}, "n": 7}
    assert template.render(sample) == 'b / {"x":1} / 007'
    assert template.missing({"turns": [{"content": "a"}], "meta": 1, "n": 1}) == [
        "turns[1].content"
    ]


@pytest.mark.parametrize(
    "name",
    [
        "ferrosynth.runner",
        "ferrosynth.runner.batch",
        "ferrosynth.runner.limits",
        "ferrosynth.runner.template",
    ],
)
def test_runner_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
