"""Sign-in under attack (issue 10, holes 3 and 6): every attempt is counted before its
password is verified, Argon2 work is bounded, counters are shared by every process on
the database, a stranger cannot lock the owner out, and X-Forwarded-For counts only
when it comes from a proxy the operator named."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from starlette.testclient import TestClient
from sync_helpers import PASSWORD, ServerProcess, fast_settings, seed

from sync.server import db
from sync.server.app import create_app


class _Counting:
    """Wraps the PasswordHasher: counts verifications and the most running at once."""

    def __init__(self, real: Any) -> None:
        self.real, self.calls, self.running, self.peak = real, 0, 0, 0
        self.lock = threading.Lock()

    def verify(self, stored: str, password: str) -> bool:
        with self.lock:
            self.calls += 1
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            return bool(self.real.verify(stored, password))
        finally:
            with self.lock:
                self.running -= 1

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def _attempt(c: TestClient, user: str, pw: str = "wrong-password") -> int:
    return c.post("/v1/auth/login", json={"username": user, "password": pw,
                                          "device_name": "x"}).status_code


def test_parallel_wrong_passwords_are_counted_before_they_are_verified(sqlite_url: str) -> None:
    """Proves 30 wrong passwords sent at once for one user run Argon2 at most 5 times (the
    limit) and never more than 2 at a time; the rest answer 429."""
    app = create_app(fast_settings(sqlite_url))
    counting = _Counting(app.state.services.passwords._ph)
    app.state.services.passwords._ph = counting
    with TestClient(app) as c, ThreadPoolExecutor(30) as pool:
        codes = list(pool.map(lambda _: _attempt(c, "lia-gn"), range(30)))
    assert codes.count(401) <= 5 and codes.count(429) >= 25, codes
    assert counting.calls <= 5 and counting.peak <= 2, (counting.calls, counting.peak)


def test_counters_are_shared_by_processes_on_one_database(sqlite_url: str) -> None:
    """Proves failures counted by one server process limit sign-ins on another that
    shares its database."""
    a = create_app(fast_settings(sqlite_url, login_fail_per_user=3))
    b = create_app(fast_settings(sqlite_url, login_fail_per_user=3))
    with TestClient(a) as ca, TestClient(b) as cb:
        assert [_attempt(ca, "lia-gn") for _ in range(3)] == [401] * 3
        assert _attempt(cb, "lia-gn", PASSWORD) == 429


def test_a_stranger_cannot_lock_the_owner_out() -> None:
    """Proves the scheme: failures from one address lock that address out of that account
    with a delay that doubles up to a cap (never forever), while the owner signing in from
    another address, where the account was used before, is never refused."""
    from sync.server.throttle import Throttle

    clock = [1000.0]
    t = Throttle(per_pair=5, per_addr=20, per_user=50, window_s=300, lock_cap_s=900,
                 now=lambda: clock[0])
    t.succeeded("ana", "10.0.0.7")  # the owner's usual address
    waits = []
    for _ in range(12):  # the stranger keeps guessing whenever allowed
        retry = t.check("ana", "203.0.113.9")
        if retry:
            waits.append(retry)
            clock[0] += retry
            continue
        t.attempt("ana", "203.0.113.9")
    assert waits and max(waits) <= 900 and waits == sorted(waits)  # grows, but is capped
    for n in range(200):  # a botnet: many addresses, one account
        addr = f"198.51.100.{n % 250}"
        if not t.check("ana", addr):
            t.attempt("ana", addr)
    assert t.check("ana", "198.51.100.251")  # a new address is slowed down ...
    assert t.check("ana", "10.0.0.7") == 0  # ... the owner's address never is


def test_x_forwarded_for_is_ignored_unless_the_peer_is_a_named_proxy(tmp_path: Path) -> None:
    """Proves a client on loopback cannot pick its address with X-Forwarded-For (its 21st
    failure answers 429 whatever it claims), and with --trusted-proxy 127.0.0.1 the
    header names the address that is counted and audited."""
    url = f"sqlite:///{tmp_path / 'xff.sqlite3'}"
    seed(url)
    srv = ServerProcess(url).wait_ready()
    try:
        with httpx.Client(base_url=srv.base, timeout=30) as http:
            codes = [http.post("/v1/auth/login", headers={"X-Forwarded-For": f"10.9.0.{i}"},
                               json={"username": f"ghost{i}", "password": "p",
                                     "device_name": "x"}).status_code for i in range(21)]
        assert codes[:20] == [401] * 20 and codes[20] == 429, codes
    finally:
        srv.stop()
    proxied = ServerProcess(url, extra=["--trusted-proxy", "127.0.0.1"]).wait_ready()
    try:
        with httpx.Client(base_url=proxied.base, timeout=30) as http:
            r = http.post("/v1/auth/login", headers={"X-Forwarded-For": "10.9.9.9"},
                          json={"username": "lia-gn", "password": PASSWORD, "device_name": "x"})
            assert r.status_code == 200
    finally:
        proxied.stop()
    engine = db.make_engine(url)
    with engine.connect() as c:
        details = c.execute(select(db.audit.c.detail).where(db.audit.c.action == "login")).scalars().all()
    engine.dispose()
    assert any('"addr":"10.9.9.9"' in d for d in details), details
