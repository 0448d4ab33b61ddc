"""Layered configuration: arguments > environment > file > defaults.

Environment variables are ``FERROSYNTH_PERSONAS_<FIELD>`` (upper case), e.g.
``FERROSYNTH_PERSONAS_PROVIDER=ollama``, ``FERROSYNTH_PERSONAS_COUNT=5``,
``FERROSYNTH_PERSONAS_MAX_COST=0.50``. The file is YAML with :class:`PersonaConfig` fields at the
top level (an experiment's ``config.yaml`` is such a file). Arguments that are ``None`` do not
override. Every error names the layer and field at fault.

Example::

    >>> from ferrosynth.personas.sdk.config import load_config
    >>> load_config({"count": 4}, env={"FERROSYNTH_PERSONAS_COUNT": "2",
    ...                                "FERROSYNTH_PERSONAS_PROVIDER": "mock"}).count
    4
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar, overload

import yaml
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from ferrosynth.personas.exceptions import ConfigurationError
from ferrosynth.personas.sdk.models import PersonaConfig

__all__ = ["ENV_PREFIX", "env_layer", "file_layer", "load_config"]

ENV_PREFIX = "FERROSYNTH_PERSONAS_"
C = TypeVar("C", bound=BaseModel)


def env_layer(env: Mapping[str, str], fields: Mapping[str, Any]) -> dict[str, Any]:
    """The settings given as environment variables (values are strings; the model converts)."""
    out: dict[str, Any] = {}
    for name in fields:
        value = env.get(ENV_PREFIX + name.upper())
        if value is not None and value.strip() != "":
            out[name] = value.strip()
    return out


def file_layer(path: Path | None) -> dict[str, Any]:
    """The settings in a YAML file (empty when ``path`` is None or does not exist)."""
    if path is None or not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        first = str(error).splitlines()[0]
        raise ConfigurationError(f"cannot read configuration file {str(path)!r}: {first}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigurationError(f"configuration file {str(path)!r} must hold a mapping")
    return data


@overload
def load_config(
    args: Mapping[str, Any] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    file: Path | None = None,
) -> PersonaConfig: ...


@overload
def load_config(
    args: Mapping[str, Any] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    file: Path | None = None,
    model: type[C],
) -> C: ...


def load_config(
    args: Mapping[str, Any] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    file: Path | None = None,
    model: type[BaseModel] = PersonaConfig,
) -> BaseModel:
    """Merge the layers into one validated configuration of type ``model``."""
    env = os.environ if env is None else env
    fields = model.model_fields
    layers = (
        ("file", file_layer(file)),
        ("environment", env_layer(env, fields)),
        ("arguments", {k: v for k, v in (args or {}).items() if v is not None}),
    )
    merged: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for layer, values in layers:
        for key, value in values.items():
            if key not in fields:
                raise ConfigurationError(
                    f"unknown setting {key!r} in {layer}; expected one of: {', '.join(fields)}"
                )
            merged[key] = value
            origin[key] = layer
    try:
        return model(**merged)
    except PydanticValidationError as error:
        problems = []
        for item in error.errors():
            key = ".".join(str(p) for p in item["loc"]) or "config"
            layer = origin.get(str(item["loc"][0]), "defaults") if item["loc"] else "defaults"
            problems.append(f"{key} (from {layer}): {item['msg']}")
        raise ConfigurationError("invalid configuration: " + "; ".join(problems)) from None
