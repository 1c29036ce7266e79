"""The sync state at a glance, always on screen (in the status bar): a coloured badge with
a symbol and words - signed out, online, offline, syncing, clock wrong, version too
old - then the changes the server has not confirmed yet, the rejected ones, the open
conflicts and the pulled changes kept for an update (each a button opening its panel;
the counts are `store.outbox.counts`, the same the Sync and Conflicts panels and
`status --json` show) and the time of the last successful sync. A wrong clock says in
its tooltip by how much and which way.

Colour is never the only signal: each state has its own words and symbol, so a
colour-blind user, a grey-scale screenshot or night mode still tell them apart.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from fieldclient.core import timefmt
from fieldclient.core.i18n import QT_TRANSLATE_NOOP
from fieldclient.ui import times
from fieldclient.ui.i18n import Retranslatable

# state -> (symbol, words, day colour, night colour, what it means)
STATES: dict[str, tuple[str, str, str, str, str]] = {
    "online": ("●", QT_TRANSLATE_NOOP("StateBadge", "Online"), "#1b7f3b", "#1d4a24",
               QT_TRANSLATE_NOOP("StateBadge", "Connected to the sync server.")),
    "syncing": ("↻", QT_TRANSLATE_NOOP("StateBadge", "Syncing…"), "#1f5fbf", "#23305a",
                QT_TRANSLATE_NOOP("StateBadge", "Sending and receiving changes.")),
    "offline": ("○", QT_TRANSLATE_NOOP("StateBadge", "Offline"), "#a85200", "#5a2c00",
                QT_TRANSLATE_NOOP("StateBadge", "The server cannot be reached. Changes are kept "
                                                "on this computer and sent when the link is back.")),
    "signed_out": ("⊘", QT_TRANSLATE_NOOP("StateBadge", "Not signed in"), "#4f5b66", "#3a2a2a",
                   QT_TRANSLATE_NOOP("StateBadge", "Nothing is sent or received until you sign in.")),
    "error": ("✖", QT_TRANSLATE_NOOP("StateBadge", "Sync error"), "#b00020", "#5c0010",
              QT_TRANSLATE_NOOP("StateBadge", "The last sync failed; it is retried by itself.")),
    "clock_skew": ("⚠", QT_TRANSLATE_NOOP("StateBadge", "Clock wrong"), "#8e1b9c", "#4a1050",
                   QT_TRANSLATE_NOOP("StateBadge", "This computer's clock differs too much from "
                                                   "the server's. Set the date, time and time zone, "
                                                   "then sync again.")),
    "too_old": ("⚠", QT_TRANSLATE_NOOP("StateBadge", "Version too old"), "#8e1b9c", "#4a1050",
                QT_TRANSLATE_NOOP("StateBadge", "The server needs a newer version of Enlace. "
                                                "Changes are kept on this computer until it is "
                                                "updated.")),
    "unknown": ("…", QT_TRANSLATE_NOOP("StateBadge", "Connecting…"), "#4f5b66", "#3a2a2a",
                QT_TRANSLATE_NOOP("StateBadge", "Waiting for the first answer of the server.")),
}
NIGHT_TEXT = "#e07070"


def _tr(text: str) -> str:
    return QCoreApplication.translate("StateBadge", text)


class StateBadge(Retranslatable, QWidget):
    syncPanelRequested = Signal()  # the pending or rejected count was clicked
    conflictsPanelRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stateBadge")
        self.state_label = QLabel(self)
        self.state_label.setObjectName("connectionState")
        self.pending_button = self._count_button("changesWaiting", self.syncPanelRequested)
        self.rejected_button = self._count_button("rejectedCount", self.syncPanelRequested)
        self.conflicts_button = self._count_button("conflictsCount", self.conflictsPanelRequested)
        self.held_button = self._count_button("heldCount", self.syncPanelRequested)
        self.last_sync_label = QLabel(self)
        self.last_sync_label.setObjectName("lastSync")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        for w in (self.state_label, self.pending_button, self.rejected_button,
                  self.conflicts_button, self.held_button, self.last_sync_label):
            row.addWidget(w)
        self._status: dict[str, Any] = {"state": "signed_out"}
        self._pending = self._rejected = self._conflicts = self._held = 0
        self._night = False
        self.retranslateUi()

    def _count_button(self, name: str, signal: Any) -> QToolButton:
        b = QToolButton(self)
        b.setObjectName(name)
        b.setAutoRaise(True)
        b.setCursor(Qt.CursorShape.PointingHandCursor)
        b.clicked.connect(signal)
        return b

    # -- what it shows ------------------------------------------------------------

    @property
    def state(self) -> str:
        state = str(self._status.get("state") or "unknown")
        return state if state in STATES else "unknown"

    def set_status(self, status: dict[str, Any]) -> None:
        """A report of the sync controller (SyncController.statusChanged)."""
        self._status = dict(status)
        pending = status.get("pending", status.get("waiting"))
        if pending is not None:
            self._pending = int(pending)
        if status.get("rejected") is not None:
            self._rejected = int(status["rejected"])
        if status.get("conflicts") is not None:
            self._conflicts = int(status["conflicts"])
        if status.get("held") is not None:
            self._held = int(status["held"])
        self.retranslateUi()

    def set_counts(self, pending: int, rejected: int | None = None,
                   conflicts: int | None = None, held: int | None = None) -> None:
        """Counts read from the outbox (after a local change, between worker reports)."""
        self._pending = int(pending)
        if rejected is not None:
            self._rejected = int(rejected)
        if conflicts is not None:
            self._conflicts = int(conflicts)
        if held is not None:
            self._held = int(held)
        self.retranslateUi()

    def set_night(self, night: bool) -> None:
        self._night = night
        self.retranslateUi()

    def state_text(self) -> str:
        symbol, words = STATES[self.state][:2]
        return f"{symbol} {_tr(words)}"

    def retranslateUi(self) -> None:
        st = self._status
        _symbol, _words, day, night, meaning = STATES[self.state]
        self.state_label.setText(self.state_text())
        fg = NIGHT_TEXT if self._night else "#ffffff"
        self.state_label.setStyleSheet(
            f"QLabel {{ background: {night if self._night else day}; color: {fg};"
            " font-weight: bold; border-radius: 4px; padding: 2px 8px; }")
        tip = [_tr(meaning)]
        clock = self._clock_text()
        if clock:
            tip.append(clock)
        if st.get("server"):
            who = st.get("username")
            tip.append(self.tr("Server: {server}").format(server=st["server"]) +
                       (f" · {who}" if who else ""))
        if st.get("last_error") and self.state not in ("online", "syncing"):
            tip.append(self.tr("Last error: {error}").format(error=st["last_error"]))
        self.state_label.setToolTip("\n".join(tip))

        if self._pending:
            self.pending_button.setText(self.tr("↑ %n not confirmed", "", self._pending))
        else:
            self.pending_button.setText(self.tr("✓ All confirmed"))
        self.pending_button.setToolTip(self.tr(
            "Changes made on this computer that the server has not confirmed yet. "
            "Click to open the Sync panel."))
        self.rejected_button.setText(self.tr("✖ %n rejected", "", self._rejected))
        self.rejected_button.setToolTip(self.tr(
            "Changes the server refused; they stay listed until you send them again or "
            "dismiss them. Click to open the Sync panel."))
        self.rejected_button.setVisible(self._rejected > 0)
        self.conflicts_button.setText(self.tr("⚡ %n open conflict(s)", "", self._conflicts))
        self.conflicts_button.setToolTip(self.tr(
            "Fields two people changed at the same time. Click to open the Conflicts panel."))
        self.conflicts_button.setVisible(self._conflicts > 0)
        self.held_button.setText(self.tr("⏸ %n kept for an update", "", self._held))
        self.held_button.setToolTip(self.tr(
            "Changes from the server this version of Enlace cannot show yet; they are kept "
            "and applied once Enlace is updated. Click to open the Sync panel."))
        self.held_button.setVisible(self._held > 0)
        alert = "#ff8a80" if self._night else "#b00020"
        for b in (self.rejected_button, self.conflicts_button):
            b.setStyleSheet(f"QToolButton {{ color: {alert}; font-weight: bold; }}")

        last = _parse_time(st.get("last_sync"))
        if last is not None:
            self.last_sync_label.setText(self.tr("Last sync: {when}").format(when=times.when(last)))
            self.last_sync_label.setToolTip(times.other(last))
        else:
            self.last_sync_label.setText(self.tr("Never synced"))
            self.last_sync_label.setToolTip("")

    def _clock_text(self) -> str:
        """By how much and which way this computer's clock is off, when it is."""
        offset = self._status.get("clock_offset_s")
        if not (self.state == "clock_skew" or self._status.get("clock_skew")) or offset is None:
            return ""
        amount = timefmt.apart(float(offset) * 1000)
        if offset < 0:
            text = self.tr("This computer's clock is {amount} ahead of the sync server's.")
        else:
            text = self.tr("This computer's clock is {amount} behind the sync server's.")
        return text.format(amount=amount) + " " + self.tr(
            "Changes refused because of the clock are sent again by themselves once it is "
            "right.")


def _parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None
