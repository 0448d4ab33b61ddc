"""The request cache: canonical keys, modes and the environment, processes at once, providers."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ferrosynth.llm import OpenAIProvider, RequestCache, RetryPolicy, cache_key
from tests.llm.scripted import Reply, openai_answer, scripted

BODY = {"model": "gpt-test", "messages": [{"role": "user", "content": "Hi"}], "temperature": 0}
ANSWER = {"object": "chat.completion", "choices": [{"message": {"content": "x"}}]}


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FERROSYNTH_CACHE", raising=False)


def test_key_is_canonical_and_covers_kind_model_and_body() -> None:
    reordered = {"temperature": 0, "messages": BODY["messages"], "model": "gpt-test"}
    key = cache_key("openai", "gpt-test", BODY)
    assert key == cache_key("openai", "gpt-test", reordered)
    assert len(key) == 64
    assert int(key, 16) >= 0
    assert key != cache_key("anthropic", "gpt-test", BODY)
    assert key != cache_key("openai", "gpt-other", BODY)
    assert key != cache_key("openai", "gpt-test", {**BODY, "temperature": 0.1})
    # A pinned value: the key depends on nothing but the request, across versions.
    assert (
        cache_key("openai", "m", {"a": 1}) == hashlib.sha256(b'["openai","m",{"a":1}]').hexdigest()
    )


def test_survives_restarts_and_counts_hits(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    key = cache_key("openai", "gpt-test", BODY)
    with RequestCache(path) as cache:
        assert cache.get(key) is None
        cache.put(key, ANSWER)
        cache.put(key, {"other": True})  # a first answer is never replaced
    with RequestCache(path) as again:
        assert again.get(key) == ANSWER
        assert (again.hits, again.misses, len(again)) == (1, 0, 1)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_readonly_and_off(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    key = cache_key("openai", "gpt-test", BODY)
    with RequestCache(path, "readonly") as ro:
        assert ro.get(key) is None  # no file yet: an empty cache
        ro.put(key, ANSWER)
    assert not path.exists()
    with RequestCache(path) as rw:
        rw.put(key, ANSWER)
    with RequestCache(path, "readonly") as ro:
        assert ro.get(key) == ANSWER
        ro.put(cache_key("openai", "x", {}), ANSWER)
        assert len(ro) == 1
    with RequestCache(path, "off") as off:
        assert off.get(key) is None
        assert (off.hits, off.misses) == (0, 0)
    with pytest.raises(ValueError, match="readwrite"):
        RequestCache(path, "sometimes")  # type: ignore[arg-type]


def test_the_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "env.sqlite3"
    monkeypatch.setenv("FERROSYNTH_CACHE", str(path))
    with RequestCache() as cache:
        assert cache.path == path
        cache.put("k", ANSWER)
    monkeypatch.setenv("FERROSYNTH_CACHE", "readonly")
    with RequestCache(path) as cache:
        assert cache.mode == "readonly"
        assert cache.get("k") == ANSWER
        cache.put("k2", ANSWER)
    monkeypatch.setenv("FERROSYNTH_CACHE", "off")
    with RequestCache(path) as cache:
        assert cache.mode == "off"
        assert cache.get("k") is None
    monkeypatch.delenv("FERROSYNTH_CACHE")
    with RequestCache(path) as cache:
        assert len(cache) == 1


WORKER = textwrap.dedent(
    """
    import sys
    from ferrosynth.llm import RequestCache
    path, me = sys.argv[1], int(sys.argv[2])
    with RequestCache(path) as cache:
        for i in range(150):
            cache.put(f"own-{me}-{i}", {"by": me, "i": i})
            cache.put(f"shared-{i}", {"by": me, "i": i})
            assert cache.get(f"own-{me}-{i}") == {"by": me, "i": i}
            assert cache.get(f"shared-{i}")["i"] == i
    print("ok")
    """
)


def test_several_processes_write_and_read_one_cache_at_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(path), str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    results = [w.communicate(timeout=120) for w in workers]
    assert [w.returncode for w in workers] == [0, 0, 0, 0], results
    assert all(out.strip() == "ok" for out, _ in results)
    with RequestCache(path) as cache:
        assert len(cache) == 4 * 150 + 150
        firsts = {cache.get(f"shared-{i}")["by"] for i in range(150)}  # type: ignore[index]
        assert firsts <= {0, 1, 2, 3}


def test_a_provider_with_a_cache_sends_a_request_once(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    with scripted({"/v1/chat/completions": [Reply(200, openai_answer("cached!"))]}) as srv:
        for _ in range(2):  # a second process/run: a new provider and a new cache object
            with (
                RequestCache(path) as cache,
                OpenAIProvider(
                    base_url=srv.base_url + "/v1", cache=cache, retry=RetryPolicy(max_retries=0)
                ) as p,
            ):
                first = p.complete(BODY)
                second = p.complete(BODY)
                assert first.content == second.content == "cached!"
                assert second.input_tokens == 9
        assert srv.count() == 1
        with RequestCache(path) as cache:
            key = cache_key("openai", "gpt-test", BODY)
            assert cache.get(key) == openai_answer("cached!")
