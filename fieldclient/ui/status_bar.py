"""The status bar: connection state, changes waiting, last successful sync, and the
coordinates under the mouse on the map."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from fieldclient.core.timefmt import format_local
from fieldclient.ui import geo
from fieldclient.ui.i18n import Retranslatable

STATE_COLOURS = {"online": "#1b7f3b", "syncing": "#1f5fbf", "error": "#b00020"}
OTHER_COLOUR = "#777"


class StatusBar(Retranslatable, QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.connection_label = QLabel()
        self.connection_label.setObjectName("connectionState")
        self.waiting_label = QLabel()
        self.waiting_label.setObjectName("changesWaiting")
        self.last_sync_label = QLabel()
        self.last_sync_label.setObjectName("lastSync")
        self.cursor_label = QLabel()
        self.cursor_label.setObjectName("cursorPosition")
        self.cursor_label.setMinimumWidth(190)
        for w in (self.connection_label, self.waiting_label, self.last_sync_label, self.cursor_label):
            self.addPermanentWidget(w)
        self._status: dict[str, Any] = {"state": "offline"}
        self._waiting = 0
        self.retranslateUi()

    # -- what it shows ------------------------------------------------------------

    def set_sync_status(self, status: dict[str, Any]) -> None:
        """A status report of the sync controller (see SyncController.statusChanged)."""
        self._status = dict(status)
        if status.get("waiting") is not None:
            self._waiting = int(status["waiting"])
        self.retranslateUi()

    def set_waiting(self, count: int) -> None:
        """Changes not yet confirmed by the server, counted from the outbox."""
        self._waiting = int(count)
        self.retranslateUi()

    def show_cursor(self, lat: float, lon: float, fmt: str) -> None:
        self.cursor_label.setText(geo.format_latlon(round(lat, 5), round(lon, 5), fmt))

    def retranslateUi(self) -> None:
        st = self._status
        state = st.get("state") or "offline"
        names = {
            "offline": self.tr("Offline"), "online": self.tr("Online"),
            "syncing": self.tr("Syncing…"), "error": self.tr("Sync error"),
            "signed_out": self.tr("Not signed in"),
        }
        self.connection_label.setText("● " + names.get(state, state))
        self.connection_label.setStyleSheet(f"color: {STATE_COLOURS.get(state, OTHER_COLOUR)};")
        self.connection_label.setToolTip(str(st.get("last_error") or ""))
        text = self.tr("%n change(s) waiting", "", self._waiting)
        rejected = int(st.get("rejected") or 0)
        if rejected:
            text += " · " + self.tr("%n rejected", "", rejected)
        self.waiting_label.setText(text)
        last = st.get("last_sync")
        if isinstance(last, str):
            try:
                last = datetime.fromisoformat(last)
            except ValueError:
                last = None
        self.last_sync_label.setText(
            self.tr("Last sync: {when}").format(when=format_local(last))
            if last else self.tr("Never synced")
        )
