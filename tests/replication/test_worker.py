"""The background loop: near-real-time delivery while online, link-return detection,
and a revoked device signed out (and wiped when site policy says so)."""

from __future__ import annotations

import threading
import time

import pytest

from fieldclient.replication import account
from fieldclient.replication.worker import Backoff, SyncLoop
from fieldclient.store.models import Unit
from tests.replication.faultproxy import FaultProxy
from tests.replication.support import wait_until


class Running:
    """A SyncLoop on its own thread, recording statuses and events."""

    def __init__(self, client, **kw) -> None:
        self.statuses: list[dict] = []
        self.events: list[tuple[str, dict]] = []
        self.loop = SyncLoop(client.engine, self.statuses.append,
                             lambda k, d: self.events.append((k, d)), **kw)
        self.thread = threading.Thread(target=self.loop.run, daemon=True)
        self.thread.start()

    def state(self) -> str | None:
        return self.statuses[-1]["state"] if self.statuses else None

    def stop(self) -> None:
        self.loop.stop()
        self.thread.join(10)
        assert not self.thread.is_alive()


def _has_unit(client, uid):
    with client.store.session() as s:
        return s.get(Unit, uid) is not None


def test_online_change_on_a_reaches_b_within_two_seconds(server, make_client):
    """Proves two online clients see each other's edits within about a second (long-poll)."""
    a = make_client("a", server.url, "ana")
    b = make_client("b", server.url, "beto")
    ra, rb = Running(a), Running(b)
    try:
        wait_until(lambda: ra.state() == "online" and rb.state() == "online", timeout=15)
        lags = []
        for i in range(5):
            t0 = time.monotonic()
            uid = a.writer.create_unit({"callsign": f"LIVE-{i}", "agency": "sedena",
                                        "kind": "police"})
            wait_until(lambda uid=uid: _has_unit(b, uid), timeout=5, every=0.01)
            lags.append(time.monotonic() - t0)
        assert max(lags) < 2.0, lags
        assert rb.statuses[-1]["last_sync"]
    finally:
        ra.stop()
        rb.stop()


def test_link_return_is_noticed_within_five_seconds_despite_long_backoff(server, make_client):
    """Proves a returning link triggers a sync within 5 s even when the backoff is long."""
    proxy = FaultProxy(server.port)
    c = make_client("c", proxy.url, "ana")
    obs = make_client("obs", server.url, "beto")
    proxy.set_mode("reset")
    backoff = Backoff(base=60, cap=120)  # would sleep a minute or more without the probe
    run = Running(c, backoff=backoff, long_poll_s=2)
    try:
        wait_until(lambda: run.state() == "offline", timeout=15)
        uid = c.writer.create_unit({"callsign": "LINK-UP", "agency": "sedena", "kind": "police"})
        wait_until(lambda: run.statuses[-1]["waiting"] == 1, timeout=5)
        wait_until(lambda: run.loop.failed_probes >= 1, timeout=10)  # it saw the link down
        t0 = time.monotonic()
        proxy.set_mode("pass")
        wait_until(lambda: obs.sync() and _has_unit(obs, uid), timeout=8, every=0.2)
        assert time.monotonic() - t0 < 5.0
        wait_until(lambda: run.state() == "online", timeout=5)
    finally:
        run.stop()
        proxy.close()


@pytest.mark.parametrize("wipe", [False, True])
def test_revoked_device_is_signed_out_and_wiped_only_by_policy(server, make_client, wipe):
    """Proves a revoked answer signs out, tells the UI, and erases local data only if policy says."""
    c = make_client("c", server.url, "ana")
    if wipe:
        c.store.set_meta(account.META_WIPE_POLICY, "1")
    uid = c.writer.create_unit({"callsign": "REVOKE", "agency": "sedena", "kind": "police"})
    run = Running(c, long_poll_s=1)
    try:
        wait_until(lambda: run.state() == "online", timeout=15)
        device = account.current_account(c.store).device_id
        r = server.cli("device", "revoke", device)
        assert r.returncode == 0, r.stderr
        wait_until(lambda: any(k == "revoked" for k, _ in run.events), timeout=10)
        wait_until(lambda: run.state() == "signed_out", timeout=10)
        assert account.current_account(c.store) is None
        assert c.creds.get_token(server.url, "ana") is None
        kinds = [k for k, _ in run.events]
        assert kinds.index("revoked") < (kinds.index("wiped") if wipe else len(kinds))
        assert _has_unit(c, uid) is (not wipe)
        assert ("wiped" in kinds) is wipe
    finally:
        run.stop()
