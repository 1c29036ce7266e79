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
    unitSelected = Signal(str)  # noqa: N815
    incidentSelected = Signal(str)  # noqa: N815
    logPositionRequested = Signal(float, float)  # noqa: N815
    newIncidentRequested = Signal(float, float)  # noqa: N815
    cursorMoved = Signal(float, float)  # noqa: N815
    instances: list[FakeMap] = []

    def __init__(self, store: Any, events: Any, parent: Any = None, stale_minutes: float = 30) -> None:
        super().__init__(parent)
        self.calls: list[tuple[str, Any]] = []
        self.view = {"lat": 19.0, "lon": -99.0, "zoom": 6, "base": "plain"}
        FakeMap.instances.append(self)

    def selectUnit(self, uid: str | None) -> None:  # noqa: N802
        self.calls.append(("selectUnit", uid))

    def showTrack(self, uid: str | None) -> None:  # noqa: N802
        self.calls.append(("showTrack", uid))

    def setCoordFormat(self, fmt: str) -> None:  # noqa: N802
        self.calls.append(("setCoordFormat", fmt))

    def setStaleMinutes(self, minutes: float) -> None:  # noqa: N802
        self.calls.append(("setStaleMinutes", minutes))

    def saveViewState(self) -> dict[str, Any]:  # noqa: N802
        return dict(self.view)

    def restoreViewState(self, state: dict[str, Any]) -> None:  # noqa: N802
        self.calls.append(("restoreViewState", state))


def _window(qtbot, store, translations, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ENLACE_NO_SYNC", "1")
    monkeypatch.delenv("ENLACE_NO_MAP", raising=False)
    from fieldclient.ui import main_window

    monkeypatch.setattr(main_window, "_map_view_class", lambda: FakeMap)
    w = main_window.MainWindow(store, translations)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.map_installed and w.roster_ready)
    return w


def test_map_arrives_after_the_window_and_is_wired(qtbot, store, writer, translations, monkeypatch):  # type: ignore[no-untyped-def]
    """The map replaces its placeholder after show; selections and formats flow both ways."""
    a = make_unit(writer, "ALFA")
    w = _window(qtbot, store, translations, monkeypatch)
    fake = w.map
    assert isinstance(fake, FakeMap) and not hasattr(w, "map_placeholder")
    fake.unitSelected.emit(a)  # a click on the map selects in the roster...
    assert w.roster.selected_unit() == a
    assert ("selectUnit", a) in fake.calls and ("showTrack", a) in fake.calls  # ...and back
    w.set_coord_format("mgrs")
    assert ("setCoordFormat", "mgrs") in fake.calls
    w.roster.stale_spin.setValue(45)
    assert ("setStaleMinutes", 45) in fake.calls
    fake.cursorMoved.emit(19.4326, -99.1332)
    assert w.st_cursor.text().startswith("14Q MG")
    fake.logPositionRequested.emit(19.4326, -99.1332)  # right-click "log position here"
    dlg = w.last_dialog
    assert dlg.objectName() == "positionDialog" and dlg.coords.value()[0] > 19.4
    dlg.reject()
    fake.newIncidentRequested.emit(19.5, -99.2)
    assert w.last_dialog.objectName() == "incidentDialog"
    w.last_dialog.reject()


def test_map_view_is_remembered_across_starts(qtbot, store, translations, monkeypatch):  # type: ignore[no-untyped-def]
    """Closing saves the map's view in the data folder; the next window restores it."""
    w = _window(qtbot, store, translations, monkeypatch)
    w.map.view = {"lat": 25.67, "lon": -100.31, "zoom": 11, "base": "plain"}
    w.close()
    again = _window(qtbot, store, translations, monkeypatch)
    assert ("restoreViewState", {"lat": 25.67, "lon": -100.31, "zoom": 11, "base": "plain"}) \
        in again.map.calls
    again.close()
