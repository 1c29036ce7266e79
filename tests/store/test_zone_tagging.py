"""Automatic tagging with jurisdiction zones (issue 12 item 6): whose territory a point is
in (an STRtree of the zones, rebuilt when a zone changes), and the roster's "outside
jurisdiction" warning for a unit outside its agency's zones and outside the area of
every active operation it is assigned to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fieldclient.store import zones
from fieldclient.store.db import Store
from fieldclient.store.writer import LocalWriter

# Guadalajara's and Zapopan's municipalities (squares near them), Jalisco around both
GDL = [[[[-103.38, 20.62], [-103.28, 20.62], [-103.28, 20.74], [-103.38, 20.74],
          [-103.38, 20.62]]]]
ZAP = [[[[-103.50, 20.62], [-103.38, 20.62], [-103.38, 20.80], [-103.50, 20.80],
          [-103.50, 20.62]]]]
JAL = [[[[-105.7, 18.9], [-101.5, 18.9], [-101.5, 22.7], [-105.7, 22.7], [-105.7, 18.9]]]]
TLAJO = (-103.45, 20.50)  # in Jalisco, in neither municipality
AREA = [[[-103.47, 20.45], [-103.40, 20.45], [-103.40, 20.55], [-103.47, 20.55],
          [-103.47, 20.45]]]  # an operation south of Zapopan, around TLAJO


def _zone(w: LocalWriter, name: str, agency: str, level: str, geometry: list) -> str:
    return w.create_record("zone", {"name": name, "agency": agency, "level": level,
                                    "geometry": geometry})


def _unit_at(w: LocalWriter, callsign: str, agency: str, lon: float, lat: float) -> str:
    uid = w.create_unit({"callsign": callsign, "agency": agency, "kind": "police"})
    w.log_position(uid, lat, lon, observed_at=datetime.now(UTC) - timedelta(minutes=1))
    return uid


def test_a_point_is_tagged_with_the_zones_it_falls_in(agencies: Store) -> None:
    """Proves a point in Guadalajara is tagged Guadalajara then Jalisco (most local first),
    one outside every zone with none, and a zone added later is seen without restarting
    (the shared index is rebuilt when the bus says zones changed)."""
    w = LocalWriter(agencies)
    _zone(w, "Jalisco", "pol-jal", "state", JAL)
    _zone(w, "Guadalajara", "mun-gdl", "municipal", GDL)
    tagger = zones.tagger(agencies)
    assert [h.name for h in tagger.index().at(-103.35, 20.67)] == ["Guadalajara", "Jalisco"]
    assert tagger.index().at(-99.13, 19.43) == []  # Mexico City
    assert [h.name for h in tagger.index().at(*TLAJO)] == ["Jalisco"]
    _zone(w, "Zapopan", "mun-gdl", "municipal", ZAP)
    assert tagger.built() is None  # the change threw the old index away
    assert [h.name for h in tagger.index().at(-103.45, 20.70)] == ["Zapopan", "Jalisco"]


def test_units_outside_their_jurisdiction_are_flagged(agencies: Store) -> None:
    """Proves a municipal unit in its own zone is not flagged, one outside its agency's zones
    is, one outside them but inside the area of an active operation it is assigned to is
    not (and is again once the operation is suspended), and a unit of an agency with no
    zones here is never flagged."""
    w = LocalWriter(agencies)
    _zone(w, "Guadalajara", "mun-gdl", "municipal", GDL)
    _zone(w, "Jalisco", "pol-jal", "state", JAL)
    home = _unit_at(w, "GDL-01", "mun-gdl", -103.35, 20.67)
    stray = _unit_at(w, "GDL-02", "mun-gdl", -103.45, 20.70)  # in Zapopan
    escort = _unit_at(w, "GDL-03", "mun-gdl", *TLAJO)
    state = _unit_at(w, "JAL-01", "pol-jal", *TLAJO)
    army = _unit_at(w, "SEDENA-01", "sedena", -99.13, 19.43)
    op = w.create_record("operation", {
        "code": "OP-SUR", "name": "Sur", "lead_agency": "mun-gdl", "agencies": ["sedena"],
        "authority": "civil", "legal_basis": "other", "area": AREA, "status": "active",
        "starts_at": datetime.now(UTC) - timedelta(hours=1)})
    w.create_record("assignment", {"operation_id": op, "unit_id": escort, "role": "escort",
                                   "commanding_agency": "mun-gdl"})
    index = zones.tagger(agencies).index()
    now = datetime.now(UTC)
    with agencies.session() as s:
        assert zones.outside_jurisdiction(s, index, now) == {stray}
        assert zones.outside_jurisdiction(s, index, now, [home, stray]) == {stray}
    w.update_record("operation", op, {"status": "suspended"})
    with agencies.session() as s:
        assert zones.outside_jurisdiction(s, index, now) == {stray, escort}
    assert state and army
