"""ferrosynth: seeded, valid-by-construction synthetic data for LLM agents, on a Rust core.

A drop-in replacement for ``aumai_datasynthesizer``: change the import line, keep the code.

    >>> from ferrosynth import DataGenerator, GeneratorConfig, DataType
    >>> config = GeneratorConfig(data_type=DataType.tool_call, count=3, seed=7)
    >>> ds = DataGenerator().generate(config)
    >>> ds.samples[0]["function"]["name"]
    'web_search'
"""

from __future__ import annotations

import logging

from ferrosynth._native import DATA_VERSION, __version__
from ferrosynth.core import DataGenerator, SchemaBasedGenerator, WriteReport
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
from ferrosynth.models import ConversationTurn, DataType, GeneratorConfig, SyntheticDataset
from ferrosynth.schema import generate_models

logging.getLogger("ferrosynth").addHandler(logging.NullHandler())

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
