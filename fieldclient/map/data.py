"""Fast read-only queries feeding the map (no Qt, no ORM objects).

The map needs tens of thousands of rows in a few hundred milliseconds, so it
reads plain tuples with one query per kind (the unit row carries its latest
position, no join) and ships compact arrays whose order map.js mirrors:

unit:     [id, callsign, sidc, lat, lon, observed_ms, status, name, agency]
incident: [id, title, kind, severity, status, lat, lon, occurred_ms]

A unit is on the map when it has a position and is not retired (and matches the
roster's agency/kind/status filter, when one is set); an incident when it has a
location and is not voided. With an operation chosen (the window's operation selector)
only the units it covers (assigned to it now, or belonging to it) and its incidents are.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from fieldclient.core.sidc import default_sidc
from fieldclient.store.db import Store

# Times become Unix milliseconds inside SQLite (C speed; the stored ISO text carries
# its UTC offset, which julianday() honours).
_MS = "CAST((julianday({0}) - 2440587.5) * 86400000 AS INTEGER)"
UNIT_COLS = (
    "id, COALESCE(callsign, ''), sidc, ROUND(pos_lat, 6), ROUND(pos_lon, 6), "
    + _MS.format("pos_observed_at")
    + ", COALESCE(status, ''), COALESCE(name, ''), COALESCE(agency, ''), kind, echelon"
)
UNIT_ON_MAP = "pos_lat IS NOT NULL AND pos_lon IS NOT NULL AND status != 'retired'"
INCIDENT_COLS = (
    "id, COALESCE(title, ''), COALESCE(kind, ''), severity, COALESCE(status, ''), "
    "ROUND(lat, 6), ROUND(lon, 6), "
    + _MS.format("occurred_at")
)
INCIDENT_ON_MAP = "lat IS NOT NULL AND lon IS NOT NULL AND status != 'voided'"
CHUNK = 500  # ids per IN (...) query, well under SQLite's variable limit
# The map's zoom range. Here, not in page.py, because the map tools need it and importing
# page.py loads folium, jinja2 and numpy (a quarter of a second as the window opens, even
# with the map switched off).
MIN_ZOOM, MAX_ZOOM = 4, 18
TRACK_LIMIT = 1000
TRAIL_UNITS = 500  # trails drawn at once (an agency of thousands is refused, not frozen)
TRAIL_POINTS = 5000  # reports per unit and trail: a day at one every 17 s
# Trails carry lat/lon as whole micro-degrees; the document says so ("scale"), and
# resources/web/map-trails.js divides by what it says.
TRAIL_SCALE = 10**6
UnitFilter = tuple[str, ...]  # agency, kind, status[, operation id]; "" = any
# The units an operation covers: belonging to it, or assigned to it and not released.
_IN_OPERATION = (" AND (operation_id = ? OR id IN (SELECT unit_id FROM assignment WHERE "
                 "operation_id = ? AND (ends_at IS NULL OR julianday(ends_at) > julianday('now'))))")


def filter_sql(unit_filter: UnitFilter | None) -> tuple[str, list[str]]:
    """' AND agency = ? ...' and its parameters for the roster's filter on the map."""
    if not unit_filter:
        return "", []
    pairs = [(c, v) for c, v in zip(("agency", "kind", "status"), unit_filter[:3], strict=True)
             if v]
    sql, params = "".join(f" AND {c} = ?" for c, _ in pairs), [v for _, v in pairs]
    operation = _operation(unit_filter)
    if operation:
        sql, params = sql + _IN_OPERATION, [*params, operation, operation]
    return sql, params


def incident_filter_sql(unit_filter: UnitFilter | None) -> tuple[str, list[str]]:
    """The same filter for incidents: only the operation narrows them."""
    operation = _operation(unit_filter)
    return (" AND operation_id = ?", [operation]) if operation else ("", [])


def _operation(unit_filter: UnitFilter | None) -> str:
    return unit_filter[3] if unit_filter and len(unit_filter) > 3 else ""



def _agency_kinds(store: Store) -> dict[str, str]:
    """Agency slug -> kind (a few dozen rows), for default symbols of units without a SIDC."""
    return {r[0]: r[1] for r in _query(store, "SELECT id, kind FROM agency")}


def _query(store: Store, sql: str,
           params: Sequence[Any] | Mapping[str, Any] = ()) -> list[Sequence[Any]]:
    # The DB-API cursor directly: SQLAlchemy's result processing costs more than the
    # query itself at 50,000 rows. The pooled connection keeps the store's pragmas.
    con = store.engine.raw_connection()
    try:
        cur = con.cursor()
        try:
            cur.execute(sql, params if isinstance(params, Mapping) else tuple(params))
            return list(cur.fetchall())
        finally:
            cur.close()
    finally:
        con.close()


def snapshot_json(store: Store, unit_filter: UnitFilter | None = None) -> tuple[bytes, int]:
    """Every unit and incident on the map as one JSON document, encoded by SQLite itself.

    50,000 units in a fraction of the time Python rows plus json.dumps take. Units
    without their own SIDC carry null; `sidcs` maps "agency|kind|echelon" to the
    default symbol (a handful of entries), which map.js looks up.
    """
    kinds = _agency_kinds(store)
    where, params = filter_sql(unit_filter)
    combos = _query(store, f"SELECT DISTINCT agency, kind, echelon FROM unit "
                           f"WHERE (sidc IS NULL OR sidc = '') AND {UNIT_ON_MAP}{where}", params)
    sidcs = {f"{a or ''}|{k or ''}|{e or ''}": default_sidc(kinds.get(a), k, e) for a, k, e in combos}
    units_sql = (f"SELECT count(*), COALESCE(json_group_array(json_array({UNIT_COLS})), '[]') "
                 f"FROM unit WHERE {UNIT_ON_MAP}{where}")
    count, units_arr = _query(store, units_sql, params)[0]
    inc_where, inc_params = incident_filter_sql(unit_filter)
    inc_sql = (f"SELECT COALESCE(json_group_array(json_array({INCIDENT_COLS})), '[]') "
               f"FROM incident WHERE {INCIDENT_ON_MAP}{inc_where}")
    incidents_arr = _query(store, inc_sql, inc_params)[0][0]
    body = (f'{{"units":{units_arr},"incidents":{incidents_arr},'
            f'"sidcs":{json.dumps(sidcs)}}}')
    return body.encode("utf-8"), int(count)


def units_on_map(store: Store) -> list[tuple[str, str, str]]:
    """(id, callsign, agency name) of every unit on the map, by callsign (to pick trails)."""
    rows = _query(store, "SELECT id, COALESCE(callsign, ''), COALESCE((SELECT name FROM agency "
                         "WHERE agency.id = unit.agency), agency, '') "
                         f"FROM unit WHERE {UNIT_ON_MAP} ORDER BY callsign, id")
    return [(r[0], r[1], r[2]) for r in rows]


def agencies_on_map(store: Store) -> list[tuple[str, str]]:
    """(slug, name) of every agency with units on the map, by name (the slug if unnamed)."""
    rows = _query(store, "SELECT agency, COALESCE((SELECT name FROM agency WHERE agency.id = "
                         f"unit.agency), agency) AS n FROM unit WHERE {UNIT_ON_MAP} "
                         "AND agency IS NOT NULL GROUP BY agency ORDER BY n, agency")
    return [(r[0], r[1]) for r in rows]


def units_of_agency(store: Store, agency: str, limit: int = TRAIL_UNITS + 1) -> list[str]:
    """Units of an agency that are on the map, by callsign (for its trails)."""
    rows = _query(store, f"SELECT id FROM unit WHERE agency = ? AND {UNIT_ON_MAP} "
                         "ORDER BY callsign, id LIMIT ?", (agency, limit))
    return [r[0] for r in rows]


def trails_json(store: Store, unit_ids: Sequence[str], since_ms: int, now_ms: int) -> bytes:
    """Each unit's reports observed since `since_ms`, oldest first, as one JSON document
    built by SQLite: {"from", "to", "scale", "units": [[id, callsign, [lat, lon, dt, lat,
    lon, dt, ...]]]} with lat/lon in integers of 1/scale degree (micro-degrees) and dt in
    ms after "from".

    Integers, flat: SQLite prints an integer several times faster than a float, and the
    page parses one array per unit instead of one per report (50 units' day is 72,000).
    Units by callsign (a stable colour order); at most TRAIL_POINTS reports per unit, the
    latest.
    """
    ids = list(dict.fromkeys(unit_ids))[:TRAIL_UNITS]
    since = datetime.fromtimestamp(since_ms / 1000, UTC).isoformat(timespec="microseconds")
    if not ids:
        return json.dumps({"from": since_ms, "to": now_ms, "scale": TRAIL_SCALE,
                           "units": []}).encode()
    # The stored times are UTC ISO text that sorts as text, so one ascending walk of the
    # (unit_id, observed_at) index gives the window in order; it starts at the later of
    # `since` and the TRAIL_POINTS-th newest report (found on the index alone). Sorting
    # the newest-first rows again would cost more than reading them.
    points = (
        f"SELECT COALESCE(group_concat(CAST(ROUND(p.lat * {TRAIL_SCALE}) AS INTEGER) || ',' || "
        f"CAST(ROUND(p.lon * {TRAIL_SCALE}) AS INTEGER) || ',' || "
        "CAST(ROUND((julianday(p.observed_at) - julianday(:since)) * 86400000) AS INTEGER), "
        "','), '') FROM position p WHERE p.unit_id = u.id AND p.observed_at >= max(:since, "
        "COALESCE((SELECT q.observed_at FROM position q WHERE q.unit_id = u.id "
        "ORDER BY q.observed_at DESC LIMIT 1 OFFSET :limit - 1), '')) ORDER BY p.observed_at"
    )
    named = {f"u{n}": uid for n, uid in enumerate(ids)}
    marks = ",".join(f":{k}" for k in named)
    sql = (
        "SELECT COALESCE(group_concat('[' || json_quote(u.id) || ',' || "
        f"json_quote(COALESCE(u.callsign, '')) || ',[' || ({points}) || ']]', ','), '') "
        f"FROM (SELECT id, callsign FROM unit WHERE id IN ({marks}) ORDER BY callsign, id) AS u"
    )
    units = _query(store, sql, {"since": since, "limit": TRAIL_POINTS, **named})[0][0]
    return (f'{{"from":{int(since_ms)},"to":{int(now_ms)},"scale":{TRAIL_SCALE},'
            f'"units":[{units}]}}').encode()


class Reader:
    """The UI thread's reads for live updates, through one long-lived connection.

    Every lookup by ids is one statement returning one row (SQLite builds the JSON):
    the sqlite3 module releases the GIL around each step, and while a sync worker
    keeps the GIL busy, every release can cost the UI thread a 5 ms wait. One step
    per query instead of one per row keeps a flush at a few milliseconds.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._con: Any = None
        self._kinds: dict[str, str] | None = None
        self._sidcs: dict[tuple, str] = {}
        self.unit_filter: UnitFilter | None = None  # the roster's filter, set by MapView

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def agencies_changed(self) -> None:
        self._kinds = None
        self._sidcs.clear()

    def _json(self, sql: str, params: Sequence[Any]) -> Any:
        if self._con is None:
            self._con = self._store.engine.raw_connection()
        cur = self._con.cursor()
        try:
            cur.execute(sql, tuple(params))
            row = cur.fetchone()
        finally:
            cur.close()
        return json.loads(row[0]) if row and row[0] else []

    def _by_ids(self, cols: str, table: str, where: str, ids: list[str],
                params: Sequence[Any] = ()) -> list[list[Any]]:
        rows: list[list[Any]] = []
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i : i + CHUNK]
            marks = ",".join("?" * len(chunk))
            rows += self._json(
                f"SELECT json_group_array(json_array({cols})) FROM {table} "
                f"WHERE id IN ({marks}) AND {where}",
                [*chunk, *params],
            )
        return rows

    def _default_sidc(self, agency: str, kind: str | None, echelon: str | None) -> str:
        key = (agency, kind, echelon)
        sidc = self._sidcs.get(key)
        if sidc is None:
            if self._kinds is None:
                self._kinds = {k: v for k, v in self._json(
                    "SELECT json_group_array(json_array(id, kind)) FROM agency", ())}
            sidc = self._sidcs[key] = default_sidc(self._kinds.get(agency), kind, echelon)
        return sidc

    def units(self, ids: Iterable[str]) -> tuple[list[list[Any]], list[str]]:
        """Rows of the given units that belong on the map, and the ids that no longer do."""
        wanted = sorted(set(ids))
        where, params = filter_sql(self.unit_filter)
        rows = self._by_ids(UNIT_COLS, "unit", UNIT_ON_MAP + where, wanted, params)
        for r in rows:
            if not r[2]:
                r[2] = self._default_sidc(r[8], r[9], r[10])
            r[5] = r[5] or 0
            del r[9:]
        found = {r[0] for r in rows}
        return rows, [i for i in wanted if i not in found]

    def incidents(self, ids: Iterable[str]) -> tuple[list[list[Any]], list[str]]:
        wanted = sorted(set(ids))
        where, params = incident_filter_sql(self.unit_filter)
        rows = self._by_ids(INCIDENT_COLS, "incident", INCIDENT_ON_MAP + where, wanted, params)
        for r in rows:
            r[7] = r[7] or 0
        found = {r[0] for r in rows}
        return rows, [i for i in wanted if i not in found]

    def units_of_positions(self, position_ids: Iterable[str]) -> set[str]:
        """Units whose position reports changed (for changes that name positions only)."""
        rows = self._by_ids("unit_id", "position", "1=1", sorted(set(position_ids)))
        return {r[0] for r in rows}

    def track(self, unit_id: str, limit: int = TRACK_LIMIT) -> list[list[Any]]:
        """The unit's latest `limit` reports, oldest first, as [lat, lon, observed_ms]."""
        rows = self._json(
            "SELECT json_group_array(json_array(lat, lon, ms)) FROM ("
            f"SELECT lat, lon, {_MS.format('observed_at')} AS ms FROM position "
            "WHERE unit_id = ? ORDER BY observed_at DESC, id DESC LIMIT ?)",
            (unit_id, limit),
        )
        rows.reverse()
        return rows
