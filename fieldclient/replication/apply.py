"""Applying pulled changes to the local store with the same merge rules as the server.

One page of pulled changes and the new cursor are committed in one
transaction, so a crash leaves either both or neither: the next pull starts
from the last committed cursor and re-applying a change is a no-op (per-field
HLCs for mergeable records, insert-if-absent for append-only ones).
After the commit a ChangeSet(origin="sync") is published on the store's bus.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from fieldclient.store.db import Store
from fieldclient.store.events import ChangeSet
from fieldclient.store.models import (
    Agency,
    Conflict,
    Incident,
    IncidentEntry,
    Meta,
    Position,
    Unit,
)
from fieldclient.store.writer import META_HLC, store_clock, update_latest_position
from sync.merge import merge_upsert
from sync.protocol import HLC_RE

log = logging.getLogger(__name__)

META_CURSOR = "sync_cursor"
MERGEABLE_MODELS: dict[str, type] = {
    "agency": Agency,
    "unit": Unit,
    "incident": Incident,
    "conflict": Conflict,
}
TIME_FIELDS = frozenset({"occurred_at", "detected_at"})
_CHUNK = 500


@dataclass
class ApplyResult:
    received: int = 0
    changed: int = 0
    skipped: list[str] = field(default_factory=list)  # change ids that could not be applied
    changes: ChangeSet = field(default_factory=lambda: ChangeSet("sync"))


def _time(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def _well_formed(ch: Any) -> bool:
    return (
        isinstance(ch, dict)
        and isinstance(ch.get("entity_id"), str)
        and isinstance(ch.get("fields"), dict)
        and isinstance(ch.get("hlc"), str)
        and bool(HLC_RE.match(ch["hlc"]))
        and isinstance(ch.get("base") or {}, dict)
    )


def _placeholders(entity: str, ch: Mapping[str, Any]) -> dict[str, Any]:
    """Values for NOT NULL columns of a record first seen through a partial upsert.

    They carry no HLC, so the first real value for the field replaces them.
    """
    if entity == "unit":
        return {"callsign": "", "agency": "", "kind": "other", "status": "available",
                "visibility": "shared"}
    if entity == "incident":
        when = datetime.fromtimestamp(int(ch["hlc"][:13]) / 1000, UTC)
        return {"title": "", "kind": "other", "severity": 3, "status": "open",
                "occurred_at": when, "agency": "", "agencies": [], "visibility": "shared"}
    if entity == "agency":
        return {"name": ch["entity_id"], "kind": "civil"}
    return {}


def _columns(model: type) -> frozenset[str]:
    return frozenset(c.key for c in model.__table__.columns)  # type: ignore[attr-defined]


_COLS = {name: _columns(m) for name, m in MERGEABLE_MODELS.items()}


def _merge_entity(
    s: Session, entity: str, group: list[dict[str, Any]], result: ApplyResult
) -> list[str]:
    """Per-field LWW for one mergeable entity; returns ids of records created."""
    model = MERGEABLE_MODELS[entity]
    cols = _COLS[entity]
    ids = list(dict.fromkeys(ch["entity_id"] for ch in group))
    rows: dict[str, Any] = {}
    for chunk in _chunks(ids):
        found: Any
        for found in s.scalars(select(model).where(model.id.in_(chunk))):  # type: ignore[attr-defined]
            rows[found.id] = found
    created: list[str] = []
    now = datetime.now(UTC)
    for ch in group:
        eid = ch["entity_id"]
        row = rows.get(eid)
        hlcs = dict(row.field_hlcs or {}) if row is not None else {}
        merged = merge_upsert({}, hlcs, ch["fields"], ch.get("base") or {}, ch["hlc"],
                              exists=row is not None)
        if not merged.applied:
            continue
        try:
            values = {
                k: (_time(v) if k in TIME_FIELDS else v)
                for k, v in merged.applied.items()
                if k in cols and k not in ("id", "field_hlcs")
            }
        except (TypeError, ValueError):
            result.skipped.append(str(ch.get("change_id")))
            continue
        if row is None:
            row = model(id=eid, **_placeholders(entity, ch))
            s.add(row)
            rows[eid] = row
            created.append(eid)
        for k, v in values.items():
            setattr(row, k, v)
        row.field_hlcs = merged.hlcs
        if "updated_at" in cols:
            row.updated_at = now
        result.changed += 1
        result.changes.add(entity, eid)
    return created


def _existing_ids(s: Session, model: type, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(ids):
        found.update(s.scalars(select(model.id).where(model.id.in_(chunk))))  # type: ignore[attr-defined]
    return found


def _load_units(s: Session, ids: Iterable[str]) -> dict[str, Unit]:
    out: dict[str, Unit] = {}
    for chunk in _chunks(list(ids)):
        for u in s.scalars(select(Unit).where(Unit.id.in_(chunk))):
            out[u.id] = u
    return out


def _latest_for_new_units(s: Session, unit_ids: list[str], result: ApplyResult) -> None:
    """A unit can arrive after its positions (visibility changed): fill its latest copy."""
    units = _load_units(s, unit_ids)
    for chunk in _chunks(unit_ids):
        for pos in s.scalars(
            select(Position).where(Position.unit_id.in_(chunk)).order_by(Position.observed_at)
        ):
            unit = units.get(pos.unit_id)
            if unit is not None:
                update_latest_position(unit, pos)


def _insert_new(
    s: Session,
    model: type[Position] | type[IncidentEntry],
    group: list[dict[str, Any]],
    row_of: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]],
    result: ApplyResult,
) -> list[dict[str, Any]]:
    """Insert the append-only records of `group` not stored yet; returns the inserted rows.
    A malformed record is skipped (and reported in `result`), never half-written."""
    have = _existing_ids(s, model, [ch["entity_id"] for ch in group])
    rows: list[dict[str, Any]] = []
    for ch in group:
        rid = ch["entity_id"]
        if rid in have:
            continue
        try:
            rows.append({"id": rid, "hlc": ch["hlc"], **row_of(ch["fields"], ch)})
        except (KeyError, TypeError, ValueError):
            result.skipped.append(str(ch.get("change_id")))
            continue
        have.add(rid)
    if rows:
        s.connection().execute(insert(cast(Table, model.__table__)), rows)
        result.changed += len(rows)
    return rows


def _position_row(f: dict[str, Any], ch: dict[str, Any]) -> dict[str, Any]:
    return {
        "unit_id": str(f["unit_id"]),
        "lat": float(f["lat"]),
        "lon": float(f["lon"]),
        "accuracy_m": None if f.get("accuracy_m") is None else float(f["accuracy_m"]),
        "observed_at": _time(f["observed_at"]),
        "source": str(f.get("source") or "manual"),
        "note": f.get("note"),
        "reported_by": f.get("reported_by") or ch.get("author"),
    }


def _entry_row(f: dict[str, Any], ch: dict[str, Any]) -> dict[str, Any]:
    return {
        "incident_id": str(f["incident_id"]),
        "kind": str(f["kind"]),
        "body": str(f["body"]),
        "amends": f.get("amends"),
        "unit_id": f.get("unit_id"),
        "status": f.get("status"),
        "created_at": _time(f["created_at"]),
        "author": f.get("author") or ch.get("author"),
    }


def _append_positions(s: Session, group: list[dict[str, Any]], result: ApplyResult) -> None:
    rows = _insert_new(s, Position, group, _position_row, result)
    best: dict[str, dict[str, Any]] = {}
    for r in rows:
        cur = best.get(r["unit_id"])
        if cur is None or (r["observed_at"], r["id"]) > (cur["observed_at"], cur["id"]):
            best[r["unit_id"]] = r
        result.changes.add("position", r["id"])
    if not best:
        return
    units = _load_units(s, best)
    for uid, r in best.items():
        unit = units.get(uid)
        if unit is not None and update_latest_position(unit, Position(**r)):
            result.changes.add("unit", uid)


def _append_entries(s: Session, group: list[dict[str, Any]], result: ApplyResult) -> None:
    for r in _insert_new(s, IncidentEntry, group, _entry_row, result):
        result.changes.add("incident_entry", r["id"])
        result.changes.add("incident", r["incident_id"])


def apply_page(store: Store, changes: list[dict[str, Any]], next_cursor: int) -> ApplyResult:
    """Merge one pulled page and advance the cursor in one transaction; publish after commit."""
    result = ApplyResult(received=len(changes))
    groups: dict[str, list[dict[str, Any]]] = {}
    max_hlc = ""
    for ch in changes:
        if not _well_formed(ch):
            result.skipped.append(str(ch.get("change_id") if isinstance(ch, dict) else "?"))
            continue
        groups.setdefault(str(ch.get("entity")), []).append(ch)
        max_hlc = max(max_hlc, ch["hlc"])
    for entity in set(groups) - set(MERGEABLE_MODELS) - {"position", "incident_entry"}:
        # an entity this client does not know yet (additive protocol change): skip, keep going
        result.skipped.extend(str(ch.get("change_id")) for ch in groups.pop(entity))
    clock = store_clock(store)
    if max_hlc:
        clock.observe(max_hlc)
    with store.transaction() as s:
        new_units: list[str] = []
        for entity in ("agency", "unit", "incident", "conflict"):
            if entity in groups:
                created = _merge_entity(s, entity, groups[entity], result)
                if entity == "unit":
                    new_units = created
        if new_units:
            s.flush()
            _latest_for_new_units(s, new_units, result)
        if "position" in groups:
            _append_positions(s, groups["position"], result)
        if "incident_entry" in groups:
            _append_entries(s, groups["incident_entry"], result)
        cur = s.get(Meta, META_CURSOR)
        if cur is None or int(cur.value) < next_cursor:
            s.merge(Meta(key=META_CURSOR, value=str(next_cursor)))
        if max_hlc:
            last = clock.last()
            row = s.get(Meta, META_HLC)
            if row is None or row.value[:18] < last[:18]:
                s.merge(Meta(key=META_HLC, value=last))
    if result.skipped:
        log.warning("skipped %d pulled changes that could not be applied", len(result.skipped))
    if result.changes:
        store.bus.publish(result.changes)
    return result


def get_cursor(store: Store) -> int:
    return int(store.get_meta(META_CURSOR) or 0)
