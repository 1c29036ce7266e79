"""Group commit: one writer thread applies queued pushes in shared transactions.

With many clients pushing small batches, a transaction per push spends most
of its time on the commit and on waiting for the write lock (in no
particular order, which makes latency tails long). The writer takes every
push waiting in the queue, in arrival order, applies them in one
transaction and commits them together; if that fails, each push is retried
on its own so that only a failing push fails.
Seqs stay in commit order: the group holds the write lock (db.write_tx) from
its first seq to its commit.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, text

from sync.merge import HybridClock
from sync.server import db
from sync.server.auth import Principal
from sync.server.push import Applier, Outcome, Prepared, Result

log = logging.getLogger("fieldsync.writer")
MAX_GROUP_CHANGES = 20_000  # bounds one transaction's size and its lock hold time


@dataclass
class _Job:
    who: Principal
    prepared: list[Prepared | Result]
    future: Future[Outcome]


class GroupWriter:
    def __init__(self, engine: Engine, clock: HybridClock, on_commit: Callable[[], None]) -> None:
        self.engine, self.clock, self.on_commit = engine, clock, on_commit
        self._q: queue.Queue[_Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, who: Principal, prepared: list[Prepared | Result]) -> Future[Outcome]:
        with self._lock:  # (re)started on demand: an app may be served, stopped, served again
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="fieldsync-writer", daemon=True)
                self._thread.start()
        fut: Future[Outcome] = Future()
        self._q.put(_Job(who, prepared, fut))
        return fut

    def close(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                self._q.put(None)
                self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        while True:
            job = self._q.get()
            if job is None:
                return
            group, size = [job], len(job.prepared)
            while size < MAX_GROUP_CHANGES:
                try:
                    nxt = self._q.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    self._q.put(None)  # finish this group, then stop
                    break
                group.append(nxt)
                size += len(nxt.prepared)
            self._commit(group)

    def _commit(self, group: list[_Job]) -> None:
        try:
            outs = self._run_group(group)
        except Exception as exc:  # noqa: BLE001 - reported to the pushes it affects
            if len(group) == 1:
                log.exception("push failed")
                group[0].future.set_exception(exc)
                return
            # Rare (a bug or a database error): run each push of the group on
            # its own, so only the one that fails fails. Cheaper on the common
            # path than a savepoint per push.
            log.warning("group commit failed; retrying its %d pushes one by one", len(group))
            for job in group:
                self._commit([job])
            return
        for job, out in zip(group, outs, strict=True):
            job.future.set_result(out)
        if any(out.accepted for out in outs):
            self.on_commit()

    def _run_group(self, group: list[_Job]) -> list[Outcome]:
        outs: list[Outcome] = []
        with db.write_tx(self.engine) as conn:
            seq: int | None = None  # carried from push to push: one max(seq) per group
            for job in group:
                out = apply_prepared(conn, job.who, job.prepared, self.clock, seq)
                seq = out.last_seq
                outs.append(out)
            if any(out.accepted for out in outs) and self.engine.dialect.name == "postgresql":
                # Delivered at commit: wakes long-polls in every server process.
                conn.execute(text("SELECT pg_notify('fieldsync', :s)"), {"s": str(seq)})
        return outs


def apply_prepared(conn: Any, who: Principal, prepared: list[Prepared | Result],
                   clock: HybridClock, seq: int | None = None) -> Outcome:
    """Phase 2 of a push on an open write transaction (`seq`: the log's last
    seq if the caller knows it)."""
    ap = Applier(conn, who, clock, seq)
    ap.load([p for p in prepared if isinstance(p, Prepared)])
    results = [ap.apply(p) if isinstance(p, Prepared) else p for p in prepared]
    ap.finish()
    return Outcome(results, ap.seq, len(ap.rows))
