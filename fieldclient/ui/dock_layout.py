"""Where the panels go: map first.

By default the map takes the centre and most of the window (at least 60% of it at
1366 x 768); Units and the Incident log share one side panel as tabs; Sync, Conflicts
and Track are bottom panels, closed until asked for (View menu, the state badge's
counts, a unit's track). Every panel can be closed, moved or floated; the View menu
brings any of them back and resets the whole layout. The layout is saved in the data
folder's settings on quit (SIGTERM included, see app.py) and restored at the next start;
the window is never larger than the screen it opens on.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabWidget

# Bumped whenever the default arrangement changes: a state saved by an older layout
# (the office-form one) is then not restored, and the user gets the new default.
LAYOUT_VERSION = 2
GEOMETRY_KEY = "window/geometry"
STATE_KEY = "window/state"
SIDE_WIDTH = 390  # px: callsign, status and age without scrolling; two filters a row
BOTTOM_HEIGHT = 210
FRAME_ALLOWANCE = QSize(0, 36)  # title bar and borders, before the window manager says
Area = Qt.DockWidgetArea


def side_docks(w: QMainWindow) -> list[QDockWidget]:
    return [w.roster_dock, w.incident_dock]  # type: ignore[attr-defined]


def bottom_docks(w: QMainWindow) -> list[QDockWidget]:
    return [w.sync_dock, w.conflicts_dock, w.track_dock]  # type: ignore[attr-defined]


def prepare(w: QMainWindow) -> None:
    """Options that hold in every layout: tabs on top, side panels full height."""
    w.setDockOptions(QMainWindow.DockOption.AnimatedDocks
                     | QMainWindow.DockOption.AllowTabbedDocks
                     | QMainWindow.DockOption.AllowNestedDocks)
    w.setTabPosition(Qt.DockWidgetArea.AllDockWidgetAreas, QTabWidget.TabPosition.North)
    for corner, area in ((Qt.Corner.TopLeftCorner, Area.LeftDockWidgetArea),
                         (Qt.Corner.BottomLeftCorner, Area.LeftDockWidgetArea),
                         (Qt.Corner.TopRightCorner, Area.RightDockWidgetArea),
                         (Qt.Corner.BottomRightCorner, Area.RightDockWidgetArea)):
        w.setCorner(corner, area)


def apply_default(w: QMainWindow) -> None:
    """The map-first arrangement (also what View > Reset layout restores)."""
    side, bottom = side_docks(w), bottom_docks(w)
    for dock in side + bottom:
        dock.setFloating(False)
        w.removeDockWidget(dock)
    for dock in side:
        w.addDockWidget(Area.LeftDockWidgetArea, dock)
        dock.show()
    w.tabifyDockWidget(side[0], side[1])
    for dock in bottom:
        w.addDockWidget(Area.BottomDockWidgetArea, dock)
    w.tabifyDockWidget(bottom[0], bottom[1])
    w.tabifyDockWidget(bottom[1], bottom[2])
    for dock in bottom:
        dock.hide()
    side[0].raise_()
    w.resizeDocks([side[0]], [SIDE_WIDTH], Qt.Orientation.Horizontal)


def show_panel(w: QMainWindow, dock: QDockWidget) -> None:
    """Open a panel (wherever it was last) and bring its tab to the front."""
    if dock.isHidden():
        dock.show()
        if dock in bottom_docks(w) and not dock.isFloating():
            w.resizeDocks([dock], [BOTTOM_HEIGHT], Qt.Orientation.Vertical)
    dock.raise_()


def map_only(w: QMainWindow, on: bool, docks: list[QDockWidget],
             remembered: list[QDockWidget]) -> list[QDockWidget]:
    """Collapse every open panel (the whole window for the map) or bring back the ones
    that were open; returns the panels to bring back next time."""
    if on:
        opened = [d for d in docks if not d.isHidden()]
        for dock in opened:
            dock.hide()
        return opened
    for dock in remembered:
        dock.show()
    return []


def default_size(available: QRect) -> QSize:
    """Fill a laptop's screen; on a big monitor, a comfortable 1600 x 1000."""
    room = available.size() - FRAME_ALLOWANCE
    return QSize(min(room.width(), 1600), min(room.height(), 1000))


def fit_to_screen(w: QMainWindow, available: QRect | None = None) -> None:
    """Shrink and move the window so all of it is on the screen (a layout saved on a
    bigger monitor, or a default larger than this laptop's screen)."""
    if available is None:
        screen = w.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        available = screen.availableGeometry()
    room = available.size() - FRAME_ALLOWANCE
    size = w.size().boundedTo(room)
    if size != w.size():
        w.resize(size)
    x = min(max(w.x(), available.left()), available.right() - size.width() + 1)
    y = min(max(w.y(), available.top()), available.bottom() - size.height() + 1)
    if (x, y) != (w.x(), w.y()):
        w.move(x, y)


def restore(w: QMainWindow, geometry: object, state: object) -> bool:
    """Restore a saved layout; False (and the default applied) when there is none or it
    comes from an older arrangement. The window is fitted to the screen either way."""
    restored = False
    if isinstance(geometry, QByteArray) and not geometry.isEmpty():
        w.restoreGeometry(geometry)
    else:
        screen = w.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            w.resize(default_size(screen.availableGeometry()))
    if isinstance(state, QByteArray) and not state.isEmpty():
        restored = w.restoreState(state, LAYOUT_VERSION)
    if not restored:
        apply_default(w)
    fit_to_screen(w)
    return restored


def save(w: QMainWindow) -> tuple[QByteArray, QByteArray]:
    return w.saveGeometry(), w.saveState(LAYOUT_VERSION)
