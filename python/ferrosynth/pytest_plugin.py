"""pytest plugin: a ``ferrosynth`` fixture that hands each test reproducibly seeded data.

Installed with the package and registered through the ``pytest11`` entry point, so any test can
ask for it (disable with ``-p no:ferrosynth``)::

    def test_parser_accepts_tool_calls(ferrosynth):
        for call in ferrosynth.generate("tool_call", count=20):
            assert parse(call["function"]["arguments"])

The seed is derived from the test's node id (``tests/test_x.py::test_parser[case1]``), so a test
gets the same data on every run and on every machine, and two tests get different data. When a
test that used the fixture fails, its seed is printed in a ``ferrosynth`` section of the failure
report. ``--ferrosynth-seed=N`` (or the ``FERROSYNTH_SEED`` environment variable; the option wins)
seeds every test with ``N`` instead — rerun one failing test with the seed it printed — and
``--ferrosynth-seed=random`` draws a fresh seed per test, for a run that explores.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

import pytest

from ferrosynth.core import DataGenerator
from ferrosynth.models import DataType, GeneratorConfig, SyntheticDataset

__all__ = ["ENV_VAR", "FerrosynthFixture", "seed_for"]

#: The environment variable that overrides every fixture's seed (``--ferrosynth-seed`` wins).
ENV_VAR: Final = "FERROSYNTH_SEED"

SeedSource = Literal["node id", "--ferrosynth-seed", "FERROSYNTH_SEED"]


@dataclass(frozen=True)
class _Seeding:
    """How this session seeds fixtures, parsed once at configure time."""

    mode: Literal["node id", "fixed", "random"]
    source: SeedSource
    fixed: int = 0

    def seed(self, nodeid: str) -> int:
        if self.mode == "fixed":
            return self.fixed
        if self.mode == "random":
            return secrets.randbits(63)
        return seed_for(nodeid)


_DEFAULT = _Seeding("node id", "node id")
_SEEDING = pytest.StashKey[_Seeding]()
_FIXTURE = pytest.StashKey["FerrosynthFixture"]()


def seed_for(nodeid: str) -> int:
    """The seed of the test ``nodeid``: the first 63 bits of its SHA-256.

    Stable across runs, machines and Python versions (no ``hash()``), non-negative.

        >>> seed_for("tests/test_api.py::test_parse")
        6060950029215517304
    """
    digest = hashlib.sha256(nodeid.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") >> 1


class FerrosynthFixture:
    """What the ``ferrosynth`` fixture hands a test: a generator bound to the test's seed.

    Every call uses :attr:`seed` unless told otherwise, so the same call twice returns the same
    data; ask for more samples, or another ``start``, for different ones.
    """

    def __init__(self, seed: int, nodeid: str, source: SeedSource) -> None:
        #: The seed every call uses (print it, or pass it to ``--ferrosynth-seed``).
        self.seed = seed
        #: The node id of the test the fixture belongs to.
        self.nodeid = nodeid
        #: Where the seed came from: ``"node id"``, ``"--ferrosynth-seed"`` or ``ENV_VAR``.
        self.source: SeedSource = source
        self._generator: DataGenerator | None = None

    @property
    def generator(self) -> DataGenerator:
        """The underlying :class:`~ferrosynth.DataGenerator` (default locale and anchor time)."""
        if self._generator is None:
            self._generator = DataGenerator()
        return self._generator

    def config(
        self,
        data_type: DataType | str,
        count: int = 10,
        *,
        schema: Mapping[str, object] | None = None,
        **constraints: object,
    ) -> GeneratorConfig:
        """A :class:`~ferrosynth.GeneratorConfig` seeded with :attr:`seed`.

        ``data_type`` is a :class:`~ferrosynth.DataType` or its value (``"tool_call"``);
        keyword arguments become ``constraints`` (``template="code_assistant"``).
        """
        return GeneratorConfig(
            data_type=DataType(data_type),
            count=count,
            seed=self.seed,
            schema=dict(schema) if schema is not None else None,
            constraints=constraints,
        )

    def dataset(
        self,
        data_type: DataType | str,
        count: int = 10,
        *,
        schema: Mapping[str, object] | None = None,
        start: int = 0,
        **constraints: object,
    ) -> SyntheticDataset:
        """Samples ``start .. start + count`` as a :class:`~ferrosynth.SyntheticDataset`."""
        config = self.config(data_type, count, schema=schema, **constraints)
        return self.generator.generate(config, start=start)

    def generate(
        self,
        data_type: DataType | str,
        count: int = 10,
        *,
        schema: Mapping[str, object] | None = None,
        **constraints: object,
    ) -> list[Any]:
        """``count`` values, shaped as ``DataGenerator.generate_<type>`` returns them.

        Strings for ``text``, records for ``json`` (conforming to ``schema`` when given), lists
        of :class:`~ferrosynth.ConversationTurn` for ``conversation``, dicts for ``tool_call``
        and ``agent_trace``.
        """
        config = self.config(data_type, count, schema=schema, **constraints)
        return self.generator.generate_values(config)

    def describe(self) -> str:
        """The line printed when the test fails: the seed, its source and how to rerun."""
        return (
            f"ferrosynth seed: {self.seed} (from {self.source}); reproduce with "
            f"--ferrosynth-seed={self.seed} or {ENV_VAR}={self.seed}"
        )

    def __repr__(self) -> str:
        return f"<FerrosynthFixture seed={self.seed} source={self.source!r} test={self.nodeid!r}>"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ferrosynth", "ferrosynth synthetic data")
    group.addoption(
        "--ferrosynth-seed",
        dest="ferrosynth_seed",
        default=None,
        metavar="SEED",
        help=(
            "Seed every `ferrosynth` fixture with SEED (an integer) instead of the seed derived "
            "from the test's node id; 'random' draws a fresh seed per test. "
            f"Default: ${ENV_VAR}, else the node id."
        ),
    )


def _parse(raw: str, source: SeedSource) -> _Seeding:
    text = raw.strip()
    if text.lower() == "random":
        return _Seeding("random", source)
    try:
        return _Seeding("fixed", source, int(text))
    except ValueError:
        raise pytest.UsageError(f"{source} must be an integer or 'random', got {raw!r}") from None


def pytest_configure(config: pytest.Config) -> None:
    option: str | None = config.getoption("ferrosynth_seed", default=None)
    env = os.environ.get(ENV_VAR, "")
    if option is not None:
        config.stash[_SEEDING] = _parse(option, "--ferrosynth-seed")
    elif env.strip():
        config.stash[_SEEDING] = _parse(env, ENV_VAR)
    else:
        config.stash[_SEEDING] = _DEFAULT


def pytest_report_header(config: pytest.Config) -> str | None:
    seeding = config.stash.get(_SEEDING, _DEFAULT)
    if seeding.mode == "node id":
        return None  # the default says nothing: no noise in every project that has us installed
    what = seeding.fixed if seeding.mode == "fixed" else "random"
    return f"ferrosynth: seed {what} for every test (from {seeding.source})"


@pytest.fixture
def ferrosynth(request: pytest.FixtureRequest) -> FerrosynthFixture:
    """A :class:`FerrosynthFixture` seeded from this test's node id (see the module docs)."""
    seeding = request.config.stash.get(_SEEDING, _DEFAULT)
    nodeid: str = request.node.nodeid
    fixture = FerrosynthFixture(seeding.seed(nodeid), nodeid, seeding.source)
    request.node.stash[_FIXTURE] = fixture
    request.node.user_properties.append(("ferrosynth_seed", fixture.seed))  # lands in --junitxml
    return fixture


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    fixture = item.stash.get(_FIXTURE, None)
    if fixture is not None and report.failed:
        report.sections.append(("ferrosynth", fixture.describe()))
