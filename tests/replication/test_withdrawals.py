"""Visibility changes reach the laptops (issue 9 item 7): a unit or incident turned
agency-only disappears, with its track or log, from the laptops of other agencies at their
next sync (and from their map, through the store's change bus); turned shared again it
comes back with every position or entry, including those logged while it was hidden."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from fieldclient.store.events import ChangeSet
from fieldclient.store.models import Incident, IncidentEntry, Position, Unit


def _count(client, model, **where):  # type: ignore[no-untyped-def]
    with client.store.session() as s:
        q = select(func.count()).select_from(model)
        for k, v in where.items():
            q = q.where(getattr(model, k) == v)
        return s.scalar(q)


def test_records_turned_agency_only_are_withdrawn_and_come_back_whole(server, make_client):
    """Proves the other agency's laptop removes the unit, its positions, the incident and its
    entries after they turn agency-only (the bus names them, so the map drops them), and
    gets them back complete - positions logged meanwhile included - when they turn
    shared; a laptop syncing from scratch ends the same; the owner's laptop keeps all."""
    a = make_client("a", server.url, "ana")  # sedena commander
    g = make_client("g", server.url, "gus")  # gn liaison
    t0 = datetime.now(UTC) - timedelta(hours=1)
    uid = a.writer.create_unit({"callsign": "SOMBRA-1", "agency": "sedena", "kind": "police"})
    for i in range(3):
        a.writer.log_position(uid, 19 + i / 100, -99, observed_at=t0 + timedelta(minutes=i))
    iid = a.writer.create_incident({"title": "Reservado", "kind": "other", "severity": 2,
                                    "occurred_at": t0, "agency": "sedena"})
    a.writer.add_entry(iid, "note", "Primera")
    assert a.sync().complete and g.sync().complete
    assert _count(g, Position, unit_id=uid) == 3 and _count(g, IncidentEntry, incident_id=iid) == 1

    a.writer.update_unit(uid, {"visibility": "agency"})
    a.writer.update_incident(iid, {"visibility": "agency"})
    assert a.sync().complete
    seen: list[ChangeSet] = []
    g.store.bus.subscribe(seen.append)
    assert g.sync().complete
    with g.store.session() as s:
        assert s.get(Unit, uid) is None and s.get(Incident, iid) is None
    assert _count(g, Position, unit_id=uid) == 0 and _count(g, IncidentEntry, incident_id=iid) == 0
    assert any(uid in cs.get("unit") for cs in seen)  # the map and roster drop it
    assert any(iid in cs.get("incident") for cs in seen)

    hidden = [a.writer.log_position(uid, 20 + i / 100, -99, observed_at=t0 + timedelta(minutes=10 + i))
              for i in range(2)]
    a.writer.add_entry(iid, "note", "Mientras estaba reservado")
    assert a.sync().complete and g.sync().complete
    assert _count(g, Position, unit_id=uid) == 0

    a.writer.update_unit(uid, {"visibility": "shared"})
    a.writer.update_incident(iid, {"visibility": "shared"})
    assert a.sync().complete and g.sync().complete
    assert _count(g, Position, unit_id=uid) == 5 and _count(g, IncidentEntry, incident_id=iid) == 2
    with g.store.session() as s:
        unit = s.get(Unit, uid)
        assert unit.callsign == "SOMBRA-1" and unit.pos_id == hidden[-1]
    fresh = make_client("h", server.url, "gus")  # another gn laptop, from scratch
    assert fresh.sync().complete
    assert fresh.snapshot() == g.snapshot()
    assert _count(a, Position, unit_id=uid) == 5
    sa, sg = a.snapshot(), g.snapshot()
    for kind in ("unit", "position", "incident", "incident_entry"):
        assert sa[kind] == sg[kind]
