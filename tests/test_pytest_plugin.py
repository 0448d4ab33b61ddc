"""The ``ferrosynth`` pytest fixture, exercised in inner pytest sessions (``pytester``).

The inner sessions load the plugin the way users get it: through the ``pytest11`` entry point
of the installed package, not through ``-p``.
"""

from __future__ import annotations

import json
import re
from importlib.metadata import entry_points
from pathlib import Path

import jsonschema
import pytest

from ferrosynth import ConversationTurn, DataGenerator, DataType, GeneratorConfig
from ferrosynth.pytest_plugin import ENV_VAR, FerrosynthFixture, seed_for

pytest_plugins = ("pytester",)

# An inner test module that records, per test, the seed and the data it was handed.
RECORDING_TESTS = """
import json, os

def record(ferrosynth, name):
    calls = ferrosynth.generate("tool_call", count=3)
    with open(os.environ["RECORD_TO"], "a") as f:
        f.write(json.dumps({"test": name, "seed": ferrosynth.seed, "source": ferrosynth.source,
                            "nodeid": ferrosynth.nodeid, "calls": calls}) + "\\n")

def test_a(ferrosynth):
    record(ferrosynth, "a")

def test_b(ferrosynth):
    record(ferrosynth, "b")
"""


@pytest.fixture
def records(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file the inner tests append their records to (``RECORD_TO``)."""
    monkeypatch.delenv(ENV_VAR, raising=False)
    path = pytester.path / "records.jsonl"
    monkeypatch.setenv("RECORD_TO", str(path))
    return path


def read_records(path: Path) -> dict[str, dict[str, object]]:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    path.unlink()
    return {row["test"]: row for row in rows}


def tool_calls(seed: int, count: int = 3) -> list[dict[str, object]]:
    config = GeneratorConfig(data_type=DataType.tool_call, count=count, seed=seed)
    return DataGenerator().generate_tool_calls(config)


def test_the_plugin_is_registered_through_the_pytest11_entry_point() -> None:
    found = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert found.get("ferrosynth") == "ferrosynth.pytest_plugin"


def test_seed_for_is_a_stable_63_bit_hash_of_the_node_id() -> None:
    assert seed_for("tests/test_api.py::test_parse") == 6060950029215517304
    seeds = {seed_for(f"t.py::test[{i}]") for i in range(1000)}
    assert len(seeds) == 1000
    assert all(0 <= s < 2**63 for s in seeds)


def test_each_test_gets_the_seed_of_its_node_id_on_every_run(
    pytester: pytest.Pytester, records: Path
) -> None:
    pytester.makepyfile(test_rec=RECORDING_TESTS)
    pytester.runpytest().assert_outcomes(passed=2)
    first = read_records(records)
    pytester.runpytest().assert_outcomes(passed=2)
    second = read_records(records)

    assert first == second
    for name in ("a", "b"):
        row = first[name]
        assert row["nodeid"] == f"test_rec.py::test_{name}"
        assert row["seed"] == seed_for(f"test_rec.py::test_{name}")
        assert row["source"] == "node id"
        # The fixture's data is exactly DataGenerator's for that seed.
        assert row["calls"] == tool_calls(seed_for(f"test_rec.py::test_{name}"))
    assert first["a"]["seed"] != first["b"]["seed"]
    assert first["a"]["calls"] != first["b"]["calls"]


def test_parametrized_cases_get_different_seeds(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_param="""
        import pytest
        from ferrosynth.pytest_plugin import seed_for

        @pytest.mark.parametrize("case", [1, 2])
        def test_p(ferrosynth, case):
            assert ferrosynth.seed == seed_for(f"test_param.py::test_p[{case}]")
            assert ferrosynth.seed != seed_for(f"test_param.py::test_p[{3 - case}]")
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_a_failing_test_prints_its_seed_and_how_to_reproduce(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_fail="""
        def test_fails(ferrosynth):
            ferrosynth.generate("text", count=1)
            assert False, "boom"

        def test_passes(ferrosynth):
            pass

        def test_fails_without_fixture():
            assert False, "no fixture here"
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=2)
    seed = seed_for("test_fail.py::test_fails")
    result.stdout.fnmatch_lines(
        [
            "*_ test_fails _*",
            "*- ferrosynth -*",
            f"ferrosynth seed: {seed} (from node id); reproduce with "
            f"--ferrosynth-seed={seed} or FERROSYNTH_SEED={seed}",
            "*_ test_fails_without_fixture _*",
        ]
    )
    out = result.stdout.str()
    # Only the failing test that used the fixture gets the section.
    assert out.count("ferrosynth seed:") == 1
    assert str(seed_for("test_fail.py::test_passes")) not in out


def test_the_printed_seed_reproduces_the_failing_data(
    pytester: pytest.Pytester, records: Path
) -> None:
    pytester.makepyfile(
        test_repro="""
        import json, os

        def test_flaky(ferrosynth):
            calls = ferrosynth.generate("tool_call", count=3)
            with open(os.environ["RECORD_TO"], "a") as f:
                f.write(json.dumps({"test": "flaky", "calls": calls}) + "\\n")
            assert False
        """
    )
    first = pytester.runpytest("--ferrosynth-seed=random")
    first.assert_outcomes(failed=1)
    match = re.search(r"ferrosynth seed: (\d+) \(from --ferrosynth-seed\)", first.stdout.str())
    assert match is not None, first.stdout.str()
    printed = int(match.group(1))
    failing_calls = read_records(records)["flaky"]["calls"]

    pytester.runpytest(f"--ferrosynth-seed={printed}").assert_outcomes(failed=1)
    assert read_records(records)["flaky"]["calls"] == failing_calls == tool_calls(printed)


def test_the_option_seeds_every_test_and_says_so_in_the_header(
    pytester: pytest.Pytester, records: Path
) -> None:
    pytester.makepyfile(test_rec=RECORDING_TESTS)
    result = pytester.runpytest("--ferrosynth-seed=123")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["ferrosynth: seed 123 for every test (from --ferrosynth-seed)"])
    rows = read_records(records)
    assert [rows[n]["seed"] for n in ("a", "b")] == [123, 123]
    assert rows["a"]["source"] == "--ferrosynth-seed"
    assert rows["a"]["calls"] == rows["b"]["calls"] == tool_calls(123)


def test_the_default_run_prints_no_header_line(pytester: pytest.Pytester, records: Path) -> None:
    pytester.makepyfile(test_rec=RECORDING_TESTS)
    result = pytester.runpytest()
    result.assert_outcomes(passed=2)
    assert "ferrosynth:" not in result.stdout.str()


def test_the_environment_variable_seeds_every_test_and_the_option_wins(
    pytester: pytest.Pytester, records: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_rec=RECORDING_TESTS)
    monkeypatch.setenv(ENV_VAR, " 77 ")
    pytester.runpytest().assert_outcomes(passed=2)
    rows = read_records(records)
    assert (rows["a"]["seed"], rows["a"]["source"]) == (77, "FERROSYNTH_SEED")
    assert rows["b"]["calls"] == tool_calls(77)

    pytester.runpytest("--ferrosynth-seed", "-5").assert_outcomes(passed=2)
    rows = read_records(records)
    assert (rows["a"]["seed"], rows["a"]["source"]) == (-5, "--ferrosynth-seed")

    monkeypatch.setenv(ENV_VAR, "")  # empty means unset
    pytester.runpytest().assert_outcomes(passed=2)
    assert read_records(records)["a"]["seed"] == seed_for("test_rec.py::test_a")


def test_random_draws_a_different_seed_per_test_and_per_run(
    pytester: pytest.Pytester, records: Path
) -> None:
    pytester.makepyfile(test_rec=RECORDING_TESTS)
    pytester.runpytest("--ferrosynth-seed=RANDOM").assert_outcomes(passed=2)
    first = read_records(records)
    pytester.runpytest("--ferrosynth-seed=random").assert_outcomes(passed=2)
    second = read_records(records)
    seeds = {first["a"]["seed"], first["b"]["seed"], second["a"]["seed"], second["b"]["seed"]}
    assert len(seeds) == 4
    assert first["a"]["calls"] == tool_calls(int(first["a"]["seed"]))  # type: ignore[call-overload]


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (
            ["--ferrosynth-seed=abc"],
            "",
            "--ferrosynth-seed must be an integer or 'random', got 'abc'",
        ),
        ([], "1.5", "FERROSYNTH_SEED must be an integer or 'random', got '1.5'"),
    ],
)
def test_a_bad_seed_is_a_usage_error_naming_its_source(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: str,
    message: str,
) -> None:
    monkeypatch.setenv(ENV_VAR, env)
    pytester.makepyfile(test_x="def test_x(ferrosynth): pass")
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert message in result.stderr.str()


def test_the_plugin_can_be_disabled_by_its_entry_point_name(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_x="def test_x(ferrosynth): pass")
    result = pytester.runpytest("-p", "no:ferrosynth")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'ferrosynth' not found*"])


def test_the_seed_is_recorded_in_junit_xml(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_x="def test_x(ferrosynth): pass")
    pytester.runpytest("--junitxml=report.xml", "--ferrosynth-seed=9").assert_outcomes(passed=1)
    xml = (pytester.path / "report.xml").read_text()
    assert '<property name="ferrosynth_seed" value="9" />' in xml


# -- the fixture object, used directly ----------------------------------------------------------


def test_fixture_generate_returns_the_typed_values(ferrosynth: FerrosynthFixture) -> None:
    texts = ferrosynth.generate("text", count=4, min_sentences=2, max_sentences=2)
    assert len(texts) == 4
    assert all(isinstance(t, str) and t.count(". ") == 1 for t in texts)

    chats = ferrosynth.generate(DataType.conversation, count=2, template="code_assistant")
    assert all(isinstance(turn, ConversationTurn) for chat in chats for turn in chat)
    expected = DataGenerator().generate_conversations(
        GeneratorConfig(
            data_type=DataType.conversation,
            count=2,
            seed=ferrosynth.seed,
            constraints={"template": "code_assistant"},
        )
    )
    assert chats == expected


def test_fixture_records_conform_to_the_schema(ferrosynth: FerrosynthFixture) -> None:
    schema = {
        "type": "object",
        "properties": {"n": {"type": "integer", "minimum": 3, "maximum": 9}},
        "required": ["n"],
        "additionalProperties": False,
    }
    records = ferrosynth.generate("json", count=50, schema=schema)
    for record in records:
        jsonschema.validate(record, schema)
    assert records == ferrosynth.generate("json", count=50, schema=schema)


def test_fixture_dataset_and_config(
    ferrosynth: FerrosynthFixture, request: pytest.FixtureRequest
) -> None:
    assert ferrosynth.seed == seed_for(request.node.nodeid) or ferrosynth.source != "node id"
    config = ferrosynth.config("agent_trace", 5, tool="email")
    assert config.seed == ferrosynth.seed
    assert config.constraints == {"tool": "email"}
    assert config.data_type is DataType.agent_trace
    full = ferrosynth.dataset("agent_trace", 6)
    window = ferrosynth.dataset("agent_trace", 1, start=5)
    assert window.samples == full.samples[5:]
    assert full.metadata["seed"] == ferrosynth.seed
    assert f"seed={ferrosynth.seed}" in repr(ferrosynth)


def test_fixture_rejects_an_unknown_data_type(ferrosynth: FerrosynthFixture) -> None:
    with pytest.raises(ValueError, match="'tabular' is not a valid DataType"):
        ferrosynth.generate("tabular")
