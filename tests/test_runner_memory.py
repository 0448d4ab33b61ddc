"""Memory is flat in the number of requests: the peak RSS of a run of 10x more requests is the
same within a few MiB (each run in a fresh process, its peak reset after the imports through
``/proc/self/clear_refs``; the scripted server in this process).

The 1M-request figure is in docs/benchmarks.md (`benches/runner_figures.py rss`); here two
sizes small enough for CI: if the runner kept anything per request (the request, its answer, a
future, a set entry of its custom_id) 36,000 more requests would add well over the margin.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson

from tests.runner_support import ScriptedServer

CODE = """
import sys
from pathlib import Path
from ferrosynth.runner import run_batch
n = int(sys.argv[3])
with Path(sys.argv[1]).open("wb") as handle:  # written here, streamed: not held
    for i in range(n):
        body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"p{i}"}]}
        handle.write(b'{"custom_id":"r%d","body":%s}\\n' % (i, orjson.dumps(body)))
if len(sys.argv) > 5:  # a disk that stalls: the first fsync takes this long
    import os, time
    fsync, stall = os.fsync, [float(sys.argv[5])]
    def slow_fsync(fd):
        time.sleep(stall.pop() if stall else 0)
        fsync(fd)
    os.fsync = slow_fsync
# Reset the peak ("high water mark") after the imports, so that it measures the run alone.
Path("/proc/self/clear_refs").write_text("5")
summary = run_batch(Path(sys.argv[1]), Path(sys.argv[2]), base_url=sys.argv[4], concurrency=64)
assert summary.progress.done == n, summary.line()
status = Path("/proc/self/status").read_text()
print(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
"""


def peak_rss_kib(tmp_path: Path, n: int, base_url: str, slow_fsync_s: float | None = None) -> int:
    folder = tmp_path / f"{n}-{slow_fsync_s}"
    folder.mkdir()
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import orjson\n" + CODE,
            str(folder / "in.jsonl"),
            str(folder / "out.jsonl"),
            str(n),
            base_url,
            *([] if slow_fsync_s is None else [str(slow_fsync_s)]),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "FERROSYNTH_CACHE": "off"},
    )
    assert result.returncode == 0, result.stderr
    lines = (folder / "out.jsonl").read_bytes().splitlines()
    assert len({orjson.loads(line)["custom_id"] for line in lines}) == n
    return int(result.stdout.split()[-1])


def test_peak_rss_does_not_grow_with_the_number_of_requests(tmp_path: Path) -> None:
    # Both sizes are past the point where SQLite's bounded page caches have filled (about
    # 20,000 requests), so what remains is per request: 60,000 more would add well over 8 MiB.
    with ScriptedServer(record=False) as server:
        small = peak_rss_kib(tmp_path, 20_000, server.base_url)
        large = peak_rss_kib(tmp_path, 80_000, server.base_url)
    # SQLite's page caches (2 MiB for each of the record's two connections) fill up to their
    # bound as the record grows: up to 4 MiB that are not per request.
    assert large - small < 8 * 1024, (small, large)


CODE_1M = """
import sys
from pathlib import Path
from ferrosynth.runner import BatchRunner
from ferrosynth.runner.engine import run_loop
source, out, base_url = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
with source.open("wb") as handle:  # one million lines, written here and streamed: not held
    for i in range(1_000_000):
        handle.write(b'{"custom_id":"r%d","body":{"model":"gpt-4o-mini","messages":'
                     b'[{"role":"user","content":"p%d"}]}}\\n' % (i, i))
Path("/proc/self/clear_refs").write_text("5")
runner = None
def stop_after(progress):
    if progress.done >= 4000:
        runner.request_stop()
runner = BatchRunner(source, out, base_url=base_url, concurrency=64, progress=stop_after,
                     progress_interval=0.02)
summary = run_loop(runner.run())
assert summary.progress.total == 1_000_000, summary.line()
assert summary.stopped == "interrupted", summary.line()
status = Path("/proc/self/status").read_text()
print(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
"""


def test_a_million_line_input_is_checked_and_read_in_flat_memory(tmp_path: Path) -> None:
    # The whole million lines are read, checked (JSON, fields, duplicates) and counted before
    # the first request; the run is then stopped after 4,000 answers. Its peak is compared with
    # a 4,000-request run of a 4,000-line file.
    with ScriptedServer(record=False) as server:
        small = peak_rss_kib(tmp_path, 4_000, server.base_url)
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                CODE_1M,
                str(tmp_path / "million.jsonl"),
                str(tmp_path / "million-out.jsonl"),
                server.base_url,
            ],
            capture_output=True,
            text=True,
            timeout=900,
            env={**os.environ, "FERROSYNTH_CACHE": "off"},
        )
    assert result.returncode == 0, result.stderr
    large = int(result.stdout.split()[-1])
    assert large - small < 8 * 1024, (small, large)


def test_peak_rss_stays_flat_when_the_disk_stalls(tmp_path: Path) -> None:
    # The first fsync stalls for 5 s while the answers keep coming: the workers wait once 1,024
    # answers wait for their commit instead of piling up the whole run in memory.
    with ScriptedServer(record=False) as server:
        small = peak_rss_kib(tmp_path, 4_000, server.base_url, slow_fsync_s=5)
        large = peak_rss_kib(tmp_path, 40_000, server.base_url, slow_fsync_s=5)
    assert large - small < 8 * 1024, (small, large)
