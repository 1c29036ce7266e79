"""Local edits: every change is written with its outbox row in one transaction.

This is the only write path for user actions (UI, command line, self-test),
so validation, HLC stamping, the per-field `base` and the outbox all happen in
one place. Replication applies pulled changes elsewhere (replication/apply.py)
and never writes the outbox.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from fieldclient.core.errors import InvalidInput, NotFound
from fieldclient.core.i18n import QT_TRANSLATE_NOOP
from fieldclient.core.validation import FUTURE_TOLERANCE
from fieldclient.store.db import Store
from fieldclient.store.events import ChangeSet
from fieldclient.store.models import (
    Conflict,
    Incident,
    IncidentEntry,
    Meta,
    Outbox,
    Position,
    Unit,
)
from sync.merge import HybridClock
from sync.protocol import REQUIRED_ON_CREATE, new_id, validate_fields

META_NODE = "node_id"
META_HLC = "hlc_last"
META_USER = "username"

_clock_lock = threading.Lock()


def store_clock(store: Store) -> HybridClock:
    """The store's hybrid clock (one per store, shared by writer and replication)."""
    with _clock_lock:
        clock = getattr(store, "_clock", None)
        if clock is None:
            node = store.get_meta(META_NODE)
            if node is None:
                node = "n" + uuid.uuid4().hex[:12]
                store.set_meta(META_NODE, node)
            clock = HybridClock(node, last=store.get_meta(META_HLC))
            store._clock = clock  # type: ignore[attr-defined]
        return clock


def _now() -> datetime:
    return datetime.now(UTC)


def _check_fields(entity: str, op: str, fields: dict[str, Any]) -> dict[str, Any]:
    try:
        return validate_fields(entity, op, fields)
    except ValueError as exc:
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "Invalid {entity}: {why}"), entity=entity, why=str(exc)) from None


def _parse_time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value.replace("Z", "+00:00"))


class LocalWriter:
    """Writes user actions to the store and the outbox. Thread-safe (one session per call)."""

    def __init__(self, store: Store, actor: str | None = None) -> None:
        self.store = store
        self.clock = store_clock(store)
        self._actor = actor

    @property
    def actor(self) -> str:
        return self._actor or self.store.get_meta(META_USER) or "local"

    # -- units ----------------------------------------------------------------

    def create_unit(self, fields: Mapping[str, Any], unit_id: str | None = None) -> str:
        data = {"status": "available", "visibility": "shared", **dict(fields)}
        data = {k: v for k, v in data.items() if v is not None and v != ""}
        self._require("unit", data)
        uid = unit_id or str(new_id())
        with self.store.transaction() as s:
            if s.get(Unit, uid) is not None:
                raise InvalidInput(QT_TRANSLATE_NOOP("errors", "A unit with this id already exists."))
            self._check_parent(s, uid, data.get("parent_id"))
            unit = Unit(id=uid, field_hlcs={})
            self._edit(s, "unit", unit, _check_fields("unit", "upsert", data))
            s.add(unit)  # after its fields are set: the HLC write autoflushes the session
        self._publish("unit", uid)
        return uid

    def update_unit(
        self, unit_id: str, changes: Mapping[str, Any], seen: Mapping[str, str] | None = None
    ) -> list[str]:
        """Edit fields of a unit. `seen` holds the HLC of each value the user saw when
        editing (from `Unit.field_hlcs` at form load); it becomes the change's `base`."""
        with self.store.transaction() as s:
            unit = s.get(Unit, unit_id)
            if unit is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "Unit not found."))
            current = {k: getattr(unit, k) for k in changes}
            diff = {k: v for k, v in changes.items() if _norm(v) != _norm(current[k])}
            if not diff:
                return []
            if "parent_id" in diff:
                self._check_parent(s, unit_id, diff["parent_id"])
            clean = _check_fields("unit", "upsert", dict(diff))
            self._edit(s, "unit", unit, clean, seen)
        self._publish("unit", unit_id)
        return list(clean)

    def retire_unit(self, unit_id: str, seen: Mapping[str, str] | None = None) -> None:
        self.update_unit(unit_id, {"status": "retired"}, seen)

    def _check_parent(self, s: Session, unit_id: str, parent_id: str | None) -> None:
        seen: set[str] = {unit_id}
        cursor = parent_id
        while cursor:
            if cursor in seen:
                raise InvalidInput(QT_TRANSLATE_NOOP("errors", "A unit cannot be placed under itself or its own subordinate."), field="parent_id")
            seen.add(cursor)
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
        observed_at: datetime | None = None,
        source: str = "manual",
        accuracy_m: float | None = None,
        note: str | None = None,
        position_id: str | None = None,
    ) -> str:
        """Append a position report. `position_id` is for callers that need a
        deterministic id (the demo loader); normally a new UUIDv7 is made."""
        observed = observed_at or _now()
        if observed.tzinfo is None:
            raise InvalidInput(QT_TRANSLATE_NOOP("errors", "The observed time must include a time zone."), field="observed_at")
        if observed > _now() + FUTURE_TOLERANCE:
            raise InvalidInput(
                QT_TRANSLATE_NOOP(
                    "errors", "The observed time is in the future (more than {minutes} minutes ahead)."
                ),
                field="observed_at",
                minutes=int(FUTURE_TOLERANCE.total_seconds() // 60),
            )
        fields = {
            "unit_id": unit_id,
            "lat": lat,
            "lon": lon,
            "accuracy_m": accuracy_m,
            "observed_at": observed.astimezone(UTC).isoformat(),
            "source": source,
            "note": note or None,
        }
        clean = _check_fields("position", "append", fields)
        pid = position_id or str(new_id())
        with self.store.transaction() as s:
            unit = s.get(Unit, unit_id)
            if unit is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "Unit not found."))
            hlc = self._tick(s)
            pos = Position(
                id=pid,
                unit_id=unit_id,
                lat=clean["lat"],
                lon=clean["lon"],
                accuracy_m=clean["accuracy_m"],
                observed_at=observed.astimezone(UTC),
                source=clean["source"],
                note=clean["note"],
                reported_by=self.actor,
                hlc=hlc,
            )
            s.add(pos)
            update_latest_position(unit, pos)
            wire = {k: v for k, v in clean.items() if k != "reported_by"}
            self._outbox(s, "position", pid, "append", wire, {}, hlc)
        self._publish("position", pid, ("unit", unit_id))
        return pid

    # -- incidents ------------------------------------------------------------

    def create_incident(self, fields: Mapping[str, Any], incident_id: str | None = None) -> str:
        data = {"status": "open", "visibility": "shared", **dict(fields)}
        data = {k: v for k, v in data.items() if v is not None and v != ""}
        if isinstance(data.get("occurred_at"), datetime):
            data["occurred_at"] = data["occurred_at"].isoformat()
        self._require("incident", data)
        clean = _check_fields("incident", "upsert", data)
        iid = incident_id or str(new_id())
        with self.store.transaction() as s:
            inc = Incident(id=iid, field_hlcs={})
            self._edit(s, "incident", inc, clean)
            s.add(inc)  # after its fields are set: the HLC write autoflushes the session
        self._publish("incident", iid)
        return iid

    def update_incident(
        self, incident_id: str, changes: Mapping[str, Any], seen: Mapping[str, str] | None = None
    ) -> list[str]:
        with self.store.transaction() as s:
            inc = s.get(Incident, incident_id)
            if inc is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "Incident not found."))
            data = {
                k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in changes.items()
            }
            diff = {k: v for k, v in data.items() if _norm(v) != _norm(getattr(inc, k))}
            if not diff:
                return []
            clean = _check_fields("incident", "upsert", diff)
            self._edit(s, "incident", inc, clean, seen)
        self._publish("incident", incident_id)
        return list(clean)

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
        created = (created_at or _now()).astimezone(UTC)
        fields = {
            "incident_id": incident_id,
            "kind": kind,
            "body": body,
            "amends": amends,
            "unit_id": unit_id,
            "status": status,
            "created_at": created.isoformat(),
        }
        clean = _check_fields("incident_entry", "append", fields)
        eid = entry_id or str(new_id())
        with self.store.transaction() as s:
            inc = s.get(Incident, incident_id)
            if inc is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "Incident not found."))
            if amends is not None:
                original = s.get(IncidentEntry, amends)
                if original is None or original.incident_id != incident_id:
                    raise InvalidInput(QT_TRANSLATE_NOOP("errors", "The entry to amend does not belong to this incident."))
            hlc = self._tick(s)
            s.add(
                IncidentEntry(
                    id=eid,
                    incident_id=incident_id,
                    kind=clean["kind"],
                    body=clean["body"],
                    amends=clean["amends"],
                    unit_id=clean["unit_id"],
                    status=clean["status"],
                    created_at=created,
                    author=self.actor,
                    hlc=hlc,
                )
            )
            wire = {k: v for k, v in clean.items() if k != "author"}
            self._outbox(s, "incident_entry", eid, "append", wire, {}, hlc)
            if kind == "status" and status and status != inc.status:
                self._edit(s, "incident", inc, {"status": clean["status"]})
        self._publish("incident_entry", eid, ("incident", incident_id))
        return eid

    # -- conflicts ------------------------------------------------------------

    def resolve_conflict(self, conflict_id: str, resolution: str) -> None:
        """Mark a conflict resolved ('kept' the winner or 'reapplied' the other value)."""
        with self.store.transaction() as s:
            c = s.get(Conflict, conflict_id)
            if c is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "Conflict not found."))
            fields = {"status": "resolved", "resolution": resolution}
            base = {k: c.field_hlcs[k] for k in fields if k in c.field_hlcs}
            hlc = self._tick(s)
            c.status, c.resolution = "resolved", resolution
            c.field_hlcs = {**c.field_hlcs, "status": hlc, "resolution": hlc}
            self._outbox(s, "conflict", conflict_id, "upsert", fields, base, hlc)
        self._publish("conflict", conflict_id)

    # -- plumbing -------------------------------------------------------------

    def _require(self, entity: str, data: Mapping[str, Any]) -> None:
        missing = sorted(REQUIRED_ON_CREATE[entity] - set(data))
        if missing:
            raise InvalidInput(QT_TRANSLATE_NOOP("errors", "Required: {fields}"), fields=", ".join(missing))

    def _edit(
        self,
        s: Session,
        entity: str,
        record: Unit | Incident,
        clean: dict[str, Any],
        seen: Mapping[str, str] | None = None,
    ) -> None:
        """Write validated fields to a mergeable record with their HLC, and the outbox row
        whose `base` is what the user saw (`seen`, else the stored HLCs; empty when new)."""
        source = seen if seen is not None else record.field_hlcs
        base = {k: source[k] for k in clean if source.get(k)}
        hlc = self._tick(s)
        _assign(record, clean)
        record.field_hlcs = {**record.field_hlcs, **{k: hlc for k in clean}}
        record.updated_at = _now()
        self._outbox(s, entity, record.id, "upsert", clean, base, hlc)

    def _tick(self, s: Session) -> str:
        hlc = self.clock.now()
        s.merge(Meta(key=META_HLC, value=hlc))
        return hlc

    def _outbox(
        self,
        s: Session,
        entity: str,
        entity_id: str,
        op: str,
        fields: dict[str, Any],
        base: dict[str, str],
        hlc: str,
    ) -> None:
        s.add(
            Outbox(
                change_id=str(new_id()),
                entity=entity,
                entity_id=entity_id,
                op=op,
                fields=fields,
                base=base,
                hlc=hlc,
                created_at=_now(),
                state="waiting",
            )
        )

    def _publish(self, entity: str, entity_id: str, *also: tuple[str, str]) -> None:
        cs = ChangeSet("local")
        cs.add(entity, entity_id)
        for e, i in also:
            cs.add(e, i)
        cs.add("outbox", entity_id)
        self.store.bus.publish(cs)


def _norm(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _assign(record: Any, clean: Mapping[str, Any]) -> None:
    for key, value in clean.items():
        if key in ("occurred_at", "detected_at"):
            value = _parse_time(value)
        setattr(record, key, value)


def update_latest_position(unit: Unit, pos: Position) -> bool:
    """Keep the unit's copy of its latest report; an older report never replaces a newer one."""
    current = unit.pos_observed_at
    if current is not None and (current, unit.pos_id or "") >= (pos.observed_at, pos.id):
        return False
    unit.pos_id = pos.id
    unit.pos_lat = pos.lat
    unit.pos_lon = pos.lon
    unit.pos_observed_at = pos.observed_at
    unit.pos_source = pos.source
    unit.pos_accuracy_m = pos.accuracy_m
    return True
