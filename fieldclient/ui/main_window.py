"""The main window, map first: the map in the centre with most of the window; Units and
the Incident log as tabs of one side panel; Sync, Conflicts and Track as bottom panels
opened when needed (dock_layout.py); the menus, the toolbar and the status bar with the
sync state badge. Wires the store's change events to every view. The map is installed
just after the window is first shown; where it cannot run, a placeholder says why."""

from __future__ import annotations

import json
import logging
import os
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
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
from fieldclient.map.import_ui import MapImport
from fieldclient.map.tools_ui import MapTools
from fieldclient.store.db import Store
from fieldclient.store.events import ChangeSet
from fieldclient.store.models import Agency, Unit
from fieldclient.store.writer import LocalWriter
from fieldclient.ui import dock_layout, geo, labels, site_profile, theme, times
from fieldclient.ui.application import MAP_BLOCKED_AS_ROOT, NO_MAP_ENV
from fieldclient.ui.conflicts_panel import ConflictsPanel
from fieldclient.ui.errors import show_error
from fieldclient.ui.events import StoreEvents
from fieldclient.ui.i18n import Retranslatable, Translations
from fieldclient.ui.incident_dialog import IncidentDialog
from fieldclient.ui.incident_panel import IncidentPanel
from fieldclient.ui.menus import MainMenuBar
from fieldclient.ui.operation_selector import OperationSelector
from fieldclient.ui.position_dialog import PositionDialog
from fieldclient.ui.report_dialog import WindowReport
from fieldclient.ui.roster_model import CALLSIGN, LAT, LON, OBSERVED, RosterModel
from fieldclient.ui.roster_view import RosterPanel
from fieldclient.ui.settings import (
    COORD_FORMAT_KEY,
    TIME_STYLE_KEY,
    WELCOME_DONE_KEY,
    open_settings,
    stale_minutes,
)
from fieldclient.ui.status_bar import StatusBar
from fieldclient.ui.sync_controller import SyncController
from fieldclient.ui.sync_panel import SyncPanel
from fieldclient.ui.tasks import run_task
from fieldclient.ui.toolbar import MainToolBar
from fieldclient.ui.track_panel import TrackPanel
from fieldclient.ui.unit_dialog import UnitDialog
from fieldclient.ui.welcome import WelcomePanel
from fieldclient.ui.window_operations import OperationActions
from fieldclient.ui.window_records import WindowRecords
from fieldclient.ui.window_settings import ViewSettings
from fieldclient.ui.window_sync import SyncActions

if TYPE_CHECKING:
    from fieldclient.map.widget import MapView

log = logging.getLogger(__name__)

FULL_RELOAD_OVER = 5000  # a ChangeSet this large (demo load, first pull) reloads the roster
MAP_DELAY_MS = 50
INCIDENT_ZOOM = 12  # a town around the incident: its diamond and the units near it
NO_SYNC_ENV = "ENLACE_NO_SYNC"  # self-test and UI tests: no background sync thread


def _map_view_class() -> type[MapView]:
    # Imported on demand: loading QtWebEngine is the costliest part of start-up, and
    # benchmarks and UI tests that are not about the map run without it.
    from fieldclient.map import widget

    return widget.MapView


class MainWindow(Retranslatable, ViewSettings, SyncActions, OperationActions, QMainWindow):
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
        times.set_style(str(self.settings.value(TIME_STYLE_KEY, times.LOCAL)))
        self.theme = theme.Theme(
            night=bool(self.settings.value(theme.NIGHT_KEY, False, type=bool)),
            large=bool(self.settings.value(theme.LARGE_KEY, False, type=bool)),
        )
        self._apply_app_theme()
        self._load_agency_names()
        self.roster_ready = False
        self._map_scheduled = False
        self._default_layout = False
        self.last_dialog: QDialog | QMessageBox | None = None
        self._select_after_load: str | None = None
        self._incident_from_map: str | None = None
        self._signed_in = False
        self._collapsed: list[QDockWidget] = []  # panels "Map only" hid
        self._operation = ""  # the joint operation the views are narrowed to ("": all)

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

        # panels (placed by dock_layout: restored, or the map-first default)
        dock_layout.prepare(self)
        self.roster_dock = self._dock("rosterDock", self.roster)
        self.incident_dock = self._dock("incidentDock", self.incidents)
        self.sync_panel = SyncPanel(store, self.events, self)
        self.conflicts_panel = ConflictsPanel(store, self.events, self.writer, self)
        self.sync_dock = self._dock("syncDock", self.sync_panel)
        self.conflicts_dock = self._dock("conflictsDock", self.conflicts_panel)
        self.track_dock = self._dock("trackDock", self.track)

        self.toolbar = MainToolBar(self.coord_format, self.translations.lang, self, times.style())
        self.addToolBar(self.toolbar)
        self.operation_selector = OperationSelector(self)
        self.toolbar.add_operation_selector(self.operation_selector)  # shown once there are some
        # a burst of changes costs one read; overdue hand-overs age with the clock
        self._operations_timer = QTimer(self)
        self._operations_timer.setSingleShot(True)
        self._operations_timer.setInterval(300)
        self._operations_timer.timeout.connect(self.refresh_operations)
        self._operations_clock = QTimer(self)
        self._operations_clock.setInterval(60_000)
        self._operations_clock.timeout.connect(self.refresh_operations)
        self._operations_clock.start()
        self.menus = MainMenuBar(self.docks(), self)
        self.menus.set_time_style(times.style())
        self.setMenuBar(self.menus)
        self.map_import = MapImport(self, store.data_dir, before=self.menus.maps_anchor)
        self.map_tools = MapTools(self, store, self.settings)  # Map menu, map tools bar
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
        self.report = WindowReport(self)  # File > Operation report (SITREP)
        self._wire()
        self._apply_widget_theme()
        self.retranslateUi()
        self._default_layout = not dock_layout.restore(
            self, self.settings.value(dock_layout.GEOMETRY_KEY),
            self.settings.value(dock_layout.STATE_KEY))

        if self.settings.value(WELCOME_DONE_KEY, False, type=bool) or self._has_units():
            self.centre.setCurrentWidget(self.map_slot)
        else:
            self.centre.setCurrentWidget(self.welcome)
        self.incidents.reload()
        self.refresh_operations()
        self._refresh_waiting()
        site_profile.install(self)  # provisioning on first run; active profile in status bar

    # -- construction ---------------------------------------------------------------

    def _dock(self, name: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        return dock

    def docks(self) -> list[QDockWidget]:
        return [self.roster_dock, self.incident_dock, self.track_dock, self.sync_dock,
                self.conflicts_dock]

    def _make_placeholder(self) -> QLabel:
        label = QLabel()
        label.setObjectName("mapPlaceholder")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        label.setStyleSheet("font-size: 14pt;")
        return label

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._default_layout:
            # dock sizes asked for before the first show are only hints; ask again now
            self._default_layout = False
            self.resizeDocks([self.roster_dock], [dock_layout.SIDE_WIDTH],
                             Qt.Orientation.Horizontal)
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
        self.map_import.attach(m)
        self.map_tools.attach(m)
        m.unitSelected.connect(self._unit_from_map)
        m.logPositionRequested.connect(self._log_position_at)
        m.newIncidentRequested.connect(self._new_incident_at)
        m.cursorMoved.connect(self._on_cursor)
        m.incidentSelected.connect(self._incident_clicked_on_map)
        m.set_coord_format(self.coord_format)
        m.set_night_mode(self.theme.night)
        self.apply_map_filter()
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
        tb, mb = self.toolbar, self.menus
        tb.act_new_unit.triggered.connect(lambda: self.new_unit())
        tb.act_log_position.triggered.connect(lambda: self.log_position())
        tb.act_new_incident.triggered.connect(lambda: self.new_incident())
        tb.act_sync.triggered.connect(self.sync_now)
        tb.act_sign.triggered.connect(
            lambda: self.sign_out() if self._signed_in else self.sign_in())
        tb.coordFormatChosen.connect(self.set_coord_format)
        tb.timeStyleChosen.connect(self.set_time_style)
        tb.languageChosen.connect(self.set_language)
        tb.act_night.toggled.connect(self.set_night_mode)
        tb.act_large.toggled.connect(self.set_large_targets)
        self.operation_selector.operationChosen.connect(self.choose_operation)
        mb.act_sign_in.triggered.connect(self.sign_in)
        mb.act_sign_out.triggered.connect(lambda: self.sign_out())
        mb.act_quit.triggered.connect(self.close)
        mb.act_night.toggled.connect(self.set_night_mode)
        mb.act_large.toggled.connect(self.set_large_targets)
        mb.time_group.triggered.connect(lambda act: self.set_time_style(str(act.data())))
        mb.act_reset_layout.triggered.connect(self.reset_layout)
        mb.act_map_only.toggled.connect(self.set_map_only)
        self.act_find.triggered.connect(self._find)
        self.events.changed.connect(self._on_changes)
        self.roster.unitSelected.connect(self._on_unit_selected)
        self.roster.editRequested.connect(lambda uid: self.edit_unit(uid))
        self.roster.retireRequested.connect(lambda uid: self.retire_unit(uid))
        self.roster.logPositionRequested.connect(lambda uid: self.log_position(uid))
        self.roster.trackRequested.connect(lambda: self.show_panel(self.track_dock))
        self.roster.filtersChanged.connect(self._on_roster_filters)
        self.incidents.incidentSelected.connect(self._on_incident_selected)
        self.model.updated.connect(self._after_roster_update)
        self.roster.staleMinutesChanged.connect(self.set_stale_minutes)
        self.welcome.demoRequested.connect(self.load_demo)
        self.welcome.emptyRequested.connect(self._start_empty)
        self.welcome.signInRequested.connect(self.sign_in)
        self.sync_controller.statusChanged.connect(self._on_sync_status)
        self.sync_panel.syncRequested.connect(self.sync_now)
        self.sync_panel.signInRequested.connect(self.sign_in)
        self.sync_panel.signOutRequested.connect(lambda: self.sign_out())
        badge = self.status.badge
        badge.syncPanelRequested.connect(lambda: self.show_panel(self.sync_dock))
        badge.conflictsPanelRequested.connect(lambda: self.show_panel(self.conflicts_dock))
        self._on_sync_status(self.sync_controller.status())
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
        self.report.retranslateUi()
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

    # -- panels ---------------------------------------------------------------------------

    def show_panel(self, dock: QDockWidget) -> None:
        dock_layout.show_panel(self, dock)

    def set_map_only(self, on: bool) -> None:
        """View > Map only (F11): every panel collapsed; again, the same panels back."""
        self._collapsed = dock_layout.map_only(self, on, self.docks(), self._collapsed)

    def reset_layout(self) -> None:
        """View > Reset layout: the map-first arrangement, fitted to the screen."""
        self.menus.act_map_only.setChecked(False)
        dock_layout.apply_default(self)
        dock_layout.fit_to_screen(self)

    # -- data flow --------------------------------------------------------------

    def _has_units(self) -> bool:
        with self.store.session() as s:
            return s.execute(select(Unit.id).limit(1)).first() is not None

    def _load_agency_names(self) -> None:
        # A few dozen rows: read here, on the UI thread, when they change.
        with self.store.session() as s:
            rows = s.execute(select(Agency.id, Agency.name)).all()
        labels.set_agency_names({slug: name for slug, name in rows})

    def _on_roster_loaded(self, error: BaseException | None) -> None:
        if error is not None:
            show_error(self, error)
            return
        self.roster_ready = True
        self.rosterReady.emit()

    def _on_changes(self, changes: ChangeSet) -> None:
        if changes.get("agency"):
            self._load_agency_names()
            self.model.agency_names_changed()
            self.incidents.retranslateUi()
        units = changes.get("unit")
        if len(units) > FULL_RELOAD_OVER:
            self.model.load(self.store)
        elif units:
            self.model.reload_units(units)
        self.track.on_changes(changes)
        self.incidents.on_changes(changes)
        if self.operations_changed(changes):
            self._operations_timer.start()
        elif changes.get("position") and units:
            self.refresh_outside(set(units))
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

    def _unit_from_map(self, unit_id: str) -> None:
        self.show_panel(self.roster_dock)
        self.roster.select_unit(unit_id)

    def _incident_clicked_on_map(self, incident_id: str) -> None:
        # It is on screen already: show it in the log without moving the map under the user.
        self._incident_from_map = incident_id
        self.show_panel(self.incident_dock)
        self.incidents.select_incident(incident_id)
        self._incident_from_map = None

    def _on_incident_selected(self, incident_id: str) -> None:
        """An incident chosen in the log: the map centres on it."""
        if self.map is None or incident_id == self._incident_from_map:
            return
        where = self.incidents.selected_location()
        if where is not None:
            self.map.pan_to(where[0], where[1], min_zoom=INCIDENT_ZOOM)

    def _on_roster_filters(self, agency: str, status: str, kind: str) -> None:
        self.apply_map_filter()

    def show_operation_selector(self, shown: bool) -> None:
        self.toolbar.show_operation_selector(shown)

    def _find(self) -> None:
        self.show_panel(self.roster_dock)
        self.roster.focus_search()

    def _on_cursor(self, lat: float, lon: float) -> None:
        self.status.show_cursor(lat, lon, self.coord_format)

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
        """The position dialog for a unit. It starts from `at` (a point picked on the map),
        else from the unit's last fix, else from the centre of the map."""
        unit_id = unit_id or self.roster.selected_unit()
        if unit_id is None:
            self.status.showMessage(self.tr("Select a unit in the roster first."), 5000)
            return None
        origin = PositionDialog.FROM_MAP_POINT
        if at is None:
            row = self.model.row_by_id(unit_id)
            if row is not None and row[LAT] is not None:
                at, origin = (row[LAT], row[LON]), PositionDialog.FROM_LAST_FIX
            elif self.map is not None:
                view = self.map.save_view_state()
                at, origin = (float(view["lat"]), float(view["lon"])), PositionDialog.FROM_MAP_CENTRE
        last_fix = self.model.row_by_id(unit_id)
        dlg = PositionDialog(self.store, self.writer, unit_id, self.coord_format, at,
                             parent=self, origin=origin,
                             fix_time=last_fix[OBSERVED] if last_fix else None)
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
            self._load_agency_names()
            self.model.load(self.store)
            self.incidents.reload()
            self._refresh_waiting()

        run_task(lambda: load_demo(self.store), done)

    def _start_empty(self) -> None:
        self._finish_welcome()

    def _finish_welcome(self) -> None:
        self.settings.setValue(WELCOME_DONE_KEY, True)
        self.centre.setCurrentWidget(self.map_slot)

    # -- layout memory ------------------------------------------------------------

    def save_layout(self) -> None:
        geometry, state = dock_layout.save(self)
        self.settings.setValue(dock_layout.GEOMETRY_KEY, geometry)
        self.settings.setValue(dock_layout.STATE_KEY, state)
        if self.map is not None:
            try:
                self.settings.setValue("map/view", json.dumps(self.map.save_view_state()))
            except Exception:  # the view is a convenience; never block closing
                log.exception("could not save the map view")
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.store.closed:  # erased on the server's order: nothing more is written
            self.save_layout()
        self.events.close()
        self.sync_controller.stop()
        super().closeEvent(event)
