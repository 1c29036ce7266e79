"""Undoing what the server rejected, and doing it again when it is re-sent.

A local edit shows on the laptop at once, before the server has seen it. When the
server rejects it (a rule changed, a role changed, a wrong clock), the laptop must
go back to what the server knows, or it would show for good a value nobody else
has. `undo` does that in the transaction that records the rejection:

- a mergeable record (unit, incident, conflict): each field the rejected change
  still holds goes back to the best value the server has or will have - the
  record as last pulled (`ServerRecord`) or a change of this laptop the server
  confirmed or may still accept, whichever has the greatest HLC. A record only
  this laptop ever had (its creation was rejected) is removed;
  A field whose server value this laptop never kept (the edit was still unconfirmed
  when the laptop was upgraded to a version that keeps the server's copies) is left
  without HLC and the record's history is fetched again (`refetch`), so the server's
  value replaces it in the same sync;
- a position, an entry, a detention or use-of-force record: removed (the server
  never stored it), and the unit's latest position recomputed.

The rejected outbox row stays, with its fields and reason, until a person
dismisses it or sends it again. `redo` sends it again: the change is applied
locally once more with a new HLC and goes back to `waiting` under a new change
id (the old one was refused; the server must not take the new one for a replay).
A change re-stamped after a wrong clock goes the same way. The observed or
written time a person gave is part of the change and is kept; only the HLC
(the clock of the edit) is new.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldclient.core.timefmt import from_wire
from fieldclient.store import latest, meta
from fieldclient.store.events import ChangeSet
from fieldclient.store.models import (
    Conflict,
    Detention,
    Incident,
    IncidentEntry,
    Meta,
    Outbox,
    Position,
    Reveal,
    ServerRecord,
    Unit,
    UseOfForce,
    placeholders,
)
from sync.protocol.entity import ENTITIES
from sync.protocol.fields import Time
from sync.protocol.ids import new_id

MERGEABLE: dict[str, Any] = {"unit": Unit, "incident": Incident, "conflict": Conflict}
APPENDS: dict[str, Any] = {"position": Position, "incident_entry": IncidentEntry,
                           "detention": Detention, "use_of_force": UseOfForce}
# Outbox states whose change the server has or may still take (not refused).
_STANDING = ("waiting", "sent", "applied", "duplicate")


@dataclass(frozen=True)
class Change:
    """A change as the outbox sent it (enough to undo it)."""

    seq: int
    entity: str
    entity_id: str
    op: str
    fields: dict[str, Any]
    hlc: str

    @classmethod
    def from_doc(cls, seq: int, doc: str) -> Change:
        d = json.loads(doc)
        return cls(seq, d["entity"], str(d["entity_id"]), d["op"], d["fields"], d["hlc"])


def undo(s: Session, changes: Iterable[Change]) -> ChangeSet:
    """Take back the local effect of rejected changes (see the module docstring); returns
    the records that changed, to publish once the transaction commits."""
    cs = ChangeSet("sync")
    units: set[str] = set()
    for ch in sorted(changes, key=lambda c: c.seq):
        if ch.op == "append" and ch.entity in APPENDS:
            row = s.get(APPENDS[ch.entity], ch.entity_id)
            if row is None or row.hlc != ch.hlc:
                continue
            s.delete(row)
            cs.add(ch.entity, ch.entity_id)
            if isinstance(row, Position):
                units.add(row.unit_id)
            elif isinstance(row, IncidentEntry):
                cs.add("incident", row.incident_id)
        elif ch.entity in MERGEABLE:
            _restore(s, ch, cs)
    if units:
        s.flush()
        for uid in latest.recompute(s, sorted(units)):
            cs.add("unit", uid)
    return cs


def _restore(s: Session, ch: Change, cs: ChangeSet) -> None:
    row = s.get(MERGEABLE[ch.entity], ch.entity_id)
    if row is None:
        return
    hlcs = dict(row.field_hlcs or {})
    mine = [f for f in ch.fields if hlcs.get(f) == ch.hlc]
    if not mine:
        return  # a later edit already replaced what it wrote
    known = _known(s, ch)
    definition = ENTITIES[ch.entity]
    nullable = {c.key for c in row.__table__.columns if c.nullable}
    unknown = False
    for name in mine:
        if name in known:
            value, hlc = known[name]
            setattr(row, name, _stored(definition, name, value))
            hlcs[name] = hlc
        else:  # nothing the server knows here: the field goes back to empty
            del hlcs[name]
            unknown = True
            if name in nullable:
                setattr(row, name, None)
    cs.add(ch.entity, ch.entity_id)
    if not hlcs:  # no field of it ever reached the server: the record is only ours
        s.delete(row)
        return
    row.field_hlcs = hlcs
    if unknown:  # the server has the record but this laptop lost its value of a field
        refetch(s, ch.entity, ch.entity_id)


# More than any record has positions or entries: its whole history is fetched.
_ALL = 2**31 - 1


def refetch(s: Session, entity: str, record_id: str) -> None:
    """Have the next sync fetch the record's history up to this laptop's pull cursor (the
    way a record that turned visible is fetched, fieldclient/replication/visibility.py);
    anything newer comes with the ordinary pull."""
    cursor = s.get(Meta, meta.CURSOR)
    seq = int(cursor.value) if cursor is not None and cursor.value else 0
    row = s.get(Reveal, (entity, record_id))
    if row is None:
        s.add(Reveal(entity=entity, id=record_id, seq=seq, count=_ALL, after=0))
    else:
        row.seq, row.count, row.after = max(row.seq, seq), _ALL, 0


def _known(s: Session, ch: Change) -> dict[str, tuple[Any, str]]:
    """Per field, the value with the greatest HLC among the record as last pulled and this
    laptop's other changes the server has taken or may still take."""
    best: dict[str, tuple[Any, str]] = {}
    copy = s.get(ServerRecord, (ch.entity, ch.entity_id))
    if copy is not None:
        best = {k: (copy.fields.get(k), h) for k, h in copy.hlcs.items()}
    others = s.execute(select(Outbox.fields, Outbox.hlc).where(
        Outbox.entity == ch.entity, Outbox.entity_id == ch.entity_id,
        Outbox.state.in_(_STANDING), Outbox.seq != ch.seq))
    for fields, hlc in others:
        for k, v in (fields or {}).items():
            if k not in best or hlc > best[k][1]:
                best[k] = (v, hlc)
    return best


def _stored(definition: Any, name: str, value: Any) -> Any:
    """A wire value as the model stores it (times as datetimes)."""
    f = definition.fields.get(name)
    return from_wire(value) if f is not None and isinstance(f.kind, Time) else value


def redo(s: Session, row: Outbox, hlc: str) -> ChangeSet:
    """Apply an outbox row's change locally again with the HLC `hlc` and queue it to be
    sent under a new change id (a person sent it again, or it was re-stamped)."""
    cs = ChangeSet("local")
    if row.op == "append" and row.entity in APPENDS:
        _reinsert(s, row, hlc, cs)
    elif row.entity in MERGEABLE:
        _reapply(s, row, hlc, cs)
    row.change_id = str(new_id())
    row.hlc = hlc
    row.state = "waiting"
    row.reason = row.code = None
    row.params = None
    cs.add("outbox", row.entity_id)
    return cs


def _reinsert(s: Session, row: Outbox, hlc: str, cs: ChangeSet) -> None:
    model = APPENDS[row.entity]
    existing = s.get(model, row.entity_id)
    cs.add(row.entity, row.entity_id)
    if existing is not None:
        existing.hlc = hlc
        return
    definition = ENTITIES[row.entity]
    values = {k: _stored(definition, k, v) for k, v in row.fields.items()
              if k in definition.fields and not definition.fields[k].stamped}
    author = s.get(Meta, meta.USER)
    who = author.value if author else "local"
    if model is Position:
        s.add(Position(id=row.entity_id, reported_by=who, hlc=hlc, **values))
        s.flush()
        observed = latest.stored_time(values["observed_at"])
        latest.advance(s, [(row.entity_id, values["unit_id"], values["lat"], values["lon"],
                            observed, values.get("source") or "manual",
                            values.get("accuracy_m"))])
        cs.add("unit", values["unit_id"])
    else:
        s.add(model(id=row.entity_id, author=who, hlc=hlc, **values))
        if model is IncidentEntry:
            cs.add("incident", values["incident_id"])


def _reapply(s: Session, row: Outbox, hlc: str, cs: ChangeSet) -> None:
    model = MERGEABLE[row.entity]
    definition = ENTITIES[row.entity]
    record = s.get(model, row.entity_id)
    if record is None:  # undone (or withdrawn): rebuilt from what the server last sent
        copy = s.get(ServerRecord, (row.entity, row.entity_id))
        values = placeholders(row.entity, row.created_at)
        if copy is not None:
            values.update({k: _stored(definition, k, v) for k, v in copy.fields.items()})
        record = model(id=row.entity_id, **values,
                       field_hlcs=dict(copy.hlcs) if copy is not None else {})
        s.add(record)
    for k, v in row.fields.items():
        setattr(record, k, _stored(definition, k, v))
    record.field_hlcs = {**(record.field_hlcs or {}), **dict.fromkeys(row.fields, hlc)}
    cs.add(row.entity, row.entity_id)
