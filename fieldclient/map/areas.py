"""What the map's area layers draw: jurisdiction zones and operation areas (no Qt).

One JSON document for both layers, built off the UI thread and handed to the page as a
one-time URL (like the full load):

    {"zones": [[id, name, agency, level, [part, ...]], ...],
     "ops":   [[id, code, name, lead_agency, authority, status, [ring, ...]], ...]}

A part is a list of rings, a ring a flat [lon, lat, lon, lat, ...] list in integer
units of 1e-5 degrees (about a metre): integers print and parse several times faster
than floats, and 2,500 municipal boundaries stay a few megabytes. Zone boundaries are
simplified first (Douglas-Peucker, `ZONE_TOLERANCE`, topology preserved): an official
municipal boundary carries a vertex every few metres, far more than a screen shows at
the zooms the map offers, and drawing them all is what makes thousands slow. Operation
areas are drawn as stored (they are what the area editor edits; at most 10,000 points).

With an operation chosen (the window's operation selector), the page shows its area
alone and the zones of its participating agencies; otherwise every zone and the area of
every operation not closed.

Names are data: the page assigns them with textContent only (map-areas.js).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from fieldclient.store.db import Store
from fieldclient.store.models import Operation, Zone

SCALE = 10**5  # coordinates as integer 1e-5 degrees (map-areas.js divides by it)
ZONE_TOLERANCE = 0.0002  # degrees (~20 m): below a pixel up to zoom 13
EMPTY = b'{"zones":[],"ops":[]}'


def _flat(ring: Any) -> list[int]:
    out: list[int] = []
    for lon, lat in ring:
        out.append(round(lon * SCALE))
        out.append(round(lat * SCALE))
    return out


def _simplified(geometries: list[Any]) -> list[list[list[list[int]]]]:
    """Each zone's parts, simplified together in one vectorised shapely call."""
    import shapely

    from fieldclient.store.zones import shape_of

    shapes = [shape_of(g) for g in geometries]
    valid = [i for i, g in enumerate(shapes) if g is not None and not g.is_empty]
    simple = shapely.simplify([shapes[i] for i in valid], ZONE_TOLERANCE,
                              preserve_topology=True) if valid else []
    out: list[list[list[list[int]]]] = [[] for _ in geometries]
    for i, geom in zip(valid, simple, strict=True):
        parts = getattr(geom, "geoms", [geom])
        out[i] = [[_flat(p.exterior.coords)] + [_flat(h.coords) for h in p.interiors]
                  for p in parts if not p.is_empty]
    return out


def participants(op: Operation) -> set[str]:
    return {op.lead_agency, *(op.agencies or [])}


def overlay_json(store: Store, operation_id: str = "") -> bytes:
    """The zones and operation areas the map shows (see the module docstring)."""
    with store.session() as s:
        ops = list(s.scalars(select(Operation).order_by(Operation.code, Operation.id)))
        chosen = next((o for o in ops if o.id == operation_id), None) if operation_id else None
        q = select(Zone.id, Zone.name, Zone.agency, Zone.level, Zone.geometry).order_by(
            Zone.agency, Zone.name, Zone.id)
        if chosen is not None:
            q = q.where(Zone.agency.in_(sorted(participants(chosen))))
        zones = list(s.execute(q))
        shown = [chosen] if chosen is not None else [o for o in ops if o.status != "closed"]
        op_rows = [[o.id, o.code or "", o.name or "", o.lead_agency or "", o.authority or "",
                    o.status or "", [_flat(r) for r in o.area]]
                   for o in shown if o is not None and o.area]
    parts = _simplified([z[4] for z in zones])
    zone_rows = [[z[0], z[1] or "", z[2] or "", z[3] or "", p]
                 for z, p in zip(zones, parts, strict=True) if p]
    return json.dumps({"zones": zone_rows, "ops": op_rows}, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")
