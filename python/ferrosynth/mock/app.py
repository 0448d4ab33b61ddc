"""The endpoint's logic, independent of the HTTP transport: a request in, a :class:`Response` out.

Order of checks for an API request: the API key (when one is set), the hard rate limit, then the
injected fault and latency drawn for it, then the answer. Answers are a pure function of
``(seed, request)``, so successful non-streaming answers are memoised by request bytes.
"""

from __future__ import annotations

import hmac
import math
import threading
from collections import deque
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Literal
from urllib.parse import parse_qs, unquote

import orjson

from ferrosynth.errors import ConfigError
from ferrosynth.mock import anthropic, gemini, ollama, openai
from ferrosynth.mock.answers import Answerer
from ferrosynth.mock.ask import Ask, BadRequest, Reply
from ferrosynth.mock.config import FAULT_KINDS, FaultKind, MockConfig
from ferrosynth.mock.faults import Decision, FaultPlan, TokenBucket

__all__ = ["MODELS", "MockApp", "RecordedRequest", "Request", "Response"]

#: The models ``GET /v1/models`` lists (any model name is answered).
MODELS = ("mock-gpt", "gpt-4o-mini", "claude-sonnet-4-5", "gemini-2.5-flash", "llama3.2")

Action = Literal["answer", "hang", "drop"]


@dataclass
class Request:
    """One parsed HTTP request."""

    method: str
    path: str
    query: str
    headers: dict[bytes, bytes]
    body: bytes


@dataclass
class Response:
    """What to send: ``body`` bytes, or a list of chunks for a streamed answer.

    ``delay`` seconds pass before it is sent; ``action`` ``"hang"``/``"drop"`` close the
    connection (after the delay) without answering.
    """

    status: int
    body: bytes | list[bytes] = b""
    content_type: str = "application/json"
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    delay: float = 0.0
    action: Action = "answer"
    chunk_delay: float = 0.0


@dataclass(frozen=True)
class RecordedRequest:
    """A request as the server saw it (for tests: what was sent, how often).

    ``status`` is 0 when the connection was closed without an answer (``timeout`` and
    ``disconnect`` faults).
    """

    method: str
    path: str
    body: bytes
    status: int

    def json(self) -> Any:
        """The body parsed as JSON."""
        return orjson.loads(self.body)


class MockApp:
    """Routes requests to the four provider dialects and applies the configured faults."""

    def __init__(self, config: MockConfig, *, stream: int = 0, record: bool = True) -> None:
        self.config = config
        self.answerer = Answerer(config.seed)
        self._faults = FaultPlan(config, stream)
        self._script: deque[FaultKind | None] = deque()
        self._bucket = (
            TokenBucket(config.rate_limit, config.burst) if config.rate_limit is not None else None
        )
        self._cache: dict[tuple[str, bytes], bytes] = {}
        self._record = record
        self._lock = threading.Lock()
        self.log: list[RecordedRequest] = []
        self.request_count = 0
        self.in_flight = 0
        self.max_in_flight = 0

    # -- bookkeeping (called by the transport) -----------------------------------------------

    def started(self) -> None:
        """A request has been read."""
        self.in_flight += 1
        if self.in_flight > self.max_in_flight:
            self.max_in_flight = self.in_flight

    def finished(self) -> None:
        """A request has been answered or abandoned."""
        self.in_flight -= 1

    # -- dispatch --------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        """The response to ``request`` (never raises)."""
        self.request_count += 1
        try:
            response = self._route(request)
        except BadRequest as error:  # pragma: no cover - every route maps its own
            response = Response(error.status, openai.error_body(error.status, error.message))
        if self._record:
            with self._lock:
                self.log.append(
                    RecordedRequest(request.method, request.path, request.body, response.status)
                )
        return response

    def inject(self, *faults: FaultKind | None) -> None:
        """Script the next API requests: each gets the next fault (``None``: answered normally)
        instead of the drawn one; the draws resume when the script runs out."""
        for fault in faults:
            if fault is not None and fault not in FAULT_KINDS:
                raise ConfigError(
                    f"unknown fault kind {fault!r}; expected one of " + ", ".join(FAULT_KINDS),
                    "faults",
                )
        self._script.extend(faults)

    def reset(self) -> None:
        """Forget the recorded requests and counters (not the fault stream)."""
        with self._lock:
            self.log = []
        self.request_count = 0
        self.max_in_flight = self.in_flight

    def _route(self, request: Request) -> Response:
        path, method = request.path, request.method
        if path in ("/v1/chat/completions", "/chat/completions"):
            return self._api(request, openai, None, method)
        if path == "/v1/messages":
            return self._api(request, anthropic, None, method)
        if path == "/api/chat":
            return self._api(request, ollama, None, method)
        for prefix in ("/v1beta/models/", "/v1/models/"):
            if path.startswith(prefix) and ":" in path:
                model, _, verb = unquote(path[len(prefix) :]).rpartition(":")
                if verb in ("generateContent", "streamGenerateContent"):
                    return self._api(request, gemini, model, method, gemini_verb=verb)
                return _error(gemini, 404, f"unknown method {verb!r}")
        if method != "GET":
            return _error(
                _dialect_of(path),
                404 if path not in _GET_ONLY else 405,
                f"no route for {method} {path}",
            )
        if path in ("/v1/models", "/models"):
            return _json({"object": "list", "data": [_model(m) for m in MODELS]})
        if path.startswith("/v1/models/"):
            return _json(_model(unquote(path[len("/v1/models/") :])))
        if path == "/api/tags":
            models = [{"name": m, "model": m, "modified_at": ollama.CREATED_AT} for m in MODELS]
            return _json({"models": models})
        if path in ("/", "/health", "/healthz"):
            return _json({"status": "ok", "seed": self.config.seed})
        return _error(_dialect_of(path), 404, f"no route for GET {path}")

    def _api(
        self,
        request: Request,
        dialect: ModuleType,
        path_model: str | None,
        method: str,
        gemini_verb: str = "",
    ) -> Response:
        if method != "POST":
            return _error(dialect, 405, f"{request.path} accepts POST, not {method}")
        config = self.config
        if config.api_key is not None and not _authorized(request, config.api_key):
            return _error(dialect, 401, "invalid or missing API key")
        if self._bucket is not None:
            wait = self._bucket.take()
            if wait > 0.0:
                response = _error(dialect, 429, "rate limit reached (mock hard limit)")
                response.headers = [
                    *_retry_headers(wait),
                    (b"x-ratelimit-limit-requests", str(self._bucket.burst).encode()),
                    (b"x-ratelimit-remaining-requests", b"0"),
                ]
                return response
        decision = self._faults.next()
        fault = decision.fault
        if self._script:
            fault = self._script.popleft()
            if fault == "timeout":
                decision = Decision(fault, config.hang_s)
        if fault == "timeout":
            return Response(0, delay=decision.delay, action="hang")
        if fault == "disconnect":
            return Response(0, delay=decision.delay, action="drop")
        if fault == "429":
            response = _error(dialect, 429, "rate limit reached (injected fault)")
            response.headers = _retry_headers(config.retry_after_s)
        elif fault in ("500", "503"):
            status = int(fault)
            response = _error(dialect, status, f"the server had an error (injected {status})")
        else:
            response = self._answer(request, dialect, path_model, gemini_verb)
            if fault == "malformed" and isinstance(response.body, bytes):
                response = Response(200, response.body[: max(1, len(response.body) // 2)])
        response.delay = decision.delay
        return response

    def _answer(
        self, request: Request, dialect: ModuleType, path_model: str | None, verb: str
    ) -> Response:
        cache_key = (request.path, request.body)
        cached = self._cache.get(cache_key)
        if cached is not None:
            return Response(200, cached)
        try:
            body = orjson.loads(request.body)
        except orjson.JSONDecodeError as error:
            return _error(dialect, 400, f"the request body is not valid JSON: {error}")
        try:
            ask: Ask = dialect.parse(body, path_model)
            replies: list[Reply] = [self.answerer.reply(ask, i) for i in range(ask.n)]
        except BadRequest as error:
            return _error(dialect, error.status, error.message, error.param)
        stream = ask.stream or verb == "streamGenerateContent"
        if not stream:
            rendered: bytes = dialect.render(ask, replies)
            if self.config.cache_size:
                if len(self._cache) >= self.config.cache_size:
                    self._cache.clear()
                self._cache[cache_key] = rendered
            return Response(200, rendered)
        chunks: list[bytes] = dialect.stream(ask, replies)
        delay = self.config.stream_chunk_delay_ms / 1000.0
        if dialect is ollama:
            return Response(200, chunks, "application/x-ndjson", chunk_delay=delay)
        if dialect is gemini and "alt=sse" not in request.query:
            # Without alt=sse Gemini streams one JSON array of responses.
            items = [c[len(b"data: ") : -2] for c in chunks]
            return Response(200, b"[" + b",\r\n".join(items) + b"]")
        return Response(200, chunks, "text/event-stream", chunk_delay=delay)


_GET_ONLY = frozenset({"/v1/models", "/models", "/api/tags", "/health", "/healthz", "/"})


def _dialect_of(path: str) -> ModuleType:
    if path.startswith("/api/"):
        return ollama
    if path.startswith("/v1beta/"):
        return gemini
    return openai


def _error(dialect: ModuleType, status: int, message: str, param: str | None = None) -> Response:
    return Response(status, dialect.error_body(status, message, param))


def _json(value: Any) -> Response:
    return Response(200, orjson.dumps(value))


def _model(name: str) -> dict[str, Any]:
    return {"id": name, "object": "model", "created": openai.CREATED, "owned_by": "ferrosynth"}


def _retry_headers(seconds: float) -> list[tuple[bytes, bytes]]:
    """``Retry-After`` (whole seconds when whole, else a decimal) and ``retry-after-ms``."""
    text = str(int(seconds)) if seconds == int(seconds) else f"{seconds:.3f}".rstrip("0")
    millis = str(math.ceil(seconds * 1000))
    return [(b"retry-after", text.encode()), (b"retry-after-ms", millis.encode())]


def _authorized(request: Request, key: str) -> bool:
    """Whether the request carries ``key`` (bearer, ``x-api-key``, ``x-goog-api-key`` or
    ``?key=``); compared in constant time."""
    expected = key.encode()
    headers = request.headers
    offered = [
        headers.get(b"authorization", b"").removeprefix(b"Bearer "),
        headers.get(b"x-api-key", b""),
        headers.get(b"x-goog-api-key", b""),
        parse_qs(request.query).get("key", [""])[0].encode(),
    ]
    return any(hmac.compare_digest(value, expected) for value in offered)
