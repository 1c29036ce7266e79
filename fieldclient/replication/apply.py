"""Applying pulled changes to the local store with the same merge rules as the server.

A pulled page arrives decoded (`sync.protocol.codec.decode_pull`): typed changes,
plus those this version cannot decode (`held`). One page, the changes held
back and the new cursor are committed in one transaction, so a crash leaves
either all or none: the next pull starts from the last committed cursor, and
re-applying a change is a no-op (per-field HLCs for mergeable records,
insert-if-absent for append-only ones). The cursor never passes a change
silently: what cannot be applied is kept in `held_change` with its document and
the reason, and applied once an upgraded client understands it (held.py).
After the commit a ChangeSet(origin="sync") is published on the store's bus.

Append-only records (thousands per catch-up) go to SQLite in bulk on the
session's own connection; mergeable records (few) go through the ORM.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldclient.core.timefmt import from_wire
from fieldclient.replication import visibility
from fieldclient.store import latest, meta
from fieldclient.store.db import Store
from fieldclient.store.events import ChangeSet
from fieldclient.store.models import (
    SYNCED_MODELS,
    Agency,
    Assignment,
    Conflict,
    HeldChange,
    Incident,
    Operation,
    ServerRecord,
    Unit,
    Zone,
    placeholders,
)
from sync.merge import merge_upsert
from sync.protocol import codec
from sync.protocol.entity import ENTITIES
from sync.protocol.fields import Ref, Time
from sync.protocol.problems import Problem

log = logging.getLogger(__name__)

META_CURSOR = meta.CURSOR
_CHUNK = 500
# The cursor only moves forward (a page answered for an older cursor never moves it back).
_CURSOR_SQL = (
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
    "SET value = excluded.value "
    "WHERE CAST(meta.value AS INTEGER) < CAST(excluded.value AS INTEGER)"
)


@dataclass
class ApplyResult:
    received: int = 0
    changed: int = 0
    held: int = 0  # changes kept back for a later version
    changes: ChangeSet = field(default_factory=lambda: ChangeSet("sync"))


Applier = Callable[[Session, list[Any], ApplyResult], None]


def entity_of(change: Any) -> str:
    """The entity name of a typed change (its msgspec tag)."""
    return str(type(change).__struct_config__.tag)


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def _ids_param(ids: Sequence[str]) -> str:
    return msgspec.json.encode(list(ids)).decode()


# -- mergeable records: per-field last-writer-wins (sync.merge, as on the server) -------

MERGEABLE_MODELS: dict[str, type[Any]] = {
    "agency": Agency, "unit": Unit, "incident": Incident, "conflict": Conflict,
    "operation": Operation, "assignment": Assignment, "zone": Zone,
}
_COLS = {name: frozenset(c.key for c in m.__table__.columns) for name, m in MERGEABLE_MODELS.items()}


def _placeholders(entity: str, change: Any) -> dict[str, Any]:
    """Values for NOT NULL columns of a record first seen through a partial upsert."""
    values = placeholders(entity, datetime.fromtimestamp(int(change.hlc[:13]) / 1000, UTC))
    if entity == "agency":
        values["name"] = change.entity_id
    return values


def _merge(s: Session, entity: str, group: list[Any], result: ApplyResult) -> list[str]:
    """Per-field LWW for one mergeable entity; returns ids of records created."""
    definition = ENTITIES[entity]
    model = MERGEABLE_MODELS[entity]
    cols = _COLS[entity]
    times = {n for n, f in definition.fields.items() if isinstance(f.kind, Time)}
    ids = list(dict.fromkeys(ch.entity_id for ch in group))
    rows: dict[str, Any] = {}
    copies: dict[str, ServerRecord] = {}
    for chunk in _chunks(ids):
        for found in s.scalars(select(model).where(model.id.in_(chunk))):
            rows[found.id] = found
        for copy in s.scalars(select(ServerRecord).where(
                ServerRecord.entity == entity, ServerRecord.id.in_(chunk))):
            copies[copy.id] = copy
    created: list[str] = []
    now = datetime.now(UTC)
    for ch in group:
        eid = ch.entity_id
        fields = definition.wire_fields(ch.fields)
        _keep_server_copy(s, copies, entity, eid, fields, ch)
        row = rows.get(eid)
        hlcs = dict(row.field_hlcs or {}) if row is not None else {}
        merged = merge_upsert({}, hlcs, fields, ch.base, ch.hlc, exists=row is not None)
        if not merged.applied:
            continue
        if row is None:
            row = model(id=eid, **_placeholders(entity, ch))
            s.add(row)
            rows[eid] = row
            created.append(eid)
        for k, v in merged.applied.items():
            if k in cols and k not in ("id", "field_hlcs"):
                setattr(row, k, from_wire(v) if k in times else v)
        row.field_hlcs = merged.hlcs
        if "updated_at" in cols:
            row.updated_at = now
        result.changed += 1
        result.changes.add(entity, eid)
    return created


def _keep_server_copy(s: Session, copies: dict[str, ServerRecord], entity: str, eid: str,
                      fields: dict[str, Any], ch: Any) -> None:
    """The record as the server has it (what a rejected local edit is undone to): the
    same merge, without the local edits that wait for the server."""
    copy = copies.get(eid)
    merged = merge_upsert(copy.fields if copy else {}, copy.hlcs if copy else {}, fields,
                          ch.base, ch.hlc, exists=copy is not None)
    if not merged.applied:
        return
    if copy is None:
        copy = copies[eid] = ServerRecord(entity=entity, id=eid)
        s.add(copy)
    copy.fields, copy.hlcs = merged.values, merged.hlcs


# -- append-only records: insert if absent, in bulk ----------------------------------

_POSITION_SQL = (
    "INSERT INTO position (id, unit_id, lat, lon, accuracy_m, observed_at, source, note, "
    "reported_by, hlc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _builtins(values: list[Any]) -> list[Any]:
    """Decoded field values as plain values (points as lists), converted in C (msgspec)."""
    return msgspec.to_builtins(values)


def _new_only(cursor: Any, table: str, group: list[Any]) -> list[Any]:
    """(id, change) for the changes of `group` whose record is not stored yet (first of
    each id)."""
    ids = [ch.entity_id for ch in group]
    have = {r[0] for r in cursor.execute(
        f"SELECT id FROM {table} WHERE id IN (SELECT value FROM json_each(?))",  # noqa: S608
        (_ids_param(ids),))}
    out = []
    for rid, ch in zip(ids, group, strict=True):
        if rid not in have:
            have.add(rid)
            out.append((rid, ch))
    return out


def _append_positions(s: Session, group: list[Any], result: ApplyResult) -> None:
    stamp = latest.stored_time
    cursor = s.connection().connection.cursor()
    try:
        new = _new_only(cursor, "position", group)
        rows = []
        for rid, ch in new:
            f = ch.fields
            rows.append((rid, f.unit_id, f.lat, f.lon, f.accuracy_m, stamp(f.observed_at), f.source,
                         f.note, f.reported_by or ch.author, ch.hlc))
        cursor.executemany(_POSITION_SQL, rows)
    finally:
        cursor.close()
    result.changed += len(rows)
    add = result.changes.add
    for r in rows:
        add("position", r[0])
    for uid in latest.advance(s, [(r[0], r[1], r[2], r[3], r[5], r[6], r[4]) for r in rows]):
        add("unit", uid)


def _appender(entity: str) -> Applier:
    """Insert-if-absent for an append-only kind, derived from its definition and table:
    every field that has a column, times as the store keeps them, ids as text, stamped
    author fields from the change's author when absent. The records it belongs to (an
    entry's incident, an amendment's original, a detention's unit and incident) are
    named in the ChangeSet, so the views showing them refresh."""
    definition = ENTITIES[entity]
    table = SYNCED_MODELS[entity].__table__
    names = [n for n in definition.fields if n in table.c]
    times = {n for n in names if isinstance(definition.fields[n].kind, Time)}
    stamped = set(definition.stamped)
    refs = {n: k.target for n in names if isinstance(k := definition.fields[n].kind, Ref)
            and k.target in SYNCED_MODELS}
    sql = (f"INSERT INTO {entity} (id, {', '.join(names)}, hlc) "  # noqa: S608
           f"VALUES ({', '.join('?' * (len(names) + 2))})")

    def apply(s: Session, group: list[Any], result: ApplyResult) -> None:
        cursor = s.connection().connection.cursor()
        try:
            rows = []
            for rid, ch in _new_only(cursor, entity, group):
                values = _builtins([getattr(ch.fields, n) for n in names])
                for i, n in enumerate(names):
                    if n in times and values[i] is not None:
                        values[i] = latest.stored_time(getattr(ch.fields, n))
                    elif n in stamped and values[i] is None:
                        values[i] = ch.author
                rows.append((rid, *values, ch.hlc))
            cursor.executemany(sql, rows)
        finally:
            cursor.close()
        result.changed += len(rows)
        at = {n: i + 1 for i, n in enumerate(names)}
        for r in rows:
            result.changes.add(entity, r[0])
            for n, target in refs.items():
                if r[at[n]] is not None:
                    result.changes.add(str(target), r[at[n]])
    return apply


# -- what this version applies, in this order ------------------------------------------

def _merger(entity: str) -> Applier:
    def apply(s: Session, group: list[Any], result: ApplyResult) -> None:
        created = _merge(s, entity, group, result)
        if entity == "unit" and created:
            s.flush()  # the new unit rows must exist for the SQL below
            for uid in latest.from_tracks(s, created):
                result.changes.add("unit", uid)
        if entity == "assignment":  # the unit's operational chain changed: views refresh it
            for aid in result.changes.get("assignment"):
                row = s.get(Assignment, aid)
                if row is not None and row.unit_id:
                    result.changes.add("unit", row.unit_id)
    return apply


# Mergeable records first (a unit before its positions), then append-only ones (a
# detention before the use-of-force report naming it). A new mergeable kind adds
# `_merger(name)` here, an append-only one `_appender(name)` (with its model and
# migration).
APPLIERS: dict[str, Applier] = {
    "agency": _merger("agency"),
    "zone": _merger("zone"),
    "operation": _merger("operation"),
    "unit": _merger("unit"),
    "incident": _merger("incident"),
    "assignment": _merger("assignment"),
    "conflict": _merger("conflict"),
    "position": _append_positions,
    "incident_entry": _appender("incident_entry"),
    "handover": _appender("handover"),
    "detention": _appender("detention"),
    "use_of_force": _appender("use_of_force"),
}


def apply_changes(s: Session, changes: Sequence[Any], result: ApplyResult) -> list[codec.Held]:
    """Apply typed pulled changes in `s`; returns those this version has no applier for."""
    groups: dict[str, list[Any]] = {}
    for ch in changes:
        groups.setdefault(entity_of(ch), []).append(ch)
    unknown = [codec.Held(ch.seq, name, codec.encode(ch), Problem("unknown_entity", name=name))
               for name in groups if name not in APPLIERS for ch in groups[name]]
    for name, applier in APPLIERS.items():
        if name in groups:
            applier(s, groups[name], result)
        if name == "conflict":
            s.flush()  # ORM work before the bulk SQL on the same connection
    return unknown


def hold(s: Session, held: Sequence[codec.Held]) -> None:
    """Keep changes this version cannot apply, with their document and the reason."""
    now = datetime.now(UTC)
    for h in held:
        wire = h.problem.to_wire()
        s.add(HeldChange(seq=h.seq, entity=h.entity, doc=bytes(h.raw), code=wire["code"],
                         params=wire["params"], reason=str(h.problem), held_at=now))


def apply_page(store: Store, page: codec.PulledPage, cursor: bool = True) -> ApplyResult:
    """Merge one decoded page, keep back what cannot be applied, remove what the user may
    no longer see, note what turned visible, and advance the cursor, in one transaction;
    publish the changed records after the commit. `cursor=False`: a record's history
    (replication/visibility.py), which leaves the cursor where it is."""
    result = ApplyResult(received=len(page.changes) + len(page.held))
    max_hlc = max((ch.hlc for ch in page.changes), default="")
    with store.transaction() as s:
        held = [*page.held, *apply_changes(s, page.changes, result)]
        hold(s, held)
        if page.withdrawn:
            s.flush()
            visibility.withdraw(s, page.withdrawn, result.changes)
        if page.revealed:
            visibility.note_reveals(s, page.revealed)
        if cursor:
            s.connection().exec_driver_sql(_CURSOR_SQL, (META_CURSOR, str(page.next)))
        if max_hlc:
            store.observe(s, max_hlc)
    if held:
        result.held = len(held)
        log.warning("kept back %d pulled change(s) this version cannot apply yet: %s",
                    len(held), "; ".join(sorted({str(h.problem) for h in held}))[:500])
        result.changes.add("held", "*")
    if result.changes:
        store.bus.publish(result.changes)
    return result


def get_cursor(store: Store) -> int:
    return int(store.get_meta(META_CURSOR) or 0)
