"""The sync Synthgen client against scripted loopback servers: configuration, retries, errors,
the chunked upload, the streamed export, monitor_batch and its display."""

from __future__ import annotations

import doctest
import importlib
import io
import json
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rich.console import Console

from ferrosynth.errors import ConfigError, FerrosynthError
from ferrosynth.synthgen import APIError, RetryPolicy, SynthgenClient
from ferrosynth.synthgen.models import CalendarInterval, Task, TaskStatus
from tests.synthgen_loopback import (
    FakeSynthgen,
    Reply,
    Request,
    ScriptedServer,
    gate_lines,
    multipart_file,
    sequence,
)

FAST = RetryPolicy(max_retries=3, base_delay=0.01, max_delay=0.02)
HEALTH = {"status": "healthy", "services": {"api": "healthy"}}


def task(i: int, **kw: object) -> Task:
    fields: dict[str, object] = {
        "custom_id": f"t{i}",
        "url": "http://127.0.0.1:9/v1/chat/completions",
        "api_key": "provider-key",
        "body": {"model": "m", "messages": [{"role": "user", "content": f"q{i}"}]},
    }
    return Task.model_validate({**fields, **kw})


@pytest.fixture
def fake() -> Iterator[tuple[ScriptedServer, FakeSynthgen]]:
    state = FakeSynthgen()
    with ScriptedServer(state) as srv:
        yield srv, state


@pytest.fixture(autouse=True)
def _no_synthgen_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SYNTHGEN_BASE_URL", raising=False)
    monkeypatch.delenv("SYNTHGEN_API_KEY", raising=False)


# -- configuration ---------------------------------------------------------------------------


def test_arguments_beat_environment_beat_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps({"base_url": "http://file:1", "api_key": "kf", "timeout": 7}))
    with SynthgenClient(config_file=cfg) as c:
        assert (c.base_url, c.timeout, c._http.headers["authorization"]) == (
            "http://file:1",
            7.0,
            "Bearer kf",
        )
    monkeypatch.setenv("SYNTHGEN_BASE_URL", "http://env:2")
    monkeypatch.setenv("SYNTHGEN_API_KEY", "ke")
    with SynthgenClient(config_file=cfg) as c:
        assert (c.base_url, c.timeout, c._http.headers["authorization"]) == (
            "http://env:2",
            7.0,
            "Bearer ke",
        )
    with SynthgenClient("http://arg:3/", "ka", 9, config_file=cfg) as c:
        assert (c.base_url, c.timeout, c._http.headers["authorization"]) == (
            "http://arg:3",
            9.0,
            "Bearer ka",
        )


def test_a_bad_config_file_names_the_file_and_the_problem(tmp_path: Path) -> None:
    cfg = tmp_path / "config.json"
    cfg.write_text('{"base_url": "http://x", "api_kye": "k"}')
    with pytest.raises(ConfigError, match=r"unknown key.*api_kye"):
        SynthgenClient(config_file=cfg)
    cfg.write_text("{nope")
    with pytest.raises(ConfigError, match=r"config.json: not valid JSON at line 1"):
        SynthgenClient(config_file=cfg)
    with pytest.raises(ConfigError, match="cannot read"):
        SynthgenClient(config_file=tmp_path / "missing.json")
    with pytest.raises(ConfigError, match="base_url must be an http"):
        SynthgenClient(base_url="localhost:8000")


def test_the_api_key_is_never_in_repr(tmp_path: Path) -> None:
    client = SynthgenClient("http://h:1", api_key="sekrit")
    t = task(1)
    assert "sekrit" not in repr(client)
    assert "provider-key" not in repr(t)
    client.close()


# -- retries and errors ----------------------------------------------------------------------


@pytest.mark.parametrize("status", [401, 403, 404, 422, 400])
def test_client_errors_surface_at_once_after_exactly_one_request(status: int) -> None:
    reply = Reply(status, json={"detail": f"nope {status}"})
    with (
        ScriptedServer(sequence(reply)) as srv,
        SynthgenClient(srv.base_url, "k", retry=FAST) as client,
        pytest.raises(APIError) as info,
    ):
        client.get_batches()
    assert len(srv.requests) == 1
    e = info.value
    assert e.status_code == status
    assert isinstance(e, FerrosynthError)
    assert e.response is not None
    assert f"nope {status}" in e.response.text
    assert f"GET /api/v1/batches: HTTP {status}" in e.message
    assert f"nope {status}" in e.message


def test_delete_of_an_unknown_task_is_a_404_at_once(
    fake: tuple[ScriptedServer, FakeSynthgen],
) -> None:
    srv, _ = fake
    with (
        SynthgenClient(srv.base_url, "your-api-key", retry=FAST) as client,
        pytest.raises(APIError) as info,
    ):
        client.delete_task("nope")
    assert info.value.status_code == 404
    assert srv.paths() == ["DELETE /api/v1/tasks/nope"]


def test_unknown_task_on_get_is_a_404_api_error(fake: tuple[ScriptedServer, FakeSynthgen]) -> None:
    srv, _ = fake
    with (
        SynthgenClient(srv.base_url, "your-api-key", retry=FAST) as client,
        pytest.raises(APIError, match="not found") as info,
    ):
        client.get_task("nope")
    assert info.value.status_code == 404
    assert len(srv.requests) == 1


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_transient_statuses_are_retried_then_succeed(status: int) -> None:
    ok = Reply(json={"total": 0, "batches": []})
    with (
        ScriptedServer(sequence(Reply(status), Reply(status), ok)) as srv,
        SynthgenClient(srv.base_url, "k", retry=FAST) as client,
    ):
        assert client.get_batches().total == 0
    assert len(srv.requests) == 3


def test_retries_are_bounded_and_the_last_status_is_reported() -> None:
    with (
        ScriptedServer(sequence(Reply(503, json={"detail": "busy"}))) as srv,
        SynthgenClient(srv.base_url, "k", max_retries=2, retry=FAST) as client,
        pytest.raises(APIError, match=r"HTTP 503.*busy") as info,
    ):
        client.get_batches()
    assert info.value.status_code == 503
    assert len(srv.requests) == 3


@pytest.mark.parametrize("jitter", ["none", "full"])
def test_backoff_is_exponential_with_jitter(jitter: str, monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr("ferrosynth.synthgen.client.time.sleep", waits.append)
    ok = Reply(json={"total": 0, "batches": []})
    policy = RetryPolicy(max_retries=5, base_delay=1.0, max_delay=5.0, jitter=jitter)  # type: ignore[arg-type]
    replies = sequence(Reply(503), Reply(502), Reply(500), Reply(429), ok)
    with ScriptedServer(replies) as srv, SynthgenClient(srv.base_url, "k", retry=policy) as client:
        client.get_batches()
    caps = [1.0, 2.0, 4.0, 5.0]
    if jitter == "none":
        assert waits == caps
    else:
        assert len(waits) == 4
        assert all(0 <= w <= cap for w, cap in zip(waits, caps, strict=True))


def test_retry_after_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr("ferrosynth.synthgen.client.time.sleep", waits.append)
    ok = Reply(json={"total": 0, "batches": []})
    slow = Reply(429, headers={"retry-after": "0.3"})
    with (
        ScriptedServer(sequence(slow, ok)) as srv,
        SynthgenClient(srv.base_url, "k", retry=RetryPolicy(3, 0.0, 5.0)) as client,
    ):
        client.get_batches()
    assert len(srv.requests) == 2
    assert waits == [0.3]


def test_a_dropped_connection_is_retried() -> None:
    ok = Reply(json={"total": 0, "batches": []})
    with (
        ScriptedServer(sequence(Reply(drop=True), ok)) as srv,
        SynthgenClient(srv.base_url, "k", retry=FAST) as client,
    ):
        assert client.get_batches().total == 0
    assert len(srv.requests) == 2


def test_a_timeout_is_retried() -> None:
    calls: list[float] = []
    release = threading.Event()

    def handler(req: Request) -> Reply:
        calls.append(time.monotonic())
        if len(calls) == 1:
            release.wait(10)  # far past the client's timeout: only a retry can succeed
        return Reply(json={"total": 0, "batches": []})

    with (
        ScriptedServer(handler) as srv,
        SynthgenClient(srv.base_url, "k", timeout=1.0, retry=FAST) as client,
    ):
        assert client.get_batches().total == 0
        release.set()
    assert len(calls) == 2


def test_an_unreachable_server_is_an_api_error_without_status() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with (
        SynthgenClient(f"http://127.0.0.1:{port}", "k", max_retries=2, retry=FAST) as client,
        pytest.raises(APIError, match=r"no answer from .* after 3 attempt") as info,
    ):
        client.check_health()
    assert info.value.status_code is None
    assert info.value.response is None


def test_an_answer_of_the_wrong_shape_is_an_api_error() -> None:
    with (
        ScriptedServer(sequence(Reply(json={"total": "many"}))) as srv,
        SynthgenClient(srv.base_url, "k", retry=FAST) as client,
    ):
        with pytest.raises(APIError, match="not a valid BatchList: total"):
            client.get_batches()
        srv.handler = sequence(Reply(body=b"<html>"))
        with pytest.raises(APIError, match="not JSON"):
            client.get_batches()


def test_the_closed_client_refuses_calls() -> None:
    client = SynthgenClient("http://127.0.0.1:9", "k")
    client.close()
    with pytest.raises(FerrosynthError, match="closed"):
        client.get_batches()


# -- upload ----------------------------------------------------------------------------------


def test_create_batch_uploads_chunks_to_one_batch(
    fake: tuple[ScriptedServer, FakeSynthgen],
) -> None:
    srv, state = fake
    with SynthgenClient(srv.base_url, "your-api-key") as client:
        resp = client.create_batch((task(i) for i in range(7)), chunk_size=3)
    posts = [r for r in srv.requests if r.method == "POST"]
    assert resp.total_tasks == 7
    assert len(posts) == 3
    assert {r.query["batch_id"] for r in posts} == {resp.batch_id}
    name, ctype, content = multipart_file(posts[0])
    assert (name, ctype) == ("batch.jsonl", "application/x-jsonlines")
    lines = [json.loads(x) for x in content.decode().split("\n")]
    assert len(lines) == 3
    assert set(lines[0]) == {
        "url",
        "body",
        "api_key",
        "custom_id",
        "method",
        "dataset",
        "source",
        "use_cache",
        "track_progress",
    }
    assert lines[0]["api_key"] == "provider-key"
    assert lines[0]["use_cache"] is True
    assert sorted(t["custom_id"] for t in state.tasks.values()) == [f"t{i}" for i in range(7)]


def test_create_batch_can_append_to_a_named_batch_and_sends_nothing_for_no_tasks(
    fake: tuple[ScriptedServer, FakeSynthgen],
) -> None:
    srv, _ = fake
    with SynthgenClient(srv.base_url, "your-api-key") as client:
        assert client.create_batch([]).total_tasks == 0
        assert srv.requests == []
        client.create_batch([task(1)], batch_id="mine")
        client.create_batch([task(2)], batch_id="mine")
        batch = client.get_batch("mine")
    assert batch is not None
    assert batch.total_tasks == 2


def test_an_upload_is_not_resent_after_a_500_but_is_after_a_503() -> None:
    ok = Reply(json={"batch_id": "b", "total_tasks": 1})
    with (
        ScriptedServer(sequence(Reply(500), ok)) as srv,
        SynthgenClient(srv.base_url, "k", retry=FAST) as client,
    ):
        with pytest.raises(APIError) as info:
            client.create_batch([task(1)])
        assert info.value.status_code == 500
        assert len(srv.requests) == 1
        srv.handler = sequence(Reply(503), ok)
        assert client.create_batch([task(1)]).total_tasks == 1
    assert len(srv.requests) == 3


def test_create_batch_rejects_what_is_not_a_task() -> None:
    with SynthgenClient("http://127.0.0.1:9", "k") as client:
        with pytest.raises(TypeError, match="item 1 is dict"):
            client.create_batch([task(1), {"url": "x"}])  # type: ignore[list-item]
        with pytest.raises(ValueError, match="chunk_size"):
            client.create_batch([task(1)], chunk_size=0)


def test_task_rejects_misspelt_flags() -> None:
    with pytest.raises(ValueError, match="use_cahce"):
        Task(url="u", body={}, use_cahce=False)  # type: ignore[call-arg]


# -- export ----------------------------------------------------------------------------------


def record(i: int, status: str = "COMPLETED") -> dict[str, object]:
    return {
        "message_id": f"m{i}",
        "custom_id": f"c{i}",
        "status": status,
        "created_at": "2025-03-12T10:00:00+00:00",
    }


def test_the_export_is_parsed_as_it_arrives() -> None:
    gate = threading.Event()
    lines = [
        json.dumps({"tasks": [record(0), record(1)], "total": 4}).encode() + b"\n",
        b"\n",
        json.dumps({"tasks": [record(2), record(3)], "total": 4}).encode() + b"\n",
    ]
    handler = sequence(Reply(chunks=gate_lines(lines, gate)))
    with ScriptedServer(handler) as srv, SynthgenClient(srv.base_url, "k") as client:
        it = client.iter_batch_tasks("b", TaskStatus.COMPLETED)
        first = next(it)  # would block until the gate's 5 s timeout if the client buffered
        gate.set()
        rest = list(it)
    assert [t.custom_id for t in [first, *rest]] == ["c0", "c1", "c2", "c3"]
    assert srv.requests[0].query == {"task_status": "COMPLETED"}


def test_get_batch_tasks_filters_by_status(fake: tuple[ScriptedServer, FakeSynthgen]) -> None:
    srv, _ = fake
    with SynthgenClient(srv.base_url, "your-api-key") as client:
        bid = client.create_batch([task(1), task(2, body={"fail": 1, "messages": []})]).batch_id
        client.get_batch(bid)
        failed = client.get_batch_tasks(bid, task_status=TaskStatus.FAILED)
        every = client.get_batch_tasks(bid)
        with pytest.raises(ValueError, match="task_status must be one of"):
            client.get_batch_tasks(bid, task_status="DONE")
    assert [t.status for t in failed] == [TaskStatus.FAILED]
    assert len(every) == 2


def test_export_errors_are_api_errors_and_never_retried_into_duplicates() -> None:
    with (
        ScriptedServer(sequence(Reply(404, json={"detail": "gone"}))) as srv,
        SynthgenClient(srv.base_url, "k", retry=FAST) as client,
    ):
        with pytest.raises(APIError) as info:
            client.get_batch_tasks("b")
        assert info.value.status_code == 404
        assert len(srv.requests) == 1
        srv.handler = sequence(Reply(chunks=[b"[1, 2]\n"]))
        with pytest.raises(APIError, match="no 'tasks' list"):
            client.get_batch_tasks("b")


def test_export_to_a_file(tmp_path: Path, fake: tuple[ScriptedServer, FakeSynthgen]) -> None:
    srv, _ = fake
    out = tmp_path / "tasks.jsonl"
    with SynthgenClient(srv.base_url, "your-api-key") as client:
        bid = client.create_batch([task(i) for i in range(5)]).batch_id
        assert client.export_batch_tasks(bid, out) == 5
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert sorted(r["custom_id"] for r in rows) == [f"t{i}" for i in range(5)]
    assert not (tmp_path / "tasks.jsonl.part").exists()


# -- stats, health ---------------------------------------------------------------------------


def test_stats_check_arguments_before_sending(fake: tuple[ScriptedServer, FakeSynthgen]) -> None:
    srv, _ = fake
    with SynthgenClient(srv.base_url, "your-api-key") as client:
        for bad in ("0h", "1441m", "1y", "24"):
            with pytest.raises(APIError, match="invalid time_range") as info:
                client.get_batch_stats("b", time_range=bad)
            assert info.value.status_code is None
        with pytest.raises(APIError, match="invalid interval"):
            client.get_batch_stats("b", interval="2h")
        stats = client.get_batch_stats("b", "7d", CalendarInterval.MONTH_SHORT)
    assert srv.requests[-1].query == {"time_range": "7d", "interval": "1M"}
    assert len(srv.requests) == 1
    assert stats.time_series == []


def test_stats_cache_hit_rate_is_a_fraction(fake: tuple[ScriptedServer, FakeSynthgen]) -> None:
    srv, _ = fake
    with SynthgenClient(srv.base_url, "your-api-key") as client:
        bid = client.create_batch([task(1), task(1)]).batch_id  # same body: the second is cached
        client.get_batch(bid)
        stats = client.get_batch_stats(bid)
    assert stats.summary.cached_tasks == 1
    assert stats.summary.cache_hit_rate == 0.5
    assert f"{stats.summary.cache_hit_rate:.2%}" == "50.00%"


def test_health_and_task_stats(fake: tuple[ScriptedServer, FakeSynthgen]) -> None:
    srv, _ = fake
    with SynthgenClient(srv.base_url, "your-api-key") as client:
        health = client.check_health()
        assert health.services.queue_consumers == 3
        client.create_batch([task(1), task(2)])
        stats = client.get_task_stats()
    assert (stats.total_tasks, stats.pending_tasks) == (2, 2)
    assert "authorization" not in {k for k in srv.requests[0].headers if k == "x"}


# -- monitor_batch ---------------------------------------------------------------------------


def test_monitor_batch_submits_waits_and_returns_every_task(
    fake: tuple[ScriptedServer, FakeSynthgen],
) -> None:
    srv, _ = fake
    with SynthgenClient(srv.base_url, "your-api-key") as client:
        results = client.monitor_batch(tasks=[task(i) for i in range(7)], poll_interval=0.01)
    assert sorted(r.custom_id or "" for r in results) == [f"t{i}" for i in range(7)]
    assert all(r.status == TaskStatus.COMPLETED and r.content for r in results)
    polls = [x for x in srv.paths() if x.startswith("GET /api/v1/batches/")]
    assert srv.paths()[0] == "GET /health"
    assert len(polls) >= 3


def test_monitor_batch_stops_on_cached_tasks_and_failures(
    fake: tuple[ScriptedServer, FakeSynthgen],
) -> None:
    srv, _ = fake
    with SynthgenClient(srv.base_url, "your-api-key") as client:
        client.monitor_batch(tasks=[task(1)], poll_interval=0.01)
        tasks = [task(1), task(2, body={"fail": 1, "messages": []})]
        results = client.monitor_batch(tasks=tasks, poll_interval=0.01)
    assert sorted((r.status.value, r.cached) for r in results) == [
        ("COMPLETED", True),
        ("FAILED", False),
    ]


def test_monitor_batch_draws_progress_and_cost_on_a_given_console(
    fake: tuple[ScriptedServer, FakeSynthgen],
) -> None:
    srv, _ = fake
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=100, color_system=None)
    with SynthgenClient(srv.base_url, "your-api-key") as client:
        bid = client.create_batch([task(i) for i in range(4)]).batch_id
        results = client.monitor_batch(
            batch_id=bid,
            cost_by_1m_input_token=1_000_000,
            cost_by_1m_output_token=2_000_000,
            poll_interval=0.01,
            console=console,
        )
        batch = client.get_batch(bid)
    assert batch is not None
    assert len(results) == 4
    out = buf.getvalue()
    expected = batch.prompt_tokens * 1 + batch.completion_tokens * 2
    assert "System health" in out
    assert f"Batch ID: {bid}" in out
    assert re.search(rf"Total Cost:\s+\${expected:.4f}", out)
    assert f"total cost ${expected:.4f}" in out


def test_monitor_batch_is_quiet_when_stderr_is_not_a_terminal(
    fake: tuple[ScriptedServer, FakeSynthgen], capsys: pytest.CaptureFixture[str]
) -> None:
    srv, _ = fake
    with SynthgenClient(srv.base_url, "your-api-key") as client:
        client.monitor_batch(tasks=[task(1)], poll_interval=0.01)
    assert capsys.readouterr() == ("", "")


def test_monitor_batch_display_forced_on_goes_to_stderr_only(
    fake: tuple[ScriptedServer, FakeSynthgen], capsys: pytest.CaptureFixture[str]
) -> None:
    srv, _ = fake
    with SynthgenClient(srv.base_url, "your-api-key") as client:
        client.monitor_batch(tasks=[task(1)], poll_interval=0.01, display=True)
    out, err = capsys.readouterr()
    assert out == ""
    assert "System health" in err
    assert "╯\nBatch " in err
    assert "1 task(s) downloaded; total cost $0.0000" in " ".join(err.split())


def test_monitor_batch_argument_errors_and_timeout(
    fake: tuple[ScriptedServer, FakeSynthgen],
) -> None:
    srv, state = fake
    state.per_poll = 0
    with SynthgenClient(srv.base_url, "your-api-key") as client:
        with pytest.raises(ValueError, match="exactly one"):
            client.monitor_batch()
        with pytest.raises(APIError, match="not found") as info:
            client.monitor_batch(batch_id="nope")
        assert info.value.status_code == 404
        with pytest.raises(APIError, match="not finished after the monitor's timeout"):
            client.monitor_batch(tasks=[task(1)], poll_interval=0.01, timeout=0.1)


def test_httpx_is_the_transport() -> None:
    with SynthgenClient("http://127.0.0.1:9", "k") as client:
        assert isinstance(client._http, httpx.Client)


def test_importing_the_client_is_silent_and_import_ferrosynth_does_not_load_it() -> None:
    code = (
        "import sys, ferrosynth\n"
        "assert 'httpx' not in sys.modules and 'ferrosynth.synthgen' not in sys.modules\n"
        "import ferrosynth.synthgen, ferrosynth.synthgen.models\n"
    )
    result = subprocess.run(
        [sys.executable, "-X", "dev", "-W", "error", "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.parametrize(
    "name",
    [
        "ferrosynth.synthgen",
        "ferrosynth.synthgen.models",
        "ferrosynth.synthgen.exceptions",
        "ferrosynth.synthgen._display",
    ],
)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_without_httpx_the_import_error_names_the_extra() -> None:
    code = "import sys; sys.modules['httpx'] = None\nimport ferrosynth.synthgen\n"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert "pip install 'ferrosynth[client]'" in result.stderr
