"""Utilities: JSON extraction and async helpers."""

from ferrosynth.personas.core.utils.async_helpers import is_async_context, run_sync, to_thread
from ferrosynth.personas.core.utils.json_extractor import (
    JSONExtractor,
    extract_json,
    extract_json_objects,
)

__all__ = [
    "JSONExtractor",
    "extract_json",
    "extract_json_objects",
    "is_async_context",
    "run_sync",
    "to_thread",
]
