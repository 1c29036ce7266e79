"""How the window wires the map: selection both ways, actions from the map, view memory.

The map itself (QtWebEngine) is tested in tests/map; here a stand-in with the same
signals and methods checks the window's side of the contract, fast and headless.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from tests.ui.conftest import make_unit


class FakeOverlays(QObject):
    """MapView.overlays (fieldclient/map/overlays.py): what the window calls on it (kept
    apart from the map's own calls, which the tests read in order)."""

    areaSaved = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, Any]] = []

    def set_outside(self, ids: Any, among: Any = None) -> None:
        self.calls.append(("set_outside", set(ids)))

    def show_detention(self, detention_id: str | None) -> None:
        self.calls.append(("show_detention", detention_id))

    def edit_area(self, operation_id: str) -> None:
        self.calls.append(("edit_area", operation_id))


class FakeMap(QWidget):
    unitSelected = Signal(str)
    incidentSelected = Signal(str)
    logPositionRequested = Signal(float, float)
    newIncidentRequested = Signal(float, float)
    cursorMoved = Signal(float, float)
    layersChanged = Signal()
    importRequested = Signal()
    helpRequested = Signal()
    unitsChanged = Signal()  # the map tools (fieldclient/map/tools_ui.py) listen to these
    trailsShown = Signal(int, int)
    trailsClosed = Signal()
    trailsRefused = Signal(int)
    instances: list[FakeMap] = []

    def __init__(self, store: Any, events: Any, parent: Any = None, stale_minutes: float = 30) -> None:
        super().__init__(parent)
        self.calls: list[tuple[str, Any]] = []
        self.view = {"lat": 19.0, "lon": -99.0, "zoom": 6, "base": "plain"}
        self.overlays = FakeOverlays()
        FakeMap.instances.append(self)

    def select_unit(self, uid: str | None) -> None:
        self.calls.append(("select_unit", uid))

    def show_track(self, uid: str | None) -> None:
        self.calls.append(("show_track", uid))

    def set_coord_format(self, fmt: str) -> None:
        self.calls.append(("set_coord_format", fmt))

    def set_stale_minutes(self, minutes: float) -> None:
        self.calls.append(("set_stale_minutes", minutes))

    def save_view_state(self) -> dict[str, Any]:
        return dict(self.view)

    def restore_view_state(self, state: dict[str, Any]) -> None:
        self.calls.append(("restore_view_state", state))

    def base_layers(self) -> list[dict[str, Any]]:
        return []

    def refresh_base_layers(self) -> None:
        self.calls.append(("refresh_base_layers", None))

    def show_layer(self, key: str) -> None:
        self.calls.append(("show_layer", key))
    def set_night_mode(self, on: bool) -> None:
        self.calls.append(("set_night_mode", on))

    def set_unit_filter(self, agency: str = "", kind: str = "", status: str = "",
                        operation: str = "") -> None:
        chosen = (agency, kind, status, operation) if operation else (agency, kind, status)
        self.calls.append(("set_unit_filter", chosen))

    def pan_to(self, lat: float, lon: float, min_zoom: int | None = None) -> None:
        self.calls.append(("pan_to", (lat, lon, min_zoom)))

    def set_grid(self, on: bool) -> None:
        self.calls.append(("set_grid", on))

    def set_crosshair(self, on: bool) -> None:
        self.calls.append(("set_crosshair", on))

    def set_measuring(self, on: bool) -> None:
        self.calls.append(("set_measuring", on))


def _window(qtbot, store, translations, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ENLACE_NO_SYNC", "1")
    monkeypatch.delenv("ENLACE_NO_MAP", raising=False)
    from fieldclient.ui import main_window

    monkeypatch.setattr(main_window, "_map_view_class", lambda: FakeMap)
    w = main_window.MainWindow(store, translations)
    qtbot.addWidget(w)
    assert w.roster_ready
    with qtbot.waitSignal(w.mapInstalled):  # installed once the window has shown
        w.show()
    return w


def test_map_arrives_after_the_window_and_is_wired(qtbot, store, writer, translations, monkeypatch, sync_tasks):  # type: ignore[no-untyped-def]
    """The map replaces its placeholder after show; selections and formats flow both ways."""
    a = make_unit(writer, "ALFA")
    w = _window(qtbot, store, translations, monkeypatch)
    fake = w.map
    assert isinstance(fake, FakeMap) and w.map_placeholder is None
    fake.unitSelected.emit(a)  # a click on the map selects in the roster...
    assert w.roster.selected_unit() == a
    assert ("select_unit", a) in fake.calls and ("show_track", a) in fake.calls  # ...and back
    w.set_coord_format("mgrs")
    assert ("set_coord_format", "mgrs") in fake.calls
    w.roster.stale_spin.setValue(45)
    assert ("set_stale_minutes", 45) in fake.calls
    fake.cursorMoved.emit(19.4326, -99.1332)
    assert w.status.cursor_label.text().startswith("14Q MG")
    fake.logPositionRequested.emit(19.4326, -99.1332)  # right-click "log position here"
    dlg = w.last_dialog
    assert dlg.objectName() == "positionDialog" and dlg.coords.value()[0] > 19.4
    dlg.reject()
    fake.newIncidentRequested.emit(19.5, -99.2)
    assert w.last_dialog.objectName() == "incidentDialog"
    w.last_dialog.reject()


def test_map_view_is_remembered_across_starts(qtbot, store, translations, monkeypatch, sync_tasks):  # type: ignore[no-untyped-def]
    """Closing saves the map's view in the data folder; the next window restores it."""
    w = _window(qtbot, store, translations, monkeypatch)
    w.map.view = {"lat": 25.67, "lon": -100.31, "zoom": 11, "base": "plain"}
    w.close()
    again = _window(qtbot, store, translations, monkeypatch)
    assert ("restore_view_state", {"lat": 25.67, "lon": -100.31, "zoom": 11, "base": "plain"}) \
        in again.map.calls
    again.close()


def _incident(writer, title: str, lat: float | None, lon: float | None) -> str:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    fields = {"title": title, "kind": "blockade", "severity": 3, "agency": "gn",
              "occurred_at": datetime.now(UTC)}
    if lat is not None:
        fields.update(lat=lat, lon=lon)
    return writer.create_incident(fields)  # type: ignore[no-any-return]


def test_choosing_an_incident_in_the_log_pans_the_map(qtbot, store, writer, translations,  # type: ignore[no-untyped-def]
                                                      monkeypatch, sync_tasks):
    """Issue 15, item 5: an incident chosen in the log centres the map on it (zooming in to
    town scale if the map is further out); one clicked on the map is shown in the log
    without moving the map under the pointer; one without a location leaves the map."""
    from fieldclient.ui.main_window import INCIDENT_ZOOM

    placed = _incident(writer, "Bloqueo en la autopista", 20.65, -103.35)
    nowhere = _incident(writer, "Reporte sin ubicación", None, None)
    w = _window(qtbot, store, translations, monkeypatch)
    fake = w.map
    w.incidents.reload()
    w.incidents.select_incident(placed)
    assert ("pan_to", (20.65, -103.35, INCIDENT_ZOOM)) in fake.calls
    fake.calls.clear()
    w.incidents.select_incident(nowhere)
    assert not [c for c in fake.calls if c[0] == "pan_to"]
    w.show_panel(w.roster_dock)
    fake.incidentSelected.emit(placed)  # a click on its diamond
    assert w.incidents.incident_id == placed and w.incident_dock.isVisible()
    assert not [c for c in fake.calls if c[0] == "pan_to"]


def test_the_roster_filter_filters_the_map(qtbot, store, writer, translations, monkeypatch,  # type: ignore[no-untyped-def]
                                           sync_tasks):
    """Issue 15, item 5: the roster's agency, status and kind choices are the map's too
    (the text search stays the roster's own)."""
    make_unit(writer, "ALFA", agency="gn")
    make_unit(writer, "BRAVO", agency="sedena", status="engaged")
    w = _window(qtbot, store, translations, monkeypatch)
    fake = w.map
    assert ("set_unit_filter", ("", "", "")) in fake.calls  # as installed
    r = w.roster
    r.agency.setCurrentIndex(r.agency.findData("gn"))
    assert fake.calls[-1] == ("set_unit_filter", ("gn", "", ""))
    r.status.setCurrentIndex(r.status.findData("engaged"))
    r.kind.setCurrentIndex(r.kind.findData("infantry"))
    assert fake.calls[-1] == ("set_unit_filter", ("gn", "infantry", "engaged"))
    count = len(fake.calls)
    r.search.setText("ALFA")
    r.apply_filter()
    assert len(fake.calls) == count


def test_position_entry_starts_where_the_unit_probably_is(qtbot, store, writer, translations,  # type: ignore[no-untyped-def]
                                                          monkeypatch, sync_tasks):
    """Issue 15, item 8: "Log position" starts from the unit's last fix; for a unit never
    reported, from the centre of the map; from the map's context menu, at the point
    clicked. Not Mexico City's coordinates."""
    from fieldclient.ui.position_dialog import PositionDialog

    fixed = make_unit(writer, "ALFA")
    writer.log_position(fixed, 25.6714, -100.3090)
    never = make_unit(writer, "BRAVO")
    translations.install("es")
    w = _window(qtbot, store, translations, monkeypatch)
    w.map.view = {"lat": 17.55, "lon": -99.50, "zoom": 12, "base": "plain"}
    dlg = w.log_position(fixed)
    assert dlg.origin == PositionDialog.FROM_LAST_FIX
    assert dlg.coords.value() == (25.6714, -100.309)
    assert dlg.coords.text.selectedText() == dlg.coords.text.text()  # typing replaces it
    assert "última posición" in dlg.start_note.text() and dlg.start_note.isVisible()
    assert "19.43" not in dlg.coords.text.placeholderText()
    dlg.reject()
    dlg = w.log_position(never)
    assert dlg.origin == PositionDialog.FROM_MAP_CENTRE
    assert dlg.coords.value() == (17.55, -99.5)
    assert "centro del mapa" in dlg.start_note.text()
    dlg.reject()
    w.roster.select_unit(never)
    w.map.logPositionRequested.emit(18.0, -100.0)  # right-click "log position here"
    dlg = w.last_dialog
    assert dlg.unit_id == never and dlg.coords.value() == (18.0, -100.0)
    assert dlg.origin == PositionDialog.FROM_MAP_POINT
    dlg.reject()


def test_night_mode_reaches_the_map(qtbot, store, translations, monkeypatch, sync_tasks):  # type: ignore[no-untyped-def]
    """Night mode is passed to the map page (which dims and reddens itself), at install
    and when switched."""
    w = _window(qtbot, store, translations, monkeypatch)
    assert ("set_night_mode", False) in w.map.calls
    w.set_night_mode(True)
    assert w.map.calls[-1] == ("set_night_mode", True)
