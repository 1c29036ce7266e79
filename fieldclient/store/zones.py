"""Jurisdiction zones on this laptop: reading them, and tagging places with them (no Qt,
no writes).

`ZoneIndex` answers "whose territory is this point in" with an STRtree (shapely 2) of
the zones' prepared geometries: a query costs microseconds with thousands of municipal
boundaries loaded. `ZoneTagger` keeps one index per store and rebuilds it when a zone
changes (it listens to the store's change bus; the rebuild happens on the next
question, on whichever thread asks). Tags are computed when shown, never stored: a
zone edited or imported later re-tags every incident and position at once.

A unit is *outside its jurisdiction* (`outside_jurisdiction`) when its latest position
lies outside every zone of its own agency and outside the area of every active
operation it is assigned to now. A unit whose agency has no zone on this laptop is
never flagged: its territory is unknown here (a federal force with no zones
imported), and a warning on every one of its units would teach people to ignore it.
The flag is a warning; nothing is refused because of it.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldclient.store.events import ChangeSet
from fieldclient.store.models import Assignment, Operation, Unit, Zone
from sync.protocol.vocab import ZONE_LEVEL

_LEVELS = {v: i for i, v in enumerate(ZONE_LEVEL.values)}


def all_zones(s: Session) -> list[Zone]:
    """Every zone this laptop holds, by agency and name."""
    return list(s.scalars(select(Zone).order_by(Zone.agency, Zone.name, Zone.id)))


@dataclass(frozen=True)
class ZoneHit:
    id: str
    name: str
    agency: str
    level: str


def shape_of(geometry: Any) -> Any:
    """A zone's stored coordinates (MultiPolygon) as a shapely geometry (None: unusable)."""
    import shapely

    try:
        return shapely.MultiPolygon([(part[0], part[1:]) for part in geometry or []])
    except (ValueError, TypeError, IndexError):
        return None


class ZoneIndex:
    """Zones in an STRtree, for point-in-polygon queries."""

    def __init__(self, zones: Iterable[tuple[ZoneHit, Any]]) -> None:
        import shapely

        pairs = [(hit, shape_of(geom)) for hit, geom in zones]
        pairs = [(hit, g) for hit, g in pairs if g is not None and not g.is_empty]
        self.hits = [hit for hit, _ in pairs]
        self.shapes = [g for _, g in pairs]
        shapely.prepare(self.shapes)  # repeated contains tests on the same polygons
        self.tree = shapely.STRtree(self.shapes)
        self.agencies = frozenset(h.agency for h in self.hits)

    @classmethod
    def load(cls, s: Session) -> ZoneIndex:
        rows = s.execute(select(Zone.id, Zone.name, Zone.agency, Zone.level, Zone.geometry))
        return cls((ZoneHit(i, n, a, lv), g) for i, n, a, lv, g in rows)

    def __len__(self) -> int:
        return len(self.hits)

    def at(self, lon: float, lat: float) -> list[ZoneHit]:
        """The zones a point falls in (on a boundary counts as in), the most local level
        first (municipal before state)."""
        import shapely

        found = self.tree.query(shapely.Point(lon, lat), predicate="intersects")
        hits = [self.hits[i] for i in found]
        return sorted(hits, key=lambda h: (_LEVELS.get(h.level, 99), h.name))

    def in_agency(self, agency: str, lon: float, lat: float) -> bool:
        return any(h.agency == agency for h in self.at(lon, lat))


class ZoneTagger:
    """One store's zone index, rebuilt after zones change (see the module docstring)."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._index: ZoneIndex | None = None
        self._lock = threading.Lock()
        self._unsubscribe = store.bus.subscribe(self._changed)

    def _changed(self, changes: ChangeSet) -> None:
        if changes.get("zone"):
            with self._lock:
                self._index = None

    def index(self) -> ZoneIndex:
        with self._lock:
            index = self._index
        if index is None:
            with self.store.session() as s:
                index = ZoneIndex.load(s)
            with self._lock:
                self._index = index
        return index

    def built(self) -> ZoneIndex | None:
        """The index if it is current (None: `index()` must rebuild it first)."""
        with self._lock:
            return self._index

    def close(self) -> None:
        self._unsubscribe()


_TAGGERS: weakref.WeakKeyDictionary[Any, ZoneTagger] = weakref.WeakKeyDictionary()
_TAGGERS_LOCK = threading.Lock()


def tagger(store: Any) -> ZoneTagger:
    """The one ZoneTagger of a store (the incident log and the roster share its index)."""
    with _TAGGERS_LOCK:
        found = _TAGGERS.get(store)
        if found is None:
            found = _TAGGERS[store] = ZoneTagger(store)
        return found


def outside_jurisdiction(s: Session, index: ZoneIndex, now: datetime,
                         unit_ids: Iterable[str] | None = None,
                         fixes: Mapping[str, tuple[float, float]] | None = None) -> set[str]:
    """Units flagged "outside jurisdiction" (see the module docstring); `unit_ids`: only
    among these (the units whose position just changed); `fixes`: unit id -> (lon, lat)
    to judge instead of the latest positions (the SITREP's positions at its time)."""
    import shapely

    units: Sequence[Any]
    if fixes is not None:
        ids = list(fixes)
        agencies = s.execute(select(Unit.id, Unit.agency).where(
            Unit.id.in_(ids), Unit.status != "retired", Unit.agency.in_(index.agencies)))
        units = [(uid, agency, *fixes[uid]) for uid, agency in agencies]
    else:
        q = select(Unit.id, Unit.agency, Unit.pos_lon, Unit.pos_lat).where(
            Unit.pos_lat.is_not(None), Unit.status != "retired",
            Unit.agency.in_(index.agencies))
        if unit_ids is not None:
            q = q.where(Unit.id.in_(list(unit_ids)))
        units = s.execute(q).all()
    candidates = {units[i][0]: (units[i][2], units[i][3])
                  for i in _outside_own_zones(index, units)}
    if not candidates:
        return set()
    areas: dict[str, Any] = {}
    covered: set[str] = set()
    rows = s.execute(
        select(Assignment.unit_id, Assignment.starts_at, Assignment.ends_at, Operation.id,
               Operation.area)
        .join(Operation, Operation.id == Assignment.operation_id)
        .where(Operation.status == "active"))  # a few hundred: no IN of 40,000 ids
    for unit_id, start, end, op_id, area in rows:
        if unit_id not in candidates or (start is not None and start > now) \
                or (end is not None and end <= now) or not area:
            continue
        if op_id not in areas:
            try:
                areas[op_id] = shapely.Polygon(area[0], area[1:])
            except (ValueError, TypeError, IndexError):
                areas[op_id] = None
        shape = areas[op_id]
        if shape is not None and shape.intersects(shapely.Point(*candidates[unit_id])):
            covered.add(unit_id)
    return set(candidates) - covered


def _outside_own_zones(index: ZoneIndex, units: Sequence[Any]) -> list[int]:
    """Positions in `units` ((id, agency, lon, lat) rows) that lie in no zone of their own
    agency. One STRtree query for all of them: a query per unit cost 0.46 s of CPU at
    40,000 units and 2,500 zones, holding the GIL while the window opens and every minute
    after (the roster's flag is refreshed with the operations)."""
    import numpy as np
    import shapely

    if not units:
        return []
    points = shapely.points(np.array([(u[2], u[3]) for u in units], dtype=float))
    at_unit, at_zone = index.tree.query(points, predicate="intersects")
    code = {agency: n for n, agency in enumerate(sorted(index.agencies))}
    unit_agency = np.array([code.get(u[1], -1) for u in units])
    zone_agency = np.array([code[h.agency] for h in index.hits])
    inside = np.zeros(len(units), dtype=bool)
    inside[at_unit[unit_agency[at_unit] == zone_agency[at_zone]]] = True
    return [int(i) for i in np.flatnonzero(~inside)]
