"""Detentions and use-of-force reports in the local store.

Each is kept as written: the original and its amendments and hand-over are rows of
their own (append-only; the migration's triggers refuse to change one). What people
see is each record *as it stands* - the original overlaid with what came after it,
field by field in HLC order (`sync.protocol.accountability.overlay`), exactly as the
server folds them. This module reads both: the holder the shared rules look at, the
record as it stands for the rules on a new amendment or hand-over, and the summaries
the lists, the custody clock and the oversight view show (names as initials).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldclient.core import custody
from fieldclient.core.custody import META_ALERT, META_WARN, Thresholds
from fieldclient.core.oversight import Row, ordered
from fieldclient.store.db import Store
from fieldclient.store.models import Detention, Incident, Operation, Reviewed, Unit, UseOfForce
from sync.protocol.accountability import amended_fields, initials, overlay
from sync.protocol.entity import ENTITIES, Entity
from sync.protocol.fields import Ref
from sync.protocol.rules import Holder

MODELS: dict[str, Any] = {"detention": Detention, "use_of_force": UseOfForce}
# The kinds of record a link field names, and where they are kept here.
LINKED: dict[str, Any] = {"unit_id": Unit, "incident_id": Incident, "detention_id": Detention}
_CHUNK = 500  # ids per IN (...): far below SQLite's bound-parameter limit


def values(entity: Entity, row: Any) -> dict[str, Any]:
    """A stored row as field values (times as datetimes)."""
    return {name: getattr(row, name) for name in entity.fields}


def holder(s: Session, entity: str, record_id: str | None) -> Holder | None:
    """What the rules need of an original (None: not here, or not an original)."""
    if not record_id:
        return None
    row = s.get(MODELS[entity], record_id)
    if row is None or row.amends is not None:
        return None
    return Holder(entity, row.agency, "agency", author=row.author)


def links(s: Session, entity: Entity, fields: Mapping[str, Any]) -> dict[str, Holder | None]:
    """The holders of the unit, incident and detention a new record names."""
    out: dict[str, Holder | None] = {}
    for name, model in LINKED.items():
        if name not in entity.fields or not fields.get(name):
            continue
        if model is Detention:
            out[name] = holder(s, "detention", str(fields[name]))
            continue
        row = s.get(model, str(fields[name]))
        target = "unit" if model is Unit else "incident"
        out[name] = None if row is None else Holder(target, row.agency, row.visibility)
    return out


def standing(s: Session, entity: str, record_id: str) -> dict[str, Any] | None:
    """One record as it stands (None: no such original here)."""
    model, definition = MODELS[entity], ENTITIES[entity]
    original = s.get(model, record_id)
    if original is None or original.amends is not None:
        return None
    later = s.scalars(select(model).where(model.amends == record_id))
    return overlay(values(definition, original), [(r.hlc, values(definition, r)) for r in later])


def history(s: Session, entity: str, record_id: str) -> list[dict[str, Any]]:
    """The original and every later record, in the order they were written (by HLC)."""
    model, definition = MODELS[entity], ENTITIES[entity]
    rows = s.scalars(select(model).where((model.id == record_id) | (model.amends == record_id)))
    out = [{**values(definition, r), "id": r.id, "hlc": r.hlc} for r in rows]
    return sorted(out, key=lambda r: (r["amends"] is not None, r["hlc"]))


def report_count(s: Session, detention_id: str) -> int:
    """Use-of-force records that name a detention."""
    return int(s.scalar(select(func.count()).select_from(UseOfForce)
                        .where(UseOfForce.detention_id == detention_id)) or 0)


@dataclass(frozen=True)
class Summary:
    """One record as it stands, as lists show it."""

    id: str
    entity: str
    agency: str
    values: dict[str, Any]  # the record as it stands (personal fields as stored here)
    amended: tuple[str, ...]  # fields some amendment corrected
    later: int  # amendments and hand-overs
    reports: int  # use-of-force reports naming it (detentions)
    author: str | None

    @property
    def initials(self) -> str:
        name = self.values.get("person_name")
        if self.values.get("redacted"):
            return str(name or "")
        return initials(name) or ""

    @property
    def when(self) -> datetime | None:
        return self.values.get("detained_at" if self.entity == "detention" else "occurred_at")


def summaries(s: Session, entity: str, *, incident_id: str | None = None,
              unit_id: str | None = None, ids: Iterable[str] | None = None) -> list[Summary]:
    """Every original of one kind as it stands (optionally those of one incident or unit).
    Read as plain rows, not ORM objects: the oversight view loads 100,000 of them."""
    table = MODELS[entity].__table__
    names = [c.key for c in table.columns]
    fields = set(ENTITIES[entity].fields)
    c = table.c
    q = select(table).where(c.amends.is_(None))
    if incident_id is not None:
        q = q.where(c.incident_id == incident_id)
    if unit_id is not None:
        q = q.where(c.unit_id == unit_id)
    if ids is not None:
        q = q.where(c.id.in_(list(ids)))
    originals = [dict(zip(names, r, strict=True)) for r in s.execute(q)]
    if not originals:
        return []
    later: dict[str, list[tuple[str, dict[str, Any]]]] = {}  # original -> (hlc, fields)
    everything = incident_id is None and unit_id is None and ids is None
    wanted = [o["id"] for o in originals]
    chunks = [None] if everything else [wanted[i:i + 500] for i in range(0, len(wanted), 500)]
    for chunk in chunks:
        q = select(table).where(c.amends.is_not(None) if chunk is None else c.amends.in_(chunk))
        for r in s.execute(q):
            row = dict(zip(names, r, strict=True))
            later.setdefault(row["amends"], []).append(
                (row["hlc"], {k: v for k, v in row.items() if k in fields}))
    reports: dict[str, int] = {}
    if entity == "detention":
        for det, n in s.execute(select(UseOfForce.detention_id, func.count())
                                .where(UseOfForce.detention_id.is_not(None))
                                .group_by(UseOfForce.detention_id)):
            reports[str(det)] = int(n)
    out = []
    for o in originals:
        pairs = later.get(o["id"], [])
        now = overlay({k: v for k, v in o.items() if k in fields}, pairs)
        out.append(Summary(o["id"], entity, o["agency"], now,
                           tuple(amended_fields(f for _, f in pairs)), len(pairs),
                           reports.get(o["id"], 0), o["author"]))
    return out


# What a reference is shown as: the unit's callsign, the incident's title, the operation's
# code (people do not read UUIDs).
_NAMES: dict[str, tuple[Any, Any]] = {"unit": (Unit, Unit.callsign),
                                      "incident": (Incident, Incident.title),
                                      "operation": (Operation, Operation.code)}


def ref_names(s: Session, entity: str, records: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Readable names, by id, of the units, incidents and operations `records` name."""
    wanted: dict[str, set[str]] = {}
    for r in records:
        for name, f in ENTITIES[entity].fields.items():
            target = getattr(f.kind, "target", None)
            if isinstance(f.kind, Ref) and target in _NAMES and r.get(name):
                wanted.setdefault(target, set()).add(str(r[name]))
    out: dict[str, str] = {}
    for target, ids in wanted.items():
        model, column = _NAMES[target]
        out.update({i: n for i, n in s.execute(select(model.id, column).where(
            model.id.in_(sorted(ids))))})
    return out


def thresholds(store: Store) -> Thresholds:
    """The custody clock's thresholds of this deployment (site profile), else the defaults."""
    return Thresholds.from_minutes(store.get_meta(META_WARN), store.get_meta(META_ALERT))


def oversight_rows(s: Session, thresholds: Thresholds, now: datetime) -> list[Row]:
    """Every detention and use-of-force report as the oversight view lists them, in its
    order (core.oversight)."""
    found = {entity: summaries(s, entity) for entity in ("detention", "use_of_force")}
    # Only the units the reports name: the window opens this view with the roster, and
    # reading all 100,000 callsigns here cost as much as the roster's own load.
    callsigns = _callsigns(s, {r.values.get("unit_id") for rs in found.values() for r in rs})
    seen = {(e, i): n for e, i, n in s.execute(select(Reviewed.entity, Reviewed.id,
                                                      Reviewed.later))}
    rows: list[Row] = []
    for entity, reports in found.items():
        for r in reports:
            v = r.values
            unit = callsigns.get(v.get("unit_id") or "", v.get("unit_id") or "")
            clock = custody.clock(v.get("detained_at"), v.get("handed_over_at"), now,
                                  thresholds) if entity == "detention" else None
            person = r.initials if entity == "detention" else ""
            rows.append(Row(
                entity, r.id, r.agency, v.get("operation_id"), unit, person, r.when,
                v.get("level"), clock.state if clock else "", bool(clock and clock.open),
                int(clock.elapsed.total_seconds() // 60) if clock else 0, v.get("authority"),
                v.get("handed_over_at"), r.later, v.get("injured") or 0, v.get("deaths") or 0,
                " ".join(x for x in (person, unit, r.agency, r.id, v.get("operation_id") or "")
                         if x).lower(),
                seen.get((entity, r.id), -1) >= r.later))
    return ordered(rows)


def _callsigns(s: Session, unit_ids: Iterable[str | None]) -> dict[str, str]:
    """unit id -> callsign, for these units only (in chunks below SQLite's parameter bound)."""
    wanted = sorted(u for u in unit_ids if u)
    if len(wanted) > 20 * _CHUNK:  # most units named: one pass over the table is cheaper
        return dict(s.execute(select(Unit.id, Unit.callsign)).tuples().all())
    out: dict[str, str] = {}
    for i in range(0, len(wanted), _CHUNK):
        out.update(s.execute(select(Unit.id, Unit.callsign)
                             .where(Unit.id.in_(wanted[i:i + _CHUNK]))).tuples().all())
    return out


def mark_reviewed(s: Session, entity: str, record_id: str, later: int, now: datetime) -> None:
    """The observer looked at a record that had `later` amendments and hand-overs."""
    row = s.get(Reviewed, (entity, record_id))
    if row is None:
        s.add(Reviewed(entity=entity, id=record_id, later=later, reviewed_at=now))
    else:
        row.later, row.reviewed_at = max(row.later, later), now
