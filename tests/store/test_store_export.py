"""CSV and GeoJSON export: shapes, nasty text surviving, formula guard."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fieldclient.store.db import Store
from fieldclient.store.export import csv_cell, export, export_to_path
from fieldclient.store.writer import LocalWriter

NASTY = 'Ñandú "comillas", coma;\nnueva línea\t<script>alert(1)</script> 🚓'
# One-line text (a callsign may not hold line breaks or tabs), nasty otherwise.
NASTY_LINE = 'Ñandú "comillas", coma; <script>alert(1)</script> 🚓'
FORMULA = "=HYPERLINK(\"http://evil\",\"x\")"


@pytest.fixture
def data(agencies: Store) -> tuple[Store, str, str]:
    w = LocalWriter(agencies)
    hq = w.create_unit({"callsign": "JEFE", "agency": "sedena", "kind": "command"})
    uid = w.create_unit({"callsign": NASTY_LINE, "agency": "sedena", "kind": "infantry",
                         "notes": FORMULA, "parent_id": hq, "commander": "-1+2"})
    w.log_position(uid, 19.5, -99.25, source="radio", note=NASTY, accuracy_m=50)
    iid = w.create_incident({"title": "@SUM(A1)", "kind": "fire", "severity": 3,
                             "occurred_at": datetime(2026, 11, 29, 17, tzinfo=UTC),
                             "agency": "pc-jal", "agencies": ["gn", "sedena"],
                             "lat": 20.6, "lon": -103.3})
    return agencies, uid, iid


def _csv(store: Store, what: str) -> list[dict[str, str]]:
    buf = io.StringIO(newline="")
    export(store, "csv", what, buf)
    return list(csv.DictReader(io.StringIO(buf.getvalue(), newline="")))


def test_units_csv_keeps_text_and_guards_formulas(data: tuple[Store, str, str]) -> None:
    """Units CSV: quotes/newlines/emoji survive; formula-like text gets a leading quote."""
    store, uid, _ = data
    rows = {r["id"]: r for r in _csv(store, "units")}
    r = rows[uid]
    assert r["callsign"] == NASTY_LINE
    assert r["notes"] == "'" + FORMULA
    assert r["commander"] == "'-1+2"
    assert r["parent_callsign"] == "JEFE"
    assert (float(r["lat"]), float(r["lon"])) == (19.5, -99.25)  # numbers: never prefixed
    assert r["source"] == "radio" and r["observed_at"].endswith("+00:00")


def test_positions_and_incidents_csv(data: tuple[Store, str, str]) -> None:
    """Positions carry the unit's callsign; incidents join agencies with ';'."""
    store, uid, iid = data
    pos = _csv(store, "positions")
    assert len(pos) == 1 and pos[0]["unit_id"] == uid and pos[0]["note"] == NASTY
    assert pos[0]["lon"] == "-99.25"
    inc = _csv(store, "incidents")
    assert inc[0]["id"] == iid and inc[0]["title"] == "'@SUM(A1)"
    assert inc[0]["agencies"] == "gn;sedena" and inc[0]["severity"] == "3"


def test_geojson_shape_and_exact_text(data: tuple[Store, str, str]) -> None:
    """GeoJSON is a FeatureCollection with [lon, lat] points and text kept exactly."""
    store, uid, iid = data
    for what in ("units", "positions", "incidents"):
        buf = io.StringIO()
        n = export(store, "geojson", what, buf)
        doc = json.loads(buf.getvalue())
        assert doc["type"] == "FeatureCollection" and len(doc["features"]) == n
    buf = io.StringIO()
    export(store, "geojson", "units", buf)
    feats = {f["id"]: f for f in json.loads(buf.getvalue())["features"]}
    assert feats[uid]["geometry"] == {"type": "Point", "coordinates": [-99.25, 19.5]}
    assert feats[uid]["properties"]["notes"] == FORMULA  # no guard needed in JSON
    assert feats[uid]["properties"]["callsign"] == NASTY_LINE
    jefe = [f for f in feats.values() if f["properties"]["callsign"] == "JEFE"][0]
    assert jefe["geometry"] is None  # no position yet


def test_export_to_path_is_atomic_and_bom_optional(data: tuple[Store, str, str], tmp_path: Path) -> None:
    """Export to a file leaves no temp files; --bom adds the UTF-8 mark for Excel."""
    store = data[0]
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "u.csv"
    assert export_to_path(store, "csv", "units", out, bom=True) == 2
    assert out.read_bytes().startswith(b"\xef\xbb\xbfid,")
    assert [p.name for p in folder.iterdir()] == ["u.csv"]
    with pytest.raises(OSError):
        export_to_path(store, "csv", "units", tmp_path / "missing" / "u.csv")


def test_csv_cell_rules() -> None:
    """Only text starting with = + - @ tab or CR is prefixed; numbers and lists are not."""
    assert csv_cell("-5") == "'-5" and csv_cell(-5.5) == -5.5
    assert csv_cell("\tx") == "'\tx" and csv_cell("a=b") == "a=b"
    assert csv_cell(None) == "" and csv_cell(["a", "b"]) == "a;b"
