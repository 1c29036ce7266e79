"""The operation report (SITREP) as data: one joint operation as it stood at a chosen
time, read from the local store (no Qt, no writes). The PDF (`report/pdf.py`), CSV and
GeoJSON (`report/tables.py`) all render this one `Sitrep`.

"As it stood at `at`":
- a unit's position is its latest fix observed at or before `at`;
- the units are those assigned to the operation at `at` (assignment period covering it)
  and those that belong to it (`operation_id`);
- an incident is listed when it belongs to the operation, or lies in its area and was
  opened within its period, and was opened by `at`; its status is the one its last
  status entry at or before `at` gave (before any entry: "open"; an incident that was
  never changed through an entry keeps its status), and it counts as closed in the
  period when that entry closed or voided it;
- a hand-over is listed when made by `at`, acknowledged when its acknowledgement came by
  `at`, and overdue when it waited longer than the site's threshold at `at`;
- detentions and uses of force linked to the operation and dated by `at` are COUNTED
  only (issue 13, need-to-know): the `Sitrep` holds no name, initials, description or
  officer of them, so no rendering can leak one.
Records with a history of their own only (a unit's status, the operation's fields) are
shown as they are now: the store keeps no past values of them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from fieldclient.core import custody
from fieldclient.core.coords import format_mgrs
from fieldclient.core.errors import InvalidInput
from fieldclient.core.i18n import QT_TRANSLATE_NOOP
from fieldclient.core.validation import parse_time
from fieldclient.store import accountable, operations, zones
from fieldclient.store.models import (
    Agency,
    Assignment,
    Detention,
    Incident,
    IncidentEntry,
    Operation,
    Position,
    Unit,
    UseOfForce,
)
from sync.protocol.vocab import FORCE_LEVEL

CLOSED_STATES = ("closed", "voided")


@dataclass(frozen=True)
class Header:
    id: str
    code: str
    name: str
    lead_agency: str
    agencies: tuple[str, ...]  # participants, the lead first
    agency_names: dict[str, str]
    authority: str
    legal_basis: str
    legal_reference: str
    status: str
    starts_at: datetime
    ends_at: datetime | None
    instructions: str


@dataclass(frozen=True)
class UnitLine:
    id: str
    callsign: str
    agency: str
    kind: str
    status: str
    role: str  # "" for a unit that belongs to the operation without an assignment
    commanding_agency: str
    lat: float | None
    lon: float | None
    mgrs: str
    observed_at: datetime | None
    outside: bool  # outside its jurisdiction at `at` (store/zones.py's rule)


@dataclass(frozen=True)
class IncidentLine:
    id: str
    title: str
    kind: str
    severity: int
    agency: str
    opened_at: datetime
    status: str  # as of `at`
    closed_at: datetime | None  # when that status closed or voided it
    lat: float | None
    lon: float | None
    zones: tuple[str, ...]  # "Guadalajara (mun-gdl)", most local first

    @property
    def closed(self) -> bool:
        return self.status in CLOSED_STATES


@dataclass(frozen=True)
class HandoverLine:
    id: str
    at: datetime
    subject: str
    what: str  # callsign, incident title or the scene's name
    from_agency: str
    from_person: str
    to_agency: str
    to_person: str
    reason: str
    acknowledged_at: datetime | None
    overdue: bool


@dataclass(frozen=True)
class Accountability:
    """Counts only (need-to-know): never a person."""

    detentions: int = 0
    held: int = 0  # not yet handed to a prosecutor or judge at `at`
    handed_over: int = 0
    custody_warn: int = 0  # past the warning threshold (still held or handed over late)
    custody_alert: int = 0  # past the alert threshold
    force_reports: int = 0
    force_by_level: dict[str, int] = field(default_factory=dict)  # every level, 0 included
    injured: int = 0
    deaths: int = 0

    @property
    def custody_overdue(self) -> int:
        return self.custody_warn + self.custody_alert


@dataclass(frozen=True)
class ZoneShape:
    name: str
    agency: str
    level: str
    rings: list[list[tuple[float, float]]]  # (lon, lat), clipped to the map's extent


@dataclass(frozen=True)
class Sitrep:
    at: datetime
    made_at: datetime
    header: Header
    area: list[list[tuple[float, float]]]  # (lon, lat) rings; [] without an area
    extent: tuple[float, float, float, float] | None  # min lon, min lat, max lon, max lat
    zones: list[ZoneShape]
    units: list[UnitLine]
    incidents: list[IncidentLine]
    handovers: list[HandoverLine]
    handover_threshold_min: int
    accountability: Accountability
    custody: custody.Thresholds

    @property
    def opened(self) -> list[IncidentLine]:
        return self.incidents

    @property
    def closed(self) -> list[IncidentLine]:
        return [i for i in self.incidents if i.closed]


def parse_at(text: str | datetime | None, now: datetime) -> datetime:
    """The report's time: ISO-8601 or a DTG (as everywhere), blank for now; a time after
    now is refused (a report shows what happened)."""
    at = parse_time(text, "at") if text is not None else None
    if at is None:
        return now
    if at > now:
        raise InvalidInput(QT_TRANSLATE_NOOP(
            "report", "The report time {at} is in the future; a report shows what has "
            "happened."), field="at", at=at.isoformat(timespec="minutes"))
    return at


def assemble(store: Any, code: str, at: datetime, now: datetime) -> Sitrep:
    """The SITREP of the operation with this code (or id) as it stood at `at`."""
    index = zones.tagger(store).index()
    warn = accountable.thresholds(store)
    with store.session() as s:
        op = operations.by_code(s, code)
        header = _header(s, op)
        area = _rings(op.area)
        units = _units(s, op, at, index)
        incidents = _incidents(s, op, area, at, index)
        threshold = operations.ack_threshold(s)
        handovers = _handovers(s, op.id, at, threshold)
        counts = _accountability(s, op.id, at, warn)
    points = [(u.lon, u.lat) for u in units] + [(i.lon, i.lat) for i in incidents]
    extent = _extent(area, [(x, y) for x, y in points if x is not None and y is not None])
    return Sitrep(at, now, header, area, extent, _zones(index, extent), units, incidents,
                  handovers, int(threshold.total_seconds() // 60), counts, warn)


# -- parts ----------------------------------------------------------------------------


def _header(s: Session, op: Operation) -> Header:
    names = {a.id: a.name for a in s.scalars(select(Agency))}
    others = [a for a in (op.agencies or []) if a != op.lead_agency]
    return Header(op.id, op.code, op.name, op.lead_agency, (op.lead_agency, *others), names,
                  op.authority, op.legal_basis, op.legal_reference or "", op.status,
                  op.starts_at, op.ends_at, op.instructions or "")


def _rings(area: Any) -> list[list[tuple[float, float]]]:
    try:
        return [[(float(p[0]), float(p[1])) for p in ring] for ring in area or []]
    except (TypeError, ValueError, IndexError):
        return []


def _fixes(s: Session, unit_ids: list[str], at: datetime) -> dict[str, Position]:
    """unit id -> its latest position observed at or before `at`."""
    out: dict[str, Position] = {}
    for i in range(0, len(unit_ids), 500):
        chunk = unit_ids[i:i + 500]
        latest = (select(Position.unit_id, func.max(Position.observed_at).label("t"))
                  .where(Position.unit_id.in_(chunk), Position.observed_at <= at)
                  .group_by(Position.unit_id).subquery())
        q = select(Position).join(latest, (Position.unit_id == latest.c.unit_id)
                                  & (Position.observed_at == latest.c.t))
        for p in s.scalars(q):
            out[p.unit_id] = p
    return out


def _units(s: Session, op: Operation, at: datetime, index: zones.ZoneIndex) -> list[UnitLine]:
    roles: dict[str, tuple[str, str]] = {}
    for a in s.scalars(select(Assignment).where(Assignment.operation_id == op.id)):
        if (a.starts_at is None or a.starts_at <= at) and (a.ends_at is None or a.ends_at > at):
            roles[a.unit_id] = (a.role, a.commanding_agency)
    members = set(s.scalars(select(Unit.id).where(Unit.operation_id == op.id)))
    ids = sorted(set(roles) | members)
    rows = {u.id: u for i in range(0, len(ids), 500)
            for u in s.scalars(select(Unit).where(Unit.id.in_(ids[i:i + 500])))}
    fixes = _fixes(s, list(rows), at)
    where = {uid: (p.lon, p.lat) for uid, p in fixes.items()}
    outside = zones.outside_jurisdiction(s, index, at, fixes=where) if where else set()
    out = []
    for uid, u in rows.items():
        p = fixes.get(uid)
        role, commanding = roles.get(uid, ("", ""))
        out.append(UnitLine(
            uid, u.callsign, u.agency, u.kind, u.status, role, commanding,
            p.lat if p else None, p.lon if p else None,
            format_mgrs(p.lat, p.lon) if p else "", p.observed_at if p else None,
            uid in outside))
    out.sort(key=lambda x: (x.agency, x.callsign, x.id))
    return out


def _incidents(s: Session, op: Operation, area: list[list[tuple[float, float]]], at: datetime,
               index: zones.ZoneIndex) -> list[IncidentLine]:
    end = min(at, op.ends_at) if op.ends_at else at
    ours = Incident.operation_id == op.id
    conds = [ours]
    shape = None
    if area:
        import shapely

        try:
            shape = shapely.Polygon(area[0], area[1:])
            lon0, lat0, lon1, lat1 = shape.bounds
            conds.append(Incident.operation_id.is_(None) & Incident.lat.between(lat0, lat1)
                         & Incident.lon.between(lon0, lon1) & (Incident.occurred_at >= op.starts_at)
                         & (Incident.occurred_at <= end))
        except (ValueError, TypeError):
            shape = None
    rows = list(s.scalars(select(Incident).where(or_(*conds), Incident.occurred_at <= at)
                          .order_by(Incident.occurred_at, Incident.id)))
    if shape is not None:
        import shapely

        rows = [r for r in rows if r.operation_id == op.id
                or shape.intersects(shapely.Point(r.lon, r.lat))]
    changes: dict[str, list[tuple[datetime, str]]] = {}
    ids = [r.id for r in rows]
    for i in range(0, len(ids), 500):
        q = (select(IncidentEntry.incident_id, IncidentEntry.created_at, IncidentEntry.status)
             .where(IncidentEntry.incident_id.in_(ids[i:i + 500]),
                    IncidentEntry.kind == "status", IncidentEntry.status.is_not(None))
             .order_by(IncidentEntry.created_at))
        for inc, when, status in s.execute(q):
            changes.setdefault(inc, []).append((when, status))
    out = []
    for r in rows:
        status, closed_at = _status_at(r.status, changes.get(r.id, []), at)
        tags = tuple(f"{h.name} ({h.agency})" for h in index.at(r.lon, r.lat)) \
            if r.lat is not None and r.lon is not None else ()
        out.append(IncidentLine(r.id, r.title, r.kind, r.severity, r.agency, r.occurred_at,
                                status, closed_at, r.lat, r.lon, tags))
    return out


def _status_at(current: str, changes: list[tuple[datetime, str]],
               at: datetime) -> tuple[str, datetime | None]:
    """An incident's status at `at`, and when it was closed if that status closed it."""
    if not changes:
        return current, None
    before = [(when, st) for when, st in changes if when <= at]
    if not before:
        return "open", None
    when, status = before[-1]
    return status, (when if status in CLOSED_STATES else None)


def _handovers(s: Session, op_id: str, at: datetime, threshold: Any) -> list[HandoverLine]:
    rows = [h for h in operations.handovers(s, op_id) if h.at <= at]
    callsigns = dict(s.execute(select(Unit.id, Unit.callsign).where(
        Unit.id.in_([h.unit_id for h in rows if h.unit_id]))).tuples().all())
    titles = dict(s.execute(select(Incident.id, Incident.title).where(
        Incident.id.in_([h.incident_id for h in rows if h.incident_id]))).tuples().all())
    out = []
    for h in rows:
        acked = h.acknowledged_at if h.acknowledged_at and h.acknowledged_at <= at else None
        what = (callsigns.get(h.unit_id, h.unit_id) if h.unit_id else
                titles.get(h.incident_id, h.incident_id) if h.incident_id else h.scene) or ""
        out.append(HandoverLine(
            h.id, h.at, h.subject or "", what, h.from_agency or "", h.from_person or "",
            h.to_agency or "", h.to_person or "", h.reason or "", acked,
            acked is None and at - h.at > threshold))
    return out


def _linked(s: Session, model: Any, op_id: str) -> list[str]:
    """Originals linked to the operation, by themselves or by an amendment (the records
    as they stand are checked again): not every record of the laptop, which may be many."""
    rows = s.execute(select(model.id, model.amends).where(model.operation_id == op_id))
    return sorted({amends or rid for rid, amends in rows})


def _accountability(s: Session, op_id: str, at: datetime,
                    thresholds: custody.Thresholds) -> Accountability:
    held = handed = warn = alert = 0
    detentions = 0
    for d in accountable.summaries(s, "detention", ids=_linked(s, Detention, op_id)):
        v = d.values
        if v.get("operation_id") != op_id or v.get("detained_at") is None \
                or v["detained_at"] > at:
            continue
        detentions += 1
        handed_at = v.get("handed_over_at")
        handed_at = handed_at if handed_at is not None and handed_at <= at else None
        clock = custody.clock(v["detained_at"], handed_at, at, thresholds)
        if handed_at is None:
            held += 1
        else:
            handed += 1
        if clock is not None and clock.state == custody.WARN:
            warn += 1
        elif clock is not None and clock.state == custody.ALERT:
            alert += 1
    levels: Counter[str] = Counter()
    injured = deaths = reports = 0
    for f in accountable.summaries(s, "use_of_force", ids=_linked(s, UseOfForce, op_id)):
        v = f.values
        if v.get("operation_id") != op_id or v.get("occurred_at") is None \
                or v["occurred_at"] > at:
            continue
        reports += 1
        levels[v.get("level") or ""] += 1
        injured += int(v.get("injured") or 0)
        deaths += int(v.get("deaths") or 0)
    return Accountability(detentions, held, handed, warn, alert, reports,
                          {lv: levels.get(lv, 0) for lv in FORCE_LEVEL.values}, injured, deaths)


def _extent(area: list[list[tuple[float, float]]],
            points: list[tuple[float, float]]) -> tuple[float, float, float, float] | None:
    """What the map shows: the area and every unit and incident, with a margin."""
    xy = [p for ring in area[:1] for p in ring] + points
    if not xy:
        return None
    lons, lats = [p[0] for p in xy], [p[1] for p in xy]
    x0, x1, y0, y1 = min(lons), max(lons), min(lats), max(lats)
    pad = max(x1 - x0, y1 - y0, 0.01) * 0.08
    return x0 - pad, y0 - pad, x1 + pad, y1 + pad


def _zones(index: zones.ZoneIndex, extent: tuple[float, float, float, float] | None,
           ) -> list[ZoneShape]:
    """The zones the map's extent touches, clipped to it (a state's whole outline would
    weigh more than the rest of the map)."""
    if extent is None or not len(index):
        return []
    import shapely

    box = shapely.box(*extent)
    out = []
    for i in sorted(index.tree.query(box, predicate="intersects")):
        hit, shape = index.hits[i], index.shapes[i]
        clipped = shape.intersection(box)
        rings: list[list[tuple[float, float]]] = []
        for poly in getattr(clipped, "geoms", [clipped]):
            if poly.geom_type != "Polygon" or poly.is_empty:
                continue
            rings.append([(x, y) for x, y in poly.exterior.coords])
            rings.extend([(x, y) for x, y in r.coords] for r in poly.interiors)
        if rings:
            out.append(ZoneShape(hit.name, hit.agency, hit.level, rings))
    # the widest first, so a municipality is drawn over its state
    out.sort(key=lambda z: -shapely.Polygon(z.rings[0]).area)
    return out
