"""SQLAlchemy models of the local store.

Column names follow the wire field names of sync protocol v1. Mergeable
records (unit, incident, conflict) keep `field_hlcs`: for each field the HLC
of the value stored, which is what per-field last-writer-wins and the `base`
of the next local edit need. Append-only records keep the HLC of their one
write.

The unit row also carries a copy of its latest position report (`pos_*`),
kept by the writer and by replication whenever a later report arrives, so the
roster loads 100,000 units with one query and no join. A unit's positions
themselves are never overwritten.

New synced kinds of record get their own table with the same id/hlc/field_hlcs
conventions (joint operations: `Operation`, `Assignment`, `Handover`; detentions and
use-of-force reports, append-only with amendments as rows of their own, which
store/accountable.py reads); the outbox and sync cursor are generic and need no change.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Index, Integer, LargeBinary, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime stored as ISO-8601 text ending in +00:00 (sorts as text)."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; times must be UTC-aware")
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: str | None, dialect: Dialect) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


class Meta(Base):
    """Small key/value table: node id, HLC high-water mark, sync cursor, server, user."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Agency(Base):
    __tablename__ = "agency"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    field_hlcs: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Unit(Base):
    __tablename__ = "unit"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    callsign: Mapped[str] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(200))
    agency: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(40))
    echelon: Mapped[str | None] = mapped_column(String(20))
    sidc: Mapped[str | None] = mapped_column(String(30))
    parent_id: Mapped[str | None] = mapped_column(String(36))
    commander: Mapped[str | None] = mapped_column(String(200))
    strength: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="available")
    visibility: Mapped[str] = mapped_column(String(10), default="shared")
    notes: Mapped[str | None] = mapped_column(Text)
    operation_id: Mapped[str | None] = mapped_column(String(36))
    field_hlcs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Latest position report (copy; see module docstring).
    pos_id: Mapped[str | None] = mapped_column(String(36))
    pos_lat: Mapped[float | None] = mapped_column(Float)
    pos_lon: Mapped[float | None] = mapped_column(Float)
    pos_observed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    pos_source: Mapped[str | None] = mapped_column(String(20))
    pos_accuracy_m: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (
        Index("ix_unit_callsign", "callsign"),
        Index("ix_unit_agency", "agency"),
        Index("ix_unit_parent", "parent_id"),
    )


class Position(Base):
    __tablename__ = "position"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(36))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    observed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    source: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    reported_by: Mapped[str | None] = mapped_column(String(200))
    hlc: Mapped[str] = mapped_column(String(100))

    __table_args__ = (Index("ix_position_unit_time", "unit_id", "observed_at"),)


class Incident(Base):
    __tablename__ = "incident"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    severity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    agency: Mapped[str] = mapped_column(String(40))
    agencies: Mapped[list[str]] = mapped_column(default=list)
    visibility: Mapped[str] = mapped_column(String(10), default="shared")
    void_reason: Mapped[str | None] = mapped_column(Text)
    operation_id: Mapped[str | None] = mapped_column(String(36))
    field_hlcs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_incident_time", "occurred_at"),)


class IncidentEntry(Base):
    __tablename__ = "incident_entry"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    incident_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    amends: Mapped[str | None] = mapped_column(String(36))
    unit_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    author: Mapped[str | None] = mapped_column(String(200))
    hlc: Mapped[str] = mapped_column(String(100))

    __table_args__ = (Index("ix_entry_incident", "incident_id", "created_at"),)


class Conflict(Base):
    """A concurrent edit, created by the server and received by sync."""

    __tablename__ = "conflict"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity: Mapped[str | None] = mapped_column(String(20))
    entity_id: Mapped[str | None] = mapped_column(String(36))
    field: Mapped[str | None] = mapped_column(String(64))
    winner_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    loser_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    winner_hlc: Mapped[str | None] = mapped_column(String(100))
    loser_hlc: Mapped[str | None] = mapped_column(String(100))
    winner_by: Mapped[str | None] = mapped_column(String(200))
    loser_by: Mapped[str | None] = mapped_column(String(200))
    detected_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str | None] = mapped_column(String(20))
    resolution: Mapped[str | None] = mapped_column(String(200))
    field_hlcs: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Operation(Base):
    """A joint operation (sync/protocol/operations.py); `area` holds the polygon's rings
    as the wire carries them ([[[lon, lat], ...], ...])."""

    __tablename__ = "operation"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    lead_agency: Mapped[str] = mapped_column(String(40))
    agencies: Mapped[list[str]] = mapped_column(default=list)
    authority: Mapped[str] = mapped_column(String(20))
    legal_basis: Mapped[str] = mapped_column(String(40))
    legal_reference: Mapped[str | None] = mapped_column(String(200))
    area: Mapped[Any] = mapped_column(JSON, nullable=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    instructions: Mapped[str | None] = mapped_column(Text)
    field_hlcs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_operation_code", "code"),)


class Assignment(Base):
    """A unit in an operation: its role and the agency that commands it there."""

    __tablename__ = "assignment"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    operation_id: Mapped[str] = mapped_column(String(36))
    unit_id: Mapped[str] = mapped_column(String(36))
    role: Mapped[str] = mapped_column(String(20))
    commanding_agency: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    field_hlcs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_assignment_unit", "unit_id"),
                      Index("ix_assignment_operation", "operation_id"))


class Handover(Base):
    """A hand-over of command, or its acknowledgement by the receiving agency (append-only)."""

    __tablename__ = "handover"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    operation_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str | None] = mapped_column(String(20))
    unit_id: Mapped[str | None] = mapped_column(String(36))
    incident_id: Mapped[str | None] = mapped_column(String(36))
    scene: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    from_agency: Mapped[str | None] = mapped_column(String(40))
    from_person: Mapped[str | None] = mapped_column(String(200))
    to_agency: Mapped[str | None] = mapped_column(String(40))
    to_person: Mapped[str | None] = mapped_column(String(200))
    acknowledges: Mapped[str | None] = mapped_column(String(36))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str | None] = mapped_column(String(200))
    hlc: Mapped[str] = mapped_column(String(100))

    __table_args__ = (Index("ix_handover_operation", "operation_id", "at"),
                      Index("ix_handover_acknowledges", "acknowledges"))


class _Accountable:
    """Columns every accountability record has (sync.protocol.accountability): the
    record's own kind, the original it follows, the owning agency, when and by whom."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    amends: Mapped[str | None] = mapped_column(String(36))
    amend_reason: Mapped[str | None] = mapped_column(Text)
    agency: Mapped[str] = mapped_column(String(40))
    unit_id: Mapped[str | None] = mapped_column(String(36))
    incident_id: Mapped[str | None] = mapped_column(String(36))
    operation_id: Mapped[str | None] = mapped_column(String(36))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(Text)
    officers: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    author: Mapped[str | None] = mapped_column(String(200))
    redacted: Mapped[bool | None] = mapped_column(Boolean)
    hlc: Mapped[str] = mapped_column(String(100))


class Detention(_Accountable, Base):
    """A detention record, its amendments and hand-over (append-only; personal data)."""

    __tablename__ = "detention"
    person_name: Mapped[str | None] = mapped_column(String(200))
    person_description: Mapped[str | None] = mapped_column(Text)
    age: Mapped[int | None] = mapped_column(Integer)
    sex: Mapped[str | None] = mapped_column(String(20))
    disability: Mapped[str | None] = mapped_column(Text)
    injuries: Mapped[str | None] = mapped_column(Text)
    detained_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    motive: Mapped[str | None] = mapped_column(Text)
    legal_ground: Mapped[str | None] = mapped_column(String(20))
    force_used: Mapped[bool | None] = mapped_column(Boolean)
    relative_notified: Mapped[bool | None] = mapped_column(Boolean)
    notified_person: Mapped[str | None] = mapped_column(String(200))
    belongings: Mapped[str | None] = mapped_column(Text)
    authority: Mapped[str | None] = mapped_column(String(30))
    handed_over_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("ix_detention_amends", "amends"),
        Index("ix_detention_unit", "unit_id"),
        Index("ix_detention_incident", "incident_id"),
        Index("ix_detention_time", "detained_at"),
    )


class UseOfForce(_Accountable, Base):
    """A use-of-force report and its amendments (append-only)."""

    __tablename__ = "use_of_force"
    occurred_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    level: Mapped[str | None] = mapped_column(String(20))
    means: Mapped[str | None] = mapped_column(Text)
    people_affected: Mapped[int | None] = mapped_column(Integer)
    injured: Mapped[int | None] = mapped_column(Integer)
    deaths: Mapped[int | None] = mapped_column(Integer)
    injury_details: Mapped[str | None] = mapped_column(Text)
    medical_aid: Mapped[bool | None] = mapped_column(Boolean)
    medical_aid_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    medical_aid_by: Mapped[str | None] = mapped_column(String(200))
    circumstances: Mapped[str | None] = mapped_column(Text)
    necessity: Mapped[str | None] = mapped_column(Text)
    detention_id: Mapped[str | None] = mapped_column(String(36))

    __table_args__ = (
        Index("ix_force_amends", "amends"),
        Index("ix_force_detention", "detention_id"),
        Index("ix_force_time", "occurred_at"),
    )


OUTBOX_STATES = ("waiting", "sent", "applied", "duplicate", "rejected", "dismissed")


class Outbox(Base):
    """One row per local change, written in the same transaction as the change, in the
    wire shape of protocol v1 (the columns change_id..hlc are the change's keys);
    see fieldclient/store/outbox.py for its states."""

    __tablename__ = "outbox"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    change_id: Mapped[str] = mapped_column(String(36), unique=True)
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[str] = mapped_column(String(64))
    op: Mapped[str] = mapped_column(String(10))
    fields: Mapped[dict[str, Any]] = mapped_column()
    base: Mapped[dict[str, Any]] = mapped_column(default=dict)
    hlc: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(12), default="waiting")
    server_seq: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)  # the server's words (English)
    # A rejection's machine code and parameters (sync.protocol.problems), when the server
    # sends them: the UI renders them in the user's language.
    code: Mapped[str | None] = mapped_column(String(64))
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_outbox_state", "state", "seq"),)


class HeldChange(Base):
    """A pulled change this version could not apply (a kind of record or a value from a
    newer server), kept with its document and the reason, never skipped: it is applied,
    in seq order, once an upgraded client understands it (replication/held.py)."""

    __tablename__ = "held_change"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int | None] = mapped_column(Integer)  # the server's seq, when readable
    entity: Mapped[str | None] = mapped_column(String(64))
    doc: Mapped[bytes] = mapped_column(LargeBinary)  # the change exactly as pulled
    code: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reason: Mapped[str] = mapped_column(Text)  # English, for logs
    held_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_held_seq", "seq"),)


class ServerRecord(Base):
    """A mergeable record as the server last sent it: per field its value (wire form) and
    HLC, kept by every pull. The local row may differ where this laptop has edits the
    server has not confirmed; when the server rejects one, its fields are restored from
    here (fieldclient/store/rejections.py), so a laptop never keeps a value nobody else has."""

    __tablename__ = "server_record"
    entity: Mapped[str] = mapped_column(String(20), primary_key=True)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    hlcs: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Reveal(Base):
    """A record this laptop may see now but may have passed while it could not (it turned
    visible): the server's pull said so with the seq of the reveal and how many
    append-only records (positions, entries) it had then. Kept until its history is
    fetched (replication/reveal.py); `after` is how far that fetch got."""

    __tablename__ = "reveal"
    entity: Mapped[str] = mapped_column(String(20), primary_key=True)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer, default=0)
    after: Mapped[int] = mapped_column(Integer, default=0)


def placeholders(entity: str, when: datetime) -> dict[str, Any]:
    """Values for the NOT NULL columns of a record known only in part (a pulled partial
    upsert, a re-sent edit of a record not here). They carry no HLC, so the first real
    value for the field replaces them."""
    if entity == "unit":
        return {"callsign": "", "agency": "", "kind": "other", "status": "available",
                "visibility": "shared"}
    if entity == "incident":
        return {"title": "", "kind": "other", "severity": 3, "status": "open",
                "occurred_at": when, "agency": "", "agencies": [], "visibility": "shared"}
    if entity == "agency":
        return {"name": "", "kind": "civil"}
    if entity == "operation":
        return {"code": "", "name": "", "lead_agency": "", "agencies": [], "authority": "civil",
                "legal_basis": "other", "starts_at": when, "status": "planned"}
    if entity == "assignment":
        return {"operation_id": "", "unit_id": "", "role": "other", "commanding_agency": ""}
    if entity == "zone":
        return {"name": "", "agency": "", "level": "other", "geometry": [],
                "visibility": "shared"}
    return {}


class Zone(Base):
    """A jurisdiction zone (sync/protocol/zones.py): one agency's territory; `geometry`
    holds its polygons as the wire carries them ([[[[lon, lat], ...], ...], ...])."""

    __tablename__ = "zone"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(20))
    geometry: Mapped[Any] = mapped_column(JSON)
    visibility: Mapped[str] = mapped_column(String(20), default="shared")
    notes: Mapped[str | None] = mapped_column(Text)
    field_hlcs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_zone_agency", "agency"),)


class Reviewed(Base):
    """A detention or use-of-force report the oversight observer of this laptop has looked
    at, and how many amendments and hand-overs it had then (a later one makes it "not
    reviewed" again). Local only: the server's audit trail records every full opening."""

    __tablename__ = "reviewed"
    entity: Mapped[str] = mapped_column(String(20), primary_key=True)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    later: Mapped[int] = mapped_column(Integer, default=0)
    reviewed_at: Mapped[datetime] = mapped_column(UtcDateTime)


SYNCED_MODELS: dict[str, type[Base]] = {
    "agency": Agency,
    "unit": Unit,
    "position": Position,
    "incident": Incident,
    "incident_entry": IncidentEntry,
    "conflict": Conflict,
    "operation": Operation,
    "assignment": Assignment,
    "handover": Handover,
    "detention": Detention,
    "use_of_force": UseOfForce,
    "zone": Zone,
}
