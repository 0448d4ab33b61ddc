"""Documentation that runs: every code example in ``docs/`` is executed here.

Per page, in a fresh temporary directory, in order:

- ```` ```python ```` blocks run in one namespace (later blocks see earlier names);
- ```` ```console ```` blocks run each ``$ command`` line with bash (the ``ferrosynth`` and
  ``pytest`` of this interpreter first on ``PATH``); the command must succeed, and the lines
  after it, if any, must equal its output (a ``...`` line matches any run of lines, and ``...``
  within a line any characters, as a reader would take them);
- a block preceded by ``<!-- docs-test: file NAME -->`` is written to ``NAME`` instead (a schema,
  a test module), for later blocks to use;
- a block preceded by ``<!-- docs-test: requires MODULE -->`` runs when ``MODULE`` imports and
  is skipped otherwise (optional dependencies such as pyarrow);
- a block preceded by ``<!-- docs-test: skip REASON -->`` is not run. Keep these rare.

Shell examples of ferrosynth are ``console`` blocks, so they run. ``bash``/``sh`` blocks are for
commands a test cannot run (``pip install``, a ten-minute benchmark) and are not run; other
languages (json, yaml, text) are data.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import sysconfig
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
FENCE = re.compile(
    r"(?:<!--\s*docs-test:\s*(?P<directive>\w+)\s*(?P<arg>[^>]*?)\s*-->\s*\n)?"
    r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
RUN = {"python", "py", "console"}


@dataclass
class Block:
    page: Path
    line: int
    lang: str
    body: str
    directive: str | None
    arg: str

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(DOCS)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    found = []
    for m in FENCE.finditer(text):
        indent = len(m["indent"])
        body = "".join(line[indent:] for line in m["body"].splitlines(keepends=True))
        found.append(
            Block(
                page=page,
                line=text.count("\n", 0, m.start("lang")) + 1,
                lang=m["lang"].lower(),
                body=body,
                directive=m["directive"],
                arg=m["arg"] or "",
            )
        )
    return found


PAGES = sorted(p for p in DOCS.rglob("*.md") if any(b.lang in RUN for b in blocks(p)))


def test_the_docs_have_runnable_examples() -> None:
    assert len(PAGES) >= 5, PAGES  # guards the extraction itself: a broken regex finds nothing


def test_directives_are_known_and_used_on_runnable_blocks() -> None:
    for page in DOCS.rglob("*.md"):
        for block in blocks(page):
            assert block.directive in (None, "skip", "file", "requires"), block.where
            if block.directive == "skip":
                assert block.arg, f"{block.where}: say why the block is skipped"
            if block.directive == "file":
                assert re.fullmatch(r"[\w.-]+", block.arg), f"{block.where}: bad file name"
            if block.directive == "skip":
                assert block.lang in RUN, f"{block.where}: only runnable blocks need skipping"


def line_matches(pattern: str, line: str) -> bool:
    """``line`` equals ``pattern``, where ``...`` (and nothing else) matches any characters."""
    # Surrounding blanks do not count: BSD `wc -l` pads its count, GNU's does not.
    regex = ".*".join(re.escape(part) for part in pattern.strip().split("..."))
    return re.fullmatch(regex, line.strip()) is not None


def lines_match(expected: list[str], actual: list[str]) -> bool:
    """``expected`` equals ``actual``, a ``...`` line standing for any run of lines."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head.strip() == "...":
        return any(lines_match(rest, actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and line_matches(head, actual[0]) and lines_match(rest, actual[1:])


def run_console(block: Block, cwd: Path) -> None:
    env = dict(os.environ)
    # The environment's scripts directory (bin/, or Scripts\\ on Windows) first on PATH.
    env["PATH"] = f"{sysconfig.get_path('scripts')}{os.pathsep}{env.get('PATH', '')}"
    commands: list[tuple[str, list[str]]] = []
    for line in block.body.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif commands:
            commands[-1][1].append(line)
        elif line.strip():
            pytest.fail(f"{block.where}: console blocks start with '$ command'")
    for command, expected in commands:
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"{block.where}: `{command}` failed:\n{done.stderr}"
        if expected:
            actual = done.stdout.splitlines()
            assert lines_match(expected, actual), (
                f"{block.where}: `{command}` printed:\n{done.stdout}\nexpected:\n"
                + "\n".join(expected)
            )


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_page_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    # A real module, so that code which looks its module up (dataclasses, Pydantic forward
    # references, pickle) works as it would in a user's script.
    module = types.ModuleType(f"docs_example_{page.stem.replace('-', '_')}")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    namespace = module.__dict__
    for block in blocks(page):
        if block.directive == "skip":
            continue
        if block.directive == "requires" and importlib.util.find_spec(block.arg) is None:
            continue  # an optional dependency that is not installed
        if block.directive == "file":
            (tmp_path / block.arg).write_text(block.body, encoding="utf-8")
        elif block.lang in ("python", "py"):
            # dont_inherit: the example must not run under this file's `from __future__` imports
            code = compile(block.body, block.where, "exec", dont_inherit=True)
            exec(code, namespace)
        elif block.lang == "console":
            run_console(block, tmp_path)


def test_lines_match_wildcards() -> None:
    assert lines_match(["a", "...", "d"], ["a", "b", "c", "d"])
    assert lines_match(["a", "...", "d"], ["a", "d"])
    assert lines_match(["a..."], ["abc"])
    assert lines_match(['["x", ...]'], ['["x", "y"]'])  # brackets are literal
    assert not lines_match(["a?c"], ["abc"])
    assert not lines_match(["a*"], ["abc"])
    assert lines_match(["1000"], ["    1000"])
    assert not lines_match(["a", "d"], ["a", "b", "d"])
    assert not lines_match(["a"], ["a", "b"])


# -- reference pages that must match the code ---------------------------------------------------


def placeholder_table() -> str:
    """The placeholder table of ``docs/reference/placeholders.md``, from the core's vocabulary."""
    from ferrosynth import _native

    rows = [
        f"| `{{{name}}}` | {description} |"
        for name, description in _native.placeholder_vocabulary()
    ]
    return "\n".join(["| placeholder | value |", "|---|---|", *rows])


def test_the_placeholder_page_lists_the_cores_vocabulary() -> None:
    page = (DOCS / "reference" / "placeholders.md").read_text(encoding="utf-8")
    match = re.search(
        r"<!-- placeholder-table:start -->\n(.*?)\n<!-- placeholder-table:end -->", page, re.DOTALL
    )
    assert match is not None, "placeholder-table markers missing"
    expected = placeholder_table()
    assert match.group(1) == expected, f"paste this table between the markers:\n{expected}"


def cli_options() -> dict[str, set[str]]:
    """``{command: {every option spelling}}`` of the ``ferrosynth`` command, from typer."""
    import typer.main

    from ferrosynth.cli import app

    def options(command: Any) -> set[str]:
        """A command's options; a group's are those of all its subcommands."""
        found = {o for p in command.params for o in p.opts if o.startswith("-")}
        for sub in getattr(command, "commands", {}).values():
            found |= options(sub)
        return found

    group = typer.main.get_command(app)
    found = {"": {o for p in group.params for o in p.opts}}
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        found[name] = options(command)
    return found


def test_the_cli_reference_documents_every_option_and_no_other() -> None:
    page = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
    sections = dict(
        re.findall(r"^## `ferrosynth ([\w-]+)`\n(.*?)(?=^## )", page, re.MULTILINE | re.DOTALL)
    )
    options = cli_options()
    assert set(sections) == set(options) - {""}, sorted(sections)
    sections[""] = page.split("## Global options", 1)[1].split("\n## ", 1)[0]
    for command, spellings in options.items():
        text = sections[command]
        documented = set(re.findall(r"`(--?[\w-]+)`", text.split("```")[0]))
        missing = spellings - documented - {"--help"}
        assert not missing, f"`ferrosynth {command}`: undocumented options {sorted(missing)}"
        if command:
            stale = documented - spellings
            assert not stale, f"`ferrosynth {command}`: documented but gone {sorted(stale)}"


# -- the mkdocs hooks (docs/hooks.py) -----------------------------------------------------------


def load_hooks() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("docs_hooks", DOCS / "hooks.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_content_hook_renders_rest_roles_as_code() -> None:
    hooks = load_hooks()
    html = (
        "<p>Raises :class:<code>~ferrosynth.SchemaError</code> or "
        ":meth:<code>DataGenerator.write</code>.</p><p>Example::</p>"
    )
    assert hooks.on_page_content(html) == (
        "<p>Raises <code>SchemaError</code> or <code>DataGenerator.write</code>.</p><p>Example:</p>"
    )
