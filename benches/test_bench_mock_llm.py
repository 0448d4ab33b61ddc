"""Speed of the mock LLM endpoint (``ferrosynth mock-llm``).

- ``handle``: the in-process cost of one request, without HTTP (``MockApp.handle``): a repeated
  request (memoised answer) and distinct requests (parse, hash, token estimate, generation,
  render), for short chat completions, tool calls and structured output.
- ``wrk``: requests/s over HTTP/1.1 keep-alive with ``wrk`` (Debian package ``wrk``), against
  ``ferrosynth mock-llm --workers W`` in a subprocess, with the scripts in ``benches/wrk/``:
  the same short completion every time (``chat.lua``) and a distinct one every time
  (``chat_distinct.lua``). The median of ``ROUNDS`` runs is printed; skipped without ``wrk``.

Off in the normal test run. Run with::

    .venv/bin/pytest benches/test_bench_mock_llm.py --benchmark-enable --benchmark-only -s

``FERROSYNTH_BENCH_WORKERS`` (default 2), ``FERROSYNTH_BENCH_SECONDS`` (default 5) and
``FERROSYNTH_BENCH_ROUNDS`` (default 3) tune the ``wrk`` runs.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ferrosynth.mock import MockApp, MockConfig
from ferrosynth.mock.app import Request

WRK_DIR = Path(__file__).parent / "wrk"
WORKERS = int(os.environ.get("FERROSYNTH_BENCH_WORKERS", "2"))
SECONDS = int(os.environ.get("FERROSYNTH_BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("FERROSYNTH_BENCH_ROUNDS", "3"))
TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
            "required": ["city", "days"],
        },
    },
}
BODIES: dict[str, Callable[[int], dict[str, Any]]] = {
    "text": lambda i: {
        "model": "mock-gpt",
        "messages": [{"role": "user", "content": f"Say hello {i}."}],
        "max_tokens": 16,
    },
    "tool_call": lambda i: {
        "model": "mock-gpt",
        "messages": [{"role": "user", "content": f"Weather {i}?"}],
        "tools": [TOOL],
    },
    "json_schema": lambda i: {
        "model": "mock-gpt",
        "messages": [{"role": "user", "content": f"A person {i}"}],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "p", "schema": TOOL["function"]["parameters"]},  # type: ignore[index]
        },
    },
}


def request(body: dict[str, Any]) -> Request:
    return Request("POST", "/v1/chat/completions", "", {}, json.dumps(body).encode())


@pytest.mark.parametrize("kind", sorted(BODIES))
@pytest.mark.parametrize("repeat", ["memoised", "distinct"])
def test_handle(benchmark: Any, kind: str, repeat: str) -> None:
    app = MockApp(MockConfig(seed=0), record=False)
    make = BODIES[kind]
    if repeat == "memoised":
        one = request(make(0))
        response = benchmark(app.handle, one)
    else:
        requests = [request(make(i)) for i in range(200_000)]
        counter = itertools.count()
        response = benchmark(lambda: app.handle(requests[next(counter) % len(requests)]))
    assert response.status == 200


def _wrk(script: str, url: str) -> float:
    done = subprocess.run(
        ["wrk", "-t1", "-c64", f"-d{SECONDS}s", "-s", str(WRK_DIR / script), url],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Non-2xx" not in done.stdout, done.stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    assert match, done.stdout
    return float(match.group(1))


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
@pytest.mark.parametrize("script", ["chat.lua", "chat_distinct.lua"])
def test_wrk(benchmark: Any, script: str) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "ferrosynth.cli", "mock-llm", "--port", "0", "-w", str(WORKERS)],
        stderr=subprocess.PIPE,
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline().decode()
        match = re.search(r"(http://[\d.]+:\d+)", line)
        assert match, line
        rates = [_wrk(script, match.group(1)) for _ in range(ROUNDS)]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(20)
        if process.stderr is not None:
            process.stderr.close()
    median = statistics.median(rates)
    print(f"\n{script}: {WORKERS} workers, median {median:,.0f} req/s of {rates}")
    benchmark.extra_info["requests_per_s"] = median
    benchmark.pedantic(lambda: None, rounds=1)
