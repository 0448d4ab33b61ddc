"""Packaging: one version source, what the wheel and the sdist carry, where tests import from.

``.ci/test-installed`` runs the whole suite against a built wheel and a built sdist, installed
into fresh virtual environments, from a copy of ``tests/`` outside the source tree; it sets
``FERROSYNTH_TEST_INSTALLED=1`` and ``FERROSYNTH_SOURCE_ROOT`` (the checkout, for the files that
only it has: Cargo.toml, CHANGELOG.md).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
from importlib import metadata, resources
from pathlib import Path

import pytest

import ferrosynth

INSTALLED = os.environ.get("FERROSYNTH_TEST_INSTALLED") == "1"
SOURCE = Path(os.environ.get("FERROSYNTH_SOURCE_ROOT") or Path(__file__).resolve().parents[1])
PACKAGE_FILES = ("py.typed", "_native.pyi", "data/en_US.json", "data/LICENSE-faker.txt")


def toml_value(name: str, table: str, key: str) -> str:
    """The raw value of ``key`` in ``[table]`` of the TOML file ``name`` (tomllib is 3.11+)."""
    path = SOURCE / name
    assert path.is_file(), f"{path} not found; set FERROSYNTH_SOURCE_ROOT to the checkout"
    text = path.read_text(encoding="utf-8")
    body = re.search(rf"^\[{re.escape(table)}\]\n(.*?)(?=^\[|\Z)", text, re.MULTILINE | re.DOTALL)
    assert body is not None, f"no [{table}] in {name}"
    found = re.search(rf"^{re.escape(key)}\s*=\s*(.+?)\s*$", body.group(1), re.MULTILINE)
    return found.group(1) if found else ""


def cargo_version() -> str:
    return toml_value("Cargo.toml", "workspace.package", "version").strip('"')


def test_the_version_has_one_source_cargo() -> None:
    version = cargo_version()
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), version
    assert ferrosynth.__version__ == version
    assert metadata.version("ferrosynth") == version
    assert toml_value("pyproject.toml", "project", "version") == ""
    assert toml_value("pyproject.toml", "project", "dynamic") == '["version"]'
    for crate in ("ferrosynth-core", "ferrosynth-py"):
        manifest = f"rust/{crate}/Cargo.toml"
        assert toml_value(manifest, "package", "version.workspace") == "true", crate


def test_the_cli_reports_the_same_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "ferrosynth.cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out == f"ferrosynth {cargo_version()}\n"


def test_the_changelog_has_an_entry_for_this_version() -> None:
    changelog = (SOURCE / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(cargo_version())}\]", changelog, re.MULTILINE)


def test_the_licence_is_mit_everywhere() -> None:
    assert (SOURCE / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert toml_value("pyproject.toml", "project", "license") == '{ text = "MIT" }'
    assert toml_value("Cargo.toml", "workspace.package", "license") == '"MIT"'
    assert metadata.metadata("ferrosynth")["License"] == "MIT"


def test_the_package_ships_its_types_and_data() -> None:
    root = resources.files("ferrosynth")
    for name in PACKAGE_FILES:
        assert root.joinpath(name).is_file(), name
    assert metadata.metadata("ferrosynth")["Requires-Python"] == ">=3.10"


def test_the_entry_points_are_registered() -> None:
    dist = metadata.distribution("ferrosynth")
    points = {(ep.group, ep.name): ep.value for ep in dist.entry_points}
    assert points[("console_scripts", "ferrosynth")] == "ferrosynth.cli:main"
    assert points[("pytest11", "ferrosynth")] == "ferrosynth.pytest_plugin"


@pytest.mark.skipif(not INSTALLED, reason="only when .ci/test-installed runs the suite")
def test_the_suite_runs_against_the_installed_package_not_the_source_tree() -> None:
    package = Path(ferrosynth.__file__).resolve().parent
    assert not package.is_relative_to(SOURCE.resolve()), package
    assert package.parent.name in ("site-packages", "dist-packages"), package
    native = Path(ferrosynth._native.__file__).resolve()
    assert native.parent == package
    # The tests themselves were copied out of the checkout, too.
    assert not Path(__file__).resolve().is_relative_to(SOURCE.resolve())
    # A real install, not an editable one (which would point back at the checkout).
    direct_url = metadata.distribution("ferrosynth").read_text("direct_url.json") or ""
    assert '"editable": true' not in direct_url
    recorded = {str(f) for f in metadata.files("ferrosynth") or ()}
    for name in PACKAGE_FILES:
        assert f"ferrosynth/{name}" in recorded, name
    assert any(re.fullmatch(r"ferrosynth/_native\..*(so|pyd)", f) for f in recorded), recorded
    assert not any(f.startswith(("tests/", "rust/")) for f in recorded)


@pytest.mark.skipif(shutil.which("cargo") is None, reason="maturin sdist needs cargo")
def test_the_sdist_holds_everything_needed_to_build(tmp_path: Path) -> None:
    maturin = shutil.which("maturin", path=str(Path(sys.executable).parent)) or shutil.which(
        "maturin"
    )
    assert maturin is not None, "maturin (a dev dependency) is not installed"
    subprocess.run(
        [maturin, "sdist", "--out", str(tmp_path)],
        cwd=SOURCE,
        check=True,
        capture_output=True,
    )
    (archive,) = tmp_path.glob("ferrosynth-*.tar.gz")
    with tarfile.open(archive) as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    required = {
        "pyproject.toml",
        "Cargo.toml",
        "Cargo.lock",
        "README.md",
        "LICENSE",
        "rust/ferrosynth-core/Cargo.toml",
        "rust/ferrosynth-core/src/lib.rs",
        "rust/ferrosynth-py/Cargo.toml",
        "rust/ferrosynth-py/src/lib.rs",
        "python/ferrosynth/__init__.py",
        *(f"python/ferrosynth/{name}" for name in PACKAGE_FILES),
    }
    assert required <= names, sorted(required - names)
    # Every source file of both crates, so that the sdist compiles on its own.
    for crate in ("ferrosynth-core", "ferrosynth-py"):
        sources = {
            p.relative_to(SOURCE).as_posix()
            for p in (SOURCE / "rust" / crate / "src").rglob("*.rs")
        }
        assert sources <= names, sorted(sources - names)
    # ... and no build output.
    assert not any(n.endswith((".so", ".pyd", ".whl")) or n.startswith("target/") for n in names)
