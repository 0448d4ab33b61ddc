"""``ferrosynth server`` (a fresh SQLite store) with ``ferrosynth mock-llm`` as the provider,
each in a process of its own, for the Synthgen client's end-to-end tests. Not collected (no
``test_`` prefix)."""

from __future__ import annotations

import importlib.util
import os
import signal
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


class Process:
    """A ``ferrosynth`` command on a free loopback port, ready once ``ready_path`` answers 200."""

    def __init__(self, args: list[str], ready_path: str, log: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.args = [sys.executable, "-m", "ferrosynth.cli", *args, "--port", str(self.port)]
        self.ready_path = ready_path
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(self.args, stdout=log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.args[3]} exited:\n{self.log.read_text()[-3000:]}")
            try:
                if httpx.get(self.url + self.ready_path, timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.args[3]} did not start:\n{self.log.read_text()}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL, no goodbye: what a crash looks like."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@contextmanager
def live_pair(
    workdir: Path, api_key: str, *, mock: tuple[str, ...] = (), server: tuple[str, ...] = ()
) -> Iterator[tuple[Process, Process]]:
    """``ferrosynth mock-llm --seed 0`` and ``ferrosynth server`` (fast provider retries, a
    fresh SQLite file); extra command-line options in ``mock`` and ``server``."""
    workdir.mkdir(parents=True, exist_ok=True)
    llm = Process(["mock-llm", "--seed", "0", *mock], "/v1/models", workdir / "mock.log")
    srv = Process(
        [
            "server", "--api-key", api_key, "--store", str(workdir / "tasks.db"),
            "--max-retries", "1", "--retry-base-ms", "5", "--retry-max-ms", "20", *server,
        ],
        "/health",
        workdir / "server.log",
    )  # fmt: skip
    try:
        llm.start()
        srv.start()
        yield llm, srv
    finally:
        srv.stop()
        llm.stop()


@contextmanager
def ferrosynth_server(workdir: Path, api_key: str) -> Iterator[tuple[str, str]]:
    """Yield (server URL, provider URL) of a :func:`live_pair`."""
    with live_pair(workdir, api_key) as (llm, srv):
        yield srv.url, llm.url + "/v1/chat/completions"
