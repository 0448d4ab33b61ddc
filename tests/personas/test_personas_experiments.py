"""Experiments on disk, and the layered configuration."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from ferrosynth.personas import (
    AsyncExperimentSDK,
    ConfigurationError,
    DataError,
    ExperimentConfig,
    ExperimentSDK,
    MockPersonaProvider,
    PersonaConfig,
    load_config,
    slugify,
)

FIXED = datetime(2026, 12, 4, 21, 30, 5, tzinfo=timezone.utc)


def sdk(tmp_path: Path, **kwargs: object) -> ExperimentSDK:
    return ExperimentSDK(tmp_path / "experiments", clock=lambda: FIXED, env={}, **kwargs)  # type: ignore[arg-type]


def test_create_lays_out_the_folder(tmp_path: Path, research: Path) -> None:
    folder = sdk(tmp_path).create(
        "Nurses Q3!", description="Night-shift nurses", data=research, provider="mock", count=2
    )
    assert folder == tmp_path / "experiments" / "nurses-q3"
    assert sorted(p.name for p in folder.iterdir()) == [
        "README.md",
        "config.yaml",
        "data",
        "outputs",
    ]
    config = yaml.safe_load((folder / "config.yaml").read_text())
    assert config["name"] == "Nurses Q3!"
    assert config["count"] == 2
    assert config["provider"] == "mock"
    assert config["description"] == "Night-shift nurses"
    assert (folder / "data" / "interviews" / "ana.md").is_file()
    assert "# Nurses Q3!" in (folder / "README.md").read_text()
    assert sdk(tmp_path).list() == ["nurses-q3"]


def test_creating_an_existing_experiment_is_a_configuration_error(tmp_path: Path) -> None:
    experiments = sdk(tmp_path)
    experiments.create("Pilot")
    with pytest.raises(ConfigurationError, match="already exists"):
        experiments.create("pilot")  # same slug


def test_bad_names_and_data(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="no letters or digits"):
        sdk(tmp_path).create("!!!")
    with pytest.raises(DataError):
        sdk(tmp_path).create("x", data=tmp_path / "missing")
    assert not (tmp_path / "experiments" / "x").exists()


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Café Users", "cafe-users"),
        ("  a  b  ", "a-b"),
        ("X" * 70, "x" * 64),
        ("word " * 20, "-".join(["word"] * 12)),
        ("Ünïcödé/Ω", "unicode"),
    ],
)
def test_slug_rules(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_run_writes_a_timestamped_output_folder(tmp_path: Path, research: Path) -> None:
    experiments = sdk(tmp_path)
    experiments.create("Pilot", data=research, provider="mock", count=2)
    first = experiments.run("Pilot")
    second = experiments.run("Pilot", count=1)
    assert first.output_dir.name == "20261204T213005Z"
    assert second.output_dir.name == "20261204T213005Z-2"
    assert sorted(p.name for p in first.output_dir.iterdir()) == [
        "config.yaml",
        "personas.json",
        "personas.md",
    ]
    assert len(json.loads((first.output_dir / "personas.json").read_text())["personas"]) == 2
    assert len(second.result.personas) == 1
    assert experiments.list_outputs("pilot") == [first.output_dir, second.output_dir]


def test_delete_needs_confirm(tmp_path: Path) -> None:
    experiments = sdk(tmp_path)
    folder = experiments.create("Pilot")
    with pytest.raises(ConfigurationError, match="confirm=True"):
        experiments.delete("Pilot")
    assert folder.exists()
    experiments.delete("Pilot", confirm=True)
    assert not folder.exists()
    with pytest.raises(ConfigurationError, match="no experiment"):
        experiments.delete("Pilot", confirm=True)


def test_configuration_layers(tmp_path: Path) -> None:
    file = tmp_path / "config.yaml"
    file.write_text("provider: mock\ncount: 2\nseed: 5\ntemperature: 0.5\n")
    env = {"FERROSYNTH_PERSONAS_COUNT": "3", "FERROSYNTH_PERSONAS_SEED": "6"}
    config = load_config({"count": 4, "seed": None}, env=env, file=file)
    # arguments > environment > file > defaults
    assert (config.count, config.seed, config.temperature, config.max_tokens) == (4, 6, 0.5, 4096)
    assert config.provider == "mock"
    assert config.model == "mock-personas"


def test_configuration_errors_name_the_layer(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"count \(from environment\)"):
        load_config(env={"FERROSYNTH_PERSONAS_COUNT": "many"})
    with pytest.raises(ConfigurationError, match="unknown setting 'colour' in arguments"):
        load_config({"colour": "red"}, env={})
    bad = tmp_path / "bad.yaml"
    bad.write_text("- a list\n")
    with pytest.raises(ConfigurationError, match="must hold a mapping"):
        load_config(env={}, file=bad)


def test_experiment_run_uses_the_environment_over_the_file(tmp_path: Path, research: Path) -> None:
    experiments = ExperimentSDK(
        tmp_path / "e", clock=lambda: FIXED, env={"FERROSYNTH_PERSONAS_COUNT": "3"}
    )
    experiments.create("Pilot", data=research, provider="mock", count=1)
    assert experiments.load("Pilot").count == 3
    assert experiments.load("Pilot", count=2).count == 2
    assert isinstance(experiments.load("Pilot"), ExperimentConfig)
    assert len(experiments.run("Pilot").result.personas) == 3


def test_async_experiment_sdk(tmp_path: Path, research: Path) -> None:
    experiments = AsyncExperimentSDK(tmp_path / "e", clock=lambda: FIXED, env={})
    provider = MockPersonaProvider()

    async def flow() -> None:
        await experiments.acreate("Pilot", data=research, provider="mock", count=1)
        assert await experiments.alist() == ["pilot"]
        run = await experiments.arun("Pilot", provider=provider)
        assert len(run.result.personas) == 1
        assert run.output_dir.is_dir()
        await experiments.adelete("Pilot", confirm=True)

    asyncio.run(flow())
    assert provider.requests == 1


def test_persona_config_defaults() -> None:
    assert PersonaConfig().model == "gpt-4o-mini"
    assert PersonaConfig(provider="ollama").model == "llama3.2"
    with pytest.raises(ValueError, match="greater than or equal to 1"):
        PersonaConfig(count=0)
