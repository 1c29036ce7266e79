"""Materialised current state of mergeable records, and who may see them.

The change log is the truth; the `records` table is what authorisation,
visibility filtering and conflict detection need without replaying the log:
per-field values, HLCs and authors of each unit, incident and conflict (and of
each detention and use-of-force report as it stands, sync.server.accountable),
plus the owning agency and visibility as columns so a pull can filter cheaply.
Who may see what is decided by `sync.protocol.rules`, the same rules the
client applies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import msgspec
from sqlalchemy import Connection, bindparam, select

from sync.protocol.rules import Actor, Holder, can_see
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
    # kind -> ids of records that name this one (the use-of-force reports of a detention)
    links: dict[str, list[str]] = field(default_factory=dict)

    @property
    def holder(self) -> Holder:
        return Holder(self.entity, self.agency, self.visibility)


_r = db.records.c
# Built once with an expanding IN: constructing the statement per call cost
# more than running it.
_LOAD = select(_r.id, _r.entity, _r.agency, _r.visibility, _r.state).where(
    _r.id.in_(bindparam("ids", expanding=True)))
_VIS = select(_r.id, _r.agency, _r.visibility).where(_r.id.in_(bindparam("ids", expanding=True)))
_INSERT = db.records.insert().values(
    id=bindparam("rid"), entity=bindparam("entity"), agency=bindparam("agency"),
    visibility=bindparam("visibility"), state=bindparam("state"), updated_seq=bindparam("updated_seq"))
_UPDATE = db.records.update().where(_r.id == bindparam("rid")).values(
    agency=bindparam("agency"), visibility=bindparam("visibility"), state=bindparam("state"),
    updated_seq=bindparam("updated_seq"))


def load_records(conn: Connection, ids: list[str]) -> dict[str, Record]:
    out: dict[str, Record] = {}
    for i in range(0, len(ids), _CHUNK):
        for rid, entity, agency, vis, state in conn.execute(_LOAD, {"ids": ids[i:i + _CHUNK]}):
            s = _decode_state(state)
            out[rid] = Record(rid, entity, agency, vis, s.v, s.h, s.a, in_db=True, links=s.l)
    return out


def save_records(conn: Connection, recs: list[Record], seq: int) -> None:
    def row(rec: Record) -> dict[str, Any]:
        state = _encode(_State(rec.values, rec.hlcs, rec.authors, rec.links)).decode()
        return {"rid": rec.id, "entity": rec.entity, "agency": rec.agency,
                "visibility": rec.visibility, "state": state, "updated_seq": seq}

    fresh = [row(r) for r in recs if not r.in_db]
    old = [row(r) for r in recs if r.in_db]
    if fresh:
        conn.execute(_INSERT, fresh)
    if old:
        conn.execute(_UPDATE, old)
    for r in recs:
        r.in_db, r.dirty = True, False


def visible_scopes(conn: Connection, actor: Actor, scopes: set[str]) -> set[str]:
    """Which of these unit/incident ids the caller may see (for pull filtering)."""
    ok: set[str] = set()
    ids = sorted(scopes)
    for i in range(0, len(ids), _CHUNK):
        for rid, agency, vis in conn.execute(_VIS, {"ids": ids[i:i + _CHUNK]}):
            if can_see(actor, agency, vis):
                ok.add(rid)
    return ok

