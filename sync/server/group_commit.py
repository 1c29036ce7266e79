"""Group commit: one thread turns queued pushes into shared write transactions.

A push is decoded on the event loop when its body is small (the common push
of a few hundred changes: that work then overlaps with this thread's time in
SQLite, which runs without the GIL) and reaches this thread with its bearer
token. The thread authenticates every waiting push with one look-up, finishes
phase 1 (sync.server.push), opens one write transaction, applies them in
arrival order (phase 2, sync.server.applier), commits them together, and hands
every answer back to the loop in one call: two hand-offs per push, no thread
pool, no lock to wait on.

Intake stays open while the group runs: a push that arrives before the group
commits joins it (up to MAX_GROUP_S or MAX_GROUP_CHANGES), so a push waits at
most for the rest of the group it arrives during, not for that group and then
its own: the latency tail is one group cycle, not two.
A big push (a laptop's backlog after an outage) is applied in slices of
SLICE_CHANGES while other clients are pushing too: after each slice commits it
goes back to the end of the queue, so their pushes wait for one slice, not for
the whole backlog. Its answer is sent once the last slice has committed; a
push is idempotent, so a client that retries after a failure mid-way gets
`duplicate` for the slices already stored. A lone client's push goes whole.
If a group fails, each of its pushes is retried in its own transaction so only
a failing push fails. Seqs stay in commit order: the group holds the write lock
(db.write_tx) from its first seq to its commit.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import psycopg
import sqlalchemy.exc
from sqlalchemy import Engine, text

from sync.merge import HybridClock
from sync.protocol import ERR_INVALID, ERR_TOO_LARGE, codec
from sync.protocol.envelope import PushResult
from sync.server import db
from sync.server.applier import Batch, Outcome, Push
from sync.server.auth import PUSH, Principal, authenticate_many
from sync.server.errors import ApiError
from sync.server.push import Item, check, decode

log = logging.getLogger("fieldsync.writer")
MAX_GROUP_CHANGES = 20_000  # bounds one transaction's size and its lock hold time
MAX_GROUP_S = 0.25  # ... and how long its intake stays open
SLICE_CHANGES = 1_000  # a big push's slice while others push too (see the module's note)
BUSY_S = 1.0  # "others push too": another token pushed within this many seconds
DECODE_ON_LOOP = 256 * 1024  # bodies up to this size are decoded on the event loop (~1 ms)


class _Redo(Exception):
    """An optimistic transaction met what may be a replay; run it again carefully."""


# A unique index broken by an optimistic insert: the row is already in the log.
_DUPLICATE = (sqlite3.IntegrityError, psycopg.IntegrityError, sqlalchemy.exc.IntegrityError)


@dataclass(frozen=True)
class Reply:
    body: bytes  # the PushResponse
    accepted: int


@dataclass
class _Job:
    authorization: str | None
    raw: bytes
    future: asyncio.Future[Reply]
    decoded: list[codec.Decoded | codec.Refused] | None = None
    body_error: codec.BodyError | None = None  # answered after authentication
    push: Push | None = None
    outcome: Outcome | None = None
    error: BaseException | None = None
    who: Principal | None = None
    rest: list[Item] = field(default_factory=list)  # checked, not yet applied (slices)
    done: list[PushResult] = field(default_factory=list)  # answers of committed slices
    accepted: int = 0  # rows the committed slices added

    @property
    def size(self) -> int:
        return len(self.push.items) if self.push else 0


class GroupCommit:
    def __init__(self, engine: Engine, clock: HybridClock, on_commit: Callable[[int], None]) -> None:
        """`on_commit(seq)` runs on the event loop after a group that accepted something."""
        self.engine, self.clock, self.on_commit = engine, clock, on_commit
        self._queue: deque[_Job] = deque()
        self._ready = threading.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False
        self.last_seq = 0  # the newest seq this writer committed
        self._last_token: str | None = None
        self._busy_until = 0.0  # until then, big pushes go in slices
        self.checkpointer = db.Checkpointer(engine)  # SQLite's WAL, off this thread

    async def push(self, authorization: str | None, raw: bytes) -> Reply:
        """Authenticate, decode, apply and commit one push; its answer, or ApiError."""
        loop = asyncio.get_running_loop()
        job = _Job(authorization, raw, loop.create_future())
        if len(raw) <= DECODE_ON_LOOP:
            try:
                job.decoded, job.raw = decode(raw), b""
            except codec.BodyError as exc:
                job.body_error = exc
        with self._ready:
            now = time.monotonic()
            if authorization != self._last_token:
                self._busy_until, self._last_token = now + BUSY_S, authorization
            # (re)started on demand: an app may be served, stopped, served again
            if self._thread is None or not self._thread.is_alive() or self._loop is not loop:
                self._start(loop)
            self._queue.append(job)
            self._ready.notify()
        return await job.future

    def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop, self._stopping = loop, False
        self._thread = threading.Thread(target=self._run, name="fieldsync-writer", daemon=True)
        self._thread.start()

    def close(self) -> None:
        with self._ready:
            self._stopping = True
            self._ready.notify()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10)
        self._thread = None
        self.checkpointer.stop()

    def _take(self, block: bool) -> list[_Job]:
        with self._ready:
            while block and not self._queue and not self._stopping:
                self._ready.wait()
            jobs = list(self._queue)
            self._queue.clear()
            return jobs

    def _run(self) -> None:
        loop = self._loop
        while True:
            jobs = self._take(block=True)
            if not jobs:
                return  # stopping, queue drained
            self._prepare(jobs)
            accepted = self._commit([j for j in jobs if j.push is not None], jobs, intake=True)
            self._deliver(loop, jobs, accepted)
            self.checkpointer.committed(accepted)

    def _slice(self, job: _Job, items: list[Item]) -> None:
        """The job's next Push: all of `items`, or one slice of them while others push."""
        size = SLICE_CHANGES if time.monotonic() < self._busy_until else len(items)
        job.push, job.rest = Push(job.who, items[:size]), items[size:]  # type: ignore[arg-type]

    def _prepare(self, jobs: list[_Job]) -> None:
        """Phase 1 for each job, outside the write lock (a sliced push's next slice)."""
        for job in jobs:
            if job.rest:
                self._slice(job, job.rest)
        jobs = [j for j in jobs if j.push is None]
        if not jobs:
            return
        try:
            callers = authenticate_many(self.engine, [j.authorization for j in jobs], PUSH)
        except Exception as exc:  # noqa: BLE001 - e.g. the database is down: these pushes fail
            log.exception("authentication failed")
            for job in jobs:
                job.error = exc
            return
        for job, who in zip(jobs, callers, strict=True):
            try:
                if isinstance(who, ApiError):
                    raise who
                if job.body_error is not None:
                    raise job.body_error
                decoded = job.decoded if job.decoded is not None else decode(job.raw)
                job.who = who
                self._slice(job, check(decoded, who))
            except ApiError as exc:
                job.error = exc
            except codec.BodyError as exc:
                job.error = ApiError(exc.status, ERR_TOO_LARGE if exc.status == 413 else ERR_INVALID,
                                     exc.detail)
            except Exception as exc:  # noqa: BLE001 - a bug; answered as a 500 for this push only
                log.exception("push could not be prepared")
                job.error = exc
            finally:
                job.raw, job.decoded = b"", None

    def _commit(self, ready: list[_Job], everyone: list[_Job], intake: bool) -> int:
        """Apply and commit `ready` (and, with intake, pushes arriving meanwhile, which
        are appended to `everyone`); returns the number of rows accepted."""
        if not ready:
            return 0
        members = list(ready)  # every push this transaction takes in
        try:
            try:
                return self._transaction(ready, members, everyone, intake, careful=False)
            except (_Redo, *_DUPLICATE):
                # A replay among them (see applier.Batch): the same pushes again, looking
                # every change up first.
                for job in members:
                    job.outcome = None
                return self._transaction(list(members), list(members), everyone, False,
                                         careful=True)
        except Exception as exc:  # noqa: BLE001 - reported to the pushes it affects
            for job in members:
                job.outcome = None
            if len(members) == 1:
                log.exception("push failed")
                members[0].error = exc
                return 0
            # Rare (a bug or a database error): run each push of the group on its
            # own, so only the one that fails fails. Cheaper on the common path
            # than a savepoint per push.
            log.warning("group commit failed; retrying its %d pushes one by one", len(members))
            return sum(self._commit([job], everyone, intake=False) for job in members)

    def _transaction(self, ready: list[_Job], members: list[_Job], everyone: list[_Job],
                     intake: bool, careful: bool) -> int:
        with db.write_tx(self.engine) as conn:
            batch = Batch(conn, self.clock, careful=careful)
            started, size = time.monotonic(), 0
            while ready:
                batch.load([j.push for j in ready if j.push])
                for job in ready:
                    job.outcome = batch.apply(job.push)  # type: ignore[arg-type]
                    size += job.size
                if batch.refused and not careful:
                    raise _Redo
                if not intake or size >= MAX_GROUP_CHANGES \
                        or time.monotonic() - started >= MAX_GROUP_S:
                    break
                more = self._take(block=False)
                self._prepare(more)
                everyone.extend(more)
                ready = [j for j in more if j.push is not None]
                members.extend(ready)
            batch.finish()
            accepted = sum(j.outcome.accepted for j in members if j.outcome)
            seq = batch.seq
            if accepted and self.engine.dialect.name == "postgresql":
                # Delivered at commit: wakes long-polls in every server process.
                conn.execute(text("SELECT pg_notify('fieldsync', :s)"), {"s": str(batch.seq)})
        if accepted:
            self.last_seq = max(self.last_seq, seq)
        return accepted

    def _deliver(self, loop: asyncio.AbstractEventLoop | None, jobs: list[_Job],
                 accepted: int) -> None:
        answers: list[tuple[_Job, Reply | None]] = []
        last = self.last_seq
        for job in jobs:
            reply = None
            if job.outcome is not None and job.rest:  # a slice: the next one queues again
                job.done += job.outcome.results
                job.accepted += job.outcome.accepted
                job.push = job.outcome = None
                with self._ready:
                    self._queue.append(job)
                continue
            if job.outcome is not None:
                reply = Reply(codec.push_response(job.done + job.outcome.results),
                              job.accepted + job.outcome.accepted)
            elif job.error is None:
                job.error = RuntimeError("push was not applied")
            answers.append((job, reply))

        def hand_over() -> None:  # on the event loop
            for job, reply in answers:
                if job.future.done():
                    continue  # the client went away
                if reply is not None:
                    job.future.set_result(reply)
                else:
                    job.future.set_exception(job.error)  # type: ignore[arg-type]
            if accepted:
                self.on_commit(last)

        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(hand_over)
