"""Issue 15, item 1: a map-first window that fits a field laptop. The map takes most of
the window, every panel can be closed and brought back from the View menu, the layout
is saved on quit (SIGTERM too) and reset from the menu, and the window never opens
larger than the screen."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QByteArray, QRect
from PySide6.QtWidgets import QToolButton

from tests.ui.conftest import open_window
from tests.ui.screen_checks import screenshot, truncated
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]


def _map_share(w) -> float:  # type: ignore[no-untyped-def]
    c = w.centralWidget().geometry()
    return c.width() * c.height() / (w.width() * w.height())


def test_map_takes_most_of_a_field_laptop_window(es_window):  # type: ignore[no-untyped-def]
    """At 1366 x 768 the map gets at least 60% of the window (it had 18%): Units and the
    Incident log share one side panel as tabs; Sync, Conflicts and Track wait closed."""
    w = es_window
    screenshot(w, "01-layout-1366x768-es")
    assert _map_share(w) >= 0.60, _map_share(w)
    assert w.roster_dock.isVisible() and not w.incident_dock.isHidden()
    assert w.tabifiedDockWidgets(w.roster_dock) == [w.incident_dock]
    assert all(d.isHidden() for d in (w.sync_dock, w.conflicts_dock, w.track_dock))
    assert w.roster.table.verticalHeader().defaultSectionSize() >= 24  # was 20 px
    assert w.font().pointSizeF() >= 10  # was 9 pt


def test_nothing_is_cut_at_1280_by_720(qtbot, demo_store, translations, monkeypatch, sync_tasks):  # type: ignore[no-untyped-def]
    """The smallest supported window still holds every control with its whole text, and
    the map keeps more than half of it."""
    monkeypatch.setenv("ENLACE_NO_MAP", "1")
    monkeypatch.setenv("ENLACE_NO_SYNC", "1")
    w = open_window(qtbot, demo_store, translations, size=(1280, 720))
    screenshot(w, "01-layout-1280x720-es")
    hint = w.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720, hint
    assert (w.width(), w.height()) == (1280, 720)
    assert _map_share(w) >= 0.55
    extension = w.toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert extension is None or not extension.isVisible()  # no toolbar button pushed out
    assert truncated(w) == []
    w.close()


def test_every_panel_comes_back_from_the_view_menu(es_window, qtbot):  # type: ignore[no-untyped-def]
    """Closing a panel is never final: its View menu entry (checked while open) reopens it."""
    w = es_window
    actions = {a.text(): a for a in w.menus.panel_actions}
    assert set(actions) == {"Unidades", "Bitácora de incidentes", "Recorrido",
                            "Sincronización", "Conflictos"}
    for dock in w.docks():
        dock.close()
        assert dock.isHidden()
        act = dock.toggleViewAction()
        assert act in w.menus.view_menu.actions() and not act.isChecked()
        act.trigger()
        assert dock.isVisible() and act.isChecked()
    screenshot(w, "01-all-panels-open-es")


def test_layout_is_saved_on_quit_and_reset_from_the_menu(qtbot, demo_store, translations,  # type: ignore[no-untyped-def]
                                                         monkeypatch, sync_tasks):
    """A closed panel stays closed at the next start; View > Reset layout brings the
    map-first arrangement back."""
    monkeypatch.setenv("ENLACE_NO_MAP", "1")
    monkeypatch.setenv("ENLACE_NO_SYNC", "1")
    w = open_window(qtbot, demo_store, translations)
    w.roster_dock.close()
    w.show_panel(w.conflicts_dock)
    w.close()
    again = open_window(qtbot, demo_store, translations)
    assert again.roster_dock.isHidden() and again.conflicts_dock.isVisible()
    again.menus.act_reset_layout.trigger()
    assert again.roster_dock.isVisible() and again.conflicts_dock.isHidden()
    assert again.tabifiedDockWidgets(again.roster_dock) == [again.incident_dock]
    screen = again.screen().availableGeometry()  # reset also fits the window to the screen
    assert again.width() <= screen.width() and again.height() <= screen.height()
    again.resize(1366, 768)
    again.reset_layout()
    qtbot.waitUntil(lambda: _map_share(again) >= 0.60)
    again.close()


def test_a_layout_from_the_old_window_is_not_restored(qtbot, demo_store, translations,  # type: ignore[no-untyped-def]
                                                      monkeypatch, sync_tasks):
    """A state saved by the office-form layout (no version) gives the new default."""
    monkeypatch.setenv("ENLACE_NO_MAP", "1")
    monkeypatch.setenv("ENLACE_NO_SYNC", "1")
    from fieldclient.ui.settings import open_settings

    first = open_window(qtbot, demo_store, translations)
    old_state = first.saveState()  # version 0, as the old window saved it
    first.close()
    settings = open_settings(demo_store.data_dir)
    settings.setValue("window/state", old_state)
    settings.sync()
    w = open_window(qtbot, demo_store, translations)
    assert w.tabifiedDockWidgets(w.roster_dock) == [w.incident_dock]
    assert w.sync_dock.isHidden()
    w.close()


def test_window_never_opens_larger_than_the_screen(qtbot, store, translations, monkeypatch,  # type: ignore[no-untyped-def]
                                                   sync_tasks):
    """A window saved at 1400 x 860 on a big monitor opens inside this screen, and a
    first start opens within it too (it used to open at 1400 x 860 on any screen)."""
    monkeypatch.setenv("ENLACE_NO_MAP", "1")
    monkeypatch.setenv("ENLACE_NO_SYNC", "1")
    from fieldclient.ui import dock_layout
    from fieldclient.ui.main_window import MainWindow

    first = MainWindow(store, translations)
    qtbot.addWidget(first)
    screen = first.screen().availableGeometry()
    assert first.width() <= screen.width() and first.height() <= screen.height()
    first.resize(1400, 860)
    first.move(300, 200)
    first.close()  # saves the big geometry
    again = MainWindow(store, translations)
    qtbot.addWidget(again)
    frame = dock_layout.FRAME_ALLOWANCE
    assert again.width() <= screen.width() - frame.width()
    assert again.height() <= screen.height() - frame.height()
    assert screen.contains(QRect(again.pos(), again.size()))
    # and the arithmetic on a field laptop's screen
    small = QRect(0, 0, 1366, 768)
    again.resize(1600, 1000)
    dock_layout.fit_to_screen(again, small)
    assert again.width() <= 1366 and again.height() <= 768 - frame.height()
    assert dock_layout.default_size(small).height() <= 768
    assert isinstance(first.settings.value("window/geometry"), QByteArray)
    again.close()


def test_sigterm_saves_the_layout(tmp_path):  # type: ignore[no-untyped-def]
    """`kill` (SIGTERM) closes the window as Quit does: the layout is in the settings
    afterwards and the process exits 0 (before, the layout of that session was lost)."""
    data = tmp_path / "data"
    env = {**os.environ, "ENLACE_NO_MAP": "1", "ENLACE_NO_SYNC": "1",
           "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--data-dir", str(data),
                             "--lang", "es"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        log = data / "enlace.log"
        wait_until(lambda: log.exists() and "main window shown" in log.read_text(), timeout=60)
        assert not (data / "enlace-ui.ini").exists() or \
            "state=" not in (data / "enlace-ui.ini").read_text()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0, proc.stderr.read() if proc.stderr else ""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    ini = (data / "enlace-ui.ini").read_text()
    assert "state=" in ini and "geometry=" in ini
    assert "SIGTERM" in (data / "enlace.log").read_text()


def test_map_only_collapses_every_panel_and_brings_them_back(es_window, qtbot):  # type: ignore[no-untyped-def]
    """View > Map only (F11) gives the whole window to the map; again, the same panels
    come back where they were."""
    w = es_window
    w.show_panel(w.sync_dock)
    before = [d for d in w.docks() if not d.isHidden()]
    w.menus.act_map_only.trigger()
    assert all(d.isHidden() for d in w.docks())
    qtbot.waitUntil(lambda: _map_share(w) > 0.85)  # once the window has laid itself out
    screenshot(w, "01-map-only-es")
    w.menus.act_map_only.trigger()
    assert [d for d in w.docks() if not d.isHidden()] == before
