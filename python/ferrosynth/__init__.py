"""ferrosynth: seeded, valid-by-construction synthetic data for LLM agents, on a Rust core.

A drop-in replacement for ``aumai_datasynthesizer``: change the import line, keep the code.

    >>> from ferrosynth import DataGenerator, GeneratorConfig, DataType
    >>> config = GeneratorConfig(data_type=DataType.tool_call, count=3, seed=7)
    >>> ds = DataGenerator().generate(config)
    >>> ds.samples[0]["function"]["name"]
    'web_search'

``import ferrosynth`` loads only the native module and the error tree; the generator (and with
it Pydantic) is imported on first use of one of its names, so the subpackages that do not need
it (``ferrosynth.llm``, ``ferrosynth.mock``, the CLI's other commands) start fast.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from ferrosynth._native import DATA_VERSION, __version__
from ferrosynth.errors import (
    ConfigError,
    FerrosynthError,
    FerrosynthWarning,
    OutputError,
    SchemaError,
    SchemaWarning,
    TemplateError,
    ValidationError,
)

if TYPE_CHECKING:
    from ferrosynth.core import DataGenerator, SchemaBasedGenerator, WriteReport
    from ferrosynth.models import ConversationTurn, DataType, GeneratorConfig, SyntheticDataset
    from ferrosynth.schema import generate_models

logging.getLogger("ferrosynth").addHandler(logging.NullHandler())

#: The public names that live in submodules, imported on first access (PEP 562).
_LAZY: dict[str, str] = {
    "DataGenerator": "ferrosynth.core",
    "SchemaBasedGenerator": "ferrosynth.core",
    "WriteReport": "ferrosynth.core",
    "ConversationTurn": "ferrosynth.models",
    "DataType": "ferrosynth.models",
    "GeneratorConfig": "ferrosynth.models",
    "SyntheticDataset": "ferrosynth.models",
    "generate_models": "ferrosynth.schema",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ferrosynth' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "DATA_VERSION",
    "ConfigError",
    "ConversationTurn",
    "DataGenerator",
    "DataType",
    "FerrosynthError",
    "FerrosynthWarning",
    "GeneratorConfig",
    "OutputError",
    "SchemaBasedGenerator",
    "SchemaError",
    "SchemaWarning",
    "SyntheticDataset",
    "TemplateError",
    "ValidationError",
    "WriteReport",
    "__version__",
    "generate_models",
]
