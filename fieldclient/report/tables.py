"""The SITREP as CSV and GeoJSON, and writing any of its formats to files (no Qt: the
PDF renderer is imported only when a PDF is asked for).

CSV, for spreadsheets: four files side by side, each one table with one header row
(column names are stable English keys, values are the records' codes and ISO-8601 UTC
times, text guarded against formula injection as in `store/export.py`):
- `FILE`                 one row per unit (position, MGRS, role, commanding agency,
                         outside-jurisdiction flag);
- `FILE-incidents.csv`   one row per incident (status at the report's time, zones);
- `FILE-handovers.csv`   one row per hand-over (acknowledged at, overdue);
- `FILE-summary.csv`     `item,value` rows: the operation's header, the report's time
                         and the accountability counts.
GeoJSON: one FeatureCollection (RFC 7946, [lon, lat]): the operation's area (its header,
hand-over and accountability counts in its properties), then one Point per unit and one
per incident (`properties.layer` says which); a unit without a position has
`"geometry": null`.

Every file is written to a temporary file beside its target and renamed only when all
of them are complete: a failure leaves nothing half-written under a requested name.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from fieldclient.core.errors import InvalidInput
from fieldclient.core.i18n import QT_TRANSLATE_NOOP
from fieldclient.report.sitrep import Sitrep
from fieldclient.store.export import csv_cell

FORMATS = ("pdf", "csv", "geojson")
CSV_PARTS = ("incidents", "handovers", "summary")

# Said once the files are written: where, and that they are in the clear (the store is
# encrypted, an export is not) - the words of `fieldclient export`.
WRITTEN = QT_TRANSLATE_NOOP(
    "errors", "Operation report of {code} written to {path}. The file is NOT encrypted (only "
    "the database is): keep it on this laptop or a protected medium, and delete it when done.")

UNIT_COLUMNS = ("callsign", "agency", "kind", "status", "role", "commanding_agency", "lat",
                "lon", "mgrs", "observed_at", "outside_jurisdiction", "id")
INCIDENT_COLUMNS = ("opened_at", "title", "kind", "severity", "agency", "status", "closed_at",
                    "lat", "lon", "zones", "id")
HANDOVER_COLUMNS = ("at", "subject", "what", "from_agency", "from_person", "to_agency",
                    "to_person", "reason", "acknowledged_at", "overdue", "id")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def summary_items(rep: Sitrep) -> list[tuple[str, Any]]:
    """(item, value) pairs of the header and the counts (the summary CSV, GeoJSON area)."""
    h, a = rep.header, rep.accountability
    items: list[tuple[str, Any]] = [
        ("report_at", _iso(rep.at)), ("made_at", _iso(rep.made_at)),
        ("code", h.code), ("name", h.name), ("lead_agency", h.lead_agency),
        ("participants", list(h.agencies)), ("authority", h.authority),
        ("legal_basis", h.legal_basis), ("legal_reference", h.legal_reference),
        ("status", h.status), ("starts_at", _iso(h.starts_at)), ("ends_at", _iso(h.ends_at)),
        ("instructions", h.instructions), ("units", len(rep.units)),
        ("units_outside_jurisdiction", sum(u.outside for u in rep.units)),
        ("incidents_opened", len(rep.opened)), ("incidents_closed", len(rep.closed)),
        ("handovers", len(rep.handovers)),
        ("handovers_acknowledged", sum(x.acknowledged_at is not None for x in rep.handovers)),
        ("handovers_unacknowledged", sum(x.acknowledged_at is None for x in rep.handovers)),
        ("handovers_overdue", sum(x.overdue for x in rep.handovers)),
        ("handover_ack_threshold_min", rep.handover_threshold_min),
        ("detentions", a.detentions), ("detentions_held", a.held),
        ("detentions_handed_over", a.handed_over), ("custody_past_warning", a.custody_warn),
        ("custody_past_alert", a.custody_alert), ("use_of_force_reports", a.force_reports),
    ]
    items += [(f"use_of_force_{level}", n) for level, n in a.force_by_level.items()]
    items += [("use_of_force_injured", a.injured), ("use_of_force_deaths", a.deaths)]
    return items


def _csv(header: tuple[str, ...], rows: list[list[Any]]) -> bytes:
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(header)
    for row in rows:
        w.writerow([csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")  # the BOM: spreadsheets then read accents


def csv_files(rep: Sitrep, target: Path) -> dict[Path, bytes]:
    """The four CSV files of a report whose units go to `target`."""
    stem = target.name[:-4] if target.name.lower().endswith(".csv") else target.name
    units = [[u.callsign, u.agency, u.kind, u.status, u.role, u.commanding_agency, u.lat, u.lon,
              u.mgrs, _iso(u.observed_at), u.outside, u.id] for u in rep.units]
    incidents = [[_iso(i.opened_at), i.title, i.kind, i.severity, i.agency, i.status,
                  _iso(i.closed_at), i.lat, i.lon, list(i.zones), i.id] for i in rep.incidents]
    handovers = [[_iso(x.at), x.subject, x.what, x.from_agency, x.from_person, x.to_agency,
                  x.to_person, x.reason, _iso(x.acknowledged_at), x.overdue, x.id]
                 for x in rep.handovers]
    summary = [[k, v] for k, v in summary_items(rep)]
    return {
        target: _csv(UNIT_COLUMNS, units),
        target.with_name(f"{stem}-incidents.csv"): _csv(INCIDENT_COLUMNS, incidents),
        target.with_name(f"{stem}-handovers.csv"): _csv(HANDOVER_COLUMNS, handovers),
        target.with_name(f"{stem}-summary.csv"): _csv(("item", "value"), summary),
    }


def _point(lat: float | None, lon: float | None) -> dict[str, Any] | None:
    return None if lat is None or lon is None else {"type": "Point", "coordinates": [lon, lat]}


def geojson(rep: Sitrep) -> bytes:
    features: list[dict[str, Any]] = []
    if rep.area:
        features.append({"type": "Feature", "id": rep.header.id,
                         "geometry": {"type": "Polygon",
                                      "coordinates": [[list(p) for p in r] for r in rep.area]},
                         "properties": {"layer": "operation_area", **dict(summary_items(rep))}})
    for u in rep.units:
        features.append({"type": "Feature", "id": u.id, "geometry": _point(u.lat, u.lon),
                         "properties": {"layer": "unit", **{
                             k: v for k, v in zip(UNIT_COLUMNS, [
                                 u.callsign, u.agency, u.kind, u.status, u.role,
                                 u.commanding_agency, u.lat, u.lon, u.mgrs,
                                 _iso(u.observed_at), u.outside, u.id], strict=True)
                             if k not in ("lat", "lon", "id")}}})
    for i in rep.incidents:
        features.append({"type": "Feature", "id": i.id, "geometry": _point(i.lat, i.lon),
                         "properties": {"layer": "incident", "opened_at": _iso(i.opened_at),
                                        "title": i.title, "kind": i.kind,
                                        "severity": i.severity, "agency": i.agency,
                                        "status": i.status, "closed_at": _iso(i.closed_at),
                                        "zones": list(i.zones)}})
    doc = {"type": "FeatureCollection", "features": features}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def render(rep: Sitrep, fmt: str, target: Path, lang: str | None) -> dict[Path, bytes]:
    """The files of one report in one format: path -> content."""
    if fmt == "csv":
        return csv_files(rep, target)
    if fmt == "geojson":
        return {target: geojson(rep)}
    if fmt == "pdf":
        from fieldclient.report.pdf import pdf_bytes  # Qt: only here

        return {target: pdf_bytes(rep, lang)}
    raise InvalidInput(QT_TRANSLATE_NOOP("report", "Unknown report format {fmt}; choose pdf, "
                                         "csv or geojson."), field="format", fmt=fmt)


def write_all(files: dict[Path, bytes]) -> None:
    """Write every file or none: temporary files beside the targets, renamed once all are
    complete (see the module docstring)."""
    done: list[tuple[str, Path]] = []
    try:
        for target, data in files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                       dir=target.parent)
            done.append((tmp, target))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        for tmp, target in done:
            os.replace(tmp, target)
    except OSError as exc:
        for tmp, _ in done:
            Path(tmp).unlink(missing_ok=True)
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "Cannot write {path}: {why}"),
                           field="output", path=str(next(iter(files))),
                           why=exc.strerror or str(exc)) from None


def write_report(store: Any, code: str, at: Any, fmt: str, output: str | Path,
                 lang: str | None, now: datetime,
                 assemble: Callable[..., Sitrep] | None = None) -> list[Path]:
    """Assemble the report of operation `code` at `at` (text or datetime; None: now), render
    it as `fmt` and write it; returns the files written. Bad input (unknown operation,
    unreadable or future time, unknown format, unwritable place) raises InvalidInput or
    NotFound before any file is touched."""
    from fieldclient.report.sitrep import assemble as default_assemble
    from fieldclient.report.sitrep import parse_at

    if fmt not in FORMATS:
        render(None, fmt, Path(), lang)  # type: ignore[arg-type]  # raises the message
    target = Path(output).expanduser().resolve()
    if not target.parent.is_dir():
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "Cannot write {path}: {why}"),
                           field="output", path=str(target), why=os.strerror(errno.ENOENT))
    when = parse_at(at, now)
    rep = (assemble or default_assemble)(store, code, when, now)
    files = render(rep, fmt, target, lang)
    write_all(files)
    return list(files)
