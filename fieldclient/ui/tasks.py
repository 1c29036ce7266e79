"""One way to run work off the UI thread (house style: Picard's run_task).

`run_task(fn, done)` runs `fn()` on the global QThreadPool and calls
`done(result, error)` on the UI thread through a queued signal, so the
callback may touch widgets. `set_synchronous(True)` swaps in a stand-in that
runs both inline, which keeps unit tests deterministic without sleeps.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

Done = Callable[[Any, BaseException | None], None]

_synchronous = False
# Relays waiting for their worker; kept here so Python does not collect them early.
_pending: set[_Relay] = set()
_pools: weakref.WeakSet[QThreadPool] = weakref.WeakSet()


class _Relay(QObject):
    """Lives on the UI thread; the worker emits `finished`, Qt queues the delivery."""

    # One tuple argument: a bare None through a queued `object` argument is
    # mis-refcounted by some PySide6 versions (fatal "deallocating None").
    finished = Signal(object)

    def __init__(self, done: Done | None) -> None:
        super().__init__()
        self._done = done
        self.finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _deliver(self, outcome: tuple[Any, BaseException | None]) -> None:
        _pending.discard(self)
        result, error = outcome
        if self._done is None:
            if error is not None:
                log.error("background task failed", exc_info=error)
            return
        try:
            self._done(result, error)
        except RuntimeError as exc:
            # The view that asked was closed and deleted meanwhile: its answer has no reader.
            if "already deleted" not in str(exc):
                raise
            log.debug("dropped a task result for a deleted object: %s", exc)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # reported to the UI, never lost in the pool
            self._relay.finished.emit((None, exc))
            return
        self._relay.finished.emit((result, None))


def set_synchronous(value: bool) -> None:
    """Run tasks inline (tests) instead of on the thread pool."""
    global _synchronous
    _synchronous = value


def is_synchronous() -> bool:
    return _synchronous


def serial_pool(parent: QObject | None = None) -> QThreadPool:
    """A one-thread pool: its tasks run, and their results arrive, in submission order
    (for views applying deltas, where an older answer must never overwrite a newer one)."""
    pool = QThreadPool(parent)
    pool.setMaxThreadCount(1)
    _pools.add(pool)
    return pool


def run_task(
    fn: Callable[[], Any], done: Done | None = None, pool: QThreadPool | None = None
) -> None:
    """Run `fn` on a worker thread and hand `(result, error)` to `done` on the UI thread."""
    if _synchronous:
        try:
            result = fn()
        except Exception as exc:
            if done is None:
                raise
            done(None, exc)
            return
        if done is not None:
            done(result, None)
        return
    relay = _Relay(done)
    _pending.add(relay)
    (pool or QThreadPool.globalInstance()).start(_Runnable(fn, relay))


def pending() -> int:
    """Number of tasks whose result has not reached the UI thread yet."""
    return len(_pending)


def wait_idle(timeout_ms: int = 30_000) -> bool:
    """Block until every pool is idle (shutdown and self-test only, never from a handler)."""
    ok = True
    for pool in [QThreadPool.globalInstance(), *list(_pools)]:
        try:
            ok = pool.waitForDone(timeout_ms) and ok
        except RuntimeError:  # its owner was already deleted by Qt
            continue
    return ok
