"""The ``ferrosynth`` command, run as a real subprocess against the built extension."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from pydantic import BaseModel, Field, ValidationError

import ferrosynth
from ferrosynth.cli import _describe, _parse_constraints
from ferrosynth.templates import CONVERSATION_TEMPLATES, TOOL_CALL_TEMPLATES

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
SUMMARY = re.compile(r"^wrote (\d+) samples to (.+) in \d+ ms \(seed (\d+)\)$")


def ferrosynth_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "ferrosynth.cli", *args],
        capture_output=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )


def jsonl(data: bytes) -> list[dict[str, object]]:
    assert data.endswith(b"\n")
    rows = [json.loads(line) for line in data.decode("utf-8").splitlines()]
    assert all(isinstance(row, dict) for row in rows)
    return rows


def test_version() -> None:
    result = ferrosynth_cli("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == f"ferrosynth {ferrosynth.__version__}\n"


def test_no_arguments_shows_help() -> None:
    result = ferrosynth_cli()
    assert b"Usage" in result.stdout + result.stderr
    assert b"generate" in result.stdout + result.stderr
    assert b"Traceback" not in result.stderr


def test_generate_defaults_to_ten_records_on_stdout() -> None:
    result = ferrosynth_cli("generate", "-t", "json", "--seed", "1")
    assert result.returncode == 0, result.stderr
    assert len(jsonl(result.stdout)) == 10
    assert result.stderr == b""


@pytest.mark.parametrize("data_type", [member.value for member in ferrosynth.DataType])
def test_every_type_writes_parseable_jsonl(data_type: str) -> None:
    result = ferrosynth_cli("generate", "--type", data_type, "--count", "7", "--seed", "3")
    assert result.returncode == 0, result.stderr
    assert len(jsonl(result.stdout)) == 7


def test_same_seed_same_bytes_different_seed_different_bytes() -> None:
    first = ferrosynth_cli("generate", "-t", "conversation", "-n", "20", "--seed", "42").stdout
    again = ferrosynth_cli("generate", "-t", "conversation", "-n", "20", "--seed", "42").stdout
    other = ferrosynth_cli("generate", "-t", "conversation", "-n", "20", "--seed", "43").stdout
    assert first
    assert first == again
    assert first != other


def test_output_file_matches_stdout_and_reports_on_stderr(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    written = ferrosynth_cli(
        "generate", "-t", "json", "-n", "25", "--seed", "9", "--output", str(target)
    )
    assert written.returncode == 0, written.stderr
    assert written.stdout == b""
    lines = written.stderr.decode().splitlines()
    assert len(lines) == 1
    match = SUMMARY.match(lines[0])
    assert match, lines[0]
    assert match.group(1) == "25"
    assert Path(match.group(2)).name == "out.jsonl"
    assert match.group(3) == "9"
    streamed = ferrosynth_cli("generate", "-t", "json", "-n", "25", "--seed", "9")
    assert target.read_bytes() == streamed.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_unseeded_run_reports_a_seed_that_reproduces_it(tmp_path: Path) -> None:
    first = ferrosynth_cli("generate", "-t", "json", "-n", "5", "-o", str(tmp_path / "a.jsonl"))
    assert first.returncode == 0, first.stderr
    match = SUMMARY.match(first.stderr.decode().strip())
    assert match, first.stderr
    again = ferrosynth_cli("generate", "-t", "json", "-n", "5", "--seed", match.group(3))
    assert again.stdout == (tmp_path / "a.jsonl").read_bytes()


def test_workers_do_not_change_the_bytes(tmp_path: Path) -> None:
    for workers in ("1", "2"):
        args = ("generate", "-t", "agent_trace", "-n", "300", "-s", "5", "-w", workers)
        result = ferrosynth_cli(*args, "-o", str(tmp_path / f"w{workers}.jsonl"))
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "w1.jsonl").read_bytes() == (tmp_path / "w2.jsonl").read_bytes()


def test_large_file_run_keeps_stderr_to_the_summary_when_not_a_tty(tmp_path: Path) -> None:
    target = tmp_path / "big.jsonl"
    result = ferrosynth_cli("generate", "-t", "text", "-n", "100000", "-s", "1", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert len(result.stderr.decode().splitlines()) == 1
    assert target.read_bytes().count(b"\n") == 100_000


@pytest.mark.parametrize(("count", "bar"), [(99_999, False), (100_000, True)])
def test_progress_bar_on_a_terminal_for_large_files(tmp_path: Path, count: int, bar: bool) -> None:
    target = tmp_path / "big.jsonl"
    result = ferrosynth_cli(
        "generate", "-t", "text", "-n", str(count), "-s", "1", "-o", str(target),
        env={"TTY_COMPATIBLE": "1"},  # rich then treats stderr as a terminal
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == b""
    stderr = result.stderr.decode()
    last_line = ANSI_ESCAPE.sub("", stderr.splitlines()[-1])  # the bar erases itself
    assert SUMMARY.match(last_line), stderr[-200:]
    assert (f"/{count}" in stderr) is bar
    assert target.read_bytes().count(b"\n") == count


def test_unknown_output_extension_is_an_error(tmp_path: Path) -> None:
    result = ferrosynth_cli("generate", "-t", "json", "-o", "out.txt", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.decode().startswith("error: ")
    assert result.stderr.count(b"\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_conversation_template_constraint() -> None:
    args = ("generate", "-t", "conversation", "-n", "4", "-s", "2", "-c", "template=code_assistant")
    result = ferrosynth_cli(*args)
    assert result.returncode == 0, result.stderr
    expected = [turn["role"] for turn in CONVERSATION_TEMPLATES["code_assistant"]]
    for row in jsonl(result.stdout):
        turns = row["turns"]
        assert isinstance(turns, list)
        assert [turn["role"] for turn in turns] == expected


def test_tool_call_constraint() -> None:
    result = ferrosynth_cli("generate", "-t", "tool_call", "-n", "4", "-s", "2", "-c", "tool=email")
    assert result.returncode == 0, result.stderr
    parameters = TOOL_CALL_TEMPLATES["email"]["parameters"]
    validator = Draft202012Validator(parameters)
    for row in jsonl(result.stdout):
        function = row["function"]
        assert isinstance(function, dict)
        assert function["name"] == "send_email"
        arguments = function["arguments"]
        validator.validate(json.loads(arguments) if isinstance(arguments, str) else arguments)


def test_schema_file(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "score": {"type": "number", "minimum": 0, "maximum": 1},
            "label": {"type": "string", "enum": ["positive", "negative"]},
        },
        "required": ["id", "score", "label"],
    }
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(schema), encoding="utf-8")
    result = ferrosynth_cli("generate", "--schema", str(path), "-n", "50", "-s", "4")
    assert result.returncode == 0, result.stderr
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    rows = jsonl(result.stdout)
    assert len(rows) == 50
    for row in rows:
        record = {key: value for key, value in row.items() if key in schema["properties"]}
        validator.validate(record)


def _bad_schema_files(tmp_path: Path) -> dict[str, Path]:
    files = {
        "not_json.json": "{not json",
        "array.json": "[1, 2]",
        "bad_type.json": json.dumps(
            {"type": "object", "properties": {"x": {"type": "no-such-type"}}}
        ),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "a_directory.json").mkdir()
    return {name: tmp_path / name for name in [*files, "a_directory.json"]}


BAD_INPUTS = {
    "unknown type": ["--type", "nope"],
    "zero count": ["-t", "json", "--count", "0"],
    "negative count": ["-t", "json", "--count", "-5"],
    "count not a number": ["-t", "json", "--count", "many"],
    "zero workers": ["-t", "json", "--workers", "0"],
    "missing schema": ["--schema", "missing.json"],
    "schema is a directory": ["--schema", "a_directory.json"],
    "schema not json": ["--schema", "not_json.json"],
    "schema not an object": ["--schema", "array.json"],
    "invalid schema": ["--schema", "bad_type.json"],
    "constraint without =": ["-t", "conversation", "--constraint", "template"],
    "constraint without key": ["-t", "conversation", "--constraint", "=3"],
    "unknown option": ["-t", "json", "--colour", "red"],
    "no type": ["--count", "3"],
}


@pytest.mark.parametrize("args", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_is_one_line_exit_2_and_leaves_no_file(tmp_path: Path, args: list[str]) -> None:
    _bad_schema_files(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = ferrosynth_cli("generate", *args, "--output", "out.jsonl", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    stderr = result.stderr.decode()
    assert stderr.startswith("error: "), stderr
    assert stderr.count("\n") == 1, stderr
    assert stderr.endswith("\n")
    assert "Traceback" not in stderr
    assert result.stdout == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_bad_input_messages_say_what_is_wrong(tmp_path: Path) -> None:
    zero = ferrosynth_cli("generate", "-t", "json", "--count", "0").stderr.decode()
    assert zero == "error: --count must be > 0, got 0\n"
    unknown = ferrosynth_cli("generate", "--type", "nope").stderr.decode()
    for member in ferrosynth.DataType:
        assert member.value in unknown
    missing = ferrosynth_cli("generate", "--schema", str(tmp_path / "missing.json"))
    assert "missing.json" in missing.stderr.decode()
    no_type = ferrosynth_cli("generate", "--count", "3").stderr.decode()
    types = ", ".join(member.value for member in ferrosynth.DataType)
    assert no_type == f"error: missing option --type: one of {types}\n"


def test_output_into_missing_directory_is_an_error(tmp_path: Path) -> None:
    result = ferrosynth_cli(
        "generate", "-t", "json", "-o", str(tmp_path / "no" / "such" / "dir.jsonl")
    )
    assert result.returncode == 2
    assert result.stderr.decode().startswith("error: ")
    assert result.stderr.count(b"\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_closed_pipe_is_not_a_traceback() -> None:
    with subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ferrosynth.cli",
            "generate",
            "-t",
            "json",
            "-n",
            "500000",
            "-s",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        assert process.stdout.read(100)
        process.stdout.close()
        stderr = process.stderr.read()
        process.wait(timeout=120)
    assert b"Traceback" not in stderr
    assert b"Exception ignored" not in stderr


def test_templates_without_list_or_category_says_which_to_give() -> None:
    result = ferrosynth_cli("templates")
    assert result.returncode == 2
    assert (
        result.stderr.decode() == "error: specify --list or --category {conversation,tool_call}\n"
    )
    assert result.stdout == b""


def test_templates_lists_everything() -> None:
    result = ferrosynth_cli("templates", "--list")
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    for name, turns in CONVERSATION_TEMPLATES.items():
        line = next(line for line in text.splitlines() if line.split()[:1] == [name])
        assert f"{len(turns)} turns" in line
        assert ", ".join(str(turn["role"]) for turn in turns) in line
    for key, spec in TOOL_CALL_TEMPLATES.items():
        line = next(line for line in text.splitlines() if line.split()[:1] == [key])
        assert str(spec["name"]) in line
        assert str(spec["description"]) in line


def test_templates_by_category() -> None:
    conversation = ferrosynth_cli("templates", "--category", "conversation").stdout.decode()
    assert "customer_support" in conversation
    assert "web_search" not in conversation
    tools = ferrosynth_cli("templates", "--category", "tool_call").stdout.decode()
    assert "web_search" in tools
    assert "customer_support" not in tools


def test_templates_bad_category() -> None:
    result = ferrosynth_cli("templates", "--category", "persona")
    assert result.returncode == 2
    stderr = result.stderr.decode()
    assert stderr.startswith("error: ")
    assert stderr.count("\n") == 1
    assert "conversation" in stderr
    assert "tool_call" in stderr
    assert result.stdout == b""


def test_constraint_values_are_json_when_they_parse() -> None:
    parsed = _parse_constraints(
        ["max_sentences=3", "template=code_assistant", "flag=true", 'quoted="7"', "eq=a=b", "x="]
    )
    assert parsed == {
        "max_sentences": 3,
        "template": "code_assistant",
        "flag": True,
        "quoted": "7",
        "eq": "a=b",
        "x": "",
    }


def test_errors_are_described_on_one_line() -> None:
    class Model(BaseModel):
        count: int = Field(gt=0)
        name: str

    with pytest.raises(ValidationError) as caught:
        Model(count=0)  # type: ignore[call-arg]
    described = _describe(caught.value)
    assert "\n" not in described
    assert "count" in described
    assert "name" in described

    error = ferrosynth.FerrosynthError("unsupported type\n'nope'")
    assert "\n" not in _describe(error)
