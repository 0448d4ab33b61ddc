"""The server against ferrosynth's own mock-llm endpoint, through the real client; and the worked
example of docs/server/index.md, run as written (ports substituted)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

synthgen = pytest.importorskip("synthgen")
mock = pytest.importorskip("ferrosynth.mock")

from synthgen.models import Task, TaskStatus  # noqa: E402

from tests.server.conftest import API_KEY, LiveServer, wait_for  # noqa: E402

DOC = Path(__file__).resolve().parents[2] / "docs" / "server" / "index.md"


@pytest.fixture
def mock_llm() -> Any:
    with mock.MockLLMServer(seed=7) as srv:
        yield srv


def tasks_for(srv: Any, n: int, **extra: Any) -> list[Task]:
    return [
        Task(
            custom_id=f"m-{i}",
            method="POST",
            url=srv.base_url + "/v1/chat/completions",
            api_key="sk-mock",
            body={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"hello {i}"}]},
            **extra,
        )
        for i in range(n)
    ]


def test_real_client_against_mock_llm(client: Any, server: LiveServer, mock_llm: Any) -> None:
    tasks = tasks_for(mock_llm, 12, use_cache=True)
    first = client.create_batch(tasks, chunk_size=5).batch_id
    wait_for(lambda: client.get_batch(first).batch_status == "COMPLETED", what="first batch")
    assert mock_llm.request_count == 12
    batch = client.get_batch(first)
    results = client.get_batch_tasks(first, task_status=TaskStatus.COMPLETED)
    assert len(results) == 12
    usage = [r.completions["usage"] for r in results]
    assert batch.prompt_tokens == sum(u["prompt_tokens"] for u in usage) > 0
    assert batch.completion_tokens == sum(u["completion_tokens"] for u in usage) > 0
    assert batch.total_tokens == sum(u["total_tokens"] for u in usage)
    # the same bodies again: served from the cache, the mock's counter does not move
    second = client.create_batch(tasks).batch_id
    wait_for(lambda: client.get_batch(second).batch_status == "COMPLETED", what="second batch")
    assert mock_llm.request_count == 12
    assert client.get_batch(second).cached_tasks == 12
    answers = {r.custom_id: r.completions for r in client.get_batch_tasks(second)}
    assert answers == {r.custom_id: r.completions for r in results}


def test_the_docs_worked_example_runs(
    server: LiveServer, mock_llm: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    text = DOC.read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.DOTALL)
    assert code is not None
    source = (
        code.group(1)
        .replace('port="8000"', f'port="{server.port}"')
        .replace('api_key="my-key"', f'api_key="{API_KEY}"')
        .replace("http://127.0.0.1:8001", mock_llm.base_url)
    )
    namespace: dict[str, Any] = {}
    try:
        exec(compile(source, str(DOC), "exec"), namespace)  # our own documentation
    finally:  # 0.0.7 has no close() nor `with` (its README says otherwise): close its httpx client
        if "client" in namespace:
            namespace["client"]._client.close()
    out = capsys.readouterr().out
    assert "Total Cost" in out
    assert out.count("COMPLETED") >= 10
    assert mock_llm.request_count == 10
