"""A change the server rejects is taken back on the laptop (issue 9 item 1): the record
returns to the server's value of each field, with its HLC, so two laptops end identical,
while the rejected change stays listed with its reason until dismissed or sent again."""

from __future__ import annotations

from sqlalchemy import select

from fieldclient.replication import account
from fieldclient.store import outbox
from fieldclient.store.models import Outbox, Position, Unit
from tests.replication.support import downgrade


def _signed_out_edit(client, edit):  # type: ignore[no-untyped-def]
    """Edit while signed out (only the field rules apply then), sign in again: the way a
    change the server refuses still reaches it (rules or roles changed meanwhile)."""
    account.logout(client.store, client.creds)
    out = edit()
    client.sign_in(client.folder.name)
    return out


def test_rejected_edit_restores_the_servers_values_and_both_laptops_end_identical(
        server, make_client):
    """Proves a liaison's edit of another agency's unit, rejected by the server, is undone on
    the liaison's laptop (callsign and status back to the server's, with their HLCs),
    stays listed as rejected with its reason, and both laptops end with the same records;
    sending it again shows it again until the server rejects it again."""
    a = make_client("a", server.url, "ana")
    g = make_client("g", server.url, "gus")  # liaison of gn: may not edit sedena's units
    uid = a.writer.create_unit({"callsign": "BRAVO-7", "agency": "sedena", "kind": "infantry"})
    assert a.sync().complete and g.sync().complete
    with g.store.session() as s:
        before = dict(s.get(Unit, uid).field_hlcs)
    _signed_out_edit(g, lambda: g.writer.update_unit(uid, {"callsign": "HIJACK",
                                                           "status": "engaged"}))
    pid = g.writer.log_position(uid, 19.4, -99.1)  # a liaison may log positions
    with g.store.session() as s:
        assert s.get(Unit, uid).callsign == "HIJACK"  # shown at once, before the server saw it

    res = g.sync()
    assert (res.rejected, res.complete) == (1, True)
    with g.store.session() as s:
        unit = s.get(Unit, uid)
        assert (unit.callsign, unit.status) == ("BRAVO-7", "available")
        assert unit.field_hlcs == before
        assert unit.pos_id == pid  # the accepted position stays
        row = s.scalars(select(Outbox).where(Outbox.entity == "unit")).one()
        assert row.state == "rejected" and row.code == "role_may_not_edit" and row.reason
        assert row.fields == {"callsign": "HIJACK", "status": "engaged"}
        assert outbox.counts(s).rejected == 1
    assert a.sync().complete
    assert g.snapshot() == a.snapshot()

    with g.store.transaction() as s:  # a person sends it again
        assert outbox.requeue(s, row.seq) is not None
    with g.store.session() as s:
        assert s.get(Unit, uid).callsign == "HIJACK"
        assert outbox.counts(s).pending == 1
    assert g.sync().rejected == 1
    assert g.snapshot() == a.snapshot()
    with g.store.transaction() as s:  # and lets it go
        assert outbox.dismiss(s, row.seq)
    assert g.sync().complete and g.snapshot() == a.snapshot()


def test_rejected_creation_is_removed_with_its_positions(server, make_client):
    """Proves a unit whose creation the server rejects (a liaison may not create units) is
    removed from the laptop together with the positions logged for it, both listed as
    rejected, and the laptop matches one that never saw them."""
    a = make_client("a", server.url, "ana")
    g = make_client("g", server.url, "gus")
    assert g.sync().complete

    def offline_work() -> tuple[str, str]:
        uid = g.writer.create_unit({"callsign": "GN-PHANTOM", "agency": "gn", "kind": "police"})
        return uid, g.writer.log_position(uid, 20.1, -103.2)

    uid, pid = _signed_out_edit(g, offline_work)
    assert g.sync().rejected == 2
    with g.store.session() as s:
        assert s.get(Unit, uid) is None and s.get(Position, pid) is None
        states = dict(s.execute(select(Outbox.entity, Outbox.state)).all())
    assert states == {"unit": "rejected", "position": "rejected"}
    assert a.sync().complete
    assert g.snapshot() == a.snapshot()


def test_edit_made_before_an_upgrade_and_rejected_after_it_converges(server, make_client):
    """Proves an edit still unconfirmed when the laptop was upgraded to the version that
    keeps the server's copy of each record (so the server's value of that field was not
    known here) is, once rejected, replaced by the server's value fetched again: the
    laptop ends identical to one that never made it."""
    a = make_client("a", server.url, "ana")
    g = make_client("g", server.url, "gus")
    uid = a.writer.create_unit({"callsign": "BRAVO-7", "agency": "sedena", "kind": "infantry"})
    assert a.sync().complete and g.sync().complete
    _signed_out_edit(g, lambda: g.writer.update_unit(uid, {"callsign": "HIJACK"}))
    g.close()
    downgrade(g.folder, "0002")  # the version before; the next start upgrades it
    g.reopen()
    assert g.sync().rejected == 1
    with g.store.session() as s:
        assert s.get(Unit, uid).callsign == "BRAVO-7"
    assert a.sync().complete
    assert g.snapshot() == a.snapshot()
