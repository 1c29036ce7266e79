"""The background replication loop (Qt-free; the UI runs it on a QThread).

While online it keeps a long-poll open on a helper thread (its own HTTP
session) and pushes local changes as soon as they are written. While the
server is unreachable it backs off exponentially with jitter, and meanwhile
probes `/v1/health` every couple of seconds: when the link comes back after
having been down, it syncs at once instead of sleeping out the backoff, so a
returning link is noticed within about 5 s.
"""

from __future__ import annotations

import logging
import queue
import random
import threading
import time
from collections.abc import Callable
from typing import Any

from fieldclient.replication import clock, versions
from fieldclient.replication.account import (
    META_LAST_ERROR,
    META_LAST_OK,
    META_STATE,
    current_account,
)
from fieldclient.replication.apply import get_cursor
from fieldclient.replication.engine import SyncEngine
from fieldclient.replication.errors import (
    AuthFailed,
    DeviceRevoked,
    NotSignedIn,
    ServerRefused,
    TlsFailure,
    Unreachable,
)
from fieldclient.replication.http import SyncHttp
from fieldclient.store import outbox
from fieldclient.store.events import ChangeSet
from sync.protocol import PROTOCOL_REVISION

log = logging.getLogger(__name__)

LONG_POLL_S = 20.0
PROBE_EVERY_S = 1.5
BACKOFF_BASE_S = 1.0
BACKOFF_CAP_S = 60.0

StatusCallback = Callable[[dict[str, Any]], None]
EventCallback = Callable[[str, dict[str, Any]], None]


class Backoff:
    """Exponential backoff with jitter (each delay uniformly in [d/2, d])."""

    def __init__(self, base: float = BACKOFF_BASE_S, cap: float = BACKOFF_CAP_S) -> None:
        self.base = base
        self.cap = cap
        self.failures = 0

    def next(self) -> float:
        d = min(self.cap, self.base * (2**self.failures))
        self.failures = min(self.failures + 1, 30)
        return random.uniform(d / 2, d)

    def reset(self) -> None:
        self.failures = 0


class _Poller:
    """Runs one long-poll at a time on its own thread; results go to the loop's queue."""

    def __init__(self, events: queue.Queue[tuple[str, Any]]) -> None:
        self._events = events
        self._gen = 0
        self._busy = False
        self._lock = threading.Lock()

    def busy(self) -> bool:
        with self._lock:
            return self._busy

    def start(self, http: SyncHttp, after: int, limit: int, wait: float) -> int:
        with self._lock:
            self._gen += 1
            gen = self._gen
            self._busy = True

        def run() -> None:
            try:
                out: Any = http.pull(after, limit, wait)
            except BaseException as exc:  # noqa: BLE001 - handed to the loop thread
                out = exc
            finally:
                http.close()
            with self._lock:
                if gen == self._gen:
                    self._busy = False
            self._events.put(("poll", (gen, out)))

        threading.Thread(target=run, name="enlace-longpoll", daemon=True).start()
        return gen

    def cancel(self) -> None:
        """Forget the poll in flight (its answer is ignored when it comes)."""
        with self._lock:
            self._gen += 1
            self._busy = False

    def current(self, gen: int) -> bool:
        with self._lock:
            return gen == self._gen


class SyncLoop:
    """Drives a SyncEngine until stopped. `run()` blocks; call it on the sync thread."""

    def __init__(
        self,
        engine: SyncEngine,
        on_status: StatusCallback | None = None,
        on_event: EventCallback | None = None,
        long_poll_s: float = LONG_POLL_S,
        probe_every_s: float = PROBE_EVERY_S,
        backoff: Backoff | None = None,
    ) -> None:
        self.engine = engine
        self.store = engine.store
        self._on_status = on_status or (lambda st: None)
        self._on_event = on_event or (lambda kind, data: None)
        self.long_poll_s = long_poll_s
        self.probe_every_s = probe_every_s
        self.backoff = backoff or Backoff()
        self._events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._stop = threading.Event()
        self._poller = _Poller(self._events)
        self.state = "offline"
        self.failed_probes = 0  # observable by tests and diagnostics
        self._poll_http: SyncHttp | None = None  # of the poll in flight (its clock reading)
        self._unsubscribe = self.store.bus.subscribe(self._on_store_change)

    # -- called from any thread ----------------------------------------------

    def sync_now(self) -> None:
        self._events.put(("now", None))

    def stop(self) -> None:
        self._stop.set()
        self._events.put(("stop", None))

    def _on_store_change(self, cs: ChangeSet) -> None:
        if cs.origin == "local" and cs.get("outbox"):
            self._events.put(("local", None))

    # -- the loop (sync thread) ----------------------------------------------

    def run(self) -> None:
        try:
            while not self._stop.is_set():
                self._cycle()
        finally:
            self._unsubscribe()
            self._poller.cancel()
            self.engine.close()

    def _cycle(self) -> None:
        if current_account(self.store) is None:
            self._set_state("signed_out")
            self._wait_for({"now", "signin", "stop"}, None)
            return
        try:
            self._set_state("syncing")
            self.engine.round()
            self.backoff.reset()
            self._set_state("online")
            self._online()
        except DeviceRevoked as exc:
            self._poller.cancel()
            self.engine.note_error(exc)
            wipe = self.engine.sign_out_revoked()
            # Tell the person first, then erase (a revoked laptop may be in the wrong hands).
            self._on_event("revoked", {"wipe": wipe, "detail": exc.params.get("detail", "")})
            if wipe:
                self.engine.wipe()
                self._on_event("wiped", {})
            self._set_state("signed_out")
        except (AuthFailed, NotSignedIn) as exc:
            self._poller.cancel()
            self.engine.note_error(exc)
            self._set_state("signed_out")
            self._wait_for({"now", "signin", "stop"}, None)
        except versions.ClientTooOld as exc:
            # Nothing is sent or pulled until Enlace is updated; the server is asked again
            # now and then (it may be rolled back) and at "sync now".
            self._poller.cancel()
            self.engine.note_error(exc)
            self._set_state("too_old")
            self._wait_offline(BACKOFF_CAP_S, probe=False)
        except (Unreachable, TlsFailure) as exc:
            self._poller.cancel()
            self.engine.note_error(exc)
            self._set_state("offline")
            self._wait_offline(self.backoff.next(), probe=True)
        except ServerRefused as exc:
            self._poller.cancel()
            self.engine.note_error(exc)
            self._set_state("offline" if exc.retry else "online")
            delay = self.backoff.next()
            if exc.retry_after:
                delay = max(delay, min(exc.retry_after, BACKOFF_CAP_S))
            self._wait_offline(delay, probe=False)
        except Exception as exc:  # noqa: BLE001 - a bug or a full disk must not kill the thread
            log.exception("sync round failed")
            self._poller.cancel()
            self.engine.note_error(exc)
            self._set_state("offline")
            self._wait_offline(self.backoff.next(), probe=False)

    def _online(self) -> None:
        """Long-poll for others' changes; push ours as they are written."""
        gen = self._start_poll()
        while not self._stop.is_set():
            kind, data = self._events.get()
            if kind == "stop":
                return
            if kind in ("now", "signin"):
                # a full round (and a fresh look at the sign-in) from the top of the cycle
                self._drain({"local", "now", "signin"})
                self._poller.cancel()
                return
            if kind == "local":
                self._drain({"local"})
                self._set_state("syncing")
                self.engine.push_everything()
                self.engine.note_clock()
                self.engine.note_success()
                self._set_state("online")
            elif kind == "poll":
                pgen, out = data
                if not self._poller.current(pgen):
                    continue
                if isinstance(out, BaseException):
                    raise out
                _, more = self.engine.apply_pull(out)
                clock.note(self.store, self._poll_http.clock_offset_ms if self._poll_http
                           else None)
                if out.revealed:
                    self.engine.fetch_revealed()
                self.engine.note_success()
                self._set_state("online")
                gen = self._start_poll(0.0 if more else self.long_poll_s)
        del gen

    def _start_poll(self, wait: float | None = None) -> int:
        http = self.engine.new_http()
        self._poll_http = http
        return self._poller.start(
            http,
            get_cursor(self.store),
            self.engine.pull_page,
            self.long_poll_s if wait is None else wait,
        )

    def _wait_offline(self, delay: float, probe: bool) -> None:
        """Sleep out a backoff; a returning link (down, then up) or 'sync now' ends it early."""
        deadline = time.monotonic() + delay
        link_was_down = False
        while not self._stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            step = min(left, random.uniform(0.7, 1.0) * self.probe_every_s) if probe else left
            if self._wait_for({"now", "signin", "stop"}, step):
                return
            if probe:
                if self._probe():
                    if link_was_down:
                        log.info("link back: syncing now")
                        return
                else:
                    link_was_down = True
                    self.failed_probes += 1

    def _probe(self) -> bool:
        acct = current_account(self.store)
        if acct is None:
            return True
        http = SyncHttp(acct.server, acct.ca_cert)
        try:
            http.health(timeout=2.0)
            return True
        except Exception:  # noqa: BLE001 - any failure means "not back yet"
            return False
        finally:
            http.close()

    def _wait_for(self, kinds: set[str], timeout: float | None) -> bool:
        """Wait for one of `kinds` (others are dropped, polls are stale here); True if seen."""
        end = None if timeout is None else time.monotonic() + timeout
        while not self._stop.is_set():
            left = None if end is None else end - time.monotonic()
            if left is not None and left <= 0:
                return False
            try:
                kind, _ = self._events.get(timeout=left)
            except queue.Empty:
                return False
            if kind in kinds:
                return True
            if kind == "local":
                self._set_state(self.state)  # refresh the waiting count while we wait
        return True

    def _drain(self, kinds: set[str]) -> None:
        keep: list[tuple[str, Any]] = []
        while True:
            try:
                ev = self._events.get_nowait()
            except queue.Empty:
                break
            if ev[0] not in kinds:
                keep.append(ev)
        for ev in keep:
            self._events.put(ev)

    def signed_in(self) -> None:
        """Tell the loop a sign-in happened (from any thread)."""
        self._events.put(("signin", None))

    # -- status ---------------------------------------------------------------

    def _set_state(self, state: str) -> None:
        self.state = state
        try:
            self._on_status(status_snapshot(self.engine, state))
        except Exception:  # noqa: BLE001 - a status listener must not stop replication
            log.exception("status listener failed")


STATES = ("online", "offline", "syncing", "signed_out", "clock_skew", "too_old")


def _state(store: Any, acct: Any, state: str | None, skewed: bool) -> str:
    """One word for the status bar and `status --json` (STATES). Without a live loop
    (`state` None, the command line) it is what the last sync found. Not signed in and
    too old for the server outrank everything (nothing syncs); a wrong clock outranks
    "online" and "syncing" (sync goes on, but the person must fix the clock)."""
    if acct is None:
        return "signed_out"
    if versions.too_old(store):
        return "too_old"
    if state is None:
        state = store.get_meta(META_STATE) or "offline"
    if skewed and state in ("online", "syncing"):
        return "clock_skew"
    return state


def status_snapshot(engine: SyncEngine, state: str | None = None) -> dict[str, Any]:
    """What the status bar and `status --json` show (no secrets). `pending` is every local
    change the server has not confirmed (fieldclient.store.outbox); `waiting` is the same
    number under its first name. `clock_offset_s`: how far the server's clock is ahead of
    this laptop's, as last measured; `clock_skew` when that is more than a few minutes."""
    store = engine.store
    acct = current_account(store)
    with store.session() as s:
        c = outbox.counts(s)
    offset = clock.offset(store)
    skewed = clock.skewed(offset)
    return {
        "state": _state(store, acct, state, skewed),
        "clock_skew": skewed,
        "clock_offset_s": None if offset is None else round(offset / 1000, 1),
        "protocol_revision": PROTOCOL_REVISION,
        "server_revision": versions.server_revision(store),
        "too_old": versions.too_old(store),
        "unknown_entities": versions.unknown_entities(store),
        "read_only": store.read_only,
        "pending": c.pending,
        "waiting": c.pending,
        "rejected": c.rejected,
        "conflicts": c.conflicts,
        "held": c.held,
        "cursor": get_cursor(store),
        "last_sync": store.get_meta(META_LAST_OK) or None,
        "last_error": store.get_meta(META_LAST_ERROR) or None,
        "server": acct.server if acct else store.get_meta("sync_server"),
        "username": acct.username if acct else None,
        "revoked": store.get_meta("sync_revoked") == "1",
    }
