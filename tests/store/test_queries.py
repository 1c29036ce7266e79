"""Read functions used by the roster, map, incident log and command line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fieldclient.core.errors import InvalidInput
from fieldclient.store import queries as q
from fieldclient.store.db import Store
from fieldclient.store.writer import LocalWriter

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)


@pytest.fixture
def filled(agencies: Store) -> tuple[Store, dict[str, str]]:
    w = LocalWriter(agencies, actor="ana")
    ids: dict[str, str] = {}
    ids["hq"] = w.create_unit({"callsign": "JAGUAR", "agency": "sedena", "kind": "command"})
    ids["a"] = w.create_unit({"callsign": "Jaguar 1", "agency": "sedena", "kind": "infantry",
                              "parent_id": ids["hq"], "strength": 30, "name": "Pelotón"})
    ids["b"] = w.create_unit({"callsign": "ESCUDO 1", "agency": "pol-jal", "kind": "police"})
    ids["dup1"] = w.create_unit({"callsign": "ALFA", "agency": "gn", "kind": "police"})
    ids["dup2"] = w.create_unit({"callsign": "ALFA", "agency": "pol-nl", "kind": "police"})
    ids["old"] = w.create_unit({"callsign": "VIEJO", "agency": "gn", "kind": "police",
                                "status": "retired"})
    for i in range(3):
        w.log_position(ids["a"], 20 + i, -103, observed_at=T0 + timedelta(minutes=10 * i),
                       source="gps", note=f"n{i}")
    inc = []
    for k, (sev, status, kind) in enumerate([(5, "open", "blockade"), (2, "closed", "fire"),
                                             (4, "open", "fire")]):
        inc.append(w.create_incident({
            "title": f"I{k}", "kind": kind, "severity": sev, "status": status,
            "occurred_at": T0 + timedelta(minutes=k * 30), "agency": "sedena",
            "agencies": ["gn"]}))
    ids.update({f"i{k}": v for k, v in enumerate(inc)})
    e1 = w.add_entry(inc[0], "note", "3 lesionados")
    w.add_entry(inc[0], "assignment", "Se asigna", unit_id=ids["a"])
    ids["e1"] = e1
    ids["fix"] = w.add_entry(inc[0], "amendment", "2 lesionados", amends=e1)
    return agencies, ids


def test_roster_rows_shape(filled: tuple[Store, dict[str, str]]) -> None:
    """Roster rows are plain tuples in ROSTER_FIELDS order with the latest position."""
    store, ids = filled
    with store.session() as s:
        rows = {r[q.R_ID]: r for r in q.roster_rows(s)}
        active = q.roster_rows(s, include_retired=False)
    assert len(rows) == 6 and len(active) == 5
    r = rows[ids["a"]]
    assert type(r) is tuple and len(r) == len(q.ROSTER_FIELDS)
    assert (r[q.R_CALLSIGN], r[q.R_AGENCY], r[q.R_KIND], r[q.R_STRENGTH]) == (
        "Jaguar 1", "sedena", "infantry", 30)
    assert r[q.R_PARENT_ID] == ids["hq"] and r[q.R_NAME] == "Pelotón"
    assert (r[q.R_LAT], r[q.R_LON], r[q.R_SOURCE]) == (22, -103, "gps")
    assert r[q.R_OBSERVED_AT] == T0 + timedelta(minutes=20)
    assert r[q.R_OBSERVED_AT].tzinfo is not None
    assert rows[ids["b"]][q.R_LAT] is None and rows[ids["b"]][q.R_OBSERVED_AT] is None


def test_rows_by_ids_match_roster(filled: tuple[Store, dict[str, str]]) -> None:
    """Delta rows have the same shape and values as the full roster's rows."""
    store, ids = filled
    with store.session() as s:
        full = {r[q.R_ID]: r for r in q.roster_rows(s)}
        delta = q.unit_rows_by_ids(s, [ids["a"], ids["b"], "missing", ids["a"]])
    assert sorted(delta) == sorted([full[ids["a"]], full[ids["b"]]])


def test_track_newest_first_with_limit(filled: tuple[Store, dict[str, str]]) -> None:
    """A unit's track comes newest first, limited, with author and note."""
    store, ids = filled
    with store.session() as s:
        track = q.unit_track(s, ids["a"], limit=2)
    assert [p.note for p in track] == ["n2", "n1"]
    assert track[0].reported_by == "ana"


def test_incident_filters_newest_first(filled: tuple[Store, dict[str, str]]) -> None:
    """Incidents filter by status, severity, kind and time and come newest first."""
    store, ids = filled
    with store.session() as s:
        assert [i.title for i in q.incidents(s)] == ["I2", "I1", "I0"]
        assert [i.title for i in q.incidents(s, status="open")] == ["I2", "I0"]
        assert [i.title for i in q.incidents(s, severity=[4, 5])] == ["I2", "I0"]
        assert [i.title for i in q.incidents(s, kind="fire", status=("closed",))] == ["I1"]
        assert [i.title for i in q.incidents(s, since=T0 + timedelta(minutes=30))] == ["I2", "I1"]
        assert [i.title for i in q.incidents(s, until=T0 + timedelta(minutes=30))] == ["I1", "I0"]
        assert q.incidents(s)[0].agencies == ["gn"]


def test_entries_link_amendments_to_originals(filled: tuple[Store, dict[str, str]]) -> None:
    """The original entry stays, names its amendment; the amendment names the original."""
    store, ids = filled
    with store.session() as s:
        entries = q.incident_entries(s, ids["i0"])
    by_id = {e.id: e for e in entries}
    assert [e.kind for e in entries] == ["note", "assignment", "amendment"]
    assert by_id[ids["e1"]].body == "3 lesionados"
    assert by_id[ids["e1"]].amended_by == (ids["fix"],)
    assert by_id[ids["fix"]].amends == ids["e1"] and by_id[ids["fix"]].author == "ana"


def test_agencies_and_counts(filled: tuple[Store, dict[str, str]]) -> None:
    """Agencies come sorted by name; table counts include the outbox."""
    store, _ = filled
    with store.session() as s:
        names = [a.name for a in q.agencies(s)]
        totals = q.counts(s)
    assert names == sorted(names) and totals["outbox"] > 0


def test_find_unit_by_callsign(filled: tuple[Store, dict[str, str]]) -> None:
    """Exact match wins, case-insensitive fallback, retired only when nothing else, and
    an ambiguous callsign asks for the agency."""
    store, ids = filled
    with store.session() as s:
        assert q.find_unit_by_callsign(s, "JAGUAR") == ids["hq"]
        assert q.find_unit_by_callsign(s, "jaguar 1") == ids["a"]
        assert q.find_unit_by_callsign(s, "viejo") == ids["old"]
        assert q.find_unit_by_callsign(s, "nadie") is None
        assert q.find_unit_by_callsign(s, "ALFA", agency="pol-nl") == ids["dup2"]
        with pytest.raises(InvalidInput) as err:
            q.find_unit_by_callsign(s, "alfa")
        assert str(err.value) == "2 units have the callsign alfa; name the agency to choose one."
        assert q.callsigns_by_id(s, [ids["a"], None]) == {ids["a"]: "Jaguar 1"}  # type: ignore[list-item]
