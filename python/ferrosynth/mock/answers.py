"""Answers from the generator: text, tool calls and structured output, a pure function of
``(seed, request key)``.

The native plans are called directly (one sample, by index), and compiled once per distinct
schema, so that an answer costs a few microseconds of generation, not a generator call.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Mapping
from hashlib import blake2b
from typing import Any

import orjson

from ferrosynth import _native
from ferrosynth.core import DataGenerator
from ferrosynth.errors import FerrosynthError, SchemaWarning
from ferrosynth.llm.tokens import estimate_request_tokens, estimate_tokens
from ferrosynth.mock.ask import Ask, BadRequest, Reply, ToolCall
from ferrosynth.models import DataType, GeneratorConfig

__all__ = ["Answerer", "normalize_schema"]

_U64 = (1 << 64) - 1
_MAX_PLANS = 1024
#: Types Gemini and OpenAPI spell in capitals (``"STRING"``); JSON Schema spells them in lower case.
_TYPE_NAMES = frozenset({"STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT", "NULL"})
#: Free-form JSON object answers (``json_object`` mode) come from this small schema.
_FREE_OBJECT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "answer": {"type": "string", "minLength": 1, "maxLength": 40},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        "tags": {"type": "array", "items": {"type": "string", "maxLength": 12}, "maxItems": 3},
    },
    "required": ["answer", "confidence"],
    "additionalProperties": False,
}


class Answerer:
    """Makes the :class:`Reply` for an :class:`Ask`; thread-safe, plans cached per schema."""

    def __init__(self, seed: int) -> None:
        self.seed = seed & _U64
        self._generator = DataGenerator()
        self._text = self._generator.plan(
            GeneratorConfig(
                data_type=DataType.text,
                count=1,
                seed=0,
                constraints={"min_sentences": 1, "max_sentences": 3},
            )
        )
        self._plans: dict[bytes, _native.Plan] = {}
        self._lock = threading.Lock()

    # -- generation ------------------------------------------------------------------------

    def text(self, index: int) -> str:
        """A paragraph of one to three sentences."""
        raw = self._text.json_array(self.seed, index, 1, envelope="bare", threads=1)
        text: str = orjson.loads(raw)[0]
        return text

    def instance_json(self, schema: Mapping[str, Any] | bool, index: int, where: str) -> str:
        """The JSON text of one instance of ``schema`` (a 400 naming ``where`` if it is bad)."""
        plan = self._plan(schema, where)
        raw = plan.json_array(self.seed, index, 1, envelope="bare", threads=1)
        return raw[1:-1].decode()

    def _plan(self, schema: Mapping[str, Any] | bool, where: str) -> _native.Plan:
        normalized = normalize_schema(schema)
        key = orjson.dumps(normalized, option=orjson.OPT_SORT_KEYS)
        plan = self._plans.get(key)
        if plan is not None:
            return plan
        config = GeneratorConfig.model_construct(
            data_type=DataType.json, count=1, seed=0, schema=normalized, constraints={}
        )
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SchemaWarning)
                plan = self._generator.plan(config)
        except FerrosynthError as error:
            pointer = getattr(error, "pointer", "")
            raise BadRequest(
                f"{where}: cannot generate from this schema: {error}"
                + (f" (at {pointer})" if pointer and pointer not in str(error) else ""),
                param=where,
            ) from None
        with self._lock:
            if len(self._plans) >= _MAX_PLANS:
                self._plans.clear()
            self._plans[key] = plan
        return plan

    # -- replies ---------------------------------------------------------------------------

    def reply(self, ask: Ask, choice: int = 0) -> Reply:
        """The reply to ``ask`` (choice ``choice`` when ``n > 1``)."""
        index = (ask.key + choice * 0x9E3779B97F4A7C15) & ((1 << 62) - 1)
        input_tokens = estimate_request_tokens(ask.openai_body())
        if ask.tools and self._calls_tool(ask):
            tool = self._pick_tool(ask, index)
            arguments = self.instance_json(
                tool.parameters or {"type": "object"}, index, f"tools[{tool.name}].parameters"
            )
            call = ToolCall(id=_call_id(index), name=tool.name, arguments=arguments)
            out = estimate_tokens(tool.name) + estimate_tokens(arguments) + 3
            return Reply(None, [call], "tool_calls", input_tokens, out)
        if ask.schema is not None or ask.json_mode:
            schema = ask.schema if ask.schema is not None else _FREE_OBJECT
            text = self.instance_json(schema, index, "response_format.json_schema.schema")
            parsed = orjson.loads(text)
            return Reply(text, [], "stop", input_tokens, estimate_tokens(text), parsed)
        text, tokens, cut = _cut(self.text(index), ask.max_tokens)
        return Reply(text, [], "length" if cut else "stop", input_tokens, tokens)

    @staticmethod
    def _calls_tool(ask: Ask) -> bool:
        if ask.tool_mode == "none":
            return False
        if ask.tool_mode == "required" or ask.tool_name is not None:
            return True
        # "auto": call a tool, unless the conversation ends with a tool's result.
        return not ask.after_tool_result

    @staticmethod
    def _pick_tool(ask: Ask, index: int) -> Any:
        if ask.tool_name is not None:
            for tool in ask.tools:
                if tool.name == ask.tool_name:
                    return tool
            raise BadRequest(
                f"tool_choice names {ask.tool_name!r}, which is not among the tools: "
                + ", ".join(t.name for t in ask.tools),
                param="tool_choice",
            )
        return ask.tools[index % len(ask.tools)]


def normalize_schema(schema: Any) -> Any:
    """``schema`` with OpenAPI/Gemini capitalised type names (``"OBJECT"``) in lower case."""
    if isinstance(schema, dict):
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key == "type" and isinstance(value, str) and value in _TYPE_NAMES:
                out[key] = value.lower()
            elif key == "type" and isinstance(value, list):
                out[key] = [v.lower() if v in _TYPE_NAMES else v for v in value]
            else:
                out[key] = normalize_schema(value)
        return out
    if isinstance(schema, list):
        return [normalize_schema(item) for item in schema]
    return schema


def _call_id(index: int) -> str:
    return "call_" + blake2b(index.to_bytes(8, "little"), digest_size=12).hexdigest()


#: Estimates of the generator's words (with their leading space): a small vocabulary.
_WORD_TOKENS: dict[str, int] = {}


def _word_tokens(word: str) -> int:
    tokens = _WORD_TOKENS.get(word)
    if tokens is None:
        tokens = estimate_tokens(word)
        if len(_WORD_TOKENS) < 65_536:
            _WORD_TOKENS[word] = tokens
    return tokens


def _cut(text: str, max_tokens: int | None) -> tuple[str, int, bool]:
    """Generated ``text`` (single spaces) cut at a word to fit ``max_tokens``: the text, its
    estimate, and whether it was cut.

    Equal to cutting with ``estimate_tokens``, word by word: the estimator's pieces never span a
    space (a word takes its leading space along), so the estimate of a text is the sum of the
    estimates of its space-led words, and those repeat (the generator's vocabulary is small).
    """
    words = text.split(" ")
    limit = max_tokens if max_tokens is not None else 1 << 62
    used = 0
    for count, word in enumerate(words):
        tokens = _word_tokens(word if count == 0 else " " + word)
        if used + tokens > limit:
            return " ".join(words[:count]), used, True
        used += tokens
    return text, used, False
