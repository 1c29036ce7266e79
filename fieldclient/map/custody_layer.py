"""A detention on the map: its transfer route and custody clock, and nothing personal
(no Qt).

The route is the detaining unit's position reports from the detention time to the
hand-over (puesta a disposición), or to now while the person is still held (issue 13:
"the route of the transfer is the unit's positions between detention and hand-over").
The clock is `fieldclient.core.custody.clock` with the deployment's thresholds, exactly
as the custody lists and the oversight view compute it.

Need-to-know: what this returns goes to the web view, so it is built from an explicit
list of non-personal fields (place, times, unit) and never from the record as a whole:
no name, no initials, no description, no belongings. The page gets counts and clock
states only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from fieldclient.core import custody
from fieldclient.store import accountable
from fieldclient.store.db import Store
from fieldclient.store.models import Position

ROUTE_POINTS = 5000  # reports drawn at most (a day at one every 17 s)
# The only fields of a detention that reach the map (see the module docstring).
MAP_FIELDS = ("unit_id", "detained_at", "handed_over_at", "lat", "lon")


@dataclass(frozen=True)
class OnMap:
    id: str
    unit_id: str | None  # the detaining unit (whose reports are the route; not sent)
    at: tuple[float, float] | None  # where the detention happened (lat, lon)
    route: list[tuple[float, float]]
    clock: custody.Custody | None


def read(store: Store, detention_id: str, now: datetime) -> OnMap | None:
    """The detention as the map shows it (None: not on this laptop, or not a detention
    this user may see here)."""
    thresholds = accountable.thresholds(store)
    with store.session() as s:
        found = accountable.summaries(s, "detention", ids=[detention_id])
        if not found:
            return None
        v = {k: found[0].values.get(k) for k in MAP_FIELDS}
        clock = custody.clock(v["detained_at"], v["handed_over_at"], now, thresholds)
        route: list[tuple[float, float]] = []
        if v["unit_id"] and v["detained_at"] is not None:
            end = v["handed_over_at"] or now
            rows = s.execute(
                select(Position.lat, Position.lon).where(
                    Position.unit_id == v["unit_id"], Position.observed_at >= v["detained_at"],
                    Position.observed_at <= end)
                .order_by(Position.observed_at, Position.id).limit(ROUTE_POINTS))
            route = [(float(lat), float(lon)) for lat, lon in rows]
    at = (float(v["lat"]), float(v["lon"])) if v["lat"] is not None and v["lon"] is not None \
        else None
    return OnMap(detention_id, v["unit_id"], at, route, clock)


def message(found: OnMap | None, clock_text: str, reveal: bool) -> dict[str, Any]:
    """The page's "custody" message (map-custody.js); `clock_text` is the translated label."""
    if found is None:
        return {"type": "custody", "id": None}
    clock = found.clock
    return {"type": "custody", "id": found.id,
            "at": list(found.at) if found.at else None,
            "route": [[round(a, 6), round(b, 6)] for a, b in found.route],
            "state": clock.state if clock else custody.OK,
            "open": bool(clock and clock.open), "text": clock_text, "reveal": reveal}
