"""Local edits: every change is written with its outbox row in one transaction.

This is the only write path for user actions (UI, command line, demo, self-test),
so checking, HLC stamping, the per-field `base` and the outbox all happen in one
place. Every change is checked by its entity definition in `sync.protocol`
(fields, whole-record rules, the time window) and, when someone is signed in, by
the rules the server applies to that user (`sync.protocol.rules.write_problem`,
with the local copy of the record as what the rules look at), so the laptop
refuses up front what the server would refuse. Replication applies pulled
changes elsewhere (replication/apply.py) and never writes the outbox.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldclient.core import timefmt
from fieldclient.core.errors import InvalidInput, NotFound, NotPermitted
from fieldclient.core.i18n import QT_TRANSLATE_NOOP
from fieldclient.core.timefmt import from_wire
from fieldclient.store import accountable, holders, meta, outbox
from fieldclient.store.db import Store
from fieldclient.store.events import ChangeSet
from fieldclient.store.latest import advance, stored_time
from fieldclient.store.models import (
    SYNCED_MODELS,
    Conflict,
    Handover,
    Incident,
    IncidentEntry,
    Operation,
    Position,
    Unit,
)
from sync.protocol.accountability import follow_up_problem
from sync.protocol.entity import ENTITIES, Entity
from sync.protocol.fields import Time
from sync.protocol.ids import new_id
from sync.protocol.problems import Problem
from sync.protocol.rules import Holder, write_problem

META_USER = meta.USER  # the local author name (kept importable for the UI)

UNIT, POSITION = ENTITIES["unit"], ENTITIES["position"]
INCIDENT, ENTRY = ENTITIES["incident"], ENTITIES["incident_entry"]
CONFLICT = ENTITIES["conflict"]
HANDOVER = ENTITIES["handover"]


_NOT_FOUND = {
    "unit": QT_TRANSLATE_NOOP("errors", "Unit not found."),
    "incident": QT_TRANSLATE_NOOP("errors", "Incident not found."),
    "operation": QT_TRANSLATE_NOOP("errors", "Operation not found."),
    "assignment": QT_TRANSLATE_NOOP("errors", "Assignment not found."),
    "zone": QT_TRANSLATE_NOOP("errors", "Jurisdiction zone not found."),
}


def _now() -> datetime:
    return timefmt.utcnow()  # this laptop's clock, as its HLCs read it


def _checked(check: Any) -> Any:
    """Run one of the definitions' checks; a refusal becomes InvalidInput (with its Problem)."""
    try:
        return check()
    except Problem as p:
        raise InvalidInput.of(p) from None


def _permit(s: Session, entity: Entity, fields: Mapping[str, Any], *,
            existing: Any = None, parent: Holder | None = None,
            values: Mapping[str, Any] | None = None) -> None:
    """Refuse what the server would refuse for the signed-in user (nobody signed in: the
    field rules alone apply). `existing`: the stored record the change edits; `values`:
    the record as it would stand (for the records its fields name)."""
    actor = meta.signed_in_actor(s)
    if actor is None:
        return
    whole = dict(values if values is not None else fields)
    problem = write_problem(
        actor, entity, fields, existing=holders.holder(s, entity.name, existing),
        parent=parent if parent is not None else holders.parent(s, entity, whole),
        related=holders.related(s, entity, whole),
        agencies=holders.agencies(s) if entity.agency_refs else None)
    if problem is not None:
        raise NotPermitted.of(problem)


def _wire_value(entity: Entity, name: str, value: Any) -> Any:
    """A stored value in its canonical wire form (to compare with a checked change)."""
    if value is None:
        return None
    if isinstance(entity.fields[name].kind, Time) and isinstance(value, datetime):
        return entity.fields[name].kind.wire(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _outbox_fields(entity: Entity, clean: Mapping[str, Any]) -> dict[str, Any]:
    """What a change sends: the server stamps author fields itself and alone writes
    server-only ones."""
    return {k: v for k, v in clean.items() if k not in entity.stamped and entity.fields[k].client}


class LocalWriter:
    """Writes user actions to the store and the outbox. Thread-safe (one session per call)."""

    def __init__(self, store: Store, actor: str | None = None) -> None:
        self.store = store
        self._actor = actor

    @property
    def actor(self) -> str:
        return self._actor or self.store.get_meta(meta.USER) or "local"

    # -- units ----------------------------------------------------------------

    def create_unit(self, fields: Mapping[str, Any], unit_id: str | None = None) -> str:
        clean = self._new_record(UNIT, fields)
        uid = unit_id or str(new_id())
        with self.store.transaction() as s:
            if s.get(Unit, uid) is not None:
                raise InvalidInput(QT_TRANSLATE_NOOP("errors", "A unit with this id already exists."))
            _permit(s, UNIT, clean)
            self._check_parent(s, uid, clean.get("parent_id"))
            unit = Unit(id=uid, field_hlcs={})
            self._edit(s, UNIT, unit, clean)
            s.add(unit)  # after its fields are set: the HLC write autoflushes the session
        self._publish("unit", uid)
        return uid

    def update_unit(
        self, unit_id: str, changes: Mapping[str, Any], seen: Mapping[str, str] | None = None
    ) -> list[str]:
        """Edit fields of a unit. `seen` holds the HLC of each value the user saw when
        editing (from `Unit.field_hlcs` at form load); it becomes the change's `base`.
        Returns the fields that changed."""
        return self._update(UNIT, Unit, unit_id, changes, seen)

    def retire_unit(self, unit_id: str, seen: Mapping[str, str] | None = None) -> None:
        self.update_unit(unit_id, {"status": "retired"}, seen)

    def _check_parent(self, s: Session, unit_id: str, parent_id: str | None) -> None:
        visited: set[str] = {unit_id}
        cursor = parent_id
        while cursor:
            if cursor in visited:
                raise InvalidInput(QT_TRANSLATE_NOOP("errors", "A unit cannot be placed under itself or its own subordinate."), field="parent_id")
            visited.add(cursor)
            parent = s.get(Unit, cursor)
            if parent is None:
                if cursor == parent_id:
                    raise InvalidInput(QT_TRANSLATE_NOOP("errors", "The parent unit does not exist."), field="parent_id")
                break
            cursor = parent.parent_id

    # -- positions ------------------------------------------------------------

    def log_position(
        self,
        unit_id: str,
        lat: float,
        lon: float,
        observed_at: datetime | str | None = None,
        source: str = "manual",
        accuracy_m: float | None = None,
        note: str | None = None,
        position_id: str | None = None,
    ) -> str:
        """Append a position report (observed now unless `observed_at` is given).
        `position_id` is for callers that need a deterministic id (the demo loader);
        normally a new UUIDv7 is made."""
        clean = self._new_append(POSITION, {
            "unit_id": unit_id, "lat": lat, "lon": lon, "accuracy_m": accuracy_m,
            "observed_at": observed_at if observed_at is not None else _now(),
            "source": source, "note": note or None,
        })
        pid = position_id or str(new_id())
        with self.store.transaction() as s:
            unit = s.get(Unit, unit_id)
            if unit is None:
                raise NotFound(_NOT_FOUND["unit"])
            _permit(s, POSITION, clean)
            hlc = self.store.tick(s)
            observed = from_wire(clean["observed_at"])
            assert observed is not None  # required by the position definition
            s.add(Position(
                id=pid, unit_id=unit_id, lat=clean["lat"], lon=clean["lon"],
                accuracy_m=clean["accuracy_m"], observed_at=observed,
                source=clean["source"], note=clean["note"], reported_by=self.actor, hlc=hlc,
            ))
            advance(s, [(pid, unit_id, clean["lat"], clean["lon"], stored_time(observed),
                         clean["source"], clean["accuracy_m"])])
            outbox.add(s, "position", pid, "append", _outbox_fields(POSITION, clean), {}, hlc)
        self._publish("position", pid, ("unit", unit_id))
        return pid

    # -- incidents ------------------------------------------------------------

    def create_incident(self, fields: Mapping[str, Any], incident_id: str | None = None) -> str:
        clean = self._new_record(INCIDENT, fields)
        iid = incident_id or str(new_id())
        with self.store.transaction() as s:
            _permit(s, INCIDENT, clean)
            inc = Incident(id=iid, field_hlcs={})
            self._edit(s, INCIDENT, inc, clean)
            s.add(inc)  # after its fields are set: the HLC write autoflushes the session
        self._publish("incident", iid)
        return iid

    def update_incident(
        self, incident_id: str, changes: Mapping[str, Any], seen: Mapping[str, str] | None = None
    ) -> list[str]:
        """Edit fields of an incident (`seen` as for `update_unit`)."""
        return self._update(INCIDENT, Incident, incident_id, changes, seen)

    def add_entry(
        self,
        incident_id: str,
        kind: str,
        body: str,
        amends: str | None = None,
        unit_id: str | None = None,
        status: str | None = None,
        entry_id: str | None = None,
        created_at: datetime | None = None,
    ) -> str:
        """Append an entry. A status entry also sets the incident's status (one transaction).
        `entry_id`/`created_at` are for deterministic demo data; normally both are new."""
        clean = self._new_append(ENTRY, {
            "incident_id": incident_id, "kind": kind, "body": body, "amends": amends,
            "unit_id": unit_id, "status": status,
            "created_at": created_at if created_at is not None else _now(),
        })
        eid = entry_id or str(new_id())
        with self.store.transaction() as s:
            inc = s.get(Incident, incident_id)
            if inc is None:
                raise NotFound(_NOT_FOUND["incident"])
            _permit(s, ENTRY, clean)
            if amends is not None:
                original = s.get(IncidentEntry, amends)
                if original is None or original.incident_id != incident_id:
                    raise InvalidInput(QT_TRANSLATE_NOOP("errors", "The entry to amend does not belong to this incident."))
            new_status = clean["status"] if kind == "status" and status != inc.status else None
            if new_status:
                _permit(s, INCIDENT, {"status": new_status}, existing=inc,
                        values=holders.values_of(INCIDENT, inc))
            hlc = self.store.tick(s)
            s.add(IncidentEntry(
                id=eid, incident_id=incident_id, kind=clean["kind"], body=clean["body"],
                amends=clean["amends"], unit_id=clean["unit_id"], status=clean["status"],
                created_at=from_wire(clean["created_at"]), author=self.actor, hlc=hlc,
            ))
            outbox.add(s, "incident_entry", eid, "append", _outbox_fields(ENTRY, clean), {}, hlc)
            if new_status:
                self._edit(s, INCIDENT, inc, {"status": new_status})
        self._publish("incident_entry", eid, ("incident", incident_id))
        return eid

    # -- joint operations: operations, assignments, hand-overs -------------------

    def create_record(self, name: str, fields: Mapping[str, Any],
                      record_id: str | None = None) -> str:
        """Create a mergeable record of a kind without its own method (an operation, an
        assignment), checked like any other."""
        rid = record_id or str(new_id())
        self.create_records(name, [fields], [rid])
        return rid

    def create_records(self, name: str, many: Sequence[Mapping[str, Any]],
                       record_ids: list[str] | None = None) -> list[str]:
        """Create several records of one kind in one transaction (an import of zones):
        all are stored, or none (the first refusal is raised)."""
        entity, model = ENTITIES[name], SYNCED_MODELS[name]
        model_id: Any = getattr(model, "id")  # noqa: B009 - every synced model has one
        cleans = [self._new_record(entity, fields) for fields in many]
        rids = record_ids or [str(new_id()) for _ in many]
        with self.store.transaction() as s:
            taken = {rid for chunk in range(0, len(rids), 500) for rid in s.scalars(
                select(model_id).where(model_id.in_(rids[chunk:chunk + 500])))}
            if taken:
                raise InvalidInput(QT_TRANSLATE_NOOP(
                    "errors", "A record with this id already exists."))
            # One flush at commit, not one per record before its rule reads: after the
            # first record, whose flush stores the clock's rows (`tick` merges into them).
            for n, (rid, clean) in enumerate(zip(rids, cleans, strict=True)):
                with s.no_autoflush:
                    _permit(s, entity, clean)
                    record = model(id=rid, field_hlcs={})
                    self._edit(s, entity, record, clean)
                    s.add(record)
                if n == 0:
                    s.flush()
        cs = ChangeSet("local")
        for rid, clean in zip(rids, cleans, strict=True):
            cs.add(name, rid)
            if name == "assignment":  # an assignment changes its unit's chain
                cs.add("unit", clean["unit_id"])
            cs.add("outbox", rid)
        self.store.bus.publish(cs)
        return rids

    def update_record(self, name: str, record_id: str, changes: Mapping[str, Any],
                      seen: Mapping[str, str] | None = None) -> list[str]:
        """Edit fields of a mergeable record (`seen` as for `update_unit`)."""
        changed = self._update(ENTITIES[name], SYNCED_MODELS[name], record_id, changes, seen)
        if changed and name == "assignment":  # its unit's operational chain changed
            with self.store.session() as s:
                unit_id = getattr(s.get(SYNCED_MODELS[name], record_id), "unit_id", None)
            if unit_id:
                self._publish("unit", unit_id)
        return changed

    def hand_over(self, fields: Mapping[str, Any], handover_id: str | None = None) -> str:
        """Record a hand-over of command, or (kind "acknowledgement") its acknowledgement by
        the receiving agency: append-only, like an incident's entries."""
        entity = HANDOVER
        clean = self._new_append(entity, {"at": _now(), **fields})
        hid = handover_id or str(new_id())
        with self.store.transaction() as s:
            if s.get(Operation, clean["operation_id"]) is None:
                raise NotFound(_NOT_FOUND["operation"])
            _permit(s, entity, clean)
            hlc = self.store.tick(s)
            values = {k: from_wire(v) if isinstance(entity.fields[k].kind, Time) else v
                      for k, v in clean.items() if k not in entity.stamped}
            s.add(Handover(id=hid, recorded_by=self.actor, hlc=hlc, **values))
            outbox.add(s, "handover", hid, "append", _outbox_fields(entity, clean), {}, hlc)
        self._publish("handover", hid, ("operation", clean["operation_id"]))
        return hid

    # -- accountability records (detentions, use of force) --------------------------

    def append_record(self, entity_name: str, fields: Mapping[str, Any],
                      record_id: str | None = None) -> str:
        """Write a detention or use-of-force record: an original, or an amendment or
        hand-over naming one (`amends`). Checked by its definition, by the rules the
        server applies to the signed-in user, and against the record as it stands here
        (one hand-over, force reported before it, times in order). Nothing is ever
        rewritten: a second record under an id already written is refused."""
        entity = ENTITIES[entity_name]
        if entity.original is None:
            raise ValueError(f"{entity_name} is not an accountability record")
        data = {k: v for k, v in fields.items() if v is not None and v != ""}
        data.setdefault("created_at", _now())
        clean = self._new_append(entity, data)
        for name, f in entity.fields.items():
            if not f.client and clean.get(name) is not None:
                raise InvalidInput.of(Problem("unknown_field", entity=entity.name, name=name))
        rid = record_id or str(new_id())
        model = accountable.MODELS[entity.name]
        with self.store.transaction() as s:
            if record_id is not None and s.get(model, rid) is not None:  # (a new id is new)
                raise NotPermitted.of(Problem("original_immutable", entity=entity.name))
            original_id = clean.get(entity.original)
            original = accountable.holder(s, entity.name, original_id)
            links = accountable.links(s, entity, clean)
            if original_id and original is None or any(v is None for v in links.values()):
                missing = entity.original if original_id and original is None else next(
                    n for n, v in links.items() if v is None)
                raise NotFound.of(Problem("unknown_record", missing, entity.name))
            author, actor = meta.author_and_actor(s)
            if actor is not None:
                problem = write_problem(actor, entity, clean, existing=original, links=links)
                if problem is not None:
                    raise NotPermitted.of(problem)
            if original_id:
                standing = accountable.standing(s, entity.name, original_id)
                assert standing is not None  # an original is here (holder above)
                problem = follow_up_problem(entity, standing, clean,
                                            accountable.report_count(s, original_id))
                if problem is not None:
                    raise InvalidInput.of(problem)
            hlc = self.store.tick(s)
            stored = {k: from_wire(v) if isinstance(entity.fields[k].kind, Time) else v
                      for k, v in clean.items() if k not in entity.stamped}
            s.add(model(id=rid, **stored, author=self._actor or author, hlc=hlc))
            outbox.add(s, entity.name, rid, "append", _outbox_fields(entity, clean), {}, hlc)
        also = [(t, str(clean[n])) for n, t in (("amends", entity.name), ("unit_id", "unit"),
                                               ("incident_id", "incident"),
                                               ("detention_id", "detention"))
                if clean.get(n)]
        self._publish(entity.name, rid, *also)
        return rid

    # -- conflicts ------------------------------------------------------------

    def resolve_conflict(self, conflict_id: str, resolution: str) -> None:
        """Mark a conflict resolved ('kept' the winner or 'reapplied' the other value)."""
        fields = _checked(lambda: CONFLICT.check_fields(
            {"status": "resolved", "resolution": resolution}))
        with self.store.transaction() as s:
            c = s.get(Conflict, conflict_id)
            if c is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "Conflict not found."))
            about: Unit | Incident | None = None
            if c.entity == "unit" and c.entity_id:
                about = s.get(Unit, c.entity_id)
            elif c.entity == "incident" and c.entity_id:
                about = s.get(Incident, c.entity_id)
            _permit(s, CONFLICT, fields, existing=c,
                    parent=holders.holder(s, c.entity or "", about) if about else None)
            base = {k: c.field_hlcs[k] for k in fields if k in c.field_hlcs}
            hlc = self.store.tick(s)
            c.status, c.resolution = fields["status"], fields["resolution"]
            c.field_hlcs = {**c.field_hlcs, **{k: hlc for k in fields}}
            outbox.add(s, "conflict", conflict_id, "upsert", fields, base, hlc)
        self._publish("conflict", conflict_id)

    # -- plumbing -------------------------------------------------------------

    def _update(self, entity: Entity, model: type[Any], record_id: str,
                changes: Mapping[str, Any], seen: Mapping[str, str] | None) -> list[str]:
        with self.store.transaction() as s:
            record = s.get(model, record_id)
            if record is None:
                raise NotFound(_NOT_FOUND[entity.name])
            clean = self._changed(entity, record, changes)
            if not clean:
                return []
            _permit(s, entity, clean, existing=record,
                    values={**holders.values_of(entity, record), **clean})
            if "parent_id" in clean:
                self._check_parent(s, record_id, clean["parent_id"])
            self._edit(s, entity, record, clean, seen)
        self._publish(entity.name, record_id)
        return list(clean)

    def _new_record(self, entity: Entity, fields: Mapping[str, Any]) -> dict[str, Any]:
        """A new mergeable record checked by its definition: the defaults it declares,
        every required field, whole-record rules and the time window."""
        data = {n: f.default for n, f in entity.fields.items()
                if f.client and not f.stamped and f.default is not None}
        data.update({k: v for k, v in fields.items() if v is not None and v != ""})
        clean: dict[str, Any] = _checked(lambda: entity.check_fields(data))
        missing = entity.missing_on_create(clean)
        if missing:
            raise InvalidInput.of(Problem("missing_on_create", missing[0], entity.name,
                                          fields=missing))
        _checked(lambda: entity.check_record(clean))
        _checked(lambda: entity.check_times(clean, _now()))
        return clean

    def _new_append(self, entity: Entity, fields: Mapping[str, Any]) -> dict[str, Any]:
        clean: dict[str, Any] = _checked(lambda: entity.check_fields(fields))
        _checked(lambda: entity.check_times(clean, _now()))
        return clean

    def _changed(self, entity: Entity, record: Any,
                 changes: Mapping[str, Any]) -> dict[str, Any]:
        """The checked fields of `changes` that differ from the record; the record as it
        would be after the edit must pass the whole-record rules."""
        clean: dict[str, Any] = _checked(lambda: entity.check_fields(dict(changes)))
        current = {k: _wire_value(entity, k, getattr(record, k)) for k in entity.fields
                   if entity.fields[k].client}
        diff = {k: v for k, v in clean.items() if v != current.get(k)}
        if diff:
            _checked(lambda: entity.check_record({**current, **diff}))
            _checked(lambda: entity.check_times(diff, _now()))
        return diff

    def _edit(
        self,
        s: Session,
        entity: Entity,
        record: Any,
        clean: dict[str, Any],
        seen: Mapping[str, str] | None = None,
    ) -> None:
        """Write checked fields to a mergeable record with their HLC, and the outbox row
        whose `base` is what the user saw (`seen`, else the stored HLCs; empty when new)."""
        source = seen if seen is not None else record.field_hlcs
        base = {k: source[k] for k in clean if source.get(k)}
        hlc = self.store.tick(s)
        for key, value in clean.items():
            kind = entity.fields[key].kind
            setattr(record, key, from_wire(value) if isinstance(kind, Time) else value)
        record.field_hlcs = {**record.field_hlcs, **{k: hlc for k in clean}}
        record.updated_at = _now()
        outbox.add(s, entity.name, record.id, "upsert", clean, base, hlc)

    def _publish(self, entity: str, entity_id: str, *also: tuple[str, str]) -> None:
        cs = ChangeSet("local")
        cs.add(entity, entity_id)
        for e, i in also:
            cs.add(e, i)
        cs.add("outbox", entity_id)
        self.store.bus.publish(cs)
