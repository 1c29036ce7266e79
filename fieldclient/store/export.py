"""Export units (with their current position), positions and incidents as CSV or GeoJSON.

- CSV is written with the ``csv`` module (quoting, embedded newlines and quotes
  survive). Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return as a formula, so a **text** cell starting
  with one of those gets a leading apostrophe (``'=HYPERLINK(...)``), the usual
  guard (OWASP "CSV injection"). Numbers (a longitude of -99.1) are never
  prefixed. This is the one change made to user text; GeoJSON keeps it exactly.
- GeoJSON is one FeatureCollection; coordinates are ``[lon, lat]`` (RFC 7946);
  a record without a position has ``"geometry": null``. Text is UTF-8, not escaped.
- Times are ISO-8601 UTC (``2026-11-29T17:30:00+00:00``).
- Rows are streamed, so 500,000 positions do not have to fit in memory twice.
- ``export_to_path`` writes a temporary file next to the target and renames it,
  so a failed export never leaves a half-written file under the requested name.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldclient.store.db import Store
from fieldclient.store.models import Incident, Position, Unit

WHATS = ("units", "positions", "incidents")
FORMATS = ("csv", "geojson")
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")

UNIT_COLUMNS = (
    "id", "callsign", "name", "agency", "kind", "echelon", "sidc", "parent_id",
    "parent_callsign", "commander", "strength", "status", "visibility", "notes",
    "lat", "lon", "observed_at", "source", "accuracy_m",
)
POSITION_COLUMNS = (
    "id", "unit_id", "callsign", "lat", "lon", "accuracy_m", "observed_at", "source", "note",
    "reported_by",
)
INCIDENT_COLUMNS = (
    "id", "title", "kind", "severity", "status", "lat", "lon", "occurred_at", "agency",
    "agencies", "visibility", "void_reason",
)
COLUMNS = {"units": UNIT_COLUMNS, "positions": POSITION_COLUMNS, "incidents": INCIDENT_COLUMNS}


def _value(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.isoformat()
    return v


def _records(session: Session, what: str) -> Iterator[dict[str, Any]]:
    """Plain dicts with the keys of ``COLUMNS[what]`` (lat/lon None when unknown)."""
    if what == "units":
        u = Unit.__table__.c
        callsigns = {r[0]: r[1] for r in session.execute(select(u.id, u.callsign))}
        stmt = select(
            u.id, u.callsign, u.name, u.agency, u.kind, u.echelon, u.sidc, u.parent_id,
            u.commander, u.strength, u.status, u.visibility, u.notes, u.pos_lat, u.pos_lon,
            u.pos_observed_at, u.pos_source, u.pos_accuracy_m,
        ).order_by(u.callsign, u.id)
        for r in session.execute(stmt).yield_per(2000):
            rec = dict(zip(UNIT_COLUMNS[:8], r[:8], strict=True))
            rec["parent_callsign"] = callsigns.get(r.parent_id) if r.parent_id else None
            rec.update(zip(UNIT_COLUMNS[9:], r[8:], strict=True))
            yield rec
    elif what == "positions":
        p = Position.__table__.c
        u = Unit.__table__.c
        callsigns = {r[0]: r[1] for r in session.execute(select(u.id, u.callsign))}
        stmt = select(
            p.id, p.unit_id, p.lat, p.lon, p.accuracy_m, p.observed_at, p.source, p.note,
            p.reported_by,
        ).order_by(p.unit_id, p.observed_at, p.id)
        for r in session.execute(stmt).yield_per(5000):
            rec = {"id": r.id, "unit_id": r.unit_id, "callsign": callsigns.get(r.unit_id)}
            rec.update(zip(POSITION_COLUMNS[3:], r[2:], strict=True))
            yield rec
    elif what == "incidents":
        i = Incident.__table__.c
        stmt = select(*(i[c] for c in INCIDENT_COLUMNS)).order_by(i.occurred_at.desc(), i.id)
        for r in session.execute(stmt).yield_per(2000):
            yield dict(zip(INCIDENT_COLUMNS, r, strict=True))
    else:
        raise ValueError(f"unknown export {what!r}; choose from {', '.join(WHATS)}")


def csv_cell(value: Any) -> Any:
    """A CSV cell: text that a spreadsheet would run as a formula gets a leading ``'``;
    lists are joined with ``;``; None is empty; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = ";".join(str(v) for v in value)
    value = _value(value)
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def write_csv(session: Session, what: str, out: TextIO) -> int:
    """Write ``what`` as CSV with a header row; returns the number of records."""
    columns = COLUMNS[what]
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    n = 0
    for rec in _records(session, what):
        writer.writerow([csv_cell(rec[c]) for c in columns])
        n += 1
    return n


def _feature(what: str, rec: dict[str, Any]) -> dict[str, Any]:
    lat, lon = rec.get("lat"), rec.get("lon")
    geometry = None if lat is None or lon is None else {"type": "Point", "coordinates": [lon, lat]}
    props = {k: _value(v) for k, v in rec.items() if k not in ("lat", "lon")}
    return {"type": "Feature", "id": rec["id"], "geometry": geometry, "properties": props}


def write_geojson(session: Session, what: str, out: TextIO) -> int:
    """Write ``what`` as one GeoJSON FeatureCollection; returns the number of features."""
    out.write('{"type": "FeatureCollection", "features": [')
    n = 0
    for rec in _records(session, what):
        out.write(",\n" if n else "\n")
        out.write(json.dumps(_feature(what, rec), ensure_ascii=False))
        n += 1
    out.write("\n]}\n")
    return n


def export(store: Store, fmt: str, what: str, out: TextIO) -> int:
    """Export ``what`` (units|positions|incidents) as ``fmt`` (csv|geojson) to an open
    text stream; returns the record count."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    if what not in WHATS:
        raise ValueError(f"unknown export {what!r}")
    with store.session() as s:
        return write_csv(s, what, out) if fmt == "csv" else write_geojson(s, what, out)


def export_to_path(store: Store, fmt: str, what: str, path: Path | str, bom: bool = False) -> int:
    """Export to a file, atomically (temporary file + rename). ``bom=True`` starts a CSV
    with a UTF-8 byte-order mark so spreadsheet programs read accents correctly."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        encoding = "utf-8-sig" if bom and fmt == "csv" else "utf-8"
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            n = export(store, fmt, what, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n
