"""Fast read-only queries feeding the map (no Qt, no ORM objects).

The map needs tens of thousands of rows in a few hundred milliseconds, so it
reads plain tuples with one query per kind (the unit row carries its latest
position, no join) and ships compact arrays whose order map.js mirrors:

unit:     [id, callsign, sidc, lat, lon, observed_ms, status, name, agency]
incident: [id, title, kind, severity, status, lat, lon, occurred_ms]

A unit is on the map when it has a position and is not retired; an incident
when it has a location and is not voided.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from fieldclient.core.sidc import default_sidc
from fieldclient.store.db import Store

UNIT_COLS = "id, callsign, sidc, pos_lat, pos_lon, pos_observed_at, status, name, agency, kind, echelon"
UNIT_ON_MAP = "pos_lat IS NOT NULL AND pos_lon IS NOT NULL AND status != 'retired'"
INCIDENT_COLS = "id, title, kind, severity, status, lat, lon, occurred_at"
INCIDENT_ON_MAP = "lat IS NOT NULL AND lon IS NOT NULL AND status != 'voided'"
CHUNK = 500  # ids per IN (...) query, well under SQLite's variable limit
TRACK_LIMIT = 1000



def _agency_kinds(store: Store) -> dict[str, str]:
    """Agency slug -> kind (a few dozen rows), for default symbols of units without a SIDC."""
    return {r[0]: r[1] for r in _query(store, "SELECT id, kind FROM agency")}


def _ms(value: Any) -> int:
    if value is None:
        return 0
    try:
        return int(datetime.fromisoformat(str(value)).timestamp() * 1000)
    except ValueError:
        return 0


def _unit_row(r: Sequence[Any], kinds: dict[str, str]) -> list[Any]:
    sidc = r[2] or default_sidc(kinds.get(r[8]), r[9], r[10])
    return [r[0], r[1] or "", sidc, r[3], r[4], _ms(r[5]), r[6] or "", r[7] or "", r[8] or ""]


def _incident_row(r: Sequence[Any]) -> list[Any]:
    return [r[0], r[1] or "", r[2] or "", r[3], r[4] or "", r[5], r[6], _ms(r[7])]


def _query(store: Store, sql: str, params: Sequence[Any] = ()) -> list[Sequence[Any]]:
    with store.engine.connect() as con:
        return list(con.exec_driver_sql(sql, tuple(params)).all())


def _by_ids(store: Store, cols: str, table: str, where: str, ids: Iterable[str]) -> list:
    ids = list(ids)
    rows: list[Sequence[Any]] = []
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        marks = ",".join("?" * len(chunk))
        rows += _query(store, f"SELECT {cols} FROM {table} WHERE id IN ({marks}) AND {where}", chunk)
    return rows


def all_units(store: Store) -> list[list[Any]]:
    kinds = _agency_kinds(store)
    sql = f"SELECT {UNIT_COLS} FROM unit WHERE {UNIT_ON_MAP}"
    return [_unit_row(r, kinds) for r in _query(store, sql)]


def all_incidents(store: Store) -> list[list[Any]]:
    sql = f"SELECT {INCIDENT_COLS} FROM incident WHERE {INCIDENT_ON_MAP}"
    return [_incident_row(r) for r in _query(store, sql)]


def units(store: Store, ids: Iterable[str]) -> tuple[list[list[Any]], list[str]]:
    """Rows of the given units that belong on the map, and the ids that no longer do."""
    wanted = set(ids)
    kinds = _agency_kinds(store) if wanted else {}
    rows = [_unit_row(r, kinds) for r in _by_ids(store, UNIT_COLS, "unit", UNIT_ON_MAP, wanted)]
    found = {r[0] for r in rows}
    return rows, sorted(wanted - found)


def incidents(store: Store, ids: Iterable[str]) -> tuple[list[list[Any]], list[str]]:
    wanted = set(ids)
    rows = [
        _incident_row(r) for r in _by_ids(store, INCIDENT_COLS, "incident", INCIDENT_ON_MAP, wanted)
    ]
    found = {r[0] for r in rows}
    return rows, sorted(wanted - found)


def units_of_positions(store: Store, position_ids: Iterable[str]) -> set[str]:
    """Units whose position reports changed (sync may announce positions alone)."""
    rows = _by_ids(store, "unit_id", "position", "1=1", position_ids)
    return {r[0] for r in rows}


def track(store: Store, unit_id: str, limit: int = TRACK_LIMIT) -> list[list[Any]]:
    """The unit's latest `limit` reports, oldest first, as [lat, lon, observed_ms]."""
    rows = _query(
        store,
        "SELECT lat, lon, observed_at FROM position WHERE unit_id = ? "
        "ORDER BY observed_at DESC, id DESC LIMIT ?",
        (unit_id, limit),
    )
    return [[r[0], r[1], _ms(r[2])] for r in reversed(rows)]


def unit_exists(store: Store, unit_id: str) -> bool:
    return bool(_query(store, "SELECT 1 FROM unit WHERE id = ?", (unit_id,)))


def count_units_on_map(store: Store) -> int:
    return int(_query(store, f"SELECT count(*) FROM unit WHERE {UNIT_ON_MAP}")[0][0])
