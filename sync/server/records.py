"""Materialised current state of mergeable records, and who may see them.

The change log is the truth; the `records` table is what authorisation,
visibility filtering and conflict detection need without replaying the log:
per-field values, HLCs and authors of each unit, incident, conflict, operation and
assignment (and of each detention and use-of-force report as it stands,
sync.server.accountable), plus the owning agency, visibility and operation as
columns so a pull can filter cheaply. Who may see what is decided by
`sync.protocol.rules`, the same rules the client applies; a record of visibility
"operation" is judged with the current participants of its operation, read from
that operation's record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import msgspec
from sqlalchemy import Connection, bindparam, select

from sync.protocol import ENTITIES
from sync.protocol.operations import participants
from sync.protocol.rules import Actor, Holder, audience, can_see
from sync.server import db

_CHUNK = 900  # ids per statement (SQLite's default limit on bound parameters is 999)
_encode = msgspec.json.Encoder().encode


class _State(msgspec.Struct, omit_defaults=True):
    v: dict[str, Any]  # field -> value
    h: dict[str, str]  # field -> HLC of that value
    a: dict[str, str]  # field -> username that wrote it
    l: dict[str, list[str]] = {}  # noqa: E741 - kind -> ids of records naming this one


_decode_state = msgspec.json.Decoder(_State).decode


@dataclass
class Record:
    id: str
    entity: str
    agency: str | None
    visibility: str | None
    values: dict[str, Any]
    hlcs: dict[str, str]
    authors: dict[str, str]
    new: bool = False  # not yet created by any change (merge treats it as absent)
    dirty: bool = False
    in_db: bool = False
    operation: str | None = None
    # kind -> ids of records that name this one (the use-of-force reports of a detention)
    links: dict[str, list[str]] = field(default_factory=dict)

    def holder(self, members: frozenset[str] | None = None) -> Holder:
        """What the rules need; `members`: the participants of its operation."""
        return Holder(self.entity, self.agency, self.visibility,
                      members if self.visibility == "operation" else None, self.operation)

    def refresh_audience(self) -> None:
        """Owner, visibility and operation from the current values (after a merge)."""
        if self.entity != "conflict":
            self.agency, self.visibility, self.operation = audience(
                ENTITIES[self.entity], self.id, self.values)


_r = db.records.c
# Built once with an expanding IN: constructing the statement per call cost
# more than running it.
_LOAD = select(_r.id, _r.entity, _r.agency, _r.visibility, _r.state, _r.operation).where(
    _r.id.in_(bindparam("ids", expanding=True)))
_VIS = select(_r.id, _r.agency, _r.visibility, _r.operation).where(
    _r.id.in_(bindparam("ids", expanding=True)))
_STATES = select(_r.id, _r.state).where(_r.id.in_(bindparam("ids", expanding=True)))
_MEMBERS = select(_r.id).where(_r.operation == bindparam("op"), _r.id != bindparam("op"))
_INSERT = db.records.insert().values(
    id=bindparam("rid"), entity=bindparam("entity"), agency=bindparam("agency"),
    visibility=bindparam("visibility"), state=bindparam("state"),
    updated_seq=bindparam("updated_seq"), operation=bindparam("operation"))
_UPDATE = db.records.update().where(_r.id == bindparam("rid")).values(
    agency=bindparam("agency"), visibility=bindparam("visibility"), state=bindparam("state"),
    updated_seq=bindparam("updated_seq"), operation=bindparam("operation"))


def load_records(conn: Connection, ids: list[str]) -> dict[str, Record]:
    out: dict[str, Record] = {}
    for i in range(0, len(ids), _CHUNK):
        for rid, entity, agency, vis, state, op in conn.execute(
                _LOAD, {"ids": ids[i:i + _CHUNK]}):
            s = _decode_state(state)
            out[rid] = Record(rid, entity, agency, vis, s.v, s.h, s.a, in_db=True, operation=op,
                              links=s.l)
    return out


def members_of(conn: Connection, operation_id: str) -> list[str]:
    """Ids of the records that belong to an operation (its units, incidents, assignments)."""
    return [r[0] for r in conn.execute(_MEMBERS, {"op": operation_id})]


def participants_of(conn: Connection, operation_ids: set[str]) -> dict[str, frozenset[str]]:
    """The current participants of these operations (absent: no such operation here)."""
    out: dict[str, frozenset[str]] = {}
    ids = sorted(operation_ids)
    for i in range(0, len(ids), _CHUNK):
        for rid, state in conn.execute(_STATES, {"ids": ids[i:i + _CHUNK]}):
            out[rid] = participants(_decode_state(state).v)
    return out


def save_records(conn: Connection, recs: list[Record], seq: int) -> None:
    def row(rec: Record) -> dict[str, Any]:
        state = _encode(_State(rec.values, rec.hlcs, rec.authors, rec.links)).decode()
        return {"rid": rec.id, "entity": rec.entity, "agency": rec.agency,
                "visibility": rec.visibility, "state": state, "updated_seq": seq,
                "operation": rec.operation}

    fresh = [row(r) for r in recs if not r.in_db]
    old = [row(r) for r in recs if r.in_db]
    if fresh:
        conn.execute(_INSERT, fresh)
    if old:
        conn.execute(_UPDATE, old)
    for r in recs:
        r.in_db, r.dirty = True, False


def visible_scopes(conn: Connection, actor: Actor, scopes: set[str]) -> set[str]:
    """Which of these record ids (units, incidents, operations, assignments) the caller
    may see (for pull filtering)."""
    ok: set[str] = set()
    ids = sorted(scopes)
    of_operations: list[tuple[str, str | None, str]] = []
    for i in range(0, len(ids), _CHUNK):
        for rid, agency, vis, op in conn.execute(_VIS, {"ids": ids[i:i + _CHUNK]}):
            if can_see(actor, agency, vis):
                ok.add(rid)
            elif vis == "operation" and op is not None:
                of_operations.append((rid, agency, op))
    if of_operations:
        members = participants_of(conn, {op for _, _, op in of_operations})
        for rid, agency, op in of_operations:
            if can_see(actor, agency, "operation", members.get(op)):
                ok.add(rid)
    return ok

