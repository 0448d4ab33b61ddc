"""Every call of synthgen-client 0.0.7's README, through the real client, on both stores."""

from __future__ import annotations

from typing import Any

import pytest

synthgen = pytest.importorskip("synthgen")

from synthgen.exceptions import APIError  # noqa: E402
from synthgen.models import CalendarInterval, Task, TaskStatus  # noqa: E402

from tests.server.conftest import LiveServer, wait_for  # noqa: E402
from tests.server.fake_llm import FakeLLM  # noqa: E402


def make_tasks(llm: FakeLLM, n: int, prefix: str = "solve", **extra: Any) -> list[Task]:
    return [
        Task(
            custom_id=f"task-{i:03d}",
            method="POST",
            url=llm.url,
            api_key="sk-provider-secret",
            body={"model": "qwen", "messages": [{"role": "user", "content": f"{prefix} {i}x + 4"}]},
            **extra,
        )
        for i in range(n)
    ]


def test_check_health(client: Any) -> None:
    health = client.check_health()
    assert health.status == "healthy"
    assert health.services.api == "healthy"
    assert health.services.task_queue_consumers >= 1


def test_monitor_batch_with_cost(
    client: Any, llm: FakeLLM, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks = make_tasks(llm, 10)
    # prices so high that the cost panel shows the token counts themselves (1 token = $1)
    results = client.monitor_batch(
        tasks=tasks, cost_by_1m_input_token=1_000_000, cost_by_1m_output_token=2_000_000
    )
    assert len(results) == 10
    assert {r.custom_id for r in results} == {t.custom_id for t in tasks}
    assert all(r.status == TaskStatus.COMPLETED for r in results)
    first = next(r for r in results if r.custom_id == "task-003")
    assert first.completions["choices"][0]["message"]["content"] == "echo: solve 3x + 4"
    batch = client.get_batch(results[0].batch_id)
    assert batch.batch_status == "COMPLETED"
    assert batch.completed_tasks == 10
    # every prompt has 4 words: 7 prompt and 5 completion tokens per task
    assert (batch.prompt_tokens, batch.completion_tokens, batch.total_tokens) == (70, 50, 120)
    out = capsys.readouterr().out
    assert "Total Cost" in out
    assert "$70.0000" in out  # input cost
    assert "$100.0000" in out  # output cost
    assert "$170.0000" in out  # total
    assert len(llm.bodies) == 10
    assert set(llm.auth) == {"Bearer sk-provider-secret"}


def test_create_batch_chunked_then_monitor_existing(
    client: Any, server: LiveServer, llm: FakeLLM
) -> None:
    tasks = make_tasks(llm, 11, dataset="customers", use_cache=True)
    response = client.create_batch(tasks, chunk_size=4)  # 3 uploads to one batch id
    assert response.total_tasks == 11
    batch = client.get_batch(response.batch_id)
    assert batch is not None
    assert batch.total_tasks == 11  # visible at once, with its full total
    results = client.monitor_batch(batch_id=response.batch_id)
    assert len(results) == 11
    assert {r.dataset for r in results} == {"customers"}
    listing = client.get_batches()
    assert listing.total == 1
    assert listing.batches[0].batch_id == response.batch_id


def test_batch_management(client: Any, llm: FakeLLM) -> None:
    tasks = make_tasks(llm, 6)
    llm.script["solve 1x + 4"] = [400]  # a permanent failure
    llm.script["solve 2x + 4"] = [503, 429]  # retried, then fine
    batch_id = client.create_batch(tasks).batch_id
    wait_for(lambda: client.get_batch(batch_id).batch_status == "FAILED", what="batch done")
    batch = client.get_batch(batch_id)
    assert (batch.completed_tasks, batch.failed_tasks, batch.pending_tasks) == (5, 1, 0)

    everything = client.get_batch_tasks(batch_id)
    assert len(everything) == 6
    failed = client.get_batch_tasks(batch_id, task_status=TaskStatus.FAILED)
    assert [t.custom_id for t in failed] == ["task-001"]
    assert "400" in failed[0].completions["error"]
    completed = client.get_batch_tasks(batch_id, task_status=TaskStatus.COMPLETED)
    assert len(completed) == 5
    assert llm.contents()["solve 2x + 4"] == 3

    stats = client.get_batch_stats(
        batch_id, time_range="1h", interval=CalendarInterval.MINUTE_SHORT
    )
    assert stats.summary.total_tasks == 6
    assert stats.summary.failed_tasks == 1
    assert stats.summary.completion_tokens == 25
    assert sum(p.total_tasks for p in stats.time_series) == 6
    with pytest.raises(APIError):
        client.get_batch_stats(batch_id, time_range="0h")  # refused by the client itself

    task = client.get_task(completed[0].message_id)
    assert task.status == TaskStatus.COMPLETED
    assert task.completed_at is not None
    assert task.custom_id == completed[0].custom_id

    totals = client.get_task_stats()
    assert (totals.total_tasks, totals.completed_tasks, totals.failed_tasks) == (6, 5, 1)

    client.delete_task(task.message_id)
    assert client.get_batch(batch_id).total_tasks == 5
    client.delete_batch(batch_id)
    assert client.get_batch(batch_id) is None
    assert client.get_batches().total == 0
    assert client.get_batch_tasks(batch_id) == []
    assert client.get_task_stats().total_tasks == 0


def test_cache_across_batches(client: Any, llm: FakeLLM) -> None:
    first = client.create_batch(make_tasks(llm, 4, use_cache=True)).batch_id
    wait_for(lambda: client.get_batch(first).batch_status == "COMPLETED", what="first batch")
    second = client.create_batch(make_tasks(llm, 4, use_cache=True)).batch_id
    wait_for(lambda: client.get_batch(second).batch_status == "COMPLETED", what="second batch")
    batch = client.get_batch(second)
    assert (batch.cached_tasks, batch.completed_tasks, batch.total_tokens) == (4, 0, 0)
    assert all(t.cached for t in client.get_batch_tasks(second))
    assert len(llm.bodies) == 4  # no provider call for the cached batch
    third = client.create_batch(make_tasks(llm, 4, use_cache=False)).batch_id
    wait_for(lambda: client.get_batch(third).batch_status == "COMPLETED", what="third batch")
    assert len(llm.bodies) == 8
    assert client.get_task_stats().cached_tasks == 4


def test_wrong_key_is_401_at_once(server: LiveServer) -> None:
    from synthgen import SynthgenClient

    bad = SynthgenClient(base_url="http://127.0.0.1", port=str(server.port), api_key="nope")
    with pytest.raises(APIError) as err:
        bad.get_batches()
    assert err.value.status_code == 401
    bad._client.close()
