"""What the map's area layers draw: jurisdiction zones and operation areas (no Qt).

One JSON document for both layers, built off the UI thread and handed to the page as a
one-time URL (like the full load):

    {"zones": [[id, name, agency, level, [part, ...]], ...],
     "ops":   [[id, code, name, lead_agency, authority, status, [ring, ...]], ...]}

A part is a list of rings, a ring a flat [lon, lat, lon, lat, ...] list in integer
units of 1e-5 degrees (about a metre): integers print and parse several times faster
than floats. Operation areas are sent as stored (they are what the area editor edits; at
most 10,000 points each).

Zones are sent at the level of detail the view needs, as map tiles are: drawing every
vertex of 2,500 municipal boundaries costs seconds, while a screen pixel at the zoom
that shows them all spans two kilometres. The first document carries every zone
simplified for the far zooms (`COARSE_TOLERANCE`, drawn up to `DETAIL_ZOOM` - 1); from
`DETAIL_ZOOM` on the page asks for the zones in its view (`detail_json`), simplified to
half a pixel of that zoom (Douglas-Peucker). A zone too small to survive the
simplification is sent as it is. Simplification only changes the drawing: whose
territory a point is in is always judged on the stored geometry (store/zones.py).

With an operation chosen (the window's operation selector), the page shows its area
alone and the zones of its participating agencies; otherwise every zone and the area of
every operation not closed.

Names are data: the page assigns them with textContent only (map-areas.js).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from fieldclient.store.db import Store
from fieldclient.store.models import Operation, Zone

SCALE = 10**5  # coordinates as integer 1e-5 degrees (map-areas.js divides by it)
COARSE_TOLERANCE = 0.01  # degrees (~1 km): half a pixel at zoom 6, one at zoom 7
DETAIL_ZOOM = 8  # from this zoom the page asks for the zones in view (map-areas.js)
MIN_TOLERANCE = 0.00005  # ~5 m: finer than any official boundary is drawn
MAX_DETAIL_ZONES = 3000  # zones one detail answer carries at most
EMPTY = b'{"zones":[],"ops":[]}'


def tolerance_at(zoom: int) -> float:
    """Half a screen pixel at this zoom, in degrees of longitude (256 px tiles)."""
    return max(MIN_TOLERANCE, 360.0 / (256 * 2 ** max(0, zoom)) / 2)


def _flat(ring: Any) -> list[int]:
    out: list[int] = []
    for lon, lat in ring:
        out.append(round(lon * SCALE))
        out.append(round(lat * SCALE))
    return out


def _parts(geom: Any) -> list[list[list[int]]]:
    return [[_flat(p.exterior.coords)] + [_flat(h.coords) for h in p.interiors]
            for p in getattr(geom, "geoms", [geom]) if not p.is_empty]


def participants(op: Operation) -> set[str]:
    return {op.lead_agency, *(op.agencies or [])}


@dataclass
class ZoneShapes:
    """The zones one view shows (all, or those of an operation's participants), as shapely
    geometries with a spatial index, read once per change of zones or operation choice."""

    rows: list[tuple[str, str, str, str]]  # id, name, agency, level
    shapes: list[Any]
    tree: Any
    ops: list[list[Any]]  # the operation rows of the document

    @classmethod
    def load(cls, store: Store, operation_id: str = "") -> ZoneShapes:
        import shapely

        from fieldclient.store.zones import shape_of

        with store.session() as s:
            ops = list(s.scalars(select(Operation).order_by(Operation.code, Operation.id)))
            chosen = next((o for o in ops if o.id == operation_id), None) \
                if operation_id else None
            q = select(Zone.id, Zone.name, Zone.agency, Zone.level, Zone.geometry).order_by(
                Zone.agency, Zone.name, Zone.id)
            if chosen is not None:
                q = q.where(Zone.agency.in_(sorted(participants(chosen))))
            zones = list(s.execute(q))
            shown = [chosen] if chosen is not None else [o for o in ops if o.status != "closed"]
            op_rows = [[o.id, o.code or "", o.name or "", o.lead_agency or "",
                        o.authority or "", o.status or "", [_flat(r) for r in o.area]]
                       for o in shown if o is not None and o.area]
        rows, shapes = [], []
        for z in zones:
            g = shape_of(z[4])
            if g is not None and not g.is_empty:
                rows.append((z[0], z[1] or "", z[2] or "", z[3] or ""))
                shapes.append(g)
        return cls(rows, shapes, shapely.STRtree(shapes), op_rows)

    def _rows(self, picked: list[int], tolerance: float) -> list[list[Any]]:
        import shapely

        chosen = [self.shapes[i] for i in picked]
        simple = shapely.simplify(chosen, tolerance, preserve_topology=False) if chosen else []
        out = []
        for i, original, geom in zip(picked, chosen, simple, strict=True):
            parts = _parts(geom if not geom.is_empty else original)
            if parts:
                out.append([*self.rows[i], parts])
        return out

    def document(self) -> bytes:
        """Every zone for the far zooms, and the operation areas."""
        zones = self._rows(list(range(len(self.shapes))), COARSE_TOLERANCE)
        return json.dumps({"zones": zones, "ops": self.ops}, separators=(",", ":"),
                          ensure_ascii=False).encode("utf-8")

    def detail(self, zoom: int, south: float, west: float, north: float, east: float) -> bytes:
        """The zones meeting a view, simplified for its zoom: {"zoom", "zones"}."""
        import shapely

        box = shapely.box(west, south, east, north)
        picked = sorted(int(i) for i in self.tree.query(box, predicate="intersects"))
        zones = self._rows(picked[:MAX_DETAIL_ZONES], tolerance_at(zoom))
        return json.dumps({"zoom": zoom, "zones": zones}, separators=(",", ":"),
                          ensure_ascii=False).encode("utf-8")


def overlay_json(store: Store, operation_id: str = "") -> bytes:
    """The zones (for the far zooms) and operation areas the map shows (module docstring)."""
    return ZoneShapes.load(store, operation_id).document()

