"""The batch runner from Python, against a scripted OpenAI-compatible server on loopback."""

from __future__ import annotations

import collections
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest

from ferrosynth.llm import RequestCache, RetryPolicy
from ferrosynth.runner import RunnerInputError, RunProgress, record_path, run_batch
from tests.runner_support import ScriptedServer, completion

FAST_RETRY = RetryPolicy(max_retries=3, base_delay=0.01, max_delay=0.05)


def write_requests(path: Path, n: int, *, model: str = "gpt-4o-mini", start: int = 0) -> Path:
    with path.open("wb") as handle:
        for i in range(start, start + n):
            line = {
                "custom_id": f"req-{i}",
                "method": "POST",
                "url": "/v1/chat/completions",
                "body": {"model": model, "messages": [{"role": "user", "content": f"prompt {i}"}]},
            }
            handle.write(orjson.dumps(line) + b"\n")
    return path


def read_output(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def test_every_request_gets_one_line_with_its_own_answer_usage_and_cost(tmp_path: Path) -> None:
    source = write_requests(tmp_path / "in.jsonl", 300)
    out = tmp_path / "out.jsonl"
    with ScriptedServer() as server:
        summary = run_batch(source, out, base_url=server.base_url, concurrency=16)
    lines = read_output(out)
    assert summary.stopped == "complete"
    assert summary.progress.done == 300
    assert summary.output_lines == 300
    assert sorted(line["custom_id"] for line in lines) == sorted(f"req-{i}" for i in range(300))
    for line in lines:
        number = line["custom_id"].removeprefix("req-")
        body = line["response"]["body"]
        assert line["response"]["status_code"] == 200
        assert line["error"] is None
        assert body["choices"][0]["message"]["content"] == f"echo: prompt {number}"
        assert line["usage"]["prompt_tokens"] == body["usage"]["prompt_tokens"]
        assert line["cached"] is False
        # gpt-4o-mini is priced: the cost is the usage at the table's price, never 0
        assert line["cost"] > 0
    assert server.stats.requests == 300
    spent = sum(Decimal(str(line["cost"])) for line in lines)
    assert abs(summary.progress.spent_usd - spent) < Decimal("1e-9")


def test_a_second_run_sends_nothing_and_keeps_the_output(tmp_path: Path) -> None:
    source = write_requests(tmp_path / "in.jsonl", 50)
    out = tmp_path / "out.jsonl"
    with ScriptedServer() as server:
        run_batch(source, out, base_url=server.base_url)
        before = out.read_bytes()
        summary = run_batch(source, out, base_url=server.base_url)
    assert server.stats.requests == 50
    assert out.read_bytes() == before
    assert (summary.progress.previously_done, summary.progress.done) == (50, 0)


def test_an_interrupted_run_resumes_with_only_the_missing_requests(tmp_path: Path) -> None:
    source = write_requests(tmp_path / "in.jsonl", 400)
    out = tmp_path / "out.jsonl"
    with ScriptedServer(latency=0.01) as server:
        from ferrosynth.runner import BatchRunner

        runner: BatchRunner

        def stop_early(progress: RunProgress) -> None:
            if progress.done >= 100:
                runner.request_stop()

        import asyncio

        runner = BatchRunner(
            source,
            out,
            base_url=server.base_url,
            concurrency=8,
            progress=stop_early,
            progress_interval=0.01,
        )
        first = asyncio.run(runner.run())
        assert first.stopped == "interrupted"
        answered_first = {line["custom_id"] for line in read_output(out)}
        assert 100 <= len(answered_first) < 400
        second = run_batch(source, out, base_url=server.base_url, concurrency=8)
    lines = read_output(out)
    ids = [line["custom_id"] for line in lines]
    assert second.stopped == "complete"
    assert len(ids) == len(set(ids)) == 400
    # Nothing that had an answer was sent again (requests in flight at the stop may be).
    for custom_id in answered_first:
        assert server.stats.by_prompt[f"prompt {custom_id.removeprefix('req-')}"] == 1
    assert second.progress.previously_done == len(answered_first)


def test_a_torn_last_line_is_cut_and_its_request_sent_again(tmp_path: Path) -> None:
    source = write_requests(tmp_path / "in.jsonl", 20)
    out = tmp_path / "out.jsonl"
    with ScriptedServer() as server:
        run_batch(source, out, base_url=server.base_url)
        lines = out.read_bytes().splitlines(keepends=True)
        # Simulate a crash in the middle of writing the last line, with the record lost too.
        out.write_bytes(b"".join(lines[:-1]) + lines[-1][:25])
        record_path(out).unlink()
        torn_id = orjson.loads(lines[-1])["custom_id"]
        summary = run_batch(source, out, base_url=server.base_url)
    result = read_output(out)
    assert len(result) == 20
    assert len({r["custom_id"] for r in result}) == 20
    assert summary.progress.done == 1
    assert result[-1]["custom_id"] == torn_id


def test_the_configured_concurrency_is_really_in_flight(tmp_path: Path) -> None:
    source = write_requests(tmp_path / "in.jsonl", 200)
    with ScriptedServer(latency=0.15) as server:
        run_batch(source, tmp_path / "out.jsonl", base_url=server.base_url, concurrency=40)
    assert server.stats.peak_in_flight == 40


def test_429_cuts_the_concurrency_and_every_request_is_answered(tmp_path: Path) -> None:
    source = write_requests(tmp_path / "in.jsonl", 120)
    limits: list[int] = []

    def overloaded(n: int, body: dict[str, Any]) -> tuple[int, bytes, dict[str, str]] | None:
        if 10 <= n < 40:
            return 429, b'{"error": {"message": "slow down"}}', {"Retry-After": "0"}
        return None

    with ScriptedServer(latency=0.02, script=overloaded) as server:
        summary = run_batch(
            source,
            tmp_path / "out.jsonl",
            base_url=server.base_url,
            concurrency=16,
            retry=RetryPolicy(max_retries=10, base_delay=0.01, max_delay=0.02),
            progress=lambda p: limits.append(p.concurrency_limit),
            progress_interval=0.01,
        )
    assert summary.progress.done == 120
    assert summary.progress.failed == 0
    assert min(limits) < 16  # the adaptive limiter backed off
    assert server.stats.requests == 150  # 120 answers + 30 refusals, each retried


def test_a_client_error_is_final_and_a_server_error_is_sent_again_on_rerun(
    tmp_path: Path,
) -> None:
    source = write_requests(tmp_path / "in.jsonl", 10)
    out = tmp_path / "out.jsonl"
    broken = {"prompt 4"}

    def script(n: int, body: dict[str, Any]) -> tuple[int, bytes, dict[str, str]] | None:
        content = body["messages"][-1]["content"]
        if content == "prompt 3":
            return 400, b'{"error": {"message": "bad request"}}', {}
        if content in broken:
            return 500, b"oops", {}
        return None

    with ScriptedServer(script=script) as server:
        first = run_batch(source, out, base_url=server.base_url, retry=FAST_RETRY)
        by_id = {line["custom_id"]: line for line in read_output(out)}
        # the 400 is final: written, not retried; the 500 failed "for now": retried 3 times,
        # then left without a line
        assert len(by_id) == 9
        assert "req-4" not in by_id
        assert first.stopped == "incomplete"
        assert first.progress.failed == 1
        assert first.progress.deferred == 1
        assert "1 failed for now" in first.line()
        bad = by_id["req-3"]
        assert bad["error"]["code"] == "http_error"
        assert bad["response"]["status_code"] == 400
        assert bad["response"]["body"] == {"error": {"message": "bad request"}}
        assert bad["cost"] == 0
        assert server.stats.by_prompt["prompt 3"] == 1
        assert server.stats.by_prompt["prompt 4"] == 4  # 1 + 3 retries of a 500
        broken.clear()  # the outage is over: the rerun sends only req-4
        second = run_batch(source, out, base_url=server.base_url, retry=FAST_RETRY)
    assert second.stopped == "complete"
    assert second.progress.done == 1
    lines = read_output(out)
    assert len(lines) == 10
    assert lines[-1]["custom_id"] == "req-4"
    assert lines[-1]["error"] is None
    assert server.stats.by_prompt["prompt 3"] == 1


def test_the_budget_stops_before_the_first_request(tmp_path: Path) -> None:
    source = write_requests(tmp_path / "in.jsonl", 10)
    out = tmp_path / "out.jsonl"
    with ScriptedServer() as server:
        summary = run_batch(source, out, base_url=server.base_url, max_usd=0)
    assert summary.stopped == "budget"
    assert server.stats.requests == 0
    assert out.read_bytes() == b""


def test_the_budget_is_never_crossed(tmp_path: Path) -> None:
    # Each request is estimated with max_tokens as the bound on its answer, so reservations
    # are an upper bound of the cost, and the spend stays under the budget.
    source = tmp_path / "in.jsonl"
    with source.open("wb") as handle:
        for i in range(200):
            body = {
                "model": "gpt-4o-mini",
                "max_tokens": 50,
                "messages": [{"role": "user", "content": f"prompt {i}"}],
            }
            handle.write(orjson.dumps({"custom_id": f"req-{i}", "body": body}) + b"\n")
    out = tmp_path / "out.jsonl"
    with ScriptedServer() as server:
        summary = run_batch(source, out, base_url=server.base_url, max_usd="0.0005", concurrency=8)
        assert summary.stopped == "budget"
        assert 0 < server.stats.requests < 200
        spent = sum(Decimal(str(line["cost"])) for line in read_output(out))
        assert spent <= Decimal("0.0005")
        # More budget: the rest is sent, the spend carries over.
        more = run_batch(source, out, base_url=server.base_url, max_usd="1")
    assert more.stopped == "complete"
    assert len(read_output(out)) == 200
    assert server.stats.requests == 200


def test_cache_hits_on_a_second_run_cost_nothing(tmp_path: Path) -> None:
    source = write_requests(tmp_path / "in.jsonl", 30)
    cache = tmp_path / "cache.sqlite"
    with ScriptedServer() as server:
        run_batch(source, tmp_path / "a.jsonl", base_url=server.base_url, cache=cache)
        summary = run_batch(source, tmp_path / "b.jsonl", base_url=server.base_url, cache=cache)
    assert server.stats.requests == 30
    assert summary.progress.cached == 30
    lines = read_output(tmp_path / "b.jsonl")
    assert all(line["cached"] is True and line["cost"] == 0 for line in lines)
    first = {
        line["custom_id"]: line["response"]["body"] for line in read_output(tmp_path / "a.jsonl")
    }
    assert all(first[line["custom_id"]] == line["response"]["body"] for line in lines)


def test_cache_written_in_groups_holds_every_answer_and_serves_repeats_within_a_run(
    tmp_path: Path,
) -> None:
    # 1,300 answers: more than two groups of the runner's cache writes plus a partial one, which
    # must reach the file at the end of the run too.
    n = 1300
    source = write_requests(tmp_path / "in.jsonl", n)
    lines = source.read_bytes().splitlines()
    # The first ten prompts once more, under new ids, right after the first twenty: answered
    # before any group reached the file, so from the answers still waiting for it.
    repeats = [
        orjson.dumps({**line, "custom_id": line["custom_id"] + "-again"})
        for line in map(orjson.loads, lines[:10])
    ]
    source.write_bytes(b"\n".join([*lines[:20], *repeats, *lines[20:]]) + b"\n")
    cache = tmp_path / "cache.sqlite"
    with ScriptedServer() as server:
        summary = run_batch(
            source, tmp_path / "a.jsonl", base_url=server.base_url, cache=cache, concurrency=1
        )
        assert server.stats.requests == n  # the repeats were answered from the cache
        assert summary.progress.cached == 10
        with RequestCache(cache) as stored:
            assert len(stored) == n
        rerun = run_batch(source, tmp_path / "b.jsonl", base_url=server.base_url, cache=cache)
    assert server.stats.requests == n
    assert rerun.progress.cached == n + 10


def test_per_line_base_url_routes_requests(tmp_path: Path) -> None:
    with ScriptedServer() as one, ScriptedServer() as two:
        source = tmp_path / "in.jsonl"
        with source.open("wb") as handle:
            for i in range(20):
                line: dict[str, Any] = {
                    "custom_id": f"r{i}",
                    "body": {"model": "m", "messages": [{"role": "user", "content": f"p{i}"}]},
                }
                if i % 2:
                    line["base_url"] = two.base_url
                handle.write(orjson.dumps(line) + b"\n")
        run_batch(source, tmp_path / "out.jsonl", base_url=one.base_url)
    assert (one.stats.requests, two.stats.requests) == (10, 10)
    assert one.stats.by_prompt["p0"] == 1
    assert two.stats.by_prompt["p1"] == 1


def test_progress_callbacks_end_with_the_final_counts(tmp_path: Path) -> None:
    source = write_requests(tmp_path / "in.jsonl", 100)
    seen: list[RunProgress] = []
    with ScriptedServer(latency=0.005) as server:
        run_batch(
            source,
            tmp_path / "out.jsonl",
            base_url=server.base_url,
            concurrency=4,
            progress=seen.append,
            progress_interval=0.01,
        )
    assert len(seen) >= 2
    done = [p.done for p in seen]
    assert done == sorted(done)
    assert done[-1] == 100
    last = seen[-1]
    assert last.total == 100
    assert last.remaining == 0
    assert last.spent_usd > 0
    assert last.projected_usd == last.spent_usd


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b"{not json", "in.jsonl:2: not valid JSON"),
        (b'{"custom_id": "", "body": {}}', "in.jsonl:2: custom_id must be a non-empty string"),
        (b'{"custom_id": "x", "bdy": {}}', "in.jsonl:2: unknown key(s) ['bdy']"),
        (
            b'{"custom_id": "x", "url": "/v1/embeddings", "body": {}}',
            "in.jsonl:2: url '/v1/embeddings' is not supported",
        ),
        (
            b'{"custom_id": "req-0", "body": {"model": "m", "messages": [{"role": "user"}]}}',
            "in.jsonl:2: duplicate custom_id 'req-0' (first at ",
        ),
        (
            b'{"custom_id": "x", "provider": "acme", "body": {"model": "m", "messages": [1]}}',
            "in.jsonl:2: unknown provider 'acme'",
        ),
    ],
)
def test_bad_input_fails_before_any_request(tmp_path: Path, line: bytes, message: str) -> None:
    source = write_requests(tmp_path / "in.jsonl", 1)
    with source.open("ab") as handle:
        handle.write(line + b"\n")
        handle.write(b'{"custom_id": "z", "body": {"model": "m", "messages": [1]}}\n')
    with ScriptedServer() as server, pytest.raises(RunnerInputError) as info:
        run_batch(source, tmp_path / "out.jsonl", base_url=server.base_url)
    assert message in str(info.value)
    assert server.stats.requests == 0


def test_requests_from_an_iterable(tmp_path: Path) -> None:
    requests = (
        {"custom_id": f"g{i}", "body": {"messages": [{"role": "user", "content": f"q{i}"}]}}
        for i in range(25)
    )
    with ScriptedServer() as server:
        summary = run_batch(requests, tmp_path / "out.jsonl", base_url=server.base_url, model="m")
    assert summary.progress.done == 25
    counts = collections.Counter(line["custom_id"] for line in read_output(tmp_path / "out.jsonl"))
    assert set(counts.values()) == {1}
    assert len(counts) == 25


def test_scripted_server_answers_like_openai() -> None:
    body = orjson.loads(completion({"model": "m", "messages": [{"role": "user", "content": "x"}]}))
    assert body["object"] == "chat.completion"
    assert body["usage"]["completion_tokens"] == 3


def test_the_provider_transport_gives_the_same_lines(tmp_path: Path) -> None:
    source = write_requests(tmp_path / "in.jsonl", 40)
    with ScriptedServer(latency=0.01) as server:
        fast = run_batch(source, tmp_path / "fast.jsonl", base_url=server.base_url)
        slow = run_batch(
            source, tmp_path / "provider.jsonl", base_url=server.base_url, transport="provider"
        )
    assert (fast.progress.done, slow.progress.done) == (40, 40)
    by_id = {line["custom_id"]: line for line in read_output(tmp_path / "fast.jsonl")}
    for line in read_output(tmp_path / "provider.jsonl"):
        assert line["response"]["body"] == by_id[line["custom_id"]]["response"]["body"]
        assert line["cost"] == by_id[line["custom_id"]]["cost"]
    assert server.stats.requests == 80


def test_a_budget_stop_waits_for_every_paid_request_in_flight(tmp_path: Path) -> None:
    # Answers take longer than Ctrl-C's grace period (1 s): after a budget stop they are still
    # awaited and written, since they are paid for.
    source = tmp_path / "in.jsonl"
    with source.open("wb") as handle:
        for i in range(40):
            body = {
                "model": "gpt-4o-mini",
                "max_tokens": 100,
                "messages": [{"role": "user", "content": f"prompt {i}"}],
            }
            handle.write(orjson.dumps({"custom_id": f"req-{i}", "body": body}) + b"\n")
    out = tmp_path / "out.jsonl"

    def long_answers(n: int, body: dict[str, Any]) -> tuple[int, bytes, dict[str, str]] | None:
        data = orjson.loads(completion(body))
        data["usage"]["completion_tokens"] = 100  # as long as max_tokens allows: cost = estimate
        return 200, orjson.dumps(data), {}

    with ScriptedServer(latency=1.5, script=long_answers) as server:
        # each request is reserved (and costs) about $0.0000615: the budget holds 12 of them
        summary = run_batch(source, out, base_url=server.base_url, concurrency=8, max_usd="0.00075")
    assert summary.stopped == "budget"
    assert server.stats.requests > 8  # a second wave was sent before the budget stopped it
    assert len(read_output(out)) == server.stats.requests


def test_lines_routed_to_another_provider_go_through_the_llm_layer(tmp_path: Path) -> None:
    from ferrosynth.mock import MockLLMServer

    source = tmp_path / "in.jsonl"
    with MockLLMServer(seed=3) as mock, source.open("wb") as handle:
        for i in range(12):
            body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"hi {i}"}]}
            line: dict[str, Any] = {"custom_id": f"r{i}", "body": body}
            if i % 3 == 0:
                line["provider"] = "anthropic"
                line["base_url"] = mock.base_url
                line["body"] = {**body, "model": "claude-3-5-haiku-latest"}
            handle.write(orjson.dumps(line) + b"\n")
        handle.close()
        summary = run_batch(source, tmp_path / "out.jsonl", base_url=mock.base_url + "/v1")
        paths = collections.Counter(r.path for r in mock.requests)
    assert summary.progress.done == 12
    assert paths == {"/v1/chat/completions": 8, "/v1/messages": 4}
    by_id = {line["custom_id"]: line for line in read_output(tmp_path / "out.jsonl")}
    anthropic = by_id["r0"]["response"]["body"]
    assert anthropic["object"] == "chat.completion"  # converted to OpenAI's shape
    assert anthropic["choices"][0]["message"]["content"]
    assert by_id["r0"]["usage"]["completion_tokens"] > 0
