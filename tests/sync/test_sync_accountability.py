"""Detentions and use-of-force reports on the server (issue 13): who may write, amend and
read them, the bad input refused with a clear reason and nothing stored, personal data
withheld in pulls and an opening of the full record written to the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sync_helpers import detention, follow_up, force, unit

from sync.protocol import new_id
from sync.server import audit


def _iso(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).isoformat().replace("+00:00", "Z")


@pytest.fixture
def sedena_unit(api) -> str:  # type: ignore[no-untyped-def]
    u = unit(f={"callsign": "Halcón 3", "agency": "sedena", "kind": "infantry",
                "status": "engaged", "visibility": "shared"})
    api.push_ok("cmd-sedena", u)
    return str(u["entity_id"])


def _rejected(api, who: str, change: dict[str, Any]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    (res,) = api.push(who, change)
    assert res["status"] == "rejected", res
    return res


def _ids(api, who: str, entity: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [c["entity_id"] for c in api.pull_all(who) if c["entity"] == entity]


def test_only_the_owning_agency_and_oversight_see_a_detention(api, sedena_unit):  # type: ignore[no-untyped-def]
    """Proves a detention reaches its agency and the observer and nobody else: not another
    agency's liaison or commander (who does not even learn it exists), not an admin."""
    d = detention(sedena_unit)
    api.push_ok("lia-sedena", d)
    rid = d["entity_id"]
    for who in ("lia-sedena", "cmd-sedena", "observer"):
        assert rid in _ids(api, who, "detention"), who
    for who in ("lia-gn", "cmd-semar"):
        assert _ids(api, who, "detention") == [], who
    assert api.http.get(f"/v1/records/{rid}", headers=api.h("lia-gn")).status_code == 404
    res = _rejected(api, "lia-gn", follow_up("detention", rid, agency="gn", age=35,
                                             amend_reason="edad"))
    assert res["code"] == "unknown_record"


def test_pulls_never_carry_names_and_an_opening_is_audited(api, client, sedena_unit):  # type: ignore[no-untyped-def]
    """Proves a pull never carries the detained person's identity (initials, the other
    personal fields withheld, `redacted`), whoever pulls, so a page shared by one audience
    leaks nothing; and that opening the record through the server hands it whole to the
    observer after writing the opening to the audit trail (the author's own is not logged)."""
    d = detention(sedena_unit, person_description="Playera roja", notified_person="María López")
    api.push_ok("lia-sedena", d)
    rid = d["entity_id"]

    def fields(who: str) -> dict[str, Any]:
        (doc,) = [c for c in api.pull_all(who) if c["entity_id"] == rid]
        return dict(doc["fields"])

    for who in ("lia-sedena", "cmd-sedena", "observer"):
        theirs = fields(who)
        assert theirs["person_name"] == "J. P. G." and theirs["redacted"] is True
        assert theirs["person_description"] is None and theirs["notified_person"] is None
        assert theirs["age"] == 34  # what is not personal stays

    engine = client.app.state.services.engine
    before = len(audit.read(engine, 0, 10_000))
    r = api.http.get(f"/v1/records/{rid}", headers=api.h("observer"))
    assert r.status_code == 200
    (whole,) = r.json()["changes"]
    assert whole["fields"]["person_name"] == "Juan Pérez García"
    assert whole["fields"]["notified_person"] == "María López"
    rows = audit.read(engine, 0, 10_000)[before:]
    opened = [row for row in rows if row["action"] == "record.open"]
    assert [(o["actor"], o["subject"], o["detail"]["agency"]) for o in opened] == [
        ("observer", f"detention:{rid}", "sedena")]
    assert audit.verify(engine) == []

    assert api.http.get(f"/v1/records/{rid}", headers=api.h("lia-sedena")).status_code == 200
    rows = audit.read(engine, 0, 10_000)
    assert [row for row in rows if row["action"] == "record.open"] == opened  # author: no row


@pytest.mark.parametrize(("change", "code", "field"), [
    (lambda u: detention(u, detained_at=_iso(timedelta(hours=1))), "time_future", "detained_at"),
    (lambda u: detention(u, detained_at=_iso(-timedelta(hours=2)), authority="civic_judge",
                         handed_over_at=_iso(-timedelta(hours=3))),
     "handover_before_detention", "handed_over_at"),
    (lambda u: detention(u, legal_ground=None), "required", "legal_ground"),
    (lambda u: detention(u, age=121), "out_of_range", "age"),
    (lambda u: detention(u, age=-1), "out_of_range", "age"),
    (lambda u: detention(u, person_name=None), "name_or_description", "person_name"),
    (lambda u: force(u, level="6"), "unknown_value", "level"),
    (lambda u: force(u, level=3), "unknown_value", "level"),
    (lambda u: force(u, injured=-1), "out_of_range", "injured"),
    (lambda u: force(u, people_affected=1, injured=2), "more_than_affected", "injured"),
    (lambda u: detention(u, agency="gn"), "own_agency_only", "agency"),
], ids=["future", "handover-before", "no-legal-ground", "age-121", "age-negative",
        "no-name", "level-6", "level-number", "injured-negative", "injured-over-affected",
        "other-agency"])
def test_bad_input_is_refused_with_its_reason_and_nothing_stored(api, sedena_unit, change,  # type: ignore[no-untyped-def]
                                                                code, field):
    """Proves each kind of bad accountability record named in the issue is rejected with
    a code naming the field, and that nothing reaches the log."""
    c = change(sedena_unit)
    res = _rejected(api, "cmd-sedena", c)
    assert (res["code"], res["params"].get("field")) == (code, field), res
    assert c["entity_id"] not in _ids(api, "observer", c["entity"])


def test_amendments_need_a_reason_the_same_kind_of_record_and_the_right_person(api, sedena_unit):  # type: ignore[no-untyped-def]
    """Proves an amendment without a reason, one pointing at another kind of record, one by
    a liaison who did not write the original, and any rewrite of the original are refused;
    the author and a commander of the agency amend, and the original stays as written."""
    d, f = detention(sedena_unit), force(sedena_unit)
    api.push_ok("lia-sedena", d, f)
    rid = d["entity_id"]
    res = _rejected(api, "cmd-sedena", follow_up("detention", rid, age=35))
    assert res["code"] == "amendment_needs_reason"
    res = _rejected(api, "cmd-sedena", follow_up("detention", f["entity_id"], age=35,
                                                 amend_reason="edad según INE"))
    assert res["code"] == "unknown_record"  # a use-of-force report is not a detention
    other = detention(sedena_unit)
    api.push_ok("cmd-sedena", other)
    res = _rejected(api, "lia-sedena", follow_up("detention", other["entity_id"], age=20,
                                                 amend_reason="edad"))
    assert res["code"] == "amend_not_author"
    api.push_ok("lia-sedena", follow_up("detention", rid, age=36, amend_reason="Dijo 36"))
    api.push_ok("cmd-sedena", follow_up("detention", rid, age=35,
                                        amend_reason="Edad según credencial del INE"))
    # rewriting the original under its own id (another change) is refused, not a duplicate
    rewrite = detention(sedena_unit, rid=rid, age=40)
    res = _rejected(api, "cmd-sedena", rewrite)
    assert res["code"] == "original_immutable"
    upsert = dict(rewrite, op="upsert", change_id=str(new_id()))
    assert _rejected(api, "cmd-sedena", upsert)["code"] == "wrong_op"
    docs = [c for c in api.pull_all("lia-sedena") if c["entity"] == "detention"
            and rid in (c["entity_id"], c["fields"].get("amends"))]
    assert [(c["fields"]["kind"], c["fields"]["age"]) for c in docs] == [
        ("record", 34), ("amendment", 36), ("amendment", 35)]


def test_a_detention_with_force_is_handed_over_only_after_its_report(api, sedena_unit):  # type: ignore[no-untyped-def]
    """Proves the hand-over of a detention that records force is refused until a
    use-of-force report names it, then accepted once; a second hand-over is refused, and a
    report naming another agency's or an unknown detention is refused."""
    d = detention(sedena_unit, force_used=True, detained_at=_iso(-timedelta(hours=2)))
    api.push_ok("cmd-sedena", d)
    rid = d["entity_id"]
    hand = follow_up("detention", rid, "handover", authority="federal_prosecutor",
                     handed_over_at=_iso(-timedelta(minutes=10)))
    assert _rejected(api, "cmd-sedena", hand)["code"] == "force_needs_report"
    assert _rejected(api, "cmd-sedena", force(sedena_unit, detention_id=force(sedena_unit)[
        "entity_id"]))["code"] == "unknown_record"
    api.push_ok("cmd-sedena", force(sedena_unit, detention_id=rid), hand)
    again = follow_up("detention", rid, "handover", authority="civic_judge",
                      handed_over_at=_iso(-timedelta(minutes=5)))
    assert _rejected(api, "cmd-sedena", again)["code"] == "already_handed_over"
    early = follow_up("detention", rid, amend_reason="hora", handed_over_at=_iso(
        -timedelta(hours=3)))
    assert _rejected(api, "cmd-sedena", early)["code"] == "handover_before_detention"


def test_observers_read_and_never_write(api, sedena_unit):  # type: ignore[no-untyped-def]
    """Proves an observer's detention is refused as read-only access."""
    assert _rejected(api, "observer", detention(sedena_unit))["code"] == "read_only"
