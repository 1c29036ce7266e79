"""Network faults between client and server (a fault-injecting proxy) and a server
killed between commit and reply: after recovery nothing is lost and nothing doubled."""

from __future__ import annotations

from collections import Counter

import pytest

from fieldclient.replication import http as sync_http
from fieldclient.replication.errors import Unreachable
from fieldclient.store.models import Outbox
from tests.replication.faultproxy import FaultProxy


@pytest.fixture
def short_timeouts(monkeypatch):
    monkeypatch.setattr(sync_http, "READ_TIMEOUT_S", 1.5)
    monkeypatch.setattr(sync_http, "CONNECT_TIMEOUT_S", 1.5)


@pytest.fixture
def proxy(server):
    p = FaultProxy(server.port)
    yield p
    p.close()


def _queue_work(client, n_pos: int = 30) -> tuple[str, list[str]]:
    uid = client.writer.create_unit({"callsign": "FAULT-1", "agency": "sedena", "kind": "police"})
    pids = [client.writer.log_position(uid, 19 + i / 1000, -99) for i in range(n_pos)]
    return uid, pids


def _assert_converged_without_duplicates(server, observer, writer_client, uid, pids):
    assert writer_client.sync().complete
    assert observer.sync().complete
    snap = observer.snapshot()
    assert set(pids) <= set(snap["position"])
    assert snap["unit"][uid]["callsign"] == "FAULT-1"
    assert snap == writer_client.snapshot()
    states = Counter(writer_client.outbox_states().values())
    assert set(states) <= {"applied", "duplicate"}
    # each change in the server's log once (change ids are unique there)
    import sqlite3

    con = sqlite3.connect(server.db.removeprefix("sqlite:///"))
    try:
        marks = ",".join("?" * len(pids))
        ids = [r[0] for r in con.execute(
            f"SELECT entity_id FROM changes WHERE entity='position' AND entity_id IN ({marks})",
            pids)]
    finally:
        con.close()
    assert sorted(ids) == sorted(pids)


@pytest.mark.parametrize("mode", ["cut", "reset", "stall", "half_open"])
def test_push_through_a_faulty_link_recovers_without_loss_or_duplicates(
    server, proxy, make_client, short_timeouts, mode
):
    """Proves a cut, reset, stalled or half-open connection mid-push loses and doubles nothing."""
    c = make_client("c", proxy.url, "ana")
    obs = make_client("obs", server.url, "beto")
    uid, pids = _queue_work(c)
    c.engine.push_batch = 10  # several batches, so a fault hits in the middle of the queue
    c.engine.close()  # fresh connections see the new mode
    proxy.cut_after = 60
    proxy.only = b"POST /v1/changes"  # the push (the version check before it passes)
    proxy.set_mode(mode)
    with pytest.raises(Unreachable):
        c.sync()
    with c.store.session() as s:
        pending = s.query(Outbox).filter(Outbox.state.in_(["waiting", "sent"])).count()
    assert pending > 0  # the unanswered batch is still queued, not marked done
    proxy.set_mode("pass")
    proxy.only = None
    proxy.release()
    c.engine.close()
    _assert_converged_without_duplicates(server, obs, c, uid, pids)


def test_cut_pull_does_not_move_the_cursor(server, proxy, make_client, short_timeouts):
    """Proves a pull answer cut mid-body applies nothing and leaves the cursor where it was."""
    src = make_client("src", server.url, "ana")
    c = make_client("c", proxy.url, "beto")
    assert c.sync().complete
    before = c.snapshot()
    cursor = int(c.store.get_meta("sync_cursor"))
    uid, pids = _queue_work(src, 200)
    assert src.sync().complete
    c.engine.close()
    proxy.cut_after = 2000
    proxy.only = b"GET /v1/changes"
    proxy.set_mode("cut")
    with pytest.raises(Unreachable):
        c.sync()
    assert int(c.store.get_meta("sync_cursor")) == cursor
    assert c.snapshot() == before
    proxy.set_mode("pass")
    c.engine.close()
    assert c.sync().complete
    assert c.snapshot() == src.snapshot()


def test_server_killed_between_commit_and_reply(fresh_server, make_client, short_timeouts):
    """Proves a server kill -9 after committing a push but before replying loses and doubles nothing."""
    server = fresh_server
    proxy = FaultProxy(server.port)
    try:
        c = make_client("c", proxy.url, "ana")
        obs = make_client("obs", server.url, "beto")
        uid, pids = _queue_work(c, 40)
        killed = []
        proxy.on_reply = lambda: (server.kill(), killed.append(True))
        proxy.only = b"POST /v1/changes"  # the push's reply (the pull goes on beside it)
        proxy.set_mode("drop_reply")
        c.engine.close()
        with pytest.raises(Unreachable):
            c.sync()
        assert killed
        committed = server.count_changes("position")
        assert committed == len(pids)  # the server did commit the batch before dying
        with c.store.session() as s:
            assert s.query(Outbox).filter(Outbox.state == "sent").count() == len(pids) + 1
        server.start()
        proxy.set_mode("pass")
        c.engine.close()
        _assert_converged_without_duplicates(server, obs, c, uid, pids)
        assert Counter(c.outbox_states().values())["duplicate"] == len(pids) + 1
        assert server.count_changes("position") == len(pids)
    finally:
        proxy.close()
