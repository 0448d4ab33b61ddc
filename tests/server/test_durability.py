"""Nothing lost: kill -9 at any moment, restart, and every task ends exactly once; several
processes share one store without processing a task twice; deleting a batch stops its work."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from ferrosynth.store.tasks import open_task_store
from tests.server.conftest import API_KEY, LiveServer, ServerProcess, base_config, wait_for
from tests.server.fake_llm import FakeLLM

HEADERS = {"Authorization": f"Bearer {API_KEY}"}


def jsonl(llm: FakeLLM, n: int, prefix: str) -> str:
    return "\n".join(
        json.dumps(
            {
                "url": llm.url,
                "method": "POST",
                "api_key": "sk-p",
                "custom_id": f"{prefix}-{i}",
                "body": {"model": "m", "messages": [{"role": "user", "content": f"{prefix} {i}"}]},
                "use_cache": True,
                "track_progress": True,
            }
        )
        for i in range(n)
    )


def post(url: str, text: str, batch_id: str) -> dict[str, Any]:
    response = httpx.post(
        f"{url}/api/v1/batches",
        params={"batch_id": batch_id},
        files={"file": ("batch.jsonl", text, "application/x-jsonlines")},
        headers=HEADERS,
        timeout=60,
    )
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result


def batch(url: str, batch_id: str) -> Any:
    return httpx.get(f"{url}/api/v1/batches/{batch_id}", headers=HEADERS, timeout=30).json()


def export(url: str, batch_id: str) -> list[dict[str, Any]]:
    text = httpx.get(
        f"{url}/api/v1/batches/{batch_id}/tasks/export", headers=HEADERS, timeout=60
    ).text
    return [t for line in text.splitlines() if line for t in json.loads(line)["tasks"]]


def completed_in_store(store_url: str, batch_id: str) -> set[str]:
    """What the store holds as answered, read straight from it (the process is dead)."""
    store = open_task_store(store_url)
    try:
        return {
            t.custom_id or "" for rows in store.export(batch_id, "COMPLETED", 1000) for t in rows
        }
    finally:
        store.close()


@pytest.fixture
def procs() -> Iterator[list[ServerProcess]]:
    started: list[ServerProcess] = []
    yield started
    for p in started:
        p.stop()


def test_kill_9_mid_batch_then_restart(
    store_url: str, llm: FakeLLM, procs: list[ServerProcess]
) -> None:
    n = 160
    # ~2 s of work at concurrency 8: the kill lands mid-batch, even on a fast machine
    llm.delay_s = 0.1
    first = ServerProcess(store_url, concurrency=8)
    procs.append(first)
    first.wait_ready()
    assert post(first.url, jsonl(llm, n, "k"), "kb")["total_tasks"] == n
    wait_for(lambda: batch(first.url, "kb")["completed_tasks"] >= 30, what="some progress")
    first.kill9()
    answered = completed_in_store(store_url, "kb")
    asked_before = llm.contents()
    assert 0 < len(answered) < n, "the kill must land mid-batch"

    second = ServerProcess(store_url, concurrency=8)
    procs.append(second)
    second.wait_ready()
    wait_for(lambda: batch(second.url, "kb")["batch_status"] == "COMPLETED", 60, "batch completed")
    tasks = export(second.url, "kb")
    ids = [t["custom_id"] for t in tasks]
    assert len(ids) == n
    assert sorted(ids) == sorted(f"k-{i}" for i in range(n))  # none dropped or duplicated
    assert len({t["message_id"] for t in tasks}) == n
    for t in tasks:
        assert t["status"] == "COMPLETED"
        content = t["body"]["messages"][0]["content"]
        assert t["completions"]["choices"][0]["message"]["content"] == f"echo: {content}"
    asked_after = llm.contents()
    # an answer stored before the kill is never requested again
    for custom_id in answered:
        content = custom_id.replace("-", " ")
        assert asked_after[content] == asked_before[content] == 1, content
    # every task was asked for; at most the calls in flight at the kill went out twice
    assert set(asked_after) == {f"k {i}" for i in range(n)}
    assert sum(asked_after.values()) - n <= 8


def test_kill_9_during_an_upload_stores_no_half_batch(
    store_url: str, llm: FakeLLM, procs: list[ServerProcess]
) -> None:
    first = ServerProcess(store_url)
    procs.append(first)
    first.wait_ready()
    lines = jsonl(llm, 8000, "u").encode()
    head = (
        b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="batch.jsonl"\r\n'
        b"Content-Type: application/x-jsonlines\r\n\r\n"
    )
    sent = threading.Event()

    def body() -> Iterator[bytes]:
        yield head
        for i in range(0, len(lines), 64 * 1024):
            yield lines[i : i + 64 * 1024]
            if i > len(lines) // 2:
                sent.set()
                time.sleep(30)  # hold the upload open: the server dies meanwhile

    def upload() -> None:
        with contextlib.suppress(httpx.HTTPError):
            httpx.post(
                f"{first.url}/api/v1/batches",
                params={"batch_id": "half"},
                content=body(),
                headers={**HEADERS, "Content-Type": "multipart/form-data; boundary=XyZ"},
                timeout=60,
            )

    thread = threading.Thread(target=upload, daemon=True)
    thread.start()
    assert sent.wait(30)
    time.sleep(0.5)  # the server has parsed and inserted the first half
    first.kill9()
    second = ServerProcess(store_url)
    procs.append(second)
    second.wait_ready()
    assert batch(second.url, "half") is None  # all or nothing
    assert llm.bodies == []


def test_api_and_workers_in_separate_processes_share_the_store(
    store_url: str, llm: FakeLLM, procs: list[ServerProcess]
) -> None:
    n = 300
    api = ServerProcess(store_url, role="api")
    workers = [ServerProcess(store_url, role="worker", concurrency=8) for _ in range(2)]
    procs.extend([api, *workers])
    api.wait_ready()
    assert post(api.url, jsonl(llm, n, "m"), "mb")["total_tasks"] == n
    wait_for(lambda: batch(api.url, "mb")["batch_status"] == "COMPLETED", 60, "batch completed")
    counts = llm.contents()
    assert len(counts) == n
    assert set(counts.values()) == {1}  # no task processed twice
    health = httpx.get(f"{api.url}/health", timeout=10).json()
    assert health["services"]["task_queue_consumers"] == 2
    assert health["services"]["task_queue_messages"] == 0


def test_delete_batch_cancels_queued_and_in_flight_work(store_url: str, llm: FakeLLM) -> None:
    llm.delay_s = 0.3
    with LiveServer(base_config(store_url, concurrency=4)) as server:
        post(server.url, jsonl(llm, 40, "d"), "del")
        wait_for(lambda: server.pool.busy > 0, what="calls in flight")
        deleted = httpx.delete(f"{server.url}/api/v1/batches/del", headers=HEADERS)
        assert deleted.status_code == 204
        assert server.pool.busy == 0  # in-flight calls cancelled at once
        asked = len(llm.bodies)
        assert asked <= 8
        time.sleep(0.5)
        assert len(llm.bodies) == asked  # nothing new was started after the delete
        assert batch(server.url, "del") is None
        assert server.store.queue_depth() == 0


def test_a_batch_id_can_be_used_again_right_after_its_batch_is_deleted(
    store_url: str, llm: FakeLLM
) -> None:
    with LiveServer(base_config(store_url, concurrency=4)) as server:
        post(server.url, jsonl(llm, 8, "first"), "again")
        wait_for(lambda: batch(server.url, "again")["batch_status"] == "COMPLETED", 30, "first")
        deleted = httpx.delete(f"{server.url}/api/v1/batches/again", headers=HEADERS)
        assert deleted.status_code == 204
        post(server.url, jsonl(llm, 8, "second"), "again")  # at once, under the same id
        wait_for(
            lambda: batch(server.url, "again")["batch_status"] == "COMPLETED", 30, "second run"
        )
        tasks = export(server.url, "again")
        assert sorted(t["custom_id"] for t in tasks) == sorted(f"second-{i}" for i in range(8))


def test_kill_9_of_one_worker_among_several(
    store_url: str, llm: FakeLLM, procs: list[ServerProcess]
) -> None:
    n = 120
    # ~2.3 s of work for the two workers: the kill lands mid-batch, even on a fast machine
    llm.delay_s = 0.15
    api = ServerProcess(store_url, role="api")
    doomed = ServerProcess(store_url, role="worker", concurrency=4)
    survivor = ServerProcess(store_url, role="worker", concurrency=4)
    procs.extend([api, doomed, survivor])
    api.wait_ready()
    post(api.url, jsonl(llm, n, "w"), "wb")
    wait_for(lambda: batch(api.url, "wb")["completed_tasks"] >= 20, what="some progress")
    doomed.kill9()  # its claimed tasks go back to the queue once its heartbeat is stale
    answered = completed_in_store(store_url, "wb")
    assert len(answered) < n, "the kill must land mid-batch"
    asked_before = llm.contents()
    wait_for(lambda: batch(api.url, "wb")["batch_status"] == "COMPLETED", 60, "batch completed")
    tasks = export(api.url, "wb")
    assert sorted(t["custom_id"] for t in tasks) == sorted(f"w-{i}" for i in range(n))
    asked_after = llm.contents()
    for custom_id in answered:
        content = custom_id.replace("-", " ")
        assert asked_after[content] == asked_before[content] == 1, content
    assert sum(asked_after.values()) - n <= 4  # at most the dead worker's calls in flight


def test_work_deleted_through_another_process_is_cancelled(store_url: str, llm: FakeLLM) -> None:
    llm.delay_s = 8.0  # far longer than the wait below: only a cancellation frees the slots
    with LiveServer(base_config(store_url, concurrency=4, lease_ttl_s=0.6)) as server:
        post(server.url, jsonl(llm, 12, "x"), "elsewhere")
        wait_for(lambda: server.pool.busy == 4, what="calls in flight")
        other = open_task_store(store_url)  # another server's API, sharing the store
        try:
            assert other.delete_batch("elsewhere") == 12
        finally:
            other.close()
        wait_for(lambda: server.pool.busy == 0, 3, "in-flight calls cancelled")
        assert len(llm.bodies) <= 8  # no call started for the deleted queue
