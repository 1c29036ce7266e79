"""The sign-in limiter: slows password guessing without letting a stranger lock the
owner out for good (docs/server.md, "Threats and limits", has the scheme in prose).

Every attempt is counted *before* its password is verified (`begin`), in one
transaction with the check, so parallel attempts cannot all slip past it; a success
takes its count back (`succeeded`). Counters live in the database, so every server
process on it shares them (`DbStore`); `MemoryStore` serves unit tests.

Three counters:
- per account *and* address: 5 failures lock that pair for 1 minute, doubling with
  each further failure up to `lock_cap_s` (15 minutes); a success clears it. A
  stranger's failures lock only the stranger's own address out of the account;
- per address: 20 failures in 5 minutes refuse every sign-in from it until the
  window ends (one source spraying many usernames);
- per account: 50 failures in 5 minutes, from any addresses (a botnet), refuse
  sign-ins to it from addresses it was never signed into from, until the window
  ends. Addresses it signed in from before (remembered 90 days) are never refused
  by this counter, so the owner at a usual place is not locked out by strangers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Engine, delete, select

from sync.server import db

KNOWN_FOR_S = 90 * 24 * 3600


@dataclass
class Row:
    failures: int = 0
    since: float = 0.0  # start of the window (first failure), or when an address was known
    until: float = 0.0  # locked until (pair), remembered until (known address)


class Store(Protocol):
    def peek(self, keys: list[str]) -> dict[str, Row]: ...

    def transaction(self, keys: list[str]) -> AbstractContextManager[dict[str, Row]]: ...

    def forget(self, before: float) -> None: ...


class MemoryStore:
    def __init__(self) -> None:
        self.rows: dict[str, Row] = {}
        self._lock = threading.Lock()

    def peek(self, keys: list[str]) -> dict[str, Row]:
        with self._lock:
            return {k: Row(**vars(self.rows[k])) for k in keys if k in self.rows}

    def forget(self, before: float) -> None:
        with self._lock:
            for k in [k for k, r in self.rows.items() if r.since < before and r.until < before]:
                del self.rows[k]

    @contextmanager
    def transaction(self, keys: list[str]) -> Iterator[dict[str, Row]]:
        with self._lock:
            rows = {k: Row(**vars(self.rows[k])) for k in keys if k in self.rows}
            yield rows
            for k in keys:
                if k in rows:
                    self.rows[k] = rows[k]
                else:
                    self.rows.pop(k, None)


class DbStore:
    """Counters in the `login_throttle` table, written in a serialised write transaction."""

    _t = db.login_throttle

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def peek(self, keys: list[str]) -> dict[str, Row]:
        with self.engine.connect() as conn:
            found = conn.execute(select(self._t).where(self._t.c.key.in_(keys))).all()
        return {r.key: Row(r.failures, r.since, r.until) for r in found}

    @contextmanager
    def transaction(self, keys: list[str]) -> Iterator[dict[str, Row]]:
        t = self._t
        with db.write_tx(self.engine) as conn:
            found = conn.execute(select(t).where(t.c.key.in_(keys))).all()
            rows = {r.key: Row(r.failures, r.since, r.until) for r in found}
            yield rows
            conn.execute(delete(t).where(t.c.key.in_(keys)))
            if rows:
                conn.execute(t.insert(), [{"key": k, "failures": r.failures, "since": r.since,
                                           "until": r.until} for k, r in rows.items()])

    def forget(self, before: float) -> None:
        t = self._t
        with db.write_tx(self.engine) as conn:
            conn.execute(delete(t).where(t.c.since < before, t.c.until < before))


class Throttle:
    def __init__(self, per_pair: int = 5, per_addr: int = 20, per_user: int = 50,
                 window_s: float = 300.0, lock_base_s: float = 60.0, lock_cap_s: float = 900.0,
                 store: Store | None = None, now: Callable[[], float] = time.time) -> None:
        self.per_pair, self.per_addr, self.per_user = per_pair, per_addr, per_user
        self.window, self.base, self.cap = window_s, lock_base_s, lock_cap_s
        self.store: Store = store if store is not None else MemoryStore()
        self.now = now
        self._counted = 0

    @staticmethod
    def _keys(user: str, addr: str) -> tuple[str, str, str, str]:
        u = user.lower()
        return f"p:{u}\n{addr}", f"a:{addr}", f"u:{u}", f"k:{u}\n{addr}"

    def _retry(self, rows: dict[str, Row], user: str, addr: str, now: float) -> float:
        pair, a, u, known = (rows.get(k) for k in self._keys(user, addr))
        waits = [0.0]
        if pair is not None and pair.until > now:
            waits.append(pair.until - now)
        if a is not None and a.failures >= self.per_addr and now - a.since < self.window:
            waits.append(a.since + self.window - now)
        if u is not None and u.failures >= self.per_user and now - u.since < self.window \
                and not (known is not None and known.until > now):
            waits.append(u.since + self.window - now)
        return max(waits)

    def check(self, user: str, addr: str) -> float:
        """Seconds to wait before an attempt may be made (0: it may be made now)."""
        return self._retry(self.store.peek(list(self._keys(user, addr))), user, addr, self.now())

    def begin(self, user: str, addr: str) -> float:
        """Check and, if allowed, count this attempt as a failure (before verifying).
        Returns the seconds to wait (0: go ahead and verify)."""
        retry = self.check(user, addr)  # a cheap read refuses most of a flood
        if retry:
            return retry
        keys = list(self._keys(user, addr))
        with self.store.transaction(keys) as rows:
            now = self.now()
            retry = self._retry(rows, user, addr, now)
            if not retry:
                self._count(rows, keys, now)
        if not retry:
            self._counted += 1
            if self._counted % 100 == 1:  # random usernames must not grow the counters forever
                self.store.forget(self.now() - max(86_400.0, self.window + self.cap))
        return retry

    def attempt(self, user: str, addr: str) -> None:
        """Count a failure without checking (what `begin` does once allowed)."""
        keys = list(self._keys(user, addr))
        with self.store.transaction(keys) as rows:
            self._count(rows, keys, self.now())

    def _count(self, rows: dict[str, Row], keys: list[str], now: float) -> None:
        pair_k, addr_k, user_k, _ = keys
        for k in (addr_k, user_k):
            r = rows.setdefault(k, Row(0, now, 0.0))
            if now - r.since >= self.window:
                r.failures, r.since = 0, now
            r.failures += 1
        pair = rows.setdefault(pair_k, Row(0, now, 0.0))
        if now - pair.since >= self.window + self.cap:  # forgiven after a quiet spell
            pair.failures = 0
        pair.failures += 1
        pair.since = now  # time of the last failure
        if pair.failures >= self.per_pair:
            pair.until = now + min(self.cap, self.base * 2 ** (pair.failures - self.per_pair))

    def succeeded(self, user: str, addr: str) -> None:
        """A correct password: take the attempt's count back, clear the pair, and
        remember the address as one this account signs in from."""
        keys = list(self._keys(user, addr))
        pair_k, addr_k, user_k, known_k = keys
        with self.store.transaction(keys) as rows:
            now = self.now()
            for k in (addr_k, user_k):
                if k in rows:
                    rows[k].failures = max(0, rows[k].failures - 1)
            rows.pop(pair_k, None)
            rows[known_k] = Row(0, now, now + KNOWN_FOR_S)
