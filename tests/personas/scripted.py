"""A scripted HTTP server on loopback: each request gets the next scripted answer.

It counts requests and the most that were in flight at once, so tests can prove "exactly one
request", "no request" and "never more than N concurrent".
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One scripted answer."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


Script = Callable[[str, dict[str, Any] | None, int], Reply]


class ScriptedServer:
    def __init__(self, script: Script) -> None:
        self.script = script
        self.requests: list[tuple[str, str, dict[str, Any] | None]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                with server._lock:
                    server.requests.append((self.command, self.path, body))
                    number = len(server.requests)
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                done = False

                def leave() -> None:
                    # A request stops counting before its answer goes out: once the client has
                    # the answer it may send the next one, possibly before this thread runs on.
                    nonlocal done
                    if not done:
                        done = True
                        with server._lock:
                            server.in_flight -= 1

                try:
                    reply = server.script(self.path, body, number)
                    if reply.delay:
                        time.sleep(reply.delay)
                    payload = (
                        reply.body.encode()
                        if isinstance(reply.body, str)
                        else json.dumps(reply.body).encode()
                    )
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(payload)))
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    leave()
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    leave()

            do_GET = _serve  # noqa: N815
            do_POST = _serve  # noqa: N815

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def count(self) -> int:
        return len(self.requests)


@contextmanager
def scripted(script: Script) -> Iterator[ScriptedServer]:
    server = ScriptedServer(script)
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
        server.thread.join(5)


def completion(content: str, model: str = "gpt-4o-mini") -> dict[str, Any]:
    """An OpenAI chat.completion object answering ``content``."""
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content},
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
    }


def personas_json(count: int) -> str:
    """A model-like answer with ``count`` personas (prose, a fence, a wrapper key)."""
    items = [
        {
            "name": f"Person {i}",
            "age": 30 + i,
            "role": "analyst",
            "goals": ["ship reports"],
            "painPoints": ["slow exports"],
            "sources": ["notes.md"],
        }
        for i in range(count)
    ]
    return "Sure!\n```json\n" + json.dumps({"personas": items}) + "\n```"


def persona_answers(path: str, body: dict[str, Any] | None, number: int) -> Reply:
    """A script answering every chat request with as many personas as it asks for."""
    import re

    prompt = json.dumps(body)
    match = re.search(r"Generate exactly (\d+)", prompt)
    return Reply(body=completion(personas_json(int(match.group(1)) if match else 1)))
