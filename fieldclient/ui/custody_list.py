"""A short list of detentions with their custody clock, for the incident log and the unit
details (the oversight view has its own table with the same colours).

Each row: the detained person's initials, when, the custody clock (time held until the
hand-over, or until now) amber past the deployment's warning threshold and red past its
alert threshold, and the hand-over (to whom, when) or "In custody". Colour is never the
only signal: a late clock also says so in words and with a mark. The thresholds are the
site profile's configuration, not legal advice (core/custody.py).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem, QWidget

from fieldclient.core import custody
from fieldclient.core.bidi import isolate
from fieldclient.core.timefmt import format_local
from fieldclient.store.accountable import Summary
from fieldclient.ui.labels import field_name, label

ID_ROLE = Qt.ItemDataRole.UserRole + 1
C_PERSON, C_WHEN, C_CLOCK, C_HANDOVER = range(4)
# state -> (mark, background, text colour): readable in day and night themes
# The marks are in the fonts every supported system ships (DejaVu, Segoe UI): ⛔ was not, and
# showed as an empty box, so colour alone told the states apart.
COLOURS = {custody.WARN: ("⚠", "#ffd27a", "#3d2a00"), custody.ALERT: ("‼", "#f4a3ab", "#4a0010")}


def clock_text(clock: custody.Custody) -> str:
    """"⚠ 1 h 20 min" (held, past the warning), "2 h 05 min": what the clock cell says."""
    mark = COLOURS.get(clock.state, ("",))[0]
    return f"{mark} {custody.elapsed_text(clock.elapsed)}".strip()


def clock_tip(clock: custody.Custody, thresholds: custody.Thresholds) -> str:
    state = QCoreApplication.translate("custody", custody.STATE_LABELS[clock.state])
    held = (QCoreApplication.translate("CustodyList", "Held for {time}") if clock.open
            else QCoreApplication.translate("CustodyList", "Handed over after {time}"))
    rule = QCoreApplication.translate(
        "CustodyList", "Warning at {warn}, alert at {alert}: this deployment's configuration, "
        "not legal advice.")
    return "\n".join((held.format(time=custody.elapsed_text(clock.elapsed)), state,
                      rule.format(warn=custody.elapsed_text(thresholds.warn),
                                  alert=custody.elapsed_text(thresholds.alert))))


def paint(item: QTreeWidgetItem, column: int, state: str) -> None:
    colours = COLOURS.get(state)
    if colours is not None:
        item.setBackground(column, QBrush(QColor(colours[1])))
        item.setForeground(column, QBrush(QColor(colours[2])))


def handover_text(authority: str | None, when: datetime | None) -> str:
    if when is None:
        return QCoreApplication.translate("CustodyList", "In custody")
    return f"{label(authority, 'custody_authority')} · {format_local(when)}"


class CustodyList(QTreeWidget):
    recordActivated = Signal(str)  # a detention's id (double-click)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("custodyList")
        self.setRootIsDecorated(False)
        self.setColumnCount(4)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.itemDoubleClicked.connect(
            lambda item, _c: self.recordActivated.emit(item.data(0, ID_ROLE)))
        self.retranslateUi()

    def retranslateUi(self) -> None:
        self.setHeaderLabels([self.tr("Person"), self.tr("Detained"), self.tr("Custody"),
                              self.tr("Hand-over")])

    def set_rows(self, rows: list[Summary], thresholds: custody.Thresholds,
                 now: datetime) -> None:
        """Detentions as they stand (store.accountable.summaries), held ones first."""
        self.clear()
        clocks = [(r, custody.clock(r.values.get("detained_at"), r.values.get("handed_over_at"),
                                    now, thresholds)) for r in rows]
        clocks.sort(key=lambda rc: (not (rc[1] and rc[1].open),
                                    -(custody.RANK.get(rc[1].state, 0) if rc[1] else 0)))
        for r, clock in clocks:
            v = r.values
            item = QTreeWidgetItem([
                isolate(r.initials), format_local(v.get("detained_at")),
                clock_text(clock) if clock else "",
                handover_text(v.get("authority"), v.get("handed_over_at")),
            ])
            item.setData(0, ID_ROLE, r.id)
            if clock is not None:
                paint(item, C_CLOCK, clock.state)
                item.setToolTip(C_CLOCK, clock_tip(clock, thresholds))
            if r.amended:
                item.setToolTip(C_PERSON, self.tr("Amended: {fields}").format(
                    fields=", ".join(field_name("detention", f) for f in r.amended)))
            self.addTopLevelItem(item)
        self.setVisible(bool(rows))

    def rows_text(self) -> list[list[str]]:
        """What the list shows (tests read it back)."""
        out = []
        for i in range(self.topLevelItemCount()):
            item = self.topLevelItem(i)
            if item is not None:
                out.append([item.text(c) for c in range(self.columnCount())])
        return out

    def clock_state(self, row: int) -> str | None:
        """The state the clock cell is painted for (by its colour)."""
        item = self.topLevelItem(row)
        if item is None:
            return None
        colour = item.background(C_CLOCK).color().name()
        return next((s for s, c in COLOURS.items() if c[1] == colour), custody.OK)
