"""A laptop clock days ahead (issue 9 item 2): the client learns the server's time from its
answers and says the clock is wrong; changes the server refused only for their clock are
re-stamped and sent by themselves once the clock is right, keeping the times people gave;
and the clock's saved high-water mark does not keep later edits days ahead."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from fieldclient.replication.worker import status_snapshot
from fieldclient.store import outbox
from fieldclient.store.models import Outbox, Position, Unit
from sync.merge import hlc_millis

DAYS_3 = 3 * 24 * 3600 * 1000


@pytest.fixture
def laptop_clock(monkeypatch):  # type: ignore[no-untyped-def]
    """Set this laptop's clock (the system clock as the client reads it, `time.time_ns`,
    in this process only; the server runs in its own) `ms` ahead of the true time."""
    real = time.time_ns

    def set_ahead(ms: int) -> None:
        monkeypatch.setattr(time, "time_ns", lambda: real() + ms * 1_000_000)

    return set_ahead


def _true_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)  # datetime.now is not patched


def test_clock_days_ahead_is_reported_and_healed_without_anyone_acting(
        server, make_client, laptop_clock):
    """Proves: with the clock 3 days fast, an edit and a position (observed at a time the
    person typed) are rejected for their clock only and the status says `clock_skew`;
    after the clock is corrected the next sync re-stamps and sends both by itself, the
    position keeps its observed time, a new edit gets a present-day HLC, and both laptops
    end identical."""
    a = make_client("a", server.url, "ana")
    b = make_client("b", server.url, "beto")
    uid = a.writer.create_unit({"callsign": "RELOJ-1", "agency": "sedena", "kind": "police"})
    assert a.sync().complete and b.sync().complete

    laptop_clock(DAYS_3)
    a.writer.update_unit(uid, {"status": "engaged"})
    seen = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)  # typed by a person
    pid = a.writer.log_position(uid, 19.5, -99.2, observed_at=seen)
    res = a.sync()
    assert res.rejected == 2
    with a.store.session() as s:
        codes = set(s.scalars(select(Outbox.code).where(Outbox.state == "rejected")))
        assert codes == {"hlc_ahead"}
        assert s.get(Unit, uid).status == "available"  # back to what the server has
    snap = status_snapshot(a.engine)
    assert snap["state"] == "clock_skew" and snap["clock_skew"]
    assert snap["clock_offset_s"] == pytest.approx(-DAYS_3 / 1000, abs=60)

    laptop_clock(0)  # someone corrects the clock; nobody touches the rejected changes
    res = a.sync()
    assert res.complete and res.still_rejected == 0
    assert status_snapshot(a.engine)["state"] == "online"
    with a.store.session() as s:
        assert {r.state for r in s.scalars(select(Outbox))} <= {"applied", "duplicate"}
        pos = s.get(Position, pid)
        assert pos.observed_at == seen  # the time the person gave
        assert abs(hlc_millis(pos.hlc) - _true_ms()) < 60_000  # only the clock stamp is new
        assert s.get(Unit, uid).status == "engaged"
    a.writer.update_unit(uid, {"strength": 12})
    with a.store.session() as s:
        newest = s.scalars(select(Outbox.hlc).order_by(Outbox.seq.desc()).limit(1)).one()
    assert abs(hlc_millis(newest) - _true_ms()) < 60_000  # the saved clock did not poison it
    assert a.sync().complete and b.sync().complete
    assert a.snapshot() == b.snapshot()
    with b.store.session() as s:
        unit = s.get(Unit, uid)
        assert (unit.status, unit.strength, unit.pos_id) == ("engaged", 12, pid)
        assert outbox.counts(s).pending == 0


def test_a_few_minutes_off_is_warned_about_and_still_syncs(server, make_client, laptop_clock):
    """Proves a clock 10 minutes slow is noticed (state `clock_skew`, offset about +600 s)
    while sync goes on, and the warning goes away once the clock is right."""
    a = make_client("a", server.url, "ana")
    laptop_clock(-10 * 60 * 1000)
    a.writer.create_unit({"callsign": "RELOJ-2", "agency": "sedena", "kind": "police"})
    assert a.sync().complete
    snap = status_snapshot(a.engine)
    assert snap["state"] == "clock_skew" and snap["clock_offset_s"] == pytest.approx(600, abs=30)
    laptop_clock(0)
    assert a.sync().complete
    assert status_snapshot(a.engine)["state"] == "online"
