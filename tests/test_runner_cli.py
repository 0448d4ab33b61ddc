"""``ferrosynth llm run`` as a user runs it: a real process, killed with SIGKILL or stopped with
Ctrl-C (SIGINT), run again; bad input; the dry run."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from tests.runner_support import ScriptedServer
from tests.test_runner_run import read_output, write_requests


@pytest.fixture(autouse=True)
def _no_default_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    # The CLI caches by default (in ~/.cache); these runs must reach the server every time.
    monkeypatch.setenv("FERROSYNTH_CACHE", "off")


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "ferrosynth.cli", "llm", *args]


def complete_lines(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        return []
    data = path.read_bytes()
    return [orjson.loads(line) for line in data[: data.rfind(b"\n") + 1].splitlines()]


def prompt_of(custom_id: str) -> str:
    return f"prompt {custom_id.removeprefix('req-')}"


def wait_for_lines(
    path: Path, count: int, proc: subprocess.Popen[bytes], limit: float = 60
) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        if path.exists() and path.stat().st_size and len(complete_lines(path)) >= count:
            return
        time.sleep(0.005)


def test_kill_9_at_random_points_then_rerun_loses_nothing_and_duplicates_nothing(
    tmp_path: Path,
) -> None:
    n = 1500
    source = write_requests(tmp_path / "in.jsonl", n)
    out = tmp_path / "out.jsonl"
    rng = random.Random(12)
    # custom_id -> how often the server had seen its prompt when its answer was first found
    # in the output after a kill; no later run may send it again.
    sent_when_answered: dict[str, int] = {}
    # 30 ms per answer at concurrency 16: a full run needs about 3 s, so even the last kill point
    # (400 answers, about 0.75 s, before the end) comes before the run could finish.
    with ScriptedServer(latency=0.03) as server:
        args = cli("run", str(source), "-o", str(out), "--base-url", server.base_url, "-c", "16")
        # Kill points: during start-up (before or while the input is checked), then after
        # random numbers of answers.
        for target in (0, *sorted(rng.sample(range(50, n - 400), 3))):
            proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if target == 0:
                time.sleep(0.3)
            else:
                wait_for_lines(out, target, proc)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            for line in complete_lines(out):
                custom_id = str(line["custom_id"])
                if custom_id not in sent_when_answered:
                    sent_when_answered[custom_id] = server.stats.by_prompt[prompt_of(custom_id)]
        answered_before = set(sent_when_answered)
        assert 50 < len(answered_before) < n
        final = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert final.returncode == 0, final.stderr
    lines = read_output(out)  # every line parses: a torn tail was cut
    ids = [str(line["custom_id"]) for line in lines]
    assert len(ids) == len(set(ids)) == n
    assert all(line["error"] is None for line in lines)
    for custom_id, sent in sent_when_answered.items():  # answered before a kill: not sent again
        assert server.stats.by_prompt[prompt_of(custom_id)] == sent
    assert f"complete: {n - len(answered_before)} answered" in final.stderr


def test_ctrl_c_stops_within_two_seconds_and_keeps_every_answer(tmp_path: Path) -> None:
    n = 400
    source = write_requests(tmp_path / "in.jsonl", n)
    out = tmp_path / "out.jsonl"
    with ScriptedServer(latency=0.3) as server:
        args = cli("run", str(source), "-o", str(out), "--base-url", server.base_url, "-c", "32")
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wait_for_lines(out, 40, proc)
        proc.send_signal(signal.SIGINT)
        sent_at_stop = server.stats.requests
        _, stderr = proc.communicate(timeout=30)
        assert proc.returncode == 130, stderr
        assert "interrupted:" in stderr
        assert "run the same command again to resume" in stderr
        kept = read_output(out)
        # The answers in flight at Ctrl-C (latency 0.3 s < the 1 s grace) were all kept: every
        # request the server received has its answer in the output. Requests already on the wire
        # when the signal was sent may reach the server after `sent_at_stop` was read, so that
        # count is a lower bound; the run stopped long before its 400 requests.
        assert len(kept) == server.stats.requests
        assert sent_at_stop <= len(kept) < n
        rerun = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert rerun.returncode == 0, rerun.stderr
    ids = [line["custom_id"] for line in read_output(out)]
    assert len(ids) == len(set(ids)) == n
    assert server.stats.requests == n


def test_ctrl_c_while_a_large_input_is_checked_stops_before_the_check_ends(
    tmp_path: Path,
) -> None:
    source = write_requests(tmp_path / "in.jsonl", 200_000)
    out = tmp_path / "out.jsonl"
    with ScriptedServer() as server:
        args = cli("run", str(source), "-o", str(out), "--base-url", server.base_url)
        started = time.monotonic()
        dry = subprocess.run([*args, "--dry-run"], capture_output=True, text=True, timeout=300)
        full_check = time.monotonic() - started
        assert dry.returncode == 0, dry.stderr
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        started = time.monotonic()
        record = tmp_path / "out.jsonl.resume.sqlite"  # opened just before the check starts
        while not record.exists() and proc.poll() is None:
            time.sleep(0.01)
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=300)
        interrupted_after = time.monotonic() - started
    assert proc.returncode == 130, stderr
    assert "interrupted: 0 answered" in stderr
    assert server.stats.requests == 0
    # Relative, not absolute: the check was cut short, not waited out.
    assert interrupted_after < full_check / 2, (interrupted_after, full_check)


@pytest.mark.parametrize(
    ("extra", "lines", "message"),
    [
        ((), [b"{oops"], "error: {in}:2: not valid JSON"),
        (("--provider", "acme"), [], "error: unknown --provider 'acme'"),
        (("--max-usd", "lots"), [], "error: --max-usd must be a number of dollars"),
        (("--concurrency", "0"), [], "error: --concurrency must be >= 1"),
        (
            ("--transport", "fast", "--base-url", "https://api.openai.com/v1"),
            [],
            "error: no API key: pass api_key or set OPENAI_API_KEY",
        ),
        (
            ("--provider", "anthropic", "--base-url", "https://api.anthropic.com"),
            [],
            "error: no API key: pass api_key= or set ANTHROPIC_API_KEY",
        ),
        (
            ("--max-usd", "5"),
            [b'{"custom_id": "u", "body": {"model": "no-such-model", "messages": [1]}}'],
            "error: no price known for model(s) no-such-model",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2_before_any_request(
    tmp_path: Path, extra: tuple[str, ...], lines: list[bytes], message: str
) -> None:
    source = write_requests(tmp_path / "in.jsonl", 1)
    with source.open("ab") as handle:
        for line in lines:
            handle.write(line + b"\n")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    with ScriptedServer() as server:
        args = ["run", str(source), "-o", str(tmp_path / "out.jsonl")]
        if "--base-url" not in extra:
            args += ["--base-url", server.base_url]
        result = subprocess.run(
            cli(*args, *extra), capture_output=True, text=True, timeout=60, env=env
        )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(message.replace("{in}", str(source))), result.stderr
    assert server.stats.requests == 0


def test_dry_run_prints_requests_tokens_and_dollars_and_sends_nothing(tmp_path: Path) -> None:
    source = write_requests(tmp_path / "in.jsonl", 10)
    out = tmp_path / "out.jsonl"
    with ScriptedServer() as server:
        result = subprocess.run(
            cli("run", str(source), "-o", str(out), "--base-url", server.base_url, "--dry-run"),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("dry run: 10 requests, 0 already answered, 10 to send; about ")
    assert "estimated cost $0.00" in result.stdout
    assert server.stats.requests == 0
    assert not out.exists()


def test_dry_run_finds_duplicates_too(tmp_path: Path) -> None:
    source = write_requests(tmp_path / "in.jsonl", 3)
    with source.open("ab") as handle:
        handle.write(b'{"custom_id": "req-1", "body": {"model": "m", "messages": [1]}}\n')
    result = subprocess.run(
        cli("run", str(source), "-o", str(tmp_path / "out.jsonl"), "--dry-run"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert f"{source}:4: duplicate custom_id 'req-1' (first at {source}:2)" in result.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_budget_exit_status_and_summary(tmp_path: Path) -> None:
    source = write_requests(tmp_path / "in.jsonl", 5)
    with ScriptedServer() as server:
        result = subprocess.run(
            cli(
                "run",
                str(source),
                "-o",
                str(tmp_path / "out.jsonl"),
                "--base-url",
                server.base_url,
                "--max-usd",
                "0",
            ),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 3
    assert result.stderr.startswith("budget: 0 answered")
    assert server.stats.requests == 0


def test_cli_cache_hits_on_a_second_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FERROSYNTH_CACHE")
    source = write_requests(tmp_path / "in.jsonl", 20)
    cache = tmp_path / "cache.sqlite3"
    with ScriptedServer() as server:
        for name in ("a", "b"):
            out = tmp_path / f"{name}.jsonl"
            args = ["run", str(source), "-o", str(out), "--base-url", server.base_url]
            result = subprocess.run(
                cli(*args, "--cache", str(cache)), capture_output=True, text=True, timeout=60
            )
            assert result.returncode == 0, result.stderr
    assert server.stats.requests == 20
    assert "0 answered, 0 failed, 20 cached" in result.stderr
    assert all(line["cached"] for line in read_output(tmp_path / "b.jsonl"))


def test_on_a_terminal_the_progress_display_shows_rates_and_spend(tmp_path: Path) -> None:
    import pty

    source = write_requests(tmp_path / "in.jsonl", 300)
    out = tmp_path / "out.jsonl"
    leader, follower = pty.openpty()
    with ScriptedServer(latency=0.01) as server:
        args = cli("run", str(source), "-o", str(out), "--base-url", server.base_url, "-c", "8")
        env = {**os.environ, "COLUMNS": "200", "TERM": "xterm"}
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=follower, env=env)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait(60)
        os.close(leader)
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0
    assert "req/s" in screen
    assert "tok/s" in screen
    assert "spent $" in screen
    assert "300/300" in screen
    assert "complete: 300 answered" in screen


def test_llm_enrich_generates_asks_and_writes_the_samples(tmp_path: Path) -> None:
    out = tmp_path / "bios.jsonl"
    with ScriptedServer() as server:
        base = ["enrich", "--type", "json", "--count", "6", "--seed", "7", "--model", "m"]
        base += ["--base-url", server.base_url, "--field", "bio", "-o", str(out)]
        result = subprocess.run(
            cli(*base, "--prompt", "Bio of {name}"), capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        bad = subprocess.run(
            cli(*base, "--prompt", "Bio of {nmae}"), capture_output=True, text=True, timeout=60
        )
    samples = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert [s["index"] for s in samples] == list(range(6))
    assert all(s["bio"] == f"echo: Bio of {s['name']}" for s in samples)
    assert all(s["bio_status"] == "ok" and s["bio_error"] is None for s in samples)
    assert "complete: enriched 6 samples (6 ok, 0 failed, 0 invalid, 0 not_sent)" in result.stderr
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: sample 0: the prompt refers to {nmae}")
    assert bad.stderr.count("\n") == 1
    assert server.stats.requests == 6
