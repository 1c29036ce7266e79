"""Pulled changes the client cannot apply are held, never skipped (issue 9 item 6, data
path): a kind of record and a value from a newer server are kept with their document and
reason while the cursor moves on, and an upgraded client applies them at its next start."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from fieldclient.replication import apply as apply_module
from fieldclient.replication.apply import get_cursor
from fieldclient.replication.worker import status_snapshot
from fieldclient.store import outbox
from fieldclient.store.models import HeldChange, Unit
from sync.protocol import envelope
from sync.protocol.entity import ENTITIES, Entity, Field, Writers, register
from sync.protocol.fields import Slug, Text
from sync.protocol.ids import new_id
from sync.protocol.vocab import UNIT_STATUS


def _server_log(server, entity: str, entity_id: str, fields: dict[str, Any],  # type: ignore[no-untyped-def]
                scope: str | None) -> int:
    """Append a change to the server's change log as a newer server would have stored it
    (pull hands stored documents out as they are); returns its seq."""
    con = sqlite3.connect(server.db.removeprefix("sqlite:///"))
    try:
        seq = con.execute("SELECT coalesce(max(seq), 0) + 1 FROM changes").fetchone()[0]
        cid = str(new_id())
        hlc = f"{int(datetime.now(UTC).timestamp() * 1000) + seq:013d}-0000-newer"
        doc = {"change_id": cid, "entity": entity, "entity_id": entity_id, "op": "upsert",
               "fields": fields, "base": {}, "hlc": hlc, "seq": seq, "author": "ana",
               "device_id": None, "received_at": "2026-11-30T10:00:00Z"}
        con.execute("INSERT INTO changes (seq, change_id, entity, entity_id, op, scope, doc) "
                    "VALUES (?, ?, ?, ?, 'upsert', ?, ?)",
                    (seq, cid, entity, entity_id, scope, json.dumps(doc)))
        con.commit()
        return int(seq)
    finally:
        con.close()


@pytest.fixture
def upgrade() -> Iterator[Any]:
    """Calling it turns this process into the next version: it knows a "checkpoint" record (with
    its store table and applier) and the unit status "quarantined". Undone afterwards."""
    done: list[Any] = []

    def do(store) -> None:  # type: ignore[no-untyped-def]
        register(Entity(
            "checkpoint", "Checkpoint", "mergeable",
            {"name": Field("name", Text(), "Name", required=True, nullable=False),
             "agency": Field("agency", Slug(), "Agency", required=True, nullable=False)},
            Writers(create=("commander",), edit=("commander",)),
        ))
        UNIT_STATUS.labels["quarantined"] = "Quarantined"
        _rebuild("unit")
        with store.transaction() as s:
            s.connection().exec_driver_sql(
                "CREATE TABLE IF NOT EXISTS checkpoint_test (id TEXT PRIMARY KEY, name TEXT)")

        def apply_checkpoints(s, group, result) -> None:  # type: ignore[no-untyped-def]
            s.connection().exec_driver_sql(
                "INSERT OR REPLACE INTO checkpoint_test (id, name) VALUES (?, ?)",
                [(str(ch.entity_id), ch.fields.name) for ch in group])
            result.changed += len(group)

        apply_module.APPLIERS["checkpoint"] = apply_checkpoints
        done.append(True)

    yield do
    if done:
        apply_module.APPLIERS.pop("checkpoint", None)
        ENTITIES.pop("checkpoint", None)
        envelope.CHANGE_TYPES.pop("checkpoint", None)
        envelope.PULLED_TYPES.pop("checkpoint", None)
        UNIT_STATUS.labels.pop("quarantined", None)
        _rebuild("unit")


def _rebuild(name: str) -> None:
    ENTITIES[name].build()
    envelope.CHANGE_TYPES.pop(name)
    envelope.PULLED_TYPES.pop(name)
    envelope.build()


def test_unknown_entity_and_value_are_held_then_applied_after_an_upgrade(
        fresh_server, make_client, upgrade):
    """Proves a client without entity X (and without a newer status value) keeps both
    changes with reason and document while its cursor moves on and later changes apply;
    once upgraded, it applies them at its next start and holds nothing."""
    a = make_client("a", fresh_server.url, "ana")
    uid = a.writer.create_unit({"callsign": "ECO-5", "agency": "sedena", "kind": "police"})
    assert a.sync().complete
    checkpoint_id = str(uuid.uuid4())
    _server_log(fresh_server, "checkpoint", checkpoint_id, {"name": "Sector Norte", "agency": "sedena"}, None)
    _server_log(fresh_server, "unit", uid, {"status": "quarantined"}, uid)
    last = _server_log(fresh_server, "unit", uid, {"callsign": "ECO-5B"}, uid)

    assert a.sync().complete
    assert get_cursor(a.store) == last  # the cursor moved on ...
    with a.store.session() as s:
        held = s.execute(select(HeldChange.entity, HeldChange.code, HeldChange.doc)
                         .order_by(HeldChange.seq)).all()
        unit = s.get(Unit, uid)
        assert (unit.callsign, unit.status) == ("ECO-5B", "available")  # later changes apply
        assert outbox.counts(s).held == 2
    # ... and nothing it passed is lost: both kept, with the reason and the document
    assert [(e, c) for e, c, _ in held] == [("checkpoint", "unknown_entity"), ("unit", "unknown_value")]
    assert json.loads(held[0][2])["fields"] == {"name": "Sector Norte", "agency": "sedena"}
    assert status_snapshot(a.engine)["held"] == 2

    upgrade(a.store)
    a.reopen()  # the upgraded version starts
    assert a.sync().complete
    with a.store.session() as s:
        unit = s.get(Unit, uid)
        assert (unit.callsign, unit.status) == ("ECO-5B", "quarantined")
        assert s.connection().exec_driver_sql("SELECT name FROM checkpoint_test WHERE id = ?",
                                              (checkpoint_id,)).all() == [("Sector Norte",)]
        assert s.scalars(select(HeldChange)).all() == []
        assert outbox.counts(s).held == 0
