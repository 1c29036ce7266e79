"""Track of the selected unit: its position reports, newest first."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldclient.core.bidi import isolate
from fieldclient.store import queries
from fieldclient.store.db import Store
from fieldclient.store.events import ChangeSet
from fieldclient.ui import geo, times
from fieldclient.ui.i18n import Retranslatable
from fieldclient.ui.labels import field_name, label
from fieldclient.ui.tasks import run_task

TRACK_LIMIT = 1000


class TrackPanel(Retranslatable, QWidget):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.unit_id: str | None = None
        self._coord_format = "dd"
        self._points: list[queries.TrackPoint] = []
        self._generation = 0
        self.title = QLabel()
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("trackTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        self.retranslateUi()

    def retranslateUi(self) -> None:
        self.table.setHorizontalHeaderLabels([
            self.tr("Observed"), self.tr("Position"), field_name("position", "accuracy_m"),
            field_name("position", "source"), field_name("position", "reported_by"),
            field_name("position", "note"),
        ])
        self._fill()

    def set_coord_format(self, fmt: str) -> None:
        self._coord_format = fmt
        self._fill()

    def show_unit(self, unit_id: str | None) -> None:
        self.unit_id = unit_id
        self.reload()

    def on_changes(self, changes: ChangeSet) -> None:
        if self.unit_id and changes.get("position") and self.unit_id in changes.get("unit"):
            self.reload()

    def reload(self) -> None:
        unit_id = self.unit_id
        self._generation += 1
        generation = self._generation
        if unit_id is None:
            self._points = []
            self._fill()
            return

        def fetch() -> list[queries.TrackPoint]:
            with self.store.session() as s:
                return queries.unit_track(s, unit_id, limit=TRACK_LIMIT)

        def done(points: object, error: BaseException | None) -> None:
            # a slower, older request must not overwrite the track of a newer selection
            if generation != self._generation or error is not None:
                return
            self._points = list(points)  # type: ignore[call-overload]
            self._fill()

        run_task(fetch, done)

    def _fill(self) -> None:
        pts = self._points
        self.table.setRowCount(len(pts))
        for r, p in enumerate(pts):
            values = [
                times.when(p.observed_at),
                geo.format_latlon(p.lat, p.lon, self._coord_format),
                "" if p.accuracy_m is None else f"{p.accuracy_m:g}",
                label(p.source, "position_source"),
                isolate(p.reported_by or ""),
                isolate(p.note or ""),
            ]
            for c, v in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(v))
            when = self.table.item(r, 0)
            if when is not None:
                when.setToolTip(times.other(p.observed_at))
        if self.unit_id is None:
            self.title.setText(self.tr("Select a unit to see its track."))
        else:
            self.title.setText(self.tr("%n position report(s), newest first", "", len(pts)))

    def rows_text(self) -> list[list[str]]:
        """What the table shows (tests and the self-test read it back)."""
        return [
            [(it.text() if (it := self.table.item(r, c)) is not None else "")
             for c in range(self.table.columnCount())]
            for r in range(self.table.rowCount())
        ]
