"""Run the code blocks of synthgen-client's README (tests/fixtures/synthgen-client-readme.txt).

A reader's session: the blocks run in order in one namespace, as pasted into a REPL. What is
changed in them, and nothing else:

- the import lines: ``synthgen`` -> ``ferrosynth.synthgen`` (async: ``AsyncSynthgenClient as
  SynthgenClient``); block 12 uses ``CalendarInterval`` without importing it: its import is added;
- the addresses: the server's (``http://localhost:8002``, ``https://api.synthgen.example.com``)
  and the LLM provider's (``http://host.docker.internal:11434/...``);
- the README's elisions, filled in: ``# Other parameters...`` and ``...`` in ``Task(...)`` become
  ``**fill`` (url, api_key and body of a real task);
- the placeholder ``"task-message-id"`` becomes the id of a real task; the batches
  ``"batch-id"`` and ``"existing-batch-id"`` are created under those very ids beforehand, except
  in the statistics block, which runs after Batch Management has deleted ``"batch-id"``: there
  it names a batch made for it (re-using a deleted batch's id is not what the block is about);
- ``task_result`` (read but never assigned by the README) is bound to the first result of the
  last ``monitor_batch``;
- async only: ``await`` before each ``client.<method>(`` call and ``async with`` for ``with``.

Two names are reused by the README for something else: the context-manager block binds
``client`` to a client it closes, and Batch Management binds ``tasks`` to a batch's results.
The later blocks mean the earlier objects, so ``client`` is put back after the former and
``tasks`` (the Batch Processing list) before "Customizing Batch Creation", as a reader would.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

README = Path(__file__).resolve().parent / "fixtures" / "synthgen-client-readme.txt"
SERVER_ADDRESSES = ("https://api.synthgen.example.com", "http://localhost:8002")
PROVIDER_ADDRESS = "http://host.docker.internal:11434/v1/chat/completions"
Mode = Literal["sync", "async"]


def readme_blocks() -> list[tuple[str, str]]:
    """(language, code) of every fenced block, in order."""
    return re.findall(r"```(\w+)\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)


def replace_once(code: str, old: str, new: str) -> str:
    """``old`` -> ``new``, failing if ``old`` is not in the block (the README changed)."""
    assert old in code, f"the README no longer contains {old!r}"
    return code.replace(old, new)


@dataclass
class Session:
    """One reader's run of the README against ``server_url`` with ``provider_url``."""

    server_url: str
    provider_url: str
    mode: Mode
    cwd: Path
    message_id: Callable[[], str]
    prepare_batch: Callable[[str], None]
    setenv: Callable[[str, str], None]
    env: dict[str, str] = field(default_factory=dict)
    outputs: dict[int, str] = field(default_factory=dict)
    ns: dict[str, Any] = field(default_factory=lambda: {"__name__": "synthgen_readme"})
    clients: list[Any] = field(default_factory=list)
    batch_tasks: list[Any] = field(default_factory=list)

    def adapt(self, index: int, code: str) -> str:
        code = code.replace("from synthgen.", "from ferrosynth.synthgen.")
        if self.mode == "async":
            code = code.replace(
                "from synthgen import SynthgenClient",
                "from ferrosynth.synthgen import AsyncSynthgenClient as SynthgenClient",
            )
            code = re.sub(r"\bclient\.(\w+)\(", r"await client.\1(", code)
            code = re.sub(r"(?m)^(\s*)with SynthgenClient", r"\1async with SynthgenClient", code)
        code = code.replace("from synthgen import", "from ferrosynth.synthgen import")
        for address in SERVER_ADDRESSES:
            code = code.replace(address, self.server_url)
        code = code.replace(PROVIDER_ADDRESS, self.provider_url)
        if index == 6:
            code = replace_once(
                code, "    # Other parameters...", "    **fill,  # Other parameters..."
            )
        if index == 8:
            code = replace_once(code, ", ...)", ", **fill)")
        if index == 10:
            code = replace_once(code, '"task-message-id"', repr(self.message_id()))
        if index == 12:
            code = "from ferrosynth.synthgen.models import CalendarInterval\n" + code
            code = replace_once(code, '"batch-id"', repr("stats-batch-id"))
        return code

    def run(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            self._run(loop)
        finally:
            for client in self.clients:
                result = client.close()
                if asyncio.iscoroutine(result):
                    loop.run_until_complete(result)

    def _run(self, loop: asyncio.AbstractEventLoop) -> None:
        for index, (lang, code) in enumerate(readme_blocks()):
            if index == 0:
                assert code.strip() == "pip install synthgen-client"  # installation: not code
                continue
            if lang == "bash":  # the environment-variable block: `export`s, then Python
                exports = re.findall(r'(?m)^export (\w+)="([^"]*)"$', code)
                assert exports, "the README's environment block has no export lines"
                for name, value in exports:
                    self.env[name] = self.adapt(index, value)
                    self.setenv(name, self.env[name])
                code = "\n".join(
                    line for line in code.splitlines() if not line.startswith("export ")
                )
            if index == 4:  # the JSON file the block describes in its comment
                text = "\n".join(
                    line[2:]
                    for line in code.splitlines()
                    if line.startswith("#   ") or line.startswith("# {") or line.startswith("# }")
                )
                (self.cwd / "config.json").write_text(self.adapt(index, text))
            if index == 6 or index == 8:
                first = self.ns.get("task")
                self.ns["fill"] = {
                    "url": self.provider_url,
                    "api_key": "api_key",
                    "body": dict(first.body) if first else {},
                }
            if index == 7:
                self.ns["task_result"] = self.ns["results"][0]
            if index == 11:
                self.prepare_batch("batch-id")
            if index == 12:
                self.prepare_batch("stats-batch-id")
            if index == 15:
                self.prepare_batch("existing-batch-id")
            saved = self.ns.get("client")
            if index == 16:
                self.ns["tasks"] = self.batch_tasks
            try:
                self.execute(index, self.adapt(index, code), loop)
            finally:
                client = self.ns.get("client")
                if client is not None and client is not saved:
                    self.clients.append(client)
            if index == 5:
                self.batch_tasks = self.ns["tasks"]
            if index == 13:
                self.ns["client"] = saved

    def execute(self, index: int, code: str, loop: asyncio.AbstractEventLoop) -> None:
        out = io.StringIO()
        flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT if self.mode == "async" else 0
        compiled = compile(code, f"README block {index}", "exec", flags=flags, dont_inherit=True)
        with contextlib.redirect_stdout(out):
            result = eval(compiled, self.ns)  # exec-mode code: runs the block
            if asyncio.iscoroutine(result):
                loop.run_until_complete(result)
        self.outputs[index] = out.getvalue()
