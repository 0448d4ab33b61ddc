"""No silent typos: constraint keys a data type does not read, and unknown template or tool
names, raise a visible FerrosynthWarning (the reference's fallbacks still apply); the CLI prints
them on stderr, `--strict` makes them errors, and a drawn seed is always reported."""

from __future__ import annotations

import re
import warnings

import pytest

from ferrosynth import DataGenerator, DataType, FerrosynthWarning, GeneratorConfig
from ferrosynth.constraints import CONSTRAINT_KEYS, unknown_constraints
from tests.test_cli import ferrosynth_cli, jsonl


def test_a_misspelt_constraint_warns_with_the_closest_key() -> None:
    config = GeneratorConfig(
        data_type=DataType.text, count=2, seed=1, constraints={"max_sentence": 1}
    )
    with pytest.warns(FerrosynthWarning, match=r"constraints\.max_sentence: .*'max_sentences'"):
        typo = DataGenerator().generate(config)
    # The key is ignored, as the reference ignores it: the default settings apply.
    plain = DataGenerator().generate(GeneratorConfig(data_type=DataType.text, count=2, seed=1))
    assert typo.samples == plain.samples


def test_a_key_of_another_data_type_warns() -> None:
    config = GeneratorConfig(
        data_type=DataType.tool_call, count=1, seed=1, constraints={"template": "code_assistant"}
    )
    with pytest.warns(FerrosynthWarning, match="unknown constraint for tool_call"):
        DataGenerator().generate(config)


def test_an_unknown_tool_name_warns_and_falls_back_to_search() -> None:
    config = GeneratorConfig(
        data_type=DataType.tool_call, count=3, seed=4, constraints={"tool": "bogus"}
    )
    with pytest.warns(FerrosynthWarning, match="unknown tool template 'bogus'; using 'search'"):
        bogus = DataGenerator().generate_tool_calls(config)
    default = DataGenerator().generate_tool_calls(
        GeneratorConfig(data_type=DataType.tool_call, count=3, seed=4)
    )
    assert bogus == default


@pytest.mark.parametrize("data_type", list(DataType))
def test_every_documented_key_is_accepted_in_silence(data_type: DataType) -> None:
    known = CONSTRAINT_KEYS[data_type.value]
    assert unknown_constraints(data_type, dict.fromkeys(known)) == []
    assert unknown_constraints(data_type, {"nope": 1}) == ["nope"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        DataGenerator().generate(GeneratorConfig(data_type=data_type, count=1, seed=1))


def test_the_cli_prints_warnings_on_stderr_and_still_writes() -> None:
    result = ferrosynth_cli("generate", "-t", "text", "-n", "2", "-s", "1", "-c", "max_sentence=1")
    assert result.returncode == 0, result.stderr
    assert len(jsonl(result.stdout)) == 2
    lines = result.stderr.decode().splitlines()
    assert [line for line in lines if line.startswith("warning: ")] == [
        next(line for line in lines if "max_sentence" in line)
    ]
    assert "Traceback" not in result.stderr.decode()


@pytest.mark.parametrize(
    "constraint",
    ["template=code_asistant", "max_sentence=1", "tool=bogus"],
)
def test_strict_turns_warnings_into_errors(constraint: str) -> None:
    data_type = {"template": "conversation", "max_sentence": "text", "tool": "tool_call"}[
        constraint.split("=")[0]
    ]
    result = ferrosynth_cli(
        "generate", "-t", data_type, "-n", "2", "-s", "1", "-c", constraint, "--strict"
    )
    assert result.returncode == 2
    assert result.stdout == b""
    stderr = result.stderr.decode()
    assert stderr.startswith("error: constraints."), stderr
    assert "Traceback" not in stderr


def test_a_drawn_seed_is_printed_on_stderr_and_repeats_the_run() -> None:
    first = ferrosynth_cli("generate", "-t", "text", "-n", "3")
    assert first.returncode == 0, first.stderr
    match = re.search(
        r"^seed: (\d+) \(drawn; pass --seed \1 to repeat\)$", first.stderr.decode(), re.MULTILINE
    )
    assert match, first.stderr
    again = ferrosynth_cli("generate", "-t", "text", "-n", "3", "--seed", match.group(1))
    assert again.stdout == first.stdout
    assert b"seed:" not in again.stderr  # a given seed is not "drawn"
