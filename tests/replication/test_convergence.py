"""Two real clients and a real server: offline edits converge, nothing lost, conflicts shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from fieldclient.replication import account
from fieldclient.store import outbox
from fieldclient.store.models import Conflict, Outbox, Unit


def _setup_shared(a, b):
    uid = a.writer.create_unit({"callsign": "ALFA-1", "agency": "sedena", "kind": "infantry"})
    iid = a.writer.create_incident({
        "title": "Bloqueo carretero", "kind": "blockade", "severity": 3,
        "occurred_at": datetime.now(UTC), "agency": "sedena",
    })
    assert a.sync().complete
    assert b.sync().complete
    return uid, iid


@pytest.mark.parametrize("first", ["a", "b"])
def test_offline_edits_on_both_sides_converge_in_either_order(server, make_client, first):
    """Proves concurrent offline edits end identical on both laptops, nothing lost, conflicts on both."""
    a = make_client("a", server.url, "ana")
    b = make_client("b", server.url, "beto")
    uid, iid = _setup_shared(a, b)
    with b.store.session() as s:
        seen_b = dict(s.get(Unit, uid).field_hlcs)
    t0 = datetime.now(UTC) - timedelta(minutes=30)

    # offline: both edit the same field, each edits one of its own, both log positions/entries
    a.writer.update_unit(uid, {"callsign": "ALFA-A", "notes": "desde A"})
    b.writer.update_unit(uid, {"callsign": "ALFA-B", "strength": 12}, seen_b)
    pa = [a.writer.log_position(uid, 20.6 + i / 100, -103.3, t0 + timedelta(minutes=i))
          for i in range(3)]
    pb = [b.writer.log_position(uid, 20.7 + i / 100, -103.4, t0 + timedelta(minutes=10 + i))
          for i in range(2)]
    ea = a.writer.add_entry(iid, "note", "Entrada de A")
    eb = b.writer.add_entry(iid, "note", "Entrada de B")

    order = [a, b] if first == "a" else [b, a]
    for c in order + order:
        assert c.sync().complete

    sa, sb = a.snapshot(), b.snapshot()
    assert sa == sb
    assert set(pa + pb) <= set(sa["position"])
    assert {ea, eb} <= set(sa["incident_entry"])
    unit = sa["unit"][uid]
    assert unit["notes"] == "desde A" and unit["strength"] == 12
    assert unit["callsign"] in ("ALFA-A", "ALFA-B")
    assert unit["pos_id"] == pb[-1]  # the latest observed report, whoever sent it
    conflicts = [c for c in sa["conflict"].values() if c["entity_id"] == uid]
    assert len(conflicts) == 1
    c = conflicts[0]
    assert c["field"] == "callsign" and c["status"] == "open"
    assert {c["winner_value"], c["loser_value"]} == {"ALFA-A", "ALFA-B"}
    assert c["winner_value"] == unit["callsign"]
    assert {c["winner_by"], c["loser_by"]} == {"ana", "beto"}
    for cl in (a, b):
        assert set(cl.outbox_states().values()) <= {"applied", "duplicate"}


def test_rejected_change_stays_visible_with_reason_until_dismissed(server, make_client):
    """Proves a change the server refuses is kept as rejected with the reason, not dropped."""
    a = make_client("a", server.url, "ana")
    g = make_client("g", server.url, "gus")  # liaison of another agency: may not edit units
    uid = a.writer.create_unit({"callsign": "BRAVO-2", "agency": "sedena", "kind": "infantry"})
    assert a.sync().complete
    assert g.sync().complete
    # Signed in, the laptop refuses this edit itself (test_local_rules); made while signed
    # out, it is accepted locally (field rules only) and refused by the server later.
    account.logout(g.store, g.creds)
    g.writer.update_unit(uid, {"callsign": "HIJACK"})
    g.sign_in("g")
    pid = g.writer.log_position(uid, 19.4, -99.1)  # a liaison may log positions
    res = g.sync()
    assert res.rejected == 1 and res.complete
    with g.store.session() as s:
        rows = {r.entity: r for r in s.scalars(select(Outbox).where(Outbox.entity_id.in_([uid, pid])))}
        assert rows["unit"].state == "rejected" and rows["unit"].reason
        assert rows["position"].state == "applied"
        assert outbox.counts(s).rejected == 1
        seq = rows["unit"].seq
    assert g.sync().complete  # a rejected change is not retried forever
    with g.store.transaction() as s:
        assert outbox.dismiss(s, seq)
    with g.store.session() as s:
        assert s.get(Outbox, seq).state == "dismissed"
        assert outbox.counts(s).rejected == 0


def test_conflict_resolution_by_reapplying_syncs_to_both(server, make_client):
    """Proves 'keep mine' re-applies as a normal change that wins everywhere and resolves the conflict."""
    a = make_client("a", server.url, "ana")
    b = make_client("b", server.url, "beto")
    uid, _ = _setup_shared(a, b)
    a.writer.update_unit(uid, {"status": "engaged"})
    b.writer.update_unit(uid, {"status": "returning"})
    for c in (a, b, a):
        c.sync()
    with a.store.session() as s:
        conf = s.scalars(select(Conflict).where(Conflict.entity_id == uid)).one()
        loser, cid = conf.loser_value, conf.id
        current = s.get(Unit, uid).field_hlcs["status"]
    a.writer.update_unit(uid, {"status": loser}, {"status": current})
    a.writer.resolve_conflict(cid, "reapplied")
    for c in (a, b):
        assert c.sync().complete
    for c in (a, b):
        with c.store.session() as s:
            assert s.get(Unit, uid).status == loser
            assert s.get(Conflict, cid).status == "resolved"
            # the re-application saw the current value: no new conflict
            assert s.scalars(select(Conflict).where(Conflict.entity_id == uid)).all() == [
                s.get(Conflict, cid)
            ]


def test_prune_forgets_only_old_confirmed_changes(tmp_path):
    """Proves pruning drops old applied rows beyond the newest N and never waiting/rejected ones."""
    from datetime import timedelta

    from sqlalchemy import update

    from fieldclient.store.db import open_store
    from fieldclient.store.writer import LocalWriter

    store = open_store(tmp_path / "p")
    w = LocalWriter(store)
    uid = w.create_unit({"callsign": "PRUNE", "agency": "sedena", "kind": "police"})
    for i in range(10):
        w.log_position(uid, 10 + i / 100, -99)
    old = datetime.now(UTC) - timedelta(days=30)
    with store.transaction() as s:
        s.execute(update(Outbox).values(created_at=old, state="applied"))
        s.execute(update(Outbox).where(Outbox.seq == 2).values(state="rejected"))
        s.execute(update(Outbox).where(Outbox.seq == 3).values(state="waiting"))
    with store.transaction() as s:
        assert outbox.prune(s, keep_last=4) == 5
    with store.session() as s:
        left = dict(s.execute(select(Outbox.seq, Outbox.state)).all())
    assert left == {2: "rejected", 3: "waiting", 8: "applied", 9: "applied", 10: "applied",
                    11: "applied"}
    store.close()
