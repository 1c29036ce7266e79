"""The main window: map in the centre, roster left, incident log right, a tabbed
bottom dock (Sync, Conflicts, Track), the toolbar and the status bar. Wires the
store's change events to every view. The map is installed just after the window
is first shown; where it cannot run, a placeholder in its place says why."""

from __future__ import annotations

import json
import logging
import os
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from fieldclient.demo import load_demo
from fieldclient.store.db import Store
from fieldclient.store.events import ChangeSet
from fieldclient.store.models import Unit
from fieldclient.store.writer import LocalWriter
from fieldclient.ui import geo, site_profile
from fieldclient.ui.application import MAP_BLOCKED_AS_ROOT, NO_MAP_ENV
from fieldclient.ui.conflicts_panel import ConflictsPanel
from fieldclient.ui.errors import show_error
from fieldclient.ui.events import StoreEvents
from fieldclient.ui.i18n import Retranslatable, Translations
from fieldclient.ui.incident_dialog import IncidentDialog
from fieldclient.ui.incident_panel import IncidentPanel
from fieldclient.ui.position_dialog import PositionDialog
from fieldclient.ui.roster_model import CALLSIGN, RosterModel
from fieldclient.ui.roster_view import RosterPanel
from fieldclient.ui.settings import (
    COORD_FORMAT_KEY,
    LANGUAGE_KEY,
    STALE_MINUTES_KEY,
    WELCOME_DONE_KEY,
    open_settings,
    stale_minutes,
)
from fieldclient.ui.signin_dialog import SignInDialog
from fieldclient.ui.status_bar import StatusBar
from fieldclient.ui.sync_controller import SyncController, outbox_counts
from fieldclient.ui.sync_panel import SyncPanel
from fieldclient.ui.tasks import run_task
from fieldclient.ui.toolbar import MainToolBar
from fieldclient.ui.track_panel import TrackPanel
from fieldclient.ui.unit_dialog import UnitDialog
from fieldclient.ui.welcome import WelcomePanel
from fieldclient.ui.window_records import WindowRecords

if TYPE_CHECKING:
    from fieldclient.map.widget import MapView

log = logging.getLogger(__name__)

FULL_RELOAD_OVER = 5000  # a ChangeSet this large (demo load, first pull) reloads the roster
MAP_DELAY_MS = 50
NO_SYNC_ENV = "ENLACE_NO_SYNC"  # self-test and UI tests: no background sync thread


def _map_view_class() -> type[MapView]:
    # Imported on demand: loading QtWebEngine is the costliest part of start-up, and
    # benchmarks and UI tests that are not about the map run without it.
    from fieldclient.map import widget

    return widget.MapView


class MainWindow(Retranslatable, QMainWindow):
    rosterReady = Signal()  # first roster load finished (benchmarks, self-test)
    mapInstalled = Signal()  # the map widget took its place (it then loads its page)

    def __init__(
        self, store: Store, translations: Translations | None = None,
        parent: QWidget | None = None, roster_prefetch: Any = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.store = store
        self.translations = translations or Translations()
        self.settings = open_settings(store.data_dir)
        self.events = StoreEvents(store, self)
        self.writer = LocalWriter(store)
        self.coord_format = str(self.settings.value(COORD_FORMAT_KEY, "dd"))
        if self.coord_format not in geo.FORMATS:
            self.coord_format = "dd"
        self.roster_ready = False
        self._map_scheduled = False
        self.last_dialog: QDialog | None = None
        self._select_after_load: str | None = None

        self.model = RosterModel(self)
        self.model.set_stale_minutes(stale_minutes(self.settings))
        self.model.set_coord_format(self.coord_format)
        # Start reading the roster now: the query overlaps building the rest of the window.
        self.model.load(store, self._on_roster_loaded, roster_prefetch)
        self.roster = RosterPanel(store, self.model)
        self.roster.stale_spin.setValue(stale_minutes(self.settings))
        self.incidents = IncidentPanel(store, self.writer)
        self.track = TrackPanel(store)
        # centre: the welcome page on first run, else the map
        self.centre = QStackedWidget()
        # The map (a Chromium instance) is created just after the window is first shown, so
        # the roster and log are usable at once; until then a placeholder holds its place.
        self._map_cls: type[MapView] | None = (
            None if os.environ.get(NO_MAP_ENV) else _map_view_class())
        self.map_installed = self._map_cls is None
        self.map: MapView | None = None
        self.map_placeholder: QLabel | None = self._make_placeholder()
        self.map_slot = QWidget()
        self.map_slot.setObjectName("mapSlot")
        slot_layout = QVBoxLayout(self.map_slot)
        slot_layout.setContentsMargins(0, 0, 0, 0)
        slot_layout.addWidget(self.map_placeholder)
        self.welcome = WelcomePanel()
        self.centre.addWidget(self.map_slot)
        self.centre.addWidget(self.welcome)
        self.setCentralWidget(self.centre)

        # docks
        self.roster_dock = self._dock("rosterDock", self.roster, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.incident_dock = self._dock(
            "incidentDock", self.incidents, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.sync_panel = SyncPanel(store, self.events, self)
        self.conflicts_panel = ConflictsPanel(store, self.events, self.writer, self)
        self.sync_dock = self._dock("syncDock", self.sync_panel, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.conflicts_dock = self._dock(
            "conflictsDock", self.conflicts_panel, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.track_dock = self._dock("trackDock", self.track, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.sync_dock, self.conflicts_dock)
        self.tabifyDockWidget(self.conflicts_dock, self.track_dock)
        self.track_dock.raise_()
        self.resizeDocks([self.roster_dock, self.incident_dock], [540, 480], Qt.Orientation.Horizontal)
        self.resizeDocks([self.track_dock], [190], Qt.Orientation.Vertical)

        self.toolbar = MainToolBar(self.coord_format, self.translations.lang, self)
        self.addToolBar(self.toolbar)
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self.act_find = QAction(self)
        self.act_find.setShortcut(QKeySequence("Ctrl+F"))
        self.addAction(self.act_find)
        self._waiting_timer = QTimer(self)
        self._waiting_timer.setSingleShot(True)
        self._waiting_timer.setInterval(250)  # a burst of changes costs one count query
        self._waiting_timer.timeout.connect(self._refresh_waiting)
        self.sync_controller = SyncController(self.store, self.events, self)
        self.records = WindowRecords(self)  # detentions, use of force, oversight
        self._wire()
        self.retranslateUi()
        self._restore_layout()
        if not self.settings.value("window/geometry"):
            self.resize(1400, 860)

        if self.settings.value(WELCOME_DONE_KEY, False, type=bool) or self._has_units():
            self.centre.setCurrentWidget(self.map_slot)
        else:
            self.centre.setCurrentWidget(self.welcome)
        self.incidents.reload()
        self._refresh_waiting()
        site_profile.install(self)  # provisioning on first run; active profile in status bar

    # -- construction ---------------------------------------------------------------

    def _dock(self, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        return dock

    def _make_placeholder(self) -> QLabel:
        label = QLabel()
        label.setObjectName("mapPlaceholder")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        label.setStyleSheet("color: #666; background: #e8ecef; font-size: 14pt;")
        return label

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.map_installed and not self._map_scheduled:
            self._map_scheduled = True
            # a short pause lets the first frame of the window paint before Chromium starts
            QTimer.singleShot(MAP_DELAY_MS, self._install_map)

    def _install_map(self) -> None:
        if self.map_installed or self._map_cls is None or self.map_placeholder is None:
            return
        try:
            view = self._map_cls(
                self.store, self.events, self, stale_minutes=stale_minutes(self.settings)
            )
        except Exception:
            log.exception("the map could not start; showing a placeholder")
            self._map_cls = None
            self.map_installed = True
            self.retranslateUi()
            return
        layout = self.map_slot.layout()
        if layout is not None:
            layout.replaceWidget(self.map_placeholder, view)
        self.map_placeholder.hide()
        self.map_placeholder.deleteLater()
        self.map_placeholder = None
        self.map = view
        self._wire_map(view)
        self.map_installed = True
        self.mapInstalled.emit()

    def _wire_map(self, m: MapView) -> None:
        m.unitSelected.connect(self.roster.select_unit)
        m.logPositionRequested.connect(self._log_position_at)
        m.newIncidentRequested.connect(self._new_incident_at)
        m.cursorMoved.connect(self._on_cursor)
        m.incidentSelected.connect(self.incidents.select_incident)
        m.set_coord_format(self.coord_format)
        view = self.settings.value("map/view")
        if view:
            try:
                m.restore_view_state(json.loads(str(view)))
            except (ValueError, TypeError):
                log.warning("ignoring a damaged saved map view")
        selected = self.roster.selected_unit()
        if selected:
            self._on_unit_selected(selected)

    def _wire(self) -> None:
        tb = self.toolbar
        tb.act_new_unit.triggered.connect(lambda: self.new_unit())
        tb.act_log_position.triggered.connect(lambda: self.log_position())
        tb.act_new_incident.triggered.connect(lambda: self.new_incident())
        tb.act_sync.triggered.connect(self.sync_controller.sync_now)
        tb.coordFormatChosen.connect(self.set_coord_format)
        tb.languageChosen.connect(self.set_language)
        self.act_find.triggered.connect(self._find)
        self.events.changed.connect(self._on_changes)
        self.roster.unitSelected.connect(self._on_unit_selected)
        self.roster.editRequested.connect(lambda uid: self.edit_unit(uid))
        self.roster.retireRequested.connect(lambda uid: self.retire_unit(uid))
        self.roster.logPositionRequested.connect(lambda uid: self.log_position(uid))
        self.model.updated.connect(self._after_roster_update)
        self.roster.staleMinutesChanged.connect(self.set_stale_minutes)
        self.welcome.demoRequested.connect(self.load_demo)
        self.welcome.emptyRequested.connect(self._start_empty)
        self.welcome.signInRequested.connect(self.sign_in)
        self.sync_controller.statusChanged.connect(self.status.set_sync_status)
        self.sync_panel.syncRequested.connect(self.sync_controller.sync_now)
        self.status.set_sync_status(self.sync_controller.status())
        if not os.environ.get(NO_SYNC_ENV):
            self.sync_controller.start()

    def retranslateUi(self) -> None:
        self.setWindowTitle(self.tr("Enlace — field operations"))
        self.roster_dock.setWindowTitle(self.tr("Units"))
        self.incident_dock.setWindowTitle(self.tr("Incident log"))
        self.sync_dock.setWindowTitle(self.tr("Sync"))
        self.conflicts_dock.setWindowTitle(self.tr("Conflicts"))
        self.track_dock.setWindowTitle(self.tr("Track"))
        self.act_find.setText(self.tr("Find in roster"))
        self.records.retranslateUi()
        if self.map_placeholder is not None:
            if self._map_cls is not None:
                text = self.tr("Loading the map…")
            elif os.environ.get(NO_MAP_ENV) == MAP_BLOCKED_AS_ROOT:
                text = self.tr(
                    "The map cannot start while Enlace runs as the administrator (root): "
                    "the embedded browser's sandbox forbids it. Start Enlace as a normal user."
                )
            else:
                text = self.tr("The map is not available in this build.")
            self.map_placeholder.setText(text)

    def set_language(self, lang: str) -> None:
        if lang == self.translations.lang:
            return
        self.translations.install(lang)
        self.settings.setValue(LANGUAGE_KEY, lang)
        self.toolbar.set_language(self.translations.lang)
        # DMS hemisphere letters follow the language too
        self.model.set_coord_format(self.coord_format)

    def set_stale_minutes(self, minutes: int) -> None:
        self.settings.setValue(STALE_MINUTES_KEY, int(minutes))
        self.model.set_stale_minutes(int(minutes))
        if self.map is not None:
            self.map.set_stale_minutes(int(minutes))

    def set_coord_format(self, fmt: str) -> None:
        self.coord_format = fmt
        self.settings.setValue(COORD_FORMAT_KEY, fmt)
        self.model.set_coord_format(fmt)
        self.roster.set_coord_format(fmt)
        self.track.set_coord_format(fmt)
        self.incidents.set_coord_format(fmt)
        if self.map is not None:
            self.map.set_coord_format(fmt)
        self.toolbar.set_coord_format(fmt)

    # -- data flow --------------------------------------------------------------

    def _has_units(self) -> bool:
        with self.store.session() as s:
            return s.execute(select(Unit.id).limit(1)).first() is not None

    def _on_roster_loaded(self, error: BaseException | None) -> None:
        if error is not None:
            show_error(self, error)
            return
        self.roster_ready = True
        self.rosterReady.emit()

    def _on_changes(self, changes: ChangeSet) -> None:
        units = changes.get("unit")
        if len(units) > FULL_RELOAD_OVER:
            self.model.load(self.store)
        elif units:
            self.model.reload_units(units)
        self.track.on_changes(changes)
        self.incidents.on_changes(changes)
        self._waiting_timer.start()

    def _after_roster_update(self) -> None:
        if self._select_after_load and self.model.row_of(self._select_after_load) is not None:
            uid, self._select_after_load = self._select_after_load, None
            self.roster.select_unit(uid)

    def _on_unit_selected(self, unit_id: str) -> None:
        self.track.show_unit(unit_id)
        if self.map is not None:
            self.map.select_unit(unit_id)
            self.map.show_track(unit_id)

    def _find(self) -> None:
        self.roster_dock.show()
        self.roster_dock.raise_()
        self.roster.focus_search()

    def _on_cursor(self, lat: float, lon: float) -> None:
        self.status.show_cursor(lat, lon, self.coord_format)

    def _refresh_waiting(self) -> None:
        def fetch() -> Any:
            with self.store.session() as s:
                return outbox_counts(s)

        def done(counts: Any, error: BaseException | None) -> None:
            if error is None:
                self.status.set_counts(counts)

        run_task(fetch, done)

    # -- actions ---------------------------------------------------------------

    def _open(self, dialog: QDialog) -> QDialog:
        self.last_dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()  # window-modal but non-blocking: tests and the self-test drive it
        return dialog

    def new_unit(self) -> UnitDialog:
        dlg = UnitDialog(self.store, self.writer, parent=self)
        dlg.accepted.connect(lambda: self._select_later(dlg.saved_id))
        return self._open(dlg)  # type: ignore[return-value]

    def edit_unit(self, unit_id: str) -> UnitDialog | None:
        try:
            dlg = UnitDialog(self.store, self.writer, unit_id, parent=self)
        except Exception as err:  # noqa: BLE001
            show_error(self, err)
            return None
        return self._open(dlg)  # type: ignore[return-value]

    def retire_unit(self, unit_id: str, confirm: bool = True) -> bool:
        row = self.model.row_by_id(unit_id)
        callsign = row[CALLSIGN] if row else unit_id
        if confirm:
            answer = QMessageBox.question(
                self, self.tr("Retire unit"),
                self.tr("Retire {callsign}? It stays in the record, marked as retired.")
                .format(callsign=callsign),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        try:
            self.writer.retire_unit(unit_id)
        except Exception as err:  # noqa: BLE001
            show_error(self, err)
            return False
        return True

    def log_position(
        self, unit_id: str | None = None, at: tuple[float, float] | None = None
    ) -> PositionDialog | None:
        unit_id = unit_id or self.roster.selected_unit()
        if unit_id is None:
            self.status.showMessage(self.tr("Select a unit in the roster first."), 5000)
            return None
        dlg = PositionDialog(self.store, self.writer, unit_id, self.coord_format, at, parent=self)
        return self._open(dlg)  # type: ignore[return-value]

    def _log_position_at(self, lat: float, lon: float) -> None:
        self.log_position(at=(lat, lon))

    def new_incident(self, at: tuple[float, float] | None = None) -> IncidentDialog:
        dlg = IncidentDialog(self.store, self.writer, self.coord_format, at, parent=self)
        dlg.accepted.connect(lambda: self._select_incident_later(dlg.saved_id))
        return self._open(dlg)  # type: ignore[return-value]

    def _select_incident_later(self, incident_id: str | None) -> None:
        if incident_id:
            self.incidents.select_incident(incident_id)

    def _new_incident_at(self, lat: float, lon: float) -> None:
        self.new_incident(at=(lat, lon))

    def _select_later(self, unit_id: str | None) -> None:
        if unit_id is None:
            return
        if self.model.row_of(unit_id) is not None:
            self.roster.select_unit(unit_id)
        else:
            self._select_after_load = unit_id

    # -- first run ---------------------------------------------------------------

    def load_demo(self) -> None:
        self.welcome.set_busy(True)

        def done(_result: object, error: BaseException | None) -> None:
            self.welcome.set_busy(False)
            if error is not None:
                show_error(self, error)
                return
            self._finish_welcome()
            self.model.load(self.store)
            self.incidents.reload()
            self._refresh_waiting()

        run_task(lambda: load_demo(self.store), done)

    def _start_empty(self) -> None:
        self._finish_welcome()

    def _finish_welcome(self) -> None:
        self.settings.setValue(WELCOME_DONE_KEY, True)
        self.centre.setCurrentWidget(self.map_slot)

    def sign_in(self) -> None:
        dlg = SignInDialog(self.store, self, controller=self.sync_controller)
        dlg.accepted.connect(self._finish_welcome)
        self._open(dlg)

    # -- layout memory ------------------------------------------------------------

    def _restore_layout(self) -> None:
        geom = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geom, QByteArray):
            self.restoreGeometry(geom)
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        if self.map is not None:
            try:
                self.settings.setValue("map/view", json.dumps(self.map.save_view_state()))
            except Exception:  # the view is a convenience; never block closing
                log.exception("could not save the map view")
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.events.close()
        self.sync_controller.stop()
        super().closeEvent(event)
