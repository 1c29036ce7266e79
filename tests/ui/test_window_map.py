"""The window and the real map page (QtWebEngine offscreen), in Spanish at 1366 x 768:
issue 15's window items that reach into the page - an incident chosen in the log centres
the map, the roster's filter filters the map's units, agencies by name in the hover box,
night mode dims the page, and right-click "log position here" for the selected unit.
The screenshots here are the ones to judge the window by: map included."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QMenu
from sqlalchemy import func, select

# Imported before pytest-qt creates the application: it declares the enlace:// scheme.
from fieldclient.map.widget import MapView  # noqa: F401
from fieldclient.store.models import Unit
from fieldclient.ui.roster_model import LAT
from tests.ui.conftest import open_window
from tests.ui.screen_checks import screenshot

READY_MS = 60_000


@pytest.fixture
def map_window(qtbot, demo_store, translations, monkeypatch, sync_tasks) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("ENLACE_NO_MAP", raising=False)
    monkeypatch.setenv("ENLACE_NO_SYNC", "1")
    from fieldclient.ui.tasks import set_synchronous, wait_idle

    set_synchronous(False)  # the map reads its snapshot on its own thread
    w = open_window(qtbot, demo_store, translations)
    qtbot.waitUntil(lambda: w.map is not None, timeout=READY_MS)
    with qtbot.waitSignal(w.map.ready, timeout=READY_MS):
        pass
    yield w
    w.close()
    # Deleted now, not at interpreter exit: a web page outliving its profile then
    # crashes the process on the way out.
    with qtbot.waitSignal(w.destroyed, timeout=10_000):
        w.deleteLater()
    wait_idle(10_000)
    set_synchronous(True)


def js(qtbot, view, code: str) -> Any:  # type: ignore[no-untyped-def]
    """The value of a JS expression (through JSON: arrays do not cross the bridge as lists)."""
    with qtbot.waitCallback(timeout=10_000) as result:
        view.page().runJavaScript(f"JSON.stringify({code})", 0, result)
    return json.loads(result.args[0]) if result.args[0] else None


def settled_screenshot(qtbot, w, name: str) -> None:  # type: ignore[no-untyped-def]
    """A screenshot once the page has drawn its symbols and two grabs in a row agree
    (Chromium paints on its own schedule; an early grab shows an older frame)."""
    drawn = "document.querySelectorAll('.marker-cluster, .enl-marker').length"
    qtbot.waitUntil(lambda: js(qtbot, w.map, drawn) > 0, timeout=10_000)
    last: list[Any] = [None]

    def steady() -> bool:
        image = w.map.grab().toImage()
        same = last[0] is not None and image == last[0]
        last[0] = image
        return same

    qtbot.waitUntil(steady, timeout=10_000)
    screenshot(w, name)


def _units_on_map(store, **where: str) -> int:  # type: ignore[no-untyped-def]
    with store.session() as s:
        q = select(func.count()).select_from(Unit).where(
            Unit.pos_lat.is_not(None), Unit.status != "retired",
            *[getattr(Unit, k) == v for k, v in where.items()])
        return int(s.scalar(q))


def test_log_and_roster_drive_the_map(qtbot, map_window) -> None:  # type: ignore[no-untyped-def]
    """An incident chosen in the log centres the map on it; the roster's agency filter
    leaves only that agency's units on the map (and clearing it brings all back); the
    hover box names the agency."""
    w = map_window
    m = w.map
    total = js(qtbot, m, "EnlaceMap.stats().units")
    assert total == _units_on_map(w.store)
    settled_screenshot(qtbot, w, "00-main-window-with-map-1366x768-es")

    w.show_panel(w.incident_dock)
    inc = next(r for r in w.incidents._rows if r.lat is not None)
    w.incidents.select_incident(inc.id)
    centre = "(function(){var c=EnlaceMap.map().getCenter();return [c.lat,c.lng,EnlaceMap.map().getZoom()];})()"
    qtbot.waitUntil(lambda: abs(js(qtbot, m, centre)[0] - inc.lat) < 1e-4, timeout=10_000)
    lat, lon, zoom = js(qtbot, m, centre)
    assert abs(lon - inc.lon) < 1e-4 and zoom >= 12
    settled_screenshot(qtbot, w, "05-incident-centred-es")

    w.show_panel(w.roster_dock)
    gn = _units_on_map(w.store, agency="gn")
    assert 0 < gn < total
    w.roster.agency.setCurrentIndex(w.roster.agency.findData("gn"))
    qtbot.waitUntil(lambda: js(qtbot, m, "EnlaceMap.stats().units") == gn, timeout=20_000)
    settled_screenshot(qtbot, w, "05-map-filtered-guardia-nacional-es")
    # the hover box of a Guardia Nacional unit names its agency, not its slug
    uid = next(w.model.unit_id(r) for r in range(w.model.rowCount())
               if w.model.row_at(r)[LAT] is not None)
    w.roster.select_unit(uid)
    show = (f"(function(){{var u=EnlaceMap.unit('{uid}');"
            f"EnlaceMap.map().setView([u.lat,u.lon],16,{{animate:false}});"
            f"return EnlaceMap.unit('{uid}').shown;}})()")
    qtbot.waitUntil(lambda: js(qtbot, m, show), timeout=10_000)
    hover = ("(function(){var label=[].slice.call(document.querySelectorAll('.enl-selected'))[0];"
             "label.dispatchEvent(new MouseEvent('mouseover',{bubbles:true}));"
             "return document.querySelector('.enl-info').textContent;})()")
    info = js(qtbot, m, hover)
    assert "Guardia Nacional" in info and " gn " not in f" {info} "
    w.roster.agency.setCurrentIndex(0)
    qtbot.waitUntil(lambda: js(qtbot, m, "EnlaceMap.stats().units") == total, timeout=20_000)


def test_night_mode_and_log_position_here(qtbot, map_window) -> None:  # type: ignore[no-untyped-def]
    """Night mode dims and reddens the page itself; a right-click on the map offers "log
    position here" for the selected unit, and the dialog opens at that point."""
    w = map_window
    m = w.map
    w.toolbar.act_night.trigger()
    night = "document.documentElement.classList.contains('enl-night')"
    qtbot.waitUntil(lambda: js(qtbot, m, night), timeout=10_000)
    filt = js(qtbot, m, "getComputedStyle(document.querySelector('.leaflet-container')).filter")
    assert "sepia" in filt and "brightness" in filt
    settled_screenshot(qtbot, w, "07-night-mode-with-map-es")
    w.toolbar.act_night.trigger()
    qtbot.waitUntil(lambda: not js(qtbot, m, night), timeout=10_000)

    uid = w.model.unit_id(0)
    w.roster.select_unit(uid)
    js(qtbot, m, "(EnlaceMap.map().fire('contextmenu', {latlng: L.latLng(20.5, -103.25)}), true)")
    qtbot.waitUntil(lambda: isinstance(m._menu, QMenu) and m._menu.isVisible(), timeout=10_000)
    act = m._menu.findChild(type(m._menu.actions()[0]), "map-log-position")
    assert act is not None and act.isEnabled()
    act.trigger()
    dlg = w.last_dialog
    assert dlg.objectName() == "positionDialog" and dlg.unit_id == uid
    lat, lon = dlg.coords.value()
    assert abs(lat - 20.5) < 1e-4 and abs(lon + 103.25) < 1e-4
    screenshot(dlg, "08-log-position-here-es")
    dlg.reject()
