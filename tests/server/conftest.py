"""Fixtures of the server tests: a scripted provider, both stores, a live server, the client."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

from ferrosynth.server.config import ServerConfig
from tests.server.fake_llm import FakeLLM
from tests.server.pg import PostgresServer, find_bin

API_KEY = "test-key"


@pytest.fixture
def llm() -> Iterator[FakeLLM]:
    with FakeLLM() as fake:
        yield fake


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    bindir = find_bin()
    if bindir is None:
        pytest.skip("no PostgreSQL binaries on this machine (FERROSYNTH_PG_BIN)")
    server = PostgresServer(bindir)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "tasks.db")
    pg: PostgresServer = request.getfixturevalue("postgres")
    return pg.new_database()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """The app in a uvicorn thread of this process."""

    def __init__(self, config: ServerConfig) -> None:
        import uvicorn

        from ferrosynth.server.app import create_app
        from ferrosynth.store.tasks import open_task_store

        self.config = config
        self.store = open_task_store(config.store)
        self.app = create_app(self.store, config)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = uvicorn.Server(
            uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=20)
        self.store.close()

    @property
    def pool(self) -> Any:
        return self.app.state.pool

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.config.api_key}"}


def base_config(store_url: str, **changes: Any) -> ServerConfig:
    config = ServerConfig(
        store=store_url,
        api_key=API_KEY,
        concurrency=16,
        max_retries=3,
        retry_base_ms=5,
        retry_max_ms=50,
        request_timeout_s=10,
        lease_ttl_s=1.5,
    )
    return replace(config, **changes)


@pytest.fixture
def server(store_url: str) -> Iterator[LiveServer]:
    with LiveServer(base_config(store_url)) as live:
        yield live


@pytest.fixture
def client(server: LiveServer) -> Iterator[Any]:
    from synthgen import SynthgenClient

    c = SynthgenClient(base_url="http://127.0.0.1", port=str(server.port), api_key=API_KEY)
    try:
        yield c
    finally:
        c._client.close()


def wait_for(predicate: Any, timeout: float = 20.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class ServerProcess:
    """``ferrosynth server`` as a real process (for kill -9 and several-process tests)."""

    def __init__(self, store_url: str, role: str = "all", **options: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [
            sys.executable, "-m", "ferrosynth.cli", "server", "--store", store_url,
            "--role", role, "--port", str(self.port), "--lease-ttl", "1",
            "--retry-base-ms", "5", "--retry-max-ms", "50", "--max-retries", "3",
        ]  # fmt: skip
        for key, value in options.items():
            args += [f"--{key.replace('_', '-')}", str(value)]
        env = {**os.environ, "API_SECRET_KEY": API_KEY}
        self.role = role
        self.proc = subprocess.Popen(
            args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    def wait_ready(self, timeout: float = 30.0) -> ServerProcess:
        import httpx

        if self.role == "worker":
            return self
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                raise RuntimeError(f"server exited with {self.proc.returncode}: {err}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not answer /health")

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill9()
        if self.proc.stderr:
            self.proc.stderr.close()
