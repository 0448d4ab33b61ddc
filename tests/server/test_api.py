"""The HTTP contract in detail (specs/synthgen-api.md), on both stores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from tests.server.conftest import API_KEY, LiveServer, base_config, wait_for
from tests.server.fake_llm import FakeLLM


def line(llm: FakeLLM, content: str, **extra: Any) -> str:
    task = {
        "url": llm.url,
        "method": "POST",
        "body": {"model": "m", "messages": [{"role": "user", "content": content}]},
        "api_key": "sk-very-secret-provider-key",
        "custom_id": content,
        "use_cache": True,
        "track_progress": True,
        **extra,
    }
    return json.dumps(task)


def upload(
    server: LiveServer, text: str | bytes, batch_id: str | None = None, name: str = "batch.jsonl"
) -> httpx.Response:
    params = {"batch_id": batch_id} if batch_id else {}
    return httpx.post(
        f"{server.url}/api/v1/batches",
        params=params,
        files={"file": (name, text, "application/x-jsonlines")},
        headers=server.headers(),
        timeout=30,
    )


def get(server: LiveServer, path: str, **params: Any) -> httpx.Response:
    return httpx.get(f"{server.url}{path}", params=params, headers=server.headers(), timeout=30)


def test_auth_is_401_never_403(server: LiveServer) -> None:
    missing = httpx.get(f"{server.url}/api/v1/batches")
    assert missing.status_code == 401
    assert missing.json() == {"detail": "Not authenticated"}
    assert missing.headers["www-authenticate"] == "Bearer"
    basic = httpx.get(f"{server.url}/api/v1/batches", headers={"Authorization": "Basic abc"})
    assert basic.status_code == 401
    wrong = httpx.get(f"{server.url}/api/v1/batches", headers={"Authorization": "Bearer x"})
    assert wrong.status_code == 401
    assert wrong.json() == {"detail": "Invalid authentication credentials"}
    for path in ("/token", "/api/v1/tasks/stats", "/api/v1/batches/b/tasks/export"):
        assert httpx.get(f"{server.url}{path}").status_code == 401
    assert httpx.delete(f"{server.url}/api/v1/batches/b").status_code == 401
    assert get(server, "/token").json() == {"isValid": True}
    # public
    assert httpx.get(f"{server.url}/health").status_code == 200
    assert httpx.get(f"{server.url}/").json()["docs_url"] == "/docs"
    assert httpx.get(f"{server.url}/openapi.json").status_code == 200
    assert httpx.get(f"{server.url}/docs").status_code == 200


def test_unknowns_answer_null_and_empty(server: LiveServer) -> None:
    assert get(server, "/api/v1/batches").json() == {"total": 0, "batches": []}
    response = get(server, "/api/v1/batches/nope")
    assert (response.status_code, response.text) == (200, "null")
    response = get(server, "/api/v1/tasks/nope")
    assert (response.status_code, response.text) == (200, "null")
    response = get(server, "/api/v1/batches/nope/tasks/export")
    assert response.text == '{"tasks":[],"total":0}\n'
    stats = get(server, "/api/v1/batches/nope/stats").json()
    assert stats["time_series"] == []
    assert stats["summary"]["total_tasks"] == 0
    gone = httpx.delete(f"{server.url}/api/v1/tasks/nope", headers=server.headers())
    assert gone.status_code == 404
    assert gone.json() == {"detail": "Task with message_id nope not found"}
    deleted = httpx.delete(f"{server.url}/api/v1/batches/nope", headers=server.headers())
    assert (deleted.status_code, deleted.content) == (204, b"")


def test_upload_validation(server: LiveServer, llm: FakeLLM) -> None:
    bad_name = upload(server, line(llm, "a"), name="batch.csv")
    assert bad_name.status_code == 400
    assert bad_name.json() == {"detail": "Only JSONL files are supported"}
    no_file = httpx.post(
        f"{server.url}/api/v1/batches",
        files={"other": ("x.jsonl", b"{}")},
        headers=server.headers(),
    )
    assert no_file.status_code == 422
    assert no_file.json()["detail"][0]["loc"] == ["body", "file"]
    not_multipart = httpx.post(
        f"{server.url}/api/v1/batches", content=b"{}", headers=server.headers()
    )
    assert not_multipart.status_code == 422


def test_malformed_lines_are_counted_never_a_500(server: LiveServer, llm: FakeLLM) -> None:
    text = "\n".join(
        [
            line(llm, "good one"),
            "{not json",
            "[1, 2]",
            json.dumps({"url": llm.url, "method": "POST"}),  # no body
            json.dumps({"url": llm.url, "method": "POST", "body": "a string"}),
            json.dumps({"method": "POST", "body": {}}),  # no url
            "",  # a blank line is not an error
            "\xff\xfe".encode("latin-1").decode("latin-1"),
            line(llm, "good two"),
        ]
    )
    response = upload(server, text.encode("utf-8", "surrogateescape"), batch_id="b1")
    assert response.status_code == 200
    report = response.json()
    assert report["batch_id"] == "b1"
    assert report["total_tasks"] == 2
    assert report["rejected_lines"] == 6
    assert [e["line"] for e in report["errors"]] == [2, 3, 4, 5, 6, 8]
    assert get(server, "/api/v1/batches/b1").json()["total_tasks"] == 2
    # nothing accepted: still a 200, and no batch appears
    empty = upload(server, "garbage\n", batch_id="b2")
    assert (empty.status_code, empty.json()["total_tasks"]) == (200, 0)
    assert get(server, "/api/v1/batches/b2").text == "null"


def test_upload_size_limit_stores_nothing(store_url: str, llm: FakeLLM) -> None:
    with LiveServer(base_config(store_url, max_upload_bytes=50_000)) as server:
        text = "\n".join(line(llm, f"task {i}") for i in range(1000))  # ~250 kB
        response = upload(server, text, batch_id="big")
        assert response.status_code == 413
        assert get(server, "/api/v1/batches/big").text == "null"
        small = upload(server, line(llm, "fits"), batch_id="small")
        assert small.json()["total_tasks"] == 1


def test_batch_is_visible_with_full_total_when_upload_returns(
    server: LiveServer, llm: FakeLLM
) -> None:
    text = "\n".join(line(llm, f"q {i}", use_cache=False) for i in range(300))
    report = upload(server, text, batch_id="vis").json()
    assert report["total_tasks"] == 300
    batch = get(server, "/api/v1/batches/vis").json()
    assert batch["total_tasks"] == 300
    assert batch["batch_status"] in ("PENDING", "PROCESSING", "COMPLETED")
    appended = upload(server, line(llm, "one more"), batch_id="vis").json()
    assert appended["total_tasks"] == 1
    assert get(server, "/api/v1/batches/vis").json()["total_tasks"] == 301


def test_task_records_and_export_lines(server: LiveServer, llm: FakeLLM) -> None:
    text = "\n".join(
        [
            line(llm, "alpha", dataset="d1", source={"row": 1}),
            line(llm, "beta", track_progress=False),
            line(llm, "gamma"),
        ]
    )
    llm.script["gamma"] = ["notjson"]
    upload(server, text, batch_id="ex")
    wait_for(
        lambda: get(server, "/api/v1/batches/ex").json()["batch_status"] == "FAILED",
        what="batch finished",
    )
    batch = get(server, "/api/v1/batches/ex").json()
    assert (batch["completed_tasks"], batch["failed_tasks"], batch["pending_tasks"]) == (2, 1, 0)
    assert isinstance(batch["duration"], int)
    assert batch["created_at"].endswith("+00:00")
    raw = get(server, "/api/v1/batches/ex/tasks/export").text
    lines = raw.split("\n")
    assert lines[-1] == ""
    chunks = [json.loads(x) for x in lines[:-1]]
    tasks = {t["custom_id"]: t for c in chunks for t in c["tasks"]}
    assert set(tasks) == {"alpha", "beta", "gamma"}
    alpha = tasks["alpha"]
    assert alpha["status"] == "COMPLETED"
    assert alpha["cached"] is False
    assert isinstance(alpha["duration"], int)
    assert alpha["dataset"] == "d1"
    assert alpha["source"] == {"row": 1}
    assert alpha["completions"]["usage"]["total_tokens"] == 6
    assert alpha["body"]["messages"][0]["content"] == "alpha"
    assert "not JSON" in tasks["gamma"]["completions"]["error"]
    assert "sk-very-secret-provider-key" not in raw
    failed = get(server, "/api/v1/batches/ex/tasks/export", task_status="FAILED").json()
    assert [t["custom_id"] for t in failed["tasks"]] == ["gamma"]
    assert failed["total"] == 1
    bad = get(server, "/api/v1/batches/ex/tasks/export", task_status="DONE")
    assert bad.status_code == 422
    one = get(server, f"/api/v1/tasks/{alpha['message_id']}").json()
    assert one == alpha
    page = get(server, "/api/v1/batches/ex/tasks", page=1, page_size=1).json()
    assert (page["total"], page["page"], page["page_size"], len(page["tasks"])) == (2, 1, 1, 1)
    assert get(server, "/api/v1/batches/ex/tasks", page=0).status_code == 422


def test_stats_parameters(server: LiveServer, llm: FakeLLM) -> None:
    upload(server, line(llm, "s1"), batch_id="st")
    wait_for(
        lambda: get(server, "/api/v1/batches/st").json()["batch_status"] == "COMPLETED",
        what="batch done",
    )
    for bad in ("0h", "24", "1441m", "721h", "366d", "-1h"):
        response = get(server, "/api/v1/batches/st/stats", time_range=bad)
        assert response.status_code == 400, bad
        assert response.json()["detail"].startswith("Invalid time_range parameter")
    assert get(server, "/api/v1/batches/st/stats", interval="2h").status_code == 422
    for interval in ("minute", "1m", "hour", "1d", "week", "1M", "quarter", "1y"):
        stats = get(server, "/api/v1/batches/st/stats", time_range="5m", interval=interval).json()
        assert stats["interval"] == interval
        assert len(stats["time_series"]) == 1
        summary = stats["summary"]
        assert summary["completion_tokens"] == summary["total_completion_tokens"] == 2
        assert summary["total_prompt_tokens"] == 4
        assert summary["cache_hit_rate"] == 0


def test_cors_off_by_default_and_on_when_enabled(store_url: str, server: LiveServer) -> None:
    origin = {"Origin": "http://example.test", "Access-Control-Request-Method": "GET"}
    response = httpx.options(f"{server.url}/api/v1/batches", headers=origin)
    assert "access-control-allow-origin" not in response.headers
    config = base_config(store_url, cors_origins=("http://example.test",))
    with LiveServer(config) as open_server:
        response = httpx.options(f"{open_server.url}/api/v1/batches", headers=origin)
        assert response.headers["access-control-allow-origin"] == "http://example.test"


def test_provider_key_is_never_stored_in_plain_text(
    server: LiveServer, llm: FakeLLM, store_url: str, tmp_path: Path
) -> None:
    secret = "sk-very-secret-provider-key"
    llm.script["k1"] = ["slow"]
    llm.slow_s = 1.0
    upload(server, "\n".join([line(llm, "k1"), line(llm, "k2")]), batch_id="keys")
    if not store_url.startswith("postgresql"):  # the SQLite file and its WAL, while queued
        for path in Path(store_url).parent.glob("tasks.db*"):
            assert secret.encode() not in path.read_bytes()
    wait_for(
        lambda: get(server, "/api/v1/batches/keys").json()["batch_status"] == "COMPLETED",
        what="batch done",
    )
    assert set(llm.auth) == {f"Bearer {secret}"}
    # finished: the sealed copy is dropped (after its grace period; collected at once here)
    assert server.store.collect_credentials(0) == 1
    for path in ("/api/v1/batches/keys/tasks/export", "/api/v1/batches", "/api/v1/tasks/stats"):
        assert secret not in get(server, path).text
    assert API_KEY not in get(server, "/health").text
