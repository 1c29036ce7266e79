"""Read functions for joint operations (no Qt, no writes): the roster's operational chain
of command, the hand-overs of an operation and those waiting too long for their
acknowledgement, and the records one operation covers (the window's operation filter).

A unit's current assignment is the one whose period covers the moment asked about, in an
operation not concluded (several: the latest to start). A hand-over is acknowledged when
an acknowledgement entry names it; one older than the site's threshold
(`meta.HANDOVER_ACK_MINUTES`, 30 minutes by default) without one is overdue.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from fieldclient.core.errors import InvalidInput, NotFound
from fieldclient.core.i18n import QT_TRANSLATE_NOOP
from fieldclient.store import meta
from fieldclient.store.models import Assignment, Handover, Incident, Meta, Operation, Unit

# One assignment per unit and operation, whichever laptop makes it: edits of the same
# assignment merge field by field instead of making two.
_ASSIGNMENT_NS = uuid.UUID("6f4f0f7e-2d6b-4c0a-9a51-0c5f3b8e2d14")


def assignment_id(operation_id: str, unit_id: str) -> str:
    return str(uuid.uuid5(_ASSIGNMENT_NS, f"{operation_id}:{unit_id}"))


def by_code(s: Session, code: str) -> Operation:
    """The operation with this code (codes are unique in practice; two laptops offline
    could give the same one, then the id is needed)."""
    found = list(s.scalars(select(Operation).where(
        or_(Operation.code == code.strip(), Operation.id == code.strip()))))
    if not found:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "No operation has the code {code}."),
                       code=code)
    if len(found) > 1:
        raise InvalidInput(QT_TRANSLATE_NOOP(
            "errors", "Several operations have the code {code}; give the id of one: {ids}."),
            code=code, ids=", ".join(o.id for o in found))
    return found[0]


def operations(s: Session) -> list[Operation]:
    """Every operation this laptop may see, by code."""
    return list(s.scalars(select(Operation).order_by(Operation.code, Operation.id)))


@dataclass(frozen=True)
class Command:
    """A unit's place in an operation: which one, its role and who commands it there."""

    operation_id: str
    code: str
    role: str
    commanding_agency: str


def current_assignments(s: Session, now: datetime) -> dict[str, Command]:
    """unit id -> its current assignment (see the module docstring)."""
    rows = s.execute(
        select(Assignment.unit_id, Assignment.operation_id, Operation.code, Assignment.role,
               Assignment.commanding_agency, Assignment.starts_at, Assignment.ends_at)
        .join(Operation, Operation.id == Assignment.operation_id)
        .where(Operation.status != "closed")
        .order_by(Assignment.starts_at.is_(None).desc(), Assignment.starts_at))
    out: dict[str, Command] = {}
    for unit_id, op_id, code, role, commanding, start, end in rows:
        if (start is None or start <= now) and (end is None or end > now):
            out[unit_id] = Command(op_id, code, role, commanding)
    return out


@dataclass(frozen=True)
class HandoverRow:
    id: str
    operation_id: str
    at: datetime
    subject: str | None
    unit_id: str | None
    incident_id: str | None
    scene: str | None
    from_agency: str | None
    from_person: str | None
    to_agency: str | None
    to_person: str | None
    reason: str | None
    recorded_by: str | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None

    def overdue(self, now: datetime, threshold: timedelta) -> bool:
        return self.acknowledged_at is None and now - self.at > threshold


def handovers(s: Session, operation_id: str | None = None) -> list[HandoverRow]:
    """Hand-overs (not their acknowledgements), oldest first, each with its first
    acknowledgement if any."""
    acks: dict[str, tuple[datetime, str | None]] = {}
    q = select(Handover.acknowledges, Handover.at, Handover.recorded_by).where(
        Handover.kind == "acknowledgement").order_by(Handover.at.desc())
    for target, at, by in s.execute(q):
        acks[target] = (at, by)
    q2 = select(Handover).where(Handover.kind == "handover").order_by(Handover.at, Handover.id)
    if operation_id is not None:
        q2 = q2.where(Handover.operation_id == operation_id)
    out = []
    for h in s.scalars(q2):
        ack_at, ack_by = acks.get(h.id, (None, None))
        out.append(HandoverRow(h.id, h.operation_id, h.at, h.subject, h.unit_id, h.incident_id,
                               h.scene, h.from_agency, h.from_person, h.to_agency, h.to_person,
                               h.reason, h.recorded_by, ack_at, ack_by))
    return out


def ack_threshold(s: Session) -> timedelta:
    """How long a hand-over may wait for its acknowledgement (site policy)."""
    row = s.get(Meta, meta.HANDOVER_ACK_MINUTES)
    try:
        minutes = int(row.value) if row is not None else meta.DEFAULT_HANDOVER_ACK_MINUTES
    except ValueError:
        minutes = meta.DEFAULT_HANDOVER_ACK_MINUTES
    return timedelta(minutes=minutes)


def overdue_units(s: Session, now: datetime) -> set[str]:
    """Units whose command was handed over and not acknowledged in time."""
    threshold = ack_threshold(s)
    return {h.unit_id for h in handovers(s) if h.unit_id and h.overdue(now, threshold)}


def covered(s: Session, operation_id: str, now: datetime) -> tuple[set[str], set[str]]:
    """(unit ids, incident ids) of one operation: units assigned to it now or belonging
    to it, incidents belonging to it."""
    units = {uid for uid, c in current_assignments(s, now).items() if c.operation_id == operation_id}
    units |= set(s.scalars(select(Unit.id).where(Unit.operation_id == operation_id)))
    incidents = set(s.scalars(select(Incident.id).where(Incident.operation_id == operation_id)))
    return units, incidents


def participants_of(s: Session, operation_ids: Iterable[str]) -> dict[str, set[str]]:
    """operation id -> its participating agencies (the lead included)."""
    out: dict[str, set[str]] = {}
    for op in s.scalars(select(Operation).where(Operation.id.in_(list(operation_ids)))):
        out[op.id] = {op.lead_agency, *(op.agencies or [])}
    return out
