"""``ferrosynth mock-llm`` as a real process: it starts, answers, and stops on SIGTERM."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ferrosynth.mock import MockLLMServer
from tests.test_mock_llm import CHAT, Client, chat

READY = re.compile(r"listening on (http://127\.0\.0\.1:\d+)")


@contextmanager
def mock_llm_process(*args: str, loop: str = "auto") -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "ferrosynth.cli", "mock-llm", "--port", "0", *args],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={**os.environ, "FERROSYNTH_MOCK_LOOP": loop},
        start_new_session=True,  # its own process group: a failed test kills every worker
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline().decode()
        match = READY.search(line)
        assert match, line + process.stderr.read().decode()
        yield match.group(1)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        finally:
            if process.poll() is None:  # pragma: no cover - a hung server fails the test
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            assert process.stdout is not None
            assert process.stderr is not None
            process.stdout.close()
            process.stderr.close()
    assert process.returncode == 0


@pytest.mark.parametrize(("workers", "loop"), [("1", "auto"), ("2", "auto"), ("1", "asyncio")])
def test_cli_serves_the_same_answers_as_the_python_server(workers: str, loop: str) -> None:
    body = chat("from the command line")
    with mock_llm_process("--seed", "5", "--workers", workers, loop=loop) as url:
        c = Client(url)
        answers = [c.post(CHAT, body) for _ in range(4)]
        status, _, data = c.request("GET", "/v1/models")
        c.close()
    assert status == 200
    assert json.loads(data)["data"]
    with MockLLMServer(seed=5) as srv, Client(srv.base_url) as c:
        expected = c.post(CHAT, body)
    assert answers == [expected] * 4


@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigterm_the_moment_it_says_listening_stops_it(workers: str) -> None:
    # uvloop listens for signals only while its loop runs; the server printed "listening"
    # between opening the port and running the loop, so a SIGTERM sent on reading that line
    # could land in the gap and be lost: the server served on, ignoring it (CI: with two
    # workers, the other answered every request and the test's SIGTERM hung for 60 s).
    for _ in range(8):
        process = subprocess.Popen(
            [sys.executable, "-m", "ferrosynth.cli", "mock-llm", "--port", "0", "-w", workers],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        assert process.stderr is not None
        try:
            line = process.stderr.readline().decode()
            process.send_signal(signal.SIGTERM)
            assert READY.search(line), line
            assert process.wait(timeout=20) == 0
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            process.stderr.close()


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")
def test_workers_stop_when_the_parent_is_killed() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "ferrosynth.cli", "mock-llm", "--port", "0", "--workers", "2"],
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    assert process.stderr is not None
    try:
        assert READY.search(process.stderr.readline().decode())
        children = _children(process.pid)
        assert len(children) == 1
        process.kill()  # SIGKILL: the parent cannot stop its worker
        process.wait()
        deadline = time.monotonic() + 60
        while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in children)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.stderr.close()


def _children(pid: int) -> list[int]:
    tasks = Path(f"/proc/{pid}/task")
    found: list[int] = []
    for task in tasks.iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_cli_fault_options() -> None:
    with mock_llm_process("--error-rate", "1", "--error-kinds", "503") as url:
        c = Client(url)
        status, _, _ = c.request("POST", CHAT, chat())
        c.close()
    assert status == 503


def test_cli_bad_options_exit_2_with_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ferrosynth.cli", "mock-llm", "--error-rate", "2"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.decode().startswith("error: error_rate must be in [0, 1]")
    assert b"Traceback" not in result.stderr


pytest_plugins = ("ferrosynth.mock.fixtures",)


def test_the_pytest_fixture_serves_a_fresh_endpoint(mock_llm: MockLLMServer) -> None:
    assert mock_llm.request_count == 0
    with Client(mock_llm.base_url) as c:
        assert c.post(CHAT, chat())["object"] == "chat.completion"
    assert mock_llm.request_count == 1
