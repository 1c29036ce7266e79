"""Authorisation on push and visibility on pull, for every role."""

from __future__ import annotations

from sync_helpers import Api, entry, incident, position, unit


def _ids(api: Api, user: str, entity: str) -> set[str]:
    return {c["entity_id"] for c in api.pull_all(user) if c["entity"] == entity}


def test_commander_edits_only_own_agency_units(api: Api) -> None:
    """Proves a commander cannot create or edit another agency's unit, nor move one across."""
    mine = unit(agency="sedena")
    api.push_ok("cmd-sedena", mine)
    (r,) = api.push("cmd-semar", unit(mine["entity_id"], status="engaged", base={"status": mine["hlc"]}))
    assert r["status"] == "rejected" and "commander of sedena" in r["reason"]
    (r,) = api.push("cmd-semar", unit(agency="sedena"))
    assert r["status"] == "rejected" and "own agency" in r["reason"]
    (r,) = api.push("cmd-sedena", unit(mine["entity_id"], f={"agency": "semar"}))
    assert r["status"] == "rejected" and "another agency" in r["reason"]
    assert api.pull_all("observer")[-1]["change_id"] == mine["change_id"]


def test_liaison_logs_positions_creates_incidents_but_not_units(api: Api) -> None:
    """Proves a liaison may log positions of visible units, create incidents and entries, not units."""
    shared = unit(agency="sedena", visibility="shared")
    api.push_ok("cmd-sedena", shared)
    api.push_ok("lia-gn", position(shared["entity_id"]))  # a partner unit they do not command
    inc = incident(agency="gn")
    api.push_ok("lia-gn", inc, entry(inc["entity_id"]))
    (r,) = api.push("lia-gn", unit(agency="gn"))
    assert r["status"] == "rejected" and r["code"] == "role_may_not_edit" and "liaison" in r["reason"]
    (r,) = api.push("lia-gn", incident(inc["entity_id"], severity=5, base={"severity": inc["hlc"]}))
    assert r["status"] == "rejected"


def test_liaison_cannot_log_position_of_invisible_unit(api: Api) -> None:
    """Proves positions for another agency's agency-only unit are refused (and its existence not confirmed)."""
    secret = unit(agency="sedena", visibility="agency")
    api.push_ok("cmd-sedena", secret)
    (r,) = api.push("lia-gn", position(secret["entity_id"]))
    assert r["status"] == "rejected" and "unknown unit" in r["reason"].lower()
    assert r["code"] == "unknown_record"  # the same answer as for a unit that does not exist
    (missing,) = api.push("lia-gn", position(unit()["entity_id"]))  # a unit that never existed
    assert (missing["code"], missing["reason"]) == (r["code"], r["reason"])


def test_observer_writes_nothing(api: Api) -> None:
    """Proves every kind of write by an observer is rejected."""
    u = unit()
    api.push_ok("cmd-sedena", u)
    res = api.push("observer", unit(agency="sedena"), position(u["entity_id"]), incident())
    assert all(r["status"] == "rejected" and "read-only" in r["reason"] for r in res)


def test_admin_manages_agencies_not_operations(api: Api) -> None:
    """Proves an admin may publish an agency change but not units, and others may not touch agencies."""
    ag = {**unit(), "entity": "agency", "entity_id": "pc-jal", "fields": {"name": "PC Jalisco", "kind": "civil"}}
    assert api.push("admin", ag)[0]["status"] == "applied"
    assert api.push("admin", unit())[0]["status"] == "rejected"
    ag2 = {**ag, "change_id": unit()["change_id"], "fields": {"name": "Otra"}}
    assert api.push("cmd-sedena", ag2)[0]["status"] == "rejected"
    assert "pc-jal" in _ids(api, "lia-gn", "agency")


def test_agency_only_unit_and_its_track_never_reach_other_agencies(api: Api) -> None:
    """Proves invariant 6: an agency-only unit, its positions and conflicts are invisible to others."""
    secret = unit(agency="sedena", visibility="agency")
    api.push_ok("cmd-sedena", secret, position(secret["entity_id"]), position(secret["entity_id"]))
    sid = secret["entity_id"]
    for user in ("lia-gn", "cmd-semar", "admin"):
        leaked = [c for c in api.pull_all(user)
                  if sid in (c["entity_id"], c["fields"].get("unit_id"), c["fields"].get("entity_id"))]
        assert leaked == [], user
    assert sid in _ids(api, "lia-sedena", "unit") and sid in _ids(api, "observer", "unit")
    assert len([c for c in api.pull_all("lia-sedena") if c["entity"] == "position"]) == 2


def test_agency_only_incident_hides_its_entries(api: Api) -> None:
    """Proves entries inherit their incident's visibility."""
    inc = incident(agency="sedena", visibility="agency")
    e = entry(inc["entity_id"], "Nota reservada")
    api.push_ok("cmd-sedena", inc, e)
    assert e["entity_id"] not in _ids(api, "lia-gn", "incident_entry")
    assert e["entity_id"] in _ids(api, "lia-sedena", "incident_entry")
    assert e["entity_id"] in _ids(api, "observer", "incident_entry")
    (r,) = api.push("lia-gn", entry(inc["entity_id"]))
    assert r["status"] == "rejected"


def test_unit_turning_agency_only_hides_its_past_track_from_later_pulls(api: Api) -> None:
    """Proves visibility is judged at pull time: a unit made agency-only takes its whole history with it."""
    u = unit(agency="sedena", visibility="shared")
    p = position(u["entity_id"])
    api.push_ok("cmd-sedena", u, p)
    assert p["entity_id"] in _ids(api, "lia-gn", "position")
    api.push_ok("cmd-sedena", unit(u["entity_id"], f={"visibility": "agency"}, base={"visibility": u["hlc"]}))
    assert p["entity_id"] not in _ids(api, "lia-gn", "position")
    assert u["entity_id"] not in _ids(api, "lia-gn", "unit")
    assert p["entity_id"] in _ids(api, "lia-sedena", "position")


def test_unit_turning_shared_is_resent_whole_to_cursors_past_it(api: Api) -> None:
    """Proves a unit made shared reaches other agencies complete, even if their cursor is past its creation."""
    u = unit(agency="sedena", visibility="agency")
    api.push_ok("cmd-sedena", u)
    cursor = api.pull("lia-gn")["next"]
    api.push_ok("cmd-sedena", unit(u["entity_id"], f={"visibility": "shared"}, base={"visibility": u["hlc"]}))
    got = [c for c in api.pull("lia-gn", cursor)["changes"] if c["entity_id"] == u["entity_id"]]
    merged: dict = {}
    for c in got:
        merged.update(c["fields"])
    assert merged["callsign"] == "Águila 1" and merged["visibility"] == "shared"
    assert u["hlc"] in {c["hlc"] for c in got}  # true per-field HLCs are kept


def test_commander_and_liaison_of_same_agency_see_agency_records(api: Api) -> None:
    """Proves agency-only records reach every user of the owning agency."""
    u = unit(agency="semar", visibility="agency")
    api.push_ok("cmd-semar", u)
    assert u["entity_id"] in _ids(api, "cmd-semar", "unit")
    assert u["entity_id"] not in _ids(api, "lia-sedena", "unit")


def test_conflict_of_agency_only_unit_is_private(api: Api) -> None:
    """Proves conflict records inherit the visibility of the record they are about."""
    from sync_helpers import hlc

    u = unit(agency="sedena", visibility="agency")
    uid = u["entity_id"]
    api.push_ok("cmd-sedena", u)
    api.push_ok("cmd-sedena", unit(uid, notes="a", base={"notes": u["hlc"]}, at=hlc(10, "a")),
                unit(uid, notes="b", base={"notes": u["hlc"]}, at=hlc(20, "b")))
    assert len(_ids(api, "lia-sedena", "conflict")) == 1
    assert _ids(api, "lia-gn", "conflict") == set()
