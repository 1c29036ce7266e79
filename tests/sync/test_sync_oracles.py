"""Existence oracles (issue 10, hole 8): ids are unique across every kind of record, and
a record the caller cannot see answers exactly as one that does not exist."""

from __future__ import annotations

from sync_helpers import Api, position, unit

from sync.protocol import new_id


def _answer(r: dict) -> tuple:
    return r["status"], r.get("code"), r.get("reason"), r.get("seq")


def test_editing_an_invisible_unit_answers_as_a_missing_one(api: Api) -> None:
    """Proves an edit of another agency's agency-only unit gets the very answer an edit of
    an id that never existed gets (no owner, no 'unknown' that only existing ids give)."""
    secret = unit(agency="sedena", visibility="agency")
    api.push_ok("cmd-sedena", secret)
    for who in ("cmd-semar", "lia-gn"):
        (hidden,) = api.push(who, unit(secret["entity_id"], status="engaged",
                                       base={"status": secret["hlc"]}))
        (missing,) = api.push(who, unit(str(new_id()), status="engaged",
                                        base={"status": secret["hlc"]}))
        assert _answer(hidden) == _answer(missing), (who, hidden, missing)
        assert "sedena" not in (hidden.get("reason") or "")


def test_an_append_reusing_someone_elses_id_is_not_a_duplicate(api: Api) -> None:
    """Proves a position reusing the id of another user's position (visible or not) is
    rejected as a taken id, never answered `duplicate` with that position's seq."""
    shared = unit(agency="sedena", visibility="shared")
    secret = unit(agency="sedena", visibility="agency")
    api.push_ok("cmd-sedena", shared, secret)
    theirs = position(shared["entity_id"])
    hidden = position(secret["entity_id"])
    api.push_ok("cmd-sedena", theirs, hidden)
    for victim in (theirs, hidden):
        mine = position(shared["entity_id"])
        mine["entity_id"] = victim["entity_id"]
        (r,) = api.push("lia-gn", mine)
        assert r["status"] == "rejected" and r["code"] == "id_taken" and "seq" not in r, r
    again = dict(theirs, change_id=str(new_id()))  # the author's own record, sent again
    (r,) = api.push("cmd-sedena", again)
    assert r["status"] == "duplicate"


def test_ids_are_unique_across_entities(api: Api) -> None:
    """Proves a unit cannot take a position's id nor a position a unit's (either order,
    within one push or across pushes), with one answer whatever holds the id."""
    u = unit()
    p = position(u["entity_id"])
    api.push_ok("cmd-sedena", u, p)
    (r,) = api.push("cmd-sedena", unit(p["entity_id"]))
    assert r["status"] == "rejected" and r["code"] == "id_taken", r
    clash = position(u["entity_id"])
    clash["entity_id"] = u["entity_id"]
    (r,) = api.push("cmd-sedena", clash)
    assert r["status"] == "rejected" and r["code"] == "id_taken", r
    fresh = position(u["entity_id"])
    same = unit(fresh["entity_id"])
    r1, r2 = api.push("cmd-sedena", fresh, same)
    assert r1["status"] == "applied" and (r2["status"], r2["code"]) == ("rejected", "id_taken")
    secret = unit(agency="semar", visibility="agency")
    api.push_ok("cmd-semar", secret)
    (r,) = api.push("cmd-sedena", unit(secret["entity_id"]))  # a whole new unit on a hidden id
    (q,) = api.push("cmd-sedena", unit(p["entity_id"]))  # ... and on a position's id
    assert _answer(r) == _answer(q) and r["code"] == "id_taken"
