"""The single write path: one outbox row per change in the same transaction, or nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import msgspec
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from fieldclient.core.errors import InvalidInput, StoreWriteFailed
from fieldclient.store import outbox, queries
from fieldclient.store.db import Store
from fieldclient.store.models import Outbox, Position, Unit
from fieldclient.store.writer import LocalWriter
from sync.protocol import codec

UNIT = {"callsign": "LOBO 1", "agency": "sedena", "kind": "infantry"}


def _count(store: Store, model: type) -> int:
    with store.session() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_each_change_writes_one_outbox_row_in_wire_shape(agencies: Store) -> None:
    """Create, edit and log position each add exactly one outbox row shaped like a Change."""
    store = agencies
    w = LocalWriter(store)
    uid = w.create_unit(UNIT)
    with store.session() as s:
        seen = dict(s.get(Unit, uid).field_hlcs)
    w.update_unit(uid, {"status": "engaged"}, seen=seen)
    pid = w.log_position(uid, 19.4, -99.1, source="gps")
    with store.session() as s:
        batch = outbox.pending_batch(s, 100)
    wire = [json.loads(p.doc) for p in batch]
    assert [(c["entity"], c["op"]) for c in wire] == [
        ("unit", "upsert"), ("unit", "upsert"), ("position", "append")]
    assert wire[0]["base"] == {} and wire[0]["fields"]["callsign"] == "LOBO 1"
    assert wire[1]["fields"] == {"status": "engaged"}
    assert wire[1]["base"] == {"status": seen["status"]}
    assert wire[2]["entity_id"] == pid and wire[2]["fields"]["unit_id"] == uid
    # what the push sends is exactly what the server's decoder accepts, fields canonical
    decoded = codec.decode_push(codec.push_body([msgspec.Raw(p.doc) for p in batch]))
    assert all(isinstance(d, codec.Decoded) for d in decoded), decoded
    sent = [{k: v for k, v in d.fields().items() if k not in d.entity.stamped} for d in decoded]
    assert sent == [c["fields"] for c in wire]


def _failing_outbox(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the outbox insert fail the way a full disk does, after the record was added."""
    original = outbox.add

    def boom(s, *args, **kwargs):  # type: ignore[no-untyped-def]
        original(s, *args, **kwargs)
        s.flush()
        raise OperationalError("INSERT INTO outbox", {}, Exception("database or disk is full"))

    monkeypatch.setattr(outbox, "add", boom)


def test_failed_outbox_write_leaves_no_record(agencies: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure while writing the outbox row rolls back the unit and the position too."""
    store = agencies
    w = LocalWriter(store)
    uid = w.create_unit(UNIT)
    before = (_count(store, Unit), _count(store, Position), _count(store, Outbox))
    _failing_outbox(monkeypatch)
    with pytest.raises(StoreWriteFailed) as err:
        w.log_position(uid, 19.4, -99.1)
    assert "database or disk is full" in str(err.value)
    with pytest.raises(StoreWriteFailed):
        w.create_unit({**UNIT, "callsign": "LOBO 2"})
    assert (_count(store, Unit), _count(store, Position), _count(store, Outbox)) == before
    with store.session() as s:
        assert s.get(Unit, uid).pos_lat is None  # the latest-position copy was rolled back


def test_read_only_database_refuses_cleanly(agencies: Store) -> None:
    """With the database read-only (PRAGMA query_only; root ignores chmod) a write fails
    with StoreWriteFailed and nothing is written; afterwards writing works again."""
    store = agencies
    w = LocalWriter(store)
    uid = w.create_unit(UNIT)
    before = (_count(store, Unit), _count(store, Position), _count(store, Outbox))

    def read_only(dbapi_con, _record):  # type: ignore[no-untyped-def]
        dbapi_con.execute("PRAGMA query_only=1")

    event.listen(store.engine, "connect", read_only)
    store.engine.dispose()
    try:
        with pytest.raises(StoreWriteFailed) as err:
            w.log_position(uid, 19.4, -99.1)
        assert "readonly" in str(err.value).replace("-", "").replace(" ", "")
        with pytest.raises(StoreWriteFailed):
            w.update_unit(uid, {"status": "engaged"})
    finally:
        event.remove(store.engine, "connect", read_only)
        store.engine.dispose()
    assert (_count(store, Unit), _count(store, Position), _count(store, Outbox)) == before
    w.log_position(uid, 19.4, -99.1)
    assert _count(store, Outbox) == before[2] + 1


def test_full_disk_via_page_limit(agencies: Store) -> None:
    """A real SQLITE_FULL (page limit reached) mid-write leaves no unit and no outbox row."""
    store = agencies
    w = LocalWriter(store)
    before = (_count(store, Unit), _count(store, Outbox))

    def tiny(dbapi_con, _record):  # type: ignore[no-untyped-def]
        pages = dbapi_con.execute("PRAGMA page_count").fetchone()[0]
        dbapi_con.execute(f"PRAGMA max_page_count={pages}")

    event.listen(store.engine, "connect", tiny)
    store.engine.dispose()
    failed_at = None
    try:
        with pytest.raises(StoreWriteFailed) as err:
            for i in range(200):  # long notes need new pages soon
                failed_at = f"LLENO {i}"
                w.create_unit({**UNIT, "callsign": failed_at, "notes": "x" * 9000})
        assert "full" in str(err.value)
    finally:
        event.remove(store.engine, "connect", tiny)
        store.engine.dispose()
    with store.session() as s:
        units = s.execute(select(Unit.callsign)).scalars().all()
        outbox_units = s.execute(select(Outbox.entity_id).where(Outbox.entity == "unit")).scalars().all()
        unit_ids = set(s.execute(select(Unit.id)).scalars())
    # Every unit that exists has its outbox row and vice versa: no half-written change.
    assert set(outbox_units) == unit_ids
    assert len(units) >= before[0]
    assert failed_at not in units


def test_writer_rejects_future_and_unknown_unit(agencies: Store) -> None:
    """The writer itself refuses a time beyond tolerance and a missing unit, writing nothing."""
    store = agencies
    w = LocalWriter(store)
    uid = w.create_unit(UNIT)
    n = _count(store, Outbox)
    with pytest.raises(InvalidInput):
        w.log_position(uid, 1, 1, observed_at=datetime.now(UTC) + timedelta(minutes=10))
    from fieldclient.core.errors import NotFound

    with pytest.raises(NotFound):
        w.log_position("01a2e2c4-0000-7000-8000-000000000001", 1, 1)
    assert _count(store, Outbox) == n


def test_older_report_does_not_replace_latest(agencies: Store) -> None:
    """A late-arriving older report is kept in the track but not shown as current."""
    store = agencies
    w = LocalWriter(store)
    uid = w.create_unit(UNIT)
    now = datetime.now(UTC)
    w.log_position(uid, 10, 10, observed_at=now - timedelta(minutes=1))
    w.log_position(uid, 20, 20, observed_at=now - timedelta(hours=1))
    with store.session() as s:
        row = queries.unit_rows_by_ids(s, [uid])[0]
        track = queries.unit_track(s, uid)
    assert (row[queries.R_LAT], row[queries.R_LON]) == (10, 10)
    assert [p.lat for p in track] == [10, 20]
