"""How the window wires the map: selection both ways, actions from the map, view memory.

The map itself (QtWebEngine) is tested in tests/map; here a stand-in with the same
signals and methods checks the window's side of the contract, fast and headless.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from tests.ui.conftest import make_unit


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
