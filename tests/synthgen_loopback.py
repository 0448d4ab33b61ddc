"""Loopback HTTP servers for the Synthgen client tests (not collected: no ``test_`` prefix).

:class:`ScriptedServer` answers each request with whatever its handler returns and records every
request, so a test can say exactly how many calls the client made. :class:`FakeSynthgen` is such
a handler implementing ``specs/synthgen-api.md`` in memory (tasks complete a few per poll, with
OpenAI-shaped answers and token usage, and a body cache), for the client's own flows.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import hashlib
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    status: int = 200
    json: Any = None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    chunks: Iterable[bytes] | None = None  # sent with chunked transfer encoding
    drop: bool = False  # close the connection without answering

    @classmethod
    def null(cls) -> Reply:
        return cls(body=b"null", headers={"content-type": "application/json"})


Handler = Callable[[Request], Reply]


class ScriptedServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 and an ephemeral port."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[Request] = []
        outer = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("content-length") or 0)
                req = Request(
                    self.command,
                    parts.path,
                    {k: v[0] for k, v in parse_qs(parts.query).items()},
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length) if length else b"",
                )
                outer.requests.append(req)
                reply = outer.handler(req)
                if reply.drop:
                    self.close_connection = True
                    return
                self.send_response(reply.status)
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                if reply.chunks is not None:
                    self.send_header("transfer-encoding", "chunked")
                    self.end_headers()
                    for chunk in reply.chunks:
                        self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                        self.wfile.flush()
                    self.wfile.write(b"0\r\n\r\n")
                    return
                body = reply.body
                if body is None and reply.json is not None:
                    body = json.dumps(reply.json).encode()
                    if "content-type" not in reply.headers:
                        self.send_header("content-type", "application/json")
                body = body or b""
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_DELETE = do_PUT = _handle  # noqa: N815

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self._httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def paths(self) -> list[str]:
        return [f"{r.method} {r.path}" for r in self.requests]


def sequence(*replies: Reply) -> Handler:
    """Answer the n-th request with the n-th reply (the last one repeats)."""
    it = iter(replies)
    last: list[Reply] = []

    def handler(_req: Request) -> Reply:
        nxt = next(it, None)
        if nxt is not None:
            last[:] = [nxt]
        return last[0]

    return handler


def multipart_file(req: Request) -> tuple[str, str, bytes]:
    """(filename, part content type, content) of the ``file`` part of a multipart upload."""
    head = f"content-type: {req.headers['content-type']}\r\n\r\n".encode()
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + req.body)
    for part in msg.iter_parts():
        if part.get_param("name", header="content-disposition") == "file":
            return part.get_filename() or "", part.get_content_type(), part.get_payload(decode=True)
    raise AssertionError("no 'file' part in the upload")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def _cache_key(body: dict[str, Any]) -> str:
    canon = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return base64.b64encode(hashlib.sha256(canon.encode()).digest()).decode()


class FakeSynthgen:
    """The Synthgen API in memory. Each ``GET /api/v1/batches/{id}`` finishes up to
    ``per_poll`` waiting tasks of that batch; tasks whose body says ``"fail"`` fail."""

    def __init__(self, api_key: str = "your-api-key", per_poll: int = 3) -> None:
        self.api_key = api_key
        self.per_poll = per_poll
        self.tasks: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()

    # -- state ------------------------------------------------------------------------------

    def _finish(self, task: dict[str, Any]) -> None:
        body = task["body"]
        task["started_at"] = _now()
        hit = None
        if task["_use_cache"]:
            hit = next(
                (
                    t
                    for t in self.tasks.values()
                    if t["status"] == "COMPLETED" and t["_key"] == task["_key"] and t is not task
                ),
                None,
            )
        if hit is not None:
            task.update(status="COMPLETED", cached=True, completions=hit["completions"])
            task["duration"] = hit["duration"]
        elif "fail" in json.dumps(body):
            task.update(status="FAILED", completions={"error": "provider said no"}, duration=3)
        else:
            prompt = len(json.dumps(body.get("messages", []))) // 4
            text = f"answer to {body.get('messages', [{}])[-1].get('content', '')}"
            task["completions"] = {
                "id": "chatcmpl-" + task["message_id"][:8],
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "m"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt,
                    "completion_tokens": 5,
                    "total_tokens": prompt + 5,
                },
            }
            task.update(status="COMPLETED", cached=False, duration=12)
        task["completed_at"] = _now()

    def _batch(self, bid: str) -> dict[str, Any] | None:
        ts = [t for t in self.tasks.values() if t["batch_id"] == bid]
        if not ts:
            return None
        n = {s: sum(t["status"] == s for t in ts) for s in ("COMPLETED", "FAILED", "PROCESSING")}
        cached = sum(t["cached"] for t in ts)
        pending = len(ts) - n["COMPLETED"] - n["FAILED"] - n["PROCESSING"]
        status = (
            "PROCESSING"
            if n["PROCESSING"]
            else "PENDING"
            if pending
            else "FAILED"
            if n["FAILED"]
            else "COMPLETED"
        )
        fresh = [t for t in ts if not t["cached"] and t["completions"]]

        def tok(name: str) -> int:
            return sum(t["completions"].get("usage", {}).get(name, 0) for t in fresh)

        done = [t["completed_at"] for t in ts if t["completed_at"]]
        return {
            "batch_id": bid,
            "batch_status": status,
            "total_tasks": len(ts),
            "completed_tasks": n["COMPLETED"] - cached,
            "failed_tasks": n["FAILED"],
            "pending_tasks": pending,
            "processing_tasks": n["PROCESSING"],
            "cached_tasks": cached,
            "created_at": min(t["created_at"] for t in ts),
            "started_at": None,
            "completed_at": max(done) if done else None,
            "duration": 1 if done else None,
            "total_tokens": tok("total_tokens"),
            "prompt_tokens": tok("prompt_tokens"),
            "completion_tokens": tok("completion_tokens"),
        }

    @staticmethod
    def _public(t: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in t.items() if not k.startswith("_")}

    # -- routes -----------------------------------------------------------------------------

    def __call__(self, req: Request) -> Reply:
        with self.lock:
            return self._route(req)

    def _route(self, req: Request) -> Reply:
        p = req.path.rstrip("/")
        if p == "/health":
            return Reply(
                json={
                    "status": "healthy",
                    "services": {
                        "api": "healthy",
                        "rabbitmq": "healthy",
                        "elasticsearch": "healthy",
                        "task_queue_consumers": 2,
                        "task_queue_messages": 0,
                        "batch_queue_consumers": 1,
                        "batch_queue_messages": 0,
                    },
                    "error": None,
                }
            )
        if req.headers.get("authorization") != f"Bearer {self.api_key}":
            return Reply(401, json={"detail": "Invalid authentication credentials"})
        parts = p.split("/")[3:]  # after /api/v1
        if parts[:1] == ["batches"]:
            return self._batches(req, parts[1:])
        if parts[:1] == ["tasks"] and len(parts) == 2:
            return self._tasks(req, parts[1])
        return Reply(404, json={"detail": "Not Found"})

    def _batches(self, req: Request, rest: list[str]) -> Reply:
        if not rest and req.method == "POST":
            name, _ctype, content = multipart_file(req)
            if not name.endswith(".jsonl"):
                return Reply(400, json={"detail": "Only JSONL files are supported"})
            bid = req.query.get("batch_id") or str(uuid.uuid4())
            count = 0
            for line in content.decode().split("\n"):
                if not line.strip():
                    continue
                d = json.loads(line)
                mid = str(uuid.uuid4())
                self.tasks[mid] = {
                    "message_id": mid,
                    "batch_id": bid,
                    "custom_id": d.get("custom_id"),
                    "status": "PENDING",
                    "body": d["body"],
                    "cached": False,
                    "created_at": _now(),
                    "started_at": None,
                    "completed_at": None,
                    "duration": None,
                    "dataset": d.get("dataset"),
                    "source": d.get("source"),
                    "completions": None,
                    "_use_cache": bool(d.get("use_cache")),
                    "_key": _cache_key(d["body"]),
                }
                count += 1
            return Reply(json={"batch_id": bid, "total_tasks": count})
        if not rest:
            ids = sorted({t["batch_id"] for t in self.tasks.values()})
            batches = [self._batch(b) for b in ids]
            return Reply(json={"total": len(batches), "batches": batches})
        bid = rest[0]
        if len(rest) == 1 and req.method == "DELETE":
            for mid in [m for m, t in self.tasks.items() if t["batch_id"] == bid]:
                del self.tasks[mid]
            return Reply(204)
        if len(rest) == 1:
            waiting = [
                t
                for t in self.tasks.values()
                if t["batch_id"] == bid and t["status"] in ("PENDING", "PROCESSING")
            ]
            for t in waiting[: self.per_poll]:
                self._finish(t)
            batch = self._batch(bid)
            return Reply.null() if batch is None else Reply(json=batch)
        if rest[1:] == ["tasks", "export"]:
            want = req.query.get("task_status")
            ts = [
                self._public(t)
                for t in self.tasks.values()
                if t["batch_id"] == bid and (want is None or t["status"] == want)
            ]
            lines = [
                json.dumps({"tasks": ts[i : i + 2], "total": len(ts)}).encode() + b"\n"
                for i in range(0, max(len(ts), 1), 2)
            ]
            return Reply(headers={"content-type": "application/x-ndjson"}, chunks=lines)
        if rest[1:] == ["stats"]:
            return Reply(json=self._stats(bid, req.query))
        return Reply(404, json={"detail": "Not Found"})

    def _stats(self, bid: str, q: dict[str, str]) -> dict[str, Any]:
        ts = [t for t in self.tasks.values() if t["batch_id"] == bid and t["completed_at"]]
        usage = [(t["completions"] or {}).get("usage", {}) for t in ts]
        cached = sum(t["cached"] for t in ts)
        comp = sum(u.get("completion_tokens", 0) for u in usage)
        total = sum(u.get("total_tokens", 0) for u in usage)
        prompt = sum(u.get("prompt_tokens", 0) for u in usage)
        dur = sum(t["duration"] or 0 for t in ts)
        done = sum(t["status"] == "COMPLETED" for t in ts)
        failed = sum(t["status"] == "FAILED" for t in ts)
        tps = round(comp / (dur / 1000), 2) if dur else 0
        avg = round(dur / len(ts)) if ts else 0
        point = {
            "timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:00:00"),
            "total_tasks": len(ts),
            "completed_tasks": done - cached,
            "failed_tasks": failed,
            "cached_tasks": cached,
            "total_tokens": total,
            "prompt_tokens": prompt,
            "completion_tokens": comp,
            "avg_duration_ms": avg,
            "tokens_per_second": tps,
        }
        return {
            "time_range": q.get("time_range", "24h"),
            "interval": q.get("interval", "1h"),
            "current_time": _now(),
            "time_series": [point] if ts else [],
            "summary": {
                "total_tasks": len(ts),
                "completed_tasks": done - cached,
                "failed_tasks": failed,
                "cached_tasks": cached,
                "processing_tasks": 0,
                "total_tokens": total,
                "completion_tokens": comp,
                "total_prompt_tokens": prompt,
                "total_completion_tokens": comp,
                "average_response_time": avg,
                "tokens_per_second": tps,
                "cache_hit_rate": round(cached / len(ts) * 100, 2) if ts else 0,
            },
        }

    def _tasks(self, req: Request, mid: str) -> Reply:
        if mid == "stats":
            ts = list(self.tasks.values())
            usage = [(t["completions"] or {}).get("usage", {}) for t in ts]
            cached = sum(t["cached"] for t in ts)
            st = [t["status"] for t in ts]
            return Reply(
                json={
                    "total_tasks": len(ts),
                    "completed_tasks": st.count("COMPLETED") - cached,
                    "failed_tasks": st.count("FAILED"),
                    "cached_tasks": cached,
                    "processing_tasks": st.count("PROCESSING"),
                    "pending_tasks": st.count("PENDING"),
                    "total_tokens": sum(u.get("total_tokens", 0) for u in usage),
                    "prompt_tokens": sum(u.get("prompt_tokens", 0) for u in usage),
                    "completion_tokens": sum(u.get("completion_tokens", 0) for u in usage),
                }
            )
        task = self.tasks.get(mid)
        if req.method == "DELETE":
            if task is None:
                return Reply(404, json={"detail": f"Task with message_id {mid} not found"})
            del self.tasks[mid]
            return Reply(204)
        return Reply.null() if task is None else Reply(json=self._public(task))


def gate_lines(lines: list[bytes], gate: threading.Event, after: int = 1) -> Iterator[bytes]:
    """Yield ``lines``, stopping after the first ``after`` until ``gate`` is set (5 s at most)."""
    for i, line in enumerate(lines):
        if i == after and not gate.wait(5):
            yield b'{"tasks": [], "total": -1, "gate": "timed out"}\n'
            return
        yield line
