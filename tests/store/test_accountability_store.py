"""The local store keeps detentions and use-of-force reports as written (issue 13 items 1,
2): an original is never rewritten, by the writer or by SQL, and the signed-in user's
rules (the server's) refuse locally what the server would refuse."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from fieldclient.core.errors import NotFound, NotPermitted
from fieldclient.store import accountable, meta
from fieldclient.store.db import open_store
from fieldclient.store.writer import LocalWriter


@pytest.fixture
def setup(tmp_path: Path):  # type: ignore[no-untyped-def]
    store = open_store(tmp_path)
    w = LocalWriter(store)
    uid = w.create_unit({"callsign": "HALCON-3", "agency": "sedena", "kind": "infantry"})
    rid = w.append_record("detention", {
        "kind": "record", "agency": "sedena", "unit_id": uid, "person_name": "Ana Ruiz",
        "age": 30, "detained_at": datetime.now(UTC) - timedelta(hours=1),
        "legal_ground": "warrant", "motive": "Orden de aprehensión"})
    yield store, w, uid, rid
    store.close()


def _sign_in(store, user: str, role: str, agency: str) -> None:  # type: ignore[no-untyped-def]
    with store.transaction() as s:
        for key, value in ((meta.SIGNED_IN_USER, user), (meta.SIGNED_IN_ROLE, role),
                           (meta.SIGNED_IN_AGENCY, agency), (meta.USER, user)):
            store.set_meta(key, value, session=s)


def test_an_original_is_never_rewritten(setup) -> None:  # type: ignore[no-untyped-def]
    """Proves writing again under an original's id is refused (original_immutable), that
    an UPDATE of what a row reports is refused by the database itself, and that the
    record is unchanged after both."""
    store, w, uid, rid = setup
    with pytest.raises(NotPermitted) as err:
        w.append_record("detention", {
            "kind": "record", "agency": "sedena", "unit_id": uid, "person_name": "Otra",
            "detained_at": datetime.now(UTC), "legal_ground": "warrant", "motive": "x"},
            record_id=rid)
    assert err.value.problem is not None and err.value.problem.code == "original_immutable"
    with store.session() as s, pytest.raises(IntegrityError, match="append-only"):
        s.connection().exec_driver_sql("UPDATE detention SET age = 99 WHERE id = ?", (rid,))
    with store.session() as s:
        assert accountable.standing(s, "detention", rid)["age"] == 30


def test_the_signed_in_users_rules_apply_before_anything_is_queued(setup) -> None:  # type: ignore[no-untyped-def]
    """Proves a liaison who did not write the original cannot amend it, another agency's
    liaison cannot write for a SEDENA unit, an observer writes nothing, and an amendment
    naming an unknown record is refused - each before an outbox row exists."""
    store, w, uid, rid = setup
    amendment = {"kind": "amendment", "agency": "sedena", "amends": rid, "age": 31,
                 "amend_reason": "edad"}
    _sign_in(store, "lia", "liaison", "sedena")
    with pytest.raises(NotPermitted, match="author of the record or a commander"):
        w.append_record("detention", amendment)
    _sign_in(store, "gn-lia", "liaison", "gn")
    with pytest.raises(NotPermitted, match="own agency"):
        w.append_record("detention", amendment)
    with pytest.raises(NotPermitted, match="another agency"):
        w.append_record("use_of_force", {
            "kind": "report", "agency": "gn", "unit_id": uid, "level": "presence",
            "occurred_at": datetime.now(UTC), "circumstances": "c", "necessity": "n"})
    _sign_in(store, "obs", "observer", "")
    with pytest.raises(NotPermitted, match="read-only"):
        w.append_record("detention", amendment)
    _sign_in(store, "cmd", "commander", "sedena")
    with pytest.raises(NotFound):
        w.append_record("detention", {**amendment, "amends": uid})  # a unit, not a detention
    w.append_record("detention", amendment)  # a commander of the agency may
    with store.session() as s:
        assert accountable.standing(s, "detention", rid)["age"] == 31
        rows = s.connection().exec_driver_sql("SELECT count(*) FROM outbox "
                                              "WHERE entity = 'detention'").scalar()
    assert rows == 2  # the original and the one amendment allowed
