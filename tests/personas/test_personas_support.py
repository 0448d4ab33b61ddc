"""The supporting pieces: discovery, the HTTP base's typed errors, platform paths, metrics,
stages, async helpers, docstring examples, and a light, silent import."""

from __future__ import annotations

import asyncio
import doctest
import importlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import ferrosynth.llm
from ferrosynth.personas import (
    ConfigurationError,
    HTTPProvider,
    MetricRegistry,
    ModelChecker,
    ModelDiscovery,
    OllamaModelRegistry,
    PathManager,
    PipelineStage,
    ProviderError,
    RateLimitError,
    StageConfig,
    StageResult,
    VendorDiscovery,
    compare_ollama_models,
    run_sync,
    to_thread,
)
from ferrosynth.personas.core.hybrid.stages.base import run_stages

from .scripted import Reply, scripted

DOCTEST_MODULES = [
    "ferrosynth.personas",
    "ferrosynth.personas.core.data",
    "ferrosynth.personas.core.generation.parser",
    "ferrosynth.personas.core.providers.mock",
    "ferrosynth.personas.core.platform",
    "ferrosynth.personas.core.quality.registry",
    "ferrosynth.personas.core.scripts.generator",
    "ferrosynth.personas.core.scripts.privacy",
    "ferrosynth.personas.core.types.persona",
    "ferrosynth.personas.core.utils.async_helpers",
    "ferrosynth.personas.core.hybrid.stages.base",
    "ferrosynth.personas.sdk.config",
    "ferrosynth.personas.sdk.generator",
    "ferrosynth.personas.sdk.models",
    "ferrosynth.personas.sdk.slug",
]


@pytest.mark.parametrize("name", DOCTEST_MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_import_is_silent_and_light(tmp_path: Path) -> None:
    code = (
        "import sys, ferrosynth.personas, ferrosynth.cli\n"
        "heavy = {'aiohttp', 'httpx', 'ray', 'fastapi'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    done = subprocess.run(
        [sys.executable, "-X", "dev", "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_http_provider_maps_statuses_to_typed_errors() -> None:
    def script(path: str, body: Any, number: int) -> Reply:
        return {
            "/429": Reply(429, {"e": 1}, {"retry-after": "7"}),
            "/401": Reply(401, {"e": 1}),
            "/500": Reply(500, {"e": 1}),
            "/text": Reply(200, "not json"),
        }[path]

    with scripted(script) as server:
        provider = HTTPProvider(server.base_url, 2, 5.0)

        async def call(path: str) -> BaseException:
            try:
                await provider._get(path)
            except Exception as error:
                return error
            finally:
                await provider.aclose()
            raise AssertionError("no error")

        errors = {p: asyncio.run(call(p)) for p in ("/429", "/401", "/500", "/text")}
    assert isinstance(errors["/429"], RateLimitError)
    assert errors["/429"].retry_after == 7.0
    assert isinstance(errors["/401"], ferrosynth.llm.AuthenticationError)
    assert isinstance(errors["/401"], ProviderError)
    assert errors["/401"].status_code == 401
    assert isinstance(errors["/500"], ProviderError)
    assert errors["/500"].status_code == 500
    assert isinstance(errors["/text"], ferrosynth.llm.InvalidResponseError)


def test_http_provider_connection_refused_is_typed() -> None:
    provider = HTTPProvider("http://127.0.0.1:9", 1, 2.0)

    async def call() -> None:
        try:
            await provider._post("/x", json={})
        finally:
            await provider.aclose()

    with pytest.raises(ferrosynth.llm.ProviderConnectionError):
        asyncio.run(call())


def test_model_discovery_and_checker() -> None:
    models = {"object": "list", "data": [{"id": "gpt-4o-mini"}, {"id": "local-model"}]}
    with scripted(lambda path, body, n: Reply(body=models)) as server:
        discovery = ModelDiscovery("openai", server.base_url + "/v1", api_key="k", env={})
        assert discovery.list_models() == ["gpt-4o-mini", "local-model"]
        status = ModelChecker(discovery).check("gpt-4o-mini")
        assert server.requests[0][1] == "/v1/models"
    assert status.priced
    assert status.available
    assert status.context_window == 128_000
    assert ModelChecker().check("no-such-model").priced is False
    with pytest.raises(ConfigurationError, match="unknown provider"):
        ModelDiscovery("cohere")


def test_vendor_discovery_never_shows_keys() -> None:
    vendors = VendorDiscovery(env={"OPENAI_API_KEY": "sk-secret"}).vendors()
    configured = {v.name: v.configured for v in vendors}
    assert configured == {"openai": True, "anthropic": False, "gemini": False, "ollama": True}
    assert "sk-secret" not in repr(vendors)


def test_ollama_registry_and_tags() -> None:
    registry = OllamaModelRegistry(["llama3.2"])
    assert registry.is_tested("llama3.2:3b")
    assert not registry.is_tested("mistral")
    tags = {"models": [{"name": "llama3.2:latest"}, {"name": "mistral:7b"}]}
    with scripted(lambda path, body, n: Reply(body=tags)) as server:
        result = compare_ollama_models(server.base_url, registry)
    assert result.reachable
    assert result.untested_models == ["mistral:7b"]
    assert result.available_models == ["llama3.2:latest", "mistral:7b"]


def test_platform_paths() -> None:
    paths = PathManager(
        env={"XDG_CONFIG_HOME": "/x/cfg", "XDG_DATA_HOME": "/x/data"}, home=Path("/home/u")
    )
    if sys.platform.startswith("linux"):
        assert paths.config_dir == Path("/x/cfg/ferrosynth-personas")
        assert paths.data_dir == Path("/x/data/ferrosynth-personas")
        bare = PathManager(env={}, home=Path("/home/u"))
        assert bare.config_dir == Path("/home/u/.config/ferrosynth-personas")
    override = PathManager(env={"FERROSYNTH_PERSONAS_DATA_DIR": "/d"})
    assert override.cache_file == Path("/d/cache.sqlite3")


def test_metric_registry_local_and_unknown() -> None:
    class Always:
        def calculate(self, persona: dict[str, Any]) -> float:
            return 1.0

    registry = MetricRegistry()
    registry.register("always", Always)
    assert registry.get("always").calculate({}) == 1.0
    assert "always" not in MetricRegistry().names()
    assert {"completeness", "grounding"} <= set(registry.names())
    with pytest.raises(ConfigurationError, match="unknown metric 'nope'"):
        registry.get("nope")


def test_stages_chain_and_stop_at_a_failure() -> None:
    class Double(PipelineStage):
        async def execute(self, input_data: list[Any]) -> StageResult:
            return StageResult(output=[x * 2 for x in input_data], metrics={"n": len(input_data)})

    class Fail(PipelineStage):
        async def execute(self, input_data: list[Any]) -> StageResult:
            return StageResult(output=input_data, success=False, errors=["bad item"])

    ok = asyncio.run(run_stages([Double(), Double(StageConfig(name="again"))], [1, 2]))
    assert ok.output == [4, 8]
    assert ok.metrics == {"Double": {"n": 2}, "again": {"n": 2}}
    skipped = asyncio.run(run_stages([Double(StageConfig(enabled=False))], [1]))
    assert skipped.output == [1]
    failed = asyncio.run(run_stages([Fail(), Double()], [1]))
    assert not failed.success
    assert failed.errors == ["Fail: bad item"]


def test_run_sync_propagates_errors_inside_and_outside_a_loop() -> None:
    async def boom() -> None:
        raise KeyError("x")

    with pytest.raises(KeyError):
        run_sync(boom())

    async def inside() -> int:
        with pytest.raises(KeyError):
            run_sync(boom())
        return await to_thread(sum, [1, 2, 3])

    assert asyncio.run(inside()) == 6
