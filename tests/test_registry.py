"""The registries live in the Rust core; every Python list of the same names must equal them.

A data type, format or pool added on one side only fails here (see docs/architecture.md,
"Adding a data type").
"""

from __future__ import annotations

import json
import typing
from pathlib import Path

import pytest

import ferrosynth
from ferrosynth import ConfigError, DataGenerator, DataType, GeneratorConfig, _native
from ferrosynth.core import TYPED_METHODS
from ferrosynth.export import FORMATS, ExportFormat
from ferrosynth.locales import POOL_KEYS, pools_for


def _literal(obj: object, name: str) -> tuple[str, ...]:
    """The values of the ``Literal`` return annotation of ``obj.name`` in the stub."""
    hints = typing.get_type_hints(getattr(obj, name).fget)
    return typing.get_args(hints["return"])


def test_data_type_enum_equals_the_core_registry() -> None:
    assert tuple(member.value for member in DataType) == _native.DATA_TYPES
    assert _native.DATA_TYPES[:5] == ("text", "json", "conversation", "tool_call", "agent_trace")


def test_export_formats_equal_the_core_formats() -> None:
    assert typing.get_args(ExportFormat) == _native.FORMATS
    assert FORMATS == _native.FORMATS


def test_pool_keys_equal_the_core_pools() -> None:
    assert POOL_KEYS == _native.POOL_KEYS
    assert tuple(pools_for(None).as_dict()) == _native.POOL_KEYS


def test_stub_literals_equal_the_registries() -> None:
    stub_path = Path(ferrosynth.__file__).with_name("_native.pyi")
    namespace: dict[str, object] = {}
    exec(compile(stub_path.read_text(encoding="utf-8"), str(stub_path), "exec"), namespace)
    plan = namespace["Plan"]
    assert _literal(plan, "data_type") == _native.DATA_TYPES
    assert _literal(plan, "format") == _native.FORMATS


def test_every_data_type_has_one_generate_method() -> None:
    assert set(TYPED_METHODS) == set(DataType)
    for data_type, name in TYPED_METHODS.items():
        assert name.startswith("generate_"), (data_type, name)
        values = DataGenerator().generate_values(
            GeneratorConfig(data_type=data_type, count=2, seed=3)
        )
        assert len(values) == 2


def test_an_unknown_data_type_is_refused_with_the_registry_names() -> None:
    with pytest.raises(ConfigError, match="expected one of text, json"):
        _native.Plan('{"data_type": "nope"}', _native.Pools(_pools_json()))


def test_pools_are_checked_when_the_handle_is_made() -> None:
    bad = _pools_json().replace('"tlds": [', '"tlds": ["", ')
    with pytest.raises(ConfigError, match=r"pools\.tlds"):
        _native.Pools(bad)


def _pools_json() -> str:
    return json.dumps(pools_for(None).as_dict())


def test_constraint_models_name_exactly_the_keys_the_core_reads() -> None:
    from ferrosynth.constraint_models import CONSTRAINT_MODELS

    assert set(CONSTRAINT_MODELS) == set(DataType)
    for data_type, model in CONSTRAINT_MODELS.items():
        assert set(model.model_fields) == set(_native.CONSTRAINT_KEYS[data_type.value]), data_type


def test_constraint_models_refuse_unknown_fields_and_feed_the_core() -> None:
    import pydantic

    from ferrosynth.constraint_models import ConversationConstraints, TextConstraints

    with pytest.raises(pydantic.ValidationError, match="max_sentence"):
        TextConstraints(max_sentence=1)  # type: ignore[call-arg]
    # Value rules stay in the core: a typed model with bad values fails at compile time.
    bad = TextConstraints(min_sentences=4, max_sentences=2).as_dict()
    with pytest.raises(ConfigError, match="min_sentences"):
        DataGenerator().generate(
            GeneratorConfig(data_type=DataType.text, count=1, seed=1, constraints=bad)
        )
    typed = ConversationConstraints(template="code_assistant").as_dict()
    plain = {"template": "code_assistant"}
    make = lambda c: GeneratorConfig(  # noqa: E731
        data_type=DataType.conversation, count=2, seed=1, constraints=c
    )
    assert (
        DataGenerator().generate(make(typed)).samples
        == DataGenerator().generate(make(plain)).samples
    )
