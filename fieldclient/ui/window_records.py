"""Detentions and use-of-force reports in the main window.

- The incident log and the unit details list the detentions linked to the incident or
  made by the unit, with their custody clock (custody_list.py); right-click a detention
  to correct it, record its hand-over, write its use-of-force report or see its history.
- The Records menu's "Detention…" and "Use of force…" open the forms for the selected
  unit.
- The oversight view (oversight_view.py) is a panel for the observer role; the audit
  trail and full records it reads come from the server through the sync controller.

Nothing here is shown on the map, in exports or in the SITREP: those see these records
as counts at most (docs/protocol.md, "Personal data").
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMenu, QVBoxLayout

from fieldclient.store import accountable, meta
from fieldclient.store.events import ChangeSet
from fieldclient.ui.custody_list import ID_ROLE, CustodyList
from fieldclient.ui.errors import show_error
from fieldclient.ui.oversight_view import OversightView
from fieldclient.ui.record_dialog import AMEND, HANDOVER, NEW, RecordDialog
from fieldclient.ui.record_history import RecordHistory

if TYPE_CHECKING:
    from fieldclient.ui.main_window import MainWindow

CLOCK_MS = 60_000  # the custody clocks move on while nothing changes


class WindowRecords(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._role: str | None = "?"  # the role the panels were last arranged for
        self.incident_custody = CustodyList()
        self.unit_custody = CustodyList()
        window.incidents.extras.addWidget(self.incident_custody)
        window.roster.extras.addWidget(self.unit_custody)
        for lst in (self.incident_custody, self.unit_custody):
            lst.setMaximumHeight(140)
            lst.setVisible(False)
            lst.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            lst.customContextMenuRequested.connect(lambda at, w=lst: self._menu(w, at))
            lst.recordActivated.connect(self.show_history)
            # the chosen detention's transfer route and custody clock on the map
            lst.currentItemChanged.connect(lambda item, _prev: self.show_on_map(
                item.data(0, ID_ROLE) if item is not None else None))
        controller = window.sync_controller
        self.oversight = OversightView(window.store, controller.audit_page,
                                       controller.open_record)
        self.oversight_dock = window._dock("oversightDock", self.oversight)
        self.oversight_dock.hide()
        # in View with the other panels (observers only: hidden for other roles)
        window.menus.view_menu.insertAction(window.menus.act_map_only,
                                            self.oversight_dock.toggleViewAction())
        self.act_detention = QAction(window)
        self.act_detention.setObjectName("newDetention")
        self.act_force = QAction(window)
        self.act_force.setObjectName("newUseOfForce")
        # a menu of their own: the toolbar is sized for the field laptop's screen
        self.menu = QMenu(window.menus)
        self.menu.setObjectName("recordsMenu")
        self.menu.addAction(self.act_detention)
        self.menu.addAction(self.act_force)
        window.menus.addMenu(self.menu)
        self.act_detention.setShortcut(QKeySequence("Ctrl+Shift+D"))
        self.act_force.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.act_detention.triggered.connect(lambda: self.new_record("detention"))
        self.act_force.triggered.connect(lambda: self.new_record("use_of_force"))
        window.incidents.incidentSelected.connect(lambda _i: self.refresh_lists())
        window.roster.unitSelected.connect(lambda _u: self.refresh_lists())
        window.events.changed.connect(self.on_changes)
        window.sync_controller.statusChanged.connect(lambda _s: self.show_for_role())
        self._clock = QTimer(self)
        self._clock.setInterval(CLOCK_MS)
        self._clock.timeout.connect(self.refresh_lists)
        self._clock.start()
        self.retranslateUi()
        # after the window has placed its panels (dock_layout), then whenever sync reports
        QTimer.singleShot(0, self.show_for_role)

    def retranslateUi(self) -> None:
        self.oversight_dock.setWindowTitle(self.tr("Oversight"))
        self.menu.setTitle(self.tr("&Records"))
        self.act_detention.setText(self.tr("Detention…"))
        self.act_detention.setToolTip(self.tr("Record a detention by the selected unit"))
        self.act_force.setText(self.tr("Use of force…"))
        self.act_force.setToolTip(self.tr("Report a use of force by the selected unit"))
        for lst in (self.incident_custody, self.unit_custody):
            lst.retranslateUi()

    # -- who sees what -----------------------------------------------------------------

    def role(self) -> str | None:
        with self.window.store.session() as s:
            actor = meta.signed_in_actor(s)
        return actor.role if actor is not None else None

    def show_for_role(self) -> None:
        """The oversight panel is for observers; writing records for everyone else. Acts
        when the signed-in role changes (a panel the observer closed stays closed)."""
        if self.window.store.closed:
            return  # the window is going away under the idle lock
        role = self.role()
        if role == self._role:
            return
        self._role = role
        observer = role == "observer"
        dock = self.oversight_dock
        dock.toggleViewAction().setVisible(observer)
        if observer and dock.isHidden() and not dock.isFloating():
            # beside the Units and Incident log tabs, in front
            self.window.tabifyDockWidget(self.window.incident_dock, dock)
            dock.show()
            dock.raise_()
        elif not observer:
            dock.hide()
        self.menu.menuAction().setVisible(not observer)

    # -- lists -----------------------------------------------------------------------

    def on_changes(self, changes: ChangeSet) -> None:
        if changes.get("detention") or changes.get("use_of_force"):
            self.refresh_lists()
            self.oversight.on_changes(changes)

    def refresh_lists(self) -> None:
        """The detentions of the selected incident and unit (a handful: read directly)."""
        w = self.window
        store = w.store
        if store.closed:  # the minute's clock of a window that outlived its store (idle
            return  # lock, a closed window): nothing to read, and reading would raise
        thresholds = accountable.thresholds(store)
        now = datetime.now(UTC)
        with store.session() as s:
            incident = w.incidents.incident_id
            unit = w.roster.selected_unit()
            by_incident = accountable.summaries(s, "detention", incident_id=incident) \
                if incident else []
            by_unit = accountable.summaries(s, "detention", unit_id=unit) if unit else []
        self.incident_custody.set_rows(by_incident, thresholds, now)
        self.unit_custody.set_rows(by_unit, thresholds, now)

    def _menu(self, lst: CustodyList, at: QPoint) -> None:
        item = lst.itemAt(at)
        if item is None:
            return
        rid = str(item.data(0, ID_ROLE))
        menu = QMenu(lst)
        for text, slot in ((self.tr("Correct…"), lambda: self.amend("detention", rid)),
                           (self.tr("Hand-over…"), lambda: self.hand_over(rid)),
                           (self.tr("Use-of-force report…"), lambda: self.force_for(rid)),
                           (self.tr("History…"), lambda: self.show_history(rid))):
            menu.addAction(text).triggered.connect(slot)
        menu.popup(lst.viewport().mapToGlobal(at))

    # -- forms -----------------------------------------------------------------------

    def _open(self, make: Any) -> RecordDialog | None:
        try:
            dlg = make()
        except Exception as err:  # noqa: BLE001 - shown, the window goes on
            show_error(self.window, err)
            return None
        return self.window._open(dlg)  # type: ignore[return-value]

    def new_record(self, entity: str) -> RecordDialog | None:
        w = self.window
        return self._open(lambda: RecordDialog(
            w.store, w.writer, entity, NEW, unit_id=w.roster.selected_unit(),
            incident_id=w.incidents.incident_id, coord_format=w.coord_format, parent=w))

    def amend(self, entity: str, record_id: str) -> RecordDialog | None:
        w = self.window
        return self._open(lambda: RecordDialog(w.store, w.writer, entity, AMEND,
                                               original_id=record_id, parent=w))

    def hand_over(self, record_id: str) -> RecordDialog | None:
        w = self.window
        return self._open(lambda: RecordDialog(w.store, w.writer, "detention", HANDOVER,
                                               original_id=record_id, parent=w))

    def force_for(self, detention_id: str) -> RecordDialog | None:
        w = self.window
        with w.store.session() as s:
            standing = accountable.standing(s, "detention", detention_id) or {}
        return self._open(lambda: RecordDialog(
            w.store, w.writer, "use_of_force", NEW, unit_id=standing.get("unit_id"),
            incident_id=standing.get("incident_id"), detention_id=detention_id,
            coord_format=w.coord_format, parent=w))

    def show_on_map(self, detention_id: str | None) -> None:
        """A detention's route and custody clock on the map (no personal data goes there:
        fieldclient/map/custody_layer.py); None clears it."""
        if self.window.map is not None:
            self.window.map.overlays.show_detention(detention_id)

    def show_history(self, record_id: str) -> QDialog:
        """The record with each amendment beside its original (read-only)."""
        w = self.window
        dlg = QDialog(w)
        dlg.setObjectName("recordHistoryDialog")
        dlg.setWindowTitle(self.tr("Record and its amendments"))
        table = RecordHistory(dlg)
        with w.store.session() as s:
            records = accountable.history(s, "detention", record_id)
            table.set_records("detention", records,
                              accountable.ref_names(s, "detention", records))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dlg)
        buttons.rejected.connect(dlg.reject)
        layout = QVBoxLayout(dlg)
        layout.addWidget(table)
        layout.addWidget(buttons)
        dlg.resize(720, 480)
        w._open(dlg)
        return dlg
