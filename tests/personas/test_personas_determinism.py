"""Determinism: the same seed and inputs give byte-identical JSON in separate processes under
different PYTHONHASHSEED values; the global ``random`` is never touched."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

from ferrosynth.personas import PersonaGenerator, ScriptGenerator

SCRIPT = """
import sys
from ferrosynth.personas import PersonaGenerator
result = PersonaGenerator(provider="mock", seed=int(sys.argv[2])).generate(sys.argv[1], count=3)
sys.stdout.write(result.to_json_text())
"""


def run(research: Path, seed: int, hash_seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(research), str(seed)],
        capture_output=True,
        env=env,
        timeout=120,
        check=True,
    )
    return out.stdout


def test_byte_identical_across_processes_and_hash_seeds(research: Path) -> None:
    runs = {run(research, 7, h) for h in ("0", "1", "12345")}
    assert len(runs) == 1
    here = PersonaGenerator(provider="mock", seed=7).generate(research, count=3)
    assert runs == {here.to_json_text().encode()}
    assert run(research, 8, "0") not in runs


def test_the_global_random_is_never_used(research: Path) -> None:
    random.seed(1234)
    state = random.getstate()
    result = PersonaGenerator(provider="mock").generate(research, count=2)
    ScriptGenerator().batch_generate(result.personas)
    assert random.getstate() == state


def test_result_json_holds_no_clock_or_machine_details(research: Path, tmp_path: Path) -> None:
    result = PersonaGenerator(provider="mock").generate(research, count=1)
    text = result.to_json_text()
    assert str(research) not in text
    assert str(tmp_path) not in text
    assert "2026" not in text
    assert "time" not in text
