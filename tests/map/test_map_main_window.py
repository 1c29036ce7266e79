"""The map as the UI engineer's main window embeds it (real window, real page)."""

from __future__ import annotations

import pytest

from fieldclient.map.widget import MapView


@pytest.fixture
def main_window(qtbot, store, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("ENLACE_NO_MAP", raising=False)
    monkeypatch.setenv("ENLACE_NO_SYNC", "1")
    from fieldclient.ui.i18n import Translations
    from fieldclient.ui.main_window import MainWindow
    from fieldclient.ui.tasks import wait_idle

    t = Translations()
    t.install("en")
    w = MainWindow(store, t)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    # The window opens with a placeholder and installs the map once it is shown.
    with qtbot.waitSignal(w.mapInstalled, timeout=10_000):
        w.show()
    yield w
    w.close()
    wait_idle(10_000)


def test_main_window_map_follows_roster_and_reports_clicks(units, main_window, js, qtbot) -> None:
    """The window's centre is a live MapView; a roster selection highlights the unit on the map
    and draws its track, and a click on the map selects the unit in the roster."""
    w = main_window
    assert isinstance(w.map, MapView)
    assert w.map.isVisible()  # the welcome page is for empty stores
    with qtbot.waitSignal(w.map.ready, timeout=30_000):  # page up, every unit placed
        pass
    assert js(w.map, "EnlaceMap.stats().units") == len(units)
    w.roster.select_unit(units[4])
    qtbot.waitUntil(lambda: js(w.map, "EnlaceMap.stats().selected") == units[4], timeout=10_000)
    qtbot.waitUntil(lambda: js(w.map, "EnlaceMap.stats().track") > 0, timeout=10_000)
    # Jump to units[2] (repeated while polling: the cluster layer ignores moves made
    # during the zoom animation that revealing units[4] started).
    show = (f"EnlaceMap.map().setView([19.8, -103.0], 15, {{animate: false}}), "
            f"EnlaceMap.unit('{units[2]}').shown")
    qtbot.waitUntil(lambda: js(w.map, show), timeout=10_000)
    with qtbot.waitSignal(w.map.unitSelected, timeout=10_000):
        assert js(w.map, f"EnlaceMap.click('{units[2]}')")
