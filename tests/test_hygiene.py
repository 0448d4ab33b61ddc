"""Library hygiene: silent import, a named logger that never configures logging, no network.

Each check runs in a fresh interpreter, so that the import itself is what is observed.
"""

from __future__ import annotations

import inspect
import logging
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import ferrosynth
import ferrosynth.errors
from ferrosynth import DataGenerator, DataType, FerrosynthWarning, GeneratorConfig

MODULES = (
    "ferrosynth",
    "ferrosynth.cli",
    "ferrosynth.core",
    "ferrosynth.errors",
    "ferrosynth.io.jsonl",
    "ferrosynth.locales",
    "ferrosynth.models",
    "ferrosynth.pytest_plugin",
    "ferrosynth.templates",
)
DOCS = Path(__file__).resolve().parent.parent / "docs"


def run_python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter (``-X dev``: every warning shown) inside ``tmp_path``."""
    return subprocess.run(
        [sys.executable, "-X", "dev", "-W", "default", "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )


def test_importing_every_module_prints_nothing(tmp_path: Path) -> None:
    result = run_python(f"import {', '.join(MODULES)}", tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_the_named_logger_has_a_null_handler_and_the_root_logger_is_untouched(
    tmp_path: Path,
) -> None:
    code = """
        import logging
        root = logging.getLogger()
        before = (list(root.handlers), root.level)
        import ferrosynth
        from ferrosynth import DataGenerator, DataType, GeneratorConfig
        # An unknown template logs a warning: with only the NullHandler on our logger, the
        # message must not reach stderr through logging's last-resort handler either. (Its
        # FerrosynthWarning goes through `warnings`, silenced here to watch logging alone.)
        import warnings
        warnings.simplefilter("ignore", ferrosynth.FerrosynthWarning)
        DataGenerator().generate(GeneratorConfig(
            data_type=DataType.conversation, count=1, seed=1, constraints={"template": "nope"}))
        log = logging.getLogger("ferrosynth")
        assert (list(root.handlers), root.level) == before, (root.handlers, root.level)
        assert [type(h).__name__ for h in log.handlers] == ["NullHandler"], log.handlers
        assert log.level == logging.NOTSET and log.propagate
        print("ok")
    """
    result = run_python(code, tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "ok\n", "")


def test_warnings_reach_the_application_through_propagation(
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = GeneratorConfig(
        data_type=DataType.tool_call, count=1, seed=1, constraints={"tool": "nope"}
    )
    with (
        caplog.at_level(logging.WARNING, logger="ferrosynth"),
        pytest.warns(FerrosynthWarning, match="unknown tool template 'nope'; using 'search'"),
    ):
        DataGenerator().generate(config)
    assert [(r.name, r.levelname) for r in caplog.records] == [("ferrosynth", "WARNING")]
    assert "unknown tool template 'nope'" in caplog.records[0].getMessage()


# Replaces every way to open a connection before ferrosynth is imported. Subclassing keeps
# `socket.socket` a class, so modules that subclass it at import time (ssl) still import.
NO_NETWORK = """
    import socket

    class NetworkAccess(RuntimeError):
        pass

    def refuse(*args, **kwargs):
        raise NetworkAccess(f"network access attempted: {args!r}")

    class RefusedSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            refuse(*args)

    socket.socket = RefusedSocket
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    socket.gethostbyname = refuse
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    except NetworkAccess:
        pass
    else:
        raise SystemExit("the socket patch is not in force")
"""


def test_no_network_access_at_import_or_run_time(tmp_path: Path) -> None:
    code = (
        textwrap.dedent(NO_NETWORK)
        + """
import orjson
from faker import Faker
import ferrosynth.pytest_plugin
from ferrosynth import DataGenerator, DataType, GeneratorConfig, SchemaBasedGenerator
from ferrosynth.cli import main

gen = DataGenerator()
for data_type in DataType:
    config = GeneratorConfig(data_type=data_type, count=200, seed=3)
    assert len(gen.generate(config).samples) == 200
    assert b"".join(gen.iter_jsonl(config, batch_size=64)).count(b"\\n") == 200
report = gen.write(GeneratorConfig(data_type=DataType.agent_trace, count=5000, seed=1), "t.jsonl")
assert report.bytes_written > 0
schema = {"type": "object", "properties": {"e": {"type": "string", "format": "email"}}}
assert len(SchemaBasedGenerator().from_schema(schema, 10, seed=1)) == 10
DataGenerator(Faker("de_DE")).generate(GeneratorConfig(data_type=DataType.json, count=5, seed=1))
try:
    main(["generate", "--type", "tool_call", "--count", "300", "--seed", "2", "-o", "c.jsonl"])
except SystemExit as exit:
    assert exit.code == 0, exit.code
print("ok")
"""
    )
    result = run_python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("ok\n")
    assert "network access attempted" not in result.stderr
    assert (tmp_path / "c.jsonl").read_bytes().count(b"\n") == 300


def test_every_public_error_derives_from_ferrosynth_error() -> None:
    classes = {
        name: obj
        for name, obj in vars(ferrosynth.errors).items()
        if inspect.isclass(obj) and issubclass(obj, BaseException)
    }
    assert set(classes) == set(ferrosynth.errors.__all__)
    for name, cls in classes.items():
        assert issubclass(cls, ferrosynth.FerrosynthError), name
        assert getattr(ferrosynth, name) is cls  # re-exported from the top level
    # Input errors are ValueErrors (drop-in with code that caught them), output errors OSErrors.
    for name in ("ConfigError", "SchemaError", "TemplateError"):
        assert issubclass(classes[name], ValueError)
    assert issubclass(classes["OutputError"], OSError)


def test_the_error_hierarchy_is_documented_in_the_reference() -> None:
    page = (DOCS / "reference" / "errors.md").read_text(encoding="utf-8")
    tree = page.split("```text", 1)[1].split("```", 1)[0]  # the hierarchy, drawn
    for name in ferrosynth.errors.__all__:
        assert re.search(rf"(──|^) ?{name}\b", tree, re.MULTILINE), name
    assert "::: ferrosynth.errors" in page  # the classes' docstrings, rendered by mkdocstrings
