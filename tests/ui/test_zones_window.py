"""Jurisdiction zones in the window (issue 12 item 6): the incident log says whose
territory an incident is in, and the roster flags a unit outside its jurisdiction
("fuera de jurisdicción"), as a warning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt

from fieldclient.ui.roster_model import COL_OPERATION
from tests.ui.test_map_wiring import _window
from tests.ui.test_operations_window import _cell

GDL = [[[[-103.38, 20.62], [-103.28, 20.62], [-103.28, 20.74], [-103.38, 20.74],
          [-103.38, 20.62]]]]


def _unit_at(writer: Any, callsign: str, lon: float, lat: float) -> str:
    uid = writer.create_unit({"callsign": callsign, "agency": "mun-gdl", "kind": "police"})
    writer.log_position(uid, lat, lon, observed_at=datetime.now(UTC) - timedelta(minutes=1))
    return str(uid)


def test_territory_in_the_incident_log_and_outside_jurisdiction_in_the_roster(  # type: ignore[no-untyped-def]
        qtbot, store, writer, translations, monkeypatch, sync_tasks):
    """Proves an incident inside Guadalajara's zone shows "Territory: Guadalajara
    (Municipal, ...)" in the incident log, a unit of Guadalajara's police standing in
    Zapopan reads "outside jurisdiction" in the roster's Operation column (with the reason
    in its tooltip and details) while one at home does not, and the flag clears when the
    stray unit reports a position back inside."""
    writer.create_record("zone", {"name": "Guadalajara", "agency": "mun-gdl",
                                  "level": "municipal", "geometry": GDL})
    home = _unit_at(writer, "GDL-01", -103.35, 20.67)
    stray = _unit_at(writer, "GDL-02", -103.45, 20.70)
    inc = writer.create_incident({"title": "Robo", "kind": "other", "severity": 2,
                                  "occurred_at": datetime.now(UTC), "agency": "mun-gdl",
                                  "lat": 20.67, "lon": -103.33})
    w = _window(qtbot, store, translations, monkeypatch)

    assert _cell(w, stray, COL_OPERATION).strip("\u2068\u2069") == "outside jurisdiction"
    assert "outside the area of every active operation" in _cell(
        w, stray, COL_OPERATION, Qt.ItemDataRole.ToolTipRole)
    assert _cell(w, home, COL_OPERATION) == ""
    w.roster.select_unit(stray)
    assert "Outside jurisdiction" in w.roster.details.text()

    w.incidents.select_incident(inc)
    assert "Territory:" in w.incidents.header.text()
    assert "Guadalajara (Municipal, " in w.incidents.header.text()

    writer.log_position(stray, 20.70, -103.30, observed_at=datetime.now(UTC))
    qtbot.waitUntil(lambda: not w.model.is_outside(stray))
