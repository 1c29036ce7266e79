"""Drawing an operation's area on the map: who may, and saving what was drawn (no Qt).

The page (map-areas.js, with leaflet-geoman) only draws; the polygon it sends back is
saved through the same local write path as every other edit (`LocalWriter.update_record`),
so the same rules apply as from the command line: a valid simple polygon of at most
10,000 vertices (sync.protocol.fields.Polygon), and only a commander of the lead agency
edits an operation (sync.protocol.rules). A refusal is an `InvalidInput` /
`NotPermitted` with its message; nothing is stored then.

`edit_problem` asks the shared rules before the tools are offered at all, so a user who
may not edit gets a clear refusal instead of tools whose work would be thrown away.
"""

from __future__ import annotations

from typing import Any

from fieldclient.core.errors import InvalidInput, NotFound, NotPermitted
from fieldclient.core.i18n import QT_TRANSLATE_NOOP
from fieldclient.store import holders, meta
from fieldclient.store.db import Store
from fieldclient.store.models import Operation
from fieldclient.store.writer import LocalWriter
from sync.protocol.entity import ENTITIES
from sync.protocol.problems import Problem
from sync.protocol.rules import write_problem

MAX_RINGS_TEXT = 600_000  # bytes of JSON the page may send: 10,000 points and their digits


def operation_area(store: Store, operation_id: str) -> tuple[str, list[Any] | None]:
    """(code, stored area) of an operation; NotFound if it is not on this laptop."""
    with store.session() as s:
        op = s.get(Operation, operation_id)
        if op is None:
            raise NotFound(QT_TRANSLATE_NOOP("errors", "Operation not found."))
        return op.code, op.area


def edit_problem(store: Store, operation_id: str) -> NotPermitted | NotFound | None:
    """Why the signed-in user may not edit this operation's area (None: they may). Nobody
    signed in (demo, before the first sign-in): the field rules alone apply, as in the
    write path."""
    with store.session() as s:
        op = s.get(Operation, operation_id)
        if op is None:
            return NotFound(QT_TRANSLATE_NOOP("errors", "Operation not found."))
        actor = meta.signed_in_actor(s)
        if actor is None:
            return None
        problem = write_problem(actor, ENTITIES["operation"], {"area": op.area},
                                existing=holders.holder(s, "operation", op))
    return NotPermitted.of(problem) if problem is not None else None


def rings_of(latlngs: Any) -> list[list[list[float]]]:
    """The page's rings ([[[lat, lon], ...], ...], Leaflet's order, rings not closed) as
    the wire's ([[[lon, lat], ...], ...], each ring closed). Anything not shaped like
    that is refused here with the polygon's own message."""
    bad = InvalidInput.of(Problem("not_polygon", "area", "operation"))
    if not isinstance(latlngs, list) or not latlngs:
        raise bad
    rings = []
    for ring in latlngs:
        if not isinstance(ring, list):
            raise bad
        points = []
        for p in ring:
            if (not isinstance(p, list) or len(p) != 2
                    or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in p)):
                raise bad
            points.append([float(p[1]), float(p[0])])
        if points and points[0] != points[-1]:
            points.append(list(points[0]))
        rings.append(points)
    return rings


def save_area(store: Store, operation_id: str, latlngs: Any) -> list[str]:
    """Store a drawn area as the operation's `area` (checked and authorised by the write
    path; the outbox gets the change). Returns the changed fields ([]: same area)."""
    return LocalWriter(store).update_record("operation", operation_id,
                                            {"area": rings_of(latlngs)})
