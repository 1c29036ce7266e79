"""A unit's copy of its latest position report (`unit.pos_*`), kept by every path
that adds reports: the local writer and the application of pulled changes.

"Latest" is the report with the greatest (observed_at, id): an older report that
arrives late is kept in the track but never shown as current. Times are compared
as stored (UTC ISO text of one fixed width, which sorts as time does).

Both functions work on the session's own connection in SQL (no ORM objects), so
a page of thousands of reports costs one read and one write.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy.orm import Session

# (position id, unit id, lat, lon, observed_at as stored, source, accuracy_m)
Report = tuple[str, str, float, float, str, str, float | None]

_CURRENT = (
    "SELECT id, pos_observed_at, pos_id FROM unit "
    "WHERE id IN (SELECT value FROM json_each(?))"
)
_SET = (
    "UPDATE unit SET pos_id = ?, pos_lat = ?, pos_lon = ?, pos_observed_at = ?, "
    "pos_source = ?, pos_accuracy_m = ? WHERE id = ?"
)
_TRACKS = (
    "SELECT id, unit_id, lat, lon, observed_at, source, accuracy_m FROM position "
    "WHERE unit_id IN (SELECT value FROM json_each(?))"
)


def stored_time(when: datetime) -> str:
    """A UTC datetime as the store keeps it (models.UtcDateTime)."""
    return when.isoformat(timespec="microseconds")


def _ids_param(ids: Iterable[str]) -> str:
    return msgspec.json.encode(list(ids)).decode()


def advance(s: Session, reports: Sequence[Report]) -> set[str]:
    """Make each unit's newest report among `reports` its current position where it is
    newer than the one it has; returns the ids of units whose position changed."""
    best: dict[str, Report] = {}
    for r in reports:
        cur = best.get(r[1])
        if cur is None or (r[4], r[0]) > (cur[4], cur[0]):
            best[r[1]] = r
    if not best:
        return set()
    cursor = s.connection().connection.cursor()
    try:
        current = {uid: (obs, pid) for uid, obs, pid in
                   cursor.execute(_CURRENT, (_ids_param(best),)).fetchall()}
        rows: list[tuple[Any, ...]] = []
        for uid, r in best.items():
            if uid not in current:
                continue  # the unit is not here (yet): `from_tracks` fills it when it comes
            obs, pid = current[uid]
            if obs is None or (obs, pid or "") < (r[4], r[0]):
                rows.append((r[0], r[2], r[3], r[4], r[5], r[6], uid))
        if rows:
            cursor.executemany(_SET, rows)
    finally:
        cursor.close()
    return {row[-1] for row in rows}


_FORGET = (
    "UPDATE unit SET pos_id = NULL, pos_lat = NULL, pos_lon = NULL, pos_observed_at = NULL, "
    "pos_source = NULL, pos_accuracy_m = NULL WHERE id IN (SELECT value FROM json_each(?))"
)


def recompute(s: Session, unit_ids: Sequence[str]) -> set[str]:
    """After reports were removed (a rejected or withdrawn one): each unit's latest from
    the reports it still has (none: no position)."""
    if not unit_ids:
        return set()
    cursor = s.connection().connection.cursor()
    try:
        cursor.execute(_FORGET, (_ids_param(unit_ids),))
    finally:
        cursor.close()
    from_tracks(s, unit_ids)
    return set(unit_ids)


def from_tracks(s: Session, unit_ids: Sequence[str]) -> set[str]:
    """For units that arrived after their reports (a visibility change): take their
    latest from the reports already stored."""
    if not unit_ids:
        return set()
    cursor = s.connection().connection.cursor()
    try:
        reports = cursor.execute(_TRACKS, (_ids_param(unit_ids),)).fetchall()
    finally:
        cursor.close()
    return advance(s, reports)
