"""JSON extraction from model answers (code fences, prose around, several objects).

The implementation is the LLM layer's (:mod:`ferrosynth.llm`); this module is its seed-SDK name.
"""

from __future__ import annotations

from ferrosynth.llm import JSONExtractor, extract_json, extract_json_objects

__all__ = ["JSONExtractor", "extract_json", "extract_json_objects"]
