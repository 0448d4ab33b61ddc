"""Every code block of synthgen-client's README, run with ferrosynth.synthgen, sync and async.

The blocks run as a reader would run them (see tests/synthgen_readme.py for the exact, short
list of what is adapted: imports, addresses, elisions and placeholder ids). The server is the
in-memory spec server of tests/synthgen_loopback.py, and ``ferrosynth server`` (its own process,
a fresh SQLite store) with ``mock-llm`` as the LLM provider.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ferrosynth.synthgen import SynthgenClient, Task
from tests.synthgen_live import ferrosynth_server, needs_server
from tests.synthgen_loopback import FakeSynthgen, ScriptedServer
from tests.synthgen_readme import Mode, Session, readme_blocks

SERVER_KEY = "your-api-key"  # the key the README passes to the client


@dataclass
class Backend:
    server_url: str
    provider_url: str


@pytest.fixture(params=["spec-server", pytest.param("ferrosynth-server", marks=needs_server)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "ferrosynth-server":
        with ferrosynth_server(tmp_path / "server", SERVER_KEY) as (url, provider):
            yield Backend(url, provider)
        return
    with ScriptedServer(FakeSynthgen(api_key=SERVER_KEY, per_poll=4)) as srv:
        yield Backend(srv.base_url, "http://127.0.0.1:9/v1/chat/completions")


def helpers(backend: Backend) -> tuple[SynthgenClient, object, object]:
    admin = SynthgenClient(backend.server_url, SERVER_KEY)

    def prepare_batch(batch_id: str) -> None:
        tasks = [
            Task(
                custom_id=f"{batch_id}-{i}",
                url=backend.provider_url,
                api_key="api_key",
                body={"model": "m", "messages": [{"role": "user", "content": f"{batch_id} {i}"}]},
            )
            for i in range(3)
        ]
        admin.create_batch(tasks, batch_id=batch_id)
        deadline = time.monotonic() + 60
        while (b := admin.get_batch(batch_id)) is None or b.done_tasks < 3:
            assert time.monotonic() < deadline, f"batch {batch_id} did not finish"
            time.sleep(0.02)

    def message_id() -> str:  # a task of its own batch: the block deletes it
        prepare_batch("task-message-batch")
        return admin.get_batch_tasks("task-message-batch")[0].message_id

    return admin, prepare_batch, message_id


def test_the_readme_has_the_blocks_this_test_knows() -> None:
    langs = [lang for lang, _ in readme_blocks()]
    assert langs == ["bash", "python", "bash"] + ["python"] * 16


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_every_readme_block_runs(
    mode: Mode, backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SYNTHGEN_BASE_URL", raising=False)
    monkeypatch.delenv("SYNTHGEN_API_KEY", raising=False)
    admin, prepare_batch, message_id = helpers(backend)
    session = Session(
        backend.server_url,
        backend.provider_url,
        mode,
        tmp_path,
        message_id,  # type: ignore[arg-type]
        prepare_batch,  # type: ignore[arg-type]
        monkeypatch.setenv,
    )
    loop = asyncio.new_event_loop()
    try:
        session.run(loop)
    finally:
        loop.close()
        admin.close()
    out = session.outputs
    # Quick Start: ten tasks, each reported done
    assert len(re.findall(r"(?m)^Task [\w-]+: COMPLETED$", out[1])) == 10
    assert out[1].count("Generated 0 records") == 10  # the body echoed has no 'data' key
    # the env and file configuration reached the client
    assert session.env == {"SYNTHGEN_BASE_URL": backend.server_url, "SYNTHGEN_API_KEY": SERVER_KEY}
    assert (tmp_path / "config.json").is_file()
    # the third submission of the same task was served from the cache
    assert out[7] == "Retrieved from cache\n"
    assert "System status: healthy\nAPI: healthy\n" in out[9]
    assert re.search(r"Queue consumers: [1-9]", out[9])
    assert "Task status: COMPLETED\nCompletion time: " in out[10]
    assert re.search(r"Completed tasks: 3/3\nToken usage: [1-9]", out[11])
    assert "Total tasks: 3\nCache hit rate: 0.00%" in out[12]
    assert "Throughput: " in out[12]
    assert "Status code: 404" in out[14]
    # block 17 reads the batch of block 5, whose one task repeats the Quick Start's first body:
    # served from the cache, so no tokens were spent on it (batch token sums leave cached out)
    assert out[17] == "Input tokens: 0\nOutput tokens: 0\nTotal tokens: 0\n"
    assert out[18] == "Task not found\n"


DOCS_PAGE = Path(__file__).resolve().parent.parent / "docs" / "synthgen-client.md"


@needs_server
def test_the_docs_page_examples_run_against_ferrosynth_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/synthgen-client.md's Python blocks, in order, with the two addresses changed."""
    monkeypatch.chdir(tmp_path)
    page = DOCS_PAGE.read_text(encoding="utf-8")
    blocks = re.findall(r"(?m)^```python\n(.*?)^```$", page, re.DOTALL)
    assert len(blocks) == 5
    namespace: dict[str, object] = {"__name__": "synthgen_docs"}
    with ferrosynth_server(tmp_path / "server", SERVER_KEY) as (url, provider):
        for i, code in enumerate(blocks):
            code = code.replace("http://localhost:8002", url)
            code = code.replace("http://localhost:8001/v1/chat/completions", provider)
            exec(compile(code, f"{DOCS_PAGE.name} block {i}", "exec", dont_inherit=True), namespace)
    out = capsys.readouterr().out
    assert len(re.findall(r"(?m)^Task task-\d{3}: COMPLETED '.+'$", out)) == 10
    assert "0/10 done, 10 from the cache" in out  # the same bodies again: from the cache
    assert "cache hit rate: 100.00%" in out
    assert (tmp_path / "tasks.jsonl").read_text().count("\n") == 10
