"""Experiments on disk: a named configuration, its data, and every run's outputs.

Layout (the folder name is the experiment name's slug, see :mod:`.slug`)::

    experiments/<slug>/
        config.yaml          the ExperimentConfig (the "file" layer of the configuration)
        README.md            name, description, how to run it
        data/                the research data (copied in by create(data=...) or add_data)
        outputs/<timestamp>/ one folder per run: personas.json, personas.md, config.yaml

``<timestamp>`` is the injected clock's UTC time as ``YYYYmmddTHHMMSSZ`` (``-2``, ``-3``, ...
appended if a run in the same second exists). A run's configuration is layered: the arguments of
:meth:`ExperimentSDK.run` > ``FERROSYNTH_PERSONAS_*`` environment variables > ``config.yaml`` >
defaults.
"""

from __future__ import annotations

import builtins
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from ferrosynth.personas.exceptions import ConfigurationError, DataError
from ferrosynth.personas.sdk.config import load_config
from ferrosynth.personas.sdk.generator import PersonaGenerator
from ferrosynth.personas.sdk.models import ExperimentConfig, GenerationResultModel
from ferrosynth.personas.sdk.slug import slugify

__all__ = ["ExperimentRun", "ExperimentSDK"]

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current UTC time (the default clock)."""
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class ExperimentRun:
    """One run of an experiment: its result and the folder it was written to."""

    result: GenerationResultModel
    output_dir: Path


class ExperimentSDK:
    """Creates, lists, runs and deletes experiments under ``base_dir``."""

    def __init__(
        self,
        base_dir: str | Path = "experiments",
        *,
        clock: Clock = system_clock,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.base_dir = Path(base_dir)
        self.clock = clock
        self.env = os.environ if env is None else env

    def path(self, name: str) -> Path:
        """The folder of experiment ``name`` (whether or not it exists)."""
        return self.base_dir / slugify(name)

    def exists(self, name: str) -> bool:
        """Whether experiment ``name`` exists."""
        return (self.path(name) / "config.yaml").is_file()

    def create(
        self,
        name: str,
        config: ExperimentConfig | None = None,
        *,
        description: str = "",
        data: str | Path | None = None,
        **settings: Any,
    ) -> Path:
        """Create the experiment's folder; :class:`ConfigurationError` if it exists."""
        folder = self.path(name)
        if folder.exists():
            raise ConfigurationError(f"experiment {name!r} already exists at {str(folder)!r}")
        values = config.model_dump(exclude_unset=True) if config is not None else {}
        values.update(settings)
        values.setdefault("name", name)
        if description:
            values["description"] = description
        try:
            experiment = ExperimentConfig(**values)
        except ValueError as error:
            raise ConfigurationError(f"invalid experiment configuration: {error}") from None
        if data is not None and not Path(data).exists():
            raise DataError(f"data path {str(data)!r} does not exist")
        (folder / "data").mkdir(parents=True)
        (folder / "outputs").mkdir()
        self._write_config(folder, experiment)
        (folder / "README.md").write_text(_readme(experiment, folder.name), encoding="utf-8")
        if data is not None:
            self.add_data(name, data)
        return folder

    def load(self, name: str, **overrides: Any) -> ExperimentConfig:
        """The experiment's configuration, layered: ``overrides`` > environment > file."""
        folder = self._existing(name)
        return load_config(
            overrides, env=self.env, file=folder / "config.yaml", model=ExperimentConfig
        )

    def list(self) -> list[str]:
        """The experiments' folder names, sorted."""
        if not self.base_dir.is_dir():
            return []
        return sorted(p.name for p in self.base_dir.iterdir() if (p / "config.yaml").is_file())

    def add_data(self, name: str, source: str | Path) -> builtins.list[Path]:
        """Copy a file or a directory tree into the experiment's ``data/``; returns the copies."""
        data_dir = self._existing(name) / "data"
        source = Path(source)
        if source.is_file():
            target = data_dir / source.name
            shutil.copy2(source, target)
            return [target]
        if source.is_dir():
            shutil.copytree(source, data_dir, dirs_exist_ok=True)
            return sorted(p for p in data_dir.rglob("*") if p.is_file())
        raise DataError(f"data path {str(source)!r} does not exist")

    def run(
        self, name: str, *, provider: Any = None, cache: Any = None, **overrides: Any
    ) -> ExperimentRun:
        """Generate from the experiment's ``data/`` and write the run's outputs folder."""
        config = self.load(name, **overrides)
        generator = PersonaGenerator(provider, config=_persona_config(config), cache=cache)
        result = generator.generate(self.path(name) / "data")
        return ExperimentRun(result, self._write_run(name, config, result))

    def list_outputs(self, name: str) -> builtins.list[Path]:
        """The experiment's run folders, oldest first."""
        outputs = self._existing(name) / "outputs"
        return sorted(p for p in outputs.iterdir() if p.is_dir())

    def delete(self, name: str, *, confirm: bool = False) -> None:
        """Delete the experiment and everything in it; refuses unless ``confirm=True``."""
        folder = self._existing(name)
        if confirm is not True:
            raise ConfigurationError(
                f"deleting experiment {name!r} removes {str(folder)!r} and all its outputs; "
                "pass confirm=True to do it"
            )
        shutil.rmtree(folder)

    def _existing(self, name: str) -> Path:
        folder = self.path(name)
        if not (folder / "config.yaml").is_file():
            known = ", ".join(self.list()) or "none"
            raise ConfigurationError(
                f"no experiment {name!r} in {str(self.base_dir)!r} (existing: {known})"
            )
        return folder

    def _write_run(
        self, name: str, config: ExperimentConfig, result: GenerationResultModel
    ) -> Path:
        outputs = self.path(name) / "outputs"
        stamp = self.clock().astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        folder, n = outputs / stamp, 1
        while folder.exists():
            n += 1
            folder = outputs / f"{stamp}-{n}"
        folder.mkdir(parents=True)
        result.to_json(folder)
        result.to_markdown(folder)
        self._write_config(folder, config)
        return folder

    @staticmethod
    def _write_config(folder: Path, config: ExperimentConfig) -> None:
        data = config.model_dump(mode="json")
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        (folder / "config.yaml").write_text(text, encoding="utf-8")


def _persona_config(config: ExperimentConfig) -> Any:
    from ferrosynth.personas.sdk.models import PersonaConfig

    return PersonaConfig(**config.model_dump(exclude={"name", "description"}))


def _readme(config: ExperimentConfig, slug: str) -> str:
    return (
        f"# {config.name}\n\n{config.description or '(no description)'}\n\n"
        "- `config.yaml`: the configuration (provider, model, count, budget, ...)\n"
        "- `data/`: the research data the personas are generated from\n"
        "- `outputs/<timestamp>/`: one folder per run (personas.json, personas.md)\n\n"
        f"Run it with `ferrosynth personas experiment run {slug}`.\n"
    )
