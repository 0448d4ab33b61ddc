"""A live ``ferrosynth server`` (its own process, a fresh SQLite file) with ``mock-llm`` as the
provider, for the Synthgen client's end-to-end tests. Not collected (no ``test_`` prefix)."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest


def server_available() -> bool:
    """``ferrosynth server`` and its extra (FastAPI, uvicorn) are installed."""
    return all(
        importlib.util.find_spec(m) is not None for m in ("ferrosynth.server", "fastapi", "uvicorn")
    )


needs_server = pytest.mark.skipif(
    not server_available(), reason="ferrosynth.server or its 'server' extra is not installed"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def ferrosynth_server(workdir: Path, api_key: str) -> Iterator[tuple[str, str]]:
    """Yield (server URL, provider URL): ``ferrosynth server`` on a fresh SQLite store, calling
    a ``mock-llm`` (seed 0) for every task. Both stop on exit."""
    from ferrosynth.mock import MockLLMServer

    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "server.log"
    with MockLLMServer(seed=0) as mock, log.open("wb") as log_file:
        port = _free_port()
        command = [
            sys.executable, "-m", "ferrosynth.cli", "server",
            "--port", str(port), "--api-key", api_key,
            "--store", str(workdir / "tasks.db"),
            "--max-retries", "1", "--retry-base-ms", "5", "--retry-max-ms", "20",
        ]  # fmt: skip
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        proc = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, env=env)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"ferrosynth server exited:\n{log.read_text()[-3000:]}")
                try:
                    if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"ferrosynth server did not start:\n{log.read_text()}")
                time.sleep(0.05)
            yield url, mock.openai_base_url + "/chat/completions"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
