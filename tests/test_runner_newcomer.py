"""The newcomer's flow of docs/llm/runner.md, for real: `ferrosynth mock-llm` in one process,
`ferrosynth llm run` in another, killed half-way (SIGKILL), run again: exactly N answers, once
each, with the spend shown. (The docs use 100,000 requests; the test a few thousand.)"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import orjson
import pytest

from tests.test_runner_cli import complete_lines, wait_for_lines

N = 3000
MOCK_LLM = (sys.executable, "-m", "ferrosynth.cli", "mock-llm")


@pytest.fixture
def mock_llm() -> Iterator[str]:
    proc = subprocess.Popen(
        # 40 ms per answer: at concurrency 16 the first run needs at least 7.5 s, so it is killed
        # half-way even on a fast machine whose disk commits the answers in large groups
        [*MOCK_LLM, "--port", "0", "--seed", "1", "--latency-ms", "40"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    line = proc.stderr.readline()
    match = re.search(r"OpenAI base URL (\S+);", line)
    assert match, line
    yield match.group(1)
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.stderr.close()


def test_mock_llm_then_llm_run_killed_half_way_then_rerun_gives_exactly_n_answers(
    tmp_path: Path, mock_llm: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FERROSYNTH_CACHE", "off")
    source = tmp_path / "requests.jsonl"
    with source.open("wb") as handle:
        for i in range(N):
            body = {
                "model": "gpt-4o-mini",
                "max_tokens": 64,
                "messages": [{"role": "user", "content": f"Write a haiku about the number {i}."}],
            }
            handle.write(orjson.dumps({"custom_id": f"q-{i}", "body": body}) + b"\n")
    out = tmp_path / "answers.jsonl"
    args = [
        sys.executable,
        "-m",
        "ferrosynth.cli",
        "llm",
        "run",
        str(source),
        "-o",
        str(out),
        "--base-url",
        mock_llm,
        "--concurrency",
        "16",
    ]
    first = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_lines(out, N // 2, first)
    first.send_signal(signal.SIGKILL)
    first.wait()
    half = len(complete_lines(out))
    assert 0 < half < N

    started = time.monotonic()
    again = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert time.monotonic() - started < 300
    lines = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    ids = [line["custom_id"] for line in lines]
    assert len(ids) == len(set(ids)) == N
    assert all(line["error"] is None and line["cost"] > 0 for line in lines)
    spent = sum(Decimal(str(line["cost"])) for line in lines)
    summary = again.stderr.strip().splitlines()[-1]
    assert summary.startswith(f"complete: {N - half} answered, 0 failed, 0 cached ({half} from")
    shown = re.search(r"spent \$([0-9.]+) in total", summary)
    assert shown, summary
    assert abs(Decimal(shown.group(1)) - spent) < Decimal("0.0001")
    assert f"{N} lines in {out}" in summary
