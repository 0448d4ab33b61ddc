"""``ferrosynth personas ...`` as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .scripted import persona_answers, scripted


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FERROSYNTH_PERSONAS_")}
    return subprocess.run(
        [sys.executable, "-m", "ferrosynth.cli", "personas", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )


def test_generate_offline(research: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = cli("generate", str(research), "--count", "2", "--provider", "mock", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert "[1/4] Loaded 3 file(s)" in done.stderr
    assert "wrote 2 personas" in done.stderr
    data = json.loads((out / "personas.json").read_text())
    assert len(data["personas"]) == 2
    assert (out / "personas.md").is_file()


def test_generate_against_a_base_url_with_budget_and_cache(research: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache.sqlite3"
    args = [
        "generate",
        str(research),
        "-n",
        "2",
        "--base-url",
        "",
        "--model",
        "gpt-4o-mini",
        "--max-cost",
        "0.50",
        "--cache",
        str(cache),
        "-o",
        str(out),
    ]
    with scripted(persona_answers) as server:
        args[5] = server.base_url + "/v1"
        first = cli(*args)
        assert first.returncode == 0, first.stderr
        second = cli(*args)
        assert second.returncode == 0, second.stderr
        assert server.count == 1
    assert "1 request(s), 0 cached" in first.stderr
    assert "0 request(s), 1 cached" in second.stderr


def test_over_budget_is_one_line_exit_2_and_no_request(research: Path, tmp_path: Path) -> None:
    with scripted(persona_answers) as server:
        done = cli(
            "generate",
            str(research),
            "--base-url",
            server.base_url + "/v1",
            "--model",
            "gpt-4o-mini",
            "--max-cost",
            "0.0000001",
            "-o",
            str(tmp_path),
        )
        assert server.count == 0
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1
    assert "max_cost" in lines[0]
    assert "nothing was sent" in lines[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["generate", "{missing}", "-o", "{tmp}"], "does not exist"),
        (["generate", "{data}", "-o", "{tmp}", "--provider", "nope"], "provider"),
        (["generate", "{data}", "-o", "{tmp}", "--max-cost", "lots"], "--max-cost must be"),
        (["generate", "{data}", "-o", "{tmp}", "--count", "0"], "--count must be >= 1"),
        (["estimate", "{data}", "--provider", "mock", "--count", "-3"], "--count must be"),
        (["experiment", "delete", "ghost", "--dir", "{tmp}"], "no experiment 'ghost'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    args: list[str], message: str, research: Path, tmp_path: Path
) -> None:
    filled = [a.format(missing=tmp_path / "missing", tmp=tmp_path, data=research) for a in args]
    done = cli(*filled)
    assert done.returncode == 2, done
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("error: ")
    assert message in done.stderr


def test_estimate_prints_json_and_sends_nothing(research: Path) -> None:
    done = cli(
        "estimate",
        str(research),
        "--base-url",
        "http://127.0.0.1:9/v1",
        "--model",
        "gpt-4o-mini",
        "-n",
        "3",
    )
    assert done.returncode == 0, done.stderr
    estimate = json.loads(done.stdout)
    assert estimate["count"] == 3
    assert estimate["total_cost"] > 0


def test_experiment_commands(research: Path, tmp_path: Path) -> None:
    root = tmp_path / "exp"
    made = cli(
        "experiment",
        "create",
        "Night Shift",
        "--dir",
        str(root),
        "--data",
        str(research),
        "--provider",
        "mock",
        "-n",
        "1",
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == str(root / "night-shift")
    again = cli("experiment", "create", "night shift", "--dir", str(root))
    assert again.returncode == 2
    assert "already exists" in again.stderr
    assert cli("experiment", "list", "--dir", str(root)).stdout == "night-shift\n"
    ran = cli("experiment", "run", "night-shift", "--dir", str(root))
    assert ran.returncode == 0, ran.stderr
    assert (Path(ran.stdout.strip()) / "personas.json").is_file()
    refused = cli("experiment", "delete", "night-shift", "--dir", str(root))
    assert refused.returncode == 2
    assert "confirm" in refused.stderr
    assert cli("experiment", "delete", "night-shift", "--dir", str(root), "--yes").returncode == 0
    assert not (root / "night-shift").exists()


def test_generate_against_mock_llm(research: Path, tmp_path: Path) -> None:
    from ferrosynth.mock import MockLLMServer

    with MockLLMServer(seed=0) as srv:
        done = cli(
            "generate",
            str(research),
            "-n",
            "3",
            "--base-url",
            srv.openai_base_url,
            "--model",
            "mock-model",
            "--response-format",
            "json_schema",
            "-o",
            str(tmp_path / "out"),
        )
        assert srv.request_count == 1
    assert done.returncode == 0, done.stderr
    assert len(json.loads((tmp_path / "out" / "personas.json").read_text())["personas"]) == 3
