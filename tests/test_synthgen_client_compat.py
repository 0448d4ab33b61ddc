"""The published synthgen-client 0.0.7 and ferrosynth.synthgen (sync and async) run the same
scenario against the same kind of server, each against a fresh one, and observe the same: on the
in-memory spec server, and on ``ferrosynth server`` with ``mock-llm`` (same seed: same answers)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest

import ferrosynth.synthgen.models as models
from ferrosynth.synthgen import AsyncSynthgenClient, SynthgenClient
from tests.synthgen_live import ferrosynth_server, needs_server
from tests.synthgen_loopback import FakeSynthgen, ScriptedServer
from tests.synthgen_scenario import run

ROOT = Path(__file__).resolve().parent.parent
KEY = "compat-key"
Backend = Callable[[], AbstractContextManager[tuple[str, str]]]


@contextmanager
def fake_backend() -> Iterator[tuple[str, str]]:
    with ScriptedServer(FakeSynthgen(api_key=KEY)) as srv:
        yield srv.base_url, "http://127.0.0.1:9/v1/chat/completions"


class AsyncAsSync:
    """The async client driven through a loop, so that the one scenario runs it."""

    def __init__(self, client: AsyncSynthgenClient, loop: asyncio.AbstractEventLoop) -> None:
        self._client, self._loop = client, loop

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)
        return lambda *a, **k: self._loop.run_until_complete(method(*a, **k))


def legacy(backend: Backend, tmp_path: Path) -> dict[str, Any]:
    pytest.importorskip("synthgen")
    out = tmp_path / "legacy.json"
    with backend() as (url, provider):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.synthgen_scenario",
                "legacy",
                url,
                provider,
                KEY,
                str(out),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def ours(backend: Backend, mode: str) -> dict[str, Any]:
    with backend() as (url, provider):
        if mode == "sync":
            with SynthgenClient(url, KEY) as client, SynthgenClient(url, KEY + "-wrong") as bad:
                return run(client, models, provider, bad)
        loop = asyncio.new_event_loop()
        try:
            aclient = AsyncSynthgenClient(url, KEY)
            abad = AsyncSynthgenClient(url, KEY + "-wrong")
            try:
                sync_view = AsyncAsSync(aclient, loop)
                return run(sync_view, models, provider, AsyncAsSync(abad, loop))
            finally:
                loop.run_until_complete(aclient.close())
                loop.run_until_complete(abad.close())
        finally:
            loop.close()


def compare(backend: Backend, tmp_path: Path) -> None:
    expected = legacy(backend, tmp_path)
    assert expected["health"] == "healthy"
    assert len(expected["first"]) == 5
    assert all(t[2] for t in expected["second"])  # the second batch came from the cache
    assert expected["wrong_key"] == ["APIError", 401]
    for mode in ("sync", "async"):
        assert ours(backend, mode) == expected, mode


def test_same_results_as_synthgen_client_007_on_the_spec_server(tmp_path: Path) -> None:
    compare(fake_backend, tmp_path)


@needs_server
def test_same_results_as_synthgen_client_007_on_ferrosynth_server(tmp_path: Path) -> None:
    runs = iter(range(100))

    def backend() -> AbstractContextManager[tuple[str, str]]:
        return ferrosynth_server(tmp_path / f"server-{next(runs)}", KEY)

    compare(backend, tmp_path)
