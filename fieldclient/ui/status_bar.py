"""The status bar: the sync state badge (state, changes not confirmed, rejected, open
conflicts, last successful sync; see state_badge.py) and the coordinates under the
mouse on the map."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from fieldclient.ui import geo
from fieldclient.ui.state_badge import StateBadge


class StatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.badge = StateBadge(self)
        # the badge's parts under the names other code and tests know them by
        self.connection_label = self.badge.state_label
        self.waiting_label = self.badge.pending_button
        self.last_sync_label = self.badge.last_sync_label
        self.cursor_label = QLabel()
        self.cursor_label.setObjectName("cursorPosition")
        self.cursor_label.setMinimumWidth(190)
        self.addPermanentWidget(self.badge)
        self.addPermanentWidget(self.cursor_label)

    def set_sync_status(self, status: dict[str, Any]) -> None:
        """A status report of the sync controller (see SyncController.statusChanged)."""
        self.badge.set_status(status)

    def show_cursor(self, lat: float, lon: float, fmt: str) -> None:
        self.cursor_label.setText(geo.format_latlon(round(lat, 5), round(lon, 5), fmt))
