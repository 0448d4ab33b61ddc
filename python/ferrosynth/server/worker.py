"""The worker pool: claims tasks through the store, calls the provider, writes terminal states.

One pool per process (``--role all`` or ``--role worker``). It registers a worker id with a
heartbeat; claims batches of queued tasks (the store finishes cache hits inside the claim);
runs up to ``concurrency`` provider calls at once; and writes outcomes in groups, one
transaction per group. A second task with the same cache key as one in flight waits for it and
takes a copy of its answer (marked ``cached``) instead of calling the provider again.

Every few seconds it renews its heartbeat, returns the claims of workers that stopped beating
(a process killed with -9), and wipes provider keys no unfinished task needs.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
import uuid
from typing import TYPE_CHECKING

from ferrosynth.server.http import HTTPClient
from ferrosynth.server.keys import Keyring, SealedKeyError
from ferrosynth.server.outbound import CallResult, RetryRules, call_provider
from ferrosynth.server.outbound import failure as _failed
from ferrosynth.store.tasks import ClaimedTask, TaskOutcome, TaskStore

if TYPE_CHECKING:
    from ferrosynth.server.config import ServerConfig

__all__ = ["WorkerPool"]

log = logging.getLogger("ferrosynth.server")

_CLAIM_MAX = 512
_IDLE_POLL_S = 0.25
_CREDENTIAL_GRACE_S = 60.0
_OPENED_MAX = 1024


class WorkerPool:
    """Runs in the server's event loop; :meth:`start` and :meth:`stop` bracket its life."""

    _loop: asyncio.AbstractEventLoop

    def __init__(self, store: TaskStore, config: ServerConfig, keyring: Keyring) -> None:
        self.store = store
        self.config = config
        self.keyring = keyring
        self.worker_id = f"w-{uuid.uuid4().hex[:12]}"
        self.rules = RetryRules(
            max_retries=config.max_retries,
            base_s=config.retry_base_ms / 1000,
            max_s=config.retry_max_ms / 1000,
            timeout_s=config.request_timeout_s,
        )
        self._headers = {"HTTP-Referer": config.site_url, "X-Title": config.site_name}
        self._inflight: dict[int, tuple[str, asyncio.Task[None]]] = {}
        self._by_key: dict[str, asyncio.Future[CallResult]] = {}
        self._outcomes: list[TaskOutcome] = []
        self._outcome_ready = asyncio.Event()
        self._wake = asyncio.Event()
        self._slot_free = asyncio.Event()
        self._stopping = False
        # opened provider keys, in this process's memory only (never written anywhere)
        self._opened: dict[str, str] = {}
        # batches deleted through this process, and when: a claim that started before the
        # delete may return tasks of the deleted batch, which are dropped; a claim that started
        # after it sees only tasks uploaded since (the same batch id may be used again at once)
        self._deleted: dict[str, float] = {}
        self._loops: list[asyncio.Task[None]] = []
        self._http = HTTPClient(limit_per_origin=config.concurrency)
        self.calls = 0

    # --- life ---------------------------------------------------------------------------------
    async def start(self) -> None:
        # asyncio.create_task and get_running_loop ask the kernel for the process id on every
        # call (Python 3.11 checks the loop's owner): the per-task calls use this one instead
        self._loop = asyncio.get_running_loop()
        self._http = HTTPClient(limit_per_origin=self.config.concurrency)
        await asyncio.to_thread(self.store.heartbeat, self.worker_id)
        self._loops = [
            asyncio.create_task(self._claim_loop(), name="fs-claim"),
            asyncio.create_task(self._write_loop(), name="fs-write"),
            asyncio.create_task(self._beat_loop(), name="fs-beat"),
        ]

    async def stop(self) -> None:
        """Cancel in-flight calls, write what is finished, give the rest back to the queue."""
        self._stopping = True
        self._wake.set()
        for _, task in list(self._inflight.values()):
            task.cancel()
        for _, task in list(self._inflight.values()):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for loop in self._loops:
            loop.cancel()
        for loop in self._loops:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await loop
        await self._flush()
        with contextlib.suppress(Exception):
            await asyncio.to_thread(self.store.unregister, self.worker_id)
        await self._http.close()
        self._opened.clear()

    def wake(self) -> None:
        """New tasks are queued: claim now instead of at the next poll."""
        self._wake.set()

    def cancel_batch(self, batch_id: str) -> int:
        """Stop this process's in-flight calls of a deleted batch; returns how many."""
        now = time.monotonic()
        self._deleted = {b: t for b, t in self._deleted.items() if now - t < 60.0}
        self._deleted[batch_id] = now
        cancelled = 0
        for seq, (bid, task) in list(self._inflight.items()):
            if bid == batch_id:
                task.cancel()
                self._inflight.pop(seq, None)
                cancelled += 1
        return cancelled

    def cancel_task(self, message_id: str) -> None:
        for seq, (_bid, task) in list(self._inflight.items()):
            if task.get_name() == message_id:
                task.cancel()
                self._inflight.pop(seq, None)

    @property
    def busy(self) -> int:
        return len(self._inflight)

    # --- loops --------------------------------------------------------------------------------
    async def _claim_loop(self) -> None:
        loop = self._loop
        while not self._stopping:
            free = self.config.concurrency - len(self._inflight)
            if free <= 0:
                self._slot_free.clear()
                await self._slot_free.wait()
                continue
            started = time.monotonic()
            try:
                claimed = await asyncio.to_thread(
                    self.store.claim, self.worker_id, min(free, _CLAIM_MAX)
                )
            except Exception:
                log.exception("claiming tasks failed; retrying")
                await asyncio.sleep(1.0)
                continue
            if not claimed:
                self._wake.clear()
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), _IDLE_POLL_S)
                continue
            if self._deleted:
                claimed = [t for t in claimed if self._deleted.get(t.batch_id, -1.0) < started]
            for task in claimed:
                runner = loop.create_task(self._process(task), name=task.message_id)
                self._inflight[task.seq] = (task.batch_id, runner)
                runner.add_done_callback(functools.partial(self._done, task.seq))

    def _done(self, seq: int, _task: object = None) -> None:
        self._inflight.pop(seq, None)
        self._slot_free.set()

    async def _process(self, task: ClaimedTask) -> None:
        try:
            await self._process_inner(task)
        except asyncio.CancelledError:
            raise  # the batch was deleted, or the server stops: nothing to write
        except Exception as e:  # a bug must not strand the task in PROCESSING
            log.exception("task %s failed inside the worker", task.message_id)
            message = f"internal error in the worker: {type(e).__name__}"
            self._emit(task, _failed(message, task.started_at), cached=False)

    async def _process_inner(self, task: ClaimedTask) -> None:
        shared = self._by_key.get(task.cache_key) if task.use_cache else None
        if shared is not None:
            try:
                result = await asyncio.shield(shared)
            except asyncio.CancelledError:
                if not shared.done():
                    raise  # this task itself was cancelled
            else:
                if result.ok:
                    self._emit(task, result, cached=True)
                    return
        future: asyncio.Future[CallResult] | None = None
        if task.use_cache and task.cache_key not in self._by_key:
            future = self._loop.create_future()
            self._by_key[task.cache_key] = future
        try:
            result = await self._call(task)
            if future is not None:
                future.set_result(result)
            self._emit(task, result, cached=False)
        finally:
            if future is not None:
                if not future.done():
                    future.cancel()
                if self._by_key.get(task.cache_key) is future:
                    del self._by_key[task.cache_key]

    async def _call(self, task: ClaimedTask) -> CallResult:
        api_key: str | None = None
        if task.cred_id is not None:
            try:
                if task.secret is None:
                    raise SealedKeyError("the stored key record is gone")
                api_key = self._opened.get(task.cred_id)
                if api_key is None:
                    api_key = self.keyring.open(task.secret)
                    if len(self._opened) >= _OPENED_MAX:
                        self._opened.clear()
                    self._opened[task.cred_id] = api_key
            except SealedKeyError as e:
                return _failed(f"the task's api_key cannot be recovered: {e}", task.started_at)
        self.calls += 1
        try:
            return await call_provider(
                self._http,
                task.url,
                task.body,
                api_key,
                self.rules,
                self._headers,
                task.started_at,
            )
        finally:
            api_key = None  # the plain key lives only for the call

    def _emit(self, task: ClaimedTask, result: CallResult, *, cached: bool) -> None:
        self._outcomes.append(
            TaskOutcome(
                seq=task.seq,
                status="COMPLETED" if result.ok else "FAILED",
                completions=result.completions,
                prompt_tokens=result.prompt_tokens,
                completion_tokens=result.completion_tokens,
                total_tokens=result.total_tokens,
                completed_at=time.time(),
                duration_ms=result.duration_ms,
                cached=cached,
            )
        )
        self._outcome_ready.set()

    async def _write_loop(self) -> None:
        while True:
            await self._outcome_ready.wait()
            self._outcome_ready.clear()
            try:
                await self._flush()
            except Exception:
                log.exception("writing task results failed; retrying")
                await asyncio.sleep(0.5)
                self._outcome_ready.set()

    async def _flush(self) -> None:
        if not self._outcomes:
            return
        batch, self._outcomes = self._outcomes, []
        try:
            await asyncio.to_thread(self.store.finish, self.worker_id, batch)
        except BaseException:
            self._outcomes[:0] = batch
            raise

    async def _drop_deleted(self) -> None:
        """Cancel in-flight calls whose task was deleted elsewhere (a batch deleted through
        another process's API, or a claim lost after this worker was presumed dead)."""
        if not self._inflight:
            return
        running = set(self._inflight)
        owned = await asyncio.to_thread(self.store.owned, self.worker_id)
        for seq in running - owned:
            entry = self._inflight.pop(seq, None)
            if entry is not None:
                entry[1].cancel()

    async def _beat_loop(self) -> None:
        interval = max(0.05, self.config.lease_ttl_s / 3)
        while True:
            await asyncio.sleep(interval)
            try:
                await asyncio.to_thread(self.store.heartbeat, self.worker_id)
                released = await asyncio.to_thread(
                    self.store.release_stale, self.config.lease_ttl_s
                )
                if released:
                    log.warning("%d tasks of stopped workers went back to the queue", released)
                    self._wake.set()
                await asyncio.to_thread(self.store.collect_credentials, _CREDENTIAL_GRACE_S)
                await self._drop_deleted()
            except Exception:
                log.exception("worker heartbeat failed")
