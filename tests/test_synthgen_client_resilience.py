"""The client rides out a server crash: ``ferrosynth server`` is killed with SIGKILL while
``monitor_batch`` waits, and restarted on the same port and store; the call returns every task,
done, once, without the caller seeing the outage."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from ferrosynth.synthgen import RetryPolicy, SynthgenClient
from ferrosynth.synthgen.models import Task, TaskStatus
from tests.synthgen_live import live_pair, needs_server

KEY = "resilience-key"
N = 16


@needs_server
def test_monitor_batch_rides_out_a_server_crash(tmp_path: Path) -> None:
    # 16 tasks, 2 at a time, 300 ms each: about 2.4 s of work, and the crash comes after the
    # first answer. A dead worker's claims go back to the queue after 1 s (--lease-ttl).
    mock_args = ("--latency-ms", "300")
    server_args = ("--concurrency", "2", "--lease-ttl", "1")
    with live_pair(tmp_path, KEY, mock=mock_args, server=server_args) as (llm, srv):
        provider = llm.url + "/v1/chat/completions"
        tasks = [
            Task(
                custom_id=f"t{i}",
                url=provider,
                body={"model": "m", "messages": [{"role": "user", "content": f"crash test {i}"}]},
            )
            for i in range(N)
        ]
        done_at_crash: list[int] = []
        failure: list[BaseException] = []

        def crash_and_restart() -> None:
            try:
                with SynthgenClient(srv.url, KEY) as watcher:
                    deadline = time.monotonic() + 60
                    while time.monotonic() < deadline:
                        batches = watcher.get_batches().batches
                        if batches and batches[0].done_tasks > 0:
                            done_at_crash.append(batches[0].done_tasks)
                            break
                        time.sleep(0.02)
                srv.kill()
                time.sleep(0.5)
                srv.start()
            except BaseException as e:  # surfaced by the assertions below
                failure.append(e)

        # jitter "none": retries 0.5, 1, 2, 2, ... s apart, about 20 s of patience in all
        policy = RetryPolicy(max_retries=12, base_delay=0.5, max_delay=2.0, jitter="none")
        crasher = threading.Thread(target=crash_and_restart)
        with SynthgenClient(srv.url, KEY, retry=policy) as client:
            crasher.start()
            results = client.monitor_batch(tasks=tasks, poll_interval=0.2)
            crasher.join()
    assert failure == []
    assert len(done_at_crash) == 1
    assert done_at_crash[0] < N  # the server died with work outstanding
    assert sorted(r.custom_id or "" for r in results) == sorted(f"t{i}" for i in range(N))
    assert {r.status for r in results} == {TaskStatus.COMPLETED}
