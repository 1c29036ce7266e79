"""The status bar: connection state, the changes not yet confirmed and those that need a
person (rejected, conflicts, kept for an update), last successful sync, and the
coordinates under the mouse on the map.

The counts are those of `fieldclient.store.outbox.counts` (the Sync and Conflicts tabs
and `status --json` show the same numbers). The state is the sync controller's
(`replication.worker.STATES`): a clock that is wrong and a version too old for the
server are said in words, with what to do in the tooltip.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from fieldclient.core.timefmt import format_local
from fieldclient.ui import geo
from fieldclient.ui.i18n import Retranslatable

STATE_COLOURS = {"online": "#1b7f3b", "syncing": "#1f5fbf", "error": "#b00020",
                 "clock_skew": "#a35200", "too_old": "#b00020"}
OTHER_COLOUR = "#777"
_COUNTS = ("pending", "rejected", "conflicts", "held")


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
        self._counts = dict.fromkeys(_COUNTS, 0)
        self.retranslateUi()

    # -- what it shows ------------------------------------------------------------

    def set_sync_status(self, status: dict[str, Any]) -> None:
        """A status report of the sync controller (see SyncController.statusChanged)."""
        self._status = dict(status)
        if status.get("pending") is None and status.get("waiting") is not None:
            status = {**status, "pending": status["waiting"]}
        for key in _COUNTS:
            if status.get(key) is not None:
                self._counts[key] = int(status[key])
        self.retranslateUi()

    def set_counts(self, counts: Any) -> None:
        """The outbox's counts (`store.outbox.Counts`), read after a local change."""
        for key in _COUNTS:
            self._counts[key] = int(getattr(counts, key))
        self.retranslateUi()

    def set_waiting(self, count: int) -> None:
        """Changes not yet confirmed by the server, counted from the outbox."""
        self._counts["pending"] = int(count)
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
            "clock_skew": self.tr("Clock is wrong"),
            "too_old": self.tr("Update Enlace"),
        }
        self.connection_label.setText("● " + names.get(state, state))
        self.connection_label.setStyleSheet(f"color: {STATE_COLOURS.get(state, OTHER_COLOUR)};")
        self.connection_label.setToolTip(self._advice(state) or str(st.get("last_error") or ""))
        c = self._counts
        parts = [self.tr("%n change(s) waiting", "", c["pending"])]
        if c["rejected"]:
            parts.append(self.tr("%n rejected", "", c["rejected"]))
        if c["conflicts"]:
            parts.append(self.tr("%n conflict(s)", "", c["conflicts"]))
        if c["held"]:
            parts.append(self.tr("%n kept for an update", "", c["held"]))
        self.waiting_label.setText(" · ".join(parts))
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

    def _advice(self, state: str) -> str:
        """What to do about a state that needs a person."""
        offset = self._status.get("clock_offset_s")
        if (state == "clock_skew" or self._status.get("clock_skew")) and offset is not None:
            amount = _duration(abs(float(offset)))
            if offset < 0:
                text = self.tr("This computer's clock is {amount} ahead of the sync server's.")
            else:
                text = self.tr("This computer's clock is {amount} behind the sync server's.")
            return text.format(amount=amount) + " " + self.tr(
                "Correct the date, time and time zone; changes refused because of the clock "
                "are sent again by themselves once it is right.")
        if state == "too_old":
            return self.tr(
                "This version of Enlace is too old for the sync server: nothing is sent or "
                "received until it is updated. Your changes are kept on this computer.")
        return ""


def _duration(seconds: float) -> str:
    """3 d 2 h, 5 h 10 min, 7 min: how far apart two clocks are."""
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"
