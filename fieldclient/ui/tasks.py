"""The one way the UI runs work off its thread (house style: Picard's run_task).

- `run_task(fn, done)` runs `fn()` on a thread pool and calls `done(result, error)`
  on the UI thread, so `done` may touch widgets. It also returns a `Future`, for a
  read started early whose result a later task picks up (the roster at start-up).
- `serial_pool(owner)` gives a view its own one-thread pool: its tasks run, and
  their results arrive, in submission order (an older answer never overwrites a
  newer one).
- `start_thread(fn, name)` runs a long-running task (a loop that returns only when
  told to stop, like the sync loop) on a thread of its own, so it never holds a
  pool thread; `to_ui(callback)` is how such a task reports: every call is
  queued to the UI thread.

Workers never touch a widget: every result and report crosses to the UI thread
through a queued Qt signal.

`set_synchronous(True)` (tests) swaps in a stand-in that runs each task and its
`done` inline, before `run_task` returns, and delivers `to_ui` calls made on the
UI thread at once: a test then asserts right after the action instead of polling
for the result. A long-running task still gets its thread (a loop that runs until
stopped has no inline equivalent).
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QRunnable,
    Qt,
    QThread,
    QThreadPool,
    Signal,
    Slot,
)

log = logging.getLogger(__name__)

Done = Callable[[Any, BaseException | None], None]

_synchronous = False
# Relays waiting for their worker; kept here so Python does not collect them early.
_pending: set[_Relay] = set()
_pools: weakref.WeakSet[QThreadPool] = weakref.WeakSet()
# Long-running threads until they end: Qt aborts if a QThread is destroyed while running.
_threads: set[_Thread] = set()


class _Relay(QObject):
    """Lives on the UI thread; a worker emits `call`, Qt queues the delivery."""

    # One tuple argument: a bare None through a queued `object` argument is
    # mis-refcounted by some PySide6 versions (fatal "deallocating None").
    call = Signal(object)

    def __init__(self, fn: Callable[..., Any], once: bool) -> None:
        super().__init__()
        self._fn = fn
        self._once = once
        self.call.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _deliver(self, args: tuple[Any, ...]) -> None:
        if self._once:
            _pending.discard(self)
        try:
            self._fn(*args)
        except RuntimeError as exc:
            # The view that asked was closed and deleted meanwhile: its answer has no reader.
            if "already deleted" not in str(exc):
                raise
            log.debug("dropped a result for a deleted object: %s", exc)


def _report(done: Done | None) -> Callable[[Any, BaseException | None], None]:
    def deliver(result: Any, error: BaseException | None) -> None:
        if done is not None:
            done(result, error)
        elif error is not None:
            log.error("background task failed", exc_info=error)

    return deliver


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[], Any], future: Future[Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._future = future
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # reported to the UI, never lost in the pool
            self._future.set_exception(exc)
            self._deliver((None, exc))
            return
        self._future.set_result(result)
        self._deliver((result, None))

    def _deliver(self, outcome: tuple[Any, BaseException | None]) -> None:
        try:
            self._relay.call.emit(outcome)
        except RuntimeError:  # the process is exiting and took the relay with it
            log.debug("a task finished after its relay was gone")


def set_synchronous(value: bool) -> None:
    """Run tasks inline (tests) instead of on the thread pool."""
    global _synchronous
    _synchronous = value


@contextmanager
def synchronous() -> Iterator[None]:
    """The synchronous stand-in for the duration of a `with` block (tests)."""
    before = _synchronous
    set_synchronous(True)
    try:
        yield
    finally:
        set_synchronous(before)


def serial_pool(owner: QObject | None = None) -> QThreadPool:
    """A one-thread pool: its tasks run, and their results arrive, in submission order
    (for views applying deltas, where an older answer must never overwrite a newer one)."""
    pool = QThreadPool(owner)
    pool.setMaxThreadCount(1)
    _pools.add(pool)
    return pool


def run_task(
    fn: Callable[[], Any], done: Done | None = None, pool: QThreadPool | None = None
) -> Future[Any]:
    """Run `fn` on a worker thread and hand `(result, error)` to `done` on the UI thread.
    Without `done` an error is logged. The returned Future holds the same outcome."""
    future: Future[Any] = Future()
    deliver = _report(done)
    if _synchronous:
        try:
            result = fn()
        except Exception as exc:
            future.set_exception(exc)
            if done is None:
                raise
            done(None, exc)
            return future
        future.set_result(result)
        deliver(result, None)
        return future
    relay = _Relay(deliver, once=True)
    _pending.add(relay)
    (pool or QThreadPool.globalInstance()).start(_Runnable(fn, future, relay))
    return future


def to_ui(callback: Callable[..., Any]) -> Callable[..., None]:
    """A thread-safe stand-in for `callback`: any thread may call it; `callback` then
    runs on the UI thread with the same arguments, in call order. Create it on the UI
    thread (it owns a small QObject there)."""
    relay = _Relay(callback, once=False)

    def call(*args: Any) -> None:
        if _synchronous and _on_ui_thread():
            callback(*args)
            return
        relay.call.emit(args)

    return call


def _on_ui_thread() -> bool:
    app = QCoreApplication.instance()
    return app is None or QThread.currentThread() is app.thread()


class _Thread(QThread):
    def __init__(self, fn: Callable[[], Any], name: str) -> None:
        super().__init__()
        self._fn = fn
        self.setObjectName(name)

    def run(self) -> None:
        try:
            self._fn()
        except BaseException:  # the thread ends; the failure is in the log, not lost
            log.exception("long-running task %s failed", self.objectName())


class Worker:
    """Handle of a long-running task started by `start_thread`."""

    def __init__(self, thread: _Thread) -> None:
        self._thread = thread

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait(self, timeout_ms: int) -> bool:
        """Block until the task has returned (True) or `timeout_ms` passed (False; the
        thread is kept until it ends by itself, e.g. out of a network call)."""
        return self._thread.wait(timeout_ms)


def start_thread(fn: Callable[[], Any], name: str) -> Worker:
    """Run `fn` (a loop that returns only when its owner tells it to stop) on a thread of
    its own. It reports through callbacks wrapped with `to_ui`."""
    for ended in [t for t in _threads if t.isFinished()]:
        _threads.discard(ended)  # deleting a finished QThread is safe; a running one aborts
    thread = _Thread(fn, name)
    _threads.add(thread)
    thread.start()
    return Worker(thread)


def wait_idle(timeout_ms: int = 30_000) -> bool:
    """Block until every pool is idle and every long-running task has ended (shutdown and
    the self-test only, never from a handler). Pools of views Qt already deleted are skipped."""
    ok = True
    for pool in [QThreadPool.globalInstance(), *list(_pools)]:
        try:
            ok = pool.waitForDone(timeout_ms) and ok
        except RuntimeError:  # its owner was already deleted by Qt
            continue
    for thread in list(_threads):
        ok = thread.wait(timeout_ms) and ok
    return ok
