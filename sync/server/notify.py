"""Wake-ups for long-polling pulls when new changes commit.

In one process a push bumps a counter on the event loop and wakes every
waiter. Across processes on PostgreSQL, each push runs `pg_notify` inside its
transaction (delivered only at commit) and every process keeps one LISTEN
connection on a thread that forwards notifications to its loop. On SQLite one
thread per process reads the newest seq every second and wakes the waiters only
when another process (or an admin command) committed something: parked pulls do
no periodic work of their own, however many there are.
"""

from __future__ import annotations

import asyncio
import logging
import threading

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

log = logging.getLogger("fieldsync.notify")
CHANNEL = "fieldsync"


class Notifier:
    def __init__(self, spread_per_pull_s: float = 0.002, spread_cap_s: float = 0.6) -> None:
        self.counter = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiters: set[asyncio.Future[None]] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.seen_seq = 0  # newest seq this process committed or was told of
        self.woken = 0  # how many waiters the last wake-up woke
        # Wake-ups at most once per `spread_per_pull_s` x open long-polls (up to the cap):
        # each wakes every parked pull, so a fleet's pulls per second stay near
        # 1 / spread_per_pull_s whatever its size, and each page carries every commit
        # of that moment. A lone pull is woken at once.
        self.spread_per_pull_s, self.spread_cap_s = spread_per_pull_s, spread_cap_s
        self.open_pulls = 0
        self._wake_at: asyncio.TimerHandle | None = None
        self._last_wake = float("-inf")
        self._committed = False  # since the last wake-up
        self._slotted: set[asyncio.Future[None]] = set()  # pulls waiting for a moment

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def bump(self, seq: int = 0) -> None:
        """Something committed (up to `seq`): wake every waiter, at once or, with many
        long-polls open, at the next allowed moment (on the event loop)."""
        self.seen_seq = max(self.seen_seq, seq)
        self.counter += 1  # a pull about to park sees this and reads again (`wait`)
        self._committed = True
        if self._wake_at is None and not self._moment_due():
            self._wake()

    def _moment_due(self) -> bool:
        """Schedule the next wake-up if one may not happen now; whether one is due."""
        if self._wake_at is not None:
            return True  # it takes along whatever comes before it
        loop = self._loop or asyncio.get_running_loop()
        interval = min(self.spread_cap_s, self.spread_per_pull_s * self.open_pulls)
        delay = self._last_wake + interval - loop.time()
        if delay <= 0:
            return False
        self._wake_at = loop.call_later(delay, self._wake)
        return True

    async def slot(self, timeout: float | None = None) -> None:
        """Wait for the next moment a long-poll may read: those moments are at least the
        wake-up interval apart, so that a fleet whose every re-poll would find something
        new reads together (in one batch, see pages.py) instead of each on its own. Every
        pull that arrives before a moment is released by that one wake-up, in the same
        turn of the loop: a moment worked out per pull (from the count of open pulls as
        each arrived) scattered a fleet's reads over tens of milliseconds, one read each."""
        if not self._moment_due():
            self._last_wake = (self._loop or asyncio.get_running_loop()).time()
            return
        await self._park(self._slotted, timeout)

    async def _park(self, into: set[asyncio.Future[None]], timeout: float | None = None) -> None:
        loop = asyncio.get_running_loop()
        self._loop = self._loop or loop
        fut: asyncio.Future[None] = loop.create_future()
        into.add(fut)
        try:
            await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            pass
        finally:
            into.discard(fut)

    def _wake(self) -> None:
        """A moment: pulls waiting for one read now, and parked long-polls too if
        something committed since the last."""
        self._wake_at = None
        self._last_wake = (self._loop or asyncio.get_running_loop()).time()
        released = [self._slotted]
        if self._committed:
            self._committed = False
            released.append(self._waiters)
            self.woken = len(self._waiters)
        for waiting in released:
            for fut in waiting:
                if not fut.done():
                    fut.set_result(None)
            waiting.clear()

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    def notify_threadsafe(self, seq: int = 0) -> None:
        """Call from any thread after a commit (seq 0: unknown, wake in any case)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._told, seq)

    def _told(self, seq: int) -> None:
        if seq == 0 or seq > self.seen_seq:  # not this process's own commit coming back
            self.bump(seq)

    # -- SQLite: one reader for the whole process ----------------------------

    def start_watching(self, engine: Engine, every_s: float) -> None:
        self._thread = threading.Thread(target=self._watch, args=(engine, every_s),
                                        name="fieldsync-watch", daemon=True)
        self._thread.start()

    def _watch(self, engine: Engine, every_s: float) -> None:
        while not self._stop.wait(every_s):
            if not self._waiters:
                continue
            try:
                with engine.connect() as conn:
                    newest = int(conn.exec_driver_sql(
                        "SELECT coalesce(max(seq), 0) FROM changes").scalar_one())
            except Exception:  # noqa: BLE001 - tried again at the next tick
                log.warning("reading the newest seq failed", exc_info=True)
                continue
            if newest > self.seen_seq:
                self.notify_threadsafe(newest)

    async def wait(self, since: int, timeout: float) -> None:
        """Return once the counter moves past `since`, or after `timeout` seconds. If it
        moved already (something committed while the caller read), the caller reads
        again at the next moment, with the others: under a steady stream of commits
        nearly every read overlaps one, and re-reading at once turned a fleet's batched
        reads back into one read per pull."""
        if timeout <= 0:
            return
        if self.counter != since:
            await self.slot(timeout)
        else:
            await self._park(self._waiters, timeout)

    # -- PostgreSQL LISTEN ------------------------------------------------

    def start_listening(self, database_url: str) -> None:
        dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._listen, args=(dsn, ready), name="fieldsync-listen", daemon=True
        )
        self._thread.start()
        ready.wait(10)

    def _listen(self, dsn: str, ready: threading.Event) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(dsn, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    ready.set()
                    # A reconnect may have missed notifications: wake waiters
                    # so they re-read the log rather than sleep through it.
                    self.notify_threadsafe()
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=0.5, stop_after=1):
                            payload = note.payload
                            self.notify_threadsafe(int(payload) if payload.isdigit() else 0)
            except Exception:  # noqa: BLE001 - keep listening through outages
                ready.set()
                log.warning("LISTEN connection lost; retrying", exc_info=True)
                self._stop.wait(1.0)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=3)
