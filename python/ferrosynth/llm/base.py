"""The provider protocol: one abstract base class for every LLM API.

Async first: :meth:`LLMProvider.acomplete` is the call; :meth:`LLMProvider.complete` is a
blocking facade for scripts, which runs the async call on a private event-loop thread (so it
works in plain scripts and inside an already running loop, e.g. a notebook).
"""

from __future__ import annotations

import asyncio
import threading
from abc import ABC, abstractmethod
from collections.abc import Coroutine
from types import TracebackType
from typing import Any, ClassVar, TypeVar

from ferrosynth.llm.types import ChatBody, LLMResponse, ProviderKind

__all__ = ["LLMProvider"]

_T = TypeVar("_T")
_Self = TypeVar("_Self", bound="LLMProvider")


class _LoopThread:
    """A daemon thread running one event loop, for the blocking facade."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="ferrosynth-llm-sync", daemon=True
        )
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, _T]) -> _T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self.loop.close()


class LLMProvider(ABC):
    """An LLM API behind one call: an OpenAI chat-completions body in, an
    :class:`~ferrosynth.llm.LLMResponse` out.

    ``kind`` names the API, ``model`` is the default model (used when the body names none) and
    ``base_url`` the endpoint's root. Subclasses implement :meth:`acomplete` (retrying per their
    :class:`~ferrosynth.llm.RetryPolicy` and raising the typed errors of
    :mod:`ferrosynth.llm.errors`) and :meth:`aclose`.
    """

    kind: ClassVar[ProviderKind]
    model: str | None
    base_url: str

    _sync: _LoopThread | None = None
    _sync_lock: ClassVar[threading.Lock] = threading.Lock()

    @abstractmethod
    async def acomplete(self, body: ChatBody, *, timeout: float | None = None) -> LLMResponse:
        """Send one chat request; ``timeout`` (seconds) overrides the provider's for this call."""

    @abstractmethod
    async def aclose(self) -> None:
        """Close pooled connections. The provider can be used again afterwards (it reconnects)."""

    def complete(self, body: ChatBody, *, timeout: float | None = None) -> LLMResponse:
        """Blocking :meth:`acomplete`, for scripts."""
        return self._sync_runner().run(self.acomplete(body, timeout=timeout))

    def close(self) -> None:
        """Close the connections opened by :meth:`complete` and stop its loop thread."""
        with self._sync_lock:
            runner, self._sync = self._sync, None
        if runner is not None:
            runner.run(self.aclose())
            runner.stop()

    def _sync_runner(self) -> _LoopThread:
        with self._sync_lock:
            if self._sync is None:
                self._sync = _LoopThread()
            return self._sync

    async def __aenter__(self: _Self) -> _Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __enter__(self: _Self) -> _Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:  # never shows a key
        return f"{type(self).__name__}(base_url={self.base_url!r}, model={self.model!r})"
