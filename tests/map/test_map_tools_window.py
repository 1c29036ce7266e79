"""The map tools in the real main window, as a user meets them: 1366x768, Spanish, the demo
deployment; screenshots with the grid, a measurement and trails are saved for review in
$ENLACE_TEST_ARTEFACTS/map-tools or build/test-artefacts/map-tools (git-ignored), next to
the window's own (tests/ui)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QToolBar

from fieldclient.demo import load_demo
from fieldclient.map.tools_ui import MAP_MENU, MapSourcesDialog
from fieldclient.map.widget import MapView
from fieldclient.ui.i18n import Translations


@pytest.fixture
def artefacts() -> Path:
    root = Path(__file__).resolve().parents[2]
    folder = Path(os.environ.get("ENLACE_TEST_ARTEFACTS") or root / "build" / "test-artefacts")
    folder = folder / "map-tools"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def spanish_window(qtbot, store, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("ENLACE_NO_MAP", raising=False)
    monkeypatch.setenv("ENLACE_NO_SYNC", "1")
    from fieldclient.ui.main_window import MainWindow
    from fieldclient.ui.tasks import wait_idle

    load_demo(store)
    t = Translations()
    t.install("es")
    w = MainWindow(store, t)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    with qtbot.waitSignal(w.mapInstalled, timeout=10_000):
        w.show()
    with qtbot.waitSignal(w.map.ready, timeout=30_000):
        pass
    # The map-first layout a user gets at 1366x768 (side panel open, bottom panels closed).
    qtbot.waitUntil(lambda: w.map.width() > 0.6 * w.width(), timeout=10_000)
    yield w
    w.close()
    wait_idle(10_000)
    t.install("en")


def settle(qtbot, js, view: MapView) -> None:
    qtbot.waitUntil(lambda: js(view, "!EnlaceMap.stats().animating && "
                                     "document.getAnimations().length === 0 && "
                                     "!EnlaceGrid.stats().pending && !EnlaceLabels.stats().pending"),
                    timeout=15_000)


def shoot(qtbot, window, folder: Path, name: str) -> Path:
    qtbot.wait(50)  # one more frame painted into the widget's backing store
    img = window.grab().toImage()
    path = folder / f"{name}.png"
    img.save(str(path))
    colours = {img.pixel(x, y) for x in range(0, img.width(), 9) for y in range(0, img.height(), 9)}
    assert img.width() == 1366 and len(colours) > 30, name
    return path


def test_map_tools_in_the_spanish_window(spanish_window, js, qtbot, artefacts) -> None:
    """The window has a Map menu and a map tools bar in Spanish; from them: go to
    Guadalajara by name, the MGRS grid with its labels, the centre readout in MGRS, a
    measurement from a unit in kilometres and milésimas, and the trails of a whole agency
    with the replay bar, each captured at 1366x768."""
    w = spanish_window
    tools = w.map_tools
    view = w.map
    menu = w.menuBar().findChild(QMenu, MAP_MENU)
    assert menu is not None and menu.title() == "&Mapa"
    assert w.findChild(QToolBar, "mapToolsBar") is tools.toolbar
    assert [a.text() for a in (tools.act_grid, tools.act_crosshair, tools.act_measure,
                               tools.act_trails)] == ["Cuadrícula MGRS", "Centro", "Medir",
                                                      "Trayectorias…"]
    # Every tool on screen at 1366 px, none folded into the toolbar's overflow menu.
    assert tools.box.isVisible() and all(
        tools.toolbar.widgetForAction(a).isVisible()
        for a in (tools.act_grid, tools.act_crosshair, tools.act_measure, tools.act_trails))
    tools.box.insert("Guadalajara")
    qtbot.keyClick(tools.box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: abs(view.centre()[0] - 20.67) < 0.05, timeout=15_000)
    w.set_coord_format("mgrs")
    tools.act_grid.trigger()
    tools.act_crosshair.trigger()
    js(view, "EnlaceMap.map().setZoom(13, {animate: false}); 1")
    settle(qtbot, js, view)
    grid = json.loads(js(view, "JSON.stringify(EnlaceGrid.stats())"))
    assert grid["level"] == 1000 and "13Q FC" in " ".join(grid["labels"])
    assert grid["crosshair"].startswith("13Q FC")
    shoot(qtbot, w, artefacts, "1-grid-crosshair-es")

    tools.act_measure.trigger()
    assert view.tools.measuring
    rec = json.loads(js(view, """JSON.stringify((function () {
      var m = EnlaceMap.map(), size = m.getSize(), best = null;
      document.querySelectorAll('.enl-unit').forEach(function (el) {
        var r = el.getBoundingClientRect();
        if (!best && r.left > 200 && r.top > 120 && r.left < size.x - 300 && r.top < size.y - 200) best = el;
      });
      var r = best.getBoundingClientRect();
      return {x: r.left + 8, y: r.top + 8};
    })())"""))
    js(view, f"document.elementFromPoint({rec['x']}, {rec['y']}).dispatchEvent("
             "new MouseEvent('click', {bubbles: true, cancelable: true})); 1")
    js(view, "(function (m) { m.fire('click', {latlng: m.containerPointToLatLng("
             "[m.getSize().x * 0.8, m.getSize().y * 0.3])}); })(EnlaceMap.map()); 1")
    qtbot.waitUntil(lambda: js(view, "EnlaceMeasure.state().text") is not None, timeout=10_000)
    state = json.loads(js(view, "JSON.stringify(EnlaceMeasure.state())"))
    assert state["a"]["unit"] and "milésimas" in state["text"] and " km" in state["text"]
    settle(qtbot, js, view)
    shoot(qtbot, w, artefacts, "2-measure-es")
    tools.act_measure.trigger()

    with qtbot.waitSignal(view.trailsShown, timeout=20_000) as sig:
        view.show_trails(agency="pol-jal", hours=24)
    assert sig.args[0] > 5
    js(view, "EnlaceMap.map().setView([20.68, -103.35], 12, {animate: false}); 1")
    settle(qtbot, js, view)
    assert js(view, "document.querySelector('.enl-trails-summary').textContent").endswith(
        "trayectorias")
    shoot(qtbot, w, artefacts, "3-trails-es")
    dlg = MapSourcesDialog(w)
    assert "GeoNames" in dlg.sources() and "CC BY 4.0" in dlg.sources()
    dlg.deleteLater()


def test_operation_area_zones_and_flags_in_the_spanish_window(spanish_window, js, qtbot,
                                                              store) -> None:
    """Proves, in the real window with the demo: the roster's outside-jurisdiction flags
    reach the map as badges (the same units), the zones and operation areas are switcher
    overlays named in Spanish, amCharts is credited for the state boundaries, Mapa > Área del operativo… without an operation chosen says
    to choose one, opens the editor for the chosen one, and tells a commander of a
    non-lead agency why not, with no tools."""
    from fieldclient.store import meta, operations

    w = spanish_window
    view = w.map
    qtbot.waitUntil(lambda: bool(view.overlays.outside), timeout=15_000)
    assert all(w.model.is_outside(u) for u in view.overlays.outside)
    qtbot.waitUntil(lambda: json.loads(js(view, "JSON.stringify(EnlaceMap.stats())"))["outside"]
                    == len(view.overlays.outside), timeout=10_000)
    def names() -> list[str]:  # the switcher's overlays (the zones come after the units)
        return json.loads(js(view, "JSON.stringify(Array.from(document.querySelectorAll("
                                   "'.leaflet-control-layers-overlays label')).map(l => "
                                   "l.textContent.trim()))"))

    qtbot.waitUntil(lambda: "Zonas de jurisdicción" in names(), timeout=10_000)
    assert "Áreas de operativos" in names()
    credit = js(view, "document.querySelector('.leaflet-control-attribution').textContent")
    assert "Límites estatales: amCharts" in credit  # the linkware credit, in Spanish
    tools = w.map_tools
    assert tools.act_area.text() == "Área del operativo…"
    assert tools.edit_area().startswith("Primero elija un operativo")
    with store.session() as s:
        op = operations.by_code(s, "OP-JAL-01").id
    w.choose_operation(op)
    tools.act_area.trigger()
    assert not tools.message.isVisible()

    def editor() -> dict:
        return json.loads(js(view, "JSON.stringify(EnlaceAreaEdit.state())"))

    qtbot.waitUntil(lambda: editor()["bar"] and editor()["drawn"], timeout=10_000)
    assert js(view, "document.querySelector('.enl-area-title').textContent") == \
        "Área de OP-JAL-01"
    js(view, "EnlaceAreaEdit.cancel(); 1")
    qtbot.waitUntil(lambda: not editor()["bar"], timeout=10_000)
    with store.transaction() as s:
        for key, value in ((meta.SIGNED_IN_USER, "cmd-jal"), (meta.SIGNED_IN_ROLE, "commander"),
                           (meta.SIGNED_IN_AGENCY, "pol-jal")):
            store.set_meta(key, value, session=s)
    said = tools.edit_area()
    assert "Secretaría de la Defensa Nacional" in said  # the lead agency, by name
    assert tools.message.isVisible() and tools.message.text() == said
    assert editor()["bar"] is False
