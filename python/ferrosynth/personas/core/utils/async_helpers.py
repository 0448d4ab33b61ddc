"""Running coroutines from synchronous code, and blocking code from coroutines.

:func:`run_sync` works both outside and inside a running event loop (in a notebook, or under an
async web framework): inside one, the coroutine runs to completion on a fresh loop in a worker
thread instead of failing with "asyncio.run() cannot be called from a running event loop".
Exceptions propagate unchanged in both cases.

Example::

    >>> from ferrosynth.personas import run_sync, is_async_context
    >>> async def answer() -> int:
    ...     return 42
    >>> run_sync(answer()), is_async_context()
    (42, False)
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import threading
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

__all__ = ["is_async_context", "run_sync", "to_thread"]

T = TypeVar("T")
P = ParamSpec("P")


def is_async_context() -> bool:
    """True when called from code running inside an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to completion and return its result, whether or not a loop is running."""
    if not is_async_context():
        return asyncio.run(coro)
    outcome: list[T] = []
    failure: list[BaseException] = []
    context = contextvars.copy_context()

    def target() -> None:
        try:
            outcome.append(context.run(asyncio.run, coro))
        except BaseException as error:  # handed to the caller's thread below
            failure.append(error)

    worker = threading.Thread(target=target, name="ferrosynth-run-sync", daemon=True)
    worker.start()
    worker.join()
    if failure:
        raise failure[0]
    return outcome[0]


async def to_thread(func: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Run the blocking ``func`` in a worker thread without blocking the event loop."""
    return await asyncio.to_thread(functools.partial(func, *args, **kwargs))
