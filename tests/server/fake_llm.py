"""A tiny scripted OpenAI-compatible endpoint on loopback, for the server tests.

It answers ``POST /v1/chat/completions`` with a deterministic chat.completion (usage counts
derived from the prompt), records every body it receives, and can be told to misbehave for the
first N calls of a prompt: ``{"fail": {"<content>": [status, ...]}}`` plays the listed statuses
(``"slow"`` waits ``slow_s``), then answers normally.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeLLM:
    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.auth: list[str] = []
        self.script: dict[str, list[Any]] = {}
        self.slow_s = 0.0
        self.delay_s = 0.0  # every answer waits this long
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                content = str(body.get("messages", [{}])[-1].get("content", ""))
                with outer.lock:
                    outer.bodies.append(body)
                    outer.auth.append(self.headers.get("Authorization", ""))
                    plan = outer.script.get(content)
                    step = plan.pop(0) if plan else None
                if outer.delay_s:
                    time.sleep(outer.delay_s)
                if step == "slow":
                    time.sleep(outer.slow_s)
                    step = None
                if isinstance(step, int):
                    payload = json.dumps({"error": {"message": "scripted", "code": step}}).encode()
                    self.send_response(step)
                    if step == 429:
                        self.send_header("Retry-After", "0")
                elif step == "notjson":
                    payload = b"<html>oops</html>"
                    self.send_response(200)
                else:
                    words = len(content.split())
                    payload = json.dumps(
                        {
                            "id": "chatcmpl-fake",
                            "object": "chat.completion",
                            "created": 1700000000,
                            "model": body.get("model", "fake"),
                            "choices": [
                                {
                                    "index": 0,
                                    "message": {"role": "assistant", "content": f"echo: {content}"},
                                    "finish_reason": "stop",
                                }
                            ],
                            "usage": {
                                "prompt_tokens": words + 3,
                                "completion_tokens": words + 1,
                                "total_tokens": 2 * words + 4,
                            },
                        },
                        indent=1,  # pretty-printed on purpose: export lines must still be one line
                    ).encode()
                    self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/v1/chat/completions"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeLLM:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def contents(self) -> Counter[str]:
        with self.lock:
            return Counter(str(b["messages"][-1]["content"]) for b in self.bodies)
