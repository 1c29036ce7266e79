import json
from tests.map.test_map_tools_window import spanish_window, settle, shoot, artefacts  # noqa
from PySide6.QtCore import Qt
def test_scratch(spanish_window, js, qtbot, artefacts):
    w = spanish_window; tools = w.map_tools; view = w.map
    tools.box.insert("Guadalajara")
    qtbot.keyClick(tools.box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: abs(view.centre()[0] - 20.67) < 0.05, timeout=15_000)
    tools.act_grid.trigger(); tools.act_crosshair.trigger()
    js(view, "EnlaceMap.map().setZoom(13, {animate: false}); 1")
    settle(qtbot, js, view)
    print(js(view, "JSON.stringify(EnlaceGrid.stats())"))
    print(js(view, "JSON.stringify(EnlaceMap.map().getSize())"))
    print(js(view, "JSON.stringify(Array.from(document.querySelectorAll('.leaflet-control, .enl-notices, .enl-trails-bar')).map(function(e){var r=e.getBoundingClientRect(); return [e.className.slice(0,40), r.left, r.top, r.width, r.height]}))"))
    shoot(qtbot, w, artefacts, "debug")
